"""tco/breakeven.py at its edges, by hand: minimum replicas above one, gaps after added replicas,
the payback tolerance, scalar fixed costs, the NPV's two summation paths, IRR's search range."""

import math

import numpy as np
import pytest

from tco import breakeven

# BASE of tests/test_costs_golden.py: one replica costs c = $2,920 and serves v = 2.628e9 tokens;
# the API costs p = $3.275 per 1M tokens
C, V, P = 2920.0, 2.628e9, 3.275e-6


def test_crossing_inside_the_minimum_fleet():
    # min 2 replicas, fixed $1,000: self-hosting costs 1,000 + 2 x 2,920 = $6,840 up to 2v = 5.256e9;
    # the API reaches it at 6,840 / 3.275e-6 = 2.08855e9, inside the first (minimum) step
    first, stays = breakeven.breakeven_volume(1000.0, C, P, V, 2)
    assert float(first) == pytest.approx(6840 / P)
    assert float(first) < V                          # below one replica's volume: no step boundary applies
    assert float(stays) == pytest.approx(6840 / P)   # p·v = $8,606.70 > c: no gap after any later replica


def test_crossing_in_a_later_step_starts_no_lower_than_its_boundary():
    # min 1, fixed $20,000: margin per full replica p·v − c = 8,606.7 − 2,920 = 5,686.7;
    # k1 = ceil(20,000 / 5,686.7) = 4: (20,000 + 4 x 2,920) / p = 31,680 / 3.275e-6 = 9.67328e9,
    # above the step's lower boundary 3v = 7.884e9
    first, stays = breakeven.breakeven_volume(20000.0, C, P, V, 1)
    assert float(first) == pytest.approx(31680 / P)
    # gaps: the last step k with k·margin < F + p·v = 28,606.7 is k = 5 (5 x 5,686.7 = 28,433.5):
    # just above 4v the fifth replica makes self-hosting dearer again until (20,000 + 5 x 2,920) / p
    assert float(stays) == pytest.approx(34600 / P)


def test_minimum_fleet_larger_than_the_crossing_step():
    # min 5 replicas, fixed $20,000: in the minimum step self = 20,000 + 5 x 2,920 = $34,600 up to 5v;
    # API = 34,600 / p = 1.05649e10 <= 5v = 1.314e10 -> first = 1.05649e10, no gap after it
    first, stays = breakeven.breakeven_volume(20000.0, C, P, V, 5)
    assert float(first) == pytest.approx(34600 / P)
    assert float(stays) == pytest.approx(34600 / P)


def test_no_crossing_when_a_full_replica_costs_more_than_the_api():
    # p·v = c exactly: never cheaper (NaN, NaN); just above: a crossing exists
    first, stays = breakeven.breakeven_volume(0.0, P * V, P, V, 1)
    assert math.isnan(float(first)) and math.isnan(float(stays))
    first, _ = breakeven.breakeven_volume(0.0, P * V * 0.999, P, V, 1)
    assert float(first) == pytest.approx(P * V * 0.999 / P)


def test_breakeven_broadcasts_over_arrays():
    first, stays = breakeven.breakeven_volume(np.array([1000.0, 20000.0]), C, P, V, np.array([[2], [1]]))
    assert first.shape == stays.shape == (2, 2)
    assert first[0, 0] == pytest.approx(6840 / P) and first[1, 1] == pytest.approx(31680 / P)


def test_no_breakeven_reason_in_full():
    assert breakeven.no_breakeven_reason(0.52, 0.156, "hosted open model") == (
        "self-hosting costs $0.52/M tokens even at full load (every replica at its target "
        "utilisation), at or above the hosted open model's $0.156/M")


def test_payback_tolerance_is_a_micro_dollar():
    # cumulative savings −100, +100 − 1e-7: within a micro-dollar of zero: paid back in month 1
    assert float(breakeven.payback_month([-100.0, 100.0 - 1e-7])) == 1
    # −1e-5 short: not paid back in month 1, paid back in month 2
    assert float(breakeven.payback_month([-100.0, 100.0 - 1e-5, 1.0])) == 2
    assert breakeven.PAYBACK_TOLERANCE_USD == 1e-6
    # never reached: NaN; reached in month 0 only does not count (month >= 1)
    assert math.isnan(float(breakeven.payback_month([-100.0, 10.0, 10.0])))
    assert float(breakeven.payback_month([5.0, -10.0, 10.0])) == 2


def test_payback_with_separate_costs_scalar_and_monthly():
    # savings before fixed costs −120 (upfront), then 150 a month; fixed costs 100 a month from month 1
    # (a scalar is charged in months 1..n): net −120 + 50 m -> −70, −20, +30: month 3
    gained = np.array([-120.0, 150.0, 150.0, 150.0])
    assert float(breakeven.payback_month(gained, 100.0)) == 3
    # the same costs as a monthly array (month 0 first, nothing in month 0)
    assert float(breakeven.payback_month(gained, np.array([0.0, 100.0, 100.0, 100.0]))) == 3
    # a month-0 cost in the array counts too: 31 more upfront -> −101, −51, −1: never by month 3
    assert math.isnan(float(breakeven.payback_month(gained, np.array([31.0, 100.0, 100.0, 100.0]))))
    assert float(breakeven.payback_month(gained, np.array([30.0, 100.0, 100.0, 100.0]))) == 3   # exactly 0
    # broadcasting over scenarios: two rows of savings, one row of costs
    rows = np.array([[-120.0, 150.0, 150.0, 150.0], [-10.0, 150.0, 150.0, 150.0]])
    assert list(breakeven.payback_month(rows, 100.0)) == [3.0, 1.0]


def test_npv_by_hand_one_and_many_scenarios():
    # −1,000 now, +600 in month 12, +600 in month 24 at 10% a year: −1,000 + 600/1.1 + 600/1.21
    flows = np.zeros(25)
    flows[0], flows[12], flows[24] = -1000.0, 600.0, 600.0
    by_hand = -1000 + 600 / 1.1 + 600 / 1.21            # = 41.3223
    assert float(breakeven.npv(flows, 0.10)) == pytest.approx(by_hand)
    assert by_hand == pytest.approx(41.32231, abs=1e-5)
    # a terminal value arrives in the last month: + 500 / 1.21
    assert float(breakeven.npv(flows, 0.10, 500.0)) == pytest.approx(by_hand + 500 / 1.21)
    # one rate per scenario (rates as an array: the element-wise path) equals one at a time
    many = breakeven.npv(np.stack([flows, 2 * flows]), np.array([0.10, 0.0]), np.array([0.0, 100.0]))
    assert many == pytest.approx([by_hand, 2 * (-1000 + 1200) + 100])
    assert breakeven.discount_factors(0.10, 24)[[0, 12, 24]] == pytest.approx([1.0, 1 / 1.1, 1 / 1.21])


def test_irr_brackets_and_undefined_cases():
    # −100 now, +60 in months 1 and 2: (1+r)^2·100 = 60(1+r) + 60 -> 1 + r = (60 + sqrt(3600 + 24000)) / 200
    monthly = (60 + math.sqrt(3600 + 24000)) / 200 - 1      # 13.066% a month
    assert breakeven.irr([-100.0, 60.0, 60.0]) == pytest.approx((1 + monthly) ** 12 - 1, rel=1e-9)
    # a loss that never pays back: cumulative never positive -> undefined
    assert breakeven.irr([-100.0, 30.0, 30.0]) is None
    # a terminal value can make it defined: −100, +30, +30 + 50 -> sum 10 > 0
    value = breakeven.irr([-100.0, 30.0, 30.0], terminal_value=50.0)
    x = 1 / (1 + ((1 + value) ** (1 / 12) - 1))
    assert -100 + 30 * x + 80 * x * x == pytest.approx(0.0, abs=1e-9)
    # flows that lose money overall have no IRR here (the cumulative sum must turn positive)
    assert breakeven.irr([-100.0, 99.0]) is None
    # a rate above 1,000% a month is still found (the bracket widens by tens): −1, +50 -> 4,900%
    assert breakeven.irr([-1.0, 50.0]) == pytest.approx(50.0 ** 12 - 1, rel=1e-9)


def test_irr_is_defined_only_for_flows_that_start_negative_and_end_ahead():
    # month 0 not negative: undefined, even when a later loss is repaid (0 or +0.5, then −100, +110)
    assert breakeven.irr([0.0, -100.0, 110.0]) is None
    assert breakeven.irr([0.5, -100.0, 110.0]) is None
    # cumulative exactly 0: not ahead, undefined; half a dollar ahead: 0.5% a month
    assert breakeven.irr([-100.0, 100.0]) is None
    assert breakeven.irr([-100.0, 100.5]) == pytest.approx(1.005 ** 12 - 1, rel=1e-9)
    # the search stops at 1e6 a month: −2e-7, +1 needs 1 + r = 5e6 a month -> undefined, not 1e80 a year
    assert breakeven.irr([-2e-7, 1.0]) is None


# --- from surviving mutants of tco/breakeven.py (docs/mutation.md) -----------------------------

def test_breakeven_steps_by_hand_with_a_gap_after_the_first_crossing():
    """F = $10 fixed, c = $3 a replica, p = $1 a token, v = 4 tokens a replica, at least 1 replica.
    A full replica saves p·v − c = $1. Self-hosting costs 10 + 3·max(1, ceil(V/4)):
    k1 = ceil(10 / 1) = 10 replicas, first crossing at (10 + 3·10) / 1 = 40 (10 replicas hold 40;
    at 36 the 9 replicas cost 37 > 36). Just after 48 the 13th replica makes it dearer again
    (49 > 48.x) until 49; from the 14th on (14·1 ≥ 10 + 4) it stays cheaper: stays from 49."""
    first, stays = breakeven.breakeven_volume(10, 3, 1, 4, 1)
    assert (float(first), float(stays)) == (40.0, 49.0)
    # the margin of $1 itself (not only margins above 1) is a crossing
    # tokens worth exactly a replica (p·v = c): never cheaper, no crossing
    assert np.isnan(breakeven.breakeven_volume(10, 3, 1, 3, 1)).all()
    # fractional replica sizes: v = 0.5, p = $10: margin 2, k1 = 5, first (10 + 15) / 10 = 2.5
    # (5 replicas hold exactly 2.5); the 6th replica (k·2 < 10 + 5 up to k = 7) leaves gaps until
    # (10 + 3·7) / 10 = 3.1
    first, stays = breakeven.breakeven_volume(10, 3, 10, 0.5, 1)
    assert (float(first), float(stays)) == pytest.approx((2.5, 3.1), rel=1e-12)
    # the minimum fleet alone decides: (0.1 + 0.1·1) / $1 = 0.2 tokens, below one replica's 1,000
    assert tuple(map(float, breakeven.breakeven_volume(0.1, 0.1, 1, 1000, 1))) == pytest.approx((0.2, 0.2), rel=1e-12)
    # Python integers of any size: 1e20 tokens a replica, k1 = 1, first = 13, no gap
    assert tuple(map(float, breakeven.breakeven_volume(10, 3, 1, 10**20, 1))) == (13.0, 13.0)
    # no minimum fleet, nothing fixed: 3 replicas at 9 tokens cost 9 (stays from 9), first at 0
    assert tuple(map(float, breakeven.breakeven_volume(0, 3, 1, 4, 0))) == (0.0, 9.0)


def test_payback_within_the_tolerance_and_on_many_rows():
    # cumulative savings a micro-dollar short of the costs count as paid back (the tolerance itself)
    assert breakeven.payback_month(np.array([0.0, 0.0]), np.array([0.0, 1e-6])) == 1.0
    # costs as an array over rows: each row's own cumulative sum (months on the last axis)
    savings = np.array([[0.0, 5.0, 5.0, 5.0], [0.0, 1.0, 1.0, 1.0]])
    costs = np.array([[0.0, 8.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.5]])
    # row 1: 5 − 8 < 0, 10 − 8 ≥ 0 → month 2; row 2: 1, 2, 3 − 2.5 ≥ 0 → month 1
    np.testing.assert_array_equal(breakeven.payback_month(savings, costs), [2.0, 1.0])


def test_npv_of_rows_with_their_own_discount_rates():
    # flows (2, 3, 2): month 0 and month 12; rates per row and column: NPV = x0 + x12 / (1 + r)
    flows = np.zeros((2, 3, 13))
    flows[..., 0], flows[..., 12] = -100.0, 121.0
    rates = np.array([[0.1, 0.0, 1.0], [0.21, 0.1, 0.0]])
    expect = -100.0 + 121.0 / (1 + rates)
    np.testing.assert_allclose(breakeven.npv(flows, rates), expect, rtol=1e-12)


def test_irr_at_the_bracket_end_and_beyond_the_search_bound():
    # -1 then +2: the root is the first bracket end itself, 100% a month: (1 + 1)^12 − 1 = 4,095
    assert breakeven.irr([-1.0, 2.0]) == pytest.approx(4095.0, rel=1e-12)
    # 900,000x in a month: inside the 1e6-a-month search bound, (9e5)^12 − 1
    assert breakeven.irr([-1.0, 9e5]) == pytest.approx((1 + (9e5 - 1)) ** 12 - 1, rel=1e-9)
    # 1,500,000x: beyond the bound, no rate is reported
    assert breakeven.irr([-1.0, 1.5e6]) is None

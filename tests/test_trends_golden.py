"""Price trends, purchases after month 0 and reserved renewals, by hand: engine AND reference.

The scalar reference (tco/reference.py) shares the engine's conventions, so agreeing with it cannot
catch a convention both got wrong (a trend that starts one month early, say). Every expected value
here is written out by hand from the module conventions (tco/costs.py docstring: month m >= 1 runs
at volume V(1+g)^(m-1) and prices moved by (1+t)^((m-1)/12); month 0 holds only upfront costs), so
the engine and the reference are each held to it.

Scenario (round numbers of tests/test_costs_golden.py BASE): 2e9 tokens in month 1 growing 2.5% a
month, API $3.275 per 1M blended, 2 GPUs per replica, one replica serves 2.628e9 tokens a month.
    fleet: month 12 volume 2e9 x 1.025^11 = 2.624173e9 <= 2.628e9 -> 1 replica (2 GPUs)
           month 13 volume 2e9 x 1.025^12 = 2.689778e9 >  2.628e9 -> 2 replicas (4 GPUs)
           month 37 volume 2e9 x 1.025^36 = 4.865e9   <= 5.256e9 -> still 2 replicas
    API and GPU prices both fall 20% a year: factor 0.8^((m-1)/12): month 1 -> 1, month 13 -> 0.8,
    month 25 -> 0.64, month 37 -> 0.512.
"""

import math

import numpy as np
import pytest

from tco import breakeven, costs, reference
from tco.costs import Params
from test_costs_golden import BASE

TRENDS = dict(tokens_per_month=2e9, growth_per_month=0.025, api_price_trend_per_year=-0.2,
              gpu_price_trend_per_year=-0.2)


def scenario(**changes) -> dict:
    return {**BASE, **TRENDS, **changes}


def both(q: dict):
    """Engine and reference cash flows of one scenario (plain floats)."""
    return costs.cash_flows(Params(**q).arrays()), reference.flows(q)


# 1.025^(m-1) for the months checked below (a calculator's values)
GROWTH = {1: 1.0, 2: 1.025, 7: 1.159693418, 13: 1.344888824, 25: 1.808725950}
# 0.8^((m-1)/12)
TREND = {1: 1.0, 2: 0.981576530, 7: 0.894427191, 13: 0.8, 25: 0.64}


@pytest.mark.parametrize("month", [1, 2, 7, 13, 25])
def test_api_price_trend_starts_in_month_1(month):
    """Bug 7: the API trend applied from month 0 on would make month 1 cost 6550 x 0.8^(1/12)."""
    q = scenario(acquisition_code=0, horizon_months=25)
    engine, ref = both(q)
    # month 1: 2e9 x $3.275/M = $6,550; month m: 6550 x 1.025^(m-1) x 0.8^((m-1)/12)
    #   month 2: 6550 x 1.025 x 0.98157653 = 6590.0594; month 7: 6550 x 1.15969342 x 0.89442719 = 6794.0617
    #   month 13: 6550 x 1.34488882 x 0.8 = 7047.2174; month 25: 6550 x 1.80872595 x 0.64 = 7582.1792
    expected = {1: 6550.0, 2: 6590.0594, 7: 6794.0617, 13: 7047.2174, 25: 7582.1792}[month]
    assert expected == pytest.approx(6550 * GROWTH[month] * TREND[month], rel=1e-7)   # the table above
    assert engine["api"][month] == pytest.approx(expected, rel=1e-7)
    assert ref["api"][month] == pytest.approx(expected, rel=1e-7)
    assert engine["api"][0] == 0 and ref["api"][0] == 0                                 # month 0: upfront only


def test_hosted_price_trend_starts_in_month_1():
    # hosted $0.3/M blended (0.75 x 0.2 + 0.25 x 0.6), falling 50% a year: month 1 = 2e9 x 0.3e-6 = $600,
    # month 13 = 600 x 1.34488882 x 0.5 = $403.4666
    q = scenario(acquisition_code=0, horizon_months=13, hosted_price_trend_per_year=-0.5)
    engine, ref = both(q)
    for flows in (engine["hosted_open"], ref["hosted_open"]):
        assert flows[1] == pytest.approx(600.0)
        assert flows[13] == pytest.approx(403.46665, rel=1e-6)


def test_on_demand_rent_follows_the_gpu_trend_from_month_1():
    # on demand $2/h x 730 h = $1,460 per GPU-month, x 0.8^((m-1)/12):
    # month 1: 2 GPUs x 1460 = 2920; month 7: 2 x 1460 x 0.89442719 = 2611.7274; month 13: 4 x 1460 x 0.8 = 4672
    engine, ref = both(scenario(acquisition_code=0, horizon_months=13))
    assert engine["rent"][1] == pytest.approx(2920.0)
    assert engine["rent"][7] == pytest.approx(2611.7274, rel=1e-7)
    assert engine["rent"][13] == pytest.approx(4672.0)
    # the reference has no rent column: self-host = rent + staff $5,000 (other costs 0)
    assert ref["self_host"][1] == pytest.approx(2920.0 + 5000)
    assert ref["self_host"][7] == pytest.approx(2611.7274 + 5000, rel=1e-7)
    assert ref["self_host"][13] == pytest.approx(4672.0 + 5000)


def test_reserved_1y_renews_at_the_trended_rate_with_the_grown_fleet():
    """Bug 8 (rent side): 1-year rate $2 x 0.65 x 730 = $949 per GPU-month, locked for months 1-12,
    renewed at 949 x 0.8 = 759.20 in month 13 (when the fleet is 4 GPUs) and 949 x 0.64 = 607.36 in 25."""
    engine, ref = both(scenario(acquisition_code=1, horizon_months=25))
    expected_rent = {1: 2 * 949.0, 12: 2 * 949.0, 13: 4 * 759.2, 24: 4 * 759.2, 25: 4 * 607.36}
    for m, rent in expected_rent.items():
        assert engine["rent"][m] == pytest.approx(rent), m
        assert ref["self_host"][m] == pytest.approx(rent + 5000), m        # + staff $5,000
    assert list(engine["gpus"][[1, 12, 13, 25]]) == [2, 2, 4, 4]


def test_reserved_3y_renews_in_month_37():
    # 3-year rate $2 x 0.5 x 730 = $730, locked for months 1-36 (the 2 GPUs added in month 13 join at
    # it): month 12 = 2 x 730 = 1460, month 36 = 4 x 730 = 2920; month 37 renews at 0.8^3 = 0.512:
    # 4 x 730 x 0.512 = 1495.04
    engine, ref = both(scenario(acquisition_code=2, horizon_months=37))
    for m, rent in {12: 1460.0, 13: 2920.0, 36: 2920.0, 37: 1495.04}.items():
        assert engine["rent"][m] == pytest.approx(rent), m
        assert ref["self_host"][m] == pytest.approx(rent + 5000), m


# Buying, horizon 25, 5-year life, 10% residual, maintenance 10%/year of purchase value, per GPU:
# electricity $65.1014 and colocation $196 a month (tests/test_costs_golden.py), staff $5,000.
#   month 0:   setup 10,000 + 2 GPUs x 30,000 (price trend exponent max(m-1,0)/12 = 0)  = 70,000
#   months 1-12: maintenance 60,000 x 0.10/12 = 500; power 2 x 65.1014 = 130.2028;
#                colocation 2 x 196 = 392; staff 5,000                                   = 6,022.2028
#   month 13:  2 more GPUs at 30,000 x 0.8 = 24,000 each = 48,000; maintenance
#              (60,000 + 48,000) x 0.10/12 = 900; power 4 x 65.1014 = 260.4056; colocation 784;
#              staff 5,000                                                               = 54,944.4056
#   months 14-25: 900 + 260.4056 + 784 + 5,000                                          = 6,944.4056
#   book value at month 25: month-0 cohort 2 x 30,000 x (1 - 0.9 x 25/60) = 37,500;
#                           month-13 cohort 2 x 24,000 x (1 - 0.9 x 12/60) = 39,360   -> 76,860
BUY_SELF_HOST = [70000.0] + [6022.2028] * 12 + [54944.4056] + [6944.4056] * 12
BUY_TERMINAL = 76860.0
# API month m = 6550 x 1.025^(m-1) x 0.8^((m-1)/12), months 1..25 (a calculator's values)
BUY_API = [0.0, 6550.0, 6590.059427, 6630.363856, 6670.914784, 6711.713720, 6752.762179, 6794.061688,
           6835.613783, 6877.420008, 6919.481918, 6961.801076, 7004.379055, 7047.217439, 7090.317820,
           7133.681801, 7177.310993, 7221.207018, 7265.371510, 7309.806109, 7354.512467, 7399.492247,
           7444.747121, 7490.278771, 7536.088890, 7582.179181]


def test_gpu_purchase_price_trend_after_month_0():
    """Bug 8 (buy side): GPUs bought in month 13 pay 0.8 of the month-0 price, not 0.8^(13/12)."""
    q = scenario(acquisition_code=3, horizon_months=25)
    engine, ref = both(q)
    assert list(engine["capex"][[0, 12, 13, 14]]) == pytest.approx([60000.0, 0.0, 48000.0, 0.0])
    assert engine["self_host"] == pytest.approx(np.array(BUY_SELF_HOST), rel=1e-9)
    assert ref["self_host"] == pytest.approx(BUY_SELF_HOST, rel=1e-9)
    assert float(engine["terminal_value"]) == pytest.approx(BUY_TERMINAL)
    assert ref["terminal_value"] == pytest.approx(BUY_TERMINAL)
    assert engine["api"] == pytest.approx(np.array(BUY_API), rel=1e-8)
    assert ref["api"] == pytest.approx(BUY_API, rel=1e-8)


def test_npv_and_payback_of_the_trend_scenario_by_hand():
    """``reference.npv`` and the engine's NPV against a spreadsheet value of the flows above."""
    q = scenario(acquisition_code=3, horizon_months=25, discount_rate=0.10)
    savings = [a - s for a, s in zip(BUY_API, BUY_SELF_HOST)]
    # spreadsheet: =SUM(savings_m / 1.1^(m/12)) + 76,860 / 1.1^(25/12), month 0 undiscounted
    by_hand = sum(x / 1.1 ** (m / 12) for m, x in enumerate(savings)) + BUY_TERMINAL / 1.1 ** (25 / 12)
    assert by_hand == pytest.approx(-37684.1748, abs=1e-3)
    assert reference.npv(q) == pytest.approx(-37684.1748, abs=1e-3)
    engine = costs.cash_flows(Params(**q).arrays())
    engine_savings = engine["api"] - engine["self_host"]
    assert float(breakeven.npv(engine_savings, 0.10, engine["terminal_value"])) == pytest.approx(-37684.1748, abs=1e-3)
    # undiscounted: sum of savings -104,192.9235 + 76,860 = -27,332.9235
    assert reference.npv(scenario(acquisition_code=3, horizon_months=25, discount_rate=0.0)) == \
        pytest.approx(-27332.9235, abs=1e-3)
    # cumulative savings never turn positive within 25 months (month 13's purchase sets them back)
    assert math.isnan(reference.payback(q)) and math.isnan(float(breakeven.payback_month(engine_savings)))


def test_reference_npv_of_a_rent_case_by_hand():
    """A rent case whose NPV is a geometric series: no trend, no growth, 12 months at 10%/year.

    BASE at 1e9 tokens: API $3,275, self-host $7,920 a month (tests/test_costs_golden.py), setup
    $10,000. Savings: -10,000 in month 0, then -4,645 a month. With x = 1.1^(-1/12) = 0.99208894,
    sum_{m=1..12} x^m = x (1 - x^12) / (1 - x) = 0.99208894 x (1 - 1/1.1) / 0.00791106 = 11.400488
    NPV = -10,000 - 4,645 x 11.400488 = -62,955.27
    """
    q = {**BASE, "discount_rate": 0.10}
    x = 1.1 ** (-1 / 12)
    assert x * (1 - x ** 12) / (1 - x) == pytest.approx(11.400488, rel=1e-7)
    assert reference.npv(q) == pytest.approx(-10000 - 4645 * 11.400488, rel=1e-7)
    assert reference.npv(q) == pytest.approx(-62955.27, abs=0.01)


def test_on_demand_and_reserved_rows_in_one_array_keep_their_own_terms():
    # a sweep over the acquisition puts on-demand rows beside reserved ones; each row keeps its own
    # renewal rule: on demand the trend moves the rent every month from month 2, reserved 1 year
    # holds it for months 1-12 (the single-scenario goldens above, by hand):
    #   on demand: month 1 = 2 x 1460 = 2920, month 2 = 2 x 1460 x 0.98157653 = 2866.2035,
    #              month 13 = 4 x 1460 x 0.8 = 4672
    #   reserved:  month 1 = month 2 = 2 x 949 = 1898, month 13 = 4 x 759.2 = 3036.8
    q = scenario(horizon_months=13)
    q["acquisition_code"] = np.array([0.0, 1.0])
    rent = costs.cash_flows(Params(**q).arrays())["rent"]
    assert rent[0, [1, 2, 13]] == pytest.approx([2920.0, 2866.2035, 4672.0], rel=1e-7)
    assert rent[1, [1, 2, 13]] == pytest.approx([1898.0, 1898.0, 3036.8], rel=1e-7)
    assert 2 * 1460 * TREND[2] == pytest.approx(2866.2035, rel=1e-7)

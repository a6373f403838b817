"""tco/batch.py: payback and NPV of many independent scenarios, against a hand calculation, the
plain-Python reference and the general cash-flow path."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tco import batch, breakeven, costs, reference
from tco.costs import PARAM_NAMES, Params
from test_costs_golden import BASE
from test_engine_properties import SETTINGS, param_dicts

# A bought fleet with a purchase after month 0, replacements within the horizon and a GPU price
# that doubles every month (trend (1 + 4095)^(1/12) − 1 a month = 2x), worked out by hand:
#   replica: 1 out tok/s x (I + O)/O = 2 x utilisation 1 x 2,628,000 s / peak 1 = 5,256,000 tokens/month
#   volume 5,256,000 x 1.5^(m−1): months 1-4 need ceil(1, 1.5, 2.25, 3.375) = 1, 2, 3, 4 GPUs
#   price of a GPU bought in month m: 1,000 x 2^(m−1) (months 0 and 1: 1,000)
#   purchases: month 0 one GPU at 1,000; months 2, 3, 4 one each at 2,000, 4,000, 8,000
#   life 2 months (1/6 year): the month-0 GPU is replaced in month 2 (buy at 2,000, sell the old one at
#   50% of 1,000 = 500) and again in month 4 (buy at 8,000, sell the month-2 one at 50% of 2,000 =
#   1,000); the month-2 cohort is replaced in month 4 (8,000 − 1,000)
#   capex: m0 1,000; m1 0; m2 2,000 + 1,500 = 3,500; m3 4,000; m4 8,000 + 7,000 + 7,000 = 22,000
#   maintenance 12%/year = 1%/month of the value bought (replacements not added): 10, 30, 70, 150
#   power: 1 kW a GPU (TDP 1,000 W x host 1), no electricity price, colocation $100/kW: 100 .. 400
#   other $5/month, setup 30,000 in month 0
#   self-host: m0 setup 30,000 + the first GPU 1,000 = 31,000; m1 0 + 10 + 100 + 5 = 115;
#   m2 3,500 + 30 + 200 + 5 = 3,735; m3 4,000 + 70 + 300 + 5 = 4,375; m4 22,000 + 150 + 400 + 5 = 22,555
#   API: $2,000 per 1M tokens x 5.256M x 1.5^(m−1) = 10,512; 15,768; 23,652; 35,478
#   savings: m0 −31,000; m1 10,397; m2 12,033; m3 19,277; m4 12,923
#   cumulative: −31,000; −20,603; −8,570; 10,707 (paid back in month 3); 23,630
#   book value at month 4 (life 2): the GPUs of months 0 and 2 were bought again in month 4 (8,000
#   each, age 0), month 3's is 1 month old: 4,000 x (1 − 0.5 x 1/2) = 3,000; month 4's 8,000: 27,000
#   NPV at 0% = 23,630 + 27,000 = 50,630
GOLDEN = dict(BASE, tokens_per_month=5_256_000.0, growth_per_month=0.5, input_share=0.5, cached_input_share=0.0,
              input_tokens_per_request=100.0, output_tokens_per_request=100.0, peak_to_average=1.0,
              target_utilisation=1.0, replica_output_tokens_per_s=1.0, gpus_per_replica=1.0, min_replicas=1.0,
              api_input_usd_per_mtok=2000.0, api_output_usd_per_mtok=2000.0, api_price_trend_per_year=0.0,
              acquisition_code=3.0, gpu_price_usd=1000.0, gpu_price_trend_per_year=4095.0,
              depreciation_years=1 / 6, residual_value_share=0.5, maintenance_share_per_year=0.12,
              tdp_w=1000.0, host_power_factor=1.0, electricity_usd_per_kwh=0.0, colocation_usd_per_kw_month=100.0,
              staff_fte=0.0, other_monthly_usd=5.0, setup_cost_usd=30_000.0, horizon_months=4.0, discount_rate=0.0)


def test_bought_fleet_with_growth_replacements_and_a_price_trend_by_hand():
    pay, npv, cum = batch.payback_npv(Params(**GOLDEN).arrays(), cumulative=True)
    assert pay[0] == 3.0
    assert npv[0] == pytest.approx(50_630.0, rel=1e-9)
    assert cum[0] == pytest.approx([-31_000, -20_603, -8_570, 10_707, 23_630], rel=1e-9)
    # the general path and the plain-Python reference give the same figures
    f = costs.cash_flows(Params(**GOLDEN).arrays())
    assert f["capex"] == pytest.approx([1000, 0, 3500, 4000, 22_000], rel=1e-9)
    assert float(f["terminal_value"]) == pytest.approx(27_000.0, rel=1e-9)
    assert reference.payback(GOLDEN) == 3.0
    assert reference.npv(GOLDEN) == pytest.approx(50_630.0, rel=1e-9)


def test_reserved_fleet_that_shrinks_stays_paid_for_its_term():
    # BASE rents 2 GPUs at $2/h less 35% for a year: 2 x 1.3 x 730 = $1,898/month. Volume 3e9
    # falling 20% a month needs 4 GPUs in month 1 and 2 from month 2 (replica: 2.628e9 tokens):
    # the 4 stay paid through month 12. API $3.275/M x 3e9 x 0.8^(m−1); staff 0.5 x 200k/12;
    # setup 10,000. Check against the reference walking month by month, and the rent by hand.
    q = dict(BASE, acquisition_code=1.0, tokens_per_month=3e9, growth_per_month=-0.2, horizon_months=14.0)
    pay, npv, cum = batch.payback_npv(Params(**q).arrays(), cumulative=True)
    ref = reference.flows(q)
    want = np.cumsum(np.array(ref["api"]) - np.array(ref["self_host"]))
    np.testing.assert_allclose(cum[0], want, rtol=1e-9)
    rent = np.array(ref["self_host"][1:]) - BASE["staff_fte"] * BASE["staff_cost_usd_per_year"] / 12 - BASE["other_monthly_usd"]
    assert rent[[0, 11, 12]] == pytest.approx([4 * 949, 4 * 949, 2 * 949])   # month 13: a new term, 2 GPUs
    assert npv[0] == pytest.approx(reference.npv(q), rel=1e-9)
    assert (math.isnan(pay[0]) and math.isnan(reference.payback(q))) or pay[0] == reference.payback(q)


def _stack(rows: list[dict], shared: dict | None = None) -> tuple[Params, list[dict]]:
    """Params of the rows: one array per input, except the ``shared`` inputs, which are scalars
    (an array of equal values would still be a per-row input)."""
    shared = shared or {}
    rows = [dict(r, **shared) for r in rows]
    return Params(**{k: (float(shared[k]) if k in shared else np.array([r[k] for r in rows], dtype=float))
                     for k in PARAM_NAMES}), rows


def _check_against_reference(p: Params, rows: list[dict]):
    pay, npv, cum = batch.payback_npv(p, cumulative=True)
    for i, q in enumerate(rows):
        want_pay = reference.payback(q)
        assert (math.isnan(pay[i]) and math.isnan(want_pay)) or pay[i] == want_pay, i
        assert npv[i] == pytest.approx(reference.npv(q), rel=1e-9, abs=1e-6), i
        f = reference.flows(q)
        want = np.cumsum(np.array(f["api"]) - np.array(f["self_host"]))
        h = int(q["horizon_months"])
        np.testing.assert_allclose(cum[i, :h + 1], want, rtol=1e-9, atol=1e-6)
        assert np.all(cum[i, h + 1:] == cum[i, h])          # past its own horizon: the last value


@SETTINGS
@given(st.lists(param_dicts(), min_size=1, max_size=6), st.integers(1, 3))
def test_many_scenarios_match_the_reference_one_by_one(dicts, block_rows):
    # each row its own GPU life and resale share (the general path for bought fleets) and, in the
    # same draw with one life and share (the fused path), cut into blocks of 1-3 rows on 2 threads
    old = batch.BLOCK_ROWS
    batch.BLOCK_ROWS = block_rows
    try:
        _check_against_reference(*_stack(dicts))
        _check_against_reference(*_stack(dicts, {k: dicts[0][k] for k in batch._BUY_SCALARS}))
    finally:
        batch.BLOCK_ROWS = old


@SETTINGS
@given(param_dicts(), st.integers(1, 400))
def test_scalars_and_one_varying_input_agree_with_the_general_path(q, n):
    # what a Monte Carlo draw passes: most inputs scalars, a few per row
    rng = np.random.default_rng(n)
    p = Params(**q).arrays().replace(tokens_per_month=q["tokens_per_month"] * rng.lognormal(0, 1, n),
                                     gpu_price_trend_per_year=rng.uniform(-0.5, 0.3, n))
    pay, npv = batch.payback_npv(p)
    f = costs.cash_flows(p)
    savings = np.broadcast_to(f["api"] - f["self_host"], (n, f["api"].shape[-1]))
    want_pay = breakeven.payback_month(savings)
    np.testing.assert_array_equal(np.nan_to_num(pay, nan=-1), np.nan_to_num(want_pay, nan=-1))
    np.testing.assert_allclose(npv, breakeven.npv(savings, p.discount_rate, f["terminal_value"]),
                               rtol=1e-9, atol=1e-6)


def test_inputs_of_two_lengths_are_refused():
    p = Params(**BASE).arrays().replace(tokens_per_month=np.ones(3), staff_fte=np.ones(4))
    with pytest.raises(ValueError, match="one shape"):
        batch.payback_npv(p)


def test_all_scalars_is_one_scenario():
    pay, npv = batch.payback_npv(Params(**GOLDEN).arrays())
    assert pay.shape == npv.shape == (1,) and pay[0] == 3.0


def test_groups_of_acquisition_and_horizon_never_share_a_block():
    # (on demand, 5 months) and (reserved 1 year, 1 month) next to each other: a grouping key that
    # mixed them (code x (H - 1) + horizon gives 5 for both) would price one with the other's term
    a = dict(BASE, acquisition_code=0.0, horizon_months=5.0, growth_per_month=0.1)
    b = dict(BASE, acquisition_code=1.0, horizon_months=1.0, growth_per_month=0.1)
    c = dict(BASE, acquisition_code=3.0, horizon_months=3.0, growth_per_month=0.1)
    _check_against_reference(*_stack([a, b, c, a, b]))


def test_savings_that_exactly_repay_the_setup_pay_back_in_that_month():
    # nothing costs anything and the setup is the tolerance itself: cumulative savings of exactly
    # -1e-6 count as paid back in month 1 (reference: cumulative >= -1e-6), never "not yet"
    q = dict(BASE, api_input_usd_per_mtok=0.0, api_cached_input_usd_per_mtok=0.0, api_output_usd_per_mtok=0.0,
             gpu_hour_usd=0.0, staff_fte=0.0, other_monthly_usd=0.0, setup_cost_usd=breakeven.PAYBACK_TOLERANCE_USD,
             acquisition_code=0.0)
    assert reference.payback(q) == 1.0
    pay, _ = batch.payback_npv(Params(**q).arrays())
    assert pay[0] == 1.0


@pytest.mark.parametrize("life_months", [1, 3])
def test_short_gpu_lives_replace_every_month_or_every_third(life_months):
    # a GPU life of one month (replaced every month) and of three months (book values at ages 0-2),
    # with growth buying GPUs after month 0 and a price trend: against the reference
    q = dict(BASE, acquisition_code=3.0, depreciation_years=life_months / 12, horizon_months=7.0,
             growth_per_month=0.4, gpu_price_trend_per_year=0.5, residual_value_share=0.3)
    _check_against_reference(*_stack([q, dict(q, tokens_per_month=3e9)],
                                     {k: q[k] for k in batch._BUY_SCALARS}))

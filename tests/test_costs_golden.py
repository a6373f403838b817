"""Golden values for the cost formulas, computed by hand in the comments (no catalog involved)."""

import math

import numpy as np
import pytest

from tco import breakeven, costs, reference
from tco.costs import Params

# A round-number scenario used throughout; every expected value below is worked out by hand.
BASE = dict(
    tokens_per_month=1e9, input_share=0.75, cached_input_share=0.2, batch_share=0.0,
    input_tokens_per_request=1500, output_tokens_per_request=500, peak_to_average=2.0, growth_per_month=0.0,
    api_input_usd_per_mtok=2.0, api_cached_input_usd_per_mtok=0.5, api_output_usd_per_mtok=8.0,
    api_batch_input_usd_per_mtok=1.0, api_batch_cached_input_usd_per_mtok=0.25, api_batch_output_usd_per_mtok=4.0,
    api_price_trend_per_year=0.0,
    hosted_input_usd_per_mtok=0.2, hosted_cached_input_usd_per_mtok=0.2, hosted_output_usd_per_mtok=0.6,
    hosted_batch_input_usd_per_mtok=0.2, hosted_batch_cached_input_usd_per_mtok=0.2,
    hosted_batch_output_usd_per_mtok=0.6, hosted_price_trend_per_year=0.0,
    acquisition_code=0, gpu_hour_usd=2.0, reserved_1y_discount=0.35, reserved_3y_discount=0.5,
    gpu_price_usd=30000.0, depreciation_years=5.0, residual_value_share=0.1, tdp_w=700.0,
    host_power_factor=1.4, power_load_factor=0.7, pue=1.3, electricity_usd_per_kwh=0.10,
    colocation_usd_per_kw_month=200.0, maintenance_share_per_year=0.10, target_utilisation=0.5,
    min_replicas=1, gpus_per_replica=2, replica_output_tokens_per_s=1000.0, gpu_price_trend_per_year=0.0,
    staff_fte=0.5, staff_cost_usd_per_year=120000.0, setup_cost_usd=10000.0, other_monthly_usd=0.0,
    horizon_months=12, discount_rate=0.0,
)


def params(**changes) -> Params:
    return Params(**{**BASE, **changes}).arrays()


def test_blended_api_price():
    # 0.75·0.8·$2 + 0.75·0.2·$0.5 + 0.25·$8 = 1.2 + 0.075 + 2.0 = $3.275 per 1M tokens
    assert float(costs.api_usd_per_mtok(params())) == pytest.approx(3.275)
    # half the traffic at the batch prices (exactly half of the standard ones): 3.275 · 0.75 = 2.45625
    assert float(costs.api_usd_per_mtok(params(batch_share=0.5))) == pytest.approx(2.45625)


def test_replica_tokens_per_month():
    # 1000 out tok/s × (1500+500)/500 = 4000 tok/s; × 0.5 target × 2,628,000 s ÷ 2 peak = 2.628e9
    assert float(costs.replica_tokens(params())) == pytest.approx(2.628e9)


def test_steady_state_rent():
    st = costs.steady_state(params())
    # API: 1e9 tokens × $3.275/M = $3,275
    assert float(st["api"]) == pytest.approx(3275.0)
    # hosted: 0.75·0.2 + 0.25·0.6 = 0.3 $/M → $300
    assert float(st["hosted_open"]) == pytest.approx(300.0)
    # 1 replica (1e9 < 2.628e9) × 2 GPUs × $2 × 730 h = $2,920; staff 0.5 × 120,000/12 = $5,000
    assert int(st["replicas"]) == 1 and int(st["gpus"]) == 2
    assert float(st["self_host"]) == pytest.approx(7920.0)
    # utilisation: 1e9 / (1 replica × 4000 tok/s × 2,628,000 s) = 1e9 / 1.0512e10 = 9.513%
    assert float(st["utilisation"]) == pytest.approx(1e9 / 1.0512e10)


def test_reserved_and_buy_per_gpu():
    # reserved 1 year: $2 × (1 − 0.35) × 730 = $949
    assert float(costs.per_gpu_month(params(acquisition_code=1))["rent"]) == pytest.approx(949.0)
    # reserved 3 years: $2 × 0.5 × 730 = $730
    assert float(costs.per_gpu_month(params(acquisition_code=2))["rent"]) == pytest.approx(730.0)
    c = {k: float(v) for k, v in costs.per_gpu_month(params(acquisition_code=3)).items()}
    assert c["rent"] == 0
    assert c["depreciation"] == pytest.approx(450.0)      # 30,000 × 0.9 / 60
    assert c["maintenance"] == pytest.approx(250.0)       # 30,000 × 0.10 / 12
    # 0.7 kW × 1.4 = 0.98 kW; × 0.7 load × 1.3 PUE × 730 h × $0.10 = $65.1014
    assert c["electricity"] == pytest.approx(65.1014)
    assert c["colocation"] == pytest.approx(196.0)        # 0.98 kW × $200


def test_breakeven_closed_form_by_hand():
    p = params()
    fixed, rep, v = costs.fixed_usd_per_month(p), costs.replica_usd_per_month(p), costs.replica_tokens(p)
    first, stays = breakeven.breakeven_volume(fixed, rep, costs.api_usd_per_mtok(p) / 1e6, v, p.min_replicas)
    # step 1 (1 replica): self = 5000 + 2920 = $7,920 = API at 7920 / 3.275e-6 = 2.41832e9 ≤ 2.628e9
    assert float(first) == pytest.approx(7920 / 3.275e-6)
    # step 2 starts at 2.628e9 with self = $10,840 > API $8,606.7 there; cheaper again from
    # 10840 / 3.275e-6 = 3.30992e9; in step 3, API at 5.256e9 = $17,213 > $13,760: no more gaps
    assert float(stays) == pytest.approx(10840 / 3.275e-6)


def test_no_breakeven_when_full_load_is_dearer():
    # hosted at $0.3/M: one replica's full month 2.628e9 × 0.3e-6 = $788 < $2,920 of GPUs
    p = params()
    first, _ = breakeven.breakeven_volume(costs.fixed_usd_per_month(p), costs.replica_usd_per_month(p),
                                          costs.hosted_usd_per_mtok(p) / 1e6, costs.replica_tokens(p), 1)
    assert math.isnan(float(first))


def test_buy_cash_flows_by_hand():
    p = params(acquisition_code=3, tokens_per_month=2e9)
    f = costs.cash_flows(p)
    # month 0: setup $10,000 + 2 GPUs × $30,000 = $70,000
    assert f["self_host"][0] == pytest.approx(70000.0)
    # months 1-12: maintenance 2 × 250 + electricity 2 × 65.1014 + colocation 2 × 196 + staff 5,000
    assert f["self_host"][1:] == pytest.approx(np.full(12, 500 + 130.2028 + 392 + 5000))
    # book value after 12 of 60 months: 2 × 30,000 × (1 − 0.9 × 12/60) = $49,200
    assert float(f["terminal_value"]) == pytest.approx(49200.0)
    # API: 2e9 × $3.275/M = $6,550 a month
    assert f["api"][1:] == pytest.approx(np.full(12, 6550.0))


def test_payback_and_npv_by_hand():
    # API prices × (20,000 / 6,550) make the API cost $20,000 a month at 2e9 tokens
    k = 20000 / 6550
    scaled = {key: BASE[key] * k for key in BASE if key.startswith("api_") and key.endswith("mtok")}
    p = params(acquisition_code=3, tokens_per_month=2e9, **scaled)
    f = costs.cash_flows(p)
    savings = f["api"] - f["self_host"]
    # saving 20,000 − 6,022.2028 = 13,977.7972 a month; 70,000 / 13,977.7972 = 5.008 → month 6
    assert float(breakeven.payback_month(savings)) == 6
    # undiscounted NPV: −70,000 + 12 × 13,977.7972 + 49,200 terminal = 146,933.5664
    assert float(breakeven.npv(savings, 0.0, f["terminal_value"])) == pytest.approx(146933.5664)
    # at 10%/year: monthly factor 1.1^(−m/12); computed with a loop here, not the engine's formula
    expected = sum(s / 1.1 ** (m / 12) for m, s in enumerate(savings)) + 49200 / 1.1
    assert float(breakeven.npv(savings, 0.10, f["terminal_value"])) == pytest.approx(expected)


def test_growth_adds_replicas_and_purchases():
    # 2e9 growing 50%/month: months 1..4 volumes 2e9, 3e9, 4.5e9, 6.75e9 → replicas 1, 2, 2, 3
    p = params(acquisition_code=3, tokens_per_month=2e9, growth_per_month=0.5, horizon_months=4)
    f = costs.cash_flows(p)
    assert list(f["replicas"]) == [0, 1, 2, 2, 3]
    # purchases: month 0 two GPUs, month 2 two more, month 4 two more, at $30,000
    assert list(f["capex"]) == pytest.approx([60000, 0, 60000, 0, 60000])


def test_reserved_commitment_outlasts_a_shrinking_fleet():
    # volume halves each month: 6e9, 3e9, 1.5e9 → replicas 3, 2, 1 (6 → 4 → 2 GPUs); a 1-year
    # commitment keeps paying for the 6 GPUs committed in month 1
    p = params(acquisition_code=1, tokens_per_month=6e9, growth_per_month=-0.5, horizon_months=3)
    f = costs.cash_flows(p)
    assert list(f["gpus"]) == [0, 6, 4, 2]
    assert list(f["rent"]) == pytest.approx([0, 6 * 949, 6 * 949, 6 * 949])
    # on demand follows the fleet down
    g = costs.cash_flows(params(acquisition_code=0, tokens_per_month=6e9, growth_per_month=-0.5, horizon_months=3))
    assert list(g["rent"]) == pytest.approx([0, 6 * 1460, 4 * 1460, 2 * 1460])


def test_replacement_at_end_of_life():
    # life 1 year, horizon 13: the 2 GPUs bought in month 0 are replaced in month 12 at $30,000,
    # the old ones sold at 10% = $3,000 each: capex 2 × (30,000 − 3,000) = $54,000
    p = params(acquisition_code=3, depreciation_years=1.0, horizon_months=13)
    f = costs.cash_flows(p)
    assert f["capex"][12] == pytest.approx(54000.0)
    # at month 13 the new GPUs are 1 month old: 2 × 30,000 × (1 − 0.9/12) = $55,500
    assert float(f["terminal_value"]) == pytest.approx(55500.0)


def test_vectorised_matches_reference_on_the_golden_scenario():
    for code in (0, 1, 2, 3):
        for growth in (0.0, 0.2, -0.3):
            q = {**BASE, "acquisition_code": code, "growth_per_month": growth, "tokens_per_month": 3e9,
                 "horizon_months": 24, "depreciation_years": 1.5}
            f = costs.cash_flows(Params(**q).arrays())
            r = reference.flows(q)
            assert f["self_host"] == pytest.approx(np.array(r["self_host"]))
            assert f["api"] == pytest.approx(np.array(r["api"]))
            assert float(f["terminal_value"]) == pytest.approx(r["terminal_value"])


def test_irr_by_hand_and_at_extremes():
    # −100 now, +110 in one month: 10% a month → (1.1)^12 − 1 = 213.8% a year
    assert breakeven.irr([-100.0, 110.0]) == pytest.approx(1.1 ** 12 - 1)
    # a tiny upfront against large savings: the rate is astronomically high; no overflow, no crash.
    # With x = 1/(1+r): 500·x(1 − x^52)/(1 − x) = 0.004; x^52 is negligible, so x/(1 − x) = 8e-6,
    # 1 + r = (1 + 8e-6)/8e-6 = 125,001 a month, (125,001)^12 − 1 = 1.45533e61 a year
    assert breakeven.irr([-0.004] + [500.0] * 52) == pytest.approx(125001.0 ** 12, rel=1e-9)
    # a monthly rate beyond the search range (1e6) is reported as undefined (None), never inf
    assert breakeven.irr([-1e-300] + [1e300] * 3) is None
    assert breakeven.irr([100.0, 10.0]) is None          # never negative: undefined


def test_reserved_rate_is_locked_for_its_term():
    # GPU prices fall 10% a year. On demand follows every month: month 13 pays 0.9^(12/12) = 0.9.
    # A 1-year reservation pays the month-1 rate for months 1-12 and renews at 0.9 in month 13.
    od = costs.cash_flows(params(acquisition_code=0, gpu_price_trend_per_year=-0.1, horizon_months=13))
    r1 = costs.cash_flows(params(acquisition_code=1, gpu_price_trend_per_year=-0.1, horizon_months=13))
    assert od["rent"][7] == pytest.approx(2 * 1460 * 0.9 ** (6 / 12))
    assert r1["rent"][7] == pytest.approx(2 * 949)                     # locked: $2 × 0.65 × 730 × 2 GPUs
    assert r1["rent"][12] == pytest.approx(2 * 949)
    assert r1["rent"][13] == pytest.approx(2 * 949 * 0.9)
    # a 3-year reservation stays at the month-1 rate over a 36-month horizon
    r3 = costs.cash_flows(params(acquisition_code=2, gpu_price_trend_per_year=-0.1, horizon_months=36))
    assert r3["rent"][1:] == pytest.approx(np.full(36, 2 * 730.0))

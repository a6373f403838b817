"""Invariants of the cost engine, and agreement with the plain-Python reference (Hypothesis)."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tco import breakeven, costs, reference
from tco.costs import PARAM_NAMES, Params

MONEY = ("api_input_usd_per_mtok", "api_cached_input_usd_per_mtok", "api_output_usd_per_mtok",
         "api_batch_input_usd_per_mtok", "api_batch_cached_input_usd_per_mtok", "api_batch_output_usd_per_mtok",
         "hosted_input_usd_per_mtok", "hosted_cached_input_usd_per_mtok", "hosted_output_usd_per_mtok",
         "hosted_batch_input_usd_per_mtok", "hosted_batch_cached_input_usd_per_mtok",
         "hosted_batch_output_usd_per_mtok", "gpu_hour_usd", "gpu_price_usd", "electricity_usd_per_kwh",
         "colocation_usd_per_kw_month", "staff_cost_usd_per_year", "setup_cost_usd", "other_monthly_usd")


def f(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def param_dicts(draw):
    q = {
        "tokens_per_month": draw(st.one_of(f(0, 1e12), st.sampled_from([0.0, 1e6, 2e9]))),
        "input_share": draw(f(0, 1)), "cached_input_share": draw(f(0, 1)), "batch_share": draw(f(0, 1)),
        "input_tokens_per_request": draw(f(1, 20000)), "output_tokens_per_request": draw(f(1, 4000)),
        "peak_to_average": draw(f(1, 10)), "growth_per_month": draw(f(-0.3, 0.3)),
        "api_price_trend_per_year": draw(f(-0.5, 0.5)), "hosted_price_trend_per_year": draw(f(-0.5, 0.5)),
        "acquisition_code": draw(st.sampled_from([0, 1, 2, 3])),
        "reserved_1y_discount": draw(f(0, 0.9)), "reserved_3y_discount": draw(f(0, 0.9)),
        "depreciation_years": draw(st.one_of(f(1, 8), st.sampled_from([1 / 12, 2 / 12, 3 / 12, 0.5]))), "residual_value_share": draw(f(0, 1)), "tdp_w": draw(f(50, 1500)),
        "host_power_factor": draw(f(1, 2)), "power_load_factor": draw(f(0.1, 1)), "pue": draw(f(1, 2)),
        "maintenance_share_per_year": draw(f(0, 0.3)), "target_utilisation": draw(f(0.05, 1)),
        "min_replicas": float(draw(st.integers(1, 4))), "gpus_per_replica": float(draw(st.sampled_from([1, 2, 4, 8, 16]))),
        "replica_output_tokens_per_s": draw(f(10, 50000)), "gpu_price_trend_per_year": draw(f(-0.5, 0.3)),
        "staff_fte": draw(f(0, 5)), "horizon_months": float(draw(st.integers(1, 48))), "discount_rate": draw(f(0, 0.3)),
    }
    for k in MONEY:
        q[k] = draw(f(0, 10)) if "mtok" in k else draw(f(0, 1e5))
    q["gpu_hour_usd"] = draw(f(0.1, 10))
    q["gpu_price_usd"] = draw(f(1000, 60000))
    q["staff_cost_usd_per_year"] = draw(f(0, 4e5))
    assert set(q) == set(PARAM_NAMES)
    return q


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(param_dicts())
def test_vectorised_cash_flows_match_reference(q):
    fl = costs.cash_flows(Params(**q).arrays())
    ref = reference.flows(q)
    np.testing.assert_allclose(fl["self_host"], ref["self_host"], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(fl["api"], ref["api"], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(fl["hosted_open"], ref["hosted_open"], rtol=1e-9, atol=1e-6)
    assert float(fl["terminal_value"]) == pytest.approx(ref["terminal_value"], rel=1e-9, abs=1e-6)


@SETTINGS
@given(param_dicts())
def test_breakeven_matches_walking_replica_counts(q):
    p = Params(**q).arrays()
    first, stays = breakeven.breakeven_volume(costs.fixed_usd_per_month(p), costs.replica_usd_per_month(p),
                                              costs.api_usd_per_mtok(p) / 1e6, costs.replica_tokens(p), p.min_replicas)
    expected = reference.breakeven(q)
    if math.isnan(expected):
        assert math.isnan(float(first))
    else:
        assert float(first) == pytest.approx(expected, rel=1e-9)
        assert float(stays) >= float(first) * (1 - 1e-12)


@SETTINGS
@given(param_dicts())
def test_crossing_is_where_costs_cross(q):
    p = Params(**q).arrays()
    first, stays = breakeven.breakeven_volume(costs.fixed_usd_per_month(p), costs.replica_usd_per_month(p),
                                              costs.api_usd_per_mtok(p) / 1e6, costs.replica_tokens(p), p.min_replicas)
    first = float(first)
    assume(not math.isnan(first) and 1e3 < first < 1e13)
    at = reference.monthly(q, first)
    assert at["api"] >= at["self_host"] * (1 - 1e-9)
    below = reference.monthly(q, first * (1 - 1e-7))
    assert below["api"] <= below["self_host"] * (1 + 1e-9)
    # above "stays cheaper from", self-hosting is never dearer (spot checks)
    for x in (1.0001, 1.5, 3.0, 10.0):
        m = reference.monthly(q, float(stays) * x)
        assert m["api"] >= m["self_host"] * (1 - 1e-9)


@SETTINGS
@given(param_dicts())
def test_payback_matches_reference(q):
    fl = costs.cash_flows(Params(**q).arrays())
    got = float(breakeven.payback_month(fl["api"] - fl["self_host"]))
    want = reference.payback(q)
    assert (math.isnan(got) and math.isnan(want)) or got == want


@SETTINGS
@given(param_dicts(), f(0.1, 10))
def test_scaling_all_prices_scales_costs_and_keeps_breakeven(q, k):
    p = Params(**q).arrays()
    scaled = p.replace(**{m: getattr(p, m) * k for m in MONEY})
    a, b = costs.steady_state(p), costs.steady_state(scaled)
    for key in ("api", "hosted_open", "self_host"):
        assert float(b[key]) == pytest.approx(float(a[key]) * k, rel=1e-9, abs=1e-9)

    def be(x):
        return float(breakeven.breakeven_volume(costs.fixed_usd_per_month(x), costs.replica_usd_per_month(x),
                                                costs.api_usd_per_mtok(x) / 1e6, costs.replica_tokens(x), x.min_replicas)[0])
    b1, b2 = be(p), be(scaled)
    assert (math.isnan(b1) and math.isnan(b2)) or b2 == pytest.approx(b1, rel=1e-9)


@SETTINGS
@given(param_dicts(), f(1.0, 3.0))
def test_costs_rise_with_prices_and_volume(q, up):
    p = Params(**q).arrays()
    base = costs.steady_state(p)
    assert float(costs.steady_state(p.replace(gpu_hour_usd=p.gpu_hour_usd * up))["self_host"]) >= float(base["self_host"])
    assert float(costs.steady_state(p.replace(gpu_price_usd=p.gpu_price_usd * up))["self_host"]) >= float(base["self_host"])
    more = costs.steady_state(p, p.tokens_per_month * up + 1)
    for key in ("api", "hosted_open", "self_host", "replicas"):
        assert float(more[key]) >= float(base[key])


@SETTINGS
@given(param_dicts())
def test_scalar_and_array_paths_agree(q):
    volumes = np.array([0.0, 1e6, 3e8, 2e9, 7.7e9, 5e10, 4e11])
    p = Params(**q).arrays()
    arr = costs.steady_state(p, volumes)
    for i, v in enumerate(volumes):
        one = costs.steady_state(p, v)
        ref = reference.monthly(q, v)
        for key in ("api", "hosted_open", "self_host"):
            assert float(arr[key][i]) == pytest.approx(float(one[key]), rel=1e-12)
            assert float(one[key]) == pytest.approx(ref[key], rel=1e-9, abs=1e-9)

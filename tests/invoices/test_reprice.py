"""Repricing the bills' months: hosted open model by token class, self-hosted as the engine's
steady state at each month's volume. Expected numbers are worked out by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tco.invoices import load_files
from tco.invoices.aggregate import MONTH_COLUMNS
from tco.invoices.reprice import REPRICE_COLUMNS, reprice, reprice_totals
from tco.model import evaluate
from tco.scenario import Scenario

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"

#: Hosted prices pinned so the test does not move with the catalog [USD per 1M tokens].
HOSTED = dict(hosted_input_usd_per_mtok=0.11, hosted_cached_input_usd_per_mtok=0.11, hosted_output_usd_per_mtok=0.34)


def months_frame(rows: list[dict]) -> pd.DataFrame:
    """A monthly table like ImportResult.months, with defaults for the columns a test does not set."""
    base = {c: 0.0 for c in MONTH_COLUMNS}
    base.update(provider="openai", model="gpt-4o", currency="USD", cost=math.nan, estimated=False,
                cost_estimated=False, usd_per_mtok=math.nan, days_covered=31.0, days_in_month=31.0)
    return pd.DataFrame([{**base, **r} for r in rows], columns=MONTH_COLUMNS)


def test_hosted_open_prices_each_token_class_by_hand():
    df = reprice(months_frame([{"month": "2025-05", "input_tokens": 1e9, "cached_input_tokens": 2e8,
                                "output_tokens": 3e8, "cost_usd": 1000.0}]), Scenario(**HOSTED))
    row = df.iloc[0]
    # 0.11 $/M x 1000 M input + 0.11 x 200 M cached + 0.34 x 300 M output = 110 + 22 + 102 = 234 USD
    assert row["hosted_open_usd"] == pytest.approx(234.0)
    assert row["tokens"] == pytest.approx(1.5e9)
    assert row["actual_usd"] == pytest.approx(1000.0)
    assert row["saving_hosted_open_usd"] == pytest.approx(1000.0 - 234.0)


def test_cache_writes_at_the_input_price_cached_at_the_cached_price_and_no_batch_discount():
    s = Scenario(hosted_input_usd_per_mtok=0.20, hosted_cached_input_usd_per_mtok=0.05,
                 hosted_output_usd_per_mtok=0.60, batch_share=1.0)
    df = reprice(months_frame([{"month": "2025-06", "input_tokens": 4e8, "cached_input_tokens": 1e9,
                                "cache_write_tokens": 1e8, "output_tokens": 5e7, "cost_usd": 300.0}]), s)
    # (400 M uncached + 100 M cache writes) x 0.20 = 100; 1000 M cached x 0.05 = 50; 50 M out x 0.60 = 30
    # -> 180 USD; batch_share = 1 is ignored (the bills already reflect batch)
    assert df.iloc[0]["hosted_open_usd"] == pytest.approx(180.0)


def test_models_and_providers_of_a_month_are_summed_and_months_sorted():
    df = reprice(months_frame([
        {"month": "2025-07", "model": "gpt-4o", "input_tokens": 1e8, "output_tokens": 1e8, "cost_usd": 10.0},
        {"month": "2025-06", "model": "gpt-4o", "input_tokens": 5e8, "cost_usd": 4.0},
        {"month": "2025-07", "provider": "anthropic", "model": "claude-sonnet-4-5", "cached_input_tokens": 2e8,
         "cost_usd": 6.0, "cost_estimated": True},
    ]), Scenario(**HOSTED))
    assert list(df["month"]) == ["2025-06", "2025-07"]
    assert list(df.columns) == REPRICE_COLUMNS
    july = df.iloc[1]
    assert july["tokens"] == pytest.approx(4e8)            # 1e8 + 1e8 + 2e8
    assert july["actual_usd"] == pytest.approx(16.0)       # 10 + 6
    # 0.11 x 100 M + 0.34 x 100 M + 0.11 x 200 M cached = 11 + 34 + 22 = 67 USD
    assert july["hosted_open_usd"] == pytest.approx(67.0)
    assert bool(july["cost_estimated"]) and not bool(df.iloc[0]["cost_estimated"])


def test_self_hosted_is_a_step_function_of_each_months_volume_by_hand():
    s = Scenario(acquisition="on_demand", gpu_hour_usd=2.0, gpus_per_replica=2, replica_output_tokens_per_s=1000.0,
                 input_tokens_per_request=2000, output_tokens_per_request=500, target_utilisation=0.5,
                 peak_to_average=2.0, staff_fte=0.0, other_monthly_usd=0.0, min_replicas=1, setup_cost_usd=50_000.0)
    # one replica serves 1000 tok/s x (2000+500)/500 x 0.5 x 2,628,000 s / 2 = 3.285e9 tokens/month
    # and costs 2 GPUs x 2.0 $/h x 730 h = 2,920 $/month; no staff, no other costs
    df = reprice(months_frame([{"month": "2025-01", "input_tokens": 1e9, "cost_usd": 1.0},
                               {"month": "2025-02", "input_tokens": 4e9, "cost_usd": 1.0},
                               {"month": "2025-03", "input_tokens": 7e9, "cost_usd": 1.0}]), s)
    # ceil(1/3.285) = 1, ceil(4/3.285) = 2, ceil(7/3.285) = 3 replicas
    assert list(df["replicas"]) == [1, 2, 3]
    assert list(df["gpus"]) == [2, 4, 6]
    np.testing.assert_allclose(df["self_host_usd"], [2920.0, 5840.0, 8760.0])
    # utilisation in month 2: 4e9 / (2 replicas x 1000 x 5 x 2,628,000 s) = 4e9 / 2.628e10
    assert df.iloc[1]["utilisation"] == pytest.approx(4e9 / 2.628e10)
    # the setup is one-time, reported apart, not spread over the months
    assert df.attrs["setup_usd"] == 50_000.0
    t = reprice_totals(df)
    assert t["self_host_usd"] == pytest.approx(2920 + 5840 + 8760)
    assert t["saving_self_host_usd"] == pytest.approx(3.0 - 17520.0)
    assert t["saving_self_host_after_setup_usd"] == pytest.approx(3.0 - 17520.0 - 50_000.0)


# (scenario, fixed $/month, $ per GPU-month) by hand: team 0.5 x 200,000 / 12 + 500 = 8,833.33
# (2 FTE: 33,833.33); H100 on demand $3 x 730 h = $2,190; bought H100 $35,000: depreciation 525 +
# maintenance 291.667 + power 58.5913 + colocation 186.2 = $1,061.4579 (tests/pinned.py)
@pytest.mark.parametrize("s, fixed, per_gpu", [
    (Scenario(), 8833.3333, 2190.0),
    (Scenario(acquisition="buy", staff_fte=2.0), 33833.3333, 1061.4579),
    (Scenario(open_model="llama-3.3-70b", gpu="h100_sxm", min_replicas=2), 8833.3333, 2190.0)],
    ids=["default", "buy", "70b"])
def test_self_hosted_equals_the_engine_at_that_months_volume(s, fixed, per_gpu):
    data = [(n, (EXAMPLES / n).read_bytes()) for n in ("openai_completions_usage.csv", "openai_cost.csv")]
    months = load_files(data).months
    df = reprice(months, s)
    assert len(df) == 6
    for _, row in df.iterrows():
        at = evaluate(s.replace(tokens_per_month=float(row["tokens"]))).at_volume["self_host"]
        assert row["self_host_usd"] == pytest.approx(at["monthly_usd"], rel=1e-12)
        assert row["self_host_usd"] == pytest.approx(fixed + row["gpus"] * per_gpu, rel=1e-6)   # by hand
        assert row["gpus"] == at["gpus"] >= 2 * s.min_replicas                                   # 2+ GPUs a replica
        assert row["utilisation"] == pytest.approx(at["utilisation"], rel=1e-12)


def test_hosted_matches_the_engine_when_the_bills_mix_is_the_scenarios_mix():
    # Independent route: the engine's blended hosted price at the same input and cached shares.
    v, s_in, c = 3e9, 0.75, 0.4
    months = months_frame([{"month": "2025-03", "input_tokens": v * s_in * (1 - c),
                            "cached_input_tokens": v * s_in * c, "output_tokens": v * (1 - s_in), "cost_usd": 1.0}])
    s = Scenario(tokens_per_month=v, input_share=s_in, cached_input_share=c, batch_share=0.0)
    # Groq Llama 4 Scout $0.11 input (no cache discount) / $0.34 output per 1M:
    # 3e9 x (0.75 x 0.11 + 0.25 x 0.34)e-6 = 3e9 x 0.1675e-6 = $502.50
    assert evaluate(s).at_volume["hosted_open"]["monthly_usd"] == pytest.approx(502.5)
    assert reprice(months, s).iloc[0]["hosted_open_usd"] == pytest.approx(502.5, rel=1e-12)


def test_missing_usd_costs_are_skipped_and_flagged_never_zero():
    df = reprice(months_frame([
        {"month": "2025-01", "input_tokens": 1e8, "cost_usd": 50.0},
        {"month": "2025-01", "model": "x", "currency": "EUR", "input_tokens": 1e8, "cost_usd": math.nan},
        {"month": "2025-02", "model": "x", "currency": "EUR", "input_tokens": 1e8, "cost_usd": math.nan},
    ]), Scenario(**HOSTED))
    jan, feb = df.iloc[0], df.iloc[1]
    assert jan["actual_usd"] == pytest.approx(50.0) and not bool(jan["actual_complete"])
    assert math.isnan(feb["actual_usd"]) and math.isnan(feb["saving_hosted_open_usd"])
    t = reprice_totals(df)
    assert t["actual_usd"] == pytest.approx(50.0)
    # savings only over months with a known actual: 50 - 0.11 x 200 M = 50 - 22 = 28 USD
    assert t["saving_hosted_open_usd"] == pytest.approx(28.0)
    assert t["actual_complete"] is False


def test_totals_by_hand():
    df = reprice(months_frame([{"month": "2025-01", "input_tokens": 1e9, "cost_usd": 500.0},
                               {"month": "2025-02", "output_tokens": 1e9, "cost_usd": 700.0}]), Scenario(**HOSTED))
    t = reprice_totals(df)
    # hosted: 0.11 x 1000 = 110 and 0.34 x 1000 = 340 -> 450 USD; actual 1,200 USD
    assert t["months"] == 2 and t["tokens"] == pytest.approx(2e9)
    assert t["actual_usd"] == pytest.approx(1200.0)
    assert t["hosted_open_usd"] == pytest.approx(450.0)
    assert t["saving_hosted_open_usd"] == pytest.approx(750.0)
    assert t["actual_complete"] is True


def test_no_months_gives_an_empty_table_with_the_columns():
    df = reprice(months_frame([]), Scenario())
    assert list(df.columns) == REPRICE_COLUMNS and len(df) == 0
    t = reprice_totals(df)
    assert t["months"] == 0 and math.isnan(t["actual_usd"]) and t["setup_usd"] == Scenario().setup_cost_usd


def test_a_scenario_that_does_not_fit_raises_the_engines_value_error():
    with pytest.raises(ValueError):
        reprice(months_frame([{"month": "2025-01", "input_tokens": 1e9}]), Scenario(gpus_per_replica=1,
                                                                                    precision="bf16"))


# --- invariants --------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402

_count = hs.floats(0, 5e10, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(tok=hs.lists(hs.tuples(_count, _count, _count, _count), min_size=1, max_size=6),
       k=hs.floats(0.1, 10), price=hs.tuples(hs.floats(0.01, 20), hs.floats(0.0, 20), hs.floats(0.01, 80)))
def test_hosted_scales_with_prices_and_self_hosted_never_falls_with_volume(tok, k, price):
    rows = [{"month": f"2024-{i + 1:02d}", "input_tokens": a, "cached_input_tokens": b, "cache_write_tokens": c,
             "output_tokens": d, "cost_usd": 1.0} for i, (a, b, c, d) in enumerate(tok)]
    s = Scenario(hosted_input_usd_per_mtok=price[0], hosted_cached_input_usd_per_mtok=price[1],
                 hosted_output_usd_per_mtok=price[2])
    base = reprice(months_frame(rows), s)
    scaled = reprice(months_frame(rows), s.replace(hosted_input_usd_per_mtok=price[0] * k,
                                                   hosted_cached_input_usd_per_mtok=price[1] * k,
                                                   hosted_output_usd_per_mtok=price[2] * k))
    np.testing.assert_allclose(scaled["hosted_open_usd"], k * base["hosted_open_usd"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(base["self_host_usd"], scaled["self_host_usd"])  # hosted prices do not move it
    order = np.argsort(base["tokens"].to_numpy(), kind="stable")
    assert np.all(np.diff(base["self_host_usd"].to_numpy()[order]) >= -1e-9)
    np.testing.assert_allclose(base["tokens"], [sum(t) for t in tok], rtol=1e-12)


def test_totals_of_one_month_and_of_a_table_without_a_setup_figure():
    """One month is a total like any other (500 USD actual against 0.11 x 1,000 = 110 USD hosted);
    a table that carries no setup figure (attrs dropped, as a copy may) has a setup of $0."""
    df = reprice(months_frame([{"month": "2025-01", "input_tokens": 1e9, "cost_usd": 500.0}]), Scenario(**HOSTED))
    t = reprice_totals(df)
    assert t["months"] == 1 and t["actual_usd"] == pytest.approx(500.0) and t["hosted_open_usd"] == pytest.approx(110.0)
    bare = df.copy()
    bare.attrs = {}
    assert reprice_totals(bare)["setup_usd"] == 0.0
    assert reprice_totals(bare.iloc[:0])["setup_usd"] == 0.0


def test_cache_writes_at_the_hosted_offers_own_write_price_and_its_ratio_under_an_override():
    """A hosted offer with its own cache-write price (Claude Haiku 4.5 through Anthropic: $1 input,
    $1.25 writes, $0.10 cached, $5 output per 1M): 100M writes cost 100 x 1.25 = $125. With the
    input price overridden to $2, writes move by the catalog's ratio 1.25 / 1 to $2.50: $250."""
    month = [{"month": "2025-06", "cache_write_tokens": 1e8, "cost_usd": 300.0}]
    df = reprice(months_frame(month), Scenario(hosted_model="anthropic:claude-haiku-4-5"))
    assert df.attrs["hosted_prices"]["cache_write"] == pytest.approx(1.25)
    assert df.iloc[0]["hosted_open_usd"] == pytest.approx(125.0)
    df = reprice(months_frame(month), Scenario(hosted_model="anthropic:claude-haiku-4-5", hosted_input_usd_per_mtok=2.0))
    assert df.iloc[0]["hosted_open_usd"] == pytest.approx(250.0)


def test_empty_and_full_tables_have_the_same_columns_types_and_total_keys():
    """The flags are booleans whether or not there are months; the totals of no months have the
    same keys as the totals of some (a page reading one never meets a missing key)."""
    empty = reprice(months_frame([]), Scenario())
    full = reprice(months_frame([{"month": "2025-01", "input_tokens": 1e9, "cost_usd": 500.0}]), Scenario(**HOSTED))
    for df in (empty, full):
        assert all(df[c].dtype == bool for c in ("actual_complete", "cost_estimated", "tokens_estimated")), df.dtypes
    assert set(reprice_totals(empty)) == set(reprice_totals(full))

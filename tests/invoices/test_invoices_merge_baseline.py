"""Dedup across files, baseline fit (golden series), and the CLI on the example files."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import load, month_row
from test_invoices_anthropic import USAGE as ANTHROPIC_USAGE
from test_invoices_openai import USAGE as OPENAI_USAGE
from tco.invoices.aggregate import MONTH_COLUMNS
from tco.invoices.baseline import fit_baseline
from tco.invoices.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "data" / "examples"


def test_same_file_twice_counts_once():
    once = load(("u.csv", OPENAI_USAGE))
    twice = load(("u.csv", OPENAI_USAGE), ("u (1).csv", OPENAI_USAGE))
    pd.testing.assert_frame_equal(once.months, twice.months)
    assert twice.duplicates_dropped == 3 and once.duplicates_dropped == 0   # three non-empty rows


def test_overlapping_exports_count_overlap_once():
    lines = OPENAI_USAGE.strip().splitlines()
    header, rows = lines[0], lines[1:]
    first = "\n".join([header] + rows[:3]) + "\n"     # Oct 5, Nov 1, empty bucket
    second = "\n".join([header] + rows[1:]) + "\n"    # Nov 1 again, empty bucket, Oct 6
    merged = load(("a.csv", first), ("b.csv", second))
    pd.testing.assert_frame_equal(merged.months, load(("all.csv", OPENAI_USAGE)).months)
    assert merged.duplicates_dropped == 1


def test_several_providers_at_once():
    result = load(("openai.csv", OPENAI_USAGE), ("anthropic.csv", ANTHROPIC_USAGE))
    assert set(result.months["provider"]) == {"openai", "anthropic"}
    assert list(result.months.columns) == MONTH_COLUMNS
    nov = result.months[result.months["month"] == "2025-11"]
    # 2025-11 tokens: openai 1843200 + 221940 ; anthropic 2450310+184220+1000+9120400+512877 + 800000+120000
    expected = 1843200 + 221940 + 2450310 + 184220 + 1000 + 9120400 + 512877 + 800000 + 120000
    assert nov[["input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens"]].to_numpy().sum() == expected


def _months(totals, first="2025-01", cost_per_mtok=2.0, full=True):
    periods = pd.period_range(first, periods=len(totals), freq="M")
    return pd.DataFrame({
        "month": [str(p) for p in periods], "provider": "openai", "model": "m",
        "input_tokens": np.asarray(totals) * 0.6, "cached_input_tokens": np.asarray(totals) * 0.2,
        "cache_write_tokens": 0.0, "output_tokens": np.asarray(totals) * 0.2, "requests": 0.0,
        "cost_usd": np.asarray(totals) * cost_per_mtok / 1e6, "credits_usd": 0.0, "refunds_usd": 0.0,
        "tax_usd": 0.0, "currency": "USD", "cost": np.nan, "estimated": False, "cost_estimated": False,
        "usd_per_mtok": cost_per_mtok, "days_covered": [float(p.days_in_month) for p in periods],
        "days_in_month": [float(p.days_in_month) for p in periods],
    })


def test_baseline_golden_exponential_series():
    totals = [1e9 * 1.05 ** k for k in range(6)]
    baseline, warnings = fit_baseline(_months(totals))
    assert baseline["growth_per_month"] == pytest.approx(0.05, abs=1e-12)
    assert baseline["r_squared"] == pytest.approx(1.0, abs=1e-12)
    assert baseline["tokens_per_month"] == pytest.approx(1e9 * 1.05 ** 5)   # 1.2762815625e9
    assert baseline["input_share"] == pytest.approx(0.8)                    # (0.6 + 0.2) / 1
    assert baseline["cached_input_share"] == pytest.approx(0.25)            # 0.2 / 0.8
    assert baseline["months_covered"] == 6 and baseline["first_month"] == "2025-01"
    assert baseline["last_month"] == "2025-06" and baseline["usd_per_mtok"] == pytest.approx(2.0)
    assert baseline["monthly_spend_usd"] == pytest.approx(1.05 ** 5 * 1e3 * 2.0)
    assert "least squares" in baseline["method"] and warnings == []


def test_baseline_noisy_series_matches_independent_fit():
    rng = np.random.default_rng(7)
    totals = 2e9 * 1.08 ** np.arange(8) * rng.lognormal(0, 0.05, 8)
    baseline, _ = fit_baseline(_months(totals))
    # independent: numpy polyfit of log totals
    slope, _ = np.polyfit(np.arange(8), np.log(totals), 1)
    assert baseline["growth_per_month"] == pytest.approx(math.exp(slope) - 1, rel=1e-9)
    assert 0.8 < baseline["r_squared"] < 1.0
    assert 0.04 < baseline["growth_per_month"] < 0.12


def test_baseline_skips_partial_last_month_and_notes_few_months():
    months = _months([1e9, 1.1e9, 0.3e9])
    months.loc[2, "days_covered"] = 9.0          # March covered 9 of 31 days
    baseline, warnings = fit_baseline(months)
    assert baseline["last_month"] == "2025-02" and baseline["tokens_per_month"] == pytest.approx(1.1e9)
    assert any("2025-03 is a partial month" in w for w in warnings)
    assert baseline["growth_per_month"] == 0.0 and "a growth trend needs 3" in baseline["note"]


def test_baseline_empty():
    baseline, _ = fit_baseline(pd.DataFrame(columns=MONTH_COLUMNS))
    assert baseline["tokens_per_month"] == 0.0 and "note" in baseline


def test_example_set_fits_growing_workload():
    files = [(p.name, p.read_bytes()) for p in (EXAMPLES / "openai_completions_usage.csv", EXAMPLES / "openai_cost.csv")]
    from tco.invoices import load_files
    result = load_files(files)
    b = result.baseline
    assert result.errors == [] and result.rejected_rows == []
    assert b["months_covered"] == 6 and b["first_month"] == "2025-05" and b["last_month"] == "2025-10"
    assert 0.05 < b["growth_per_month"] < 0.11 and b["r_squared"] > 0.9
    assert 1e9 < b["tokens_per_month"] < 3e9
    oct_cost = result.months[result.months["month"] == "2025-10"]
    assert not oct_cost["cost_estimated"].any()    # October cost comes from the cost export


def test_cli_on_examples(capsys):
    paths = sorted(str(p) for p in EXAMPLES.glob("*.csv"))
    assert main(paths + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"format", "months", "rejected_rows", "warnings", "errors", "baseline"}
    assert out["format"]["openai_completions_usage.csv"] == "openai_usage_csv"
    assert out["format"]["azure_cost_details.csv"] == "azure_cost_details_csv"
    assert set(out["months"][0]) >= {"month", "provider", "model", "input_tokens", "cached_input_tokens",
                                     "cache_write_tokens", "output_tokens", "requests", "cost_usd", "estimated"}
    assert out["errors"] == [] and out["baseline"]["months_covered"] >= 6


def test_cli_failures(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    assert main([str(bad), "--json"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("invoices: bad.csv:") and "Traceback" not in err[0]
    good = EXAMPLES / "generic_template.csv"
    assert main([str(bad), str(good), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["format"]["bad.csv"].startswith("error:")
    assert main([]) == 1


def test_daily_and_hourly_exports_of_the_same_traffic_count_once():
    """A daily export and an hourly export of the same two days: the hourly rows are the same
    traffic in finer buckets, so the month holds the daily totals, not twice them."""
    header = ("start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,"
              "model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens")
    day0 = 1761955200  # 2025-11-01T00:00:00Z
    daily = [header]
    hourly = [header]
    for d in range(2):
        start = day0 + d * 86400
        # per day: 24,000 input (2,400 cached), 4,800 output, 240 requests
        daily.append(f"{start},{start + 86400},,,proj_A,240.0,,key_1,gpt-4o-2024-08-06,False,default,24000.0,4800.0,2400.0")
        for h in range(24):  # the same day as 24 hours of 1,000 input (100 cached), 200 output, 10 requests
            t = start + h * 3600
            hourly.append(f"{t},{t + 3600},,,proj_A,10.0,,key_1,gpt-4o-2024-08-06,False,default,1000.0,200.0,100.0")
    r = load(("completions_usage_daily.csv", "\n".join(daily)), ("completions_usage_hourly.csv", "\n".join(hourly)))
    row = month_row(r, "2025-11", "openai", "gpt-4o")
    # two days: input excl. cached = 2 × (24,000 − 2,400) = 43,200; cached 4,800; output 9,600
    assert (row["input_tokens"], row["cached_input_tokens"], row["output_tokens"]) == (43200, 4800, 9600)
    assert row["requests"] == 480
    assert r.duplicates_dropped == 48
    # another project's hourly traffic on the same days is different traffic and stays
    other = [header] + [f"{day0 + h * 3600},{day0 + h * 3600 + 3600},,,proj_B,1.0,,key_2,gpt-4o-2024-08-06,False,"
                        f"default,100.0,10.0,0.0" for h in range(24)]
    r2 = load(("completions_usage_daily.csv", "\n".join(daily)), ("completions_usage_b.csv", "\n".join(other)))
    assert month_row(r2, "2025-11", "openai", "gpt-4o")["output_tokens"] == 9600 + 240


def test_anthropic_console_csv_and_admin_api_report_of_the_same_day_count_once():
    """The Console export names keys and workspaces, the Admin API gives their ids: different row
    identities, same traffic. Each day and model is counted once, with a warning."""
    csv_text = ("usage_date_utc,model_version,api_key,workspace,usage_type,context_window,"
                "usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,"
                "usage_input_tokens_cache_read,usage_output_tokens,web_search_count,inference_geo,speed\n"
                "2025-11-03,claude-sonnet-4-5-20250929,prod-backend,Default,standard,≤ 200k,2450310,184220,0,"
                "9120400,512877,14,not_available,\n")
    api_json = ('{"data":[{"starting_at":"2025-11-03T00:00:00Z","ending_at":"2025-11-04T00:00:00Z","results":[{'
                '"api_key_id":"apikey_01","workspace_id":"wrkspc_01","model":"claude-sonnet-4-5-20250929",'
                '"service_tier":"standard","context_window":"0-200k","uncached_input_tokens":2450310,'
                '"cache_read_input_tokens":9120400,"cache_creation":{"ephemeral_1h_input_tokens":0,'
                '"ephemeral_5m_input_tokens":184220},"output_tokens":512877}]}],"has_more":false}')
    alone = load(("claude_api_tokens_2025_11.csv", csv_text))
    both = load(("claude_api_tokens_2025_11.csv", csv_text), ("usage_report.json", api_json))
    cols = ["input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens"]
    a = alone.months[cols].sum()
    b = both.months[cols].sum()
    # input 2,450,310; cached 9,120,400; cache writes 184,220; output 512,877 - once, not twice
    assert list(b) == list(a) == [2450310, 9120400, 184220, 512877]
    # the words of rule 4: which file was dropped, which kept (equal tokens: the first format by name)
    assert ("anthropic: usage_report.json and claude_api_tokens_2025_11.csv report the same days in two usage "
            "formats; each day and model is counted once, from the format with more tokens") in both.warnings


def test_the_format_with_more_tokens_is_kept_and_the_dropped_rows_are_counted():
    """The same day in the Console CSV and in the Admin API report, the API giving more output
    (600,000 against 512,877: a later, complete export): the day is counted once, from the API's
    figures, and the CSV's row counts as one dropped duplicate."""
    csv_text = ("usage_date_utc,model_version,api_key,workspace,usage_type,context_window,"
                "usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,"
                "usage_input_tokens_cache_read,usage_output_tokens,web_search_count,inference_geo,speed\n"
                "2025-11-03,claude-sonnet-4-5-20250929,prod-backend,Default,standard,≤ 200k,2450310,184220,0,"
                "9120400,512877,14,not_available,\n")
    api_json = json.dumps({"data": [{"starting_at": "2025-11-03T00:00:00Z", "ending_at": "2025-11-04T00:00:00Z",
                                     "results": [{"api_key_id": "apikey_01", "workspace_id": "wrkspc_01",
                                                  "model": "claude-sonnet-4-5-20250929", "service_tier": "standard",
                                                  "context_window": "0-200k", "uncached_input_tokens": 2450310,
                                                  "cache_read_input_tokens": 9120400,
                                                  "cache_creation": {"ephemeral_1h_input_tokens": 0,
                                                                     "ephemeral_5m_input_tokens": 184220},
                                                  "output_tokens": 600000}]}], "has_more": False})
    for files in ((("claude_api_tokens_2025_11.csv", csv_text), ("usage_report.json", api_json)),
                  (("usage_report.json", api_json), ("claude_api_tokens_2025_11.csv", csv_text))):
        both = load(*files)
        assert both.months["output_tokens"].sum() == 600_000 and both.duplicates_dropped == 1


def test_generic_files_are_never_merged_as_finer_buckets_of_each_other():
    """Two generic CSVs with the same model and numbers on 1 November, one monthly (all dates on the
    1st: openai) and one daily (azure, a second day): different providers, different traffic; both
    count in full (only the time-bucketed API exports can cover each other)."""
    head = "date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
    monthly = head + "2025-11-01,openai,gpt-4o,1000,0,100,1.0\n2025-12-01,openai,gpt-4o,1000,0,100,1.0\n"
    daily = head + "2025-11-01,azure,gpt-4o,1000,0,100,1.0\n2025-11-02,azure,gpt-4o,1000,0,100,1.0\n"
    r = load(("monthly.csv", monthly), ("daily.csv", daily))
    assert r.duplicates_dropped == 0
    assert month_row(r, "2025-11", "openai", "gpt-4o")["input_tokens"] == 1000
    assert month_row(r, "2025-11", "azure", "gpt-4o")["input_tokens"] == 2000


def test_the_load_over_a_day_from_hourly_rows_by_hand_and_none_without_tokens():
    """Three days of hourly OpenAI usage with traffic only at 00:00 and 12:00 UTC, equal: the 24
    hours' mean is 2/24 of a day's traffic, so those two hours are 12x the average and the rest 0;
    the same rows with no tokens give no load profile (nothing to shape)."""
    header = ("start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,"
              "model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens")
    day0 = 1761955200  # 2025-11-01T00:00:00Z

    def export(tokens):
        lines = [header]
        for d in range(3):
            for h in (0, 12):
                t = day0 + d * 86400 + h * 3600
                lines.append(f"{t},{t + 3600},,,proj_A,1.0,,key_1,gpt-4o-2024-08-06,False,default,{tokens},0.0,0.0")
        return "\n".join(lines) + "\n"
    hourly = load(("completions_usage_hourly.csv", export(1000.0))).baseline["hourly"]
    assert hourly["days"] == 3 and hourly["first_day"] == "2025-11-01" and hourly["last_day"] == "2025-11-03"
    assert hourly["shape"] == [12.0] + [0.0] * 11 + [12.0] + [0.0] * 11 and hourly["peak_to_average"] == 12.0
    assert "hourly" not in load(("completions_usage_hourly.csv", export(0.0))).baseline

"""The command line: every input listed, summaries a reader can re-derive, clean errors."""

import json
import subprocess
import sys

import pytest

from tco.scenario import FIELDS


def run(*args):
    p = subprocess.run([sys.executable, "-m", "tco", *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_keys_lists_every_input_with_unit_default_range_source():
    code, out, _ = run("keys", "--json")
    assert code == 0
    rows = {r["key"]: r for r in json.loads(out)}
    assert set(rows) == set(FIELDS)
    for r in rows.values():
        assert {"unit", "default", "allowed", "description", "source"} <= set(r)
    assert rows["tokens_per_month"]["allowed"].startswith("[0, 1e+14]")
    assert "h100_sxm" in rows["gpu"]["allowed"]


def test_summary_numbers_rederive_from_printed_prices_and_gpus():
    code, out, err = run("summary", "--json", "--set", "tokens_per_month=8e9", "--set", "acquisition=reserved_1y")
    assert code == 0, err
    d = json.loads(out)
    s, pr, at = d["scenario"], d["prices"], d["at_volume"]
    v = s["tokens_per_month"]
    inp, cached, outp = v * s["input_share"] * (1 - s["cached_input_share"]), v * s["input_share"] * s["cached_input_share"], v * (1 - s["input_share"])
    api = (inp * pr["api"]["input"] + cached * pr["api"]["cached_input"] + outp * pr["api"]["output"]) / 1e6
    assert at["api"]["monthly_usd"] == pytest.approx(api)
    # self-hosted: staff + other + GPUs × on-demand price × (1 − 35% reservation) × 730 h
    sh = at["self_host"]
    rent = sh["gpus"] * d["resolved"]["gpu_hour_usd"] * (1 - s["reserved_1y_discount"]) * 730
    assert sh["monthly_usd"] == pytest.approx(s["staff_fte"] * s["staff_cost_usd_per_year"] / 12 + s["other_monthly_usd"] + rent)
    assert sh["gpus"] == sh["replicas"] * sh["gpus_per_replica"]
    assert at["api"]["usd_per_mtok"] == pytest.approx(at["api"]["monthly_usd"] / v * 1e6)
    for key in ("vs_api_tokens_per_month", "vs_hosted_open_tokens_per_month", "reason"):
        assert key in d["breakeven"]
    assert "vs_api_month" in d["payback"] and d["payback"]["reason"]
    assert "vs_api" in d["npv_usd"]
    assert pr["api"]["source"] and pr["api"]["date"]
    assert d["link_query"].startswith("v=1&tokens_per_month=8e9")
    assert sh["throughput_source"] in ("measured", "interpolated", "derived", "roofline", "user")


@pytest.mark.parametrize("args, fragment", [
    (["--set", "foo=1"], "unknown input `foo`"),
    (["--set", "tokens_per_month=abc"], "is not a number"),
    (["--set", "tokens_per_month=-5"], "outside the allowed range"),
    (["--set", "gpu=h999"], "is not one of"),
    (["--set", "api_model=openai:nope"], "not in the bundled price catalog"),
    (["--set", "tokens_per_month"], "KEY=VALUE"),
    (["--set", "open_model=deepseek-v3", "--set", "precision=bf16", "--set", "gpu=l4",
      "--set", "input_tokens_per_request=100000"], "needs"),
])
def test_bad_input_exits_nonzero_with_one_line(args, fragment):
    code, out, err = run("summary", "--json", *args)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_link_gives_the_same_result_as_set():
    _, a, _ = run("summary", "--json", "--set", "tokens_per_month=5e9", "--set", "gpu=h200")
    _, b, _ = run("summary", "--json", "--link", "http://localhost:8501/?v=1&tokens_per_month=5e9&gpu=h200")
    da, db = json.loads(a), json.loads(b)
    assert da["at_volume"] == db["at_volume"] and da["breakeven"] == db["breakeven"]


def test_validate_reports_leave_one_out_error():
    code, out, _ = run("validate", "--json")
    d = json.loads(out)
    assert code == 0 and d["targets"] == {"median_abs_error": 0.15, "p90_abs_error": 0.40}
    rows, curves = d["max_load_rows"], d["latency_curve_points"]
    assert rows["engine"]["n"] >= 170 and rows["engine"]["meets_targets"]
    assert rows["model_only"]["median_abs_error"] <= 0.30
    assert curves["at_concurrency"]["n"] >= 500 and curves["at_concurrency"]["meets_targets"]
    assert curves["at_per_user_speed"]["n"] + curves["flat_points_left_out"] == curves["at_concurrency"]["n"]
    assert len(rows["per_row"]) == rows["engine"]["n"] and len(curves["per_point"]) == curves["at_concurrency"]["n"]


def test_bench_small_run_reports_ratios_and_memory():
    code, out, _ = run("bench", "--json", "--scenarios", "8000", "--scalar-sample", "50")
    d = json.loads(out)
    assert code == 0
    for part in ("monthly_and_breakeven", "payback_36_months"):
        assert {"scenarios_per_s", "speedup_vs_scalar", "peak_memory_mb"} <= set(d[part])
    assert d["vectorised_agrees_with_scalar_on_sample"] is True

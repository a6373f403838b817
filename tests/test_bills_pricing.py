"""Numbers a CFO can sign (issue 9): the API path at the bills' own prices, a verdict over all three
paths, prices as the providers charge them, and inputs that keep their meaning.

Expected values are worked out by hand in each test (arithmetic written out) or quoted from the
provider's documentation; none is read back from the code under test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tco import catalog, explain, share
from tco.invoices import load_files
from tco.invoices.baseline import bill_prices, link_query, mix_text, scenario_inputs
from tco.invoices.reprice import reprice
from tco.model import default_hosted_ref, evaluate, per_token_paths
from tco.scenario import Scenario
from tco.ui import fmt

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
#: Every example export that carries cost (cost exports, CUR, Azure, GCP, OpenRouter, generic).
WITH_COST = ("openai_cost.csv", "anthropic_cost.csv", "aws_cur2_bedrock.csv", "azure_cost_details.csv",
             "gcp_billing_export.csv", "openrouter_activity.csv", "generic_template.csv")


def cli(capsys, *args: str) -> dict:
    """``python -m tco ARGS`` in this process (the same entry point, without a new interpreter)."""
    from tco.__main__ import main
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def imported(*names: str):
    return load_files([(n, (EXAMPLES / n).read_bytes()) for n in names])


# --- 1. the bills' own prices ----------------------------------------------------------------

def test_a_cur_itemised_by_class_is_priced_at_each_class_as_charged():
    # Three CUR lines of one day (aws_cur2_bedrock.csv), Claude Sonnet 4.6 on Bedrock, with the
    # output billed at half its rate (a negotiated discount on output only):
    #   input       4,096.664K tokens x $0.0033/1K  = $13.518991  -> $3.30 per 1M
    #   cache read 10,046.014K tokens x $0.00033/1K = $3.315185   -> $0.33 per 1M
    #   output        615.365K tokens x $0.00825/1K = $5.0767615  -> $8.25 per 1M
    # Each class keeps its own price. Split by the catalog's ratios instead, the one total
    # ($21.9109375) would have put the discount on every class alike.
    lines = (EXAMPLES / "aws_cur2_bedrock.csv").read_bytes().split(b"\n")
    rows = lines[1:4]
    assert b"Sonnet-output-tokens" in rows[1] and b",0.0165,10.153523," in rows[1]
    rows[1] = rows[1].replace(b",0.0165,10.153523,", b",0.00825,5.0767615,")
    result = load_files([("cur.csv", b"\n".join([lines[0], *rows]) + b"\n")])
    p = bill_prices(result.months, "2025-11")
    assert p["priced_from"] == "bills"
    assert p["input"] == pytest.approx(13.518991 / 4096.664e3 * 1e6, rel=1e-6) == pytest.approx(3.30, rel=1e-6)
    assert p["cached_input"] == pytest.approx(3.315185 / 10046.014e3 * 1e6, rel=1e-6)
    assert p["output"] == pytest.approx(5.0767615 / 615.365e3 * 1e6, rel=1e-6) == pytest.approx(8.25, rel=1e-6)
    # the month's own mix at these prices gives back the bill to the cent
    m = result.months.iloc[0]
    total = (m["input_tokens"] + m["cache_write_tokens"]) * p["input"] + m["cached_input_tokens"] * p["cached_input"] \
        + m["output_tokens"] * p["output"]
    assert total / 1e6 == pytest.approx(13.518991 + 3.315185 + 5.0767615, abs=0.005)


def test_openai_cost_export_prices_by_class_worked_by_hand():
    # October in openai_cost.csv (the example set's cost export), per model:
    #   gpt-4o:      256,138,732 input, 137,920,854 cached, 86,500,889 output, billed $1,677.7567875
    #   gpt-4o-mini: 768,416,195 input, 413,762,567 cached, 259,502,662 output, billed $301.996218975
    # At list prices (gpt-4o $2.50 / $1.25 / $10, gpt-4o-mini $0.15 / $0.075 / $0.60 per 1M):
    #   gpt-4o      256.138732 × 2.5 + 137.920854 × 1.25 + 86.500889 × 10 = 640.34683 + 172.4010675 + 865.00889
    #               = $1,677.7567875 = the bill, so its classes are paid at list price (k = 1)
    #   gpt-4o-mini 768.416195 × 0.15 + 413.762567 × 0.075 + 259.502662 × 0.6 = $301.996218975 (k = 1)
    # Pooled per class: what both models paid for it over the tokens of it (gpt-4o is about 25%
    # of each class, so about 0.25 × 2.5 + 0.75 × 0.15 = $0.7375 input)
    result = imported("openai_cost.csv")
    p = bill_prices(result.months, "2025-10")
    assert p["input"] == pytest.approx((256.138732 * 2.5 + 768.416195 * 0.15) / (256.138732 + 768.416195), rel=1e-9)
    assert p["cached_input"] == pytest.approx((137.920854 * 1.25 + 413.762567 * 0.075) / (137.920854 + 413.762567),
                                              rel=1e-9)
    assert p["output"] == pytest.approx((86.500889 * 10 + 259.502662 * 0.6) / (86.500889 + 259.502662), rel=1e-9)
    assert (p["input"], p["cached_input"], p["output"]) == pytest.approx((0.7375, 0.36875, 2.95), rel=1e-6)
    assert p["priced_from"] == "bills"
    # gpt-4o-mini: 1,441,681,424 of 1,922,241,899 tokens = 75%; gpt-4o 25%
    assert p["mix"] == "gpt-4o-mini~75,gpt-4o~25"
    assert p["label"] == "your bills (gpt-4o-mini 75%, gpt-4o 25%)"


def test_a_model_billed_below_list_price_is_scaled_to_its_bill():
    # 100M input + 20M output of gpt-4o-mini billed $12 where the list price gives
    # 100 × 0.15 + 20 × 0.6 = $27: every class is paid at 12/27 of list, i.e. input
    # $0.15 × 12/27 = $0.0667, output $0.6 × 12/27 = $0.2667 per 1M.
    csv = (b"date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
           b"2025-03,openai,gpt-4o-mini,100000000,0,20000000,12\n")
    result = load_files([("g.csv", csv)])
    p = bill_prices(result.months, "2025-03")
    assert p["input"] == pytest.approx(0.15 * 12 / 27, rel=1e-9)
    assert p["output"] == pytest.approx(0.6 * 12 / 27, rel=1e-9)
    assert 100 * p["input"] + 20 * p["output"] == pytest.approx(12, rel=1e-12)


@pytest.mark.parametrize("name", WITH_COST)
def test_link_query_of_every_example_with_cost_gives_the_bills_monthly_spend(name, capsys):
    bills = cli(capsys, "invoices", str(EXAMPLES / name), "--json")["baseline"]
    summary = cli(capsys, "summary", "--json", "--link", f"http://127.0.0.1:8501/?{bills['link_query']}")
    assert summary["at_volume"]["tokens_per_month"] == round(bills["tokens_per_month"])
    assert summary["at_volume"]["api"]["monthly_usd"] == pytest.approx(bills["monthly_spend_usd"], rel=0.01)
    assert summary["prices"]["api"]["name"].startswith("your bills (")
    assert "link_notices" not in summary


def test_usage_only_bills_are_priced_at_each_models_list_price_and_say_so():
    # the usage export alone has no cost: October at list price is the same $1,979.75 as the
    # cost export above (both models at k = 1), and the prices are flagged as list prices
    result = imported("openai_completions_usage.csv")
    p = result.baseline["api_prices"]
    assert p["priced_from"] == "list prices"
    assert (p["input"], p["cached_input"], p["output"]) == pytest.approx((0.7375, 0.36875, 2.95), rel=1e-6)


def test_the_example_bills_flip_the_answer():
    # GPT-5 at list price against the example bills' volume was "pays back"; at what the bills
    # cost ($1,979.75 a month, $1.03 per 1M) self-hosting never pays back and the NPV is negative
    result = imported("openai_completions_usage.csv", "openai_cost.csv")
    d = share.decode(link_query(result.baseline))
    r = evaluate(d.scenario)
    assert r.at_volume["api"]["monthly_usd"] == pytest.approx(1979.75, rel=1e-4)
    # NPV by hand (README): the API at the bills' $1.03/M on 1.922B x 1.0823^(m-1) tokens; self-hosting
    # $4,380 per 2-GPU replica + $8,833.33 team, a replica holding 2,824.67 tokens/s x 2,500/500 x 0.6
    # x 2,628,000 s / 2 = 11.13B tokens a month (2 replicas from month 24, 3 from month 32);
    # discounted 1.1^(m/12)
    price = (0.82 * 0.65 * 0.7375 + 0.82 * 0.35 * 0.36875 + 0.18 * 2.95) / 1e6
    cap = 2824.6669652284963 * 2500 / 500 * 0.6 * 2_628_000 / 2
    assert r.at_volume["self_host"]["replica_output_tokens_per_s"] == pytest.approx(2824.6669652284963, rel=1e-9)
    npv = -50_000.0
    for m in range(1, 37):
        v = 1_922_241_899 * 1.0823 ** (m - 1)
        own = max(1, math.ceil(v / cap)) * 2 * 3.0 * 730 + 0.5 * 200_000 / 12 + 500
        npv += (v * price - own) / 1.1 ** (m / 12)
    assert round(npv, -2) == -205_300
    assert r.payback["api"].month is None and r.npv_usd["api"] == pytest.approx(npv, rel=1e-9)
    # the same volume at GPT-5's list price, as the page priced it before: 1.922B × (0.82 × 0.65 × $1.25
    # + 0.82 × 0.35 × $0.125 + 0.18 × $10)/M = 1,922.24 × $2.502125 = $4,809.69, and it "pays back"
    gpt5 = evaluate(d.scenario.replace(api_model="openai:gpt-5", api_input_usd_per_mtok=None,
                                       api_cached_input_usd_per_mtok=None, api_output_usd_per_mtok=None))
    assert gpt5.at_volume["api"]["monthly_usd"] == pytest.approx(1922.241899 * 2.502125, rel=1e-6)
    # cumulative by hand with the same fleet: -50,000 + sum of (V_m x $2.502125/M - own_m) turns
    # positive in month 27 (+$11,708), as the issue found
    cum, month = -50_000.0, None
    for m in range(1, 37):
        v = 1_922_241_899 * 1.0823 ** (m - 1)
        cum += v * 2.502125e-6 - (max(1, math.ceil(v / cap)) * 2 * 3.0 * 730 + 0.5 * 200_000 / 12 + 500)
        if cum > 0 and month is None:
            month = m
    assert month == 27 and gpt5.payback["api"].month == month
    assert explain.api_name(r, d.baseline) == "your bills (gpt-4o-mini 75%, gpt-4o 25%)"
    # the bills' growth fit, 8.23%/month over 36 months: 1.922B × 1.0823^35 = 30.6B
    text = explain.verdict(r, d.baseline)
    assert "assuming volume grows 8.2% a month, from 1.92B to 30.6B tokens a month by month 36" in text
    # a price changed by hand is no longer "your bills"
    moved = d.scenario.replace(api_output_usd_per_mtok=3.0)
    assert not explain.api_name(evaluate(moved), d.baseline).startswith("your bills")


def test_bill_model_names_never_carry_markup_into_a_label():
    mix = mix_text([{"model": "<img src=x onerror=alert(1)>", "share_of_tokens": 1.0}])
    assert "<" not in mix and ">" not in mix and " " not in mix
    assert share.decode(f"v=1&bl_mix={mix}").baseline["mix"] == mix


# --- 2. the verdict --------------------------------------------------------------------------

def test_default_verdict_names_the_cheapest_path_first(capsys):
    # README worked example: hosted $312, API $5,550, self-hosted $13,213 a month
    r = evaluate(Scenario())
    assert explain.cheapest_path(r) == "hosted_open"
    d = cli(capsys, "summary", "--json")
    assert d["cheapest_path"] == "hosted_open"
    assert d["verdict"].startswith("At 2B tokens a month the cheapest path is the hosted open model")
    assert "$312 a month, against $5,550 for the API (GPT-5) and $13,213 for self-hosting" in d["verdict"]
    assert "check its quality on your own evaluation" in d["verdict"]
    # at 30B tokens self-hosting is cheapest against GPT-5 (but Groq is cheaper still:
    # 30B × $0.156/M = $4,680 against self-hosting's $26,353)
    assert explain.cheapest_path(evaluate(Scenario(tokens_per_month=3e10))) == "hosted_open"
    # with no hosted offer cheaper than self-hosting: hosted price set to $10/M flat
    s = Scenario(tokens_per_month=3e10, hosted_input_usd_per_mtok=10.0, hosted_cached_input_usd_per_mtok=10.0,
                 hosted_output_usd_per_mtok=10.0)
    assert explain.cheapest_path(evaluate(s)) == "self_host"


def test_no_quality_caveat_when_the_api_is_the_open_model_itself():
    r = evaluate(Scenario(open_model="deepseek-v3", gpu="b200", api_model="deepseek:deepseek-chat"))
    assert "check its quality" not in explain.verdict(r)


# --- 3. prices as the providers charge them ---------------------------------------------------

def test_deepseek_is_priced_at_its_standard_rate():
    # DeepSeek's pricing page (V3, deepseek-chat): $0.27 input (cache miss), $0.07 cache hit,
    # $1.10 output per 1M tokens; 50% off only in the 16:30-00:30 UTC off-peak window
    p = catalog.api_prices("deepseek:deepseek-chat", 2000, 500)
    assert (p.input, p.cached_input, p.output) == pytest.approx((0.27, 0.07, 1.10), rel=1e-9)


def test_opus_batch_is_half_price_from_anthropics_documented_discount():
    # Anthropic: the Message Batches API costs 50% of the standard price. Opus 4.1 at 2B tokens:
    # 1.2B × $15 + 0.4B × $1.50 + 0.4B × $75 = $18,000 + $600 + $30,000 = $48,600 a month
    full = evaluate(Scenario(api_model="anthropic:claude-opus-4-1"))
    batch = evaluate(Scenario(api_model="anthropic:claude-opus-4-1", batch_share=1.0))
    assert full.at_volume["api"]["monthly_usd"] == pytest.approx(48_600, rel=1e-9)
    assert batch.at_volume["api"]["monthly_usd"] == pytest.approx(24_300, rel=1e-9)
    p = catalog.api_prices("anthropic:claude-opus-4-1", 2000, 500)
    assert "documented" in p.batch_source and "platform.claude.com" in p.batch_source
    assert catalog.api_prices("openai:gpt-5", 2000, 500).batch_source == "catalog"
    assert catalog.api_prices("groq:meta-llama/llama-4-scout-17b-16e-instruct", 2000, 500).batch_source == ""


def test_cache_writes_are_repriced_at_the_cache_write_price():
    # Anthropic prompt caching: 5-minute cache writes cost 1.25 × the base input price;
    # Claude Sonnet 4.5 $3 input -> $3.75 per 1M written. 1M writes + 1M input + 1M output
    # = $3.75 + $3 + $15 = $21.75
    months = pd.DataFrame([{"month": "2025-11", "provider": "anthropic", "model": "claude-sonnet-4-5",
                            "input_tokens": 1e6, "cached_input_tokens": 0.0, "cache_write_tokens": 1e6,
                            "output_tokens": 1e6, "requests": 0.0, "cost_usd": 21.75, "credits_usd": 0.0,
                            "refunds_usd": 0.0, "tax_usd": 0.0, "currency": "USD", "cost": 21.75,
                            "estimated": False, "cost_estimated": False, "usd_per_mtok": 7.25,
                            "days_covered": 30.0, "days_in_month": 30.0}])
    df = reprice(months, Scenario(hosted_model="anthropic:claude-sonnet-4-5"))
    assert df["hosted_open_usd"].iloc[0] == pytest.approx(21.75, rel=1e-9)


def test_hosted_default_is_the_cheapest_offer():
    # Scout at 80% input, 25% of it cached: Groq 0.6 × 0.11 + 0.2 × 0.11 + 0.2 × 0.34 = $0.156/M,
    # Together/Novita 0.6 × 0.18 + 0.2 × 0.18 + 0.2 × 0.59 = $0.262, AWS 0.6 × 0.17 + 0.2 × 0.17
    # + 0.2 × 0.66 = $0.268: Groq. DeepSeek-V3: DeepSeek 0.6 × 0.27 + 0.2 × 0.07 + 0.2 × 1.10
    # = $0.396 against Fireworks' $0.90 flat: DeepSeek's own API.
    assert default_hosted_ref(Scenario()) == "groq:meta-llama/llama-4-scout-17b-16e-instruct"
    assert default_hosted_ref(Scenario(open_model="deepseek-v3", gpu="b200")) == "deepseek:deepseek-chat"


def test_only_priceable_ids_are_offered():
    refs = catalog.api_model_refs()
    assert "fireworks:llama4-maverick-instruct-basic" not in refs
    for ref in refs:
        catalog.api_prices(ref, 2000, 500)  # raises ValueError for an id that cannot be priced


def test_prices_show_the_catalogs_own_check_date():
    # genai-prices' gpt-5 entry: "Batch rates verified on 2026-10-14 at .../pricing"
    assert catalog.api_prices("openai:gpt-5", 2000, 500).date == "2026-10-14"


# --- 4. inputs keep their meaning -------------------------------------------------------------

def test_irr_is_a_yearly_percentage_capped_where_it_means_nothing_more():
    assert fmt.irr(0.2345) == "23.4%/yr"
    assert fmt.irr(4188.96) == "> 1,000%/yr"
    assert fmt.irr(None) is None
    # 30B tokens: self-hosting saves ~$57k in month 1 against a $50k setup: IRR in the thousands
    r = evaluate(Scenario(tokens_per_month=3e10))
    assert r.payback["api"].month == 1 and fmt.irr(r.irr["api"]) == "> 1,000%/yr"


def test_a_rejected_scenario_keeps_the_per_token_paths():
    # Llama 3.1 405B at BF16 on one L4 per replica does not fit; the API and hosted costs do
    # not depend on the GPUs: GPT-5 at 2B tokens is still $5,550 a month
    s = Scenario(open_model="llama-3.1-405b", precision="bf16", gpu="l4", gpus_per_replica=1)
    with pytest.raises(ValueError):
        evaluate(s)
    paths = per_token_paths(s)
    assert paths["api"]["monthly_usd"] == pytest.approx(5_550, rel=1e-9)
    # Together 405B Turbo at $3.50/M flat vs Avian $1.50/M flat: Avian, 2B × $1.50/M = $3,000
    assert paths["hosted_open"]["monthly_usd"] == pytest.approx(3_000, rel=1e-9)


def _hourly_openai_usage(days: int = 3) -> bytes:
    """An OpenAI completions usage export in 1-hour buckets: 300 input tokens in each hour from
    09:00 to 16:00 UTC, 100 in every other hour, on ``days`` days from 2025-11-03."""
    header = ("start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,"
              "model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,"
              "input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
              "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,"
              "output_image_tokens")
    lines = [header]
    t0 = int(pd.Timestamp("2025-11-03", tz="UTC").timestamp())
    for d in range(days):
        for h in range(24):
            s = t0 + (d * 24 + h) * 3600
            n = 300 if 9 <= h <= 16 else 100
            iso = lambda x: pd.Timestamp(x, unit="s", tz="UTC").isoformat()  # noqa: E731
            lines.append(f"{s},{s + 3600},{iso(s)},{iso(s + 3600)},proj_1,1,,key_1,gpt-4o-2024-08-06,False,default,"
                         f"{n},0,0,{n},{n},0,0,0,0,0,0,0,0")
    return ("\n".join(lines) + "\n").encode()


def test_hourly_bills_set_the_load_over_a_day_by_hand():
    # per hour of the day over the 3 days: 900 tokens from 09:00 to 16:00 (8 hours), 300 otherwise;
    # the mean hour is (8 x 900 + 16 x 300) / 24 = 500, so the shape is 1.8 in those hours, 0.6 else
    result = load_files([("usage_hourly.csv", _hourly_openai_usage())])
    hourly = result.baseline["hourly"]
    want = [1.8 if 9 <= h <= 16 else 0.6 for h in range(24)]
    assert hourly["shape"] == want and hourly["days"] == 3
    assert (hourly["first_day"], hourly["last_day"]) == ("2025-11-03", "2025-11-05")
    assert hourly["load_profile"] == "custom:" + ",".join(f"{v:g}" for v in want)
    assert hourly["peak_to_average"] == pytest.approx(1.8)
    values, _ = scenario_inputs(result.baseline)
    assert values["load_profile"] == hourly["load_profile"] and values["peak_to_average"] == pytest.approx(1.8)
    # the scenario then follows the bills' own day, unbent (its busiest hour is its peak)
    from tco import load
    s = Scenario(load_profile=values["load_profile"], peak_to_average=values["peak_to_average"])
    np.testing.assert_allclose(load.hourly(s.load_profile, s.peak_to_average), want, rtol=1e-9)
    # two days are not enough to say what a day looks like: the profile stays as it was
    assert "hourly" not in load_files([("two_days.csv", _hourly_openai_usage(days=2))]).baseline
    # daily exports (every example) say nothing about the hours
    assert "hourly" not in imported("openai_completions_usage.csv", "anthropic_usage.csv").baseline

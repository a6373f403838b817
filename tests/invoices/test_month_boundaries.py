"""Month buckets are UTC months, for every parser: timestamps a second either side of a month
boundary, and local times with UTC offsets whose local month differs from their UTC month.

Each fixture puts distinct amounts in four buckets whose UTC month is known by hand:
    a  local Nov 30 20:30 at UTC-5  = Dec 1 01:30 UTC   -> 2025-12   (local month: November)
    b  local Dec 1 01:30 at UTC+2   = Nov 30 23:30 UTC  -> 2025-11   (local month: December)
    c  Dec 31 23:59:59 UTC                              -> 2025-12
    d  Jan 1 00:00:00 UTC                               -> 2026-01
Formats that carry dates only get the dates Nov 30, Dec 1, Dec 31 and Jan 1 instead; formats with
Unix seconds get 1764547199 (Nov 30 23:59:59 UTC), 1764547200 (Dec 1 00:00 UTC), 1767225599 and
1767225600 (Dec 31 23:59:59 and Jan 1 00:00 UTC). A month taken in any zone other than UTC moves
one of the amounts to the neighbouring month.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import load
from tco.invoices.common import TOKEN_COLUMNS

OFFSET_TIMES = {  # text, UTC month
    "a": ("2025-11-30T20:30:00-05:00", "2025-12"),
    "b": ("2025-12-01T01:30:00+02:00", "2025-11"),
    "c": ("2025-12-31T23:59:59Z", "2025-12"),
    "d": ("2026-01-01T00:00:00Z", "2026-01"),
}
DATES = {"a": ("2025-11-30", "2025-11"), "b": ("2025-12-01", "2025-12"),
         "c": ("2025-12-31", "2025-12"), "d": ("2026-01-01", "2026-01")}
UNIX = {"a": (1764547199, "2025-11"), "b": (1764547200, "2025-12"),
        "c": (1767225599, "2025-12"), "d": (1767225600, "2026-01")}
AMOUNTS = {"a": 1_000, "b": 20_000, "c": 300_000, "d": 4_000_000}


def expected(times: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, (_, month) in times.items():
        out[month] = out.get(month, 0) + AMOUNTS[k]
    return out


def by_month(result, column: str = "tokens") -> dict[str, float]:
    m = result.months
    values = m[TOKEN_COLUMNS].sum(axis=1) if column == "tokens" else m[column]
    out = values.groupby(m["month"]).sum()
    return {k: round(float(v), 6) for k, v in out.items() if v}


def check(name: str, text: str, times: dict, column: str = "tokens", scale: float = 1.0):
    result = load((name, text))
    assert result.errors == [] and result.rejected_rows == [], (result.errors, result.rejected_rows)
    want = {k: round(v * scale, 6) for k, v in expected(times).items()}
    assert by_month(result, column) == pytest.approx(want), result.months


# --- formats with timestamps ----------------------------------------------------------------------

@pytest.mark.parametrize("times", [OFFSET_TIMES, DATES], ids=["offsets", "dates"])
def test_generic_csv(times):
    rows = [f"{t},openai,gpt-4o-mini,{AMOUNTS[k]},0,0,0.01" for k, (t, _) in times.items()]
    check("mine.csv", "date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
          + "\n".join(rows) + "\n", times)


def test_openai_usage_csv_unix_seconds():
    rows = [f"{t},{t + 86400},proj_A,1.0,gpt-4o-mini-2024-07-18,False,{AMOUNTS[k]},0.0,0.0"
            for k, (t, _) in UNIX.items()]
    check("completions_usage.csv", "start_time,end_time,project_id,num_model_requests,model,batch,"
          "input_tokens,output_tokens,input_cached_tokens\n" + "\n".join(rows) + "\n", UNIX)


def test_openai_cost_csv():
    # amounts as cents of spend: 1,000 -> $10.00 etc.; the 10-column export carries spend only
    rows = [f"{t},{t + 86400},,,{AMOUNTS[k] / 100},usd,,,org-1,Personal" for k, (t, _) in UNIX.items()]
    check("cost.csv", "start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,"
          "project_id,organization_id,organization_name\n" + "\n".join(rows) + "\n", UNIX, "cost_usd", 0.01)


def test_openai_usage_and_cost_json():
    usage = {"object": "page", "has_more": False, "next_page": None, "data": [
        {"object": "bucket", "start_time": t, "end_time": t + 86400, "results": [
            {"object": "organization.usage.completions.result", "input_tokens": AMOUNTS[k], "output_tokens": 0,
             "input_cached_tokens": 0, "num_model_requests": 1, "model": "gpt-4o-mini-2024-07-18"}]}
        for k, (t, _) in UNIX.items()]}
    check("usage.json", json.dumps(usage), UNIX)
    cost = {"object": "page", "has_more": False, "next_page": None, "data": [
        {"object": "bucket", "start_time": t, "end_time": t + 86400, "results": [
            {"object": "organization.costs.result", "amount": {"value": AMOUNTS[k] / 100, "currency": "usd"},
             "line_item": None}]}
        for k, (t, _) in UNIX.items()]}
    check("costs.json", json.dumps(cost), UNIX, "cost_usd", 0.01)


ANTHROPIC_HOURS = {  # the Console's hourly export is written in UTC ("usage_date_utc")
    "a": ("2025-11-30 23:00", "2025-11"), "b": ("2025-12-01 00:00", "2025-12"),
    "c": ("2025-12-31 23:00", "2025-12"), "d": ("2026-01-01 00:00", "2026-01")}


@pytest.mark.parametrize("times", [ANTHROPIC_HOURS, DATES], ids=["hours", "dates"])
def test_anthropic_usage_csv(times):
    rows = [f"{t},claude-sonnet-4-5-20250929,key,Default,standard,≤ 200k,{AMOUNTS[k]},0,0,0,0,0"
            for k, (t, _) in times.items()]
    check("claude_api_tokens.csv", "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,"
          "usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,"
          "usage_input_tokens_cache_read,usage_output_tokens,web_search_count\n" + "\n".join(rows) + "\n", times)


def test_anthropic_cost_csv():
    rows = [f"{t},Claude Sonnet 4.5,Default,key,message,≤ 200k,input_no_cache,{AMOUNTS[k] / 100}"
            for k, (t, _) in DATES.items()]
    check("claude_api_cost.csv", "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,"
          "cost_usd\n" + "\n".join(rows) + "\n", DATES, "cost_usd", 0.01)


def test_anthropic_usage_and_cost_json():
    usage = {"has_more": False, "next_page": None, "data": [
        {"starting_at": t, "ending_at": t, "results": [
            {"model": "claude-sonnet-4-20250514", "uncached_input_tokens": AMOUNTS[k], "cache_read_input_tokens": 0,
             "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0},
             "output_tokens": 0}]}
        for k, (t, _) in OFFSET_TIMES.items()]}
    check("usage_report.json", json.dumps(usage), OFFSET_TIMES)
    cost = {"has_more": False, "next_page": None, "data": [
        {"starting_at": t, "ending_at": t, "results": [
            {"amount": str(AMOUNTS[k]), "currency": "USD", "cost_type": "tokens", "model": "claude-sonnet-4-20250514",
             "token_type": "uncached_input_tokens"}]}
        for k, (t, _) in OFFSET_TIMES.items()]}
    check("cost_report.json", json.dumps(cost), OFFSET_TIMES, "cost_usd", 0.01)   # amounts in cents


def test_aws_cur():
    rows = [f"li-{k},{t},Usage,AmazonBedrock,USE1-NovaLite-input-tokens,{AMOUNTS[k]},tokens,USD,0.01"
            for k, (t, _) in OFFSET_TIMES.items()]
    check("cur.csv", "identity_line_item_id,line_item_usage_start_date,line_item_line_item_type,"
          "line_item_product_code,line_item_usage_type,line_item_usage_amount,pricing_unit,"
          "line_item_currency_code,line_item_unblended_cost\n" + "\n".join(rows) + "\n", OFFSET_TIMES)


def test_aws_cost_explorer():
    rows = [f"{t},{AMOUNTS[k] / 100},{AMOUNTS[k] / 100}" for k, (t, _) in DATES.items()]
    check("ce.csv", "Usage type,USE1-NovaLite-input-tokens($),Total costs($)\n" + "\n".join(rows) + "\n",
          DATES, "cost_usd", 0.01)


AZURE_DATES = {"a": ("11/30/2025", "2025-11"), "b": ("12/01/2025", "2025-12"),
               "c": ("31/12/2025", "2025-12"), "d": ("2026-01-01", "2026-01")}   # c: day first (31 > 12)


def test_azure_cost_details():
    rows = [f"{t},Microsoft.CognitiveServices,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,Global,"
            f"0.0025,{AMOUNTS[k] / 1000},1K,Usage,USD,0.01,0.01,OnDemand" for k, (t, _) in AZURE_DATES.items()]
    check("azure.csv", "date,consumedService,meterName,meterCategory,meterSubCategory,meterRegion,effectivePrice,"
          "quantity,unitOfMeasure,chargeType,billingCurrency,costInBillingCurrency,costInUsd,pricingModel\n"
          + "\n".join(rows) + "\n", AZURE_DATES)


GCP_TIMES = {  # BigQuery writes "… UTC"; offsets as an edited export may hold them
    "a": ("2025-11-30 20:30:00-05:00", "2025-12"), "b": ("2025-12-01 01:30:00+02:00", "2025-11"),
    "c": ("2025-12-31 23:00:00 UTC", "2025-12"), "d": ("2026-01-01 00:00:00 UTC", "2026-01")}


def test_gcp_billing_export():
    rows = [f"acct,AEFD-7695-64FA,Gemini API,Generate content input token count gemini 2.5 flash short input text,"
            f"{t},,p,0.01,USD,{AMOUNTS[k]},count,[],202512,regular" for k, (t, _) in GCP_TIMES.items()]
    check("billing.csv", "billing_account_id,service.id,service.description,sku.description,usage_start_time,"
          "usage_end_time,project.id,cost,currency,usage.amount,usage.unit,credits,invoice.month,cost_type\n"
          + "\n".join(rows) + "\n", GCP_TIMES)


def test_gcp_console_report():
    rows = [f"{t},Gemini API,AEFD-7695-64FA,Generate content input token count gemini 2.5 flash text,2156-A528-227F,"
            f"{AMOUNTS[k]},count,0.01,0.00,0.00,0.00,0.01,0.01" for k, (t, _) in DATES.items()]
    check("report.csv", "Date,Service description,Service ID,SKU description,SKU ID,Usage amount,Usage unit,"
          "List cost ($),Negotiated savings ($),Savings programmes ($),Other savings ($),Unrounded subtotal ($),"
          "Subtotal ($)\n" + "\n".join(rows) + "\n", DATES)


def test_openrouter_activity():
    rows = [f"gen-{k},{t},0.01,{AMOUNTS[k]},0,openai/gpt-4o-mini-2024-07-18,OpenAI"
            for k, (t, _) in OFFSET_TIMES.items()]
    check("or.csv", "generation_id,created_at,cost_total,tokens_prompt,tokens_completion,model_permaslug,"
          "provider_name\n" + "\n".join(rows) + "\n", OFFSET_TIMES)


def test_litellm_spend_logs():
    rows = [f"r{k},acompletion,0.01,{AMOUNTS[k]},0,{t},gpt-4o-mini,openai,success"
            for k, (t, _) in OFFSET_TIMES.items()]
    check("spendlogs.csv", "request_id,call_type,spend,prompt_tokens,completion_tokens,startTime,model,"
          "custom_llm_provider,status\n" + "\n".join(rows) + "\n", OFFSET_TIMES)


def test_litellm_daily():
    rows = [f"{t},gpt-4o-mini,openai,0.01,{AMOUNTS[k]},0,1" for k, (t, _) in DATES.items()]
    check("daily.csv", "date,model,custom_llm_provider,spend,prompt_tokens,completion_tokens,api_requests\n"
          + "\n".join(rows) + "\n", DATES)


def test_parse_time_reads_each_written_form_and_refuses_the_rest():
    from tco.invoices.common import parse_time
    utc = lambda s: pd.Timestamp(s, tz="UTC")   # noqa: E731
    assert parse_time("11/30/2025 23:30") == utc("2025-11-30 23:30")       # Azure MM/DD with a time
    assert parse_time("31/12/2025 08:15:30") == utc("2025-12-31 08:15:30")  # DD/MM (31 > 12), seconds
    assert parse_time("2025-11-30 20:30:00-05:00") == utc("2025-12-01 01:30")
    assert parse_time("2025-11") == utc("2025-11-01")
    assert parse_time("2100-12-31") == utc("2100-12-31") and parse_time("1990-01-01") == utc("1990-01-01")
    for bad in ("2101-01-01", "1989-12-31", "Nov 3 2025", "x2025-11-03", "03.11.2025", ""):
        with pytest.raises(ValueError):
            parse_time(bad)

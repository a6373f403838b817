"""What makes two bill rows two rows, and which counts a row must have, format by format.

A bill's rows are counted once however often a file is uploaded (a row's identity: its key),
and rows that differ in any field of that identity are different charges. For each format below:
one row written out by hand; that row twice in one file counts once; the row beside a copy of it
with one identity field changed counts twice (each field in turn); a required count left blank,
or a count made negative, is refused with its line. The fields are those each export documents
as its grouping columns (../shared/reference/usage-exports.md); the expected totals are the
row's own tokens (or cost) times one or two.

The same rows then pin what each format reads, column by column, written out by hand from the row
(the API reports, Google's console report and Cost Explorer too): a field read into the wrong
column, a flag or a default changed, shows here; and the same for the API reports' identity.
"""

from __future__ import annotations

import csv
import json
import io

import numpy as np
import pytest

from helpers import load, parse
from tco.invoices import InvoiceError

#: name, file name, base row (column -> cell), {identity column: another value}, what to sum
#: (a month column), its value for one row, required counts, counts that may not be negative
FORMATS = [
    ("openai usage csv", "completions_usage.csv",
     {"start_time": "1761955200", "end_time": "1762041600", "project_id": "proj_A", "num_model_requests": "3",
      "user_id": "user_A", "api_key_id": "key_A", "model": "gpt-4o-mini-2024-07-18", "batch": "False",
      "service_tier": "default", "input_tokens": "1000", "output_tokens": "100", "input_cached_tokens": "0"},
     {"project_id": "proj_B", "user_id": "user_B", "api_key_id": "key_B", "model": "gpt-4o-2024-08-06",
      "batch": "True", "service_tier": "flex", "start_time": "1762041600"},
     "output_tokens", 100, ["input_tokens", "output_tokens"],
     ["input_tokens", "output_tokens", "input_cached_tokens", "num_model_requests"]),
    ("anthropic usage csv", "claude_api_tokens_2025_11.csv",
     {"usage_date_utc": "2025-11-03", "model_version": "claude-sonnet-4-5-20250929", "api_key": "prod",
      "workspace": "Default", "usage_type": "standard", "context_window": "≤ 200k",
      "usage_input_tokens_no_cache": "1000", "usage_input_tokens_cache_write_5m": "0",
      "usage_input_tokens_cache_write_1h": "0", "usage_input_tokens_cache_read": "0", "usage_output_tokens": "100",
      "web_search_count": "0", "inference_geo": "not_available", "speed": ""},
     {"usage_date_utc": "2025-11-04", "model_version": "claude-haiku-4-5-20251001", "api_key": "evals",
      "workspace": "Research", "usage_type": "batch", "context_window": "> 200k", "inference_geo": "us",
      "speed": "fast"},
     "output_tokens", 100, ["usage_input_tokens_no_cache", "usage_output_tokens"],
     ["usage_input_tokens_no_cache", "usage_input_tokens_cache_write_5m", "usage_input_tokens_cache_write_1h",
      "usage_input_tokens_cache_read", "usage_output_tokens",
      "usage_input_tokens_cache_write"]),  # the older exports' one cache-write column
    ("anthropic cost csv", "claude_api_cost.csv",
     {"usage_date_utc": "2025-11-03", "model": "Claude Sonnet 4.5", "workspace": "Default", "api_key": "prod",
      "usage_type": "message", "context_window": "≤ 200k", "token_type": "output", "cost_usd": "7.50",
      "list_price_usd": "7.50", "cost_type": "token", "inference_geo": "not_available", "speed": ""},
     {"usage_date_utc": "2025-11-04", "model": "Claude Haiku 4.5", "workspace": "Research", "api_key": "evals",
      "usage_type": "batch", "context_window": "> 200k", "token_type": "input_no_cache", "inference_geo": "us",
      "speed": "fast"},
     "cost_usd", 7.50, ["cost_usd"], []),
    ("openai cost csv", "cost.csv",
     {"start_time": "1761955200", "end_time": "1762041600", "amount_value": "0.25", "amount_currency": "usd",
      "quantity": "1000", "quantity_unit": "tokens", "line_item": "gpt-4o-mini-2024-07-18, input",
      "project_id": "proj_A", "api_key_id": "key_A", "user_id": "user_A", "organization_id": "org_A"},
     {"start_time": "1762041600", "line_item": "gpt-4o-mini-2024-07-18, output", "project_id": "proj_B",
      "api_key_id": "key_B", "user_id": "user_B", "organization_id": "org_B"},
     "cost_usd", 0.25, ["amount_value"], []),
    ("aws cur", "cur.csv",
     {"identity_line_item_id": "li-1", "line_item_usage_start_date": "2025-11-05T00:00:00Z",
      "line_item_line_item_type": "Usage", "line_item_product_code": "AmazonBedrock",
      "line_item_usage_type": "USE1-NovaLite-input-tokens", "line_item_operation": "InvokeModel",
      "line_item_usage_amount": "7", "pricing_unit": "1K tokens", "line_item_currency_code": "USD",
      "line_item_unblended_cost": "0.5", "line_item_usage_account_id": "111", "line_item_iam_principal": "role/a",
      "line_item_line_item_description": "Nova Lite input"},
     {"identity_line_item_id": "li-2", "line_item_usage_start_date": "2025-11-06T00:00:00Z",
      "line_item_usage_type": "USE1-NovaLite-output-tokens", "line_item_operation": "Converse",
      "line_item_usage_account_id": "222", "line_item_iam_principal": "role/b",
      "line_item_line_item_description": "Nova Lite input, batch"},
     "cost_usd", 0.5, ["line_item_unblended_cost"], ["line_item_usage_amount"]),
    ("azure cost details", "azure.csv",
     {"date": "2025-11-03", "meterId": "m-1", "meterName": "gpt-4o-0806-Inp-glbl Tokens",
      "meterCategory": "Cognitive Services", "meterSubCategory": "Azure OpenAI", "quantity": "400",
      "unitOfMeasure": "1K", "chargeType": "Usage", "billingCurrency": "USD", "costInBillingCurrency": "1.0",
      "ResourceId": "r-1", "SubscriptionId": "s-1", "pricingModel": "OnDemand", "benefitId": "",
      "invoiceSectionId": "i-1", "tags": "", "additionalInfo": ""},
     {"date": "2025-11-04", "meterId": "m-2", "meterName": "gpt-4o-0806-Outp-glbl Tokens", "ResourceId": "r-2",
      "SubscriptionId": "s-2", "pricingModel": "Reservation", "benefitId": "b-1", "invoiceSectionId": "i-2",
      "tags": '{"team": "a"}', "additionalInfo": '{"x": 1}'},
     "cost_usd", 1.0, ["costInBillingCurrency"], ["quantity"]),
    ("litellm daily spend", "daily.csv",
     {"id": "a1", "date": "2025-11-03", "model": "gpt-4o-mini", "custom_llm_provider": "openai", "spend": "1.50",
      "prompt_tokens": "10000", "completion_tokens": "2000", "cache_read_input_tokens": "3000",
      "cache_creation_input_tokens": "500", "api_requests": "40", "created_at": "2025-11-04T00:00:00",
      "updated_at": "2025-11-04T00:00:00"},
     {"date": "2025-11-04", "model": "gpt-4o", "spend": "1.51", "api_requests": "41"},
     "output_tokens", 2000, ["prompt_tokens", "completion_tokens", "spend"],
     ["prompt_tokens", "completion_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "api_requests"]),
    ("litellm spend logs", "spendlogs.csv",
     {"request_id": "r1", "call_type": "acompletion", "api_key": "hash", "spend": "0.01", "total_tokens": "1500",
      "prompt_tokens": "1000", "completion_tokens": "500", "startTime": "2025-11-03 10:00:00",
      "endTime": "2025-11-03 10:00:02", "model": "gpt-4o-mini", "custom_llm_provider": "openai", "status": "success"},
     {"request_id": "r2"},
     "output_tokens", 500, ["prompt_tokens", "completion_tokens"], ["prompt_tokens", "completion_tokens"]),
    ("openrouter activity", "activity.csv",
     {"generation_id": "gen-1", "created_at": "2025-11-03 12:00:34.512", "cost_total": "0.00588",
      "tokens_prompt": "1205", "tokens_completion": "151", "tokens_reasoning": "0", "tokens_cached": "200",
      "model_permaslug": "anthropic/claude-4.5-sonnet-20250929", "provider_name": "Anthropic",
      "api_key_name": "prod-key", "app_name": "MyApp"},
     {"generation_id": "gen-2"},
     "output_tokens", 151, ["tokens_prompt", "tokens_completion"], ["tokens_prompt", "tokens_completion", "tokens_cached"]),
    ("google cloud billing export", "billing.csv",
     {"billing_account_id": "A", "service.description": "Gemini API",
      "sku.description": "Generate content input token count gemini 2.5 flash short input text",
      "usage_start_time": "2025-11-03 00:00:00 UTC", "usage_end_time": "2025-11-03 01:00:00 UTC",
      "project.id": "acme-prod", "cost": "0.30", "usage.amount": "1000000", "usage.unit": "count",
      "credits": "[]", "cost_type": "regular", "export_time": "2025-11-04 00:00:00 UTC"},
     {"billing_account_id": "B", "project.id": "acme-ml", "usage_start_time": "2025-11-03 01:00:00 UTC"},
     "cost_usd", 0.30, ["cost"], ["usage.amount"]),
    ("generic csv", "mine.csv",
     {"date": "2025-11-01", "provider": "openai", "model": "gpt-4o-mini", "input_tokens": "1200000",
      "cached_input_tokens": "600000", "output_tokens": "250000", "cost_usd": "0.375"},
     {"date": "2025-11-02", "provider": "anthropic", "model": "gpt-4o"},
     "output_tokens", 250000, ["input_tokens", "output_tokens"], ["input_tokens", "cached_input_tokens", "output_tokens"]),
]
IDS = [f[0] for f in FORMATS]


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _total(result, column: str) -> float:
    return float(result.months[column].sum())


@pytest.mark.parametrize("name, file, base, others, column, one, required, nonnegative", FORMATS, ids=IDS)
def test_a_row_twice_counts_once(name, file, base, others, column, one, required, nonnegative):
    result = load((file, _csv([base, base])))
    assert result.errors == [] and result.rejected_rows == []
    assert result.duplicates_dropped == 1
    assert _total(result, column) == pytest.approx(one)


@pytest.mark.parametrize("name, file, base, others, column, one, required, nonnegative", FORMATS, ids=IDS)
def test_rows_differing_in_any_identity_field_both_count(name, file, base, others, column, one, required, nonnegative):
    for field, value in others.items():
        result = load((file, _csv([base, dict(base, **{field: value})])))
        assert result.errors == [] and result.rejected_rows == [], field
        assert result.duplicates_dropped == 0, field
        assert _total(result, column) == pytest.approx(2 * one), field


@pytest.mark.parametrize("name, file, base, others, column, one, required, nonnegative", FORMATS, ids=IDS)
def test_a_blank_required_count_or_a_negative_count_is_refused_with_its_line(
        name, file, base, others, column, one, required, nonnegative):
    good = dict(base, **{k: v for k, v in others.items() if k in ("start_time", "usage_date_utc", "date")})
    for field, bad in [*((f, "") for f in required), *((f, "-5") for f in nonnegative)]:
        parsed = parse(file, _csv([dict(base, **{field: bad}), good]))
        assert [line for line, _ in parsed.rejected] == [2], (field, bad, parsed.rejected)
        reason = parsed.rejected[0][1]
        # the column by name, or (CUR, Azure: a usage line's amount) what is wrong with the line
        assert field in reason or (bad == "-5" and "negative" in reason), (field, reason)
        assert len(parsed.rows) == 1, field


# --- every column of the row each format gives ----------------------------------------------------

def _utc(text: str):
    import pandas as pd
    return pd.Timestamp(text, tz="UTC")


#: what each base row above reads as, column by column, worked out from the row by hand (the
#: columns of tco.invoices.common.ROW_COLUMNS but ``key``, whose meaning the tests above check).
#: Conventions checked here: tokens per class as the bill counts them, input without the cached or
#: cache-write tokens (LiteLLM's and OpenRouter's prompt counts include them, so they are taken
#: out); a cost line's ``direction`` the token class it paid for; ``role`` "usage" (tokens only),
#: "cost" (a spend line) or "both"; a row with no end of its own ends with its day (a request, a
#: CUR line: its hour; a month total dated on the 1st: its month).
_ZERO = dict(input_tokens=0.0, cached_input_tokens=0.0, cache_write_tokens=0.0, output_tokens=0.0, requests=0.0,
             cost=0.0, credits=0.0, refunds=0.0, tax=0.0, currency="USD", usd_rate=1.0, direction="", batch=False)
ROWS = {
    # unix 1761955200 = 2025-11-01 00:00 UTC, 1762041600 = a day later
    "openai usage csv": dict(
        _ZERO, start=_utc("2025-11-01"), end=_utc("2025-11-02"), provider="openai", model="gpt-4o-mini",
        model_raw="gpt-4o-mini-2024-07-18", input_tokens=1000.0, output_tokens=100.0, requests=3.0,
        has_tokens=True, has_cost=False, role="usage"),
    # no request count in Anthropic's token export: unknown, not 0
    "anthropic usage csv": dict(
        _ZERO, start=_utc("2025-11-03"), end=_utc("2025-11-04"), provider="anthropic", model="claude-sonnet-4-5",
        model_raw="claude-sonnet-4-5-20250929", input_tokens=1000.0, output_tokens=100.0, requests=None,
        has_tokens=True, has_cost=False, role="usage"),
    "anthropic cost csv": dict(
        _ZERO, start=_utc("2025-11-03"), end=_utc("2025-11-04"), provider="anthropic", model="claude-sonnet-4-5",
        model_raw="Claude Sonnet 4.5", cost=7.5, has_tokens=False, has_cost=True, role="cost", direction="output"),
    # quantity 1000 "tokens" of the line item "<model>, input"
    "openai cost csv": dict(
        _ZERO, start=_utc("2025-11-01"), end=_utc("2025-11-02"), provider="openai", model="gpt-4o-mini",
        model_raw="gpt-4o-mini-2024-07-18", input_tokens=1000.0, cost=0.25, has_tokens=True, has_cost=True,
        role="cost", direction="input"),
    # 7 units of "1K tokens" = 7,000 input tokens; a CUR line is an hour
    "aws cur": dict(
        _ZERO, start=_utc("2025-11-05 00:00"), end=_utc("2025-11-05 01:00"), provider="aws",
        model="amazon.nova-lite-v1:0", model_raw="NovaLite", input_tokens=7000.0, cost=0.5, has_tokens=True,
        has_cost=True, role="both", direction="input"),
    # 400 units of "1K" = 400,000 input tokens of gpt-4o (0806 = the 2024-08-06 snapshot)
    "azure cost details": dict(
        _ZERO, start=_utc("2025-11-03"), end=_utc("2025-11-04"), provider="azure", model="gpt-4o",
        model_raw="gpt-4o-2024-08-06", input_tokens=400000.0, cost=1.0, has_tokens=True, has_cost=True,
        role="both", direction="input"),
    # prompt 10,000 = 6,500 uncached + 3,000 cache reads + 500 cache writes
    "litellm daily spend": dict(
        _ZERO, start=_utc("2025-11-03"), end=_utc("2025-11-04"), provider="openai", model="gpt-4o-mini",
        model_raw="gpt-4o-mini", input_tokens=6500.0, cached_input_tokens=3000.0, cache_write_tokens=500.0,
        output_tokens=2000.0, requests=40.0, cost=1.5, has_tokens=True, has_cost=True, role="both"),
    "litellm spend logs": dict(
        _ZERO, start=_utc("2025-11-03 10:00:00"), end=_utc("2025-11-04"), provider="openai", model="gpt-4o-mini",
        model_raw="gpt-4o-mini", input_tokens=1000.0, output_tokens=500.0, requests=1.0, cost=0.01,
        has_tokens=True, has_cost=True, role="both"),
    # prompt 1,205 = 1,005 uncached + 200 cached; the permaslug's "claude-4.5-sonnet" is Sonnet 4.5
    "openrouter activity": dict(
        _ZERO, start=_utc("2025-11-03 12:00:34.512"), end=_utc("2025-11-04"), provider="openrouter",
        model="anthropic/claude-sonnet-4.5", model_raw="anthropic/claude-4.5-sonnet-20250929", input_tokens=1005.0,
        cached_input_tokens=200.0, output_tokens=151.0, requests=1.0, cost=0.00588, has_tokens=True,
        has_cost=True, role="both"),
    "google cloud billing export": dict(
        _ZERO, start=_utc("2025-11-03 00:00"), end=_utc("2025-11-03 01:00"), provider="google",
        model="gemini-2.5-flash", model_raw="gemini 2.5 flash", input_tokens=1e6, cost=0.3, has_tokens=True,
        has_cost=True, role="both", direction="input"),
    # one row dated on the 1st: a month's total (tests/invoices/test_invoices_wording.py)
    "generic csv": dict(
        _ZERO, start=_utc("2025-11-01"), end=_utc("2025-12-01"), provider="openai", model="gpt-4o-mini",
        model_raw="gpt-4o-mini", input_tokens=1200000.0, cached_input_tokens=600000.0, output_tokens=250000.0,
        cost=0.375, has_tokens=True, has_cost=True, role="both"),
}


#: the format each base row is recognised as, and all it warns of
READ_AS = {
    "openai usage csv": "openai_usage_csv", "anthropic usage csv": "anthropic_usage_csv",
    "anthropic cost csv": "anthropic_cost_csv", "openai cost csv": "openai_cost_csv", "aws cur": "aws_cur_csv",
    "azure cost details": "azure_cost_details_csv", "litellm daily spend": "litellm_daily_csv",
    "litellm spend logs": "litellm_spend_logs_csv", "openrouter activity": "openrouter_activity_csv",
    "google cloud billing export": "gcp_billing_export_csv", "generic csv": "generic_csv",
}
WARNS = {"litellm spend logs": ["LiteLLM SpendLogs do not separate cached tokens: cached input is counted as input"]}


@pytest.mark.parametrize("name, file, base, others, column, one, required, nonnegative", FORMATS, ids=IDS)
def test_each_format_reads_its_row_into_every_column(name, file, base, others, column, one, required, nonnegative):
    from tco.invoices.common import ROW_COLUMNS
    parsed = parse(file, _csv([base]))
    assert parsed.format == READ_AS[name]
    assert parsed.warnings == WARNS.get(name, [])
    assert parsed.rejected == [] and len(parsed.rows) == 1
    assert list(parsed.rows.columns) == list(ROW_COLUMNS)
    _check_row(parsed.rows.iloc[0].to_dict(), dict(ROWS[name], line=2), name)


# --- the JSON reports, the console report and Cost Explorer: every column of every row ------------

def _json(doc) -> str:
    import json
    return json.dumps(doc)


def _reports():
    from test_invoices_anthropic import COST_REPORT, USAGE_REPORT
    from test_invoices_openai import COST_API, USAGE_API
    day = dict(start=_utc("2024-11-01"), end=_utc("2024-11-02"))        # unix 1730419200 and a day later
    aug = dict(start=_utc("2025-08-01"), end=_utc("2025-08-02"))
    sonnet4 = dict(provider="anthropic", model="claude-sonnet-4-0", model_raw="claude-sonnet-4-20250514")
    report = ("Date,Service description,Service ID,SKU description,SKU ID,Usage amount,Usage unit,Subtotal ($)\n"
              "2025-11-03,Gemini API,A,Generate content output token count gemini 2.5 flash text,S1,2000000,count,5.00\n"
              "2025-11-03,BigQuery,B,Analysis,S2,10,tebibyte,62.50\n"
              "2025-11-04,Gemini API,A,Generate content input token count gemini 2.5 flash text,S3,0,count,0.00\n"
              "2025-11-04,Gemini API,A,Generate content input image gemini 2.5 flash,S4,40,count,0.12\n"
              "2025-11-05,Gemini API,A,Generate content input token count gemini 2.5 flash text,S3,-4,count,0.00\n"
              ",,,,,,Subtotal,67.50\n")
    flash = dict(provider="google", model="gemini-2.5-flash", model_raw="gemini 2.5 flash", has_tokens=True,
                 has_cost=True, role="both")
    # name, file, text, format, warnings, rejected lines, rows (a JSON row's "line" is its result's number)
    return [
        # input_tokens 1,000 of which 800 cached: 200 uncached
        ("openai usage json", "usage.json", _json(USAGE_API), "openai_usage_json", [], [],
         [dict(_ZERO, **day, line=1, provider="openai", model="gpt-4o-mini", model_raw="gpt-4o-mini-2024-07-18",
               input_tokens=200.0, cached_input_tokens=800.0, output_tokens=500.0, requests=5.0, has_tokens=True,
               has_cost=False, role="usage")]),
        # a cost line with no line item: spend of no model
        ("openai cost json", "costs.json", _json(COST_API), "openai_cost_json", [], [],
         [dict(_ZERO, **day, line=1, provider="openai", model="", model_raw="", cost=0.06, has_tokens=False,
               has_cost=True, role="cost")]),
        # amounts in cents: 123.78912 -> $1.2378912, 50 -> $0.50
        ("anthropic cost json", "cost_report.json", _json(COST_REPORT), "anthropic_cost_json",
         ["the Anthropic cost report excludes Priority Tier spend (Anthropic's documentation); add it from the "
          "invoice if you use Priority Tier"], [],
         [dict(_ZERO, **aug, **sonnet4, line=1, cost=1.2378912, has_tokens=False, has_cost=True, role="cost",
               direction="input"),
          dict(_ZERO, **aug, **sonnet4, line=2, cost=0.5, has_tokens=False, has_cost=True, role="cost",
               direction="output")]),
        # cache writes 1h 1,000 + 5m 500; no request count in the report
        ("anthropic usage json", "usage_report.json", _json(USAGE_REPORT), "anthropic_usage_json", [], [],
         [dict(_ZERO, **aug, **sonnet4, line=1, input_tokens=1500.0, cached_input_tokens=200.0,
               cache_write_tokens=1500.0, output_tokens=500.0, requests=None, has_tokens=True, has_cost=False,
               role="usage")]),
        # BigQuery ignored (said), the subtotal dropped, a zero count read, images no tokens, a negative count refused
        ("google cloud console report", "report.csv", report, "gcp_console_report_csv",
         ["1 row of other Google Cloud services ignored"], [6],
         [dict(_ZERO, **flash, line=2, start=_utc("2025-11-03"), end=_utc("2025-11-04"), output_tokens=2e6,
               cost=5.0, direction="output"),
          dict(_ZERO, **flash, line=4, start=_utc("2025-11-04"), end=_utc("2025-11-05"), direction="input"),
          # an input image is spend, not tokens
          dict(_ZERO, **dict(flash, has_tokens=False), line=5, start=_utc("2025-11-04"), end=_utc("2025-11-05"),
               cost=0.12, direction="input")]),
        # spend by usage type and day: the tokens are estimated later, from list prices
        ("cost explorer", "ce.csv",
         "Usage type,USE1-Claude4.6Sonnet-input-tokens($),Total costs($)\n2025-11-01,37.04,37.04\n",
         "aws_cost_explorer_csv", ["Cost Explorer exports carry spend only: tokens are estimated from list prices"], [],
         [dict(_ZERO, line=2, start=_utc("2025-11-01"), end=_utc("2025-11-02"), provider="aws",
               model="regional.anthropic.claude-sonnet-4-6-v1:0", model_raw="Claude4.6Sonnet", cost=37.04,
               has_tokens=False, has_cost=True, role="cost", direction="input")]),
    ]


def _check_row(got: dict, want: dict, where) -> None:
    import math
    got = {k: v for k, v in got.items() if k != "key"}
    assert set(got) == set(want), (where, set(got) ^ set(want))
    for k, v in want.items():
        if v is None:   # unknown
            assert isinstance(got[k], float) and math.isnan(got[k]), (where, k, got[k])
        elif isinstance(v, bool):
            assert bool(got[k]) is v and str(type(got[k])) in ("<class 'bool'>", "<class 'numpy.bool_'>"), (where, k)
        elif isinstance(v, float):
            assert got[k] == pytest.approx(v, rel=1e-12), (where, k, got[k], v)
        else:
            assert got[k] == v, (where, k, got[k], v)


@pytest.mark.parametrize("case", _reports(), ids=lambda c: c[0])
def test_each_report_reads_its_rows_into_every_column(case):
    from tco.invoices.common import ROW_COLUMNS
    name, file, text, fmt, warnings, rejected, rows = case
    parsed = parse(file, text)
    assert parsed.format == fmt
    assert parsed.warnings == warnings
    assert [line for line, _ in parsed.rejected] == rejected
    assert list(parsed.rows.columns) == list(ROW_COLUMNS)
    assert len(parsed.rows) == len(rows)
    for i, want in enumerate(rows):
        _check_row(parsed.rows.iloc[i].to_dict(), want, (name, i))


# --- the same for the API reports (JSON): what makes two results two charges -----------------------

def _openai_page(buckets):
    return {"object": "page", "has_more": False, "next_page": None, "data": [
        {"object": "bucket", "start_time": s, "end_time": e, "results": rs} for s, e, rs in buckets]}


def _anthropic_page(buckets):
    return {"has_more": False, "next_page": None, "data": [
        {"starting_at": s, "ending_at": e, "results": rs} for s, e, rs in buckets]}


#: name, file, page(buckets), bucket (start, end), another bucket of another start, base result,
#: {identity field: another value}, the column to sum, its value for one result
JSON_FORMATS = [
    ("openai usage json", "usage.json", _openai_page, (1730419200, 1730505600), (1730462400, 1730505600),
     {"object": "organization.usage.completions.result", "input_tokens": 1000, "output_tokens": 500,
      "input_cached_tokens": 0, "num_model_requests": 5, "project_id": "proj_A", "user_id": "user_A",
      "api_key_id": "key_A", "model": "gpt-4o-mini-2024-07-18", "batch": False, "service_tier": "default"},
     {"project_id": "proj_B", "user_id": "user_B", "api_key_id": "key_B", "model": "gpt-4o-2024-08-06",
      "batch": True, "service_tier": "flex"},
     "output_tokens", 500),
    ("openai cost json", "costs.json", _openai_page, (1730419200, 1730505600), (1730462400, 1730505600),
     {"object": "organization.costs.result", "amount": {"value": 0.06, "currency": "usd"},
      "line_item": "gpt-4o-mini-2024-07-18, input", "project_id": "proj_A", "api_key_id": "key_A",
      "user_id": "user_A", "organization_id": "org_A"},
     {"line_item": "gpt-4o-mini-2024-07-18, output", "project_id": "proj_B", "api_key_id": "key_B",
      "user_id": "user_B", "organization_id": "org_B"},
     "cost_usd", 0.06),
    ("anthropic usage json", "usage_report.json", _anthropic_page,
     ("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z"), ("2025-08-01T12:00:00Z", "2025-08-02T00:00:00Z"),
     {"api_key_id": "apikey_A", "workspace_id": "wrkspc_A", "model": "claude-sonnet-4-20250514",
      "service_tier": "standard", "context_window": "0-200k", "uncached_input_tokens": 1500,
      "cache_read_input_tokens": 0, "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0},
      "output_tokens": 500, "inference_geo": "global", "speed": "standard"},
     {"api_key_id": "apikey_B", "workspace_id": "wrkspc_B", "model": "claude-haiku-4-5-20251001",
      "service_tier": "batch", "context_window": "200k-1M", "inference_geo": "us", "speed": "fast"},
     "output_tokens", 500),
    ("anthropic cost json", "cost_report.json", _anthropic_page,
     ("2025-08-01T00:00:00Z", "2025-08-02T00:00:00Z"), ("2025-08-01T12:00:00Z", "2025-08-02T00:00:00Z"),
     {"amount": "50", "currency": "USD", "cost_type": "tokens", "description": "Claude Sonnet 4 Usage - Output Tokens",
      "model": "claude-sonnet-4-20250514", "service_tier": "standard", "token_type": "output_tokens",
      "context_window": "0-200k", "workspace_id": "wrkspc_A", "inference_geo": "global", "speed": "standard"},
     {"description": "Claude Sonnet 4 Usage - Output Tokens (long context)", "model": "claude-haiku-4-5-20251001",
      "cost_type": "web_search",
      "service_tier": "batch", "token_type": "uncached_input_tokens", "context_window": "200k-1M",
      "workspace_id": "wrkspc_B", "inference_geo": "us", "speed": "fast"},
     "cost_usd", 0.50),
]
JSON_IDS = [f[0] for f in JSON_FORMATS]


@pytest.mark.parametrize("name, file, page, bucket, other_bucket, base, others, column, one", JSON_FORMATS,
                         ids=JSON_IDS)
def test_an_api_result_twice_counts_once_and_results_differing_in_any_field_both_count(
        name, file, page, bucket, other_bucket, base, others, column, one):
    twice = load((file, _json(page([(*bucket, [base, base])]))))
    assert twice.errors == [] and twice.rejected_rows == [], name
    assert twice.duplicates_dropped == 1 and _total(twice, column) == pytest.approx(one)
    for field, value in others.items():
        both = load((file, _json(page([(*bucket, [base, dict(base, **{field: value})])]))))
        assert both.errors == [] and both.rejected_rows == [], field
        assert both.duplicates_dropped == 0, field
        assert _total(both, column) == pytest.approx(2 * one), field
    # a bucket of another start (the same end) is another charge
    apart = load((file, _json(page([(*bucket, [base]), (*other_bucket, [base])]))))
    assert apart.duplicates_dropped == 0 and _total(apart, column) == pytest.approx(2 * one), name


@pytest.mark.parametrize("name, file, page, bucket, other_bucket, base, others, column, one", JSON_FORMATS,
                         ids=JSON_IDS)
def test_a_refused_api_result_is_named_by_its_number(name, file, page, bucket, other_bucket, base, others, column,
                                                     one):
    """An API report has results, not lines: the second result, refused, is "result 2"."""
    count = next(k for k in ("output_tokens", "amount") if k in base)
    bad = dict(base, **{count: "lots" if count == "output_tokens" else {"value": "lots", "currency": "usd"}})
    if name == "anthropic cost json":
        bad = dict(base, amount="lots")
    parsed = parse(file, _json(page([(*bucket, [base, bad])])))
    assert [line for line, _ in parsed.rejected] == [2], parsed.rejected
    assert parsed.rejected[0][1].startswith("result 2: "), parsed.rejected
    assert len(parsed.rows) == 1


def test_a_google_token_row_of_zero_tokens_is_read_and_one_below_zero_refused():
    """A zero count (an idle SKU's line at $0) is a count; only a negative one is refused."""
    name, file, base = next((f[0], f[1], f[2]) for f in FORMATS if f[0] == "google cloud billing export")
    zero = dict(base, **{"usage.amount": "0", "cost": "0", "project.id": "idle"})
    below = dict(base, **{"usage.amount": "-3", "project.id": "odd"})
    parsed = parse(file, _csv([base, zero, below]))
    assert [line for line, _ in parsed.rejected] == [4], parsed.rejected
    assert list(parsed.rows["line"]) == [2, 3]
    assert list(parsed.rows["input_tokens"]) == [1e6, 0.0] and list(parsed.rows["cost"]) == [0.3, 0.0]


#: a base row above made a batch job's row, format by format, as each export marks it
BATCH = {
    "openai usage csv": {"batch": "True"},
    "anthropic usage csv": {"usage_type": "batch"},
    "anthropic cost csv": {"usage_type": "batch"},
    "aws cur": {"line_item_usage_type": "USE1-NovaLite-input-tokens-batch"},
    "google cloud billing export": {"sku.description": "Generate content input token count gemini 2.5 flash batch"},
}


@pytest.mark.parametrize("name", list(BATCH))
def test_a_batch_row_is_marked_batch_and_its_plain_twin_is_not(name):
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == name)
    parsed = parse(file, _csv([base, dict(base, **BATCH[name])]))
    assert parsed.rejected == []
    assert [bool(b) for b in parsed.rows["batch"]] == [False, True]
    # the rest of the row is the same row
    keep = ["start", "provider", "model", "input_tokens", "output_tokens", "cost"]
    assert parsed.rows[keep].iloc[0].equals(parsed.rows[keep].iloc[1])


def test_an_openrouter_generation_without_its_id_is_refused_by_name():
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "openrouter activity")
    parsed = parse(file, _csv([base, dict(base, generation_id="")]))
    assert parsed.rejected == [(3, "line 3: column `generation_id` is empty")]
    assert list(parsed.rows["line"]) == [2]


def test_an_openai_usage_page_is_known_by_its_token_counts_without_object_names():
    from test_invoices_openai import USAGE_API
    page = json.loads(json.dumps(USAGE_API))
    for bucket in page["data"]:
        for r in bucket["results"]:
            del r["object"]
    parsed = parse("usage.json", json.dumps(page))
    assert parsed.format == "openai_usage_json" and len(parsed.rows) == 1
    page["data"][0]["results"][0].pop("input_tokens")   # no input count: no page of any export we read
    with pytest.raises(InvoiceError):
        parse("usage.json", json.dumps(page))


def test_a_cur_credit_on_a_token_meter_counts_no_tokens_and_takes_its_money_back():
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "aws cur")
    credit = dict(base, identity_line_item_id="li-9", line_item_line_item_type="Credit",
                  line_item_usage_amount="0", line_item_unblended_cost="-0.2")
    parsed = parse(file, _csv([base, credit]))
    assert parsed.rejected == []
    rows = parsed.rows
    for column in ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens"):
        assert list(rows[column]) == ([7000.0, 0.0] if column == "input_tokens" else [0.0, 0.0]), column
    assert list(rows["cost"]) == [0.5, 0.0] and list(rows["credits"]) == [0.0, -0.2]
    assert [bool(v) for v in rows["has_tokens"]] == [True, False] and list(rows["direction"]) == ["input", "other"]


def test_the_generic_csv_refuses_a_negative_cache_write_count():
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "generic csv")
    parsed = parse(file, _csv([dict(base, cache_write_tokens="5"), dict(base, date="2025-11-02", cache_write_tokens="-5")]))
    assert [line for line, _ in parsed.rejected] == [3]
    assert "cache_write_tokens" in parsed.rejected[0][1] and "cannot be negative" in parsed.rejected[0][1]
    assert list(parsed.rows["cache_write_tokens"]) == [5.0]


def test_openai_ids_in_scientific_notation_are_warned_of_in_words():
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "openai usage csv")
    parsed = parse(file, _csv([dict(base, project_id="1.23457E+17")]))
    assert parsed.warnings == ["column `project_id` holds ids in scientific notation (an Excel re-save); they lost "
                               "digits, so repeated uploads may not be recognised as duplicates"]


def test_an_anthropic_cost_csv_of_only_its_required_columns_is_known():
    text = "usage_date_utc,model,token_type,cost_usd\n2025-11-03,Claude Sonnet 4.5,output,7.50\n"
    parsed = parse("claude_api_cost.csv", text)
    assert parsed.format == "anthropic_cost_csv" and list(parsed.rows["cost"]) == [7.5]


def test_tokens_without_a_cost_are_priced_at_list_in_dollars_only():
    """The generic CSV's cost left blank: a USD row is estimated at gpt-4o-mini's list price
    (1M input x $0.15 + 0.1M output x $0.60 per 1M = $0.21); a EUR row stays unknown: the catalog
    has no euro prices and nothing is converted."""
    text = ("date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd,currency\n"
            "2025-11-03,openai,gpt-4o-mini,1000000,0,100000,,EUR\n"
            "2025-11-03,openai,gpt-4o-mini,1000000,0,100000,,USD\n")
    months = load(("mine.csv", text)).months.set_index("currency")
    assert months.loc["USD", "cost_usd"] == pytest.approx(0.21, rel=1e-12)
    assert np.isnan(months.loc["EUR", "cost_usd"]) and np.isnan(months.loc["EUR", "cost"])
    assert bool(months.loc["EUR", "cost_estimated"]) and bool(months.loc["USD", "cost_estimated"])


def test_spend_without_tokens_is_estimated_and_said_with_its_months():
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "anthropic cost csv")
    result = load((file, _csv([base, dict(base, usage_date_utc="2025-12-02")])))
    assert result.warnings[0] == (
        "anthropic claude-sonnet-4-5: the files give spend but no token counts for 2025-11 and 2025-12; the tokens "
        "are estimated from that spend at list price (genai-prices). A usage export for those months gives the "
        "real counts")
    assert [bool(v) for v in result.months["estimated"]] == [True, True]


def test_a_file_of_no_rows_drops_nothing_and_says_nothing():
    result = load(("x.csv", "date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"))
    assert result.errors == [] and result.warnings == [] and result.rejected_rows == []
    assert result.duplicates_dropped == 0 and result.months.empty


def test_the_monthly_table_of_nothing_has_every_column_with_its_type():
    from tco.invoices.aggregate import MONTH_COLUMNS, empty_months
    empty = empty_months()
    assert list(empty.columns) == MONTH_COLUMNS and empty.empty
    kinds = {c: str(empty[c].dtype) for c in MONTH_COLUMNS}
    assert kinds.pop("estimated") == "bool" and kinds.pop("cost_estimated") == "bool"
    assert {kinds.pop(c) for c in ("month", "provider", "model", "currency")} == {"object"}
    assert set(kinds.values()) == {"float64"}


def test_a_litellm_daily_table_of_only_its_required_columns_is_known():
    text = "date,model,spend,prompt_tokens,completion_tokens,api_requests\n2025-11-03,gpt-4o-mini,1.5,1000,100,2\n"
    parsed = parse("daily.csv", text)
    assert parsed.format == "litellm_daily_csv" and parsed.rejected == [] and list(parsed.rows["cost"]) == [1.5]
    assert list(parsed.rows["provider"]) == ["litellm"]   # no provider column: the proxy's own name


def test_a_litellm_route_of_two_parts_leaves_the_providers_model_id():
    """LiteLLM names a model with its route ("bedrock/converse/anthropic.claude-…"): only the first
    part is dropped ("converse/…" is what Bedrock's catalog names match, as the CUR's rows do)."""
    text = ("date,model,custom_llm_provider,spend,prompt_tokens,completion_tokens,api_requests\n"
            "2025-11-03,bedrock/converse/anthropic.claude-3-5-sonnet-20240620-v1:0,bedrock,1.5,1000,100,2\n"
            "2025-11-03,bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0,bedrock,1.5,1000,100,2\n")
    parsed = parse("daily.csv", text)
    assert parsed.rejected == [] and list(parsed.rows["provider"]) == ["aws", "aws"]
    assert list(parsed.rows["model"]) == ["regional.anthropic.claude-3-5-sonnet-20240620-v1:0"] * 2


def test_a_console_report_in_euros_is_euros():
    text = ("Date,Service description,Service ID,SKU description,SKU ID,Usage amount,Usage unit,Subtotal (€)\n"
            "2025-11-03,Gemini API,A,Generate content input token count gemini 2.5 flash text,S1,1000000,count,0.27\n")
    parsed = parse("report.csv", text)
    assert list(parsed.rows["currency"]) == ["EUR"] and np.isnan(parsed.rows["usd_rate"].iloc[0])


def test_cost_explorer_marks_its_batch_usage_types():
    text = ("Usage type,USE1-Claude4.6Sonnet-input-tokens($),USE1-Claude4.6Sonnet-batch-input-tokens($),Total costs($)\n"
            "2025-11-01,3.00,1.50,4.50\n")
    parsed = parse("ce.csv", text)
    assert [bool(b) for b in parsed.rows["batch"]] == [False, True]
    assert list(parsed.rows["cost"]) == [3.0, 1.5]


def test_a_google_row_that_counts_no_tokens_adds_none_but_its_cost():
    """An input SKU billed per image (not a "token count"): its $0.12 is spend, its 40 images no tokens."""
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "google cloud billing export")
    image = dict(base, **{"sku.description": "Generate content input image gemini 2.5 flash", "usage.amount": "40",
                          "cost": "0.12", "project.id": "vision"})
    rows = parse(file, _csv([base, image])).rows
    assert [bool(v) for v in rows["has_tokens"]] == [True, False]
    assert list(rows["input_tokens"]) == [1e6, 0.0] and list(rows["cost"]) == [0.3, 0.12]


def test_the_generic_csv_reads_a_blank_currency_as_dollars_and_a_blank_cost_as_none():
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "generic csv")
    parsed = parse(file, _csv([dict(base, currency=""), dict(base, date="2025-11-02", cost_usd="", currency="EUR")]))
    assert parsed.rejected == []
    assert list(parsed.rows["currency"]) == ["USD", "EUR"] and list(parsed.rows["usd_rate"])[0] == 1.0
    assert [bool(v) for v in parsed.rows["has_cost"]] == [True, False] and list(parsed.rows["cost"]) == [0.375, 0.0]


def test_an_anthropic_day_and_an_hour_of_one_start_are_two_rows():
    """A daily row of 2025-11-03 and an hourly row from its first hour differ in their end: two rows."""
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "anthropic usage csv")
    result = load((file, _csv([base, dict(base, usage_date_utc="2025-11-03 00:00")])))
    assert result.duplicates_dropped == 0 and _total(result, "output_tokens") == 200


def test_an_anthropic_cost_line_of_an_unknown_token_type_names_no_class():
    file, base = next((f[1], f[2]) for f in FORMATS if f[0] == "anthropic cost csv")
    rows = parse(file, _csv([dict(base, token_type="hologram_tokens")])).rows
    assert list(rows["direction"]) == ["other"] and list(rows["cost"]) == [7.5]   # spend of no token class


def test_a_gemma_sku_names_its_model():
    from tco.invoices.gcp import read_sku
    assert read_sku("Generate content input token count gemma 3 27b") == ("gemma 3 27b", "input", False, True)
    assert read_sku("Generate content output token count imagen 4") == ("imagen 4", "output", False, True)


def test_an_anthropic_report_needs_its_buckets_times():
    """Results with Anthropic's fields but in buckets with no ``starting_at``: no report we know."""
    doc = {"data": [{"results": [{"uncached_input_tokens": 1, "output_tokens": 1, "model": "claude-sonnet-4-0"}]}]}
    with pytest.raises(InvoiceError):
        parse("usage_report.json", json.dumps(doc))

"""Details of each parser that a person relies on without seeing them: which fields make two rows
different, which flags a row keeps, which values are refused, which words a warning uses.
Expected values by hand from the rows written in each test (the fourth mutation sample's
survivors, docs/mutation.md)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers import load, month_row, parse
from tco.invoices import InvoiceError
from tco.invoices.baseline import bill_prices, fit_baseline
from tco.invoices.common import keys, read_json

FLASH_SKU = "Generate content input token count gemini 2.5 flash short input text"
GCP_HEAD = ("billing_account_id,service.description,sku.description,usage_start_time,usage_end_time,cost,"
            "usage.amount,usage.unit,credits,cost_type")


# --- OpenAI --------------------------------------------------------------------------------------

def _usage_page(*results):
    return {"object": "page", "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
                                        "results": list(results)}], "has_more": False, "next_page": None}


def _result(**kw):
    r = {"object": "organization.usage.completions.result", "input_tokens": 1000, "output_tokens": 500,
         "input_cached_tokens": 0, "num_model_requests": 5, "project_id": None, "user_id": None,
         "api_key_id": None, "model": "gpt-4o-mini-2024-07-18", "batch": None, "service_tier": None}
    r.update(kw)
    return r


def test_openai_usage_api_keeps_the_batch_flag_and_tells_users_apart():
    """Two results of one bucket that differ only in ``user_id`` are two users' usage (both count:
    2 x 1,000 input); ``batch: true`` marks a row as batch (half price when repriced)."""
    parsed = parse("usage.json", json.dumps(_usage_page(_result(), _result(user_id="b", batch=True))))
    assert list(parsed.rows["batch"]) == [False, True]
    doc = _usage_page(_result(user_id="user-a"), _result(user_id="user-b"))
    result = load(("usage.json", json.dumps(doc)))
    assert result.duplicates_dropped == 0
    assert month_row(result, "2024-11", "openai", "gpt-4o-mini")["input_tokens"] == 2000


@pytest.mark.parametrize("field", ["input_cache_write_tokens", "num_model_requests"])
def test_openai_usage_api_refuses_a_negative_count(field):
    parsed = parse("usage.json", json.dumps(_usage_page(_result(**{field: -3}), _result(user_id="b"))))
    assert len(parsed.rows) == 1 and len(parsed.rejected) == 1
    line, reason = parsed.rejected[0]
    assert field in reason and "negative" in reason


# --- Anthropic -----------------------------------------------------------------------------------

def _cost_result(description, amount="100"):
    return {"amount": amount, "currency": "USD", "cost_type": "tokens", "description": description,
            "model": "claude-sonnet-4-20250514", "service_tier": "standard", "token_type": "output_tokens",
            "context_window": "0-200k", "workspace_id": None}


def test_anthropic_cost_lines_that_differ_only_in_description_both_count_and_keep_the_raw_model():
    """100 + 50 cents = $1.50: two lines with different descriptions are two charges, not one
    exported twice; the model as billed is kept beside its catalog name."""
    doc = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
        _cost_result("Claude Sonnet 4 Usage - Output Tokens"),
        _cost_result("Claude Sonnet 4 Usage - Output Tokens (long context)", "50")]}], "has_more": False}
    result = load(("cost_report.json", json.dumps(doc)))
    assert result.duplicates_dropped == 0
    assert month_row(result, "2025-08", "anthropic", "claude-sonnet-4-0")["cost_usd"] == pytest.approx(1.50)
    rows = parse("cost_report.json", json.dumps(doc)).rows
    assert set(rows["model_raw"]) == {"claude-sonnet-4-20250514"}


def test_anthropic_usage_api_rows_keep_their_bucket_end():
    doc = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
        {"model": "claude-sonnet-4-20250514", "uncached_input_tokens": 10, "output_tokens": 5}]}], "has_more": False}
    rows = parse("usage_report.json", json.dumps(doc)).rows
    assert list(rows["end"]) == [pd.Timestamp("2025-08-02", tz="UTC")]


# --- AWS -----------------------------------------------------------------------------------------

def test_cost_explorer_drops_a_rejected_day_even_when_it_has_spend():
    """The 2025-11-02 cell "abc" is refused with its line; the row is not counted with the good
    cell beside it: only 2025-11-01's $3.00 + $1.00 remain."""
    text = ("Usage type,USE1-Claude4.6Sonnet-input-tokens($),USE1-Claude4.6Sonnet-output-tokens($),Total costs($)\n"
            "2025-11-01,3.00,1.00,4.00\n2025-11-02,abc,2.00,2.00\n2025-11-03,0,0,0\n")
    result = load(("ce.csv", text))
    assert [r["line"] for r in result.rejected_rows] == [3]
    row = month_row(result, "2025-11", "aws", "regional.anthropic.claude-sonnet-4-6-v1:0")
    assert row["cost_usd"] == pytest.approx(4.00)


def test_cur_row_with_an_unreadable_date_is_refused_not_a_crash():
    text = ("lineItem/UsageStartDate,lineItem/LineItemType,lineItem/ProductCode,lineItem/UsageType,"
            "lineItem/UsageAmount,pricing/unit,lineItem/UnblendedCost,lineItem/CurrencyCode\n"
            "2025-11-01T00:00:00Z,Usage,AmazonBedrock,USE1-NovaLite-input-tokens,5,1M tokens,0.30,USD\n"
            "yesterday,Usage,AmazonBedrock,USE1-NovaLite-input-tokens,5,1M tokens,0.30,USD\n")
    parsed = parse("cur.csv", text)
    assert len(parsed.rows) == 1 and [line for line, _ in parsed.rejected] == [3]
    assert "yesterday" in parsed.rejected[0][1]


# --- Azure ---------------------------------------------------------------------------------------

AZURE_EUR = ("date,meterName,meterCategory,meterSubCategory,quantity,unitOfMeasure,chargeType,billingCurrency,"
             "costInBillingCurrency\r\n"
             "2025-11-03,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,400,1K,Usage,EUR,1.0\r\n")


def test_azure_in_euros_without_a_usd_column_says_so():
    result = load(("azure.csv", AZURE_EUR))
    assert "azure.csv: billing currency EUR without a costInUsd column: amounts kept unconverted" in result.warnings
    row = month_row(result, "2025-11", "azure", "gpt-4o")
    assert row["currency"] == "EUR" and row["cost"] == pytest.approx(1.0) and row["input_tokens"] == 400_000


def test_azure_openai_meter_that_is_no_token_class_has_no_tokens():
    """A fine-tuned model's hosting hours are Azure OpenAI spend (kept, $3.40) but no token count:
    24 hours are not 24 tokens, and a negative quantity there is no refused token count."""
    text = AZURE_EUR.replace("EUR", "USD") + (
        "2025-11-03,gpt-4o-0806 FTuned Hosting,Cognitive Services,Azure OpenAI,24,1 Hour,Usage,USD,3.4\r\n"
        "2025-11-04,gpt-4o-0806 FTuned Hosting,Cognitive Services,Azure OpenAI,-1,1 Hour,Usage,USD,0\r\n")
    parsed = parse("azure.csv", text)
    assert parsed.rejected == []
    assert list(parsed.rows["has_tokens"]) == [True, False, False]
    assert list(parsed.rows["direction"]) == ["input", "other", "other"]


# --- Google Cloud --------------------------------------------------------------------------------

def test_gcp_billing_export_needs_a_cost_counts_the_rows_it_ignores_and_a_zero_rate_converts_nothing():
    text = (GCP_HEAD + ",currency,currency_conversion_rate\n"
            f"A,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.30,1000000,count,[],regular,USD,1\n"
            f"A,Gemini API,{FLASH_SKU},2025-11-04 00:00:00 UTC,2025-11-04 01:00:00 UTC,,1000000,count,[],regular,USD,1\n"
            f"A,Gemini API,{FLASH_SKU},2025-11-05 00:00:00 UTC,2025-11-05 01:00:00 UTC,0.27,1000000,count,[],regular,EUR,0\n"
            "A,Compute Engine,N2 instance core,2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,1.0,1,hour,[],regular,USD,1\n"
            "A,Cloud Storage,Standard storage,2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.1,1,gibibyte month,[],regular,USD,1\n")
    parsed = parse("billing.csv", text)
    assert [line for line, _ in parsed.rejected] == [3] and "cost" in parsed.rejected[0][1]
    assert "2 rows of other Google Cloud services ignored" in parsed.warnings
    eur = parsed.rows[parsed.rows["currency"] == "EUR"]
    assert len(eur) == 1 and np.isnan(eur["usd_rate"].iloc[0])   # a rate of 0 EUR per USD is no rate


def test_gcp_console_report_with_a_cost_column_is_recognised():
    text = ("Date,Service description,SKU description,Usage amount,Usage unit,Cost ($)\n"
            f"2025-11-03,Gemini API,{FLASH_SKU},1000000,count,0.30\n")
    assert parse("report.csv", text).format == "gcp_console_report_csv"


# --- LiteLLM, generic ----------------------------------------------------------------------------

def test_litellm_spend_logs_with_exactly_the_needed_columns_and_its_warning():
    text = ("request_id,spend,startTime,model,prompt_tokens,completion_tokens\n"
            "r1,0.01,2025-11-03 10:00:00,gpt-4o-mini,1000,500\n")
    parsed = parse("spendlogs.csv", text)
    assert parsed.format == "litellm_spend_logs_csv"
    assert parsed.warnings == ["LiteLLM SpendLogs do not separate cached tokens: cached input is counted as input"]


def test_generic_csv_refuses_a_negative_output_count():
    text = ("date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
            "2025-11-01,openai,gpt-4o-mini,1200000,0,-5,0.375\n2025-11-02,openai,gpt-4o-mini,10,0,5,0.1\n")
    parsed = parse("mine.csv", text)
    assert len(parsed.rows) == 1 and [line for line, _ in parsed.rejected] == [2]
    assert "output_tokens" in parsed.rejected[0][1]


# --- several formats, the reader -----------------------------------------------------------------

def test_read_json_needs_an_object_or_a_list_and_a_wide_header_is_refused_by_name():
    assert read_json('X{"a": 1}') is None and read_json("[1]") == [1] and read_json(' {"a": 1}') == {"a": 1}
    with pytest.raises(InvoiceError, match="at most 2,000"):
        parse("wide.csv", ",".join(f"c{i}" for i in range(2001)) + "\n" + "1," * 2000 + "1\n")


def test_keys_take_scalars_beside_arrays():
    out = keys(np.array(["a", "b"], dtype=object), 5, "x", np.array([1.5, 2.0]))
    assert list(out) == ["a|5|x|1.5", "b|5|x|2.0"]


# --- the baseline --------------------------------------------------------------------------------

def _months(totals, input_share=0.6, cached_share=0.2, model="gpt-4o-mini", first="2025-01"):
    periods = pd.period_range(first, periods=len(totals), freq="M")
    t = np.asarray(totals, dtype=float)
    return pd.DataFrame({
        "month": [str(p) for p in periods], "provider": "openai", "model": model,
        "input_tokens": t * input_share, "cached_input_tokens": t * cached_share, "cache_write_tokens": 0.0,
        "output_tokens": t * (1 - input_share - cached_share), "requests": 0.0, "cost_usd": t * 2.0 / 1e6,
        "credits_usd": 0.0, "refunds_usd": 0.0, "tax_usd": 0.0, "currency": "USD", "cost": np.nan,
        "estimated": False, "cost_estimated": False, "usd_per_mtok": 2.0,
        "days_covered": [float(p.days_in_month) for p in periods], "days_in_month": [float(p.days_in_month) for p in periods],
    })


def test_baseline_fitted_volume_at_the_last_month_and_no_input_at_all():
    """1e9, 2e9, 4e9 in three months: log-linear exactly, slope ln 2, the fit's value at the last
    month 4e9 (not the intercept plus the slope divided by the month index, 1e9 · 2^(1/2))."""
    baseline, _ = fit_baseline(_months([1e9, 2e9, 4e9], model="m"))
    assert baseline["growth_per_month"] == pytest.approx(1.0)
    assert baseline["tokens_per_month_fitted"] == pytest.approx(4e9)
    # output tokens only: no input, so no cached share of it (0, not 100%)
    baseline, _ = fit_baseline(_months([1e9], input_share=0.0, cached_share=0.0, model="m"))
    assert baseline["input_share"] == 0.0 and baseline["cached_input_share"] == 0.0


def test_bill_prices_name_their_month():
    prices = bill_prices(_months([1e9, 1e9]), "2025-02")
    assert prices is not None and prices["month"] == "2025-02"


# --- the command line's JSON ---------------------------------------------------------------------

def test_cli_report_numbers_are_plain_json_and_foreign_amounts_keep_their_currency():
    from tco.invoices.cli import _clean, report
    assert _clean(np.int64(3)) == 3 and type(_clean(np.int64(3))) is int
    assert _clean(np.bool_(True)) is True and _clean(float("nan")) is None
    doc = report(load(("azure.csv", AZURE_EUR)))
    json.dumps(doc)   # plain types only
    (month,) = doc["months"]
    assert month["currency"] == "EUR" and month["cost"] == pytest.approx(1.0)


def test_every_json_format_and_litellms_daily_table_give_exactly_the_row_columns():
    """What a reader of ParsedFile.rows relies on (the example CSVs are held to it by
    test_invoices_properties.py's fuzzing; LiteLLM's daily table has no example file): no
    leftover index column, in this order."""
    from tco.invoices.common import ROW_COLUMNS
    cost = {"object": "page", "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
                                        "results": [{"object": "organization.costs.result",
                                                     "amount": {"value": 0.06, "currency": "usd"}, "line_item": None,
                                                     "project_id": None, "api_key_id": None, "quantity": None}]}],
            "has_more": False, "next_page": None}
    anthropic_usage = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z",
                                 "results": [{"model": "claude-sonnet-4-20250514", "uncached_input_tokens": 10,
                                              "output_tokens": 5}]}], "has_more": False}
    anthropic_cost = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z",
                                "results": [_cost_result("Claude Sonnet 4 Usage - Output Tokens")]}], "has_more": False}
    for name, doc, fmt in [("usage.json", _usage_page(_result()), "openai_usage_json"),
                           ("costs.json", cost, "openai_cost_json"),
                           ("usage_report.json", anthropic_usage, "anthropic_usage_json"),
                           ("cost_report.json", anthropic_cost, "anthropic_cost_json")]:
        parsed = parse(name, json.dumps(doc))
        assert parsed.format == fmt and len(parsed.rows) == 1
        assert list(parsed.rows.columns) == ROW_COLUMNS, name
    daily = ("id,date,model,custom_llm_provider,spend,prompt_tokens,completion_tokens,api_requests\n"
             "a1,2025-11-03,gpt-4o-mini,openai,1.50,10000,2000,40\n")
    parsed = parse("daily.csv", daily)
    assert parsed.format == "litellm_daily_csv" and list(parsed.rows.columns) == ROW_COLUMNS


def test_anthropic_cost_report_speed_and_batch_tier_and_usage_raw_model():
    """Two output lines that differ only in ``speed`` are two charges (100 + 50 cents = $1.50); a
    line of the batch tier is batch; the usage report keeps the model as billed."""
    fast = dict(_cost_result("Claude Sonnet 4 Usage - Output Tokens", "50"), speed="fast")
    batch = dict(_cost_result("Claude Sonnet 4 Usage - Output Tokens"), service_tier="batch")
    doc = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
        _cost_result("Claude Sonnet 4 Usage - Output Tokens"), fast, batch]}], "has_more": False}
    result = load(("cost_report.json", json.dumps(doc)))
    assert result.duplicates_dropped == 0
    rows = parse("cost_report.json", json.dumps(doc)).rows
    assert list(rows["batch"]) == [False, False, True]
    usage = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
        {"model": "claude-sonnet-4-20250514", "uncached_input_tokens": 10, "output_tokens": 5}]}], "has_more": False}
    assert list(parse("usage_report.json", json.dumps(usage)).rows["model_raw"]) == ["claude-sonnet-4-20250514"]


def test_openai_costs_api_amount_keeps_its_currency():
    page = {"object": "page", "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
                                        "results": [{"object": "organization.costs.result",
                                                     "amount": {"value": 2.5, "currency": "eur"}, "line_item": None,
                                                     "project_id": None, "api_key_id": None, "quantity": None}]}],
            "has_more": False, "next_page": None}
    rows = parse("costs.json", json.dumps(page)).rows
    assert list(rows["currency"]) == ["EUR"] and np.isnan(rows["usd_rate"].iloc[0])


def test_gcp_billing_export_keeps_the_rows_own_end():
    """A daily row (00:00 to next day 00:00) ends where it says, not an hour after its start."""
    text = (GCP_HEAD + f"\nA,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-04 00:00:00 UTC,0.30,1000000,count,"
            "[],regular\n")
    rows = parse("billing.csv", text).rows
    assert list(rows["end"]) == [pd.Timestamp("2025-11-04", tz="UTC")]


def test_cost_explorer_same_file_twice_counts_once_and_names_the_columns_it_ignores():
    """Eight ignored columns are all named; a ninth is named as " ..."."""
    others = [f"Service{i}($)" for i in range(9)]
    text = ("Usage type,USE1-Claude4.6Sonnet-input-tokens($)," + ",".join(others) + ",Total costs($)\n"
            "2025-11-01,3.00," + ",".join("1.00" for _ in others) + ",12.00\n"
            "2025-11-02,2.00," + ",".join("1.00" for _ in others) + ",11.00\n")
    once = load(("ce.csv", text))
    twice = load(("ce.csv", text), ("ce (1).csv", text))
    assert twice.duplicates_dropped == 2
    assert month_row(twice, "2025-11", "aws", "regional.anthropic.claude-sonnet-4-6-v1:0")["cost_usd"] == pytest.approx(5.0)
    pd.testing.assert_frame_equal(once.months, twice.months)
    assert ("ce.csv: columns that are not Bedrock spend ignored: " + ", ".join(others[:8]) + " ...") in once.warnings
    eight = ("Usage type,USE1-Claude4.6Sonnet-input-tokens($)," + ",".join(others[:8]) + ",Total costs($)\n"
             "2025-11-01,3.00," + ",".join("1.00" for _ in others[:8]) + ",11.00\n")
    assert ("ce.csv: columns that are not Bedrock spend ignored: " + ", ".join(others[:8])) in load(("ce.csv", eight)).warnings


def test_gcp_billing_export_counts_cached_input_apart():
    """1M cached and 2M uncached input tokens of Gemini 2.5 Flash in the billing export."""
    text = (GCP_HEAD + "\n"
            "A,Gemini API,Generate content cached input token count gemini 2.5 flash text,2025-11-03 00:00:00 UTC,"
            "2025-11-03 01:00:00 UTC,0.02,1000000,count,[],regular\n"
            f"A,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.60,2000000,count,[],regular\n")
    row = month_row(load(("billing.csv", text)), "2025-11", "google", "gemini-2.5-flash")
    assert (row["cached_input_tokens"], row["input_tokens"]) == (1_000_000, 2_000_000)


def test_cli_prints_its_json_indented_by_two(tmp_path, capsys):
    from tco.invoices.cli import main
    path = tmp_path / "azure.csv"
    path.write_text(AZURE_EUR)
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith('{\n  "') and json.loads(out)["months"][0]["currency"] == "EUR"


ANTHROPIC_USAGE_HEAD = ("usage_date_utc,model_version,api_key,workspace,usage_type,context_window,"
                        "usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,"
                        "usage_input_tokens_cache_read,usage_output_tokens,web_search_count,inference_geo,speed\n")


def test_anthropic_usage_csv_rows_differing_in_workspace_day_or_model_all_count_and_input_is_required():
    """Four rows, each but the first differing from it in one field: 4 x 1,000 input tokens of
    November (the other model's row is its own month row); a row without an uncached input count
    is refused."""
    base = "2025-11-03,claude-sonnet-4-5-20250929,prod,Default,standard,≤ 200k,1000,0,0,0,100,0,not_available,\n"
    text = ANTHROPIC_USAGE_HEAD + base + base.replace("Default", "Research") + base.replace("2025-11-03", "2025-11-04") \
        + base.replace("claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001") \
        + base.replace(",1000,", ",,")
    result = load(("claude_api_tokens_2025_11.csv", text))
    assert result.duplicates_dropped == 0
    assert month_row(result, "2025-11", "anthropic", "claude-sonnet-4-5")["input_tokens"] == 3000
    assert month_row(result, "2025-11", "anthropic", "claude-haiku-4-5")["input_tokens"] == 1000
    assert [r["line"] for r in result.rejected_rows] == [6]


def test_openai_cost_lines_of_two_api_keys_both_count_and_keep_their_end():
    cost = ("start_time,end_time,amount_value,amount_currency,quantity,quantity_unit,line_item,api_key_id,project_id\n"
            "1761955200,1762041600,0.10,usd,1000,tokens,\"gpt-4o-mini-2024-07-18, input\",key_a,proj\n"
            "1761955200,1762041600,0.20,usd,2000,tokens,\"gpt-4o-mini-2024-07-18, input\",key_b,proj\n")
    result = load(("cost.csv", cost))
    assert result.duplicates_dropped == 0
    assert month_row(result, "2025-11", "openai", "gpt-4o-mini")["cost_usd"] == pytest.approx(0.30)
    rows = parse("cost.csv", cost).rows
    assert set(rows["end"]) == {pd.Timestamp("2025-11-02", tz="UTC")}


def test_gcp_billing_export_with_underscored_column_names_is_recognised():
    text = ("billing_account_id,service_description,sku_description,usage_start_time,usage_end_time,cost,"
            "usage_amount,usage_unit,credits,cost_type\n"
            f"A,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.30,1000000,count,[],regular\n")
    parsed = parse("billing.csv", text)
    assert parsed.format == "gcp_billing_export_csv" and parsed.rows["input_tokens"].sum() == 1_000_000


def test_cli_report_names_its_fields():
    from tco.invoices.cli import report
    doc = report(load(("azure.csv", AZURE_EUR), ("junk.csv", "hello\nworld\n")))
    assert doc["errors"] and set(doc["errors"][0]) == {"file", "message"} and doc["errors"][0]["file"] == "junk.csv"
    (month,) = doc["months"]
    assert {"estimated", "tokens_estimated", "cost_estimated"} <= set(month)
    assert month["tokens_estimated"] is False


def test_the_links_model_for_a_bill_priced_through_azures_fallback_is_openais():
    """Azure's gpt-4o is priced through OpenAI's list price; the model boxes offer openai:gpt-4o."""
    from tco.invoices.baseline import api_model_ref, mix_text
    assert api_model_ref({"api_prices": {"models": [{"provider": "azure", "model": "gpt-4o"}]}}) == "openai:gpt-4o"
    models = [{"model": f"m{i}", "share_of_tokens": s} for i, s in enumerate((0.5, 0.2, 0.1, 0.1, 0.1))]
    assert mix_text(models) == "m0~50,m1~20,m2~10,others~20"


def test_baseline_partial_first_month_words_and_the_empty_baseline():
    """February 2025 (28 days) covered 10 days, March and April whole: February is left out and the
    warning gives February's own 28 days; with one or two full months the method says so."""
    months = _months([1e9, 1.1e9, 1.2e9], first="2025-02")
    months.loc[0, "days_covered"] = 10.0
    baseline, warnings = fit_baseline(months)
    assert warnings == ["2025-02 is a partial month (data covers 10.0 of 28 days); left out of the baseline"]
    assert baseline["first_month"] == "2025-03" and baseline["months_covered"] == 2
    assert baseline["method"] == "volume and mix from the 2 full month(s) available; no trend fitted"
    empty, _ = fit_baseline(_months([])[:0])
    assert empty["months_covered"] == 0 and empty["method"] == "no data"


def test_baseline_of_two_partial_months_keeps_the_first():
    """Two months, both partial: the last is left out; the first is all that is left, so it stays
    (a baseline from part of a month rather than none)."""
    months = _months([1e9, 0.5e9])
    months["days_covered"] = [20.0, 10.0]
    baseline, warnings = fit_baseline(months)
    assert baseline["last_month"] == baseline["first_month"] == "2025-01"
    assert baseline["tokens_per_month"] == pytest.approx(1e9) and len(warnings) == 1


def test_hourly_peak_is_the_busiest_hour_over_the_rounded_shapes_mean():
    """Three days, 21 hours of 1,000 tokens and 3 of 2,000: the hour mean is 27,000 / 24 = 1,125,
    so the shape is 0.89 (1,000 / 1,125 rounded) and 1.78; its mean is (21 x 0.89 + 3 x 1.78) / 24
    = 1.00125 and the busiest hour 1.78 / 1.00125 = 1.77778 times it."""
    header = ("start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,"
              "model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens")
    day0 = 1761955200  # 2025-11-01T00:00:00Z
    lines = [header]
    for d in range(3):
        for h in range(24):
            t = day0 + d * 86400 + h * 3600
            lines.append(f"{t},{t + 3600},,,proj_A,1.0,,key_1,gpt-4o-2024-08-06,False,default,"
                         f"{2000.0 if h >= 21 else 1000.0},0.0,0.0")
    hourly = load(("completions_usage_hourly.csv", "\n".join(lines) + "\n")).baseline["hourly"]
    assert hourly["shape"] == [0.89] * 21 + [1.78] * 3
    assert hourly["peak_to_average"] == pytest.approx(1.78 / 1.00125, rel=1e-9)


# --- the sixth sample's survivors ----------------------------------------------------------------

def test_cli_refuses_options_and_no_files_and_names_a_file_it_cannot_open(tmp_path, capsys):
    from tco.invoices.cli import main
    assert main([]) == 1 and "usage" in capsys.readouterr().err.lower()
    assert main(["-x", str(tmp_path / "a.csv")]) == 1 and "usage" in capsys.readouterr().err.lower()
    assert main([str(tmp_path / "nope.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("invoices: nope.csv: cannot open ")


def test_openrouter_all_cached_input_and_the_old_format_warning():
    """1,205 prompt tokens all cached: 0 uncached, 1,205 cached; the current export (with
    `tokens_cached`) gets no older-format warning, one without it does."""
    head = ("generation_id,created_at,cost_total,tokens_prompt,tokens_completion,tokens_cached,model_permaslug\n")
    text = head + "gen-1,2025-11-03 12:00:34.512,0.00588,1205,151,1205,anthropic/claude-4.5-sonnet-20250929\n"
    parsed = parse("activity.csv", text)
    assert (parsed.rows["input_tokens"].iloc[0], parsed.rows["cached_input_tokens"].iloc[0]) == (0, 1205)
    assert not any("older format" in w for w in parsed.warnings)
    old = "generation_id,created_at,cost_total,tokens_prompt,tokens_completion,model_permaslug\n" \
          "gen-1,2025-11-03 12:00:34.512,0.00588,1205,151,anthropic/claude-4.5-sonnet-20250929\n"
    assert any("older format" in w for w in parse("activity.csv", old).warnings)


def test_anthropic_report_of_an_unknown_kind_is_no_cost_report_and_a_cost_without_currency_is_usd():
    odd = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z",
                     "results": [{"model": "x", "server_tool_use": {"web_search_requests": 3}}]}], "has_more": False}
    with pytest.raises(InvoiceError, match="not a usage or cost export we know"):
        parse("r.json", json.dumps(odd))
    line = {k: v for k, v in _cost_result("Claude Sonnet 4 Usage - Output Tokens").items() if k != "currency"}
    doc = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [line]}],
           "has_more": False}
    assert list(parse("cost_report.json", json.dumps(doc)).rows["currency"]) == ["USD"]   # a blank currency is USD


def test_anthropic_flat_table_of_no_results_has_the_fields_as_columns():
    from tco.invoices.anthropic import _flat
    table = _flat({"data": [{"starting_at": "2025-08-01T00:00:00Z", "results": []}]}, ["starting_at", "model"])
    assert list(table.cells.columns) == ["starting_at", "model"] and len(table.cells) == 0


def test_anthropic_usage_report_needs_an_output_count():
    doc = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
        {"model": "claude-sonnet-4-20250514", "uncached_input_tokens": 10},
        {"model": "claude-sonnet-4-20250514", "uncached_input_tokens": 10, "output_tokens": 5, "api_key_id": "k"}]}],
           "has_more": False}
    parsed = parse("usage_report.json", json.dumps(doc))
    assert len(parsed.rows) == 1 and len(parsed.rejected) == 1 and "output_tokens" in parsed.rejected[0][1]


def test_gcp_console_report_without_a_date_column_says_how_to_get_one():
    text = "Service description,SKU description,Usage amount,Usage unit,Subtotal ($)\n" \
           f"Gemini API,{FLASH_SKU},1000000,count,0.30\n"
    with pytest.raises(InvoiceError) as e:
        parse("report.csv", text)
    assert str(e.value).endswith("(Reports → Group by → Day)")


CUR_HEAD = ("identity_line_item_id,line_item_usage_start_date,line_item_line_item_type,line_item_product_code,"
            "line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_currency_code,line_item_unblended_cost\n")


def test_cur_free_usage_line_credit_on_a_token_meter_and_a_non_token_meter():
    """A usage line of 0 tokens (free tier) is a line, not a refusal; a Credit line on a token usage
    type gives money back, not tokens (7,000 input tokens in all); a Bedrock line that is no token
    meter (provisioned model units, hours) needs no pricing unit read."""
    text = CUR_HEAD + (
        "li-1,2025-11-05T00:00:00Z,Usage,AmazonBedrock,USE1-NovaLite-input-tokens,7,1K tokens,USD,0.5\n"
        "li-2,2025-11-05T00:00:00Z,Usage,AmazonBedrock,USE1-NovaLite-input-tokens,0,1K tokens,USD,0\n"
        "li-3,2025-11-05T00:00:00Z,Credit,AmazonBedrock,USE1-NovaLite-input-tokens,5,1K tokens,USD,-0.1\n"
        "li-4,2025-11-05T00:00:00Z,Usage,AmazonBedrock,USE1-ProvisionedModelUnits,2,Hrs,USD,40\n")
    result = load(("cur.csv", text))
    assert result.rejected_rows == []
    assert result.months["input_tokens"].sum() == 7000
    assert not any("pricing unit" in w for w in result.warnings)


def test_parse_time_milliseconds_and_the_boundary_between_them():
    from tco.invoices.common import parse_time
    assert parse_time("1761955200000") == pd.Timestamp("2025-11-01", tz="UTC")        # milliseconds
    assert parse_time("1761955200") == pd.Timestamp("2025-11-01", tz="UTC")           # seconds
    with pytest.raises(ValueError):
        parse_time("100000000000")   # 1e11 is read as seconds (year 5138), not as 1e8 s (1973): no date


def test_a_row_of_next_month_is_refused_from_its_first_instant():
    from tco.invoices import _check_rows
    from tco.invoices.common import frame
    rows = frame(2, line=np.array([2, 3]), provider="openai", start=[pd.Timestamp("2025-12-01", tz="UTC"),
                                                                     pd.Timestamp("2025-11-30 23:59", tz="UTC")])
    kept, rejected = _check_rows(rows, [], [], today=pd.Timestamp("2025-11-15", tz="UTC"))
    assert [line for line, _ in rejected] == [2] and list(kept["line"]) == [3]


def test_a_negative_usage_charge_is_named_in_words():
    text = ("date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
            "2025-11-01,openai,gpt-4o-mini,1200,0,250,-1.5\n")
    result = load(("mine.csv", text))
    assert ("mine.csv: 1 line with a negative usage charge (total -1.50 USD), which lowers the spend of its "
            "month; if these are credits or refunds, check that they belong to these bills") in result.warnings


def test_finer_buckets_of_two_usage_files_leave_the_cost_rows_alone():
    """An hourly and a daily OpenAI usage export of the same day (the hourly rows are dropped as
    finer) and a cost export beside them: its $0.25 stays."""
    head = "start_time,end_time,project_id,num_model_requests,model,batch,input_tokens,output_tokens\n"
    daily = head + "1761955200,1762041600,p,2,gpt-4o-mini-2024-07-18,False,2000,200\n"
    hourly = head + ("1761955200,1761958800,p,1,gpt-4o-mini-2024-07-18,False,1000,100\n"
                     "1761958800,1761962400,p,1,gpt-4o-mini-2024-07-18,False,1000,100\n")
    cost = ("start_time,end_time,amount_value,amount_currency,quantity,quantity_unit,line_item,project_id\n"
            "1761955200,1762041600,0.25,usd,1000,tokens,\"gpt-4o-mini-2024-07-18, input\",p\n")
    result = load(("daily.csv", daily), ("hourly.csv", hourly), ("cost.csv", cost))
    row = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert row["output_tokens"] == 200 and row["cost_usd"] == pytest.approx(0.25)


def test_azure_export_with_only_a_usd_cost_column_is_recognised():
    text = ("date,meterName,meterCategory,meterSubCategory,quantity,unitOfMeasure,chargeType,costInUsd\r\n"
            "2025-11-03,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,400,1K,Usage,1.1\r\n")
    parsed = parse("azure.csv", text)
    assert parsed.format == "azure_cost_details_csv" and parsed.rows["cost"].sum() == pytest.approx(1.1)


def test_bill_prices_of_a_month_under_a_dollar_and_the_label_without_models():
    from tco.invoices.baseline import bills_label
    prices = bill_prices(_months([1e5, 1e5]), "2025-02")    # 100,000 tokens at $2 per 1M: $0.20
    assert prices is not None and prices["month"] == "2025-02"
    assert bills_label(None) == "your bills" and bills_label("") == "your bills"


def test_reading_goes_on_after_an_overlong_line_and_a_nul_byte_is_refused():
    text = ("date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
            "2025-11-01,openai,gpt-4o-mini,1200,0,250,0.1,extra\n"
            "2025-11-02,openai,gpt-4o-mini,1000,0,200,0.1\n")
    parsed = parse("mine.csv", text)
    assert list(parsed.rows["line"]) == [3] and [line for line, _ in parsed.rejected] == [2]
    with pytest.raises(InvoiceError, match="NUL bytes"):
        parse("mine.csv", "date,provider\n2025-11-01,open\x00ai\n")


def test_cur_marketplace_product_name_in_any_case_and_a_batch_usage_type():
    """"(AMAZON BEDROCK EDITION)" is cut from the model name whatever its case; a usage type ending
    in "-batch" is batch."""
    head = CUR_HEAD.rstrip("\n") + ",product_product_name\n"
    text = head + (
        "li-1,2025-11-05T00:00:00Z,Usage,AmazonBedrock,USE1-MP:USE1_InputTokenCount-Units,3,1M tokens,USD,9.0,"
        "Claude 3.5 Sonnet (AMAZON BEDROCK EDITION)\n"
        "li-2,2025-11-05T00:00:00Z,Usage,AmazonBedrock,USE1-NovaLite-input-tokens-batch,7,1K tokens,USD,0.25,\n")
    rows = parse("cur.csv", text).rows
    assert list(rows["model_raw"])[0] == "Claude 3.5 Sonnet"
    assert list(rows["batch"]) == [False, True]


def test_openai_cost_line_of_cache_writes_counts_cache_write_tokens():
    text = ("start_time,end_time,amount_value,amount_currency,quantity,quantity_unit,line_item,project_id\n"
            "1761955200,1762041600,0.10,usd,4000,tokens,\"gpt-4o-mini-2024-07-18, cache write\",p\n")
    assert parse("cost.csv", text).rows["cache_write_tokens"].sum() == 4000


def test_bill_prices_of_a_free_month_are_none_and_a_billed_name_is_made_plain():
    """A month whose bills add up to $0 has no price per token to give (None, not $0 per 1M)."""
    free = _months([1e9, 1e9])
    free["cost_usd"] = 0.0
    assert bill_prices(free, "2025-02") is None
    from tco.invoices.baseline import _plain_name
    assert _plain_name("gpt 4o <b>x</b>") == "gpt-4o--b-x-/b-"   # spaces and <> out, "/" kept
    assert _plain_name("m" * 100) == "m" * 80 and _plain_name("") == "unnamed"
    assert _plain_name("openai/gpt-4o@2024:v1_x.y") == "openai/gpt-4o@2024:v1_x.y"


def test_unix_seconds_in_excels_scientific_notation_read_as_the_instant():
    from tco.invoices.common import parse_time
    assert parse_time("1.7619552E+09") == pd.Timestamp("2025-11-01", tz="UTC")
    assert parse_time("1.7619552e9") == pd.Timestamp("2025-11-01", tz="UTC")


def test_the_baseline_of_nothing_says_so_in_every_field():
    baseline, warnings = fit_baseline(None)
    assert warnings == []
    assert baseline == {
        "tokens_per_month": 0.0, "tokens_per_month_fitted": 0.0, "input_share": 0.0, "cached_input_share": 0.0,
        "growth_per_month": 0.0, "r_squared": None, "months_covered": 0, "first_month": None, "last_month": None,
        "monthly_spend_usd": 0.0, "usd_per_mtok": None, "method": "no data",
        "note": "no usage rows were read, so there is nothing to fit"}


def test_the_baseline_takes_the_months_in_calendar_order_whatever_the_tables_order():
    """1e9, 2e9, 4e9 (doubling) given last month first: growth still +100% a month, volume 4e9."""
    months = _months([1e9, 2e9, 4e9], model="m").iloc[::-1].reset_index(drop=True)
    baseline, _ = fit_baseline(months)
    assert baseline["growth_per_month"] == pytest.approx(1.0)
    assert baseline["tokens_per_month"] == 4e9 and baseline["last_month"] == "2025-03"


def test_an_empty_file_is_refused_in_words():
    from tco.invoices import load_files
    for content in (b"", b"\n\n"):
        assert load_files([("x.csv", content)]).errors == [("x.csv", "x.csv: the file is empty")]
    from tco.invoices.common import read_table
    for text in ("", "\n\n"):   # the reader says the same when called on text of no line
        with pytest.raises(InvoiceError) as e:
            read_table(text)
        assert str(e.value) == "the file is empty"


# --- the survivors of a fresh mutation sample (seed 9), by the behaviour each one broke -----------

def test_azure_with_two_foreign_currencies_names_both_in_one_warning():
    text = AZURE_EUR + "2025-11-04,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,100,1K,Usage,GBP,0.5\r\n"
    result = load(("azure.csv", text))
    assert ("azure.csv: billing currency EUR, GBP without a costInUsd column: amounts kept unconverted"
            in result.warnings)


@pytest.mark.parametrize("raw, provider", [
    ("openai", "openai"), ("azure", "azure"), ("anthropic", "anthropic"), ("bedrock", "aws"),
    ("vertex_ai", "google"), ("gemini", "google"), ("openrouter", "openrouter"),
    (" Vertex_AI ", "google"), ("mistral", "mistral"), ("", "litellm")])
def test_litellm_routes_name_the_provider_that_bills(raw, provider):
    """LiteLLM's ``custom_llm_provider`` says who billed the call: Vertex AI and Gemini are Google,
    Bedrock is AWS; a provider it does not know is kept by its own name, none is "litellm"."""
    text = ("request_id,spend,startTime,model,prompt_tokens,completion_tokens,custom_llm_provider\n"
            f"r1,0.01,2025-11-03 10:00:00,some-model,1000,500,{raw}\n")
    assert list(parse("spendlogs.csv", text).rows["provider"]) == [provider]


def test_the_links_model_skips_billed_models_the_catalog_cannot_price():
    """The model with the most tokens comes first; one the catalog does not know is passed over
    for the next (not the end of the search); no bills' prices, no model."""
    from tco.invoices.baseline import api_model_ref
    models = [{"provider": "openai", "model": "no-such-model-anywhere"}, {"provider": "openai", "model": "gpt-4o-mini"}]
    assert api_model_ref({"api_prices": {"models": models}}) == "openai:gpt-4o-mini"
    assert api_model_ref({"api_prices": {"models": models[1:]}}) == "openai:gpt-4o-mini"
    assert api_model_ref({"api_prices": {"models": models[:1]}}) is None
    assert api_model_ref({"api_prices": None}) is None and api_model_ref({}) is None
    # Claude 3 Haiku billed by Google (Vertex AI) is Google's offer, not Anthropic's of the same name
    vertex = [{"provider": "google", "model": "claude-3-haiku"}]
    assert api_model_ref({"api_prices": {"models": vertex}}) == "google:claude-3-haiku"


def test_gcp_console_report_dated_by_usage_start_date():
    text = ("Usage start date,Service description,SKU description,Usage amount,Usage unit,Cost ($)\n"
            f"2025-11-03,Gemini API,{FLASH_SKU},1000000,count,0.30\n")
    rows = parse("report.csv", text).rows
    assert len(rows) == 1 and str(rows["start"].iloc[0]) == "2025-11-03 00:00:00+00:00"
    assert rows["input_tokens"].iloc[0] == 1_000_000


def test_cur_marketplace_line_is_found_by_its_product_name_alone():
    """A marketplace model's CUR lines carry the seller's product code (not ``AmazonBedrock…``);
    the product name "… (Amazon Bedrock Edition)" says they are Bedrock spend: 3M input tokens,
    $9.00. A line of another product beside it is ignored and counted."""
    head = CUR_HEAD.rstrip("\n") + ",product_product_name\n"
    text = head + (
        "li-1,2025-11-05T00:00:00Z,Usage,prod-7x2k9abc,USE1-MP:USE1_InputTokenCount-Units,3,1M tokens,USD,9.0,"
        "Claude 3.5 Sonnet (Amazon Bedrock Edition)\n"
        "li-2,2025-11-05T00:00:00Z,Usage,AmazonEC2,USE1-BoxUsage:m5.large,24,Hrs,USD,2.3,Amazon Elastic Compute Cloud\n")
    parsed = parse("cur.csv", text)
    assert list(parsed.rows["model_raw"]) == ["Claude 3.5 Sonnet"]
    assert parsed.rows["input_tokens"].sum() == 3_000_000 and parsed.rows["cost"].sum() == pytest.approx(9.0)
    assert parsed.warnings == ["1 row of other AWS services (not Amazon Bedrock) ignored"]


def test_openai_usage_api_cache_writes_are_their_own_class():
    """input_tokens includes cached reads and cache writes: 1,000 in all, 200 read from the cache and
    300 written to it leave 500 plain input."""
    doc = _usage_page(_result(input_cached_tokens=200, input_cache_write_tokens=300))
    row = parse("usage.json", json.dumps(doc)).rows.iloc[0]
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"]) == (500, 200, 300)


def test_a_month_whose_lines_charged_nothing_has_no_cost_by_class():
    """Cost lines of $0 only: no line names what money went to which class, so the month's paid-by-
    class columns are unknown (NaN), not $0 each (which would price every class at $0)."""
    text = ("start_time,end_time,amount_value,amount_currency,quantity,quantity_unit,line_item,project_id\n"
            "1761955200,1762041600,0,usd,4000,tokens,\"gpt-4o-mini-2024-07-18, input\",p\n")
    months = load(("cost.csv", text)).months
    paid = [c for c in months.columns if c.startswith("paid_")]
    assert paid and months[paid].isna().all(axis=None)


def test_api_pages_read_on_past_a_bucket_that_is_not_an_object():
    from tco.invoices.common import api_results
    doc = {"data": ["not a bucket", {"results": [{"a": 1}, "not a result", {"a": 2}]}, {"results": [{"a": 3}]}]}
    assert [(i, r["a"]) for i, _b, r in api_results(doc)] == [(1, 1), (3, 2), (4, 3)]


# --- the survivors of a fresh mutation sample (seed 10), by the behaviour each one broke ----------

def test_a_month_whose_files_add_up_beyond_a_billion_dollars_is_left_out():
    """Each line ($600M) is within a line's limit; the month's two together ($1.2B) are beyond
    MAX_AMOUNT ($1e9): the month is left out, in words, not summed into a baseline."""
    head = "date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
    result = load(("a.csv", head + "2025-11-01,openai,gpt-4o-mini,1000,0,10,600000000\n"),
                  ("b.csv", head + "2025-11-02,openai,gpt-4o-mini,1000,0,10,600000000\n"))
    assert result.months.empty
    assert any(w.startswith("2025-11 openai gpt-4o-mini: left out; its total (2020 tokens, 1.2e+09 USD)")
               for w in result.warnings), result.warnings


def test_a_file_that_starts_like_json_but_is_not_says_so():
    with pytest.raises(InvoiceError) as e:
        parse("usage.json", '{"object": "page", "data": [')
    assert str(e.value).startswith("usage.json: the file looks like JSON but is not valid JSON. Supported formats:")


def test_of_two_copies_of_one_result_the_fuller_is_kept_whatever_the_upload_order():
    """The same OpenAI usage result (same bucket, model, project, user, key) exported twice, once
    before its counts were final (1,000 input) and once after (3,000): one row, the fuller one."""
    early = json.dumps(_usage_page(_result(input_tokens=1000)))
    final = json.dumps(_usage_page(_result(input_tokens=3000)))
    for files in ((("a.json", early), ("b.json", final)), (("a.json", final), ("b.json", early))):
        result = load(*files)
        assert result.duplicates_dropped == 1
        assert month_row(result, "2024-11", "openai", "gpt-4o-mini")["input_tokens"] == 3000


def test_cost_explorer_of_no_bedrock_service_has_no_rows_and_daily_rows_end_the_next_day():
    """A download with no Bedrock column gives no rows (not one blank row); a daily download of two
    days is daily (each row ends at the next midnight), not monthly because it has two dates."""
    none = "Service,EC2-Instances($),Total costs($)\n2025-11-01,12.0,12.0\n2025-11-02,12.0,12.0\n"
    assert len(parse("costs.csv", none).rows) == 0
    daily = ("Usage type,USE1-Claude4.6Sonnet-input-tokens($),Total costs($)\n"
             "2025-11-01,37.04,37.04\n2025-11-02,20.00,20.00\n")
    rows = parse("costs.csv", daily).rows
    assert [str(e) for e in rows["end"]] == ["2025-11-02 00:00:00+00:00", "2025-11-03 00:00:00+00:00"]


def test_cur_negative_usage_amount_is_refused_in_words():
    text = CUR_HEAD + "li-1,2025-11-05T00:00:00Z,Usage,AmazonBedrock,USE1-NovaLite-input-tokens,-3,1K tokens,USD,-0.1\n"
    (line, reason), = parse("cur.csv", text).rejected
    assert line == 2 and reason.endswith("a usage line with a negative usage amount; "
                                         "expected a Credit or Refund line type for money given back")


def test_azure_rows_of_other_services_are_ignored_and_counted():
    text = AZURE_EUR + "2025-11-03,D2s v3,Virtual Machines,Dv3 Series,24,1 Hour,Usage,EUR,2.0\r\n"
    parsed = parse("azure.csv", text)
    assert len(parsed.rows) == 1
    assert "1 row of other Azure services (not Azure OpenAI token meters) ignored" in parsed.warnings
    assert parsed.rows["cost"].sum() == pytest.approx(1.0)


def test_bill_prices_of_an_itemised_month_under_a_dollar():
    """A cost export itemised by class that charged $0.50 in all ($0.30 for 1M input, $0.20 for
    0.5M output) prices each class at what it was charged: $0.30 and $0.40 per 1M."""
    months = _months([1.5e6], input_share=1e6 / 1.5e6, cached_share=0.0)
    months["cost_usd"] = 0.50
    months["paid_input_usd"], months["paid_cached_input_usd"] = 0.30, 0.0
    months["paid_cache_write_usd"], months["paid_output_usd"] = 0.0, 0.20
    prices = bill_prices(months, "2025-01")
    assert prices["input"] == pytest.approx(0.30) and prices["output"] == pytest.approx(0.40)


def test_a_month_missing_one_day_is_partial():
    """January covered 30 of its 31 days: partial, left out of the fit (February and March are whole)."""
    months = _months([1e9, 1.1e9, 1.2e9])
    months.loc[0, "days_covered"] = 30.0
    baseline, warnings = fit_baseline(months)
    assert baseline["months_covered"] == 2 and any("2025-01" in w and "30" in w for w in warnings), warnings


def test_the_separator_is_the_one_outside_quotes_most_often():
    from tco.invoices.common import read_table
    t = read_table('date;"cost, EUR";model;tokens\n2025-11-01;1,5;a;10\n')
    assert t.delimiter == ";" and t.header == ["date", "cost, EUR", "model", "tokens"]
    assert read_table('a,b;c,d\n1,2;3,4\n').delimiter == ","
    # an unquoted comma in one name of a semicolon header: two semicolons against one comma
    assert read_table("date;cost;note, internal\n2025-11-01;1,5;x\n").delimiter == ";"


def test_a_byte_order_mark_before_the_header_is_not_part_of_it():
    """The mark goes and nothing else: a header that starts with an "X" keeps it."""
    from tco.invoices.common import decode_text
    for data in ("\ufeffX-Request-Id,provider\r\n1,openai\r\n".encode("utf-8"),
                 "\ufeffX-Request-Id,provider\r\n1,openai\r\n".encode("utf-16")):
        assert decode_text(data)[0] == "X-Request-Id,provider\n1,openai\n"


def test_a_line_that_is_not_valid_csv_is_named_by_its_line_in_the_file():
    """Two blank lines, the header (line 3), a row (4) and a cell over the CSV reader's field limit
    (line 5): the message names line 5 of the file."""
    from tco.invoices.common import DecodeError, read_table
    with pytest.raises(DecodeError, match=r"^line 5 is not valid CSV"):
        read_table("\n\nh1,h2\n1,2\n" + "x" * 200_000 + ",3\n")


def test_gcp_billing_export_usd_row_with_a_blank_rate_is_dollars():
    text = (GCP_HEAD + ",currency,currency_conversion_rate\n"
            f"A,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.30,1000000,count,[],regular,USD,\n")
    rows = parse("billing.csv", text).rows
    assert rows["usd_rate"].tolist() == [1.0]


def test_google_console_report_and_billing_export_name_a_gemma_sku_alike():
    """The two Google exports name a model the same way (they join on it): Gemma 3 27B is genai-
    prices' Google model "gemma-3" in both, not the bare "gemma-3-27b" a name without its provider gives."""
    sku = "Gemma 3 27B input text tokens"
    console = ("Date,Service description,SKU description,Usage amount,Usage unit,Cost ($)\n"
               f"2025-11-03,Vertex AI,{sku},1000000,count,0.10\n")
    billing = GCP_HEAD + f"\nA,Vertex AI,{sku},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.10,1000000,count,[],regular\n"
    a = parse("report.csv", console).rows["model"].tolist()
    b = parse("billing.csv", billing.replace("\n\n", "\n")).rows["model"].tolist()
    assert a == b == ["gemma-3"]


def test_litellm_daily_all_cached_input_leaves_no_plain_input():
    text = ("date,model,custom_llm_provider,spend,prompt_tokens,completion_tokens,cache_read_input_tokens,"
            "cache_creation_input_tokens,api_requests\n2025-11-03,gpt-4o-mini,openai,0.5,3000,100,2500,500,4\n")
    row = parse("daily.csv", text).rows.iloc[0]
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"]) == (0, 2500, 500)


def test_openai_costs_page_named_by_its_object_is_recognised_and_a_bad_amount_refused_as_it_reads():
    """A result named "organization.costs.result" makes a Costs API page even without its amount;
    the result is refused by number, and a value that holds "line " is shown as it is."""
    parsed = parse("costs.json", json.dumps(_usage_page({"object": "organization.costs.result",
                                                        "line_item": "gpt-4o-mini, input", "project_id": "p"})))
    assert parsed.format == "openai_cost_json" and len(parsed.rows) == 0
    assert [n for n, _ in parsed.rejected] == [1] and parsed.rejected[0][1].startswith("result 1: ")
    parsed = parse("costs.json", json.dumps(_usage_page({"object": "organization.costs.result",
                                                        "amount": {"value": "line 7", "currency": "usd"},
                                                        "line_item": "gpt-4o-mini, input", "project_id": "p"})))
    (n, reason), = parsed.rejected
    assert n == 1 and reason.startswith("result 1: ") and "'line 7'" in reason, reason


def test_openai_usage_result_of_only_its_two_counts_is_recognised():
    page = {"object": "page", "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
                                        "results": [{"input_tokens": 10, "output_tokens": 5}]}]}
    assert parse("usage.json", json.dumps(page)).format == "openai_usage_json"


def test_an_openai_line_item_of_an_unknown_kind_is_no_token_line():
    from tco.invoices.openai import split_line_item
    assert split_line_item("gpt-4o-2024-08-06, fine-tuning training") == ("gpt-4o-2024-08-06", "other")
    text = ("start_time,end_time,amount_value,amount_currency,quantity,quantity_unit,line_item,project_id\n"
            "1761955200,1762041600,2.00,usd,4000,tokens,\"gpt-4o-2024-08-06, fine-tuning training\",p\n")
    rows = parse("cost.csv", text).rows
    assert rows["direction"].tolist() == ["other"] and not rows["has_tokens"].any()

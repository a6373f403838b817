"""Anthropic exports; expected totals computed by hand from the rows in each fixture."""

import json

import pytest

from helpers import load, month_row, parse

USAGE = """usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,usage_output_tokens,web_search_count,inference_geo,speed
2026-03-31,claude-haiku-4-5-20251001,super,Default,standard,≤ 200k,1809463,0,0,0,414908,0,not_available,
2026-03-31 02:00,claude-haiku-4-5-20251001,super,Default,standard,≤ 200k,1124832,0,0,0,254558,0,not_available,
2025-11-03,claude-sonnet-4-5-20250929,prod-backend,Default,standard,≤ 200k,2450310,184220,1000,9120400,512877,14,not_available,
2025-11-03,claude-sonnet-4-5-20250929,nightly-evals,Research,batch,≤ 200k,800000,0,0,0,120000,0,not_available,
"""
OLD_USAGE = """usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,usage_input_tokens_cache_write,usage_input_tokens_cache_read,usage_output_tokens,web_search_count
2025-11-04,claude-sonnet-4-5-20250929,prod-backend,Default,standard,≤ 200k,1000,200,3000,400,0
"""
COST = """usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,list_price_usd,cost_type,inference_geo,speed,api_key_id,api_key_status
2025-11-03,Claude Sonnet 4.5,Default,prod-backend,message,≤ 200k,input_no_cache,7.35,7.35,token,not_available,,apikey_01Hq7xVb2NdE4kR9,active
2025-11-03,Claude Sonnet 4.5,Default,prod-backend,message,≤ 200k,input_cache_read,2.74,2.74,token,not_available,,apikey_01Hq7xVb2NdE4kR9,active
2025-11-03,Claude Sonnet 4.5,Default,prod-backend,message,≤ 200k,output,7.69,7.69,token,not_available,,apikey_01Hq7xVb2NdE4kR9,active
"""
COST8 = """usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd
2025-11-03,Claude Sonnet 4.5,Default,prod-backend,message,≤ 200k,input_no_cache,3.00
2025-11-03,Claude Sonnet 4.5,Default,prod-backend,message,≤ 200k,output,15.00
"""


def test_usage_csv_daily_and_hourly_with_cache_columns():
    result = load(("claude_api_tokens_2026_03.csv", USAGE))
    assert result.files[0].format == "anthropic_usage_csv"
    haiku = month_row(result, "2026-03", "anthropic", "claude-haiku-4-5")
    assert haiku["input_tokens"] == 1809463 + 1124832 == 2934295
    assert haiku["output_tokens"] == 414908 + 254558 == 669466
    sonnet = month_row(result, "2025-11", "anthropic", "claude-sonnet-4-5")
    assert sonnet["input_tokens"] == 2450310 + 800000 == 3250310   # no_cache excludes cache already
    assert sonnet["cache_write_tokens"] == 184220 + 1000           # 5m + 1h
    assert sonnet["cached_input_tokens"] == 9120400
    assert sonnet["output_tokens"] == 512877 + 120000


def test_old_single_cache_write_column():
    row = month_row(load(("old.csv", OLD_USAGE)), "2025-11", "anthropic", "claude-sonnet-4-5")
    assert (row["input_tokens"], row["cache_write_tokens"], row["cached_input_tokens"]) == (1000, 200, 3000)


def test_cost_csv_alone_estimates_tokens_from_list_prices():
    result = load(("claude_api_cost.csv", COST))
    row = month_row(result, "2025-11", "anthropic", "claude-sonnet-4-5")
    assert row["cost_usd"] == pytest.approx(7.35 + 2.74 + 7.69)
    # Sonnet 4.5 list: input 3, cache read 0.30, output 15 USD per 1M
    assert row["input_tokens"] == pytest.approx(7.35 / 3 * 1e6)          # 2,450,000
    assert row["cached_input_tokens"] == pytest.approx(2.74 / 0.3 * 1e6)  # 9,133,333
    assert row["output_tokens"] == pytest.approx(7.69 / 15 * 1e6)         # 512,667
    assert bool(row["estimated"])


def test_cost8_variant_and_display_name_normalised():
    parsed = parse("cost8.csv", COST8)
    assert parsed.format == "anthropic_cost_csv" and set(parsed.rows["model"]) == {"claude-sonnet-4-5"}
    row = month_row(load(("cost8.csv", COST8)), "2025-11", "anthropic", "claude-sonnet-4-5")
    assert row["input_tokens"] == pytest.approx(1e6) and row["output_tokens"] == pytest.approx(1e6)


def test_usage_plus_cost_merge_without_double_estimate():
    result = load(("usage.csv", USAGE), ("cost.csv", COST))
    row = month_row(result, "2025-11", "anthropic", "claude-sonnet-4-5")
    assert row["input_tokens"] == 3250310                      # from the usage export, not estimated again
    assert row["cost_usd"] == pytest.approx(17.78)             # from the cost export: 7.35 + 2.74 + 7.69
    assert not bool(row["estimated"]) and not bool(row["cost_estimated"])


COST_REPORT = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
    {"amount": "123.78912", "currency": "USD", "cost_type": "tokens", "description": "Claude Sonnet 4 Usage - Input Tokens",
     "model": "claude-sonnet-4-20250514", "service_tier": "standard", "token_type": "uncached_input_tokens",
     "context_window": "0-200k", "workspace_id": None},
    {"amount": "50", "currency": "USD", "cost_type": "tokens", "description": "Claude Sonnet 4 Usage - Output Tokens",
     "model": "claude-sonnet-4-20250514", "service_tier": "standard", "token_type": "output_tokens",
     "context_window": "0-200k", "workspace_id": None}]}], "has_more": False, "next_page": None}
USAGE_REPORT = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
    {"api_key_id": "apikey_01Rj2N8SVvo6BePZj99NhmiT", "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
     "model": "claude-sonnet-4-20250514", "service_tier": "standard", "context_window": "0-200k",
     "uncached_input_tokens": 1500, "cache_read_input_tokens": 200,
     "cache_creation": {"ephemeral_1h_input_tokens": 1000, "ephemeral_5m_input_tokens": 500},
     "output_tokens": 500, "server_tool_use": {"web_search_requests": 10}}]}], "has_more": True, "next_page": "x"}


def test_cost_report_amount_is_cents():
    result = load(("cost_report.json", json.dumps(COST_REPORT)))
    assert result.files[0].format == "anthropic_cost_json"
    row = month_row(result, "2025-08", "anthropic", "claude-sonnet-4-0")
    # (123.78912 + 50) cents = 1.7378912 USD
    assert row["cost_usd"] == pytest.approx(1.7378912)


def test_usage_report_json():
    result = load(("usage_report.json", json.dumps(USAGE_REPORT)))
    row = month_row(result, "2025-08", "anthropic", "claude-sonnet-4-0")
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"], row["output_tokens"]) == \
        (1500, 200, 1000 + 500, 500)


def _usage_result(**over):
    r = {"api_key_id": "apikey_1", "workspace_id": "wrkspc_1", "model": "claude-sonnet-4-20250514",
         "service_tier": "standard", "context_window": "0-200k", "uncached_input_tokens": 1_000_000,
         "cache_read_input_tokens": 0, "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0},
         "output_tokens": 100_000}
    return {**r, **over}


def test_usage_report_results_that_differ_in_one_field_all_count_and_batch_is_half_price():
    """Five results in one bucket, each differing from the first in one field (API key, workspace,
    service tier, context window): five lots of 1M input and 100k output tokens, none a duplicate.
    The report has no cost: priced at Claude Sonnet 4's list price ($3 in, $15 out per 1M), batch
    at half: 4 x (3 + 1.5) + (3 + 1.5) / 2 = $20.25."""
    doc = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
        _usage_result(), _usage_result(api_key_id="apikey_2"), _usage_result(workspace_id="wrkspc_2"),
        _usage_result(service_tier="batch"), _usage_result(context_window="200k-1M")]}],
        "has_more": False, "next_page": None}
    result = load(("usage_report.json", json.dumps(doc)))
    row = month_row(result, "2025-08", "anthropic", "claude-sonnet-4-0")
    assert (row["input_tokens"], row["output_tokens"]) == (5_000_000, 500_000)
    assert bool(row["cost_estimated"]) and row["cost_usd"] == pytest.approx(20.25)
    assert row["credits_usd"] == row["refunds_usd"] == row["tax_usd"] == 0.0   # no cost lines: none


def test_cost_report_in_another_currency_is_not_dollars():
    doc = json.loads(json.dumps(COST_REPORT))
    for r in doc["data"][0]["results"]:
        r["currency"] = "EUR"
    row = month_row(load(("cost_report.json", json.dumps(doc))), "2025-08", "anthropic", "claude-sonnet-4-0")
    assert row["currency"] == "EUR" and row["cost"] == pytest.approx(1.7378912)
    assert row["cost_usd"] != row["cost_usd"]   # NaN: no rate in the file, never shown as dollars


def test_a_rejected_api_result_is_named_as_a_result_once():
    """The reason names the result ('result N'), and a value that itself says 'line' is kept as it is."""
    doc = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
        _usage_result(), _usage_result(output_tokens="see line 5")]}], "has_more": False, "next_page": None}
    parsed = parse("usage_report.json", json.dumps(doc))
    assert len(parsed.rows) == 1 and len(parsed.rejected) == 1
    line, reason = parsed.rejected[0]
    assert reason.startswith("result ") and "'see line 5'" in reason and reason.count("result ") == 1, reason


def test_cost_csv_batch_lines_at_half_price_a_credit_beside_its_charge_and_a_blank_cost_rejected():
    """Cost CSV alone, Claude Sonnet 4.5 at list ($3 in, $15 out per 1M): $3 of standard input is 1M
    tokens, $3 of batch input ("message_batch", half price) 2M. A credit line equal to a charge in
    every other cell is its own line (not a duplicate of the charge). A line with no cost is rejected."""
    head = "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,cost_type\n"
    text = head + ("2025-11-03,Claude Sonnet 4.5,Default,k,message,≤ 200k,input_no_cache,3.00,token\n"
                   "2025-11-03,Claude Sonnet 4.5,Default,k,message_batch,≤ 200k,input_no_cache,3.00,token\n"
                   "2025-11-04,Claude Sonnet 4.5,Default,k,message,≤ 200k,output,15.00,token\n"
                   "2025-11-04,Claude Sonnet 4.5,Default,k,message,≤ 200k,output,-15.00,token\n"
                   "2025-11-05,Claude Sonnet 4.5,Default,k,message,≤ 200k,output,,token\n")
    result = load(("claude_api_cost.csv", text))
    assert [r["line"] for r in result.rejected_rows] == [6] and result.duplicates_dropped == 0
    row = month_row(result, "2025-11", "anthropic", "claude-sonnet-4-5")
    assert row["input_tokens"] == pytest.approx(3e6) and row["output_tokens"] == pytest.approx(1e6)
    assert row["credits_usd"] == pytest.approx(-15.0) and row["cost_usd"] == pytest.approx(6.0)


def test_usage_csv_hourly_buckets_cover_their_hour():
    """Two hourly buckets of one day: the month is covered for 2 hours, not two whole days."""
    head = USAGE.splitlines()[0]
    text = "\n".join([head,
                      "2026-03-31 02:00,claude-haiku-4-5-20251001,super,Default,standard,≤ 200k,1000,0,0,0,400,0,not_available,",
                      "2026-03-31 03:00,claude-haiku-4-5-20251001,super,Default,standard,≤ 200k,1000,0,0,0,400,0,not_available,"]) + "\n"
    row = month_row(load(("claude_api_tokens.csv", text)), "2026-03", "anthropic", "claude-haiku-4-5")
    assert row["days_covered"] == pytest.approx(2 / 24)


def test_report_rows_differing_in_speed_or_geography_count_and_a_negative_write_is_rejected():
    """Usage results that differ only in speed, and cost results that differ only in context window
    or inference geography, are different lines (none a duplicate); a negative 1-hour cache-write
    count is rejected."""
    usage = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z", "results": [
        _usage_result(speed="standard"), _usage_result(speed="fast"),
        _usage_result(cache_creation={"ephemeral_1h_input_tokens": -5, "ephemeral_5m_input_tokens": 0})]}]}
    r = load(("usage_report.json", json.dumps(usage)))
    assert month_row(r, "2025-08", "anthropic", "claude-sonnet-4-0")["input_tokens"] == 2_000_000
    assert [x["line"] for x in r.rejected_rows] == [3] and r.duplicates_dropped == 0
    cost = json.loads(json.dumps(COST_REPORT))
    first = cost["data"][0]["results"][0]
    cost["data"][0]["results"] = [first, {**first, "context_window": "200k-1M"}, {**first, "inference_geo": "us"}]
    r = load(("cost_report.json", json.dumps(cost)))
    assert r.duplicates_dropped == 0
    assert month_row(r, "2025-08", "anthropic", "claude-sonnet-4-0")["cost_usd"] == pytest.approx(3 * 1.2378912)


def test_report_json_required_fields_and_a_usage_report_without_cache_writes():
    """A usage result without its uncached input count, and a cost result without an amount, are
    rejected (never read as 0); a usage report whose results carry no cache_creation block is still
    a usage report; cost results of two workspaces are two lines."""
    bare = {k: v for k, v in _usage_result().items() if k != "cache_creation"}
    usage = {"data": [{"starting_at": "2025-08-01T00:00:00Z", "ending_at": "2025-08-02T00:00:00Z",
                       "results": [bare, {k: v for k, v in bare.items() if k != "uncached_input_tokens"} | {"api_key_id": "k2"}]}]}
    parsed = parse("usage_report.json", json.dumps(usage))
    assert parsed.format == "anthropic_usage_json" and len(parsed.rows) == 1 and [x[0] for x in parsed.rejected] == [2]
    cost = json.loads(json.dumps(COST_REPORT))
    first = cost["data"][0]["results"][0]
    cost["data"][0]["results"] = [first, {**first, "workspace_id": "wrkspc_2"}, {k: v for k, v in first.items() if k != "amount"}]
    r = load(("cost_report.json", json.dumps(cost)))
    assert r.duplicates_dropped == 0 and [x["line"] for x in r.rejected_rows] == [3]
    assert month_row(r, "2025-08", "anthropic", "claude-sonnet-4-0")["cost_usd"] == pytest.approx(2 * 1.2378912)


def test_a_free_token_class_does_not_stop_the_estimate_of_the_others():
    """Cost CSV alone: cache reads at $0.00 (sorted before input) and $3.00 of input at $3 per 1M:
    1M input tokens; the free class adds none."""
    head = "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,cost_type\n"
    text = head + ("2025-11-03,Claude Sonnet 4.5,Default,k,message,≤ 200k,input_cache_read,0.00,token\n"
                   "2025-11-03,Claude Sonnet 4.5,Default,k,message,≤ 200k,input_no_cache,3.00,token\n")
    row = month_row(load(("claude_api_cost.csv", text)), "2025-11", "anthropic", "claude-sonnet-4-5")
    assert row["input_tokens"] == pytest.approx(1e6) and row["cached_input_tokens"] == 0

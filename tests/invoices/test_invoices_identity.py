"""What makes two bill rows two rows, and which counts a row must have, format by format.

A bill's rows are counted once however often a file is uploaded (a row's identity: its key),
and rows that differ in any field of that identity are different charges. For each format below:
one row written out by hand; that row twice in one file counts once; the row beside a copy of it
with one identity field changed counts twice (each field in turn); a required count left blank,
or a count made negative, is refused with its line. The fields are those each export documents
as its grouping columns (../shared/reference/usage-exports.md); the expected totals are the
row's own tokens (or cost) times one or two.
"""

from __future__ import annotations

import csv
import io

import pytest

from helpers import load, parse

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
      "usage_input_tokens_cache_read", "usage_output_tokens"]),
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
     "output_tokens", 151, ["tokens_prompt", "tokens_completion"], ["tokens_prompt", "tokens_completion"]),
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

"""AWS CUR: one test per pricing unit a Bedrock token line can carry (usage-exports.md section 3)."""

import pytest

from helpers import load, month_row
from test_invoices_clouds import CUR2

HEADER = ("identity_line_item_id,line_item_usage_start_date,line_item_line_item_type,line_item_product_code,"
          "line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_currency_code,line_item_unblended_cost\n")
NOVA = "amazon.nova-lite-v1:0"


def cur(*rows: tuple[str, str, float, float]) -> str:
    """rows: (usage type, pricing unit, usage amount, cost in USD)."""
    lines = [f"li-{k},2025-11-05T00:00:00Z,Usage,AmazonBedrock,{usage},{amount},{unit},USD,{cost}"
             for k, (usage, unit, amount, cost) in enumerate(rows)]
    return HEADER + "\n".join(lines) + "\n"


def test_marketplace_line_in_1m_tokens_of_the_fixture():
    """Bug 5: the fixture's marketplace row (li-0007: 2 units of "1M tokens", $6) is 2,000,000 tokens."""
    result = load(("cur.csv", CUR2))
    row = month_row(result, "2025-11", "aws", "")     # a marketplace row with no product name names no model
    assert row["input_tokens"] == 2_000_000
    assert row["cost_usd"] == pytest.approx(6.0)
    assert row["usd_per_mtok"] == pytest.approx(3.0)   # $6 / 2M tokens


@pytest.mark.parametrize("unit, per_unit", [
    ("1K tokens", 1e3), ("1M tokens", 1e6), ("tokens", 1.0), ("1K token", 1e3), ("1M token", 1e6),
    ("1k Tokens", 1e3), (" 1M TOKENS ", 1e6), ("Tokens", 1.0),
])
def test_each_named_unit(unit, per_unit):
    # 7 units of input and 3 of output: 7 x per_unit input tokens, 3 x per_unit output tokens
    text = cur(("USE1-NovaLite-input-tokens", unit, 7, 0.5), ("USE1-NovaLite-output-tokens", unit, 3, 0.25))
    result = load(("cur.csv", text))
    row = month_row(result, "2025-11", "aws", NOVA)
    assert row["input_tokens"] == 7 * per_unit
    assert row["output_tokens"] == 3 * per_unit
    assert row["cost_usd"] == pytest.approx(0.75)
    assert not any("pricing unit" in w for w in result.warnings)     # a named unit needs no guess


@pytest.mark.parametrize("amount, cost, per_unit", [
    (5, 0.30, 1e6),          # Nova Lite input lists at $0.06 per 1M: $0.30 for 5 units -> 1M per unit
    (5000, 0.30, 1e3),       # $0.30 for 5,000 units -> 1,000 tokens per unit
    (5_000_000, 0.30, 1.0),  # $0.30 for 5,000,000 units -> 1 token per unit
])
def test_ambiguous_units_resolved_by_list_price(amount, cost, per_unit):
    result = load(("cur.csv", cur(("USE1-NovaLite-input-tokens", "Units", amount, cost))))
    row = month_row(result, "2025-11", "aws", NOVA)
    assert row["input_tokens"] == pytest.approx(amount * per_unit)
    assert any(f"read as {per_unit:g} tokens per unit" in w for w in result.warnings)


def test_ambiguous_unit_without_a_list_price_reads_as_1m_with_a_warning():
    # a marketplace model has no list price to check the unit against: 1M tokens per unit, said so
    result = load(("cur.csv", cur(("USE1-MP:USE1_InputTokenCount-Units", "Units", 3, 9.0))))
    assert result.months["input_tokens"].sum() == 3_000_000
    assert any("for a marketplace model is ambiguous and no list price checks it; read as 1M tokens" in w
               for w in result.warnings)


def test_an_ambiguous_unit_is_checked_against_the_regional_price():
    """Claude Sonnet 4.6 in a regional (USE1) usage type lists at $3.30 per 1M input tokens: $3.30
    for 1 unit gives 3.30 / 3.3e-6 = 1,000,000 tokens per unit, said with that figure (the global
    $3.00 would give 1,100,000)."""
    result = load(("cur.csv", cur(("USE1-Claude4.6Sonnet-input-tokens", "Units", 1, 3.30))))
    assert any("read as 1e+06 tokens per unit (cost / list price gives 1,000,000)" in w for w in result.warnings)


def test_cache_token_lines_in_both_spellings():
    """Bedrock writes cache meters as "cache-write-input-token-count" and as "CacheWriteInputTokenCount"
    (and reads likewise): each is its own class, in thousands here."""
    text = cur(("USE1-Claude4.6Sonnet-cache-write-input-token-count", "1K tokens", 4, 0.015),
               ("USE1-Claude4.6Sonnet-CacheWriteInputTokenCount", "1K tokens", 6, 0.0225),
               ("USE1-Claude4.6Sonnet-cache-read-input-token-count", "1K tokens", 10, 0.003),
               ("USE1-Claude4.6Sonnet-CacheReadInputTokenCount", "1K tokens", 20, 0.006))
    result = load(("cur.csv", text))
    row = result.months.iloc[0]
    assert (row["cache_write_tokens"], row["cached_input_tokens"], row["input_tokens"]) == (10_000, 30_000, 0)
    assert row["paid_cache_write_usd"] == pytest.approx(0.0375) and row["paid_cached_input_usd"] == pytest.approx(0.009)


def test_a_blank_currency_is_usd_and_a_discount_line_is_a_credit():
    lines = [HEADER.rstrip("\n"),
             "li-1,2025-11-05T00:00:00Z,Usage,AmazonBedrock,USE1-NovaLite-input-tokens,7,1K tokens,,0.5",
             "li-2,2025-11-05T00:00:00Z,SomeNewDiscount,AmazonBedrock,USE1-NovaLite-input-tokens,0,1K tokens,USD,-0.1"]
    result = load(("cur.csv", "\n".join(lines) + "\n"))
    row = month_row(result, "2025-11", "aws", NOVA)
    assert row["currency"] == "USD" and row["input_tokens"] == 7000
    assert row["credits_usd"] == pytest.approx(-0.1) and row["cost_usd"] == pytest.approx(0.4)

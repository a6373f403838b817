"""AWS Bedrock: Cost and Usage Report rows (CUR 2.0 snake_case or legacy CUR 1 ``lineItem/…``
headers) and the Cost Explorer "Download CSV" (spend only).

Conventions (usage-exports.md §3): ``line_item_usage_amount`` is in ``pricing_unit`` ("1K
tokens", "1M tokens"; "Units" is ambiguous and resolved by cost ÷ list price, with a warning);
money in ``line_item_currency_code`` (unblended cost). Credit, Refund, Tax and discount line
types count in net spend, separated, never in tokens. Rows of other AWS services are ignored.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tco.explain import count
from tco.invoices.common import Columns, Table, frame, granularity, keys, optional_times, period_end
from tco.invoices.prices import canonical_model, list_prices

#: canonical name -> (CUR 2.0 column, CUR 1 column)
CUR_COLUMNS = {
    "id": ("identity_line_item_id", "identity/LineItemId"),
    "start": ("line_item_usage_start_date", "lineItem/UsageStartDate"),
    "end": ("line_item_usage_end_date", "lineItem/UsageEndDate"),
    "type": ("line_item_line_item_type", "lineItem/LineItemType"),
    "product": ("line_item_product_code", "lineItem/ProductCode"),
    "usage_type": ("line_item_usage_type", "lineItem/UsageType"),
    "operation": ("line_item_operation", "lineItem/Operation"),
    "amount": ("line_item_usage_amount", "lineItem/UsageAmount"),
    "unit": ("pricing_unit", "pricing/unit"),
    "currency": ("line_item_currency_code", "lineItem/CurrencyCode"),
    "cost": ("line_item_unblended_cost", "lineItem/UnblendedCost"),
    "account": ("line_item_usage_account_id", "lineItem/UsageAccountId"),
    "principal": ("line_item_iam_principal", "lineItem/IamPrincipal"),
    "product_name": ("product_product_name", "product/ProductName"),
    "description": ("line_item_line_item_description", "lineItem/LineItemDescription"),
}
USAGE_TYPES = {"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"}
CREDIT_TYPES = {"Credit", "SavingsPlanNegation", "EdpDiscount", "PrivateRateDiscount", "BundledDiscount",
                "Discount", "DistributorDiscount", "TotalDiscount"}
UNIT_TOKENS = {"1k tokens": 1e3, "1m tokens": 1e6, "tokens": 1.0, "1k token": 1e3, "1m token": 1e6}


def _name(table: Table, canonical: str) -> str | None:
    for candidate in CUR_COLUMNS[canonical]:
        if candidate in table.cells.columns:
            return candidate
    return None


def is_cur_csv(table: Table) -> bool:
    return all(_name(table, c) for c in ("start", "type", "usage_type", "amount", "cost"))


def token_kind(usage_type: str) -> str:
    """Direction of a Bedrock usage type, or "other" when it is not a token meter."""
    u = usage_type.lower().replace("_", "-")
    if "cache-read" in u or "cacheread" in u:
        return "cached_input"
    if "cache-write" in u or "cachewrite" in u:
        return "cache_write"
    if re.search(r"input-?token", u):
        return "input"
    if re.search(r"output-?token", u):
        return "output"
    return "other"


def model_of(usage_type: str, product_name: str = "") -> str:
    """``"USE1-Claude4.6Sonnet-input-tokens"`` -> ``"Claude4.6Sonnet"``; marketplace rows
    (``MP:``) name the model only in the product name."""
    if "MP:" in usage_type:
        return re.sub(r"\s*\(amazon bedrock edition\)", "", product_name, flags=re.I).strip()
    body = re.sub(r"^[A-Z]{2,4}\d?-", "", usage_type)
    parts = re.split(r"-(?:input|output|cache)", body, maxsplit=1, flags=re.I)
    return re.sub(r"-mantle$", "", parts[0])


def _multiplier(unit: str, amount: float, usd: float, model: str, direction: str, month: str,
                notes: list[str]) -> float:
    u = unit.strip().lower()
    if u in UNIT_TOKENS:
        return UNIT_TOKENS[u]
    prices = list_prices("aws", canonical_model("aws", model), month) if model else None
    if prices and amount > 0 and usd > 0 and direction in prices:
        implied = usd / prices[direction] / amount  # tokens per unit, from cost / list price
        best = min((1.0, 1e3, 1e6), key=lambda m: abs(np.log(implied / m)))
        notes.append(f"pricing unit {unit!r} for {model} read as {best:g} tokens per unit "
                     f"(cost / list price gives {implied:,.0f})")
        return best
    notes.append(f"pricing unit {unit!r} for {model or 'a marketplace model'} is ambiguous and no list price "
                 "checks it; read as 1M tokens (the marketplace unit)")
    return 1e6


def parse_cur_csv(table: Table):
    cols = Columns(table)
    get = {c: _name(table, c) for c in CUR_COLUMNS}
    text = {c: (cols.text(n) if n else np.full(cols.n, "", dtype=object)) for c, n in get.items()}
    product = text["product"]
    usage_type = text["usage_type"]
    bedrock = np.array([str(p).startswith("AmazonBedrock") or "bedrock" in str(n).lower()
                        for p, n in zip(product, text["product_name"])], dtype=bool)
    ignored = int((~bedrock).sum())
    start = cols.time(get["start"])
    end = optional_times(text["end"], period_end(start, "hour"))
    amount = cols.number(get["amount"])
    cost = cols.number(get["cost"], required=True)
    line_type = text["type"]
    currency = np.array([str(c).strip().upper() or "USD" for c in text["currency"]], dtype=object)
    direction = np.array([token_kind(u) for u in usage_type], dtype=object)
    model_raw = np.array([model_of(u, p) for u, p in zip(usage_type, text["product_name"])], dtype=object)
    is_usage = np.isin(line_type, list(USAGE_TYPES))
    is_credit = np.isin(line_type, list(CREDIT_TYPES)) | np.array(["discount" in str(t).lower() for t in line_type], dtype=bool)
    is_refund = line_type == "Refund"
    is_tax = line_type == "Tax"
    has_tokens = is_usage & (direction != "other")
    cols.reject_where(bedrock & is_usage & (amount < 0), "a usage line with a negative usage amount; "
                      "expected a Credit or Refund line type for money given back")
    notes: list[str] = []
    multiplier = np.ones(cols.n)
    for i in np.flatnonzero(has_tokens & bedrock):
        # a rejected date is NaT (its line is dropped with the reason): any month prices it the same
        month = start[i].strftime("%Y-%m") if not pd.isna(start[i]) else "2025-01"
        rate = 1.0 if currency[i] == "USD" else np.nan
        multiplier[i] = _multiplier(text["unit"][i], amount[i], cost[i] * rate, model_raw[i], direction[i], month, notes)
    tokens = np.where(has_tokens, amount * multiplier, 0.0)
    batch = np.array([str(u).lower().endswith("-batch") or "-batch-" in str(u).lower() for u in usage_type], dtype=bool)
    charge = ~(is_credit | is_refund | is_tax)
    rows = frame(
        cols.n, line=table.lines, start=start, end=end, provider="aws",
        model=[canonical_model("aws", m) for m in model_raw], model_raw=model_raw,
        input_tokens=np.where(direction == "input", tokens, 0.0),
        cached_input_tokens=np.where(direction == "cached_input", tokens, 0.0),
        cache_write_tokens=np.where(direction == "cache_write", tokens, 0.0),
        output_tokens=np.where(direction == "output", tokens, 0.0),
        cost=np.where(charge, cost, 0.0), credits=np.where(is_credit, cost, 0.0),
        refunds=np.where(is_refund, cost, 0.0), tax=np.where(is_tax, cost, 0.0),
        currency=currency, usd_rate=np.where(currency == "USD", 1.0, np.nan),
        has_tokens=has_tokens, has_cost=True, role="both", direction=np.where(charge, direction, "other"), batch=batch,
        key=keys("aws_cur", text["id"], start, usage_type, line_type, text["operation"], text["account"],
                 text["principal"], text["description"]),
    )
    keep = cols.ok() & bedrock
    warnings = sorted(set(notes))
    if ignored:
        warnings.append(f"{count(ignored, 'row')} of other AWS services (not Amazon Bedrock) ignored")
    return rows[keep].reset_index(drop=True), cols.rejected(), warnings


# ---- Cost Explorer ------------------------------------------------------------------------------

_MODEL_HINT = re.compile(r"bedrock|token|claude|llama|nova|titan|mistral|cohere|ai21|deepseek|gpt|jamba|qwen", re.I)


def is_cost_explorer_csv(table: Table) -> bool:
    others = table.header[1:]
    return bool(others) and bool(table.header[0]) and all(h.endswith("($)") for h in others) and any(
        h.lower().startswith("total cost") for h in others)


def parse_cost_explorer_csv(table: Table):
    first = table.header[0]
    cells = table.cells
    label = cells[first].astype(str)
    summary = label.str.lower().str.endswith(" total") | label.str.lower().str.startswith("total")
    keep_rows = ~summary.to_numpy()
    table = Table(table.header, cells[keep_rows].reset_index(drop=True), table.lines[keep_rows],
                  table.delimiter, table.decimal_comma, table.overlong)
    cols = Columns(table)
    start = cols.time(first)
    dates = [s for s in start if hasattr(s, "day")]
    monthly = len(dates) > 1 and all(d.day == 1 for d in dates) and min(
        (b - a).days for a, b in zip(sorted(dates), sorted(dates)[1:]) if b != a) >= 28 if len(set(dates)) > 1 else False
    period = "month" if monthly else granularity(cols.text(first))
    end = period_end(start, period)
    columns = [h for h in table.header[1:] if not h.lower().startswith("total cost")]
    chosen = [h for h in columns if _MODEL_HINT.search(h)]
    skipped = [h for h in columns if h not in chosen]
    frames = []
    for h in chosen:
        name = h[:-3]
        spend = cols.number(h)
        direction = token_kind(name)
        model_raw = model_of(name) if direction != "other" else ("" if "bedrock" in name.lower() and "edition" not in name.lower() else name)
        credit = spend < 0
        frames.append(frame(
            cols.n, line=table.lines, start=start, end=end, provider="aws",
            model=canonical_model("aws", model_raw) if model_raw else "", model_raw=model_raw,
            cost=np.where(credit, 0.0, spend), credits=np.where(credit, spend, 0.0),
            has_cost=True, role="cost", direction=direction if direction != "other" else "",
            batch="batch" in name.lower(), key=keys("aws_ce", first, start, name),
        ))
    import pandas as pd

    rows = pd.concat(frames, ignore_index=True) if frames else frame(0)
    ok = np.tile(cols.ok(), len(frames)) if frames else np.zeros(0, dtype=bool)
    rows = rows[ok & (rows["cost"] + rows["credits"] != 0)].reset_index(drop=True) if len(rows) else rows
    warnings = ["Cost Explorer exports carry spend only: tokens are estimated from list prices"]
    if skipped:
        warnings.append(f"columns that are not Bedrock spend ignored: {', '.join(skipped[:8])}"
                        + (" ..." if len(skipped) > 8 else ""))
    return rows, cols.rejected(), warnings

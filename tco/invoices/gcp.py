"""Google Cloud (Gemini API, Vertex AI): BigQuery standard billing export (flattened to CSV) and the
console Reports "Download CSV".

Conventions (usage-exports.md §5): timestamps UTC (``… UTC``); net cost = ``cost`` + Σ
``credits.amount`` (credits are negative); rows with ``cost_type = tax`` are tax, kept apart; a
row counts as tokens only when its SKU says "token count" (Gemini 1.x on Vertex billed per
character, and Vertex SKUs name no unit). ``currency_conversion_rate`` is currency units per
USD, so USD = cost / rate. Rows of other Google Cloud services are ignored.
"""

from __future__ import annotations

import json
import re

import numpy as np

from tco.explain import count
from tco.invoices.common import Columns, Table, frame, keys, optional_times, period_end
from tco.invoices.prices import canonical_model

AI_SERVICES = {"gemini api", "vertex ai", "generative language api", "vertex ai gemini api"}
_STOP = {"short", "long", "input", "output", "text", "image", "audio", "video", "batch", "flex", "caching", "cached",
         "non-thinking", "thinking", "ga", "global", "predictions", "-", "token", "count", "tokens", "priority",
         "preview", "(long)", "(short)", "characters", "character"}


def _col(table: Table, *names: str) -> str | None:
    for n in names:
        if n in table.cells.columns:
            return n
    return None


def is_billing_export_csv(table: Table) -> bool:
    return bool(_col(table, "sku.description", "sku_description") and _col(table, "usage_start_time")
                and _col(table, "cost") and _col(table, "service.description", "service_description"))


def read_sku(sku: str) -> tuple[str, str, bool, bool]:
    """SKU text -> (model, direction, batch, is_token_count).

    ``"Generate content output token count gemini 2.5 flash short input text"`` ->
    ``("gemini 2.5 flash", "output", False, True)``; Vertex
    ``"Gemini 2.5 Pro Thinking Text Output - Predictions"`` -> ``("gemini 2.5 pro", "output", False, False)``.
    """
    s = sku.lower()
    is_count = "token count" in s
    if "cached input token count" in s or "caching" in s or "cached content" in s:
        direction = "cached_input"
    elif "input token count" in s or (not is_count and re.search(r"\binput\b", s)):
        direction = "input"
    elif "output token count" in s or (not is_count and re.search(r"\boutput\b", s)):
        direction = "output"
    else:
        direction = "other"
    if "storage" in s or "grounding" in s:
        direction, is_count = "other", False
    model_words = []
    after = s.split("token count", 1)[1] if is_count else s
    started = False
    for w in after.split():
        if w.startswith("gemini") or w.startswith("gemma") or w.startswith("imagen"):
            started = True
        if started:
            if w in _STOP:
                break
            model_words.append(w)
    return " ".join(model_words), direction, "batch" in s.split(), is_count


def _credits(raw: str) -> float:
    raw = str(raw).strip()
    if not raw or raw in ("[]", "null"):
        return 0.0
    items = json.loads(raw)
    if isinstance(items, dict):
        items = [items]
    return float(sum(float(i.get("amount") or 0.0) for i in items if isinstance(i, dict)))


def parse_billing_export_csv(table: Table):
    cols = Columns(table)
    service = cols.text(_col(table, "service.description", "service_description"))
    sku = cols.text(_col(table, "sku.description", "sku_description"))
    read = [read_sku(s) for s in sku]
    is_ai = np.array([str(v).strip().lower() in AI_SERVICES or r[3] for v, r in zip(service, read)], dtype=bool)
    start = cols.time("usage_start_time")
    end = optional_times(cols.text("usage_end_time"), period_end(start, "hour"))
    cost = cols.number("cost", required=True)
    amount = cols.number(_col(table, "usage.amount", "usage_amount") or "usage.amount")
    credits = np.zeros(cols.n)
    for i, raw in enumerate(cols.text("credits")):
        try:
            credits[i] = _credits(raw)
        except (ValueError, TypeError, AttributeError):
            cols.reject_where(np.arange(cols.n) == i, f"column `credits` holds {raw[:40]!r}; expected a JSON list")
    rate_name = _col(table, "currency_conversion_rate")
    currency = np.array([str(c).strip().upper() or "USD" for c in cols.text("currency", "USD")], dtype=object)
    usd_rate = np.where(currency == "USD", 1.0, np.nan)
    if rate_name:
        rate = cols.number(rate_name, default=np.nan)
        usd_rate = np.where(np.isfinite(rate) & (rate > 0), 1.0 / np.where(rate > 0, rate, 1.0), usd_rate)
    cost_type = np.array([str(c).strip().lower() or "regular" for c in cols.text("cost_type", "regular")], dtype=object)
    is_tax = cost_type == "tax"
    is_adjust = cost_type == "adjustment"
    direction = np.array([r[1] for r in read], dtype=object)
    has_tokens = np.array([r[3] for r in read], dtype=bool) & ~is_tax & ~is_adjust & (direction != "other")
    cols.reject_where(is_ai & has_tokens & (amount < 0), "a token row with a negative usage amount")
    model_raw = np.array([r[0] for r in read], dtype=object)
    tokens = np.where(has_tokens, amount, 0.0)
    charge = ~(is_tax | is_adjust)
    identity = [cols.text(c) for c in table.header if c not in ("export_time",)]
    rows = frame(
        cols.n, line=table.lines, start=start, end=end, provider="google",
        model=[canonical_model("google", m) for m in model_raw], model_raw=model_raw,
        input_tokens=np.where(direction == "input", tokens, 0.0),
        cached_input_tokens=np.where(direction == "cached_input", tokens, 0.0),
        output_tokens=np.where(direction == "output", tokens, 0.0),
        cost=np.where(charge, cost, 0.0), credits=credits, refunds=np.where(is_adjust, cost, 0.0),
        tax=np.where(is_tax, cost, 0.0), currency=currency, usd_rate=usd_rate,
        has_tokens=has_tokens, has_cost=True, role="both", direction=np.where(charge, direction, "other"),
        batch=np.array([r[2] for r in read], dtype=bool), key=keys("gcp_billing", *identity),
    )
    warnings = []
    ignored = int((~is_ai).sum())
    if ignored:
        warnings.append(f"{count(ignored, 'row')} of other Google Cloud services ignored")
    return rows[cols.ok() & is_ai].reset_index(drop=True), cols.rejected(), warnings


# ---- console Reports CSV ------------------------------------------------------------------------

def is_console_report_csv(table: Table) -> bool:
    return bool({"SKU description", "Usage amount", "Usage unit"} <= set(table.header)
                and any(h.startswith(("Subtotal", "Cost")) for h in table.header))


def parse_console_report_csv(table: Table):
    date_name = _col(table, "Date", "Usage date", "Usage start date")
    if date_name is None:
        from tco.invoices.common import InvoiceError
        raise InvoiceError("this Google Cloud report has no Date column; download it grouped by day "
                           "(Reports → Group by → Day)")
    cells = table.cells
    values = np.char.lower(np.char.strip(cells.to_numpy(dtype=str))) if len(cells) else np.zeros((0, 1), dtype=str)
    summary = (cells[date_name] == "").to_numpy(dtype=bool) | np.isin(
        values, ["subtotal", "filtered total", "total", "tax"]).any(axis=1)
    table = Table(table.header, cells[~summary].reset_index(drop=True), table.lines[~summary],
                  table.delimiter, table.decimal_comma, table.overlong)
    cols = Columns(table)
    start = cols.time(date_name)
    cost_name = next((h for h in table.header if h.startswith("Unrounded subtotal")), None) or next(
        h for h in table.header if h.startswith(("Subtotal", "Cost")))
    symbol = re.search(r"\((.+)\)\s*$", cost_name)
    currency = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}.get(symbol.group(1) if symbol else "$",
                                                                     symbol.group(1).upper() if symbol else "USD")
    cost = cols.number(cost_name, required=True)
    amount = cols.number("Usage amount")
    sku = cols.text("SKU description")
    read = [read_sku(s) for s in sku]
    service = cols.text("Service description")
    is_ai = np.array([str(v).strip().lower() in AI_SERVICES or r[3] for v, r in zip(service, read)], dtype=bool)
    direction = np.array([r[1] for r in read], dtype=object)
    has_tokens = np.array([r[3] for r in read], dtype=bool) & (direction != "other")
    cols.reject_where(is_ai & has_tokens & (amount < 0), "a token row with a negative usage amount")
    tokens = np.where(has_tokens, amount, 0.0)
    model_raw = np.array([r[0] for r in read], dtype=object)
    rows = frame(
        cols.n, line=table.lines, start=start, end=period_end(start, "day"), provider="google",
        model=[canonical_model("google", m) for m in model_raw], model_raw=model_raw,
        input_tokens=np.where(direction == "input", tokens, 0.0),
        cached_input_tokens=np.where(direction == "cached_input", tokens, 0.0),
        output_tokens=np.where(direction == "output", tokens, 0.0),
        cost=cost, currency=currency, usd_rate=1.0 if currency == "USD" else np.nan,
        has_tokens=has_tokens, has_cost=True, role="both", direction=direction,
        batch=np.array([r[2] for r in read], dtype=bool),
        key=keys("gcp_report", *[cols.text(c) for c in table.header]),
    )
    warnings = []
    ignored = int((~is_ai).sum())
    if ignored:
        warnings.append(f"{count(ignored, 'row')} of other Google Cloud services ignored")
    return rows[cols.ok() & is_ai].reset_index(drop=True), cols.rejected(), warnings

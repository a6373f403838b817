"""OpenAI: dashboard usage and cost CSV exports, Usage API and Costs API JSON pages.

Conventions (usage-exports.md §1): timestamps are Unix seconds (UTC); ``input_tokens`` in OpenAI
files INCLUDES cached tokens, so the normalised ``input_tokens`` is ``input_tokens -
input_cached_tokens``; money is a USD float (not cents). A usage bucket with only its four time
columns filled is an empty bucket and is skipped, not rejected.
"""

from __future__ import annotations

import numpy as np

from tco.invoices.common import Columns, Table, api_pages, api_results, frame, keys, sci_notation_warning
from tco.invoices.prices import canonical_model

TIME_COLUMNS = ["start_time", "end_time", "start_time_iso", "end_time_iso"]
USAGE_COLUMNS = {"start_time", "end_time", "num_model_requests", "input_tokens", "output_tokens"}
COST_COLUMNS = {"start_time", "end_time", "amount_value", "amount_currency"}

#: line_item direction words (after the last comma) -> normalised direction
LINE_ITEM_DIRECTIONS = {
    "input": "input", "input_tokens": "input", "uncached input": "input",
    "cached input": "cached_input", "cached_input": "cached_input", "cached input_tokens": "cached_input",
    "cache writes": "cache_write", "cache write": "cache_write", "cache_write": "cache_write",
    "output": "output", "output_tokens": "output",
}


def is_usage_csv(table: Table) -> bool:
    columns = set(table.header)
    return USAGE_COLUMNS <= columns or columns == set(TIME_COLUMNS)


def is_cost_csv(table: Table) -> bool:
    return COST_COLUMNS <= set(table.header)


def _times(cols: Columns) -> tuple[np.ndarray, np.ndarray]:
    """The buckets' unix times (both exports have them: :func:`is_usage_csv`, :func:`is_cost_csv`;
    the ``*_iso`` columns beside them say the same)."""
    return cols.time("start_time"), cols.time("end_time")


def _non_time_empty(table: Table) -> np.ndarray:
    others = [c for c in table.header if c not in TIME_COLUMNS]
    if not others or not len(table.cells):
        return np.ones(len(table.cells), dtype=bool)
    return (table.cells[others] == "").all(axis=1).to_numpy()


def _without_empty_buckets(table: Table) -> Table:
    """The table less its empty buckets (rows with only the four time columns filled)."""
    empty = _non_time_empty(table)
    return Table(table.header, table.cells[~empty].reset_index(drop=True), table.lines[~empty],
                 table.delimiter, table.decimal_comma, table.overlong)


def _usage_columns(cols: Columns, start, end, lines):
    """Usage rows from the columns the dashboard CSV and the Usage API share (same names)."""
    return _usage_rows(
        cols.text("model"), cols.number("input_tokens", required=True, nonnegative=True),
        cols.number("input_cached_tokens", nonnegative=True), cols.number("input_cache_write_tokens", nonnegative=True),
        cols.number("output_tokens", required=True, nonnegative=True), cols.number("num_model_requests", nonnegative=True),
        cols.text("batch"), cols.text("service_tier"), cols.text("project_id"), cols.text("user_id"),
        cols.text("api_key_id"), start, end, lines,
    )


def parse_usage_csv(table: Table):
    table = _without_empty_buckets(table)
    cols = Columns(table)
    start, end = _times(cols)
    rows = _usage_columns(cols, start, end, table.lines)
    ok = cols.ok()
    warnings = sci_notation_warning(table, ["project_id", "api_key_id", "user_id"])
    return rows[ok].reset_index(drop=True), cols.rejected(), warnings


def _usage_rows(model, input_all, cached, cache_write, output, requests, batch, tier, project, user,
                api_key, start, end, lines):
    n = len(lines)
    batch_flag = np.array([str(b).strip().lower() in ("true", "1") for b in batch], dtype=bool)
    input_uncached = np.maximum(input_all - cached - cache_write, 0.0)
    return frame(
        n, line=lines, start=start, end=end, provider="openai",
        model=[canonical_model("openai", str(m)) for m in model], model_raw=model,
        input_tokens=input_uncached, cached_input_tokens=cached, cache_write_tokens=cache_write,
        output_tokens=output, requests=requests, has_tokens=True, role="usage", batch=batch_flag,
        key=keys("openai_usage", start, end, project, user, api_key, model, batch_flag, tier),
    )


def split_line_item(item: str) -> tuple[str, str]:
    """``"gpt-4o-mini-2024-07-18, cached input"`` -> ``("gpt-4o-mini-2024-07-18", "cached_input")``.

    A line item without a comma (``"whisper"``, ``"Image models"``) is not a token line:
    direction ``"other"``. An empty line item (ungrouped export) has direction ``""``.
    """
    item = str(item).strip()
    if not item:
        return "", ""
    model, sep, word = item.rpartition(",")
    if not sep:
        return item, "other"
    direction = LINE_ITEM_DIRECTIONS.get(word.strip().lower())
    if direction is None:
        return model.strip(), "other"
    # "gpt-image-1 image, output": a non-text modality is not an LLM token line
    if model.strip().endswith((" image", " audio")):
        return model.strip(), "other"
    return model.strip(), direction


def parse_cost_csv(table: Table):
    table = _without_empty_buckets(table)
    cols = Columns(table)
    start, end = _times(cols)
    amount = cols.number("amount_value", required=True)
    quantity = cols.number("quantity", default=np.nan)
    rows = _cost_rows(amount, cols.text("amount_currency", "usd"), cols.text("line_item"), quantity,
                      cols.text("quantity_unit"), cols.text("project_id"), cols.text("api_key_id"),
                      cols.text("user_id"), cols.text("organization_id"), start, end, table.lines)
    ok = cols.ok()
    warnings = sci_notation_warning(table, ["project_id", "api_key_id", "organization_id"])
    return rows[ok].reset_index(drop=True), cols.rejected(), warnings


def _cost_rows(amount, currency, line_item, quantity, unit, project, api_key, user, org, start, end, lines):
    n = len(lines)
    split = [split_line_item(i) for i in line_item]
    model_raw = np.array([m for m, _ in split], dtype=object)
    direction = np.array([d for _, d in split], dtype=object)
    is_tokens = np.array([str(u).strip().lower() == "tokens" for u in unit], dtype=bool) & np.isfinite(quantity)
    is_tokens &= np.isin(direction, ["input", "cached_input", "cache_write", "output"])
    q = np.where(is_tokens, quantity, 0.0)
    currency = np.array([str(c).strip().upper() or "USD" for c in currency], dtype=object)
    # a negative amount in a cost export is money given back, not usage
    credit = amount < 0
    return frame(
        n, line=lines, start=start, end=end, provider="openai",
        model=[canonical_model("openai", m) for m in model_raw], model_raw=model_raw,
        input_tokens=np.where(direction == "input", q, 0.0),
        cached_input_tokens=np.where(direction == "cached_input", q, 0.0),
        cache_write_tokens=np.where(direction == "cache_write", q, 0.0),
        output_tokens=np.where(direction == "output", q, 0.0),
        cost=np.where(credit, 0.0, amount), credits=np.where(credit, amount, 0.0),
        currency=currency, usd_rate=np.where(currency == "USD", 1.0, np.nan),
        has_tokens=is_tokens, has_cost=True, role="cost", direction=direction,
        key=keys("openai_cost", start, end, line_item, project, api_key, user, org, credit),
    )


# ---- API JSON pages --------------------------------------------------------------------------

def _first_result(doc) -> dict | None:
    for _, _, result in api_results(doc):
        return result
    return None


def _is_openai_page(doc) -> bool:
    pages = api_pages(doc)
    return bool(pages) and all(p.get("object") == "page" for p in pages) and any(
        isinstance(b, dict) and b.get("object") == "bucket" for p in pages for b in (p.get("data") or []))


def is_usage_json(doc) -> bool:
    if not _is_openai_page(doc):
        return False
    r = _first_result(doc)
    return r is None and _all_buckets_empty(doc) or (
        isinstance(r, dict) and (str(r.get("object", "")).startswith("organization.usage.completions")
                                 or {"input_tokens", "output_tokens"} <= set(r)))


def _all_buckets_empty(doc) -> bool:
    return all(not (b.get("results") or []) for p in api_pages(doc) for b in (p.get("data") or []) if isinstance(b, dict))


def is_cost_json(doc) -> bool:
    if not _is_openai_page(doc):
        return False
    r = _first_result(doc)
    return isinstance(r, dict) and (str(r.get("object", "")).startswith("organization.costs")
                                    or isinstance(r.get("amount"), dict))


def _json_table(doc, fields: list[str]) -> Table:
    """Flatten API results into a Table of strings so the CSV code paths read them."""
    import pandas as pd

    records, lines = [], []
    for i, bucket, result in api_results(doc):
        flat = {"start_time": bucket.get("start_time"), "end_time": bucket.get("end_time")}
        for name, value in result.items():
            if isinstance(value, dict):
                for sub, v in value.items():
                    flat[f"{name}_{sub}"] = v
            else:
                flat[name] = value
        records.append({f: "" if flat.get(f) is None else str(flat.get(f)) for f in fields})
        lines.append(i)
    cells = pd.DataFrame(records, columns=fields, dtype=object)
    return Table(fields, cells, np.asarray(lines, dtype=int))


def parse_usage_json(doc):
    fields = ["start_time", "end_time", "model", "input_tokens", "input_cached_tokens", "input_cache_write_tokens",
              "output_tokens", "num_model_requests", "batch", "service_tier", "project_id", "user_id", "api_key_id"]
    table = _json_table(doc, fields)
    cols = Columns(table)
    start, end = cols.time("start_time"), cols.time("end_time")
    rows = _usage_columns(cols, start, end, table.lines)
    rejected = [(line, reason.replace("line ", "result ", 1)) for line, reason in cols.rejected()]
    return rows[cols.ok()].reset_index(drop=True), rejected, []


def parse_cost_json(doc):
    fields = ["start_time", "end_time", "amount_value", "amount_currency", "line_item", "quantity", "quantity_unit",
              "project_id", "api_key_id", "user_id", "organization_id"]
    table = _json_table(doc, fields)
    cols = Columns(table)
    start, end = cols.time("start_time"), cols.time("end_time")
    quantity = cols.number("quantity", default=np.nan)
    unit = cols.text("quantity_unit")
    # the Costs API gives quantity without a unit for token line items
    unit = np.where((unit == "") & np.isfinite(quantity), "tokens", unit)
    rows = _cost_rows(cols.number("amount_value", required=True), cols.text("amount_currency", "usd"),
                      cols.text("line_item"), quantity, unit, cols.text("project_id"), cols.text("api_key_id"),
                      cols.text("user_id"), cols.text("organization_id"), start, end, table.lines)
    rejected = [(line, reason.replace("line ", "result ", 1)) for line, reason in cols.rejected()]
    return rows[cols.ok()].reset_index(drop=True), rejected, []

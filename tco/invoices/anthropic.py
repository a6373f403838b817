"""Anthropic: Console usage and cost CSV exports, Admin API usage and cost report JSON.

Conventions (usage-exports.md §2): dates are UTC, daily ``YYYY-MM-DD`` or hourly
``YYYY-MM-DD HH:MM``; ``usage_input_tokens_no_cache`` EXCLUDES cache reads and writes (total
input = no_cache + write_5m + write_1h + read; older exports have one ``…_cache_write``
column). The cost CSV is in dollars and names models by display name ("Claude Sonnet 4.5");
the cost report API gives ``amount`` in CENTS as a decimal string ("123.78912" = $1.2379).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tco.invoices.common import Columns, Table, api_pages, api_results, frame, granularity, keys, period_end
from tco.invoices.prices import canonical_model

USAGE_COLUMNS = {"usage_date_utc", "model_version", "usage_output_tokens"}
COST_COLUMNS = {"usage_date_utc", "model", "token_type", "cost_usd"}

#: token_type (CSV and API) -> normalised direction
TOKEN_TYPES = {
    "input_no_cache": "input", "uncached_input_tokens": "input",
    "input_cache_read": "cached_input", "cache_read_input_tokens": "cached_input",
    "input_cache_write_5m": "cache_write", "input_cache_write_1h": "cache_write", "input_cache_write": "cache_write",
    "cache_creation.ephemeral_5m_input_tokens": "cache_write", "cache_creation.ephemeral_1h_input_tokens": "cache_write",
    "output": "output", "output_tokens": "output",
}


def is_usage_csv(table: Table) -> bool:
    columns = set(table.header)
    return USAGE_COLUMNS <= columns and any(c.startswith("usage_input_tokens") for c in columns)


def is_cost_csv(table: Table) -> bool:
    return COST_COLUMNS <= set(table.header)


def _bucket_end(start: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """A date-only cell is a daily bucket, one with a time an hourly bucket."""
    return period_end(start, granularity(raw))


def parse_usage_csv(table: Table):
    cols = Columns(table)
    start = cols.time("usage_date_utc")
    end = _bucket_end(start, cols.text("usage_date_utc"))
    no_cache = cols.number("usage_input_tokens_no_cache", required=True, nonnegative=True)
    write = (cols.number("usage_input_tokens_cache_write", nonnegative=True)
             + cols.number("usage_input_tokens_cache_write_5m", nonnegative=True)
             + cols.number("usage_input_tokens_cache_write_1h", nonnegative=True))
    read = cols.number("usage_input_tokens_cache_read", nonnegative=True)
    output = cols.number("usage_output_tokens", required=True, nonnegative=True)
    model = cols.text("model_version")
    usage_type = cols.text("usage_type")
    n = cols.n
    rows = frame(
        n, line=table.lines, start=start, end=end, provider="anthropic",
        model=[canonical_model("anthropic", m) for m in model], model_raw=model,
        input_tokens=no_cache, cached_input_tokens=read, cache_write_tokens=write, output_tokens=output,
        requests=np.nan, has_tokens=True, role="usage", batch=usage_type == "batch",
        key=keys("anthropic_usage", start, end, model, cols.text("api_key"), cols.text("workspace"), usage_type,
                 cols.text("context_window"), cols.text("inference_geo"), cols.text("speed")),
    )
    return rows[cols.ok()].reset_index(drop=True), cols.rejected(), []


def parse_cost_csv(table: Table):
    cols = Columns(table)
    start = cols.time("usage_date_utc")
    end = _bucket_end(start, cols.text("usage_date_utc"))
    cost = cols.number("cost_usd", required=True)
    token_type = cols.text("token_type")
    cost_type = cols.text("cost_type", "token")
    model = cols.text("model")
    rows = _cost_rows(cost, np.full(cols.n, "USD", dtype=object), token_type, cost_type, model,
                      cols.text("usage_type"), start, end, table.lines,
                      keys("anthropic_cost", start, model, cols.text("workspace"), cols.text("api_key"),
                           cols.text("usage_type"), cols.text("context_window"), token_type, cost_type,
                           cols.text("inference_geo"), cols.text("speed")))
    return rows[cols.ok()].reset_index(drop=True), cols.rejected(), []


def _cost_rows(cost, currency, token_type, cost_type, model, usage_type, start, end, lines, key):
    direction = np.array([TOKEN_TYPES.get(str(t).strip(), "") for t in token_type], dtype=object)
    is_token_cost = np.array([str(c).strip().lower() in ("token", "tokens", "") for c in cost_type], dtype=bool)
    direction = np.where(is_token_cost & (direction != ""), direction, "other")
    currency = np.array([str(c).strip().upper() or "USD" for c in currency], dtype=object)
    credit = cost < 0
    return frame(
        len(lines), line=lines, start=start, end=end, provider="anthropic",
        model=[canonical_model("anthropic", m) for m in model], model_raw=model,
        cost=np.where(credit, 0.0, cost), credits=np.where(credit, cost, 0.0),
        currency=currency, usd_rate=np.where(currency == "USD", 1.0, np.nan),
        has_cost=True, role="cost", direction=direction,
        batch=np.array([str(u).strip().lower() in ("batch", "message_batch") for u in usage_type], dtype=bool),
        key=keys(key, credit),
    )


# ---- Admin API JSON ---------------------------------------------------------------------------




def _is_report(doc) -> bool:
    pages = api_pages(doc)
    return bool(pages) and all(isinstance(p.get("data"), list) for p in pages) and any(
        isinstance(b, dict) and "starting_at" in b for p in pages for b in p["data"])


def is_usage_json(doc) -> bool:
    return _is_report(doc) and any("uncached_input_tokens" in r or "cache_creation" in r for _, _, r in api_results(doc))


def is_cost_json(doc) -> bool:
    return _is_report(doc) and any("amount" in r and not isinstance(r.get("amount"), dict) for _, _, r in api_results(doc))


def _flat(doc, fields) -> Table:
    records, lines = [], []
    for i, bucket, result in api_results(doc):
        flat = {"starting_at": bucket.get("starting_at"), "ending_at": bucket.get("ending_at")}
        for name, value in result.items():
            if isinstance(value, dict):
                for sub, v in value.items():
                    flat[f"{name}.{sub}"] = v
            else:
                flat[name] = value
        records.append({f: "" if flat.get(f) is None else str(flat.get(f)) for f in fields})
        lines.append(i)
    return Table(fields, pd.DataFrame(records, columns=fields, dtype=object), np.asarray(lines, dtype=int))


def _as_results(rejected):
    return [(line, reason.replace("line ", "result ", 1)) for line, reason in rejected]


def parse_usage_json(doc):
    fields = ["starting_at", "ending_at", "model", "api_key_id", "workspace_id", "service_tier", "context_window",
              "inference_geo", "speed", "uncached_input_tokens", "cache_read_input_tokens",
              "cache_creation.ephemeral_5m_input_tokens", "cache_creation.ephemeral_1h_input_tokens", "output_tokens"]
    table = _flat(doc, fields)
    cols = Columns(table)
    start, end = cols.time("starting_at"), cols.time("ending_at")
    model = cols.text("model")
    tier = cols.text("service_tier")
    rows = frame(
        cols.n, line=table.lines, start=start, end=end, provider="anthropic",
        model=[canonical_model("anthropic", m) for m in model], model_raw=model,
        input_tokens=cols.number("uncached_input_tokens", required=True, nonnegative=True),
        cached_input_tokens=cols.number("cache_read_input_tokens", nonnegative=True),
        cache_write_tokens=cols.number("cache_creation.ephemeral_5m_input_tokens", nonnegative=True)
        + cols.number("cache_creation.ephemeral_1h_input_tokens", nonnegative=True),
        output_tokens=cols.number("output_tokens", required=True, nonnegative=True),
        requests=np.nan, has_tokens=True, role="usage", batch=tier == "batch",
        key=keys("anthropic_usage_api", start, end, model, cols.text("api_key_id"), cols.text("workspace_id"),
                 tier, cols.text("context_window"), cols.text("inference_geo"), cols.text("speed")),
    )
    return rows[cols.ok()].reset_index(drop=True), _as_results(cols.rejected()), []


def parse_cost_json(doc):
    fields = ["starting_at", "ending_at", "amount", "currency", "cost_type", "description", "model", "service_tier",
              "token_type", "context_window", "workspace_id", "inference_geo", "speed"]
    table = _flat(doc, fields)
    cols = Columns(table)
    start, end = cols.time("starting_at"), cols.time("ending_at")
    cents = cols.number("amount", required=True)
    model = cols.text("model")
    token_type = cols.text("token_type")
    cost_type = cols.text("cost_type", "tokens")
    key = keys("anthropic_cost_api", start, end, model, cols.text("workspace_id"), cols.text("service_tier"),
               token_type, cost_type, cols.text("description"), cols.text("context_window"),
               cols.text("inference_geo"), cols.text("speed"))
    # the cost report's amount is in cents of `currency` (a decimal string): divide by 100
    rows = _cost_rows(cents / 100.0, cols.text("currency", "USD"), token_type, cost_type, model,
                      cols.text("service_tier"), start, end, table.lines, key)
    warnings = ["the Anthropic cost report excludes Priority Tier spend (Anthropic's documentation); "
                "add it from the invoice if you use Priority Tier"]
    return rows[cols.ok()].reset_index(drop=True), _as_results(cols.rejected()), warnings

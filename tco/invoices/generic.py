"""The generic usage CSV: the format to use when your provider's export is not supported.

Header, exactly (order free, names exact, lower case)::

    date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd

Optional extra columns: ``cache_write_tokens``, ``requests``, ``currency``.

Columns
-------
date : ``YYYY-MM-DD`` (or ``YYYY-MM-DD HH:MM``, ``YYYY-MM``, ISO 8601, Unix seconds), UTC.
    One row per day (or per month) and model is plenty. [UTC]
provider : text, e.g. ``openai``, ``anthropic``, ``aws``, ``azure``, ``google``, ``openrouter``,
    or any other name. Used to group and to look up list prices.
model : text, the provider's model id (``gpt-4o-mini``, ``claude-sonnet-4-5``).
input_tokens : number of input tokens NOT read from a prompt cache and not written to one.
    This EXCLUDES ``cached_input_tokens`` (unlike OpenAI's own ``input_tokens``, which includes
    them). [tokens]
cached_input_tokens : input tokens served from a prompt cache (cache reads). [tokens]
output_tokens : output tokens, reasoning tokens included. [tokens]
cost_usd : what these tokens cost, net of discounts, in USD; leave empty if unknown (then the
    cost is estimated from list prices and flagged). When ``currency`` is given and is not USD,
    put the amount in that currency here; it is kept apart, never converted. [USD]
cache_write_tokens : optional; input tokens written to a prompt cache (Anthropic, Bedrock). [tokens]
requests : optional; number of API requests. [count]
currency : optional; ISO code of ``cost_usd`` when it is not USD (default USD).

Rows that repeat an earlier row exactly (every cell equal) are treated as a repeated upload and
dropped once. A template is in ``data/examples/generic_template.csv``.
"""

from __future__ import annotations

import numpy as np

from tco.invoices.common import Columns, Table, frame, granularity, keys, monthly_if_all_firsts, period_end
from tco.invoices.prices import canonical_model

REQUIRED = ["date", "provider", "model", "input_tokens", "cached_input_tokens", "output_tokens", "cost_usd"]
OPTIONAL = ["cache_write_tokens", "requests", "currency"]


def is_generic_csv(table: Table) -> bool:
    return set(REQUIRED) <= set(table.header)


def parse_generic_csv(table: Table):
    cols = Columns(table)
    start = cols.time("date")
    end = period_end(start, monthly_if_all_firsts(granularity(cols.text("date")), start))
    provider = np.array([str(p).strip().lower() for p in cols.text("provider")], dtype=object)
    model = cols.text("model")
    cols.reject_where(provider == "", "column `provider` is empty")
    cost = cols.number("cost_usd", default=np.nan)
    has_cost = np.isfinite(cost)
    currency = np.array([str(c).strip().upper() or "USD" for c in cols.text("currency", "USD")], dtype=object)
    rows = frame(
        cols.n, line=table.lines, start=start, end=end, provider=provider,
        model=[canonical_model(p, m) for p, m in zip(provider, model)], model_raw=model,
        input_tokens=cols.number("input_tokens", required=True, nonnegative=True),
        cached_input_tokens=cols.number("cached_input_tokens", nonnegative=True),
        cache_write_tokens=cols.number("cache_write_tokens", nonnegative=True),
        output_tokens=cols.number("output_tokens", required=True, nonnegative=True),
        requests=cols.number("requests", nonnegative=True),
        cost=np.where(has_cost, cost, 0.0), currency=currency, usd_rate=np.where(currency == "USD", 1.0, np.nan),
        has_tokens=True, has_cost=has_cost, role="both",
        key=keys("generic", *[cols.text(c) for c in table.header]),
    )
    return rows[cols.ok()].reset_index(drop=True), cols.rejected(), []

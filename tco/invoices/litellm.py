"""LiteLLM proxy: ``LiteLLM_SpendLogs`` rows and the daily spend roll-ups
(``LiteLLM_DailyUserSpend`` / ``…Team…`` / ``…Tag…``).

Conventions (usage-exports.md §7): ``spend`` is USD; ``startTime`` is UTC. SpendLogs do not
separate cached tokens, so they count as input (a warning says so). In the daily roll-ups
``prompt_tokens`` is read as including ``cache_read_input_tokens`` and
``cache_creation_input_tokens`` (OpenAI-style accounting), so input = prompt − read − creation.
"""

from __future__ import annotations

import numpy as np

from tco.invoices.common import Columns, Table, frame, granularity, keys, period_end
from tco.invoices.prices import canonical_model

SPEND_LOG_COLUMNS = {"request_id", "spend", "startTime", "model", "prompt_tokens", "completion_tokens"}
DAILY_COLUMNS = {"date", "spend", "prompt_tokens", "completion_tokens", "api_requests", "model"}


def is_spend_logs_csv(table: Table) -> bool:
    return SPEND_LOG_COLUMNS <= set(table.header)


def is_daily_csv(table: Table) -> bool:
    return DAILY_COLUMNS <= set(table.header)


def _provider(raw: np.ndarray) -> np.ndarray:
    known = {"openai": "openai", "azure": "azure", "anthropic": "anthropic", "bedrock": "aws",
             "vertex_ai": "google", "gemini": "google", "openrouter": "openrouter"}
    return np.array([known.get(str(p).strip().lower(), str(p).strip().lower() or "litellm") for p in raw], dtype=object)


def _model(provider: np.ndarray, model: np.ndarray) -> list[str]:
    # LiteLLM model names may carry a route prefix ("bedrock/anthropic.claude-…")
    return [canonical_model(p, str(m).split("/", 1)[1] if "/" in str(m) and p != "openrouter" else str(m))
            for p, m in zip(provider, model)]


def parse_spend_logs_csv(table: Table):
    cols = Columns(table)
    start = cols.time("startTime")
    provider = _provider(cols.text("custom_llm_provider"))
    model = cols.text("model")
    status = np.array([str(s).strip().lower() for s in cols.text("status", "success")], dtype=object)
    rows = frame(
        cols.n, line=table.lines, start=start, end=period_end([s.normalize() if hasattr(s, "normalize") else s
                                                                for s in start], "day"),
        provider=provider, model=_model(provider, model), model_raw=model,
        input_tokens=cols.number("prompt_tokens", required=True, nonnegative=True),
        output_tokens=cols.number("completion_tokens", required=True, nonnegative=True),
        requests=1.0, cost=cols.number("spend", required=True), has_tokens=True, has_cost=True, role="both",
        key=keys("litellm_log", cols.text("request_id")),
    )
    keep = cols.ok() & (status != "failure")
    warnings = ["LiteLLM SpendLogs do not separate cached tokens: cached input is counted as input"]
    return rows[keep].reset_index(drop=True), cols.rejected(), warnings


def parse_daily_csv(table: Table):
    cols = Columns(table)
    start = cols.time("date")
    provider = _provider(cols.text("custom_llm_provider"))
    model = cols.text("model")
    prompt = cols.number("prompt_tokens", required=True, nonnegative=True)
    read = cols.number("cache_read_input_tokens", nonnegative=True)
    write = cols.number("cache_creation_input_tokens", nonnegative=True)
    identity = [cols.text(c) for c in table.header if c not in ("id", "created_at", "updated_at")]
    rows = frame(
        cols.n, line=table.lines, start=start, end=period_end(start, granularity(cols.text("date"))),
        provider=provider, model=_model(provider, model), model_raw=model,
        input_tokens=np.maximum(prompt - read - write, 0.0), cached_input_tokens=read, cache_write_tokens=write,
        output_tokens=cols.number("completion_tokens", required=True, nonnegative=True),
        requests=cols.number("api_requests", nonnegative=True), cost=cols.number("spend", required=True),
        has_tokens=True, has_cost=True, role="both", key=keys("litellm_daily", *identity),
    )
    return rows[cols.ok()].reset_index(drop=True), cols.rejected(), []

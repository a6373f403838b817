"""OpenRouter: the Logs/Activity CSV export, one row per generation.

Conventions (usage-exports.md §6): ``created_at`` has no timezone and is UTC; ``cost_total`` is
USD; on BYOK rows (your own provider key) OpenRouter's charge is 0 and the upstream spend is in
``byok_usage_inference``, which is the cost used here. ``tokens_prompt`` includes cached tokens
(``tokens_cached``, absent from older exports), so input = prompt − cached.
"""

from __future__ import annotations

import numpy as np

from tco.invoices.common import Columns, Table, frame, keys, period_end
from tco.invoices.prices import canonical_model

COLUMNS = {"generation_id", "created_at", "cost_total", "tokens_prompt", "tokens_completion"}


def is_activity_csv(table: Table) -> bool:
    return COLUMNS <= set(table.header) and bool({"model_permaslug", "model"} & set(table.header))


def parse_activity_csv(table: Table):
    cols = Columns(table)
    start = cols.time("created_at")
    cost = cols.number("cost_total", required=True)
    byok = cols.number("byok_usage_inference")
    is_byok = (cost == 0) & (byok > 0)
    prompt = cols.number("tokens_prompt", required=True, nonnegative=True)
    cached = cols.number("tokens_cached", nonnegative=True)
    model = cols.text("model_permaslug" if table.has("model_permaslug") else "model")
    rows = frame(
        cols.n, line=table.lines, start=start, end=period_end([s.normalize() if hasattr(s, "normalize") else s
                                                                for s in start], "day"),
        provider="openrouter", model=[canonical_model("openrouter", m) for m in model], model_raw=model,
        input_tokens=np.maximum(prompt - cached, 0.0), cached_input_tokens=np.minimum(cached, prompt),
        output_tokens=cols.number("tokens_completion", required=True, nonnegative=True),
        requests=1.0, cost=np.where(is_byok, byok, cost), has_tokens=True, has_cost=True, role="both",
        key=keys("openrouter", cols.text("generation_id")),
    )
    cols.reject_where(cols.text("generation_id") == "", "column `generation_id` is empty")
    warnings = []
    if is_byok.any():
        warnings.append(f"{int(is_byok.sum())} BYOK generations: cost taken from `byok_usage_inference` "
                        "(billed by your own provider key, not by OpenRouter)")
    if not table.has("tokens_cached"):
        warnings.append("this export has no `tokens_cached` column (older format): cached input counted as input")
    return rows[cols.ok()].reset_index(drop=True), cols.rejected(), warnings

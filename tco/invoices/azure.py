"""Azure OpenAI: Cost Management "Cost details" export (MCA, 65 columns; UTF-8 BOM).

Conventions (usage-exports.md §4): ``quantity`` is in ``unitOfMeasure`` ("1K" or "1M" tokens;
both occur in one region), so tokens = quantity x unit; money is ``costInBillingCurrency`` in
``billingCurrency``, converted to USD only through the file's own ``costInUsd`` column. ``date``
is ``MM/DD/YYYY`` or ISO. Meter names are inconsistent, so they are read through the word lists
below. Rows of other Azure services are ignored.
"""

from __future__ import annotations

import re

import numpy as np

from tco.explain import count
from tco.invoices.common import Columns, Table, frame, keys, period_end
from tco.invoices.prices import canonical_model

#: meter-name words -> meaning (lower case; a meter name is split on spaces and dashes)
INPUT_WORDS = {"inp", "input", "inpt", "in"}
OUTPUT_WORDS = {"outp", "output", "outpt", "out"}
CACHED_WORDS = {"cached", "cache", "cchd"}
BATCH_WORDS = {"batch"}
DEPLOYMENT_WORDS = {"glbl", "global", "regnl", "regional", "rgnl", "dzone", "datazone", "dz", "data", "zone", "ptu"}
TAIL_WORDS = {"tokens", "token", "tkns"}
#: Azure meters name OpenAI snapshots by MMDD; the year is the snapshot's release year.
SNAPSHOT_DATES = {"0513": "2024-05-13", "0806": "2024-08-06", "1120": "2024-11-20", "0718": "2024-07-18",
                  "0409": "2024-04-09", "0125": "2024-01-25", "1106": "2023-11-06", "0613": "2023-06-13",
                  "0301": "2023-03-01"}


def is_cost_details_csv(table: Table) -> bool:
    cols = set(table.header)
    return {"meterName", "quantity", "unitOfMeasure", "date"} <= cols and bool(
        cols & {"costInBillingCurrency", "costInUsd", "costInPricingCurrency"})


def read_meter(meter: str) -> tuple[str, str, bool]:
    """``"gpt-4o-0806-Inp-glbl Tokens"`` -> ``("gpt-4o-2024-08-06", "input", False)``.

    Returns (model, direction, batch); direction "other" for a meter that is not a token meter.
    """
    words = [w for w in re.split(r"[\s\-]+", meter.strip().lower()) if w]
    if not words or not (set(words) & TAIL_WORDS):
        return _model(words), "other", False
    batch = bool(set(words) & BATCH_WORDS)
    cached = bool(set(words) & CACHED_WORDS)
    direction = "other"
    if set(words) & INPUT_WORDS:
        direction = "cached_input" if cached else "input"
    elif set(words) & OUTPUT_WORDS:
        direction = "output"
    elif cached:
        direction = "cached_input"
    drop = INPUT_WORDS | OUTPUT_WORDS | CACHED_WORDS | BATCH_WORDS | DEPLOYMENT_WORDS | TAIL_WORDS
    return _model([w for w in words if w not in drop]), direction, batch


def _model(words: list[str]) -> str:
    if len(words) >= 2 and words[-1] in SNAPSHOT_DATES and words[0].startswith("gpt"):
        words = words[:-1] + [SNAPSHOT_DATES[words[-1]]]
    return "-".join(words)


def _unit(raw: str) -> float:
    m = re.match(r"^\s*(\d+(?:\.\d+)?)?\s*([kKmM])?", str(raw))
    number = float(m.group(1)) if m and m.group(1) else 1.0
    scale = {"k": 1e3, "m": 1e6}.get((m.group(2) or "").lower(), 1.0) if m else 1.0
    return number * scale


def parse_cost_details_csv(table: Table):
    cols = Columns(table)
    meter = cols.text("meterName")
    sub = cols.text("meterSubCategory")
    category = cols.text("meterCategory")
    read = [read_meter(m) for m in meter]
    direction = np.array([d for _, d, _ in read], dtype=object)
    openai_rows = np.array([d != "other" or "openai" in f"{s} {c}".lower() or "foundry" in f"{s} {c}".lower()
                            for d, s, c in zip(direction, sub, category)], dtype=bool)
    start = cols.time("date")
    quantity = cols.number("quantity")
    cost_name = "costInBillingCurrency" if table.has("costInBillingCurrency") else (
        "costInPricingCurrency" if table.has("costInPricingCurrency") else "costInUsd")
    cost = cols.number(cost_name, required=True)
    currency_name = "billingCurrency" if cost_name != "costInUsd" else None
    currency = np.array([str(c).strip().upper() or "USD" for c in cols.text(currency_name or "", "USD")], dtype=object)
    usd_rate = np.where(currency == "USD", 1.0, np.nan)
    if table.has("costInUsd") and cost_name != "costInUsd":
        in_usd = cols.number("costInUsd", default=np.nan)
        known = np.isfinite(in_usd) & (cost != 0)
        usd_rate = np.where(known, in_usd / np.where(cost != 0, cost, 1.0), usd_rate)
    charge_type = np.array([str(c).strip().lower() for c in cols.text("chargeType", "Usage")], dtype=object)
    is_refund = charge_type == "refund"
    is_tax = charge_type == "tax"
    is_usage = charge_type == "usage"
    units = np.array([_unit(u) for u in cols.text("unitOfMeasure", "1")])
    has_tokens = is_usage & (direction != "other")
    cols.reject_where(openai_rows & has_tokens & (quantity < 0), "a usage row with a negative quantity; "
                      "refunds should have chargeType Refund")
    tokens = np.where(has_tokens, quantity * units, 0.0)
    model_raw = np.array([m for m, _, _ in read], dtype=object)
    charge = ~(is_refund | is_tax)
    rows = frame(
        cols.n, line=table.lines, start=start, end=period_end(start, "day"), provider="azure",
        model=[canonical_model("azure", m) for m in model_raw], model_raw=model_raw,
        input_tokens=np.where(direction == "input", tokens, 0.0),
        cached_input_tokens=np.where(direction == "cached_input", tokens, 0.0),
        output_tokens=np.where(direction == "output", tokens, 0.0),
        cost=np.where(charge, cost, 0.0), refunds=np.where(is_refund, cost, 0.0), tax=np.where(is_tax, cost, 0.0),
        currency=currency, usd_rate=usd_rate, has_tokens=has_tokens, has_cost=True, role="both",
        direction=np.where(has_tokens, direction, "other"),
        batch=np.array([b for _, _, b in read], dtype=bool),
        key=keys("azure", cols.text("date"), cols.text("meterId"), meter, cols.text("ResourceId"),
                 cols.text("SubscriptionId"), charge_type, cols.text("pricingModel"), cols.text("benefitId"),
                 cols.text("invoiceSectionId"), cols.text("tags"), cols.text("additionalInfo")),
    )
    warnings = []
    ignored = int((~openai_rows).sum())
    if ignored:
        warnings.append(f"{count(ignored, 'row')} of other Azure services (not Azure OpenAI token meters) ignored")
    foreign = sorted(set(currency[openai_rows & ~np.isfinite(usd_rate) & (cost != 0)]))
    if foreign:
        warnings.append(f"billing currency {', '.join(foreign)} without a costInUsd column: amounts kept unconverted")
    return rows[cols.ok() & openai_rows].reset_index(drop=True), cols.rejected(), warnings

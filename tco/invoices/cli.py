"""``invoices FILE... --json``: read exports and print the monthly table and baseline as JSON.

Exit status 0 when at least one file was read, 1 when none was (or on a usage error); one line on
stderr per file that could not be read. Nothing is written except to stdout and stderr.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from tco.invoices import load_files

USAGE = "usage: invoices FILE... [--json]"
_MONTH_FIELDS = ["month", "provider", "model", "input_tokens", "cached_input_tokens", "cache_write_tokens",
                 "output_tokens", "requests", "cost_usd"]


def _clean(value):
    """JSON-safe: NaN and infinities become null, numpy scalars plain numbers."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def report(result) -> dict:
    """The JSON document for an :class:`~tco.invoices.ImportResult`."""
    formats = {f.name: f.format for f in result.files}
    formats.update({name: f"error: {message}" for name, message in result.errors})
    # `estimated` as the page's "Estimated" column: true when the tokens or the cost of the month
    # were estimated at list price; which of the two in the other fields
    months = [{**{k: _clean(rec[k]) for k in _MONTH_FIELDS},
               "estimated": bool(rec["estimated"] or rec["cost_estimated"]),
               "tokens_estimated": bool(rec["estimated"]), "cost_estimated": bool(rec["cost_estimated"])}
              for rec in result.months.to_dict("records")]
    for rec, currency, cost in zip(months, result.months["currency"], result.months["cost"]):
        if currency != "USD":
            rec["currency"], rec["cost"] = currency, _clean(cost)
    return _clean({
        "format": formats,
        "months": months,
        "rejected_rows": result.rejected_rows,
        "warnings": result.warnings,
        "errors": [{"file": name, "message": message} for name, message in result.errors],
        "duplicates_dropped": result.duplicates_dropped,
        "baseline": _with_link(result.baseline),
    })


def _with_link(baseline: dict) -> dict:
    """The baseline plus ``link_query``: the query string "Use as baseline" applies to the default
    scenario (``python -m tco summary --json --link "http://host/?<link_query>"`` evaluates it)."""
    from tco.invoices.baseline import link_query
    if not baseline.get("tokens_per_month"):
        return baseline
    return {**baseline, "link_query": link_query(baseline)}


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--json"]
    if not args or any(a.startswith("-") for a in args):
        print(USAGE, file=sys.stderr)
        return 1
    files, failures = [], []
    for arg in args:
        path = Path(arg)
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            failures.append((path.name, f"cannot open {arg}: {exc.strerror or exc}"))
    result = load_files(files)
    result.errors[:0] = failures
    for name, message in result.errors:
        first = message.splitlines()[0] if message else "unreadable"
        print(f"invoices: {first if first.startswith(name) else name + ': ' + first}", file=sys.stderr)
    print(json.dumps(report(result), indent=2, default=str))
    return 0 if result.files else 1

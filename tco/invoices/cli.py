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
                 "output_tokens", "requests", "cost_usd", "estimated"]


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
    months = [{k: _clean(rec[k]) for k in _MONTH_FIELDS} for rec in result.months.to_dict("records")]
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
        "baseline": result.baseline,
    })


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

"""Import LLM API bills and usage exports into a monthly table and a fitted baseline.

Conventions: money in USD unless a ``currency`` column says otherwise (never converted unless the
file gives a USD amount or rate); months are UTC ``"YYYY-MM"``; ``input_tokens`` EXCLUDES cached
input and cache writes everywhere after parsing; costs positive, credits and refunds negative.
Files are parsed from bytes in memory: nothing is written to disk or sent anywhere.

Public API::

    parse_file(name, data) -> ParsedFile        # raises InvoiceError only
    load_files([(name, data), ...]) -> ImportResult   # never raises for a bad file
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tco.invoices.common import InvoiceError, decode_text, read_json, read_table
from tco.invoices.detect import FORMATS, detect_csv, detect_json, supported_formats
from tco.invoices.generic import REQUIRED as GENERIC_HEADER

__all__ = ["InvoiceError", "MAX_FILE_BYTES", "ParsedFile", "ImportResult", "parse_file", "load_files", "FORMATS"]

#: Largest upload accepted [bytes]; a year of daily rows per model is far below this.
MAX_FILE_BYTES = 20 * 1024 * 1024
GENERIC_TEMPLATE = "data/examples/generic_template.csv"


@dataclass(frozen=True)
class ParsedFile:
    """One file, read.

    Attributes
    ----------
    name : the uploaded file name.
    format : format id, e.g. ``"openai_usage_csv"``.
    format_label : human name of the format.
    rows : normalised line items, columns :data:`tco.invoices.common.ROW_COLUMNS` (tokens are
        counts, ``input_tokens`` excludes cached and cache-write tokens; money in ``currency``).
    rejected : ``(line number, reason)`` for each row that could not be read (1-based lines).
    warnings : things the reader should know (estimates, currencies, encodings).
    spend_only : True when the format carries spend but no token counts.
    """
    name: str
    format: str
    format_label: str
    rows: pd.DataFrame
    rejected: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    spend_only: bool = False


@dataclass
class ImportResult:
    """Several files, merged.

    Attributes
    ----------
    files : the :class:`ParsedFile` of every file that could be read.
    errors : ``(file name, message)`` for every file that could not be read.
    months : one row per month x provider x model x currency; columns
        :data:`tco.invoices.aggregate.MONTH_COLUMNS` (tokens [count], money [USD unless
        ``currency``], ``usd_per_mtok`` [USD per 1M tokens], ``estimated`` [bool]).
    rejected_rows : ``{"file", "line", "reason"}`` per rejected row.
    warnings : messages for the reader, each prefixed by the file name when it concerns one.
    duplicates_dropped : rows dropped because another upload already held them [count].
    baseline : the fitted baseline, see :func:`tco.invoices.baseline.fit_baseline`.
    """
    files: list
    errors: list
    months: pd.DataFrame
    rejected_rows: list
    warnings: list
    duplicates_dropped: int
    baseline: dict


def _unknown(name: str, what: str) -> InvoiceError:
    return InvoiceError(
        f"{name}: {what}. Supported formats:\n{supported_formats()}\n"
        f"Or convert your data to the generic CSV with header `{','.join(GENERIC_HEADER)}` "
        f"(template: {GENERIC_TEMPLATE})."
    )


def parse_file(name: str, data: bytes) -> ParsedFile:
    """Detect the format of one export and read it. Raises :class:`InvoiceError` only."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvoiceError(f"{name}: expected the file's bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise InvoiceError(f"{name}: the file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                           f"{MAX_FILE_BYTES // 1024 // 1024} MB. Export a shorter period or daily rows grouped by model.")
    if not data.strip():
        raise InvoiceError(f"{name}: the file is empty")
    try:
        text, warnings = decode_text(data)
        doc = read_json(text)
        if doc is not None:
            fmt = detect_json(doc)
            if fmt is None:
                raise _unknown(name, "this JSON is not a usage or cost export we know")
            rows, rejected, more = fmt.parse(doc)
        else:
            if text.lstrip().startswith(("{", "[")):
                raise _unknown(name, "the file looks like JSON but is not valid JSON")
            table = read_table(text)
            fmt = detect_csv(table)
            if fmt is None:
                shown = ", ".join(table.header[:12]) + (", ..." if len(table.header) > 12 else "")
                raise _unknown(name, f"the header ({shown}) is not one we know")
            rows, rejected, more = fmt.parse(table)
    except InvoiceError as exc:
        message = str(exc)
        raise InvoiceError(message if message.startswith(f"{name}:") else f"{name}: {message}") from None
    except Exception as exc:  # a parser bug must not reach the user as a traceback
        raise InvoiceError(f"{name}: could not read the file ({type(exc).__name__}: {exc})") from None
    warnings = warnings + list(more)
    if len(rows) == 0 and rejected:
        warnings.append(f"no row could be read: all {len(rejected)} data rows were rejected")
    return ParsedFile(name, fmt.id, fmt.label, rows, list(rejected), warnings, fmt.spend_only)


def load_files(files: list[tuple[str, bytes]]) -> ImportResult:
    """Read several files and merge them into monthly totals and a baseline; never raises for a
    bad file (its error is recorded in ``errors`` and the other files are kept)."""
    from tco.invoices.aggregate import aggregate
    from tco.invoices.baseline import fit_baseline

    parsed, errors = [], []
    for name, data in files:
        try:
            parsed.append(parse_file(name, data))
        except InvoiceError as exc:
            errors.append((name, str(exc)))
    months, warnings, duplicates = aggregate(parsed)
    baseline, more = fit_baseline(months)
    rejected = [{"file": p.name, "line": line, "reason": reason} for p in parsed for line, reason in p.rejected]
    file_warnings = [f"{p.name}: {w}" for p in parsed for w in p.warnings]
    return ImportResult(parsed, errors, months, rejected, file_warnings + warnings + more, duplicates, baseline)

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

import numpy as np
import pandas as pd

from tco.invoices.common import InvoiceError, decode_text, read_json, read_table
from tco.invoices.detect import FORMATS, detect_csv, detect_json, supported_formats
from tco.invoices.generic import REQUIRED as GENERIC_HEADER

__all__ = ["InvoiceError", "MAX_FILE_BYTES", "MAX_FILE_MB", "MAX_SESSION_BYTES", "ParsedFile", "ImportResult",
           "parse_file", "load_files", "merge", "FORMATS"]

#: Largest upload accepted [MB = 1,000,000 bytes]; a year of daily rows per model is far below
#: this. Decimal megabytes because Streamlit's uploader counts them so (its "20.0MB per file"
#: refuses anything above 20,000,000 bytes); the server's own cap (``server.maxUploadSize`` in
#: .streamlit/config.toml, in MiB) is a little larger, so this is the limit a person meets.
MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1_000_000
#: Bills held by one session [bytes]: uploads beyond it are refused, so that a session's memory
#: stays bounded (each file parsed keeps about half its size in tables).
MAX_SESSION_BYTES = 50_000_000
#: Largest token count one line item or one month may hold [tokens]: the Scenario's own upper
#: bound for a month's volume (100 trillion tokens, ~1,000x the largest API bills we know of).
MAX_TOKENS = 1e14
#: Largest amount one line item or one month may hold [file currency, USD for the month]:
#: a billion a month, far above any LLM bill; beyond it a value is a typo or an attack.
MAX_AMOUNT = 1e9
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
        raise InvoiceError(f"{name}: the file is {len(data) / 1e6:.1f} MB; the limit is "
                           f"{MAX_FILE_MB} MB. Export a shorter period or daily rows grouped by model.")
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
            del text, doc   # the cells are in the table now: 20 MB less while the rows are built
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
    rows, rejected = _check_rows(rows, list(rejected), warnings)
    if len(rows) == 0 and rejected:
        warnings.append(f"no row could be read: all {len(rejected)} data rows were rejected")
    return ParsedFile(name, fmt.id, fmt.label, rows, list(rejected), warnings, fmt.spend_only)


def _check_rows(rows: pd.DataFrame, rejected: list, warnings: list[str],
                today: pd.Timestamp | None = None) -> tuple[pd.DataFrame, list]:
    """Rows a parser read, minus those no bill can hold (with a reason each): a count or amount
    that is not finite or beyond :data:`MAX_TOKENS` / :data:`MAX_AMOUNT`, or a month after the
    current one (``today``: now, UTC). Warns when usage charges are negative (credits and refunds
    a format names are kept apart in their own columns and are not counted here)."""
    if rows.empty:
        return rows, rejected
    from tco.invoices.common import MONEY_COLUMNS, TOKEN_COLUMNS
    today = today or pd.Timestamp.now(tz="UTC")
    bad: dict[int, str] = {}
    for column, limit, what in ([(c, MAX_TOKENS, "tokens") for c in TOKEN_COLUMNS + ["requests"]]
                                + [(c, MAX_AMOUNT, "amount") for c in MONEY_COLUMNS]):
        values = rows[column].to_numpy(dtype=float)
        for i in np.flatnonzero(np.isinf(values) | (np.abs(np.nan_to_num(values)) > limit)):
            bad.setdefault(int(i), f"line {rows['line'].iat[i]}: `{column}` = {values[i]:.4g} is beyond the "
                                   f"largest {what} a bill line can hold ({limit:.0e})")
    start = pd.to_datetime(rows["start"], utc=True)
    first_future = (today.tz_convert("UTC").tz_localize(None).to_period("M") + 1).start_time.tz_localize("UTC")
    for i in np.flatnonzero((start >= first_future).to_numpy(dtype=bool)):
        bad.setdefault(int(i), f"line {rows['line'].iat[i]}: the month {start.iat[i]:%Y-%m} is after the current "
                               f"month ({today:%Y-%m}); a bill cannot cover it yet")
    end = pd.to_datetime(rows["end"], utc=True)
    for i in np.flatnonzero((end.notna() & start.notna() & (end < start)).to_numpy(dtype=bool)):
        bad.setdefault(int(i), f"line {rows['line'].iat[i]}: the period ends ({end.iat[i]:%Y-%m-%d %H:%M}) "
                               f"before it starts ({start.iat[i]:%Y-%m-%d %H:%M})")
    if bad:
        rejected = sorted(rejected + [(int(rows["line"].iat[i]), reason) for i, reason in bad.items()])
        rows = rows.drop(index=rows.index[list(bad)]).reset_index(drop=True)
    negative = rows["cost"].to_numpy(dtype=float) < 0
    if negative.any():
        warnings.append(f"{int(negative.sum()):,} line{'s' if negative.sum() != 1 else ''} with a negative usage "
                        f"charge (total {rows['cost'][negative].sum():,.2f} {rows['currency'][negative].iat[0]}), "
                        "which lowers the spend of its month; if these are credits or refunds, check that "
                        "they belong to these bills")
    return rows, rejected


def _check_months(months: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Months whose totals no bill can reach (beyond MAX_TOKENS tokens or MAX_AMOUNT USD, summed
    over files) are left out with a warning."""
    if months.empty:
        return months
    from tco.invoices.common import TOKEN_COLUMNS
    tokens = months[TOKEN_COLUMNS].sum(axis=1).to_numpy(dtype=float)
    usd = months["cost_usd"].to_numpy(dtype=float)
    bad = ~np.isfinite(tokens) | (tokens > MAX_TOKENS) | np.isinf(usd) | (np.abs(np.nan_to_num(usd)) > MAX_AMOUNT)
    for i in np.flatnonzero(bad):
        r = months.iloc[i]
        warnings.append(f"{r['month']} {r['provider']} {r['model']}: left out; its total ({tokens[i]:.4g} tokens, "
                        f"{usd[i]:.4g} USD) is beyond what a month of bills can hold "
                        f"({MAX_TOKENS:.0e} tokens, {MAX_AMOUNT:.0e} USD)")
    return months[~bad].reset_index(drop=True)


def load_files(files: list[tuple[str, bytes]]) -> ImportResult:
    """Read several files and merge them into monthly totals and a baseline; never raises for a
    bad file (its error is recorded in ``errors`` and the other files are kept)."""
    parsed, errors = [], []
    for name, data in files:
        try:
            parsed.append(parse_file(name, data))
        except InvoiceError as exc:
            errors.append((name, str(exc)))
    return merge(parsed, errors)


def merge(parsed: list[ParsedFile], errors: list[tuple[str, str]] | None = None) -> ImportResult:
    """Merge files already read (:func:`parse_file`) into monthly totals and a baseline; the page
    reads each file once and merges again whenever the set of files changes."""
    from tco.invoices.aggregate import aggregate
    from tco.invoices.baseline import fit_baseline, hourly_profile

    errors = list(errors or [])
    months, warnings, duplicates = aggregate(parsed)
    months = _check_months(months, warnings)
    baseline, more = fit_baseline(months)
    hourly = hourly_profile(parsed)
    if hourly is not None:
        baseline["hourly"] = hourly
    rejected = [{"file": p.name, "line": line, "reason": reason} for p in parsed for line, reason in p.rejected]
    file_warnings = [f"{p.name}: {w}" for p in parsed for w in p.warnings]
    return ImportResult(parsed, errors, months, rejected, file_warnings + warnings + more, duplicates, baseline)

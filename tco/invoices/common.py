"""Decoding shared by every export format: bytes → text → table of strings → typed columns.

Conventions: every timestamp is UTC (a naive one is taken as UTC, as the vendors document);
months are ``"YYYY-MM"`` of the UTC start of a bucket; line numbers are 1-based physical lines of
the uploaded file (the header is line 1). Nothing here touches the disk or the network: input is
``bytes`` held in memory.

Traps handled (see /work/shared/reference/usage-exports.md §8): UTF-8 BOM, UTF-16 (Excel "Unicode
text"), latin-1/cp1252 fallback after an Excel re-save, CRLF, ``;`` or tab separators with decimal
commas, quoted thousands separators (``"1,983,966"``), currency symbols, scientific notation.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

# The text cells of a parsed export are Arrow-backed (pandas' "str", read_table below) and come
# from Arrow's default pool, whose mimalloc keeps the pages a parse frees: a 20 MB export then
# peaked 45 MB higher in resident memory (166 MB against 121 MB with the system allocator,
# `python -m tco bench --uploads`). One pool for the process; an ARROW_DEFAULT_MEMORY_POOL set by
# whoever runs it wins.
if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
    pa.set_memory_pool(pa.system_memory_pool())

#: Columns of the normalised line-item table every parser returns (``ParsedFile.rows``).
#: Token counts are plain counts; ``input_tokens`` EXCLUDES cached reads and cache writes.
#: Money columns are in ``currency``; ``usd_rate`` converts them to USD (NaN when the file does
#: not say). ``role`` is "usage" (tokens only), "cost" (spend only, or spend with quantities) or
#: "both"; ``direction`` names the token kind a spend-only line paid for, if the file says it.
ROW_COLUMNS = [
    "line", "start", "end", "provider", "model", "model_raw",
    "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "requests",
    "cost", "credits", "refunds", "tax", "currency", "usd_rate",
    "has_tokens", "has_cost", "role", "direction", "batch", "key",
]
TOKEN_COLUMNS = ["input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens"]
MONEY_COLUMNS = ["cost", "credits", "refunds", "tax"]


class InvoiceError(ValueError):
    """A file we cannot read. The message names the problem so a person can act on it."""


DecodeError = InvoiceError


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes to text; return ``(text, warnings)``.

    UTF-8 (with or without BOM) first, UTF-16 when a UTF-16 BOM is present, then cp1252 and latin-1
    (an Excel re-save on Windows), which never fail. Newlines are normalised to ``\\n``.
    """
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"the file starts with a UTF-16 mark but is not valid UTF-16 ({exc.reason})") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            warnings.append("the file is not UTF-8 (probably re-saved by Excel); read it as Windows-1252")
    if "\x00" in text:
        raise DecodeError("the file holds NUL bytes; it looks binary, not a CSV or JSON export")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, warnings


@dataclass
class Table:
    """A CSV file as strings: ``header`` names (stripped), ``cells`` (one column per name) and
    ``lines`` (the 1-based physical line each record ends on)."""
    header: list[str]
    cells: pd.DataFrame
    lines: np.ndarray
    delimiter: str = ","
    decimal_comma: bool = False
    overlong: list[tuple[int, str]] = field(default_factory=list)

    def has(self, *names: str) -> bool:
        return all(name in self.cells.columns for name in names)


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: _count_outside_quotes(first_line, d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


_DECIMAL_COMMA = re.compile(r"^-?[\d.\s\u00a0]*\d,\d+$")


#: Widest header read [columns]. AWS CUR, the widest export we know, has a few hundred (with
#: resource tags); a wider header is refused before any row is read.
MAX_COLUMNS = 2000


def _lines(text: str):
    """The lines of ``text``, newline kept, one at a time (csv.reader takes any iterable; a
    StringIO would hold a second, wider copy of the whole file)."""
    return (m.group() for m in re.finditer(r"[^\n]*\n|[^\n]+$", text))


def read_table(text: str) -> Table:
    """Parse CSV text into a :class:`Table` of strings; the separator is sniffed from the header.

    Records shorter than the header are padded with empty cells (trailing summary rows are
    ragged in real exports); longer ones are kept in ``overlong`` for the parser to reject. A
    header wider than :data:`MAX_COLUMNS` is refused before any row is read. Cells are stripped
    as they are read and equal cells of a column share one string, which keeps a 20 MB export
    in well under 150 MB (most cells repeat: zeros, model names, flags).
    """
    stripped = text.lstrip("\n")
    skipped = len(text) - len(stripped)
    first = stripped.split("\n", 1)[0] if stripped.find("\n", 0, 1 << 22) >= 0 else stripped[:1 << 22]
    delimiter = _sniff_delimiter(first[:1 << 16])
    if first.count(delimiter) >= MAX_COLUMNS and _count_outside_quotes(first, delimiter) >= MAX_COLUMNS:
        raise DecodeError(f"the header has {_count_outside_quotes(first, delimiter) + 1:,} columns; "
                          f"an export has at most {MAX_COLUMNS:,}")
    reader = csv.reader(_lines(stripped), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise DecodeError("the file is empty") from None
    except csv.Error as exc:
        raise DecodeError(f"the header line is not valid CSV ({exc})") from None
    header = [h.strip().strip("\ufeff").strip() for h in header]
    width = len(header)
    if width > MAX_COLUMNS:  # a header whose quoted newlines hid its width from the check above
        raise DecodeError(f"the header has {width:,} columns; an export has at most {MAX_COLUMNS:,}")
    columns: list[list[str]] = [[] for _ in range(width)]
    shared: list[dict[str, str]] = [{} for _ in range(width)]
    lines, overlong = [], []
    try:
        for record in reader:
            line = reader.line_num + skipped
            if not record or all(not c.strip() for c in record):
                continue
            if len(record) > width:
                if any(c.strip() for c in record[width:]):
                    overlong.append((line, f"line {line} has {len(record)} fields; the header has {width}"))
                    continue
                record = record[:width]
            for j, c in enumerate(record):
                c = c.strip()
                columns[j].append(shared[j].setdefault(c, c))
            for j in range(len(record), width):
                columns[j].append("")
            lines.append(line)
    except csv.Error as exc:
        raise DecodeError(f"line {reader.line_num + skipped} is not valid CSV ({exc})") from None
    del shared
    # duplicate header names: keep the first, rename the others so columns stay addressable
    seen: dict[str, int] = {}
    names = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        names.append(h if seen[h] == 1 else f"{h}.{seen[h] - 1}")
    # Arrow-backed text (pandas' "str"): the cells of a 20 MB export take ~20 MB, not ~60 MB of objects
    cells = pd.DataFrame({i: pd.array(col, dtype="str") for i, col in enumerate(columns)})
    del columns
    cells.columns = names if width else cells.columns
    if not width:
        cells = pd.DataFrame(columns=names, dtype=object)
    decimal_comma = False
    if delimiter != "," and len(cells):
        sample = cells.head(200).to_numpy().ravel()
        decimal_comma = any(_DECIMAL_COMMA.match(str(s)) for s in sample)
    return Table(names, cells.reset_index(drop=True), np.asarray(lines, dtype=int), delimiter, decimal_comma, overlong)


def read_json(text: str) -> object | None:
    """The parsed JSON document, or ``None`` when the text is not JSON."""
    body = text.strip()
    if not body or body[0] not in "[{":
        return None
    try:
        return json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        return None


_NUMBER_JUNK = re.compile(r"[\s\u00a0$€£¥_']")


def api_pages(doc) -> list[dict]:
    """The pages of an API JSON document: one page object, or a list of page objects."""
    if isinstance(doc, dict):
        return [doc]
    if isinstance(doc, list) and all(isinstance(p, dict) for p in doc):
        return doc
    return []


def api_results(doc):
    """Yield (index, bucket, result) over every result of bucketed API JSON pages.

    OpenAI's Usage/Costs API and Anthropic's Admin API share this shape: a page (or a list of
    pages) ``{"data": [{<bucket times>, "results": [{...}, ...]}, ...]}``. ``index`` is the
    1-based result number (the "line" of a rejected row); buckets and results that are not objects
    are skipped.
    """
    i = 0
    for page in api_pages(doc):
        for bucket in page.get("data") or []:
            if not isinstance(bucket, dict):
                continue
            for result in bucket.get("results") or []:
                i += 1
                if isinstance(result, dict):
                    yield i, bucket, result


def parse_number(raw: object, decimal_comma: bool = False) -> float:
    """One cell to float; ``nan`` when empty; raises ``ValueError`` when it is not a number.

    Accepts thousands separators (``1,983,966``; ``1.983.966,5`` when ``decimal_comma``),
    currency symbols, accounting negatives ``(12.50)`` and scientific notation.
    """
    if raw is None:
        return float("nan")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    s = str(raw).strip()
    if s == "" or s.lower() in ("nan", "null", "none"):
        return float("nan")
    negative = s.startswith("(") and s.endswith(")")
    s = _NUMBER_JUNK.sub("", s.strip("()"))
    if decimal_comma:
        s = s.replace(".", "").replace(",", ".")
    elif "," in s:
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", s):
            s = s.replace(",", "")
        else:
            raise ValueError(s)
    value = float(s)  # raises ValueError on junk
    if not np.isfinite(value):
        raise ValueError(s)
    return -value if negative else value


_MDY = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}")
_UNIX = re.compile(r"^\d{9,13}(\.0+)?$")


def parse_time(raw: object) -> pd.Timestamp:
    """One cell to a UTC timestamp; raises ``ValueError`` when it is not a date.

    Unix seconds (or milliseconds), ISO 8601 with or without offset, ``… UTC`` (BigQuery),
    ``YYYY-MM-DD[ HH:MM]`` (Anthropic), ``MM/DD/YYYY`` (Azure; ``DD/MM`` when the first part > 12).
    Naive values are UTC.
    """
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    s = str(raw).strip()
    if not s:
        raise ValueError("empty")
    if _UNIX.match(s) or re.fullmatch(r"\d\.\d+[eE]\+?\d+", s):
        value = float(s)
        millis = value > 1e11   # 1e11 s is the year 5138; 1e11 ms is 1973
        if not 0 < (value / 1000.0 if millis else value) < 4.2e9:
            raise ValueError(s)
        # milliseconds as whole milliseconds: 1761955200123 / 1000 in floats is off by nanoseconds
        return pd.Timestamp(round(value), unit="ms", tz="UTC") if millis else pd.Timestamp(value, unit="s", tz="UTC")
    s = re.sub(r"\s*(UTC|GMT|Z)$", "+00:00", s)
    if _MDY.match(s):
        first, second = (int(x) for x in s.split("/")[:2])
        fmt = "%d/%m/%Y" if first > 12 else "%m/%d/%Y"
        date_part, _, time_part = s.partition(" ")
        ts = pd.to_datetime(date_part, format=fmt)
        if time_part:
            ts = ts + pd.to_timedelta(time_part if time_part.count(":") == 2 else time_part + ":00")
    else:
        if not re.match(r"^\d{4}-\d{2}(-\d{2})?", s):
            raise ValueError(s)
        ts = pd.Timestamp(s)
    if ts is pd.NaT or pd.isna(ts):
        raise ValueError(s)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    if not 1990 <= ts.year <= 2100:
        raise ValueError(s)
    return ts


class Columns:
    """Typed access to a :class:`Table`'s cells that records, per line, why a row is rejected.

    ``number``/``time`` return a column of floats/timestamps; a cell that cannot be read marks
    its row bad with a message naming the line, the column and the value.
    """

    def __init__(self, table: Table):
        self.table = table
        self.n = len(table.cells)
        self.bad: dict[int, str] = {}  # row index -> reason

    def text(self, name: str, default: str = "") -> np.ndarray:
        if name in self.table.cells.columns:
            # equal cells share one str object (a column of 100k cells holds a few hundred distinct
            # ones): an object array of pointers, not a new string per cell
            codes, uniques = pd.factorize(self.table.cells[name].astype(str))
            return np.asarray(uniques, dtype=object)[codes] if len(uniques) else np.full(self.n, "", dtype=object)
        return np.full(self.n, default, dtype=object)

    def present(self, name: str) -> np.ndarray:
        """True where the cell exists and is not empty."""
        return np.array([bool(s) for s in self.text(name)], dtype=bool)

    def _reject(self, i: int, message: str) -> None:
        self.bad.setdefault(i, f"line {self.table.lines[i]}: {message}")

    def number(self, name: str, default: float = 0.0, required: bool = False,
               nonnegative: bool = False) -> np.ndarray:
        out = np.full(self.n, default, dtype=float)
        if name not in self.table.cells.columns:
            return out
        raw = self.text(name)
        values = np.full(self.n, np.nan)
        slow = np.ones(self.n, dtype=bool)
        if not self.table.decimal_comma and self.n:
            # fast path: plain numbers; anything else goes through parse_number cell by cell
            fast = pd.to_numeric(pd.Series(raw, dtype=object).where(raw != "", np.nan), errors="coerce").to_numpy(float)
            slow = np.isnan(fast) & (raw != "")
            slow |= ~np.isfinite(fast) & ~np.isnan(fast)
            values = np.where(slow, np.nan, fast)
        for i in np.flatnonzero(slow):
            try:
                values[i] = parse_number(raw[i], self.table.decimal_comma)
            except (ValueError, OverflowError):
                self._reject(int(i), f"column `{name}` holds {_show(raw[i])}; expected a number")
                values[i] = np.nan
                raw[i] = "\x00bad"
        empty = np.isnan(values)
        if required:
            for i in np.flatnonzero(empty & (raw == "")):
                self._reject(int(i), f"column `{name}` is empty; expected a number")
        if nonnegative:
            for i in np.flatnonzero(~empty & (values < 0)):
                self._reject(int(i), f"column `{name}` holds {_show(raw[i])}; a token or request count cannot be negative")
        return np.where(empty | (nonnegative & (values < 0)), default, values)

    def time(self, name: str) -> np.ndarray:
        out = np.full(self.n, pd.NaT, dtype=object)
        if name not in self.table.cells.columns:
            for i in range(self.n):
                self._reject(i, f"column `{name}` is missing")
            return out
        raw = self.text(name)
        todo = np.ones(self.n, dtype=bool)
        if self.n:
            # fast path: ISO dates (the common case), checked against the same bounds as parse_time
            series = pd.Series(raw, dtype=object).astype(str)
            iso = series.str.match(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2}| UTC)?$").to_numpy(bool)
            if iso.any():
                parsed = pd.to_datetime(series[iso].str.replace(" UTC", "+00:00", regex=False), format="ISO8601",
                                        utc=True, errors="coerce")
                good = parsed.notna() & parsed.dt.year.between(1990, 2100)
                idx = np.flatnonzero(iso)[good.to_numpy(bool)]
                out[idx] = list(parsed[good])
                todo[idx] = False
        cache: dict[str, pd.Timestamp] = {}
        for i in np.flatnonzero(todo):
            value = raw[i]
            if value in cache:
                out[i] = cache[value]
                continue
            try:
                out[i] = cache[value] = parse_time(value)
            except (ValueError, OverflowError, TypeError):
                self._reject(int(i), f"column `{name}` holds {_show(value)}; expected a date")
        return out

    def reject_where(self, mask: np.ndarray, message: str) -> None:
        for i in np.flatnonzero(mask):
            self._reject(int(i), message)

    def ok(self) -> np.ndarray:
        mask = np.ones(self.n, dtype=bool)
        mask[list(self.bad)] = False
        return mask

    def rejected(self) -> list[tuple[int, str]]:
        out = [(int(self.table.lines[i]), reason) for i, reason in self.bad.items()]
        out += self.table.overlong
        return sorted(out)


def _show(raw: object) -> str:
    s = str(raw)
    return repr(s if len(s) <= 40 else s[:37] + "...")


def sci_notation_warning(table: Table, id_columns: list[str]) -> list[str]:
    """Warn when id columns hold Excel's scientific notation (the id lost digits on a re-save)."""
    out = []
    for name in id_columns:
        if name in table.cells.columns and table.cells[name].astype(str).str.fullmatch(r"\d\.\d+E\+\d+").any():
            out.append(f"column `{name}` holds ids in scientific notation (an Excel re-save); "
                       "they lost digits, so repeated uploads may not be recognised as duplicates")
    return out


def frame(n: int, **columns) -> pd.DataFrame:
    """Build a rows table with every :data:`ROW_COLUMNS` column (defaults: 0, "", NaN, False)."""
    defaults = {
        "line": 0, "provider": "", "model": "", "model_raw": "", "currency": "USD", "usd_rate": 1.0,
        "has_tokens": False, "has_cost": False, "role": "both", "direction": "", "batch": False, "key": "",
        "start": pd.NaT, "end": pd.NaT,
    }
    data = {name: columns.get(name, defaults.get(name, 0.0)) for name in ROW_COLUMNS}
    out = pd.DataFrame(data, index=range(n))
    for name in TOKEN_COLUMNS + ["requests"] + MONEY_COLUMNS + ["usd_rate"]:
        out[name] = pd.to_numeric(out[name], errors="coerce").astype(float)
    out["line"] = out["line"].astype(int)
    for name in ("has_tokens", "has_cost", "batch"):
        out[name] = out[name].astype(bool)
    for name in ("start", "end"):
        out[name] = pd.to_datetime(pd.Series(out[name], dtype=object), utc=True)
    return out


def empty_rows() -> pd.DataFrame:
    return frame(0)


def keys(*parts) -> np.ndarray:
    """Row identities: the given columns (arrays or scalars) joined with ``|``."""
    n = max((len(p) for p in parts if not np.isscalar(p) and not isinstance(p, str)), default=1)
    cols = [np.broadcast_to(np.asarray(p, dtype=object), (n,)) for p in parts]
    return np.array(["|".join(_key_part(v) for v in values) for values in zip(*cols)], dtype=object)


def _key_part(v: object) -> str:
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    return str(v)


_PERIODS = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "month": pd.offsets.MonthBegin(1)}


def period_end(start: np.ndarray, period) -> np.ndarray:
    """End (exclusive) of buckets starting at ``start``; ``period`` is "hour", "day" or "month"
    (one name, or one per row). A monthly bucket ends at the next month's first day."""
    periods = np.broadcast_to(np.asarray(period, dtype=object), (len(start),))
    out = np.full(len(start), pd.NaT, dtype=object)
    for i, (s, p) in enumerate(zip(start, periods)):
        if isinstance(s, pd.Timestamp) and not pd.isna(s):
            out[i] = (s.normalize() + _PERIODS["month"]) if p == "month" else s + _PERIODS[p]
    return out


def granularity(raw: np.ndarray) -> np.ndarray:
    """"hour" for a cell with a time, "month" for ``YYYY-MM``, else "day"."""
    return np.array(["hour" if ":" in str(s) else "month" if re.fullmatch(r"\d{4}-\d{2}", str(s).strip()) else "day"
                     for s in raw], dtype=object)


def monthly_if_all_firsts(gran: np.ndarray, start: np.ndarray) -> np.ndarray:
    """A file whose every row is dated on the first day of a month, at midnight, holds month
    totals (one row per month, the way spreadsheets and billing portals export them): each row
    covers its whole month, not one day. Any other file keeps ``gran``."""
    dated = [s for s in start if isinstance(s, pd.Timestamp) and not pd.isna(s)]
    if dated and all(g == "day" for g in gran) and all(s.day == 1 and s == s.normalize() for s in dated):
        return np.full(len(gran), "month", dtype=object)
    return gran


def optional_times(raw: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Parse optional timestamps (e.g. a bucket end); unreadable or empty cells take ``fallback``."""
    out = np.array(fallback, dtype=object)
    for i, s in enumerate(raw):
        try:
            out[i] = parse_time(s)
        except (ValueError, OverflowError, TypeError):
            pass
    return out

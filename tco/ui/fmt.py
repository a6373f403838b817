"""Numbers for people: the one formatter of the page, the CFO view, the reports and the charts.

Money and token counts in sentences come from :mod:`tco.explain` (the engine's own arithmetic
text uses them); everything else a person reads goes through here:

- exact values for sentences and help texts: :func:`usd` ($13,213), :func:`number` (2,000,000,000),
  :func:`tokens` (4.76B), :func:`pct` (80%), :func:`count` (1 GPU, 2 GPUs), :func:`month`;
- compact values that fit a headline box: :func:`usd_short` ($13.2k, -$147k, $1.4M);
- an input's value with its unit: :func:`value` (80%, $3.00/GPU-hour, 2B tokens/month);
- axis ticks for Plotly (never its own SI format, which writes $-100k and 2G):
  :func:`log_ticks`, :func:`linear_ticks`.

Negative money is written "-$147k" (sign before the currency), never "$-147k".
"""

from __future__ import annotations

import html
import math
import re

import numpy as np

from tco.explain import count, tokens, usd

__all__ = ["usd", "usd_short", "tokens", "tokens_text", "number", "count", "pct", "month", "per_mtok",
           "value", "many", "md", "log_ticks", "linear_ticks", "compact", "code", "text", "cell", "cells",
           "plotly_text", "irr"]

#: Above this annual IRR [share/year] the figure says nothing more than "it pays back at once".
IRR_SHOWN_UP_TO = 10.0

#: Suffixes of compact numbers; "B" for billions (the reader's word), never SI's "G".
_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def _missing(x) -> bool:
    return x is None or (isinstance(x, (float, np.floating)) and math.isnan(x))


def compact(x: float, digits: int = 3) -> str:
    """``x`` with ``digits`` significant digits and a suffix, trailing zeros dropped:
    13213 -> '13.2k', 1_400_000 -> '1.4M', 999_600 -> '1M' (rounded first, then suffixed),
    312 -> '312', 0.52 -> '0.52'."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    r = float(f"{x:.{digits}g}")  # round to the significant digits first: 999,600 -> 1,000,000
    a = abs(r)
    for div, suffix in _SUFFIXES:
        if a >= div:
            return f"{_trim(r / div, digits)}{suffix}"
    return _trim(r, digits)


def _trim(x: float, digits: int) -> str:
    """Fixed-point with at most ``digits`` significant digits, no trailing zeros, no '1e+03'."""
    a = abs(x)
    decimals = max(0, digits - 1 - math.floor(math.log10(a))) if a else 0
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def usd_short(x: float | None, digits: int = 3) -> str:
    """Money that fits a headline box: '$13.2k', '-$147k', '$1.4M', '$312', '$0.52'."""
    if _missing(x):
        return "—"
    x = float(x)
    if abs(x) < 0.005:  # under half a cent: nothing a person pays
        return "$0"
    sign = "-" if x < 0 else ""
    return f"{sign}${compact(abs(x), digits)}"


def number(x: float | None) -> str:
    """A number that keeps its precision, with thousands separators: 2,000,000,000 / 0.125 /
    1,912.12 (never 2e+09)."""
    if _missing(x):
        return "—"
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1e-4:
        return _trim(x, 6) if abs(x) < 1e6 else f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:.6g}"


def tokens_text(x: float | None) -> str:
    """'2B tokens/month', or an em dash for None/NaN."""
    if _missing(x):
        return "—"
    return f"{tokens(x)} tokens/month"


def pct(x: float | None, digits: int = 0) -> str:
    """A share as a percentage: 0.8 -> '80%'; tiny non-zero shares keep a digit ('0.4%'), and so
    do shares just short of all ('99.9%', never a rounded '100%' that is not)."""
    if _missing(x):
        return "—"
    x = float(x)
    if digits == 0 and x != 0 and (abs(x) < 0.01 or 0.995 <= abs(x) < 1):
        digits = 1
        if round(abs(x) * 1000) == 1000:   # 0.9996 still shows as short of all
            return f"{'-' if x < 0 else ''}>99.9%"
    return f"{x:.{digits}%}"


def month(m: int | float | None) -> str:
    if _missing(m):
        return "never"
    return f"month {int(m)}"


def per_mtok(x: float | None) -> str:
    """'$0.581/M tokens'."""
    if _missing(x):
        return "—"
    return f"${x:,.3f}/M tokens"


def spread_value(x: float, unit: str) -> str:
    """An uncertain input's drawn value with its unit, short, for a tornado: '+5.6%/month', '52%',
    '$47,746', '6.67B tokens/month', '0.9268 FTE', '1,893 output tokens/s'."""
    if unit in ("share/year", "share/month"):
        return f"{x:+.1%}/{unit.split('/')[1]}"
    if unit == "share":
        return f"{x:.0%}"
    if unit == "USD":
        return usd(x)
    if unit == "tokens/month":
        return f"{tokens(x)} tokens/month"
    return (f"{x:,.4g} {unit}" if abs(x) < 1000 else f"{x:,.0f} {unit}").strip()


def value(unit: str, v) -> str:
    """An input's value with its unit, exact, for tables: 'share' 0.8 -> '80%', 'share/year' -0.1
    -> '-10%/year', 'USD' 50000 -> '$50,000', 'USD/GPU-hour' 3 -> '$3/GPU-hour',
    'tokens/month' 2e9 -> '2,000,000,000 tokens/month'. Text and None go through as they are."""
    if v is None:
        return "—"
    if isinstance(v, str) or isinstance(v, bool):
        return str(v)
    v = float(v)
    if unit == "share" or unit.startswith("share/"):
        p = v * 100
        text = f"{_trim(p, 6) if p else '0'}%"
        return text + unit[len("share"):]
    if unit == "USD" or unit.startswith("USD/"):
        sign = "-" if v < 0 else ""
        a = abs(v)
        digits = number(a)
        if a != int(a) and "." in digits and len(digits.split(".")[1]) == 1:
            digits += "0"  # cents: $2.50, not $2.5
        money = f"{sign}${digits}"
        return money + unit[len("USD"):]
    if unit == "ratio":
        return f"{number(v)}×"
    if unit in ("GPUs", "replicas", "months", "years"):
        one = {"GPUs": "GPU", "replicas": "replica", "months": "month", "years": "year"}[unit]
        return f"{number(v)} {one if v == 1 else unit}"
    return f"{number(v)} {unit}".strip()


def many(fn, values) -> np.ndarray:
    """``fn`` applied to every element (hover labels); NaN gives an em dash.

    Returns a fixed-width unicode array, not an object array: Plotly deep-copies trace data, and
    copying thousands of Python strings was the slowest part of drawing a heatmap.
    """
    flat = np.asarray(values, dtype=float).ravel()
    out = np.array(["—" if math.isnan(v) else fn(v) for v in flat], dtype=str)
    return out.reshape(np.shape(values))


# --- Plotly axis ticks ---------------------------------------------------------------------------

def log_ticks(lo: float, hi: float, fn=tokens) -> tuple[list[float], list[str]]:
    """Tick positions 1, 10, 100, ... between lo and hi, labelled for people ('10M', '1B')."""
    lo, hi = max(lo, 1e-9), max(hi, 1e-9)
    vals = [10.0 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]
    vals = [v for v in vals if lo / 1.001 <= v <= hi * 1.001]
    return vals, [fn(v) for v in vals]


def linear_ticks(lo: float, hi: float, fn=usd_short, n: int = 6) -> tuple[list[float], list[str]]:
    """About ``n`` round tick positions (1, 2 or 5 × 10^k apart) covering [lo, hi], labelled by
    ``fn`` ('-$100k', '$0', '$100k'): Plotly's own "~s" format would write '$-100k' and '$1G'."""
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [], []
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    vals = []
    v = first
    while v <= hi + step * 0.5:
        vals.append(round(v / step) * step)
        v += step
    return vals, [fn(v if v != 0 else 0.0) for v in vals]
def md(value: str) -> str:
    """Text shown through markdown as plain text (no maths from $, no emphasis, no links): the
    page's own sentences often quote outside text (model ids, values from a link), so they get
    the same treatment as outside text, :func:`text`."""
    return text(value)


# --- outside text (link values, file names, model and provider names from bills) ----------------
# Streamlit renders every message, caption and help text as GitHub Markdown. Backslash escapes
# stop emphasis, HTML, links and directives, but not GFM's literal autolinks (https://…, www.…,
# name@host): remark finds those in the parsed text, escapes already undone (seen in Chromium).
# Code spans are the one construct it leaves alone, so every word that could become a link is
# shown as code and everything else is escaped.

#: Characters that start inline Markdown (emphasis, strike-through, code, links and images, HTML,
#: entities, maths); block markup (#, >, -, +, 1.) only counts at the start of the text.
_INLINE = re.compile(r"([\\`*_~\[\]<>$&])")
_BLOCK_START = re.compile(r"^(\s*(?:\d+)?)([#>+-]|(?<=\d)[.)])(?=\s|$)")
_LINKISH = re.compile(r"@|://|www\.|^(mailto|xmpp):", re.IGNORECASE)


def code(value: object) -> str:
    """``value`` as one inline code span (Markdown): shown as typed, never a link or markup."""
    body = " ".join(str(value).split()) or " "
    fence = "`" * (max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or fence != "`" else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def _word(word: str) -> str:
    if _LINKISH.search(word) or "`" in word:
        return code(word)
    return _INLINE.sub(r"\\\1", word)


def text(value: object) -> str:
    """Outside text, or a sentence quoting it, for any Streamlit element that renders Markdown:
    shows the same characters and never forms a link, emphasis, HTML, maths or a directive.

    Spans between pairs of backticks (how :mod:`tco.share` and the engine quote keys and values)
    stay code spans; a word that could autolink (``https://…``, ``www.…``, ``a@b``) becomes one;
    every character that starts inline markup (and block markup at the start) is backslash-
    escaped. Line breaks become spaces.
    """
    raw = " ".join(str(value).split())
    pieces = re.split(r"(`[^`]+`)", raw) if raw.count("`") % 2 == 0 else [raw]
    out = []
    for piece in pieces:
        if len(piece) > 2 and piece[0] == piece[-1] == "`" and "`" not in piece[1:-1]:
            out.append(code(piece[1:-1]))
        else:
            out.append(re.sub(r"\S+", lambda m: _word(m.group()), piece))
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), "".join(out), count=1)


#: First characters that make a spreadsheet (Excel, LibreOffice, Sheets) read a cell as a formula
#: (OWASP "CSV injection"): = + - @, and tab or carriage return before one of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


#: A signed number as this module writes one ('-$1,234', '-$7.66k', '-2.5%', '-10%/year',
#: '-0.02 share/month'): a
#: spreadsheet reads it as a number, or as text, never as a formula that calls anything.
_SIGNED_NUMBER = re.compile(r"[-+]\$?\d[\d,]*(\.\d+)?([eE][-+]?\d+)?[%kKMBT]?(/[A-Za-z0-9-]+)*( [A-Za-z/%]+)*")


def cell(value: object) -> object:
    """A table cell safe to show and to export (Streamlit's "Download as CSV" writes what the
    table shows): text that a spreadsheet would run as a formula gets a leading apostrophe
    (OWASP's advice: shown, never evaluated). Numbers, and signed numbers written as text, are
    left alone: a negative amount is not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def cells(df):
    """A copy of DataFrame ``df`` with every text cell and column name through :func:`cell`."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith(("string", "str")):
            out[column] = out[column].map(cell)
    out.columns = [cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def plotly_text(value: object) -> str:
    """Outside text for a Plotly label (trace name, title, annotation): Plotly reads a subset of
    HTML there (``<a href>``, ``<b>``, ``<br>``), so ``&``, ``<`` and ``>`` become entities, which
    it shows as the characters."""
    return html.escape(str(value), quote=False)


def irr(x: float | None) -> str | None:
    """An annual IRR as people read it: '23.4%/yr', '> 1,000%/yr' above 1,000 %/yr (a $50k outlay
    repaid in month 1 gives an IRR in the hundreds of thousands of percent, which means nothing
    more); None where there is no IRR (the savings never turn positive), so that it is not shown."""
    if x is None or not math.isfinite(x):
        return None
    if x > IRR_SHOWN_UP_TO:
        return f"> {IRR_SHOWN_UP_TO:,.0%}/yr"
    return f"{x:.1%}/yr"

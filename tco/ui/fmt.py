"""Numbers for people. Money and token counts come from :mod:`tco.explain`; this adds the few
formats the page needs on top (shares, months, prices per 1M tokens, many values at once)."""

from __future__ import annotations

import html
import math
import re

import numpy as np

from tco.explain import tokens, usd

__all__ = ["usd", "tokens", "tokens_text", "pct", "month", "per_mtok", "many", "md", "code", "text",
           "cell", "cells", "plotly_text"]


def tokens_text(x: float | None) -> str:
    """'2B tokens/month', or an em dash for None/NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{tokens(x)} tokens/month"


def pct(x: float | None, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}%}"


def month(m: int | float | None) -> str:
    if m is None or (isinstance(m, float) and math.isnan(m)):
        return "never"
    return f"month {int(m)}"


def per_mtok(x: float | None) -> str:
    """'$0.581/M tokens'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"${x:,.3f}/M tokens"


def many(fn, values) -> np.ndarray:
    """``fn`` applied to every element (hover labels); NaN gives an em dash.

    Returns a fixed-width unicode array, not an object array: Plotly deep-copies trace data, and
    copying thousands of Python strings was the slowest part of drawing a heatmap.
    """
    flat = np.asarray(values, dtype=float).ravel()
    out = np.array(["—" if math.isnan(v) else fn(v) for v in flat], dtype=str)
    return out.reshape(np.shape(values))


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


#: A signed number as this module writes one ('-$1,234', '-2.5%', '-0.02 share/month'): a
#: spreadsheet reads it as a number, or as text, never as a formula that calls anything.
_SIGNED_NUMBER = re.compile(r"[-+]\$?\d[\d,]*(\.\d+)?([eE][-+]?\d+)?[%KMBT]?(/mo)?( [A-Za-z/%]+)*")


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

"""Numbers for people. Money and token counts come from :mod:`tco.explain`; this adds the few
formats the page needs on top (shares, months, prices per 1M tokens, many values at once)."""

from __future__ import annotations

import math

import numpy as np

from tco.explain import tokens, usd

__all__ = ["usd", "tokens", "tokens_text", "pct", "month", "per_mtok", "many", "md"]


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


def md(text: str) -> str:
    """Text shown through markdown without turning $...$ into maths or * and _ into emphasis."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("*", "\\*").replace("_", "\\_")

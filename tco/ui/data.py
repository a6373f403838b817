"""The engine calls of the page, cached on the small frozen Scenario (never on arrays).

Grids that do not depend on the current volume (the cost-vs-volume curves, the heatmaps) are
cached on the scenario with its volume set to a fixed value, so that moving the volume slider
re-uses them and only the per-volume numbers are recomputed.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from tco import model
from tco.scenario import Scenario

CURVE_POINTS = 400
GRID_X, GRID_Y = 60, 40
VOLUME_LO, VOLUME_HI = 1e6, 1e11
#: Volume the volume-independent caches are keyed on.
_KEY_VOLUME = Scenario().tokens_per_month


def _volume_free(s: Scenario) -> Scenario:
    return s.replace(tokens_per_month=_KEY_VOLUME)


@st.cache_data(show_spinner=False, max_entries=256)
def evaluate(s: Scenario) -> model.Result:
    """:func:`tco.model.evaluate`, cached. Raises ValueError (incl. DoesNotFit) like the engine."""
    return model.evaluate(s)


def volume_range(current: float, extra: tuple[float, ...] = ()) -> tuple[float, float]:
    """Whole decades from 1M to 100B tokens/month, widened to show the current volume and crossings."""
    pts = [v for v in (current, *extra) if v and v >= 1 and math.isfinite(v)]  # below 1 token: no decade to show
    lo = min([VOLUME_LO, *(v / 2 for v in pts)])
    hi = max([VOLUME_HI, *(v * 2 for v in pts)])
    return 10.0 ** math.floor(math.log10(lo)), min(10.0 ** math.ceil(math.log10(hi)), model.MAX_VOLUME)


@st.cache_data(show_spinner=False, max_entries=64)
def _curves(s_free: Scenario, lo: float, hi: float, extra: tuple[float, ...]) -> tuple[np.ndarray, dict]:
    x = np.unique(np.concatenate([np.geomspace(lo, hi, CURVE_POINTS), np.asarray(extra, dtype=float)]))
    return x, model.sweep(s_free, {"tokens_per_month": x}, what=("monthly",))


def cost_curves(s: Scenario, r: model.Result) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Volumes and the engine's monthly cost of each path there, including exactly the
    break-even volumes (so their markers sit on the curves). Not keyed on the current volume."""
    crossings = tuple(c.tokens_per_month for c in r.breakeven.values() if c.tokens_per_month)
    lo, hi = volume_range(s.tokens_per_month, crossings)
    extra = tuple(sorted(v for v in crossings if lo <= v <= hi))
    return _curves(_volume_free(s), lo, hi, extra)


def payback_volumes(s: Scenario) -> list[tuple[str, float, bool]]:
    """The current volume with a lower (÷2) and a higher (×2) one, as (label, volume, is_current)."""
    from tco.ui.fmt import tokens
    v = s.tokens_per_month
    out = [(f"{tokens(v)} tokens/month (yours)", v, True)]
    if v > 0:
        out.insert(0, (f"{tokens(v / 2)} (÷2)", v / 2, False))
        if v * 2 <= model.MAX_VOLUME:
            out.append((f"{tokens(v * 2)} (×2)", v * 2, False))
    return out


@st.cache_data(show_spinner=False, max_entries=64)
def flows_at(s: Scenario) -> dict[str, np.ndarray]:
    """Month-by-month flows of a scenario (used for the ÷2 and ×2 payback curves)."""
    return model.evaluate(s).flows


def sweep_axes(s: Scenario, r: model.Result, second: str) -> tuple[str, np.ndarray]:
    """The second axis of a heatmap: the input and its values around the scenario's own value."""
    if second == "gpu_price":
        if s.acquisition == "buy":
            p = float(r.resolved.params.gpu_price_usd)
            return "gpu_price_usd", np.linspace(0.25 * p, 2.5 * p, GRID_Y)
        g = float(r.resolved.params.gpu_hour_usd)
        return "gpu_hour_usd", np.linspace(max(0.05, 0.2 * g), min(1000.0, 2.5 * g), GRID_Y)
    hi = max(3.0, 3 * s.staff_fte)
    return "staff_fte", np.linspace(0.0, min(100.0, hi), GRID_Y)


@st.cache_data(show_spinner=False, max_entries=64)
def _heat(s_free: Scenario, key: str, ys: tuple[float, ...], lo: float, hi: float) -> tuple[np.ndarray, dict]:
    x = np.geomspace(lo, hi, GRID_X)
    return x, model.sweep(s_free, {key: np.asarray(ys), "tokens_per_month": x},
                          what=("monthly", "breakeven", "payback"))


def heatmap(s: Scenario, r: model.Result, second: str) -> tuple[str, np.ndarray, np.ndarray, dict]:
    """(swept key, x volumes, y values, sweep outputs of shape (y, x))."""
    key, ys = sweep_axes(s, r, second)
    lo, hi = volume_range(s.tokens_per_month)
    x, out = _heat(_volume_free(s), key, tuple(float(y) for y in ys), lo, hi)
    return key, x, ys, out


@st.cache_data(show_spinner=False, max_entries=64)
def replica_options(s: Scenario) -> list[dict]:
    return model.replica_options(s)

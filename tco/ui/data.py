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
GRID_X, GRID_Y = 40, 24  # 960 cells: each carries a hover string (60 x 40 sent 680 kB of figures a rerun)
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


@st.cache_data(show_spinner=False, max_entries=64)
def _frontier(s_free: Scenario, key: str, ys: tuple[float, ...]) -> np.ndarray:
    """Break-even volume against the API for each value of the second axis (NaN where none)."""
    out = model.sweep(s_free, {key: np.asarray(ys)}, what=("breakeven",))
    return np.asarray(out["breakeven_vs_api_tokens"], dtype=float).ravel()


def heatmap_range(frontier: np.ndarray, current: float) -> tuple[float, float]:
    """The heatmaps' volume range, from where the answer changes: a tenth of the lowest break-even
    volume to 100× the highest, widened to show the current volume, clamped to 1M–100B tokens a
    month; the whole 1M–100B when no row breaks even."""
    f = np.asarray(frontier, dtype=float)
    f = f[np.isfinite(f) & (f > 0)]
    if not f.size:
        return VOLUME_LO, VOLUME_HI
    lo, hi = float(f.min()) / 10, float(f.max()) * 100
    if math.isfinite(current) and current > 0:
        lo, hi = min(lo, current / 2), max(hi, current * 2)
    lo, hi = max(VOLUME_LO, lo), min(VOLUME_HI, hi)
    if hi / lo < 100:  # at least two decades, so that the colours have room to change
        mid = math.sqrt(lo * hi)
        lo, hi = max(VOLUME_LO, mid / 10), min(VOLUME_HI, mid * 10)
    return lo, hi


def heatmap(s: Scenario, r: model.Result, second: str) -> tuple[str, np.ndarray, np.ndarray, dict]:
    """(swept key, x volumes, y values, sweep outputs of shape (y, x))."""
    key, ys = sweep_axes(s, r, second)
    ys_t = tuple(float(y) for y in ys)
    lo, hi = heatmap_range(_frontier(_volume_free(s), key, ys_t), s.tokens_per_month)
    x, out = _heat(_volume_free(s), key, ys_t, lo, hi)
    return key, x, ys, out


@st.cache_data(show_spinner=False, max_entries=64)
def _unit_line(s_free: Scenario, replicas: int, replica_tokens: float, points: int = 60) -> tuple[np.ndarray, np.ndarray]:
    # up to just under the fleet's capacity: exactly n replicas' worth would round up to n + 1
    x = np.geomspace(0.002, 0.999, points) * replicas * replica_tokens
    out = model.sweep(s_free.replace(min_replicas=replicas), {"tokens_per_month": x}, what=("monthly",))
    return np.asarray(out["utilisation"], dtype=float), np.asarray(out["self_host_usd_per_mtok"], dtype=float)


def unit_cost_lines(s: Scenario, r: model.Result) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(replicas, utilisation, USD per 1M tokens) for the scenario's fleet size, one replica and
    twice the fleet: each fleet over the whole range it can run at (0 to its full capacity at
    the target utilisation), the engine's own numbers."""
    sh = r.at_volume["self_host"]
    chosen = next((o for o in replica_options(s) if o["chosen"]), None)
    if chosen is None or not chosen["tokens_per_month"] > 0:
        return []
    n = int(sh["replicas"])
    counts = sorted({max(1, s.min_replicas), n, 2 * n} if n > 1 else {1, 2, 4})
    free = _volume_free(s)
    return [(c, *_unit_line(free, c, float(chosen["tokens_per_month"]))) for c in counts]


@st.cache_data(show_spinner=False, max_entries=64)
def replica_options(s: Scenario) -> list[dict]:
    return model.replica_options(s)

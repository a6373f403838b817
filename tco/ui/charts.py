"""Plotly figure builders: engine outputs in, ``go.Figure`` out. No streamlit here, no arithmetic.

Every builder takes numbers the engine computed (numpy arrays and floats) and only draws them.
Markers carry ``meta={"role": ..., "path": ...}`` so that tests (and readers) find them without
relying on trace order. Units: USD, tokens per month, months (month 0 = the decision month).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from tco.ui import theme
from tco.ui.fmt import many, month, tokens, usd

__all__ = ["breakeven_figure", "payback_figure", "heatmap_figure", "breakdown_figure",
           "unit_cost_figure", "log_ticks"]


def log_ticks(lo: float, hi: float, fn=tokens) -> tuple[list[float], list[str]]:
    """Tick positions 1, 10, 100, ... between lo and hi, labelled for people ('10M', '1B')."""
    lo, hi = max(lo, 1.0), max(hi, 1.0)
    vals = [10.0 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]
    vals = [v for v in vals if lo / 1.001 <= v <= hi * 1.001]
    return vals, [fn(v) for v in vals]


def _money_axis(title: str, **kw) -> dict:
    return dict(title=title, tickprefix="$", tickformat="~s", gridcolor=theme.GRID, **kw)


def breakeven_figure(volumes: np.ndarray, monthly: Mapping[str, np.ndarray],
                     crossings: Mapping[str, tuple[float, float] | None], current_volume: float,
                     current_monthly: Mapping[str, float], labels: Mapping[str, str] | None = None,
                     ) -> go.Figure:
    """Monthly cost of each path against monthly token volume (log-log).

    volumes : tokens per month of the curve points [tokens/month]
    monthly : path -> monthly cost at each volume [USD/month] (self-hosted steps with replicas)
    crossings : path ("api", "hosted_open") -> (break-even volume, monthly cost there), or None
    current_volume, current_monthly : the scenario's own volume and each path's cost there
    labels : path -> legend name (default: :data:`theme.NAMES`)
    """
    labels = {**theme.NAMES, **(labels or {})}
    x = np.asarray(volumes, dtype=float)
    xtext = many(tokens, x)
    fig = go.Figure()
    for path in theme.PATHS:
        if path not in monthly:
            continue
        y = np.asarray(monthly[path], dtype=float)
        fig.add_trace(go.Scatter(
            x=x, y=y, name=labels[path], mode="lines", line=dict(color=theme.COLORS[path], width=2.5,
                                                                 shape="hv" if path == "self_host" else "linear"),
            customdata=np.stack([xtext, many(usd, y)], axis=-1),
            hovertemplate="%{customdata[0]} tokens/month<br>%{customdata[1]}/month<extra>" + labels[path] + "</extra>",
            meta={"role": "curve", "path": path}))
    for path, cross in crossings.items():
        if cross is None:
            continue
        vol, cost = cross
        text = f"break-even vs {theme.NAMES[path].lower().replace('commercial ', '')}:<br>{tokens(vol)} tokens/month"
        fig.add_trace(go.Scatter(
            x=np.array([vol]), y=np.array([cost]), mode="markers+text", name=f"Break-even vs {labels[path]}",
            marker=dict(symbol="diamond", size=13, color=theme.COLORS[path], line=dict(color="white", width=1.5)),
            text=[text], textposition="top left", textfont=dict(size=12, color=theme.COLORS[path]),
            hovertemplate=f"{text}<br>{usd(cost)}/month<extra></extra>", showlegend=False,
            meta={"role": "crossover", "path": path}))
    if current_volume > 0:
        fig.add_vline(x=current_volume, line=dict(color="#57606a", dash="dot", width=1.5))
        fig.add_trace(go.Scatter(
            x=np.full(len(current_monthly), float(current_volume)),
            y=np.array([current_monthly[p] for p in current_monthly], dtype=float),
            mode="markers", name="Your volume", showlegend=False,
            marker=dict(size=9, color=[theme.COLORS[p] for p in current_monthly], line=dict(color="#1b1f24", width=1.5)),
            customdata=np.array([[labels[p], usd(current_monthly[p])] for p in current_monthly], dtype=str),
            hovertemplate=f"Your volume: {tokens(current_volume)} tokens/month<br>"
                          "%{customdata[0]}: %{customdata[1]}/month<extra></extra>",
            meta={"role": "current", "volume": float(current_volume)}))
        fig.add_annotation(x=math.log10(current_volume), y=1.0, yref="paper", text=f"you: {tokens(current_volume)}",
                           showarrow=False, yanchor="bottom", font=dict(size=12, color="#57606a"))
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    tv, tt = log_ticks(lo, hi)
    ys = np.concatenate([np.asarray(v, dtype=float).ravel() for v in monthly.values()])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    y_range = None
    if ys.size:  # show four decades below the top: cents a month at 1M tokens say nothing
        top = float(ys.max()) * 1.5
        y_range = [math.log10(max(float(ys.min()), top / 1e4)), math.log10(top)]
    fig.update_layout(**theme.base_layout(
        xaxis=dict(title="Monthly token volume [tokens/month, log scale]", type="log", tickvals=tv, ticktext=tt,
                   gridcolor=theme.GRID),
        yaxis=_money_axis("Monthly cost [USD/month, log scale]", type="log", range=y_range, dtick=1),
        legend=dict(orientation="h", yanchor="bottom", y=1.07, xanchor="left", x=0),
        margin=dict(l=10, r=10, t=70, b=10)))
    return fig


def payback_figure(months: np.ndarray, curves: Sequence[tuple[str, np.ndarray, bool]],
                   payback_month: int | None, window: tuple[int, int] = theme.WINDOW) -> go.Figure:
    """Cumulative net savings against the API, month by month, upfront costs in month 0.

    months : 0..horizon
    curves : (label, cumulative savings [USD], is_current) per volume; the current one is drawn bold
    payback_month : the engine's payback month of the current curve, or None
    window : first and last month of the shaded payback window finance teams expect
    """
    fig = go.Figure()
    m = np.asarray(months, dtype=float)
    fig.add_vrect(x0=window[0], x1=window[1], fillcolor=theme.WINDOW_FILL, line_width=0, layer="below",
                  annotation_text=f"months {window[0]}–{window[1]}:<br>the payback finance teams expect",
                  annotation_position="top left", annotation_font=dict(size=11, color="#2d7a3e"))
    fig.add_hline(y=0, line=dict(color="#57606a", width=1))
    for label, cum, is_current in curves:
        cum = np.asarray(cum, dtype=float)
        fig.add_trace(go.Scatter(
            x=m, y=cum, mode="lines", name=label,
            line=dict(color=theme.COLORS["self_host"], width=3 if is_current else 1.5,
                      dash="solid" if is_current else "dot"),
            opacity=1.0 if is_current else 0.75,
            customdata=many(usd, cum),
            hovertemplate="month %{x}<br>cumulative net savings %{customdata}<extra>" + label + "</extra>",
            meta={"role": "curve", "current": bool(is_current)}))
    if payback_month is not None:
        cum = next(np.asarray(c, dtype=float) for _, c, cur in curves if cur)
        y = float(cum[int(payback_month)])
        fig.add_trace(go.Scatter(
            x=np.array([payback_month], dtype=float), y=np.array([y]), mode="markers+text",
            name="Payback", showlegend=False, text=[f"pays back in {month(payback_month)}"],
            textposition="bottom right", textfont=dict(size=12, color="#2d7a3e"),
            marker=dict(symbol="star", size=16, color="#2d7a3e", line=dict(color="white", width=1)),
            hovertemplate=f"payback: {month(payback_month)}<extra></extra>",
            meta={"role": "payback", "month": int(payback_month)}))
    fig.update_layout(**theme.base_layout(
        xaxis=dict(title="Month after the decision [month 0 = upfront costs]", gridcolor=theme.GRID,
                   range=[-0.5, float(m[-1]) + 0.5]),
        yaxis=_money_axis("Cumulative net savings vs API [USD]", zeroline=False),
        margin=dict(l=10, r=10, t=60, b=10)))
    return fig


def heatmap_figure(x: np.ndarray, y: np.ndarray, z: np.ndarray, *, kind: str, y_title: str,
                   frontier_x: np.ndarray | None, current: tuple[float, float], y_fmt=None,
                   horizon: int | None = None) -> go.Figure:
    """A sweep over token volume (x, log) and one other input (y).

    z : shape (len(y), len(x)); kind "payback" (month, NaN = none within the horizon) or
        "savings" (USD/month, API − self-hosted)
    frontier_x : break-even volume for each y (NaN where none): the line where self-hosting starts
        to be no dearer than the API
    current : (volume, y) of the scenario on the page
    """
    x, y, z = (np.asarray(a, dtype=float) for a in (x, y, z))
    y_fmt = y_fmt or (lambda v: f"{v:g}")
    xt, yt = many(tokens, x), np.array([y_fmt(v) for v in y], dtype=str)
    if kind == "payback":
        ztext = many(lambda v: month(v), z)
        ztext = np.where(np.isnan(z), f"no payback within {horizon} months" if horizon else "no payback", ztext)
        colorscale = [[0, "#1a7f37"], [0.33, "#2ea043"], [0.5, "#d4a72c"], [1, "#cf222e"]]
        cbar = dict(title=dict(text="Payback<br>[month]", side="top"), thickness=14)
        zmin, zmax = 0, float(horizon) if horizon else None
    else:
        ztext = many(usd, z)
        colorscale = "RdBu"
        lim = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
        cbar = dict(title=dict(text="Savings vs API<br>[USD/month]", side="top"), tickprefix="$", tickformat="~s",
                    thickness=14)
        zmin, zmax = -lim, lim
    # one hover string per cell (not three customdata channels): a third of the strings to copy
    hover = np.char.add(np.char.add(np.char.add(xt[None, :], f" tokens/month<br>{y_title}: "),
                                    np.char.add(yt[:, None], "<br>")), ztext.astype(str))
    fig = go.Figure(go.Heatmap(
        x=x, y=y, z=z, colorscale=colorscale, zmin=zmin, zmax=zmax, colorbar=cbar, hoverongaps=False,
        text=hover, name=kind, hovertemplate="%{text}<extra></extra>",
        meta={"role": "heatmap", "kind": kind}))
    if frontier_x is not None:
        fx = np.asarray(frontier_x, dtype=float)
        ok = np.isfinite(fx) & (fx >= x.min()) & (fx <= x.max())
        fig.add_trace(go.Scatter(
            x=fx[ok], y=y[ok], mode="lines", name="Break-even vs API",
            line=dict(color="#1b1f24", width=2.5, dash="dash"),
            customdata=many(tokens, fx[ok]),
            hovertemplate="break-even at %{customdata} tokens/month<extra></extra>",
            meta={"role": "frontier"}))
    cx, cy = current
    fig.add_trace(go.Scatter(
        x=np.array([cx], dtype=float), y=np.array([cy], dtype=float), mode="markers+text", name="Your scenario",
        text=["you"], textposition="top center", textfont=dict(color="#1b1f24", size=12),
        marker=dict(symbol="x-thin", size=16, color="#1b1f24", line=dict(width=3, color="#1b1f24")),
        hovertemplate=f"your scenario: {tokens(cx)} tokens/month, {y_title} {y_fmt(cy)}<extra></extra>",
        meta={"role": "current"}))
    tv, tt = log_ticks(float(x.min()), float(x.max()))
    fig.update_layout(**theme.base_layout(
        height=380, xaxis=dict(title="Monthly token volume [tokens/month, log scale]", type="log", tickvals=tv,
                               ticktext=tt, showgrid=False),
        yaxis=dict(title=y_title, showgrid=False), showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0)))
    return fig


def breakdown_figure(totals: Mapping[str, Mapping[str, float]], labels: Mapping[str, str] | None = None,
                     horizon: int | None = None) -> go.Figure:
    """Stacked bars: what each path costs over the horizon, by component [USD].

    totals : path -> {component: USD}; the self-hosted components are keys of
             :data:`theme.COMPONENT_NAMES`; a path with one component ("bill") is one bar
    """
    full = {**theme.NAMES, **(labels or {})}
    labels = theme.NAMES  # short bar names; the models are in the hover text
    paths = [p for p in theme.PATHS if p in totals]
    xs = [labels[p] for p in paths]
    fig = go.Figure()
    for p in paths:
        if "bill" in totals[p]:
            v = float(totals[p]["bill"])
            fig.add_trace(go.Bar(x=[labels[p]], y=[v], name=labels[p], marker_color=theme.COLORS[p],
                                 text=[usd(v)], textposition="outside", showlegend=False,
                                 hovertemplate=f"{full[p]}: {usd(v)}<extra></extra>",
                                 meta={"role": "bar", "path": p}))
    sh = totals.get("self_host", {})
    for comp, name in theme.COMPONENT_NAMES.items():
        v = float(sh.get(comp, 0.0))
        if not v:
            continue
        fig.add_trace(go.Bar(x=[labels["self_host"]], y=[v], name=name, marker_color=theme.COMPONENT_COLORS[comp],
                             hovertemplate=f"{name}: {usd(v)}<extra>{full['self_host']}</extra>",
                             meta={"role": "component", "path": "self_host", "component": comp}))
    if sh:
        total = float(sum(sh.values()))
        fig.add_annotation(x=labels["self_host"], y=total, text=usd(total), showarrow=False, yanchor="bottom")
    title = f"Total over {horizon} months [USD]" if horizon else "Total [USD]"
    fig.update_layout(**theme.base_layout(barmode="stack", xaxis=dict(categoryorder="array", categoryarray=xs),
                                          yaxis=_money_axis(title), bargap=0.45, margin=dict(l=10, r=10, t=60, b=10)))
    return fig


def unit_cost_figure(utilisation: np.ndarray, self_usd_per_mtok: np.ndarray, flat: Mapping[str, float],
                     current: tuple[float, float] | None, labels: Mapping[str, str] | None = None) -> go.Figure:
    """$ per 1M tokens against fleet utilisation: self-hosting falls as the GPUs fill up; the API and
    the hosted open model charge the same per token whatever the volume.

    utilisation : average fleet utilisation of each point [share]
    self_usd_per_mtok : self-hosted cost per 1M tokens there [USD/1M tokens]
    flat : path -> USD per 1M tokens (API, hosted open)
    current : (utilisation, USD per 1M tokens) of the scenario, or None
    """
    labels = {**theme.NAMES, **(labels or {})}
    u = np.asarray(utilisation, dtype=float)
    c = np.asarray(self_usd_per_mtok, dtype=float)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=u, y=c, mode="markers", name=labels["self_host"],
                             marker=dict(color=theme.COLORS["self_host"], size=4, opacity=0.6),
                             customdata=many(lambda v: f"${v:,.3f}", c),
                             hovertemplate="utilisation %{x:.0%}<br>%{customdata}/M tokens<extra>"
                                           + labels["self_host"] + "</extra>",
                             meta={"role": "curve", "path": "self_host"}))
    for path, value in flat.items():
        fig.add_trace(go.Scatter(x=np.array([0.0, 1.0]), y=np.array([value, value]), mode="lines",
                                 name=f"{labels[path]} (${value:,.3f}/M)",
                                 line=dict(color=theme.COLORS[path], width=2.5),
                                 hovertemplate=f"{labels[path]}: ${value:,.3f}/M tokens<extra></extra>",
                                 meta={"role": "flat", "path": path}))
    if current is not None and all(np.isfinite(current)):
        fig.add_trace(go.Scatter(x=np.array([current[0]]), y=np.array([current[1]]), mode="markers+text",
                                 text=["you"], textposition="top right", name="Your scenario", showlegend=False,
                                 marker=dict(size=11, color=theme.COLORS["self_host"], line=dict(color="#1b1f24", width=2)),
                                 hovertemplate="you: utilisation %{x:.0%}, $%{y:,.3f}/M tokens<extra></extra>",
                                 meta={"role": "current"}))
    fig.update_layout(**theme.base_layout(
        margin=dict(l=10, r=10, t=80, b=10),
        xaxis=dict(title="Average fleet utilisation [share of max throughput]", tickformat=".0%", range=[0, 1.02],
                   gridcolor=theme.GRID),
        yaxis=dict(title="Cost per 1M tokens [USD, log scale]", type="log", tickprefix="$", dtick=1,
                   gridcolor=theme.GRID)))
    return fig

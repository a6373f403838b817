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
from tco.ui.fmt import linear_ticks, log_ticks, many, month, plotly_text, tokens, usd, usd_short

__all__ = ["breakeven_figure", "payback_figure", "heatmap_figure", "breakdown_figure",
           "unit_cost_figure", "log_ticks", "for_report", "legend_below"]


def _money_axis(title: str, values=None, log: bool = False, **kw) -> dict:
    """A USD axis labelled by :mod:`tco.ui.fmt` ('-$100k', '$0', '$1.5M'): Plotly's own "~s" format
    writes '$-100k' and '$2G'. ``values``: the data on the axis (the ticks cover their range)."""
    axis = dict(title=title, **kw)
    if values is not None:
        v = np.asarray(values, dtype=float).ravel()
        v = v[np.isfinite(v)]
        if log:
            v = v[v > 0]
            lo, hi = (10 ** kw["range"][0], 10 ** kw["range"][1]) if kw.get("range") else \
                (float(v.min()), float(v.max())) if v.size else (1.0, 10.0)
            tv, tt = log_ticks(lo, hi, usd_short)
        else:
            lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
            lo, hi = min(lo, 0.0), max(hi, 0.0)
            tv, tt = linear_ticks(lo, hi, usd_short)
            # only ticks Plotly's autorange will show (a tick beyond the data is never drawn)
            pad = 0.02 * (hi - lo)
            keep = [i for i, t in enumerate(tv) if lo - pad <= t <= hi + pad]
            tv, tt = [tv[i] for i in keep], [tt[i] for i in keep]
        if tv:
            axis.update(tickvals=tv, ticktext=tt)
    return axis


def legend_below(fig: go.Figure) -> go.Figure:
    """Legend under the plot (narrow screens, the CFO view): it never covers the plot or the mode
    bar, and long names get the whole width."""
    # measured from the bottom of the figure, so it sits under the axis title whatever the height
    fig.update_layout(legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, xanchor="left", x=0),
                      margin=dict(t=24, b=10))
    return fig


def for_report(fig: go.Figure, width: int | None = None) -> go.Figure:
    """A copy of a page figure for the HTML report and the PDF: white paper, dark ink, a grid,
    axis titles clear of the tick labels (automargin, standoff), the legend under the plot, and a
    fixed width for print when ``width`` is given. The page's own figures leave colours and
    margins to Streamlit's theme, which a report does not have."""
    out = go.Figure(fig)
    out.update_layout(paper_bgcolor="white", plot_bgcolor="white",
                      font=dict(family="Helvetica, Arial, sans-serif", size=12, color="#1b1f24"),
                      margin=dict(l=16, r=max(24, fig.layout.margin.r or 0), t=30, b=16, pad=2),  # r: end labels
                      width=width, autosize=width is None)
    out.update_xaxes(automargin=True, gridcolor=theme.GRID, linecolor="#8c959f", ticks="outside",
                     ticklen=4, title_standoff=10, title_font_size=12)
    out.update_yaxes(automargin=True, gridcolor=theme.GRID, linecolor="#8c959f", ticks="outside",
                     ticklen=4, title_standoff=10, title_font_size=12)
    legend_below(out)
    out.update_layout(margin=dict(t=30))
    return out


#: Width of a break-even label as a share of the x axis ("4.76B tokens/month" at 12 px on a chart
#: about 560 px wide, the narrowest the page draws it at 1280 px).
LABEL_WIDTH_SHARE = 0.22


def crossing_label_positions(volumes: Mapping[str, float], current: float, lo: float, hi: float) -> dict[str, str]:
    """Where each break-even label goes (Plotly textposition) so that no label crosses the "you"
    line or another label. Every path's cost line rises through its marker from the lower left,
    so only the upper-left and lower-right corners are free: a label goes to the side away from
    the current volume, and of two labels that would sit side by side, one moves to the other
    corner when there is room for it."""
    span = math.log10(max(hi, lo * 10) / lo) if lo > 0 else 5.0
    w = LABEL_WIDTH_SHARE * span  # label width [decades]
    lc = math.log10(current) if current > 0 else -math.inf
    pos = {p: "bottom right" if v >= current else "top left" for p, v in volumes.items()}
    llo, lhi = math.log10(lo), math.log10(max(hi, lo * 10))
    for p, v in volumes.items():  # a label that would run off the chart goes to the other corner
        lv = math.log10(v)
        if pos[p] == "bottom right" and lv + w > lhi and (lc >= lv or lv - lc > w):
            pos[p] = "top left"
        elif pos[p] == "top left" and lv - w < llo and (lc <= lv or lc - lv > w):
            pos[p] = "bottom right"
    if len(volumes) == 2:
        (pa, va), (pb, vb) = sorted(volumes.items(), key=lambda kv: kv[1])
        la, lb = math.log10(va), math.log10(vb)
        if pos[pa] == pos[pb] and lb - la < w:
            if pos[pa] == "bottom right" and la - lc > w:
                pos[pa] = "top left"
            elif pos[pb] == "top left" and lc - lb > w:
                pos[pb] = "bottom right"
    return pos


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

    Labels never overlap: a break-even label sits on the side of its marker away from the "you"
    line, the API's above its marker and the hosted model's below it.
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
    positions = crossing_label_positions({p: c[0] for p, c in crossings.items() if c is not None},
                                         current_volume, float(np.nanmin(x)), float(np.nanmax(x)))
    for path, cross in crossings.items():
        if cross is None:
            continue
        vol, cost = cross
        text = f"break-even vs {theme.AGAINST[path]}:<br>{tokens(vol)} tokens/month"
        fig.add_trace(go.Scatter(
            x=np.array([vol]), y=np.array([cost]), mode="markers+text", name=f"Break-even vs {labels[path]}",
            marker=dict(symbol="diamond", size=13, color=theme.COLORS[path], line=dict(color="white", width=1.5)),
            text=[text], textposition=positions[path],
            textfont=dict(size=12, color=theme.COLORS[path]),
            hovertemplate=f"{text}<br>{usd(cost)}/month<extra></extra>", showlegend=False,
            meta={"role": "crossover", "path": path}))
    if current_volume > 0:
        fig.add_vline(x=current_volume, line=dict(color=theme.MUTED, dash="dot", width=1.5))
        fig.add_trace(go.Scatter(
            x=np.full(len(current_monthly), float(current_volume)),
            y=np.array([current_monthly[p] for p in current_monthly], dtype=float),
            mode="markers", name="Your volume", showlegend=False,
            marker=dict(size=9, color=[theme.COLORS[p] for p in current_monthly], line=dict(color="white", width=1.5)),
            customdata=np.array([[labels[p], usd(current_monthly[p])] for p in current_monthly], dtype=str),
            hovertemplate=f"Your volume: {tokens(current_volume)} tokens/month<br>"
                          "%{customdata[0]}: %{customdata[1]}/month<extra></extra>",
            meta={"role": "current", "volume": float(current_volume)}))
        fig.add_annotation(x=math.log10(current_volume), y=1.0, yref="paper", text=f"you: {tokens(current_volume)}",
                           showarrow=False, yanchor="bottom", font=dict(size=12, color=theme.MUTED))
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    tv, tt = log_ticks(lo, hi)
    ys = np.concatenate([np.asarray(v, dtype=float).ravel() for v in monthly.values()])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    y_range = None
    if ys.size:  # show four decades below the top: cents a month at 1M tokens say nothing
        top = float(ys.max()) * 1.5
        y_range = [math.log10(max(float(ys.min()), top / 1e4)), math.log10(top)]
    fig.update_layout(**theme.base_layout(
        xaxis=dict(title="Monthly token volume [tokens/month, log scale]", type="log", tickvals=tv, ticktext=tt),
        yaxis=_money_axis("Monthly cost [USD/month, log scale]", ys, log=True, type="log", range=y_range),
        legend=dict(orientation="h", yanchor="bottom", y=1.07, xanchor="left", x=0),
        margin=dict(l=10, r=28, t=70, b=10)))  # r: the last tick label is centred on the axis' end
    return fig


def spread_labels(ys: Sequence[float], gap: float) -> list[float]:
    """Label heights as close to ``ys`` as possible with at least ``gap`` between any two (same
    order and units as ``ys``): overlapping neighbours are pushed apart around their middle."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [float(ys[i]) for i in order]
    for _ in range(50 * len(placed) + 1):
        moved = False
        for k in range(1, len(placed)):
            if placed[k] - placed[k - 1] < gap - 1e-9:
                mid = (placed[k] + placed[k - 1]) / 2
                placed[k - 1], placed[k] = mid - gap / 2, mid + gap / 2
                moved = True
        if not moved:
            break
    out = [0.0] * len(ys)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


#: Line styles of the payback curves that are not the scenario's own: ÷2 dotted, ×2 dashed.
PAYBACK_DASH = {"lower": "dot", "higher": "dash"}


def payback_figure(months: np.ndarray, curves: Sequence[tuple[str, np.ndarray, bool]],
                   payback_month: int | None, window: tuple[int, int] = theme.WINDOW) -> go.Figure:
    """Cumulative net savings against the API, month by month, upfront costs in month 0.

    months : 0..horizon
    curves : (label, cumulative savings [USD], is_current) per volume, lowest volume first; the
             current one is drawn bold, the one below it dotted, the one above it dashed, each
             named at its right end
    payback_month : the engine's payback month of the current curve, or None
    window : first and last month of the shaded payback window finance teams expect
    """
    fig = go.Figure()
    m = np.asarray(months, dtype=float)
    fig.add_vrect(x0=window[0], x1=window[1], fillcolor=theme.WINDOW_FILL, line_width=0, layer="below",
                  annotation_text=f"months {window[0]}–{window[1]}:<br>expected payback",
                  annotation_position="top left", annotation_font=dict(size=11, color=theme.WINDOW_INK))
    fig.add_hline(y=0, line=dict(color=theme.MUTED, width=1))
    current_at = next((i for i, (_, _, cur) in enumerate(curves) if cur), 0)
    all_y = []
    for i, (label, cum, is_current) in enumerate(curves):
        cum = np.asarray(cum, dtype=float)
        all_y.append(cum)
        dash = "solid" if is_current else PAYBACK_DASH["lower" if i < current_at else "higher"]
        fig.add_trace(go.Scatter(
            x=m, y=cum, mode="lines", name=label,
            line=dict(color=theme.COLORS["self_host"], width=3 if is_current else 1.8, dash=dash),
            opacity=1.0 if is_current else 0.8,
            customdata=many(usd, cum),
            hovertemplate="month %{x}<br>cumulative net savings %{customdata}<extra>" + label + "</extra>",
            meta={"role": "curve", "current": bool(is_current), "dash": dash}))
    # each curve's name at its right end (the dotted and dashed ones need no legend lookup), pushed
    # apart where the curves end close together so that no two labels overlap
    ends = [float(np.asarray(c, dtype=float)[-1]) for _, c, _ in curves]
    span = float(np.ptp(np.concatenate(all_y))) if all_y else 1.0
    for i, y_end in zip(spread_labels(ends, 0.07 * (span or 1.0)), range(len(curves))):
        label, _, is_current = curves[y_end]
        text = f"{label.split(' tokens')[0]} (yours)" if is_current else label
        fig.add_annotation(x=float(m[-1]), y=i, text=text, showarrow=False, xanchor="left", xshift=6,
                           font=dict(size=11, color=theme.COLORS["self_host"]), name=f"end label {y_end}")
    if payback_month is not None:
        cum = next(np.asarray(c, dtype=float) for _, c, cur in curves if cur)
        y = float(cum[int(payback_month)])
        fig.add_trace(go.Scatter(
            x=np.array([payback_month], dtype=float), y=np.array([y]), mode="markers+text",
            name="Payback", showlegend=False, text=[f"pays back in {month(payback_month)}"],
            # left of the star unless it would run off the plot's left edge
            textposition="top left" if payback_month > 0.3 * float(m[-1]) else "top right",
            textfont=dict(size=12, color=theme.WINDOW_INK),
            marker=dict(symbol="star", size=17, color=theme.WINDOW_INK, line=dict(color="white", width=1)),
            hovertemplate=f"payback: {month(payback_month)}<extra></extra>",
            meta={"role": "payback", "month": int(payback_month)}))
    fig.update_layout(**theme.base_layout(
        xaxis=dict(title="Month after the decision [month 0 = upfront costs]",
                   range=[-0.5, float(m[-1]) + 0.5]),
        yaxis=_money_axis("Cumulative net savings vs API [USD]", np.concatenate(all_y) if all_y else None,
                          zeroline=False),
        margin=dict(l=10, r=90, t=60, b=10)))  # room for the end labels
    return fig


BAND_FILL = "rgba(212, 87, 11, 0.16)"


def with_band(fig: go.Figure, bands: Mapping[str, np.ndarray], samples: int) -> go.Figure:
    """The payback chart (:func:`payback_figure`) with the P10–P90 band of ``samples`` drawn
    scenarios under its curves and their P50 as a thin dotted line (``bands``: ``p10``, ``p50``,
    ``p90`` of the cumulative net savings by month, month 0 first); the money axis then covers
    the band too."""
    fig = go.Figure(fig)
    p10, p50, p90 = (np.asarray(bands[k], dtype=float) for k in ("p10", "p50", "p90"))
    m = np.arange(p50.size, dtype=float)
    band = [
        go.Scatter(x=m, y=p90, mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip",
                   meta={"role": "band_edge"}),
        go.Scatter(x=m, y=p10, mode="lines", line=dict(width=0), fill="tonexty", fillcolor=BAND_FILL,
                   name=f"P10–P90 of {samples:,} drawn scenarios", customdata=np.c_[many(usd, p10), many(usd, p90)],
                   hovertemplate="month %{x}: P10 %{customdata[0]}, P90 %{customdata[1]}<extra></extra>",
                   meta={"role": "band"}),
        go.Scatter(x=m, y=p50, mode="lines", name="P50 of the draws",
                   line=dict(color=theme.COLORS["self_host"], width=1.2, dash="dot"), customdata=many(usd, p50),
                   hovertemplate="month %{x}: P50 %{customdata}<extra></extra>", meta={"role": "band_p50"}),
    ]
    fig.add_traces(band)
    fig.data = fig.data[-len(band):] + fig.data[:-len(band)]   # the band under the curves
    values = [np.asarray(tr.y, dtype=float) for tr in fig.data if tr.y is not None]
    title = fig.layout.yaxis.title.text
    axis = _money_axis(title, np.concatenate(values), zeroline=False)
    fig.update_yaxes(tickvals=axis.get("tickvals"), ticktext=axis.get("ticktext"))
    return fig


def heatmap_figure(x: np.ndarray, y: np.ndarray, z: np.ndarray, *, kind: str, y_title: str,
                   frontier_x: np.ndarray | None, current: tuple[float, float], y_fmt=None,
                   horizon: int | None = None) -> go.Figure:
    """A sweep over token volume (x, log) and one other input (y).

    z : shape (len(y), len(x)); kind "payback" (month, NaN = none within the horizon: drawn in its
        own grey, named in the legend) or "savings" (USD/month, API − self-hosted)
    frontier_x : break-even volume for each y (NaN where none): the line where self-hosting starts
        to be no dearer than the API
    current : (volume, y) of the scenario on the page
    """
    x, y, z = (np.asarray(a, dtype=float) for a in (x, y, z))
    y_fmt = y_fmt or (lambda v: f"{v:g}")
    xt = many(tokens, x)
    none_text = f"no payback within {horizon} months" if horizon else "no payback"
    if kind == "payback":
        colorscale = [[0, "#1a7f37"], [0.33, "#2ea043"], [0.5, "#d4a72c"], [1, "#cf222e"]]
        cbar = dict(title=dict(text="Payback<br>[month]", side="top"), thickness=14)
        zmin, zmax = 0, float(horizon) if horizon else None
    else:
        colorscale = "RdBu"
        lim = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
        tv, tt = linear_ticks(-lim, lim, usd_short, n=5)
        cbar = dict(title=dict(text="Savings vs API<br>[USD/month]", side="top"), tickvals=tv, ticktext=tt,
                    thickness=14)
        zmin, zmax = -lim, lim
    # the hover: a cell carries only its volume label ("4.76B", as the axis writes it); the second
    # input and the answer are formatted by Plotly from y and z. A full sentence per cell sent
    # ~140 bytes a cell, 680 kB of figures on every rerun of the Sweeps tab.
    cell_x = np.broadcast_to(xt[None, :], z.shape)
    y_part = f"{plotly_text(y_title)}: %{{y:,.3~r}}"
    answer = "payback in month %{z:.0f}" if kind == "payback" else "saves %{z:$,.0f} a month against the API"
    fig = go.Figure(go.Heatmap(
        x=x, y=y, z=z, colorscale=colorscale, zmin=zmin, zmax=zmax, colorbar=cbar, hoverongaps=False,
        text=cell_x, name=kind, hovertemplate=f"%{{text}} tokens/month<br>{y_part}<br>{answer}<extra></extra>",
        meta={"role": "heatmap", "kind": kind}))
    if kind == "payback" and np.isnan(z).any():
        # "no payback" is an answer, not a gap: its cells get their own colour, a legend entry and
        # their own hover
        fig.add_trace(go.Heatmap(
            x=x, y=y, z=np.where(np.isnan(z), 1.0, np.nan), colorscale=[[0, theme.NO_PAYBACK], [1, theme.NO_PAYBACK]],
            showscale=False, hoverongaps=False, text=cell_x,
            hovertemplate=f"%{{text}} tokens/month<br>{y_part}<br>{plotly_text(none_text)}<extra></extra>",
            name=none_text, meta={"role": "no_payback"}))
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=none_text, hoverinfo="skip",
            marker=dict(symbol="square", size=12, color=theme.NO_PAYBACK), meta={"role": "no_payback_legend"}))
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
    y_axis = dict(title=y_title, showgrid=False)
    if "USD" in y_title:
        y_axis = _money_axis(y_title, y, showgrid=False)
    elif y.size:   # e.g. staff: round ticks (0.5, 1, 1.5; the unit is in the title), not Plotly's own
        lo, hi = float(y.min()), float(y.max())
        ytv, ytt = linear_ticks(lo, hi, lambda v: f"{v:g}")
        pad = 0.02 * (hi - lo)
        keep = [i for i, v in enumerate(ytv) if lo - pad <= v <= hi + pad]
        if keep:
            y_axis.update(tickvals=[ytv[i] for i in keep], ticktext=[ytt[i] for i in keep])
    fig.update_layout(**theme.base_layout(
        height=380, xaxis=dict(title="Monthly token volume [tokens/month, log scale]", type="log", tickvals=tv,
                               ticktext=tt, showgrid=False),
        yaxis=y_axis, showlegend=True,
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
                                          yaxis=_money_axis(title, [0.0, *(float(sum(t.values())) for t in totals.values())]),
                                          bargap=0.45, margin=dict(l=10, r=10, t=60, b=10)))
    return fig


def unit_cost_figure(lines: Sequence[tuple[int, np.ndarray, np.ndarray]], flat: Mapping[str, float],
                     current: tuple[float, float] | None, labels: Mapping[str, str] | None = None) -> go.Figure:
    """$ per 1M tokens against fleet utilisation: self-hosting falls as the GPUs fill up; the API and
    the hosted open model charge the same per token whatever the volume.

    lines : (replica count, average fleet utilisation [share], self-hosted USD per 1M tokens) per
            fleet size, each over the whole range that fleet can run at (0 to its maximum)
    flat : path -> USD per 1M tokens (API, hosted open), drawn across the same range
    current : (utilisation, USD per 1M tokens) of the scenario, or None

    The x axis ends where the fleet's utilisation can end (target utilisation at the peak hour over
    the peak-to-average ratio), not at 100%.
    """
    labels = {**theme.NAMES, **(labels or {})}
    fig = go.Figure()
    u_max = max((float(np.nanmax(u)) for _, u, _ in lines if np.isfinite(u).any()), default=1.0)
    if current is not None and np.isfinite(current[0]):
        u_max = max(u_max, float(current[0]))
    widths = [3.0, 2.0, 1.5, 1.2]
    cs = []
    for k, (n, u, c) in enumerate(lines):
        u, c = np.asarray(u, dtype=float), np.asarray(c, dtype=float)
        order = np.argsort(u)
        u, c = u[order], c[order]
        cs.append(c[np.isfinite(c) & (c > 0)])
        name = f"{theme.NAMES['self_host']}, {n} replica{'s' if n != 1 else ''}"  # the model is in the title
        fig.add_trace(go.Scatter(x=u, y=c, mode="lines", name=name,
                                 line=dict(color=theme.COLORS["self_host"], width=widths[min(k, 3)],
                                           dash=("solid", "dash", "dot", "dashdot")[min(k, 3)]),
                                 customdata=many(lambda v: f"${v:,.3f}", c),
                                 hovertemplate="utilisation %{x:.1%}<br>%{customdata}/M tokens<extra>" + name
                                               + "</extra>",
                                 meta={"role": "curve", "path": "self_host", "replicas": int(n)}))
    for path, value in flat.items():
        fig.add_trace(go.Scatter(x=np.array([0.0, u_max]), y=np.array([value, value]), mode="lines",
                                 name=f"{labels[path]} (${value:,.3f}/M)",
                                 line=dict(color=theme.COLORS[path], width=2.5),
                                 hovertemplate=f"{labels[path]}: ${value:,.3f}/M tokens<extra></extra>",
                                 meta={"role": "flat", "path": path}))
    if current is not None and all(np.isfinite(current)):
        fig.add_trace(go.Scatter(x=np.array([current[0]]), y=np.array([current[1]]), mode="markers+text",
                                 text=["you"], textposition="top right", name="Your scenario", showlegend=False,
                                 marker=dict(size=11, color=theme.COLORS["self_host"], line=dict(color="white", width=2)),
                                 hovertemplate="you: utilisation %{x:.1%}, $%{y:,.3f}/M tokens<extra></extra>",
                                 meta={"role": "current"}))
    ys = np.concatenate([*cs, np.asarray(list(flat.values()), dtype=float)]) if cs or flat else np.array([1.0])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    y_range = None
    if ys.size:  # four decades under the top: the near-empty fleet's cost per token says little
        top = float(ys.max()) * 1.5
        y_range = [math.log10(max(float(ys.min()) / 1.5, top / 1e4)), math.log10(top)]
    xt = linear_ticks(0.0, u_max, lambda v: f"{v:.0%}" if u_max >= 0.05 else f"{v:.1%}", n=6)
    fig.update_layout(**theme.base_layout(
        margin=dict(l=10, r=10, t=80, b=10),
        xaxis=dict(title="Average fleet utilisation [share of max throughput]", range=[0, u_max * 1.03],
                   tickvals=xt[0], ticktext=xt[1]),
        yaxis=_money_axis("Cost per 1M tokens [USD, log scale]", ys, log=True, type="log", range=y_range)))
    return fig

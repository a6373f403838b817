"""The recommended plan at the top of the page and the "Plans" tab (tco/plans.py is the engine).

Figures are pure builders (tested on the figure object); the render functions only draw. Plan
names come from the bundled catalogs; they are shown as plain text (table cells, Plotly labels
with their markup escaped), never as Markdown.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tco import load, plans
from tco.scenario import Scenario
from tco.ui import charts, data, firstpaint, theme
from tco.ui.fmt import md, month, tokens, usd

KIND_NAMES = {"api": "API", "hosted_open": "Hosted open model", "self_host": "Self-hosted", "hybrid": "Hybrid"}
KIND_COLORS = {**theme.COLORS, "hybrid": "#2da44e"}
CURVE_POINTS = 80
TOP = 10
TABLE_HEIGHT = 388  # [px] ten rows and the header


@st.cache_data(show_spinner=False, max_entries=64)
def search(s: Scenario) -> plans.PlanSearch:
    """:func:`tco.plans.search`, cached on the scenario."""
    return plans.search(s)


@st.cache_data(show_spinner=False, max_entries=32)
def _curves(s_free: Scenario, lo: float, hi: float) -> dict:
    return plans.cost_curves(s_free, np.geomspace(lo, hi, CURVE_POINTS))


def curves(s: Scenario) -> dict:
    """Month-1 monthly cost of every plan over the page's volume range (not keyed on the volume)."""
    lo, hi = data.volume_range(s.tokens_per_month)
    return _curves(s.replace(tokens_per_month=Scenario().tokens_per_month), lo, hi)


def _lower(kind_name: str) -> str:
    """'Hosted open model' -> 'hosted open model'; 'API' stays 'API'."""
    return kind_name if kind_name.isupper() else kind_name.lower()


def _plain(text: str) -> str:
    """Text for a Plotly label: its HTML-like markup shown as characters, not rendered."""
    return html.escape(text, quote=False)


# --- figures -----------------------------------------------------------------------------------

def envelope_figure(c: dict, current_volume: float) -> go.Figure:
    """Monthly cost against volume of the best plan of each kind, and the lower envelope coloured
    by the kind that wins at each volume (thick), with the current volume marked."""
    x = c["volumes"]
    fig = go.Figure()
    best_cost = {}
    for kind, idx in c["best_by_kind"].items():
        y = c["cost"][idx, np.arange(x.size)]
        best_cost[kind] = y
        names = np.array([_plain(c["names"][i]) for i in idx])
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", name=f"Best {_lower(KIND_NAMES[kind])} plan",
            line=dict(color=KIND_COLORS[kind], width=1.5, dash="dot"), customdata=names,
            hovertemplate="%{customdata}<br>%{x:.3s} tokens/month: $%{y:,.0f}/month<extra></extra>"))
    kinds = list(best_cost)
    if not kinds:   # e.g. a private share and no fleet that meets the latency target
        fig.add_annotation(text="No plan meets the constraints at any of these volumes", showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=14, color="#57606a"))
        fig.update_layout(**theme.base_layout(xaxis=dict(visible=False), yaxis=dict(visible=False)))
        return fig
    stack = np.vstack([np.where(np.isnan(best_cost[k]), np.inf, best_cost[k]) for k in kinds])
    winner = np.argmin(stack, axis=0)
    low = stack[winner, np.arange(x.size)]
    # one thick segment per run of the same winner, joined at the boundaries
    start = 0
    shown = set()
    for j in range(1, x.size + 1):
        if j == x.size or winner[j] != winner[start]:
            k = kinds[winner[start]]
            end = min(j + 1, x.size)
            fig.add_trace(go.Scatter(
                x=x[start:end], y=low[start:end], mode="lines", line=dict(color=KIND_COLORS[k], width=5),
                name=f"Cheapest: {_lower(KIND_NAMES[k])}", legendgroup=f"win_{k}", showlegend=k not in shown,
                hovertemplate=f"Cheapest here: {_lower(KIND_NAMES[k])}<br>%{{x:.3s}} tokens/month: "
                              "$%{y:,.0f}/month<extra></extra>"))
            shown.add(k)
            start = j
    if current_volume > 0:   # a log axis has no place for 0 tokens a month
        fig.add_vline(x=current_volume, line=dict(color="#57606a", width=1, dash="dash"))
        fig.add_annotation(x=np.log10(current_volume), y=1, yref="paper", text="you are here", showarrow=False,
                           yanchor="bottom", font=dict(size=11, color="#57606a"))
    ticks, labels = charts.log_ticks(float(x[0]), float(x[-1]))
    finite = low[np.isfinite(low)]
    fig.update_layout(**theme.base_layout(
        xaxis=dict(type="log", title="Monthly token volume [tokens/month]", tickvals=ticks, ticktext=labels,
                   gridcolor=theme.GRID),
        # money ticks by tco.ui.fmt ($1, $10, $100, $1k, …): Plotly's own put "$" on some ticks only
        yaxis=charts._money_axis(
            "Monthly cost at month-1 prices [USD/month]", finite, log=True, type="log", gridcolor=theme.GRID,
            **({"range": [np.log10(max(finite.min() / 2, 1.0)), np.log10(max(finite.max() * 3, 10.0))]}
               if finite.size else {}))))
    return fig


def hourly_figure(s: Scenario, plan: plans.Plan | None) -> go.Figure:
    """The load hour by hour (tokens per hour at month-1 volume) and, for a hybrid, its fleet's
    capacity with the overflow shaded."""
    w = load.hourly(s.load_profile, s.peak_to_average)
    per_hour = s.tokens_per_month / (load.HOURS_PER_DAY * (730.0 / 24)) * w      # tokens in one hour
    hours = np.arange(load.HOURS_PER_DAY)
    fig = go.Figure()
    fig.add_trace(go.Bar(x=hours, y=per_hour, name="Load", marker_color="#8c959f",
                         hovertemplate="%{x}:00: %{y:.3s} tokens in the hour<extra></extra>"))
    if plan is not None and plan.kind == "hybrid" and plan.fleet is not None:
        served_share = 1 - s.frontier_share
        capacity = _hybrid_capacity_per_hour(s, plan)
        over = np.maximum(per_hour * served_share - capacity, 0.0)
        fig.add_trace(go.Bar(x=hours, y=over, name=f"Overflow to {'the API' if plan.overflow == 'api' else 'the hosted model'}",
                             marker_color=KIND_COLORS["api" if plan.overflow == "api" else "hosted_open"],
                             opacity=0.7, hovertemplate="%{x}:00: %{y:.3s} tokens overflow<extra></extra>"))
        fig.add_trace(go.Scatter(x=np.r_[hours - 0.5, 23.5], y=np.r_[np.full(24, capacity), capacity],
                                 mode="lines", line=dict(color=KIND_COLORS["self_host"], width=3, shape="hv"),
                                 name=f"Fleet capacity ({plan.replicas:g} replica{'' if plan.replicas == 1 else 's'} at the target)"))
        fig.update_layout(barmode="overlay")
    fig.update_layout(**theme.base_layout(
        height=320,
        xaxis=dict(title="Hour of the day (the profile's own time zone)", dtick=3, gridcolor=theme.GRID),
        yaxis=dict(title="Tokens in the hour (month 1)", tickformat="~s", gridcolor=theme.GRID)))
    return fig


def _hybrid_capacity_per_hour(s: Scenario, plan: plans.Plan) -> float:
    """Tokens one hour of the hybrid's fleet serves at the target utilisation (month 1)."""
    from tco import costs
    f = plan.fleet
    p = plans._base_params(s).replace(replica_output_tokens_per_s=f.output_tokens_per_s,
                                      gpus_per_replica=f.gpus_per_replica).arrays()
    replica_month = float(np.asarray(costs.replica_tokens(p)))       # tokens/month with the peak hour at target
    return plan.replicas * replica_month * s.peak_to_average / 730.0


# --- the page ---------------------------------------------------------------------------------

def render_recommendation(s: Scenario | None) -> None:
    """The recommended plan and its reason, at the top of the page."""
    if s is None:
        return
    try:
        found = search(s)
    except ValueError as e:
        st.caption(f"No plan could be searched: {md(str(e))}")
        return
    if found.recommended.feasible:
        st.success(recommendation_md(found), icon=":material/explore:")
    else:
        st.warning(recommendation_md(found), icon=":material/block:")


def recommendation_md(found: plans.PlanSearch) -> str:
    """'**Recommended plan: NAME.** $83,399 over 36 months, …' as Markdown, the names escaped."""
    name, why = found.lead()
    return f"**Recommended plan: {md(name)}.** {md(why)}" if name else f"**{md(why)}**"


def plan_table(found: plans.PlanSearch, kinds: list[str], top: int = TOP) -> pd.DataFrame:
    """The ranked plans as a table for people (feasible ones, cheapest first)."""
    rows = []
    horizon = None
    for q in found.plans:
        if not q.feasible or q.kind not in kinds:
            continue
        rows.append({
            "Plan": q.name, "Kind": KIND_NAMES[q.kind],
            # whole dollars as floats: round() gives Python ints, which Arrow cannot hold above 2^63
            "Month 1 [USD]": float(np.round(q.monthly_usd)), "Per 1M tokens [USD]": q.usd_per_mtok,
            "Upfront [USD]": float(np.round(q.upfront_usd)), "Total, discounted [USD]": float(np.round(q.total_cost_usd)),
            "Payback vs API": "current path" if q.kind == "api" else month(q.payback_vs_current_month),
            "NPV vs API [USD]": float(np.round(q.npv_vs_current_usd)),
            "GPUs": q.gpus if q.fleet else 0,
            "API share": q.shares["api"], "Hosted share": q.shares["hosted_open"], "Self-hosted share": q.shares["self_host"],
        })
        if len(rows) >= top:
            break
    return pd.DataFrame(rows)


def render(ctx) -> None:
    """The Plans tab."""
    s = ctx.scenario
    if s is None:
        st.info("Fix the inputs above to search the plans.")
        return
    try:
        found = search(s)
    except ValueError as e:   # e.g. an API model the catalog cannot price: the engine's message
        st.error(f"The plans cannot be searched: {md(str(e))}", icon=":material/block:")
        return
    st.markdown(recommendation_md(found))
    st.caption(f"{len(found.plans):,} plans searched: the API, each hosted offer, every GPU, replica size and "
               "precision that holds the model with each way to pay for it (on demand, reserved 1 or 3 years, "
               "bought, spot, autoscaled), and hybrids that self-host the base load and send the overflow to "
               f"the API or the hosted model. Ranked by total cost over {s.horizon_months} months, discounted at "
               f"{s.discount_rate:.0%} a year; payback and NPV against keeping all traffic on the API.")
    kinds = st.multiselect("Kinds of plan", list(KIND_NAMES), default=list(KIND_NAMES),
                           format_func=KIND_NAMES.get, key="_plan_kinds")
    table = plan_table(found, kinds)
    if table.empty:
        st.info("No plan of these kinds meets the constraints.")
    elif not firstpaint.ready():   # the table's grid code would hold back the page's first paint
        firstpaint.placeholder(TABLE_HEIGHT)
    else:
        st.dataframe(table, hide_index=True, width="stretch", height=TABLE_HEIGHT, column_config={
            "Month 1 [USD]": st.column_config.NumberColumn(format="$%,d"),
            "Per 1M tokens [USD]": st.column_config.NumberColumn(format="$%.3f"),
            "Upfront [USD]": st.column_config.NumberColumn(format="$%,d"),
            "Total, discounted [USD]": st.column_config.NumberColumn(format="$%,d"),
            "NPV vs API [USD]": st.column_config.NumberColumn(format="$%,d"),
            "GPUs": st.column_config.NumberColumn(format="%.1f"),
            "API share": st.column_config.NumberColumn(format="percent"),
            "Hosted share": st.column_config.NumberColumn(format="percent"),
            "Self-hosted share": st.column_config.NumberColumn(format="percent"),
        })
    from tco.ui.views import plot
    st.markdown("**Which kind of plan wins at which volume** (steady state at month-1 prices)")
    plot(envelope_figure(curves(s), s.tokens_per_month), key="plans_envelope")
    hybrid = next((q for q in found.plans if q.feasible and q.kind == "hybrid"), None)
    src, date = load.source(s.load_profile)
    st.markdown(f"**The load over a day** ({md(load.label(s.load_profile))}, bent to a peak of "
                f"{s.peak_to_average:g}× the average hour)"
                + (f" with the best hybrid's fleet: {md(hybrid.name)}" if hybrid else ""))
    plot(hourly_figure(s, hybrid), key="plans_hourly")
    st.caption(f"Profile source: {md(src)}" + (f" ({md(date)})" if date else ""))

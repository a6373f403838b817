"""The "How sure" tab: P10-P90 bands on the payback curve, the chance of payback, and what moves
the answer (tco/uncertainty.py is the engine). Figure builders are pure; render draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tco import uncertainty
from tco.scenario import Scenario
from tco.ui import firstpaint, theme
from tco.ui.fmt import md, pct, spread_value, tokens, usd, usd_short

BAND_FILL = "rgba(212, 87, 11, 0.18)"


@st.cache_data(show_spinner=False, max_entries=32)
def run(s: Scenario) -> uncertainty.Uncertainty:
    """:func:`tco.uncertainty.run` at the page's sample count, cached on the scenario."""
    return uncertainty.run(s, samples=uncertainty.DEFAULT_SAMPLES)


@st.cache_data(show_spinner=False, max_entries=32)
def run_plan(s: Scenario) -> uncertainty.PlanUncertainty | None:
    """:func:`tco.uncertainty.plan_run` on the page's plan search, cached on the scenario."""
    from tco.ui import plans_view
    return uncertainty.plan_run(s, plans_view.search(s))


def fan_figure(u: uncertainty.Uncertainty, deterministic: np.ndarray, window=theme.WINDOW) -> go.Figure:
    """Cumulative savings against the API by month: the P10-P90 band, the P50 line and the
    scenario's own curve; months 12-18 shaded."""
    b = u.cumulative_savings
    months = np.arange(b["p50"].size)
    fig = go.Figure()
    fig.add_vrect(x0=window[0], x1=window[1], fillcolor=theme.WINDOW_FILL, line_width=0, layer="below",
                  annotation_text=f"months {window[0]}–{window[1]}", annotation_position="top left",
                  annotation_font=dict(size=11, color="#2d7a3e"))
    fig.add_trace(go.Scatter(x=months, y=b["p90"], mode="lines", line=dict(width=0), showlegend=False,
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=months, y=b["p10"], mode="lines", line=dict(width=0), fill="tonexty",
                             fillcolor=BAND_FILL, name="P10–P90 of the draws",
                             hovertemplate="month %{x}: P10 $%{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=b["p50"], mode="lines", line=dict(color=theme.COLORS["self_host"], width=3),
                             name="P50", hovertemplate="month %{x}: P50 $%{y:,.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=deterministic, mode="lines",
                             line=dict(color="#57606a", width=1.5, dash="dash"), name="Your scenario",
                             hovertemplate="month %{x}: $%{y:,.0f}<extra></extra>"))
    fig.add_hline(y=0, line=dict(color="#57606a", width=1))
    fig.update_layout(**theme.base_layout(
        xaxis=dict(title="Month [0 = decision month]", gridcolor=theme.GRID),
        yaxis=dict(title="Cumulative savings vs the API [USD]", tickprefix="$", tickformat="~s",
                   gridcolor=theme.GRID)))
    return fig


def tornado_figure(u: uncertainty.Uncertainty, rows: int = 8) -> go.Figure:
    """NPV against the API with each input at its P10 and at its P90 (the others at their medians),
    as bars from the median scenario's NPV, largest swing on top."""
    top = [t for t in u.tornado if t["swing"] > 0][:rows][::-1]
    centre = u.median_npv_usd
    labels = [t["label"] for t in top]
    fig = go.Figure()
    for end, colour, name in (("low", "#8c959f", "input at its P10"), ("high", theme.COLORS["self_host"], "input at its P90")):
        x = [t[f"npv_at_{end}_usd"] - centre for t in top]
        text = [spread_value(t[end], t["unit"]) for t in top]
        fig.add_trace(go.Bar(y=labels, x=x, base=centre, orientation="h", marker_color=colour, name=name,
                             customdata=np.array([[text[i], usd(top[i][f"npv_at_{end}_usd"])] for i in range(len(top))]),
                             hovertemplate="%{y} = %{customdata[0]}: NPV %{customdata[1]}<extra></extra>"))
    fig.add_vline(x=centre, line=dict(color="#57606a", width=1))
    fig.update_layout(**theme.base_layout(
        barmode="overlay", height=max(260, 44 * len(top) + 120),
        xaxis=dict(title="NPV against the API [USD]", tickprefix="$", tickformat="~s", gridcolor=theme.GRID),
        yaxis=dict(automargin=True)))
    return fig


def probability_text(u: uncertainty.Uncertainty, months: int = 18) -> str:
    p = u.prob_payback_within.get(months)
    return "—" if p is None else f"{p:.0%}"


def render(ctx) -> None:
    s = ctx.scenario
    if s is None or ctx.result is None:
        st.info("Fix the inputs above to see how sure the answer is.")
        return
    try:
        u = run(s)
    except ValueError as e:
        st.error(f"The uncertainty cannot be computed: {md(str(e))}", icon=":material/block:")
        return
    q = u.quantiles
    cols = st.columns(4)
    cols[0].metric("Chance of payback within 18 months", probability_text(u, 18),
                   help="Share of the drawn scenarios whose cumulative savings against the API turn positive by month 18.")
    # the P50 as the value and the P10-P90 band under it: "$464k / $1.2M" did not fit a quarter
    # of a 1280 px page
    npv = q["npv_usd"]
    band(cols[1], "NPV vs API, P50", usd_short(npv["p50"]), f"P10 {usd_short(npv['p10'])} · P90 {usd_short(npv['p90'])}",
         md(f"P10 {usd(npv['p10'])}, P50 {usd(npv['p50'])}, P90 {usd(npv['p90'])}; your scenario "
            f"{usd(ctx.result.npv_usd['api'])}."))
    pay = q["payback_month"]

    def month_text(x):
        return "never" if x is None else str(int(x))
    band(cols[2], "Payback month, P50", month_text(pay["p50"]),
         f"P10 {month_text(pay['p10'])} · P90 {month_text(pay['p90'])}",
         f"{pct(pay['share_none'])} of the draws do not pay back within {s.horizon_months} months.")
    be = q["breakeven_tokens_per_month"]
    band(cols[3], "Break-even volume, P50", volume_text(be["p50"]),
         f"P10 {volume_text(be['p10'])} · P90 {volume_text(be['p90'])}",
         "Monthly volume [tokens/month] at which self-hosting becomes no dearer than the API, across the draws; "
         "none where the draw's fleet is never cheaper.")
    probs = ", ".join(f"{m} months: {v:.0%}" for m, v in u.prob_payback_within.items() if v is not None)
    st.caption(f"{u.samples:,} scenarios drawn by Latin hypercube (seed {u.seed}, spread ×{u.spread:g}) and evaluated "
               f"in one call ({u.seconds * 1e3:,.0f} ms). Chance of payback within {probs}.")
    render_plan(s)
    from tco.ui.views import plot
    st.markdown("**Cumulative savings against the API: the band of the draws**")
    plot(fan_figure(u, ctx.result.flows["cumulative_savings_vs_api"]), key="fan")
    st.markdown("**What moves the answer**: NPV with each input at its P10 and P90, the others at their medians")
    plot(tornado_figure(u), key="tornado")
    # each input's own spread (the Uncertainty group's spread_* inputs) times the width of the bands
    table = pd.DataFrame([{"Input": i.label, "Unit": i.unit,
                           "Spread [× default]": u.spread * float(getattr(s, uncertainty.SPREAD_FIELDS[i.key])),
                           "Share of NPV variance": u.variance_share[i.key], "Source of the spread": i.source}
                          for i in u.inputs])
    if firstpaint.ready():
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Spread [× default]": st.column_config.NumberColumn(format="%.2g×"),
            "Share of NPV variance": st.column_config.NumberColumn(format="percent"),
            "Source of the spread": st.column_config.TextColumn(width="large")})


def volume_text(x: float | None) -> str:
    """A break-even volume quantile for a box: '4.76B', or 'none' where the draws have none."""
    return "none" if x is None else tokens(x)


def band(col, label: str, value: str, p10_p90: str, help_text: str) -> None:
    """A metric whose value is the P50 and whose grey line under it is the P10-P90 band."""
    col.metric(label, value, delta=p10_p90, delta_color="off", delta_arrow="off", help=help_text)


def render_plan(s: Scenario) -> None:
    """The recommended plan (Plans tab) in the same draws: how often it stays the cheapest, its
    NPV band and chance of payback against the API, and the plans that beat it in some draws."""
    from tco.ui import report
    try:
        pu = run_plan(s)
    except ValueError as e:
        st.caption(f"The recommended plan could not be drawn: {md(str(e))}")
        return
    if pu is None:
        st.caption("No plan meets the constraints, so there is no recommended plan to draw.")
        return
    st.markdown("**The recommended plan in the same draws**")
    be = pu.quantiles["breakeven_tokens_per_month"]
    cols = st.columns(4 if be["p50"] is not None else 3)
    cols[0].metric("Chance it stays the cheapest", pct(pu.prob_stays_best),
                   help=md(f"Share of {pu.samples:,} drawn scenarios in which {pu.recommended} costs the least "
                           f"(discounted total) of the {len(pu.candidates)} plans closest to it at your inputs."))
    if pu.kind == "api":
        cols[1].metric("Its NPV vs API, P50", "—", help="The recommended plan is the API itself.")
        cols[2].metric("Chance of payback within 18 months", "—", help="Keeping the API has nothing to pay back.")
    else:
        q = pu.quantiles["npv_usd"]
        band(cols[1], "Its NPV vs API, P50", usd_short(q["p50"]), f"P10 {usd_short(q['p10'])} · P90 {usd_short(q['p90'])}",
             md(f"P10 {usd(q['p10'])}, P50 {usd(q['p50'])}, P90 {usd(q['p90'])}: the recommended plan against "
                "keeping all the traffic on the API."))
        p18 = pu.prob_payback_within.get(18)
        cols[2].metric("Its chance of payback within 18 months", pct(p18),
                       help="Share of the draws in which the plan's cumulative savings against the API turn "
                            "positive by month 18.")
    if be["p50"] is not None:
        band(cols[3], "Its break-even volume, P50", volume_text(be["p50"]),
             f"P10 {volume_text(be['p10'])} · P90 {volume_text(be['p90'])}",
             md(f"Tokens a month: {be['note']}; {pct(be['share_none'])} of the draws have none."))
    st.caption(md(report.plan_sureness_text(pu)))
    rows = report.plan_share_rows(pu)
    if rows:
        # a static table: the plan names are long and wrap here instead of being cut
        from tco.ui.fmt import cells
        st.table(cells(pd.DataFrame(rows).rename(columns={"Cheapest in": "Cheapest in [share of draws]"})),
                 hide_index=True)

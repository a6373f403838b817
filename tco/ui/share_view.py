"""Share it with the CFO: the "Share & report" section of the full page and the read-only CFO view.

* :func:`render` (a section of the full page): the link to this exact scenario (copy button), a
  second link that opens the CFO view, what a link carries, and the downloads (HTML report, cash
  flows as CSV, PDF where a Chromium is installed).
* :func:`render_cfo` (``?view=cfo``): one screen, no inputs: the verdict, the four numbers a CFO
  reads first, the payback and break-even charts, the key assumptions with sources and dates, what
  the link could not keep, and the link back to the full model.

Every number shown comes from the engine's :class:`tco.model.Result` (through :mod:`tco.ui.data`,
cached on the Scenario) and is formatted by :mod:`tco.ui.fmt` / :mod:`tco.ui.report`; nothing here
computes a cost. Reports are built only when their button is clicked (deferred downloads), so
moving the volume slider never pays for them. Text that came with a link (notices, model ids) is
shown through markdown with its markup escaped, never as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tco import catalog, share
from tco.model import Result
from tco.scenario import DEFAULTS_DATE, FIELDS, Scenario, format_value, meta
from tco.ui import charts, firstpaint, inputs, plans_view, report, serving, theme, views
from tco.ui.fmt import cells, md, pct, text, tokens, usd

CFO_VIEW = "cfo"
PDF_KEY = "_share_pdf"  # (query the PDF was made for, PDF bytes or None)

#: Static CSS of the CFO view (no user data ever goes in here): no sidebar, less empty space at
#: the top, so the whole case fits one 1440x900 screen.
CFO_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem; padding-bottom: 0.5rem; }
[data-testid="stMetricValue"] { font-size: 1.9rem; }
</style>"""

#: Under a link whose host is this machine only (127.0.0.1, localhost).
LOOPBACK_NOTE = ("This link opens only on this computer: its address, 127.0.0.1 or localhost, is the machine itself. "
                 "To share the dashboard with colleagues, start it with the team command in the README "
                 "(section \"Sharing with colleagues\"), which serves it on your network under a name they can "
                 "open; or send the HTML report below.")

#: Height of each chart in the CFO view [px]: two side by side under the five numbers and the
#: verdict (262 keeps the whole case on one 1440x900 screen with the three-path verdict).
CFO_CHART_HEIGHT = 236
#: Height of the recommended plan's line in the CFO view [px] (one line at 1440 px wide).
CFO_PLAN_HEIGHT = 58
#: Row height of the assumptions table in the CFO view [px].
CFO_ROW_HEIGHT = 30


# --- links -------------------------------------------------------------------------------------

def query(ctx: views.Context, view: str | None = None, notices: list[str] | None = None) -> str:
    """The query string of the scenario on the page (with its bill summary), as the address bar
    holds it (:func:`tco.ui.inputs.write_url`). A bill-summary entry the link cannot hold is left
    out, with a sentence appended to ``notices`` (when given)."""
    return share.encode(ctx.scenario, ctx.baseline, view=view, notices=[] if notices is None else notices)


def absolute_link(q: str) -> tuple[str, bool]:
    """(link, absolute?): the app's own base URL + ``?`` + query, or a relative ``?query`` when
    the base URL is unknown (``st.context.url`` is None outside a browser session, e.g. AppTest)."""
    base = serving.public_base(st.context.url)
    if base:
        base = base.rstrip("?")
        if not urlsplit(base).path:  # http://host:port -> http://host:port/
            base += "/"
        return f"{base}?{q}", True
    return f"?{q}", False


# --- figures: the page's own builders -------------------------------------------------------

breakeven_figure = views.breakeven_figure
payback_figure = views.payback_figure


def report_figures(s: Scenario, r: Result, baseline: Mapping[str, Any] | None = None,
                   sure=None) -> dict[str, go.Figure]:
    """The report's charts: break-even, and payback (with the band of the drawn scenarios when
    ``sure``, a :class:`tco.uncertainty.Uncertainty`, is given)."""
    pay = payback_figure(s, r)
    title = "Cumulative net savings against the API (payback)"
    if sure is not None:
        pay = charts.with_band(pay, sure.cumulative_savings, sure.samples)
        title += ", with the P10–P90 band of the drawn scenarios"
    return {"Monthly cost against volume (break-even)": breakeven_figure(s, r, baseline), title: pay}


def chance_delta(chance: report.Headline) -> str:
    """'62% chance by month 18' (the line under the CFO view's payback month)."""
    within = chance.label.rsplit(" within ", 1)[1].removesuffix(" months")
    return f"{chance.value} chance by month {within}" if chance.value != "—" else f"no month {within} in the horizon"


def plan_and_sureness(s: Scenario) -> tuple[Any, Any]:
    """(plan search, drawn scenarios) of ``s`` for the CFO view and the report, cached on the
    scenario like the page's; either is None when the engine cannot compute it."""
    from tco.ui import uncertainty_view
    try:
        found = plans_view.search(s)
    except ValueError:
        found = None
    try:
        sure = uncertainty_view.run(s)
    except ValueError:
        sure = None
    return found, sure


def plan_sureness(s: Scenario, found) -> Any:
    """The recommended plan under the drawn scenarios (cached on the scenario), or None when
    there is no feasible plan or the draws cannot be computed."""
    from tco.ui import uncertainty_view
    if found is None or not found.recommended.feasible:
        return None
    try:
        return uncertainty_view.run_plan(s)
    except ValueError:
        return None


# --- what a link carries -----------------------------------------------------------------------

def changed_inputs(s: Scenario) -> list[dict[str, str]]:
    """The inputs a link carries: those that differ from the defaults, with the default beside."""
    rows = []
    for key, f in FIELDS.items():
        value = getattr(s, key)
        if value == f.default:
            continue
        m = meta(key)
        default = "catalog" if f.default is None else _for_people(key, f.default)
        rows.append({"Input": m["label"], "Key": key, "In this link": _for_people(key, value), "Default": default})
    return rows


def _for_people(key: str, value: Any) -> str:
    """An input's value with its unit: '5B tokens/month', '1.5 FTE', 'h200'."""
    unit = meta(key)["unit"]
    if key == inputs.VOLUME_KEY:
        return f"{tokens(value)} tokens/month"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.10g} {unit}".strip()
    return format_value(key, value)


def _month(value: Any) -> str | None:
    """'2026-06' from a month held as text, a date or a pandas Period/Timestamp."""
    if value is None:
        return None
    return value.strftime("%Y-%m") if hasattr(value, "strftime") else str(value)


def baseline_text(baseline: Mapping[str, Any] | None) -> str | None:
    """One sentence on the bill summary a link carries (never the bills themselves)."""
    if not baseline:
        return None
    parts = []
    n = baseline.get("months_covered")
    first, last = _month(baseline.get("first_month")), _month(baseline.get("last_month"))
    if n is not None:
        span = f" ({first} to {last})" if first and last else ""
        parts.append(f"{int(n)} month{'s' if int(n) != 1 else ''} of bills{span}")
    if baseline.get("tokens_per_month") is not None:
        parts.append(f"{tokens(float(baseline['tokens_per_month']))} tokens a month")
    if baseline.get("growth_per_month") is not None:
        parts.append(f"growing {pct(float(baseline['growth_per_month']), 1)} a month")
    if baseline.get("monthly_spend_usd") is not None:
        parts.append(f"{usd(float(baseline['monthly_spend_usd']))} a month of API spend")
    if not parts:
        return None
    return "Summary of the imported bills: " + ", ".join(parts) + "."


# --- the "Share & report" section ----------------------------------------------------------------

def render(ctx: views.Context) -> None:
    """The share links, what they carry, and the downloads."""
    if ctx.scenario is None:
        st.info("Fix the inputs above to get a link to this scenario.")
        return
    dropped: list[str] = []
    q = query(ctx, notices=dropped)
    link, absolute = absolute_link(q)
    cfo_link, _ = absolute_link(query(ctx, CFO_VIEW))

    st.markdown("**Link to this exact scenario**: whoever opens it sees the same numbers, to the cent.")
    st.code(link, language=None, wrap_lines=True)
    note = (f"{len(link):,} characters ({len(q):,} in the query; links stay under "
            f"{share.MAX_LINK_CHARS:,}). The address bar holds the same link and follows every change.")
    if not absolute:
        note += " The app's own address is unknown here, so this link is relative: put it after the page's address."
    st.caption(note)
    if absolute and serving.is_loopback(urlsplit(link).hostname):
        st.info(LOOPBACK_NOTE, icon=":material/lan:")
    for n in dropped:
        st.warning(text(n), icon=":material/warning:")

    st.markdown("**CFO view**: the same scenario on one read-only screen (verdict, four numbers, the two "
                "charts, the key assumptions).")
    left, right = st.columns([4, 1], vertical_alignment="center")
    with left:
        st.code(cfo_link, language=None, wrap_lines=True)
    with right:
        st.link_button("Open CFO view", cfo_link, icon=":material/open_in_new:", width="stretch",
                       help="Opens the CFO view of this scenario in a new tab.")

    st.markdown("**What the link carries**")
    rows = changed_inputs(ctx.scenario)
    if rows:
        st.dataframe(cells(pd.DataFrame(rows)), hide_index=True, width="stretch")
    else:
        st.caption("Only the format version: every input is at its default.")
    bl = baseline_text(ctx.baseline)
    if bl:
        st.caption(md(bl) + " The bills themselves never go into a link.")
    else:
        st.caption("No bill summary (import bills to add their volume, mix and growth); "
                   "bills themselves never go into a link.")

    st.markdown("**Reports to forward**: built when you click, from the numbers on this page.")
    if ctx.result is None:
        st.info("This scenario cannot be computed, so there is no report to download; the link above "
                "still opens it.")
        return
    _downloads(ctx, link, q)


def _downloads(ctx: views.Context, link: str, q: str) -> None:
    s, r = ctx.scenario, ctx.result
    notices = tuple(st.session_state.get(inputs.NOTICES_KEY, ()))
    verdict = views.verdict(r, ctx.baseline)
    files = bill_files(ctx)

    def html_bytes() -> bytes:
        found, sure = plan_and_sureness(s)
        return report.html_report(r, report_figures(s, r, ctx.baseline, sure), link, verdict, notices,
                                  baseline=ctx.baseline, files=files, plan=found, sure=sure,
                                  plan_sure=plan_sureness(s, found)).encode("utf-8")

    cols = st.columns(3)
    cols[0].download_button("HTML report", html_bytes, file_name="tco-report.html",
                            mime="text/html", on_click="ignore", icon=":material/description:",
                            width="stretch", key="share_html",
                            help="One self-contained page (charts, assumptions, the arithmetic, this link); "
                                 "opens offline.")
    cols[1].download_button("Cash flows (CSV)", lambda: report.cash_flows_csv(r),
                            file_name="tco-cash-flows.csv", mime="text/csv", on_click="ignore",
                            icon=":material/table:", width="stretch", key="share_csv",
                            help="Month-by-month cash flows of each path in USD, month 0 first, then the "
                                 "resale value of owned GPUs.")
    if report.chromium_path() is None:
        cols[2].caption("PDF report: needs Chromium (`chromium` on PATH or /usr/bin/chromium).")
        return
    made = st.session_state.get(PDF_KEY)
    with cols[2]:
        if made is not None and made[0] == q:
            if made[1] is not None:
                st.download_button("PDF report", made[1], file_name="tco-report.pdf", mime="application/pdf",
                                   on_click="ignore", icon=":material/picture_as_pdf:", type="primary",
                                   width="stretch", key="share_pdf_download")
            else:
                st.warning("Chromium could not print the report; download the HTML report and print it "
                           "from a browser.", icon=":material/warning:")
        elif st.button("Make the PDF report", icon=":material/picture_as_pdf:", width="stretch",
                       key="share_pdf_make", help="Prints the HTML report with headless Chromium (a few seconds)."):
            with st.spinner("Printing the report with Chromium…"):
                pdf = report.pdf_report(html_bytes().decode("utf-8"))
            st.session_state[PDF_KEY] = (q, pdf)
            st.rerun()


# --- the CFO view --------------------------------------------------------------------------------

def bill_files(ctx: views.Context) -> list[str]:
    """Names of the imported files behind the bill summary (known on the page that imported them)."""
    return list(st.session_state.get(inputs.BILL_FILES_KEY) or ()) if ctx.baseline else []


def key_assumptions(r: Result, baseline: Mapping[str, Any] | None = None,
                    files: list[str] | None = None) -> list[dict[str, str]]:
    """The assumptions a CFO asks about, as the engine used them, with their sources and dates;
    ``baseline`` (the bill summary of the link) adds a row saying what the bills showed."""
    from tco.explain import api_name
    res = r.resolved
    s, p = res.scenario, res.params
    sh = r.at_volume["self_host"]
    table = {row.key: row for row in report.assumptions_table(r, baseline, files).itertuples()}

    def origin(*keys: str) -> tuple[str, str]:
        """(source, date) of a row: of an input set in this scenario if any, else of the first."""
        row = next((table[k] for k in keys if table[k].source.startswith(("set in this scenario", "your"))),
                   table[keys[0]])
        return row.source, row.date
    api = res.api
    rows = [
        ("Volume", f"{tokens(s.tokens_per_month)} tokens/month, growing {pct(s.growth_per_month, 1)} a month",
         *origin("tokens_per_month", "growth_per_month")),
        ("API", f"{api_name(r, baseline)}: ${p.api_input_usd_per_mtok:g} in · ${p.api_cached_input_usd_per_mtok:g} "
                f"cached · ${p.api_output_usd_per_mtok:g} out per 1M tokens",
         *origin("api_input_usd_per_mtok", "api_cached_input_usd_per_mtok", "api_output_usd_per_mtok")),
        ("Open model", f"{res.model.name} at {s.precision.upper()}", res.model.source, res.model.date),
    ]
    fleet = f"{sh['gpus']}× {res.gpu.name}"
    if s.acquisition == "buy":
        gpu = f"{fleet}, bought at {usd(float(p.gpu_price_usd))} each, {s.depreciation_years:g}-year depreciation"
        key = "gpu_price_usd"
    else:
        gpu = f"{fleet}, rented at ${float(p.gpu_hour_usd):g}/GPU-hour on demand"
        if s.acquisition != "on_demand":
            disc = s.reserved_1y_discount if s.acquisition == "reserved_1y" else s.reserved_3y_discount
            gpu += f" less {pct(disc)} ({inputs.ACQUISITION_LABELS[s.acquisition].split(', ')[1]})"
        key = "gpu_hour_usd"
    rows.append(("GPUs", gpu, *origin(key)))  # the price's source (the catalog's unless typed in)
    rows.append(("Staff", f"{s.staff_fte:g} FTE at {usd(s.staff_cost_usd_per_year)}/year",
                 *origin("staff_cost_usd_per_year", "staff_fte")))
    rows.append(("Horizon", f"{s.horizon_months} months, discounted at {pct(s.discount_rate)}/year",
                 *origin("horizon_months", "discount_rate")))
    bills = baseline_text(baseline)
    if bills:
        rows.insert(1, ("Bills", bills.removeprefix("Summary of the imported bills: ").rstrip("."),
                        "your imported API bills (summary carried by the link)",
                        _month(baseline.get("last_month")) or "this link"))
    rows.append(("Price catalog", f"genai-prices, newest price change {catalog.price_catalog_date()}",
                 f"API and hosted prices; the other defaults reviewed {DEFAULTS_DATE}",
                 catalog.price_catalog_date()))
    # an input set in this scenario: say so, without the default's long provenance
    return [{"Assumption": a, "Value": v, "Source": src, "Date": d} for a, v, src, d in rows]


def render_cfo(ctx: views.Context) -> None:
    """The read-only CFO view: one screen, no inputs, the engine's numbers for the linked scenario."""
    st.markdown(CFO_CSS + views.METRIC_CSS, unsafe_allow_html=True)  # static CSS only
    # the full model opens at the same scenario: the same query without view=cfo
    full_link = absolute_link(query(ctx) if ctx.scenario is not None else share.encode(Scenario()))[0]
    head, back = st.columns([5, 1], vertical_alignment="center")
    head.markdown("#### Self-host an open model, or keep paying the API?")
    back.link_button("Open the full model", full_link, icon=":material/tune:", width="stretch",
                     help="This view is read-only. The full model opens the same scenario with every input, "
                          "the sweeps and the arithmetic.")
    notices = tuple(st.session_state.get(inputs.NOTICES_KEY, ()))
    if notices:
        st.warning(f"**This link could not keep everything** ({len(notices)}):\n\n"
                   + "\n".join(f"- {text(n)}" for n in notices), icon=":material/warning:")  # values as code, never links
    r, s = ctx.result, ctx.scenario
    if r is None:
        views.render_rejected(ctx)
        return
    first = firstpaint.stage() < firstpaint.PAGE  # the first run paints the numbers alone
    found, sure = (None, None) if first else plan_and_sureness(s)
    if found is not None and found.recommended.feasible:
        sure_plan = report.plan_sureness_text(plan_sureness(s, found), short=True)
        st.success(plans_view.recommendation_md(found) + (f" {md(sure_plan)}" if sure_plan else ""),
                   icon=":material/explore:")
    elif found is not None:
        st.warning(plans_view.recommendation_md(found), icon=":material/block:")
    elif first:  # the plan's line, once searched (the next run): its room until then
        firstpaint.placeholder(CFO_PLAN_HEIGHT, None)
    st.markdown(f"##### {md(views.verdict(r, ctx.baseline))}")
    heads = report.headlines(r, ctx.baseline)
    chance = report.chance_headline(sure, s.horizon_months) if sure is not None else None
    cols = st.columns(len(heads), border=True)
    for col, h in zip(cols, heads):
        note = h.note[:1].upper() + h.note[1:] + "."
        if chance is not None and h.label == report.PAYBACK_LABEL:  # how sure, under the payback month
            col.metric(h.label, h.text, delta=chance_delta(chance), delta_color="off", delta_arrow="off",
                       help=md(f"{note} {chance.label}: {chance.value}, the {chance.note}."))
        else:
            col.metric(h.label, h.text, help=md(note))
    rows = key_assumptions(r, ctx.baseline, bill_files(ctx))
    table_height = CFO_ROW_HEIGHT * (len(rows) + 1) + 3
    if first:
        firstpaint.placeholder(CFO_CHART_HEIGHT + 40 + table_height, "Drawing the charts…")
        return
    left, right = st.columns(2)
    # the page's figures, shorter, with the legend under the plot (on a phone a legend on top
    # took half the chart) and no mode bar (it covered the legend and the axis titles)
    pay = payback_figure(s, r)
    if sure is not None:
        pay = charts.with_band(pay, sure.cumulative_savings, sure.samples)
    pay = charts.legend_below(pay)
    for tr in pay.data:   # the volume curves are named at their right ends: the legend keeps the band
        if (tr.meta or {}).get("role") == "curve" and sure is not None:
            tr.showlegend = False
    pay.update_layout(height=CFO_CHART_HEIGHT, legend=dict(font=dict(size=11)))
    pay.update_yaxes(title_text="Net savings [USD]")  # the long title is longer than a short chart
    be = charts.legend_below(breakeven_figure(s, r, ctx.baseline))
    be.update_layout(height=CFO_CHART_HEIGHT, legend=dict(font=dict(size=11)))
    be.update_yaxes(title_text="Cost [USD/month]")
    be.update_xaxes(title_text="Volume [tokens/month]")
    # the paths' short names: the models are in the verdict, and long names ran off a phone
    for tr in be.data:
        path = (tr.meta or {}).get("path")
        if (tr.meta or {}).get("role") == "curve" and path in theme.NAMES:
            tr.name = theme.NAMES[path]
    with left:
        st.caption("**Payback**: cumulative net savings against the API, month by month"
                   + (", with the band of the drawn scenarios" if sure is not None else ""))
        views.plot(pay, "cfo_payback", theme.STATIC_CONFIG)
    with right:
        st.caption("**Break-even**: monthly cost of each path against monthly volume")
        views.plot(be, "cfo_breakeven", theme.STATIC_CONFIG)
    if firstpaint.ready():
        st.dataframe(cells(pd.DataFrame(rows)), hide_index=True, width="stretch", row_height=CFO_ROW_HEIGHT, height=table_height,
                     column_config={"Assumption": st.column_config.TextColumn(width="small"),
                                    "Value": st.column_config.TextColumn(width="large"),
                                    "Source": st.column_config.TextColumn(width="large"),
                                    "Date": st.column_config.TextColumn(width="medium")})
    else:  # the table's code, like the charts', would hold back the numbers of the first paint
        firstpaint.placeholder(table_height, "Loading the assumptions…")
    for w in r.resolved.warnings:
        st.caption(f":material/warning: {md(w)}")  # a Material icon: headless Chromium has no emoji font

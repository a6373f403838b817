"""Sections of the page. Each takes a :class:`Context` and draws with streamlit; figures come from
:mod:`tco.ui.charts`, numbers from the engine (through :mod:`tco.ui.data`), words from
:mod:`tco.ui.fmt`. No cost formula lives here.
"""

from __future__ import annotations

from collections.abc import Callable

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from tco import catalog, explain
from tco.model import Result
from tco.scenario import DEFAULTS_DATE, FIELDS, Scenario, format_value, meta
from tco.ui import charts, data, firstpaint, theme
from tco.ui.fmt import value as fvalue
from tco.ui.fmt import cells, count, md, month, number, pct, per_mtok, text, tokens, usd, usd_short
from tco.ui.fmt import irr as irr_text
from tco.ui.inputs import BILL_FILES_KEY


@dataclass
class Context:
    """Everything a section may need for one run of the page."""
    values: dict[str, Any]                 # every input as the widgets hold it
    scenario: Scenario | None              # None if the inputs are invalid
    result: Result | None                  # None if the engine rejected the scenario
    error: str | None = None               # the validator's or engine's message
    baseline: dict | None = None           # bill summary carried by the link (bl_* keys)
    view: str | None = None                # "cfo" or None
    extras: dict[str, Any] = field(default_factory=dict)


# --- words -------------------------------------------------------------------------------------

def labels(r: Result, baseline: dict | None = None) -> dict[str, str]:
    """Legend names with the models in them; the API path is "your bills (...)" while the
    bills' prices are in force (``baseline``: the link's bill summary)."""
    res = r.resolved
    return {"api": f"API: {explain.api_name(r, baseline)}", "hosted_open": f"Hosted: {res.hosted.model_name}",
            "self_host": f"Self-hosted: {res.model.name} on {res.gpu.name}"}


def verdict(r: Result, baseline: dict | None = None) -> str:
    """One paragraph in plain words (:func:`tco.explain.verdict`): the cheapest path first, then
    self-hosting against the API, what it rests on, and the quality caveat."""
    return explain.verdict(r, baseline)


def _crossing(r: Result, path: str) -> tuple[str, str]:
    """(compact, exact) break-even volume, or ("none", reason)."""
    v = r.breakeven[path].tokens_per_month
    if v is None:
        return "none", "none"
    return tokens(v), f"{number(round(v))} tokens/month"


@dataclass(frozen=True)
class Metric:
    """One headline number as shown: the label carries the unit, the value is compact enough to
    fit its box at 1280 px (tests/browser/test_layout_browser.py), the exact value is in the help."""
    label: str
    value: str
    exact: str
    delta: str | None = None        # the line under the number, if any
    arrow: str = "off"              # its arrow: "up", "down" or "off"
    colour: str = "off"             # its colour: "green", "red", "gray" or "off" (the text's own)


def headline_metrics(r: Result) -> list[Metric]:
    """The eight headline numbers, in page order (tests compare them with the engine's numbers)."""
    s = r.resolved.scenario
    sh, api, hosted = r.at_volume["self_host"], r.at_volume["api"], r.at_volume["hosted_open"]
    saving = api["monthly_usd"] - sh["monthly_usd"]
    be_short, be_exact = _crossing(r, "api")
    pay = r.payback["api"].month
    # the arrow and its colour say what the number says: down and red when self-hosting costs more
    if saving > 0:
        delta, arrow, colour = "self-hosting cheaper", "up", "green"
    elif saving < 0:
        delta, arrow, colour = "API cheaper", "down", "red"
    else:
        delta, arrow, colour = "same cost", "off", "gray"
    return [
        Metric("Self-hosted [$/mo]", usd_short(sh["monthly_usd"]), f"{usd(sh['monthly_usd'])} a month"),
        Metric("Commercial API [$/mo]", usd_short(api["monthly_usd"]), f"{usd(api['monthly_usd'])} a month"),
        Metric("Hosted open [$/mo]", usd_short(hosted["monthly_usd"]),
               f"{usd(hosted['monthly_usd'])} a month"),
        Metric("Savings vs API [$/mo]", usd_short(saving), f"{usd(saving)} a month", delta, arrow, colour),
        Metric("Break-even [tokens/mo]", be_short, be_exact),
        Metric("Payback vs API [month]", str(pay) if pay is not None else f"> {s.horizon_months}",
               month(pay) if pay is not None else f"not within {s.horizon_months} months"),
        Metric(f"NPV over {s.horizon_months} mo [$]", usd_short(r.npv_usd["api"]), usd(r.npv_usd["api"])),
        Metric("GPUs", f"{sh['gpus']:,}", count(sh["gpus"], "GPU"), f"{pct(sh['utilisation'])} utilised"),
    ]


def headline_values(r: Result) -> dict[str, str]:
    """The headline metrics as shown, label -> value."""
    return {m.label: m.value for m in headline_metrics(r)}


# --- top of the page ---------------------------------------------------------------------------

def render_notices(notices: tuple[str, ...]) -> None:
    for n in notices:
        st.warning(text(n), icon=":material/warning:")  # a link's values: shown as code, never as links or markup


#: What to change when the capacity model rejects a scenario.
REJECTED_HINT = ("Change the GPU, the weight precision, the GPUs per replica or the request lengths "
                 "(Self-hosting and Workload groups); the API and hosted numbers do not depend on the GPUs.")


def render_rejected(ctx: Context) -> None:
    """A scenario that cannot be computed: the validator's or the engine's message (as outside
    text: :func:`tco.ui.fmt.text`), what to change, and, when only the self-hosted fleet is
    impossible, the API and hosted open model's monthly costs anyway."""
    st.error(f"This scenario cannot be computed: {text(ctx.error or 'unknown error')}", icon=":material/block:")
    if ctx.scenario is None:  # an input outside its range: the message names it and the range
        return
    from tco.model import per_token_paths
    try:
        paths = per_token_paths(ctx.scenario)
    except ValueError as e:
        st.caption(md(str(e)))
        return
    st.info(md(REJECTED_HINT), icon=":material/build:")
    cols = st.columns(2, border=True)
    for col, (key, title) in zip(cols, (("api", "Commercial API"), ("hosted_open", "Hosted open model"))):
        x = paths[key]
        col.metric(title, f"{usd(x['monthly_usd'])}/mo",
                   help=md(f"{x['name']} ({x['ref']}), {per_mtok(x['usd_per_mtok'])} blended."))


def render_verdict(ctx: Context) -> None:
    r = ctx.result
    if r is None:
        return
    st.markdown(f"##### {md(verdict(r, ctx.baseline))}")
    for w in r.resolved.warnings:
        st.info(md(w))


def _sentence(text: str) -> str:
    return md(text[:1].upper() + text[1:] + ".")



#: Static CSS: a metric's label wraps onto a second line instead of ending in "…" on a narrow box.
METRIC_CSS = ("<style>[data-testid='stMetricLabel'] p, [data-testid='stMetricLabel'] div "
              "{white-space: normal !important; overflow: visible !important; text-overflow: clip !important;}</style>")


def band_help(sure, metric: str) -> str:
    """' Across 20,000 drawn scenarios: P10 …, P50 …, P90 … (How sure tab).' for the NPV
    (``npv_usd``) or the break-even volume (``breakeven_tokens_per_month``); '' without draws."""
    if sure is None:
        return ""
    q = sure.quantiles[metric]
    if metric == "npv_usd":
        parts = [f"P{k[1:]} {usd(q[k])}" for k in ("p10", "p50", "p90")]
        return f" Across {sure.samples:,} drawn scenarios (How sure tab): " + ", ".join(parts) + "."
    parts = [f"P{k[1:]} " + ("none" if q[k] is None else f"{tokens(q[k])} tokens/month") for k in ("p10", "p50", "p90")]
    none = f"; {pct(q['share_none'])} of them have no break-even" if q.get("share_none") else ""
    return f" Across {sure.samples:,} drawn scenarios (How sure tab): " + ", ".join(parts) + none + "."


def render_headline(ctx: Context) -> Callable[[Any], None]:
    """The eight headline numbers. Returns ``add_band(sure)``: called with the drawn scenarios
    (:class:`tco.uncertainty.Uncertainty`) once they are computed, it redraws the NPV and
    break-even boxes with the draws' P10-P90 in their help (the numbers do not wait for them)."""
    r = ctx.result
    if r is None:
        return lambda sure: None
    st.markdown(METRIC_CSS, unsafe_allow_html=True)  # static CSS only, no outside text
    m = headline_metrics(r)
    sh, api, hosted = r.at_volume["self_host"], r.at_volume["api"], r.at_volume["hosted_open"]
    res = r.resolved
    row1 = st.columns(4, border=True)
    row1[0].metric(m[0].label, m[0].value,
                   help=md(f"{m[0].exact}: {res.model.name} at {res.scenario.precision.upper()} on "
                           f"{sh['gpus']}× {res.gpu.name}, {per_mtok(sh['usd_per_mtok'])}; upfront "
                           f"{usd(sh['upfront_usd'])} in month 0."))
    row1[1].metric(m[1].label, m[1].value,
                   help=md(f"{m[1].exact}: {res.api.model_name} ({res.api.model_ref}), "
                           f"{per_mtok(api['usd_per_mtok'])} blended."))
    row1[2].metric(m[2].label, m[2].value,
                   help=md(f"{m[2].exact}: {res.hosted.model_name} ({res.hosted_ref}), "
                           f"{per_mtok(hosted['usd_per_mtok'])} blended."))
    row1[3].metric(m[3].label, m[3].value, delta=m[3].delta, delta_arrow=m[3].arrow, delta_color=m[3].colour,
                   help=md(f"{m[3].exact}: the API's monthly cost minus self-hosting's at this volume "
                           "(month-1 prices)."))
    row2 = st.columns(4, border=True)
    be_slot = row2[0].empty()

    def breakeven_metric(draws):
        be_slot.metric(m[4].label, m[4].value, help=md(f"{m[4].exact}. " if m[4].exact != "none" else "")
                       + _sentence(r.breakeven["api"].reason) + md(band_help(draws, "breakeven_tokens_per_month")))
    breakeven_metric(None)
    row2[1].metric(m[5].label, m[5].value, help=_sentence(r.payback["api"].reason))
    irr = r.irr["api"]
    npv_slot = row2[2].empty()

    def npv_metric(draws):
        npv_slot.metric(m[6].label, m[6].value,
                        help=md(f"{m[6].exact}: net present value of the savings against the API at "
                                f"{pct(res.scenario.discount_rate)}/year, upfront costs and resale value included. "
                                f"IRR: {irr_text(irr) or 'none'}.{band_help(draws, 'npv_usd')}"))
    npv_metric(None)
    row2[3].metric(m[7].label, m[7].value, delta=m[7].delta, delta_color=m[7].colour, delta_arrow=m[7].arrow,
                   help=md(f"{count(sh['replicas'], 'replica')} of {sh['gpus_per_replica']}× {res.gpu.name}; "
                           f"average utilisation of their throughput at the operating point ({sh['throughput_source']}: "
                           f"{sh['throughput_detail']})."))
    st.caption(md(capacity_line(r)))

    def add_band(sure) -> None:   # the same boxes again, their help with the band of the draws
        if sure is not None:
            breakeven_metric(sure)
            npv_metric(sure)
    return add_band


def capacity_line(r: Result) -> str:
    """One sentence: the replica, its operating point, where the throughput comes from and its error band."""
    sh = r.at_volume["self_host"]
    res = r.resolved
    band = f"±{pct(sh['throughput_error'])} typical, p90 ±{pct(sh['throughput_error_p90'])}" if sh["throughput_source"] != "user" else "your figure"
    text = (f"Capacity: {sh['gpus_per_replica']}× {res.gpu.name} per replica ({res.choice}); "
            f"{sh['replica_output_tokens_per_s']:,.0f} output tokens/s per replica at "
            f"{sh['concurrency_per_replica']:,.0f} concurrent requests, {sh['output_tokens_per_s_per_user']:,.1f} "
            f"tokens/s per user, first token after {sh['ttft_s']:,.2f} s. Max-load figure "
            f"{sh['max_load_output_tokens_per_s']:,.0f} tokens/s: {sh['throughput_source']} ({band}).")
    err = sh.get("latency_error")
    if err:
        text += (f" At the latency target: latency curve {err['source']} ({err['detail']}); its validated error "
                 f"±{pct(err['at_speed_median'])} (p90 ±{pct(err['at_speed_p90'])}) at a given per-user speed, "
                 f"±{pct(err['at_concurrency_median'])} (p90 ±{pct(err['at_concurrency_p90'])}) at a given "
                 f"concurrency (python -m tco validate).")
    return text


# --- sections ----------------------------------------------------------------------------------

def plot(fig, key: str | None = None, config: dict | None = None) -> None:
    """A Plotly figure at full width, or its placeholder until the browser's first paint
    (tco/ui/firstpaint.py says why)."""
    if firstpaint.ready():
        st.plotly_chart(fig, width="stretch", config=config or theme.PLOTLY_CONFIG, key=key)
    else:
        firstpaint.placeholder(fig.layout.height or theme.CHART_HEIGHT)


def _needs_result(ctx: Context) -> bool:
    if ctx.result is None:
        st.info("Fix the inputs above to see this section.")
        return False
    return True


def breakeven_figure(s: Scenario, r: Result, baseline: dict | None = None):
    """The break-even chart: each path's monthly cost against volume, crossings at the engine's
    exact break-even volumes (they are points of the swept grid), the current volume marked."""
    x, out = data.cost_curves(s, r)
    monthly = {"api": out["api_usd"], "hosted_open": out["hosted_open_usd"], "self_host": out["self_host_usd"]}
    crossings = {}
    for path in ("api", "hosted_open"):
        v = r.breakeven[path].tokens_per_month
        if v is not None and x.min() <= v <= x.max():
            i = int(np.argmin(np.abs(x - v)))
            crossings[path] = (float(x[i]), float(out[f"{path}_usd"][i]))
    current = {p: r.at_volume[p]["monthly_usd"] for p in theme.PATHS}
    return charts.breakeven_figure(x, monthly, crossings, s.tokens_per_month, current, labels(r, baseline))


def payback_figure(s: Scenario, r: Result):
    """The payback chart: cumulative savings vs the API at the current volume, ÷2 and ×2."""
    curves = []
    for label, v, is_current in data.payback_volumes(s):
        f = r.flows if is_current else data.flows_at(s.replace(tokens_per_month=v))
        curves.append((label, f["cumulative_savings_vs_api"], is_current))
    return charts.payback_figure(np.arange(s.horizon_months + 1), curves, r.payback["api"].month)


def break_even(ctx: Context) -> None:
    if not _needs_result(ctx):
        return
    r = ctx.result
    plot(breakeven_figure(ctx.scenario, r, ctx.baseline), "fig_breakeven")
    for path, name in theme.AGAINST.items():
        st.caption(f"Break-even vs {name}: {md(r.breakeven[path].reason)}.")


def payback(ctx: Context) -> None:
    if not _needs_result(ctx):
        return
    s, r = ctx.scenario, ctx.result
    plot(payback_figure(s, r), "fig_payback")
    st.caption(f"Payback vs API: {md(r.payback['api'].reason)}. Month 0 holds the upfront costs "
               f"({usd(r.at_volume['self_host']['upfront_usd'])}); volume grows {s.growth_per_month:.1%} a month. "
               f"Against the hosted open model: {md(r.payback['hosted_open'].reason)}.")


def sweeps(ctx: Context) -> None:
    if not _needs_result(ctx):
        return
    s, r = ctx.scenario, ctx.result
    what = st.radio("Colour by", ["Payback month", "Monthly savings vs API"], horizontal=True, key="_sweep_metric")
    kind = "payback" if what == "Payback month" else "savings"
    cols = st.columns(2)
    for col, second in zip(cols, ("gpu_price", "staff")):
        key, x, ys, out = data.heatmap(s, r, second)
        z = out["payback_vs_api_month"] if kind == "payback" else out["savings_usd"]
        y_title = f"{meta(key)['label']} [{meta(key)['unit']}]"
        cur_y = float(getattr(r.resolved.params, key)) if key != "staff_fte" else s.staff_fte
        y_fmt = (lambda v: usd(v)) if key.endswith("_usd") else (lambda v: f"{v:.2f}")
        if "usd" in key:
            y_fmt = lambda v, unit=meta(key)["unit"]: fvalue(unit, round(v, 2))  # noqa: E731
        fig = charts.heatmap_figure(x, ys, z, kind=kind, y_title=y_title, frontier_x=out["breakeven_vs_api_tokens"][:, 0],
                                    current=(max(s.tokens_per_month, float(x.min())), cur_y), y_fmt=y_fmt,
                                    horizon=s.horizon_months)
        with col:
            what_y = meta(key)["label"]
            st.markdown(f"**{'Payback month' if kind == 'payback' else 'Monthly savings'} by volume and "
                        f"{what_y[:1].lower() + what_y[1:]}**")
            plot(fig, f"fig_heat_{second}")
    st.caption("Dashed line: the engine's break-even volume against the API for each row; right of it "
               f"self-hosting is no dearer per month. Grey cells: no payback within {s.horizon_months} months. "
               "Volumes from a tenth of the lowest break-even to 100× the highest (within 1M–100B).")


def money(ctx: Context) -> None:
    if not _needs_result(ctx):
        return
    s, r = ctx.scenario, ctx.result
    f = r.flows
    totals = {"api": {"bill": float(f["api"].sum())}, "hosted_open": {"bill": float(f["hosted_open"].sum())},
              "self_host": {k: float(f[k].sum()) for k in theme.COMPONENT_NAMES}}
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Total cost over {s.horizon_months} months, by component**")
        plot(charts.breakdown_figure(totals, labels(r, ctx.baseline), s.horizon_months), "fig_breakdown")
        tv = float(f["terminal_value"])
        if tv:
            st.caption(f"Not shown: resale value of the owned GPUs at the end of the horizon, {usd(tv)}, "
                       "which the NPV counts.")
    with right:
        st.markdown("**Cost per 1M tokens against utilisation**")
        sh = r.at_volume["self_host"]
        flat = {"api": r.at_volume["api"]["usd_per_mtok"], "hosted_open": r.at_volume["hosted_open"]["usd_per_mtok"]}
        if not all(map(math.isfinite, flat.values())):  # volume 0: per-token prices from a 1M-token month
            _x, out = data.cost_curves(s, r)
            flat = {p: float(out[f"{p}_usd_per_mtok"][0]) for p in flat}
        plot(charts.unit_cost_figure(data.unit_cost_lines(s, r), flat, (sh["utilisation"], sh["usd_per_mtok"]),
                                      labels(r, ctx.baseline)), "fig_unit_cost")
        st.caption(f"Each line: a fleet of that many replicas from idle to full. Full means "
                   f"{pct(s.target_utilisation)} of the maximum throughput at the peak hour, which is "
                   f"{pct(s.target_utilisation / s.peak_to_average)} on average at a peak {number(s.peak_to_average)}× "
                   "the average: the axis ends there.")
    st.markdown("**Replica options** at this volume and latency target (the cheapest is chosen; set "
                "*GPUs per replica* in the sidebar to fix one)")
    opts = data.replica_options(s)

    def num(x, fmt):
        return "—" if x is None else fmt(x)
    st.dataframe(cells(pd.DataFrame([{
        "GPUs per replica": o["gpus_per_replica"],
        "Output tokens/s at the target": num(o["output_tokens_per_s"], lambda x: f"{x:,.0f}"),
        "Max-load tokens/s": f"{o['max_load_output_tokens_per_s']:,.0f}",
        "Source": o["throughput_source"],
        "Tokens/month per replica": num(o["tokens_per_month"], tokens),
        "Replicas": num(o["replicas"], str),
        "Monthly cost at this volume": num(o["monthly_usd_at_volume"], usd),
        "$ per 1M tokens at full load": num(o["usd_per_mtok_full_load"], lambda x: f"${x:,.3f}"),
        "Chosen": "✓" if o["chosen"] else "", "Why": o["reason"]} for o in opts])), hide_index=True, width="stretch")


def arithmetic(ctx: Context) -> None:
    if not _needs_result(ctx):
        return
    r = ctx.result
    st.markdown("Every step from the inputs to the headline numbers; each can be redone with a calculator.")
    st.markdown("\n".join(f"{i}. {md(step)}" for i, step in enumerate(r.steps, 1)))
    p = r.resolved.params
    rows = []
    for name in p.__dataclass_fields__:
        v = getattr(p, name)
        try:
            v = float(v)
        except (TypeError, ValueError):
            continue
        unit = meta(name)["unit"] if name in FIELDS else _param_unit(name)
        rows.append({"Engine input": name, "Value": fvalue(unit, v) if unit != "code" else f"{v:g}"})
    with st.expander("Numbers the engine used (inputs with catalog values filled in)"):
        st.dataframe(cells(pd.DataFrame(rows)), hide_index=True, width="stretch")


def _param_unit(name: str) -> str:
    if name.endswith("_usd_per_mtok"):
        return "USD/1M tokens"
    if name.endswith("_usd"):
        return "USD"
    return {"tdp_w": "W", "acquisition_code": "code", "replica_output_tokens_per_s": "output tokens/s"}.get(name, "")


def assumptions(ctx: Context) -> None:
    """Every input with value, unit, source and date; works even when the engine rejected the scenario."""
    r = ctx.result
    gpus, models = catalog.gpus(), catalog.models()
    if r is not None:  # the report's table: one place says where each value comes from
        from tco.ui import report
        files = st.session_state.get(BILL_FILES_KEY) if ctx.baseline else None
        df = report.assumptions_table(r, ctx.baseline, files).rename(columns={
            "group": "Group", "label": "Input", "key": "Key", "value": "Value", "unit": "Unit",
            "source": "Source", "date": "Date"})[["Group", "Input", "Key", "Value", "Unit", "Source", "Date"]]
        _assumption_tables(df, gpus, models)
        st.caption(md(report.batch_note(r)))
        return
    gpu = gpus.get(ctx.values.get("gpu"))
    model = models.get(ctx.values.get("open_model"))
    resolved = r.resolved if r is not None else None
    rows = []
    for key, f in FIELDS.items():
        m = f.metadata
        value = ctx.values.get(key)
        source, date = m["source"] or "your choice", DEFAULTS_DATE
        shown = (fvalue(m["unit"], value) if isinstance(value, (int, float)) and not isinstance(value, bool)
                 else format_value(key, value) if value is not None else "catalog")
        if key == "gpu" and gpu:
            shown, source, date = f"{gpu.name} ({value})", gpu.spec_source, gpu.spec_date
        elif key == "open_model" and model:
            shown, source, date = f"{model.name} ({value})", model.source, model.date
        elif key in ("gpu_hour_usd", "gpu_price_usd") and value is None and gpu:
            shown = fvalue(m["unit"], gpu.on_demand_usd_per_hour if key == "gpu_hour_usd"
                           else gpu.purchase_usd_per_gpu) + " (catalog)"
            source, date = gpu.price_source, gpu.price_date
        elif key in ("api_model", "hosted_model") and resolved is not None:
            pr = resolved.api if key == "api_model" else resolved.hosted
            shown, source, date = pr.model_ref, pr.source, pr.date
        elif key.endswith("_usd_per_mtok") and value is None and resolved is not None:
            pr = resolved.api if key.startswith("api_") else resolved.hosted
            shown = f"{fvalue(m['unit'], float(getattr(resolved.params, key)))} (catalog)"
            source, date = pr.source, pr.date
        elif value != f.default:
            source = (f"set in this scenario (default: {format_value(key, f.default)})" if f.default is not None
                      else "set in this scenario")
        rows.append({"Group": m["group"], "Input": m["label"], "Key": key, "Value": shown,
                     "Source": source, "Date": date})
    _assumption_tables(pd.DataFrame(rows), gpus, models)


def _assumption_tables(df: pd.DataFrame, gpus, models) -> None:
    """The assumptions as a static table: every cell wraps, nothing is cut."""
    st.table(cells(df), hide_index=True)
    st.caption(f"API prices: genai-prices catalog, newest price change {catalog.price_catalog_date()}; "
               f"defaults reviewed {DEFAULTS_DATE}.")
    with st.expander("GPU and model catalogs (data/gpus.csv, data/models.csv)"):
        st.dataframe(cells(pd.DataFrame([{"GPU": g.name, "Memory [GB]": g.memory_gb, "On demand [USD/h]": g.on_demand_usd_per_hour,
                                    "Purchase [USD]": g.purchase_usd_per_gpu, "Price source": g.price_source,
                                    "Price date": g.price_date, "Spec source": g.spec_source} for g in gpus.values()])),
                     hide_index=True, width="stretch",
                     column_config={"On demand [USD/h]": st.column_config.NumberColumn(format="$%.2f"),
                                    "Purchase [USD]": st.column_config.NumberColumn(format="dollar")})
        st.dataframe(cells(pd.DataFrame([{"Model": m.name, "Params [B]": m.total_params_b, "Active [B]": m.active_params_b,
                                          "Hosted offers": ", ".join(m.hosted_offers), "Source": m.source, "Date": m.date}
                                         for m in models.values()])), hide_index=True, width="stretch")


#: The tabs of the full page, in order. Add a section with one line: (title, render function).
SECTIONS: list[tuple[str, Any]] = [
    ("Break-even", break_even),
    ("Payback", payback),
    ("Sweeps", sweeps),
    ("Where the money goes", money),
    ("Show the arithmetic", arithmetic),
    ("Assumptions", assumptions),
]

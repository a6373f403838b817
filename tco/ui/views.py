"""Sections of the page. Each takes a :class:`Context` and draws with streamlit; figures come from
:mod:`tco.ui.charts`, numbers from the engine (through :mod:`tco.ui.data`), words from
:mod:`tco.ui.fmt`. No cost formula lives here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from tco import catalog
from tco.model import Result
from tco.scenario import DEFAULTS_DATE, FIELDS, Scenario, format_value, meta
from tco.ui import charts, data, firstpaint, theme
from tco.ui.fmt import cells, md, month, pct, per_mtok, text, tokens, usd


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

def labels(r: Result) -> dict[str, str]:
    """Legend names with the models in them."""
    res = r.resolved
    return {"api": f"API: {res.api.model_name}", "hosted_open": f"Hosted: {res.hosted.model_name}",
            "self_host": f"Self-hosted: {res.model.name} on {res.gpu.name}"}


def verdict(r: Result) -> str:
    """One sentence in plain words, built only from the engine's results and reasons."""
    s = r.resolved.scenario
    sh, api = r.at_volume["self_host"], r.at_volume["api"]
    pay = r.payback["api"]
    fleet = f"{sh['gpus']}× {r.resolved.gpu.name}"
    head = (f"At {tokens(s.tokens_per_month)} tokens a month, self-hosting {r.resolved.model.name} on {fleet} "
            f"costs {usd(sh['monthly_usd'])} a month against {usd(api['monthly_usd'])} for "
            f"{r.resolved.api.model_name}")
    if pay.month is not None:
        return f"{head}; it pays back in month {pay.month}: {pay.reason}."
    return f"{head}; it does not pay back within {s.horizon_months} months: {pay.reason}."


def _crossing_text(r: Result, path: str) -> str:
    c = r.breakeven[path]
    return f"{tokens(c.tokens_per_month)} tokens" if c.tokens_per_month is not None else "none"


def headline_values(r: Result) -> dict[str, str]:
    """The headline metrics as shown (tests compare these strings with the engine's numbers)."""
    sh = r.at_volume["self_host"]
    return {
        "Self-hosted": f"{usd(sh['monthly_usd'])}/mo",
        "Commercial API": f"{usd(r.at_volume['api']['monthly_usd'])}/mo",
        "Hosted open model": f"{usd(r.at_volume['hosted_open']['monthly_usd'])}/mo",
        "Savings vs API": f"{usd(r.at_volume['api']['monthly_usd'] - sh['monthly_usd'])}/mo",
        "Break-even vs API": _crossing_text(r, "api"),
        "Payback vs API": month(r.payback["api"].month) if r.payback["api"].month is not None
        else f"> {r.resolved.scenario.horizon_months} months",
        f"NPV over {r.resolved.scenario.horizon_months} months": usd(r.npv_usd["api"]),
        "GPUs": f"{sh['gpus']} GPUs",
    }


# --- top of the page ---------------------------------------------------------------------------

def render_notices(notices: tuple[str, ...]) -> None:
    for n in notices:
        st.warning(text(n), icon="⚠️")  # a link's values: shown as code, never as links or markup


def render_verdict(ctx: Context) -> None:
    r = ctx.result
    if r is None:
        return
    st.markdown(f"##### {md(verdict(r))}")
    for w in r.resolved.warnings:
        st.info(md(w))


def _sentence(text: str) -> str:
    return md(text[:1].upper() + text[1:] + ".")



def render_headline(ctx: Context) -> None:
    r = ctx.result
    if r is None:
        return
    hv = headline_values(r)
    sh, api, hosted = r.at_volume["self_host"], r.at_volume["api"], r.at_volume["hosted_open"]
    res = r.resolved
    row1 = st.columns(4, border=True)
    row1[0].metric("Self-hosted", hv["Self-hosted"],
                   help=f"{res.model.name} at {res.scenario.precision} on {sh['gpus']}× {res.gpu.name}, "
                        f"{per_mtok(sh['usd_per_mtok'])}; upfront {usd(sh['upfront_usd'])} in month 0.")
    row1[1].metric("Commercial API", hv["Commercial API"],
                   help=f"{res.api.model_name} ({res.api.model_ref}), {per_mtok(api['usd_per_mtok'])} blended.")
    row1[2].metric("Hosted open model", hv["Hosted open model"],
                   help=f"{res.hosted.model_name} ({res.hosted_ref}), {per_mtok(hosted['usd_per_mtok'])} blended.")
    saving = api["monthly_usd"] - sh["monthly_usd"]
    row1[3].metric("Savings vs API", hv["Savings vs API"],
                   delta="self-hosting cheaper" if saving > 0 else "API cheaper",
                   delta_color="normal" if saving > 0 else "inverse",
                   help="API monthly cost minus self-hosted monthly cost at this volume (month-1 prices).")
    row2 = st.columns(4, border=True)
    row2[0].metric("Break-even vs API", hv["Break-even vs API"],
                   help=_sentence(r.breakeven["api"].reason))
    row2[1].metric("Payback vs API", hv["Payback vs API"], help=_sentence(r.payback["api"].reason))
    npv_label = f"NPV over {res.scenario.horizon_months} months"
    irr = r.irr["api"]
    row2[2].metric(npv_label, hv[npv_label],
                   help=f"Net present value of the savings against the API at {res.scenario.discount_rate:.0%}/year, "
                        f"upfront costs and resale value included. IRR: {pct(irr, 1) if irr is not None else 'none'}.")
    row2[3].metric("GPUs", hv["GPUs"], delta=f"{pct(sh['utilisation'])} utilised", delta_color="off",
                   delta_arrow="off",
                   help=f"{sh['replicas']} replica(s) of {sh['gpus_per_replica']}× {res.gpu.name}; average utilisation of "
                        f"their throughput at the operating point ({sh['throughput_source']}: {sh['throughput_detail']}).")
    st.caption(md(capacity_line(r)))


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
        text += (f" At the latency target the step-time model adds ±{pct(err['at_concurrency_median'])} "
                 f"(p90 ±{pct(err['at_concurrency_p90'])}) at a given concurrency, ±{pct(err['at_speed_median'])} "
                 f"(p90 ±{pct(err['at_speed_p90'])}) at a given per-user speed (python -m tco validate).")
    return text


# --- sections ----------------------------------------------------------------------------------

def plot(fig, key: str | None = None) -> None:
    """A Plotly figure at full width, or its placeholder until the browser's first paint
    (tco/ui/firstpaint.py says why)."""
    if firstpaint.ready():
        st.plotly_chart(fig, width="stretch", config=theme.PLOTLY_CONFIG, key=key)
    else:
        firstpaint.placeholder(fig.layout.height or theme.CHART_HEIGHT)


def _needs_result(ctx: Context) -> bool:
    if ctx.result is None:
        st.info("Fix the inputs above to see this section.")
        return False
    return True


def breakeven_figure(s: Scenario, r: Result):
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
    return charts.breakeven_figure(x, monthly, crossings, s.tokens_per_month, current, labels(r))


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
    plot(breakeven_figure(ctx.scenario, r), "fig_breakeven")
    for path, name in (("api", "the API"), ("hosted_open", "the hosted open model")):
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
        fig = charts.heatmap_figure(x, ys, z, kind=kind, y_title=y_title, frontier_x=out["breakeven_vs_api_tokens"][:, 0],
                                    current=(max(s.tokens_per_month, float(x.min())), cur_y), y_fmt=y_fmt,
                                    horizon=s.horizon_months)
        with col:
            st.markdown(f"**{'Payback month' if kind == 'payback' else 'Monthly savings'} by volume and "
                        f"{meta(key)['label'].lower()}**")
            plot(fig, f"fig_heat_{second}")
    st.caption("Dashed line: the engine's break-even volume against the API for each row; right of it "
               "self-hosting is no dearer per month. Blank cells: no payback within the horizon.")


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
        plot(charts.breakdown_figure(totals, labels(r), s.horizon_months), "fig_breakdown")
        tv = float(f["terminal_value"])
        if tv:
            st.caption(f"Not shown: resale value of the owned GPUs at the end of the horizon, {usd(tv)}, "
                       "which the NPV counts.")
    with right:
        st.markdown("**Cost per 1M tokens against utilisation**")
        x, out = data.cost_curves(s, r)
        per_m = out["self_host_usd_per_mtok"]
        sh = r.at_volume["self_host"]
        flat = {"api": r.at_volume["api"]["usd_per_mtok"], "hosted_open": r.at_volume["hosted_open"]["usd_per_mtok"]}
        if not all(map(math.isfinite, flat.values())):  # volume 0: per-token prices from a 1M-token month
            flat = {p: float(out[f"{p}_usd_per_mtok"][0]) for p in flat}
        plot(charts.unit_cost_figure(out["utilisation"], per_m, flat, (sh["utilisation"], sh["usd_per_mtok"]),
                                      labels(r)), "fig_unit_cost")
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
        rows.append({"Engine input": name, "Value": f"{v:,.6g}",
                     "Unit": meta(name)["unit"] if name in FIELDS else _param_unit(name)})
    with st.expander("Numbers the engine used (inputs with catalog values filled in)"):
        st.dataframe(cells(pd.DataFrame(rows)), hide_index=True, width="stretch")


def _param_unit(name: str) -> str:
    if name.endswith("_usd_per_mtok"):
        return "USD/1M tokens"
    return {"tdp_w": "W", "acquisition_code": "code", "replica_output_tokens_per_s": "output tokens/s"}.get(name, "")


def assumptions(ctx: Context) -> None:
    """Every input with value, unit, source and date; works even when the engine rejected the scenario."""
    r = ctx.result
    gpus, models = catalog.gpus(), catalog.models()
    gpu = gpus.get(ctx.values.get("gpu"))
    model = models.get(ctx.values.get("open_model"))
    resolved = r.resolved if r is not None else None
    rows = []
    for key, f in FIELDS.items():
        m = f.metadata
        value = ctx.values.get(key)
        source, date = m["source"] or "your choice", DEFAULTS_DATE
        shown = format_value(key, value) if value is not None else "catalog"
        if key == "gpu" and gpu:
            shown, source, date = f"{gpu.name} ({value})", gpu.spec_source, gpu.spec_date
        elif key == "open_model" and model:
            shown, source, date = f"{model.name} ({value})", model.source, model.date
        elif key in ("gpu_hour_usd", "gpu_price_usd") and value is None and gpu:
            shown = f"{gpu.on_demand_usd_per_hour:g}" if key == "gpu_hour_usd" else f"{gpu.purchase_usd_per_gpu:,.0f}"
            shown += " (catalog)"
            source, date = gpu.price_source, gpu.price_date
        elif key in ("api_model", "hosted_model") and resolved is not None:
            pr = resolved.api if key == "api_model" else resolved.hosted
            shown, source, date = pr.model_ref, pr.source, pr.date
        elif key.endswith("_usd_per_mtok") and value is None and resolved is not None:
            pr = resolved.api if key.startswith("api_") else resolved.hosted
            shown = f"{float(getattr(resolved.params, key)):g} (catalog)"
            source, date = pr.source, pr.date
        elif value != f.default:
            source = "set on this page"
        rows.append({"Group": m["group"], "Input": m["label"], "Key": key, "Value": shown, "Unit": m["unit"],
                     "Source": source, "Date": date})
    st.dataframe(cells(pd.DataFrame(rows)), hide_index=True, width="stretch", height=560)
    st.caption(f"API prices: genai-prices catalog, newest price change {catalog.price_catalog_date()}; "
               f"defaults reviewed {DEFAULTS_DATE}.")
    with st.expander("GPU and model catalogs (data/gpus.csv, data/models.csv)"):
        st.dataframe(cells(pd.DataFrame([{"GPU": g.name, "Memory [GB]": g.memory_gb, "On demand [USD/h]": g.on_demand_usd_per_hour,
                                    "Purchase [USD]": g.purchase_usd_per_gpu, "Price source": g.price_source,
                                    "Price date": g.price_date, "Spec source": g.spec_source} for g in gpus.values()])),
                     hide_index=True, width="stretch")
        st.dataframe(cells(pd.DataFrame([{"Model": m.name, "Params [B]": m.total_params_b, "Active [B]": m.active_params_b,
                                    "Hosted offer": m.hosted_default, "Source": m.source, "Date": m.date}
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

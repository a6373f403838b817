"""Downloads a CFO can forward: the assumptions table, the month-by-month cash flows (CSV), a
self-contained HTML report and, where a Chromium is installed, the same report as a PDF.

Conventions: every number comes from the engine's :class:`tco.model.Result`; nothing here computes
a cost. Currency USD; month 0 is the decision month (upfront costs only). Every text that goes into
HTML is escaped here, because the share link and its notices come from whoever sent the link.
The HTML loads nothing: plotly.js is embedded once, the CSS is inline, there are no fonts or images
to fetch, so the report opens offline and makes no network request.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import html
import io
import math
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from tco import catalog
from tco.ui.fmt import count, number, pct, spread_value, tokens, usd, usd_short
from tco.ui.fmt import value as fvalue
from tco.scenario import DEFAULTS_DATE, FIELDS, Scenario, format_value, meta

#: Width of a chart on paper: A4 (210 mm) less 2 × 12 mm margins is 186 mm ≈ 700 CSS px.
PRINT_CHART_WIDTH_PX = 680
#: Plotly's options for every embedded chart (no Plotly logo; charts follow their box on screen).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
#: Where pdf_report looks for a Chromium when none is on PATH (Debian's package).
CHROMIUM_FALLBACK = "/usr/bin/chromium"
#: Seconds headless Chromium may take to print one report.
PDF_TIMEOUT_S = 60

# the cash-flow components of the self-hosted path, in the order of tco.costs.cash_flows
COMPONENTS = ("rent", "capex", "maintenance", "electricity", "colocation", "staff", "other", "setup")


# --- assumptions --------------------------------------------------------------------------------

def _measured_date(result) -> str:
    """Newest date of the throughput measurements behind the replica's throughput."""
    r = result.resolved
    dates = [m.date for m in catalog.measurements()
             if m.model == r.model.id and m.gpu == r.gpu.id and m.precision == r.scenario.precision and m.date]
    return max(dates) if dates else r.gpu.spec_date


def _catalog_origin(result, key: str) -> tuple[str, str, str, str] | None:
    """(resolved value text, tag, source, date) of an input whose value comes from a catalog or from
    the capacity model; None for a plain assumption."""
    r = result.resolved
    p = r.params
    for prefix, prices in (("api", r.api), ("hosted", r.hosted)):
        for cls in ("input", "cached_input", "output"):
            if key == f"{prefix}_{cls}_usd_per_mtok":
                return fvalue(meta(key)["unit"], getattr(p, key)), "catalog", prices.source, prices.date
    if key == "api_model":
        return r.api.model_ref, "catalog", r.api.source, r.api.date
    if key == "hosted_model":
        return (r.hosted_ref, "catalog", f"cheapest of the data/models.csv hosted offers of {r.model.name} "
                f"at this workload's mix; prices: "
                f"{r.hosted.source}", r.model.date)
    if key == "open_model":
        return r.model.id, "catalog", r.model.source, r.model.date
    if key == "gpu":
        return r.gpu.id, "catalog", r.gpu.spec_source, r.gpu.spec_date
    if key in ("gpu_hour_usd", "gpu_price_usd"):
        return fvalue(meta(key)["unit"], getattr(p, key)), "catalog", r.gpu.price_source, r.gpu.price_date
    if key == "gpus_per_replica":
        return (str(r.gpus_per_replica), "capacity model",
                f"capacity model: the smallest count of {r.gpu.name} that holds {r.model.name} "
                f"at {r.scenario.precision} and a useful KV cache", DEFAULTS_DATE)
    if key == "replica_output_tokens_per_s":
        tp = r.throughput
        date = _measured_date(result) if tp.source == "measured" else DEFAULTS_DATE
        return fvalue(meta(key)["unit"], round(float(p.replica_output_tokens_per_s))), tp.source, tp.detail, date
    return None


# categorical inputs carry no unit in their metadata; say what kind of value they hold
_CHOICE_UNITS = {"models": "catalog id", "gpus": "catalog id", "api": "provider:model",
                 "precisions": "precision", "acquisitions": "option"}


def _with_unit(key: str, value: Any) -> str:
    """A value as a person reads it beside its unit: '$40,000', '$3/GPU-hour', '0.35'."""
    unit = meta(key)["unit"]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return format_value(key, value)
    if unit.startswith("USD"):
        money = f"${float(value):,.0f}" if float(value) == int(value) and abs(value) >= 100 else f"${float(value):,.6g}"
        rest = unit[3:].lstrip("/")
        return f"{money}/{rest}" if rest else money
    return number(value)


def bills_source(baseline: Mapping[str, Any] | None, files: Sequence[str] | None = None) -> str:
    """'your bills: openai_cost.csv, openai_completions_usage.csv; prices of 2025-10' (file names
    are known on the page that imported them; a link carries the months only)."""
    month = (baseline or {}).get("last_month") or "the latest month"
    names = ", ".join(files or ())
    return f"your bills: {names}; prices of {month}" if names else f"your imported bills; prices of {month}"


def assumptions_table(result, baseline: Mapping[str, Any] | None = None,
                      files: Sequence[str] | None = None) -> pd.DataFrame:
    """Every input of the scenario, one row per Scenario field, in the Scenario's order.

    Columns: ``key``, ``group``, ``label``, ``value`` (text; an input left empty shows the value
    the engine resolved, tagged "(catalog)" or with where it came from), ``unit``, ``source``,
    ``date`` (DEFAULTS_DATE for assumptions; the catalog's date for GPU, model and price values).
    An input that differs from its default is "set in this scenario (catalog: $40,000)" or
    "(default: 0.5)", never the catalog's source; the API prices taken from imported bills
    (``baseline``: the link's bill summary, ``files``: their names where known) say so.
    """
    from tco.explain import bills_in_force
    s = result.resolved.scenario
    default = Scenario()
    from_bills = bills_in_force(s, baseline)
    rows = []
    for key in FIELDS:
        m = meta(key)
        value = getattr(s, key)
        origin = _catalog_origin(result, key)
        source = m["source"] or "assumption"
        date = DEFAULTS_DATE
        if value is None and origin is not None:
            text, tag, source, date = origin
            text = f"{text} ({tag})"
        else:
            quantity = isinstance(value, (int, float)) and not isinstance(value, bool) \
                and not (m["kind"] == "int" and not m["unit"])  # a whole number with no unit (the seed) is a name
            text = fvalue(m["unit"], value) if quantity else format_value(key, value)
            if origin is not None:  # a catalog choice (model, GPU): its catalog source and date
                source, date = origin[2], origin[3]
            if from_bills and key.startswith("api_") and key.endswith("_usd_per_mtok"):
                shown_catalog = _catalog_value(result, key)
                source = (f"{bills_source(baseline, files)}"
                          + (f" (catalog: {shown_catalog})" if shown_catalog else ""))
                date = (baseline or {}).get("last_month") or "this scenario"
            elif value != getattr(default, key):
                if getattr(default, key) is None and origin is not None:
                    was = f"catalog: {_catalog_value(result, key) or origin[0]}"
                else:
                    was = f"default: {_with_unit(key, getattr(default, key))}"
                source = f"set in this scenario ({was})"
                if origin is None or m["kind"] in ("optional", "optional_int"):
                    date = "this scenario"
        rows.append({"key": key, "group": m["group"], "label": m["label"], "value": text,
                     "unit": m["unit"] or _CHOICE_UNITS.get(m["choices"], "text"), "source": source,
                     "date": date})
    return pd.DataFrame(rows, columns=["key", "group", "label", "value", "unit", "source", "date"])


def batch_note(result) -> str:
    """Where each path's batch prices come from: the catalog's own batch prices, a flat discount
    the provider documents (with its source), or none (batch traffic pays the standard price)."""
    r = result.resolved
    parts = []
    for name, pr in (("API", r.api), ("hosted open model", r.hosted)):
        if pr.batch_source == "catalog":
            parts.append(f"{name} ({pr.model_ref}): the catalog's batch prices")
        elif pr.batch_source:
            parts.append(f"{name} ({pr.model_ref}): {pr.batch_source}")
        else:
            parts.append(f"{name} ({pr.model_ref}): no batch price documented, batch traffic pays the standard price")
    return "Batch prices. " + "; ".join(parts) + "."


def _catalog_value(result, key: str) -> str:
    """What the catalog would give an input that was set by hand: '$40,000', '$1.25/1M tokens'."""
    r = result.resolved
    if key in ("gpu_hour_usd", "gpu_price_usd"):
        v = r.gpu.on_demand_usd_per_hour if key == "gpu_hour_usd" else r.gpu.purchase_usd_per_gpu
        return _with_unit(key, v)
    for prefix, prices in (("api", r.api), ("hosted", r.hosted)):
        for cls in ("input", "cached_input", "output"):
            if key == f"{prefix}_{cls}_usd_per_mtok":
                return f"${getattr(prices, cls):,.6g}/1M tokens"
    return ""


# --- cash flows --------------------------------------------------------------------------------

def cash_flow_frame(result) -> pd.DataFrame:
    """The month-by-month cash flows of each path (USD, full precision), month 0 first, then one
    row ``month = "terminal"`` holding the book value of owned GPUs at the end of the horizon.

    The terminal row counts that value as a negative self-hosted cost (the GPUs could be sold), the
    way the NPV counts it; the payback month ignores it. In every row
    ``self_host_usd = sum(components) − terminal_value_usd``.
    """
    f = result.flows
    n = len(f["self_host"])
    terminal = float(np.asarray(f["terminal_value"]))
    months = pd.DataFrame({
        "month": np.arange(n).astype(object),
        "tokens": f["volume"], "api_usd": f["api"], "hosted_open_usd": f["hosted_open"],
        "self_host_usd": f["self_host"],
        **{f"{c}_usd": np.broadcast_to(np.asarray(f[c], dtype=float), (n,)) for c in COMPONENTS},
        "terminal_value_usd": np.zeros(n),
        "gpus": f["gpus"], "replicas": f["replicas"],
        "cumulative_savings_vs_api_usd": np.cumsum(f["api"] - f["self_host"]),
        "cumulative_savings_vs_hosted_open_usd": np.cumsum(f["hosted_open"] - f["self_host"]),
    })
    last = months.iloc[-1]
    end = {c: 0.0 for c in months.columns}
    end.update(month="terminal", self_host_usd=0.0 - terminal, terminal_value_usd=terminal,
               gpus=np.nan, replicas=np.nan,
               cumulative_savings_vs_api_usd=last["cumulative_savings_vs_api_usd"] + terminal,
               cumulative_savings_vs_hosted_open_usd=last["cumulative_savings_vs_hosted_open_usd"] + terminal)
    return pd.concat([months, pd.DataFrame([end])], ignore_index=True)


def cash_flows_csv(result) -> bytes:
    """:func:`cash_flow_frame` as a plain UTF-8 CSV: the first line holds the column names,
    numbers are unformatted at full precision (``repr`` of the float), USD."""
    buf = io.StringIO()
    cash_flow_frame(result).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8")


# --- headline numbers ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Headline:
    label: str   # with its unit in brackets: 'Break-even volume [tokens/month]'
    value: str   # compact (tco.ui.fmt), so that it fits its box; "—" when it does not exist
    note: str    # what it means with the exact value, or the engine's reason when there is none
    unit: str = ""

    @property
    def text(self) -> str:
        """The value as shown under the label."""
        return self.value


PAYBACK_LABEL = "Payback month vs the API"


def headlines(result, baseline: Mapping[str, Any] | None = None) -> list[Headline]:
    """The numbers a CFO reads first, each with its context or the engine's reason: the cheapest
    of the three paths at the current volume, then self-hosting against the API (monthly saving,
    break-even volume, payback month, NPV)."""
    from tco.explain import PATHS, cheapest_path, path_names
    s = result.resolved.scenario
    av = result.at_volume
    api, own = av["api"]["monthly_usd"], av["self_host"]["monthly_usd"]
    saving = api - own
    v = s.tokens_per_month
    best = cheapest_path(result)
    names = path_names(result, baseline)
    titles = {"api": "API", "hosted_open": "Hosted open model", "self_host": "Self-hosting"}
    others = "; ".join(f"{titles[p]} {usd(av[p]['monthly_usd'])}" for p in PATHS if p != best)
    # the path in the label (labels wrap), the money as the value: "Hosted open model: $15,600/month"
    # did not fit a fifth of a laptop screen
    in_label = {"api": "the API", "hosted_open": "hosted open model", "self_host": "self-hosting"}
    cheapest = Headline(f"Cheapest path: {in_label[best]} [USD/month]",
                        usd_short(av[best]["monthly_usd"]),
                        f"{names[best]} at {tokens(v)} tokens a month; {others} a month")
    if saving >= 0:
        note = f"{usd(saving)} a month at {tokens(v)} tokens a month: API {usd(api)} against self-hosting {usd(own)}"
    else:
        note = (f"self-hosting costs {usd(-saving)} a month more at {tokens(v)} tokens a month: "
                f"API {usd(api)} against self-hosting {usd(own)}")
    out = [cheapest, Headline("Monthly saving vs the API [USD/month]", usd_short(saving), note)]
    be = result.breakeven["api"]
    be_note = be.reason if be.tokens_per_month is None else \
        f"{number(round(be.tokens_per_month))} tokens a month: {be.reason}"
    out.append(Headline("Break-even volume [tokens/month]",
                        tokens(be.tokens_per_month) if be.tokens_per_month is not None else "—", be_note))
    pb = result.payback["api"]
    out.append(Headline(PAYBACK_LABEL, f"month {pb.month}" if pb.month is not None else "—",
                        pb.reason))
    from tco.ui.fmt import irr as irr_text
    irr = irr_text(result.irr.get("api"))
    note = (f"{usd(result.npv_usd['api'])}: savings against the API over {s.horizon_months} months, "
            f"discounted at {pct(s.discount_rate)}/year")
    if irr is not None:
        note += f"; IRR {irr}"
    out.append(Headline(f"NPV over {s.horizon_months} months [USD]", usd_short(result.npv_usd["api"]), note))
    return out


def chance_headline(sure, horizon_months: int, within: int = 18) -> Headline:
    """The chance that self-hosting pays back against the API within ``within`` months, over the
    drawn scenarios of ``sure`` (:class:`tco.uncertainty.Uncertainty`), with the NPV band."""
    p = sure.prob_payback_within.get(within)
    q = sure.quantiles["npv_usd"]
    others = ", ".join(f"{m} months {v:.0%}" for m, v in sure.prob_payback_within.items()
                       if v is not None and m != within)
    if p is None:
        note = (f"the horizon is {horizon_months} months, shorter than {within}; NPV P10 {usd(q['p10'])}, "
                f"P90 {usd(q['p90'])}")
    else:
        note = (f"share of {sure.samples:,} drawn scenarios (seed {sure.seed}) that pay back by month {within}"
                + (f"; within {others}" if others else "")
                + f"; NPV P10 {usd(q['p10'])}, P50 {usd(q['p50'])}, P90 {usd(q['p90'])}")
    return Headline(f"Chance of payback within {within} months", "—" if p is None else f"{p:.0%}", note)


def plan_sureness_text(pu, short: bool = False) -> str:
    """One sentence on the recommended plan under the drawn scenarios
    (:class:`tco.uncertainty.PlanUncertainty`): how often it stays the cheapest of the plans
    closest to it, which plan beats it most often, and its NPV band and chance of payback.
    ``short`` (the CFO view): no runner-up, compact money."""
    if pu is None:
        return ""
    money = usd_short if short else usd
    text = (f"In {pu.samples:,} drawn scenarios it stays the cheapest of the {len(pu.candidates)} plans closest "
            f"to it in {pct(pu.prob_stays_best)}")
    rivals = sorted(((v, k) for k, v in pu.best_share.items() if k != pu.recommended and v > 0), reverse=True)
    if rivals and not short:
        text += f" (beaten most often by {rivals[0][1]}, in {pct(rivals[0][0])})"
    if pu.kind != "api":
        q = pu.quantiles["npv_usd"]
        text += f"; its NPV against the API: P10 {money(q['p10'])}, P50 {money(q['p50'])}, P90 {money(q['p90'])}"
        p18 = pu.prob_payback_within.get(18)
        if p18 is not None:
            text += f"; paid back within 18 months in {pct(p18)} of them"
        be = pu.quantiles.get("breakeven_tokens_per_month", {})
        if not short and be.get("p50") is not None:
            text += (f"; its fleet breaks even with the API at {tokens(be['p50'])} tokens a month (P50; P10 "
                     f"{'none' if be['p10'] is None else tokens(be['p10'])}, P90 "
                     f"{'none' if be['p90'] is None else tokens(be['p90'])})")
    return text + "."


def plan_share_rows(pu, rows: int = 6) -> list[dict[str, str]]:
    """The plans that are the cheapest in some of the drawn scenarios, most often first."""
    if pu is None:
        return []
    ranked = sorted(((v, k) for k, v in pu.best_share.items() if v > 0), key=lambda t: (-t[0], t[1]))[:rows]
    return [{"Plan": k, "Cheapest in": pct(v)} for v, k in ranked]


def _dollars(x: float) -> str:
    """Whole dollars with thousands separators ('$83,399', '-$1,234'), as a table compares them."""
    x = 0.0 if abs(x) < 0.5 else x   # never "-$0"
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def plan_rows(found, top: int = 8) -> list[dict[str, str]]:
    """The best feasible plans for people: name, kind, month-1 cost, upfront, discounted total,
    NPV and payback against the current path (text cells, formatted here)."""
    from tco.ui.fmt import month as month_text
    kinds = {"api": "API", "hosted_open": "Hosted open model", "self_host": "Self-hosted", "hybrid": "Hybrid"}
    rows = []
    for q in found.plans:
        if not q.feasible:
            continue
        rows.append({"Plan": q.name, "Kind": kinds[q.kind], "Month 1": _dollars(q.monthly_usd),
                     "Upfront": _dollars(q.upfront_usd), "Total, discounted": _dollars(q.total_cost_usd),
                     "NPV vs API": "current path" if q.kind == "api" else _dollars(q.npv_vs_current_usd),
                     "Payback vs API": "current path" if q.kind == "api" else month_text(q.payback_vs_current_month)})
        if len(rows) >= top:
            break
    return rows


# --- HTML --------------------------------------------------------------------------------------

CSS = f"""
:root {{ --ink:#1f2933; --muted:#52606d; --line:#d9e2ec; --soft:#f5f7fa; --accent:#1f4e79; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ margin: 0 auto; max-width: 980px; padding: 28px 32px 48px; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }}
h1 {{ font-size: 26px; margin: 0 0 2px; }}
h2 {{ font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }}
.meta {{ color: var(--muted); margin: 0; }}
.plan {{ font-size: 16px; margin: 18px 0 0; padding: 10px 16px; background: #eef7f0; border-left: 4px solid #2d9a4a; }}
.verdict {{ font-size: 18px; margin: 18px 0; padding: 12px 16px; background: var(--soft);
           border-left: 4px solid var(--accent); }}
.notices, .warnings {{ margin: 12px 0; padding: 10px 16px; background: #fff8e6; border: 1px solid #f0d9a0; }}
.notices ul, .warnings ul {{ margin: 4px 0 0; padding-left: 20px; }}
.headlines {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(100px, 1fr)); gap: 12px; margin: 18px 0; }}
.headline {{ border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }}
.headline .label {{ color: var(--muted); font-size: 13px; }}
.headline .value {{ font-size: 22px; font-weight: 600; margin: 2px 0 4px; font-variant-numeric: tabular-nums; }}
.headline .unit {{ font-size: 13px; font-weight: 400; color: var(--muted); }}
.headline .note {{ color: var(--muted); font-size: 12px; line-height: 1.35; }}
table {{ border-collapse: collapse; width: 100%; font-size: 13px; }}
th, td {{ text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line);
          overflow-wrap: anywhere; }}
th {{ background: var(--soft); font-weight: 600; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
td.source {{ color: var(--muted); font-size: 12px; }}
table.assumptions {{ table-layout: fixed; }}
table.plans th, table.tornado th, table.tornado td {{ overflow-wrap: normal; }}
table.tornado {{ table-layout: fixed; }}
table.plans td.num {{ white-space: nowrap; }}
table.assumptions td.num, table.tornado td.num {{ white-space: normal; }}  /* long "value → NPV" cells wrap on A4 */
table.assumptions td.date, table.assumptions td.unit {{ font-size: 12px; overflow-wrap: break-word; }}
td code {{ font-size: 11px; }}
.chart {{ margin: 8px 0 20px; break-inside: avoid; page-break-inside: avoid; }}
.chart h3 {{ font-size: 15px; margin: 0 0 4px; }}
.chart-body {{ width: 100%; }}
ol.steps li {{ margin-bottom: 6px; }}
.link {{ overflow-wrap: anywhere; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
        font-size: 12px; background: var(--soft); padding: 8px 10px; }}
footer {{ margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }}
@media (max-width: 760px) {{ .headlines {{ grid-template-columns: repeat(2, 1fr); }} }}
html.pdf body {{ max-width: none; padding: 0; }}
html.pdf .chart-body {{ width: {PRINT_CHART_WIDTH_PX}px; }}
html.pdf .modebar-container {{ display: none; }}
@page {{ size: A4; margin: 12mm; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 12px; }}
  h2 {{ break-after: avoid; page-break-after: avoid; }}
  .chart-body {{ width: {PRINT_CHART_WIDTH_PX}px; }}
  .modebar-container {{ display: none; }}
  .headline .value {{ font-size: 18px; }}
  details > summary {{ list-style: none; }}
  tr {{ break-inside: avoid; }}
}}
"""

# Charts are drawn at the width of their box; before a person prints from the browser, redraw them
# at the paper's width (and back after), so they fit the page instead of being clipped.
PRINT_SCRIPT = f"""
<script>
(function () {{
  function charts() {{ return document.querySelectorAll('.chart-body .js-plotly-plot'); }}
  // the PDF is printed from a page that has just loaded: pin the charts to the paper's width
  if (document.documentElement.classList.contains('pdf') && window.Plotly) {{
    charts().forEach(function (gd) {{ Plotly.relayout(gd, {{width: {PRINT_CHART_WIDTH_PX}}}); }});
  }}
  window.addEventListener('beforeprint', function () {{
    if (window.Plotly) charts().forEach(function (gd) {{ Plotly.relayout(gd, {{width: {PRINT_CHART_WIDTH_PX}}}); }});
  }});
  window.addEventListener('afterprint', function () {{
    if (window.Plotly) charts().forEach(function (gd) {{ Plotly.relayout(gd, {{width: null, autosize: true}}); Plotly.Plots.resize(gd); }});
  }});
}})();
</script>
"""


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _safe_href(link: str) -> bool:
    """Only web links become clickable; anything else (javascript:, data:, file:) stays text."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _figure_html(fig, first: bool) -> str:
    from tco.ui.charts import for_report  # the report's own sizes, margins and colours
    fig = for_report(fig)
    # the figure's own height if it has one, so that its box never overlaps what follows
    height = f"{int(fig.layout.height or 420)}px"
    return fig.to_html(full_html=False, include_plotlyjs=True if first else False,
                       config=PLOTLY_CONFIG, default_width="100%", default_height=height)


def _costs_table(result, baseline: Mapping[str, Any] | None = None) -> str:
    from tco.explain import api_name
    av = result.at_volume
    r = result.resolved
    sh = av["self_host"]
    rows = [
        (f"API ({api_name(result, baseline)})", av["api"]),
        (f"Hosted open model ({r.hosted.model_name})", av["hosted_open"]),
        (f"Self-hosted {r.model.name} on {sh['gpus']}× {r.gpu.name}", sh),
    ]
    def per_mtok(x: float) -> str:
        return "—" if math.isnan(x) else f"${x:,.3f}"

    body = "".join(
        f"<tr><td>{_e(name)}</td><td class='num'>{_e(usd(x['monthly_usd']))}</td>"
        f"<td class='num'>{_e(per_mtok(x['usd_per_mtok']))}</td></tr>"
        for name, x in rows)
    return ("<table class='paths'><thead><tr><th>Path</th><th>Monthly cost (month 1)</th>"
            "<th>Cost per 1M tokens</th></tr></thead><tbody>" + body + "</tbody></table>"
            f"<p class='meta'>Self-hosting: {_e(count(sh['replicas'], 'replica'))} of {_e(count(sh['gpus_per_replica'], 'GPU'))}, "
            f"running at {sh['utilisation']:.0%} of their max throughput on average; upfront "
            f"{_e(usd(sh['upfront_usd']))} in month 0.</p>")


def _plans_html(found, s: Scenario, top: int = 8) -> str:
    rows = plan_rows(found, top)
    cols = list(rows[0]) if rows else []
    body = "".join("<tr>" + "".join(f"<td{'' if c in ('Plan', 'Kind') else ' class=num'}>{_e(r[c])}</td>" for c in cols)
                   + "</tr>" for r in rows)
    return (f"<p class='meta'>{len(found.plans):,} plans searched (the API, each hosted offer, every GPU, replica "
            "size, precision and way to pay that holds the model, and hybrids that self-host the base load); "
            f"the best {len(rows)} by total cost over {s.horizon_months} months, discounted at "
            f"{_e(pct(s.discount_rate))} a year. Payback and NPV against keeping all traffic on the API.</p>"
            "<table class='plans'><thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "</tr></thead><tbody>"
            + body + "</tbody></table>")


def _sureness_html(sure, s: Scenario, rows: int = 8) -> str:
    q = sure.quantiles
    pay = q["payback_month"]

    def month_or_never(x) -> str:
        return "never" if x is None else f"month {int(x)}"
    chances = ", ".join(f"{m} months: {v:.0%}" for m, v in sure.prob_payback_within.items() if v is not None)
    lines = [
        f"{sure.samples:,} scenarios drawn by Latin hypercube around this one (seed {sure.seed}, every spread "
        f"×{sure.spread:g}) and evaluated at once. Chance of payback against the API within {chances}.",
        f"NPV over {s.horizon_months} months: P10 {usd(q['npv_usd']['p10'])}, P50 {usd(q['npv_usd']['p50'])}, "
        f"P90 {usd(q['npv_usd']['p90'])}. Payback: P10 {month_or_never(pay['p10'])}, P50 {month_or_never(pay['p50'])}, "
        f"P90 {month_or_never(pay['p90'])}; {pay['share_none']:.0%} of the draws do not pay back within the horizon.",
    ]
    top = [r for r in sure.tornado if r["swing"] > 0][:rows]
    body = "".join(
        f"<tr><td>{_e(r['label'])}</td><td class='num'>{_e(spread_value(r['low'], r['unit']))} → "
        f"{_e(usd(r['npv_at_low_usd']))}</td><td class='num'>{_e(spread_value(r['high'], r['unit']))} → "
        f"{_e(usd(r['npv_at_high_usd']))}</td><td class='num'>{_e(usd(r['swing']))}</td>"
        f"<td class='num'>{sure.variance_share.get(r['input'], 0.0):.0%}</td></tr>" for r in top)
    sources = "".join(f"<li>{_e(i.label)}: {_e(i.source)}</li>" for i in sure.inputs)
    return ("".join(f"<p>{_e(x)}</p>" for x in lines)
            + f"<p class='meta'>Each input at its P10 and at its P90, the others at their medians (NPV with every "
              f"input at its median: {_e(usd(sure.median_npv_usd))}); largest swing first.</p>"
            + "<table class='tornado'><colgroup><col style='width:22%'><col style='width:27%'>"
              "<col style='width:27%'><col style='width:12%'><col style='width:12%'></colgroup><thead><tr><th>Input</th><th>At its P10 → NPV</th><th>At its P90 → NPV</th>"
              "<th>Swing</th><th>Share of variance</th></tr></thead><tbody>" + body + "</tbody></table>"
            + "<details><summary>Where each spread comes from</summary><ul class='sources'>" + sources + "</ul></details>")


def _assumptions_html(result, baseline: Mapping[str, Any] | None = None,
                      files: Sequence[str] | None = None) -> str:
    df = assumptions_table(result, baseline, files)
    body = "".join(
        f"<tr><td>{_e(row.label)}<br><code>{_e(row.key).replace('_', '_<wbr>')}</code></td>"
        f"<td class='num'>{_e(row.value)}</td><td class='source'>{_e(row.source)}</td><td class='date'>{_e(row.date)}</td></tr>"
        for row in df.itertuples())
    # fixed widths that fit A4 and a 980 px page; long values and sources wrap inside their cell
    return ("<table class='assumptions'><colgroup><col style='width:31%'><col style='width:19%'>"
            "<col style='width:36%'><col style='width:14%'></colgroup>"
            "<thead><tr><th>Input</th><th>Value</th>"
            "<th>Source</th><th>Date</th></tr></thead><tbody>" + body + "</tbody></table>")


def html_report(result, figures: Mapping[str, object], link: str | None, verdict: str,
                notices: Iterable[str] = (), *, generated: _dt.date | None = None,
                baseline: Mapping[str, Any] | None = None, files: Sequence[str] | None = None,
                plan=None, sure=None, plan_sure=None) -> str:
    """One self-contained HTML page: verdict, four headline numbers, the charts (interactive,
    plotly.js embedded once), costs at the current volume, assumptions, the arithmetic, the link
    to the full model, and the warnings. Opens offline; requests nothing from any host.

    ``figures``: title → plotly Figure, shown in that order with their own colours.
    ``link``: the share link of the scenario (shown as text; clickable only if http(s)).
    ``notices``: what the share link could not keep (shown as given, escaped).
    ``generated``: the report's date (default: today).
    ``baseline``, ``files``: the bill summary of the link and the names of the imported files, so
    that an API path priced at the bills is named and sourced after them.
    ``plan``: the plan search (:class:`tco.plans.PlanSearch`): the report leads with its
    recommendation and lists the best plans. ``sure``: the drawn scenarios
    (:class:`tco.uncertainty.Uncertainty`): the chance of payback, the bands and what moves them.
    ``plan_sure``: the recommended plan under the same draws (:class:`tco.uncertainty.PlanUncertainty`).
    """
    from tco.explain import api_name
    r = result.resolved
    s = r.scenario
    day = (generated or _dt.date.today()).isoformat()
    sh = result.at_volume["self_host"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(f'LLM self-hosting cost report, {day}')}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>LLM self-hosting: total cost of ownership</h1>",
        f"<p class='meta'>Report of {_e(day)} · {_e(r.model.name)} on {_e(sh['gpus'])}× {_e(r.gpu.name)} "
        f"({_e(s.acquisition.replace('_', ' '))}) against {_e(api_name(result, baseline))} and "
        f"{_e(r.hosted.model_name)} at {_e(tokens(s.tokens_per_month))} tokens a month</p>",
        "</header>",
    ]
    if plan is not None:
        name, why = plan.lead()
        sure_plan = f" {plan_sureness_text(plan_sure, short=True)}" if name and plan_sure is not None else ""
        parts.append(f"<p class='plan'><strong>Recommended plan: {_e(name)}.</strong> {_e(why)}{_e(sure_plan)}</p>"
                     if name else f"<p class='plan'><strong>{_e(why)}</strong></p>")
    parts.append(f"<p class='verdict'>{_e(verdict)}</p>")
    notices = [str(n) for n in notices]
    if notices:
        parts.append("<div class='notices'><strong>The link behind this report could not keep "
                     "everything:</strong><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notices)
                     + "</ul></div>")
    parts.append("<section class='headlines'>")
    heads = headlines(result, baseline) + ([chance_headline(sure, s.horizon_months)] if sure is not None else [])
    for h in heads:
        parts.append(f"<div class='headline'><div class='label'>{_e(h.label)}</div>"
                     f"<div class='value'>{_e(h.value)}"
                     + (f" <span class='unit'>{_e(h.unit)}</span>" if h.unit and h.value != "—" else "")
                     + f"</div><div class='note'>{_e(h.note)}</div></div>")
    parts.append("</section>")
    if plan is not None:
        parts.append("<h2>The plans compared</h2>" + _plans_html(plan, s))
    parts.append("<h2>Cost of each path at the current volume</h2>" + _costs_table(result, baseline))

    if figures:
        parts.append("<h2>Charts</h2>")
        for i, (title, fig) in enumerate(figures.items()):
            parts.append(f"<div class='chart'><h3>{_e(title)}</h3><div class='chart-body'>"
                         f"{_figure_html(fig, first=(i == 0))}</div></div>")
        parts.append(PRINT_SCRIPT)

    if sure is not None:
        parts.append("<h2>How sure: what moves the answer</h2>" + _sureness_html(sure, s))
    if plan_sure is not None:
        body = "".join(f"<tr><td>{_e(r['Plan'])}</td><td class='num'>{_e(r['Cheapest in'])}</td></tr>"
                       for r in plan_share_rows(plan_sure))
        parts.append("<h3>The recommended plan in the drawn scenarios</h3>"
                     f"<p>{_e(plan_sureness_text(plan_sure))}</p>"
                     "<table class='plans'><thead><tr><th>Plan</th><th>Cheapest in [share of draws]</th></tr></thead>"
                     f"<tbody>{body}</tbody></table>"
                     f"<p class='meta'>The same inputs drawn as above ({plan_sure.samples:,} draws, seed "
                     f"{plan_sure.seed}); every draw prices the {len(plan_sure.candidates)} plans that were "
                     "cheapest at the median inputs, and the cheapest plan of each kind.</p>")
    parts.append("<h2>Assumptions</h2>")
    parts.append(f"<p class='meta'>API and hosted prices: genai-prices catalog as of "
                 f"{_e(catalog.price_catalog_date())}. Defaults reviewed {_e(DEFAULTS_DATE)}.</p>")
    parts.append(_assumptions_html(result, baseline, files))
    parts.append(f"<p class='meta'>{_e(batch_note(result))}</p>")

    parts.append("<h2>Show the arithmetic</h2><details open><summary>Every step from the inputs to "
                 "the headline numbers</summary><ol class='steps'>"
                 + "".join(f"<li>{_e(step)}</li>" for step in result.steps) + "</ol></details>")

    parts.append("<h2>The full model</h2>")
    if link:
        anchor = (f"<p><a href=\"{_e(link)}\">Open this scenario in the full model</a></p>"
                  if _safe_href(link) else "")
        parts.append(f"{anchor}<p class='link'>{_e(link)}</p>")
    else:
        parts.append("<p class='meta'>No link was given for this report.</p>")

    warnings = list(r.warnings)
    if warnings:
        parts.append("<h2>Warnings</h2><div class='warnings'><ul>"
                     + "".join(f"<li>{_e(w)}</li>" for w in warnings) + "</ul></div>")
    parts.append(f"<footer>Costs in USD. Month 0 is the decision month (upfront costs only); month 1 "
                 f"runs at the current volume. Generated {_e(day)} by the LLM self-hosting TCO tool; every "
                 f"number above comes from its cost engine.</footer>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts)


# --- PDF ---------------------------------------------------------------------------------------

#: Chromium switches that keep the PDF step off the network: the report is one local file with
#: plotly.js inlined, so nothing needs a host name. Without them each PDF made 40-50 DNS lookups
#: (accounts.google.com, update.googleapis.com, optimizationguide-pa.googleapis.com,
#: clients2.google.com) and probed a public IPv6 address on port 443 (tests/test_offline.py runs
#: the step under strace). Background services off; every host name resolves to nothing.
OFFLINE_FLAGS = (
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-default-apps",
    "--disable-extensions", "--disable-breakpad", "--no-first-run", "--no-default-browser-check", "--no-pings",
    "--metrics-recording-only", "--safebrowsing-disable-auto-update", "--dns-prefetch-disable",
    "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-features=EnableIPv6ReachabilityOverride",  # no probe of 2001:4860:4860::8888:443
    "--disable-features=OptimizationHints,OptimizationGuideModelDownloading,OptimizationHintsFetching,"
    "MediaRouter,DialMediaRouteProvider,Translate,AutofillServerCommunication,NetworkTimeServiceQuerying,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,AsyncDns",
)


@functools.cache
def _no_network_prefix() -> tuple[str, ...]:
    """``unshare --net --`` where this process may make a network namespace (root, or user
    namespaces allowed): Chromium then sees only a loopback interface that is down, so even a
    request the switches above miss cannot leave the machine. Elsewhere (e.g. a container
    without CAP_SYS_ADMIN) the switches alone apply."""
    exe = shutil.which("unshare")
    if exe is None:
        return ()
    for prefix in ((exe, "--net", "--"), (exe, "--net", "--map-root-user", "--")):
        try:
            ok = subprocess.run([*prefix, "true"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=10).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return prefix
    return ()


def chromium_path() -> str | None:
    """A Chromium to print with: ``chromium`` on PATH, else Debian's /usr/bin/chromium."""
    found = shutil.which("chromium")
    if found:
        return found
    return CHROMIUM_FALLBACK if os.access(CHROMIUM_FALLBACK, os.X_OK) else None


def pdf_report(html_text: str, timeout_s: float = PDF_TIMEOUT_S) -> bytes | None:
    """The HTML report printed to PDF by headless Chromium (A4, charts at paper width), or None
    when no Chromium is installed or printing fails. Never raises.

    The report and the browser profile live in a temporary directory that is removed afterwards.
    """
    exe = chromium_path()
    if exe is None:
        return None
    # charts are drawn once, when the page loads: draw them at the paper's width
    page = html_text.replace('<html lang="en">', '<html lang="en" class="pdf">', 1)
    try:
        with tempfile.TemporaryDirectory(prefix="tco-report-") as tmp:
            src, out = Path(tmp) / "r.html", Path(tmp) / "r.pdf"
            src.write_text(page, encoding="utf-8")
            cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   *OFFLINE_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                   f"--print-to-pdf={out}", "--no-pdf-header-footer", "--virtual-time-budget=5000",
                   src.as_uri()]
            cmd = [*_no_network_prefix(), *cmd]
            # its own process group, so that a Chromium that hangs goes away with all its helpers
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return None
            data = out.read_bytes() if out.exists() else b""
    except Exception:  # noqa: BLE001 - a missing PDF must never break the page that offers it
        return None
    return data if data.startswith(b"%PDF") else None

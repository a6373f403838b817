"""The "Import bills" section: upload API bills and usage exports, see the monthly table and the
fitted baseline, set the scenario from it, and reprice the same months.

Flow of one run: uploads (and the example set) -> a store of file bytes in ``st.session_state``
keyed by (file name, sha256) -> :func:`tco.invoices.load_files` (re-run only when the set of files
changes) -> tables, a chart, the baseline -> :func:`tco.invoices.reprice.reprice` against the
page's Scenario. Uploaded bytes live in this session's memory only: never written to disk, never
sent anywhere. A file that fails to read is reported by name and never discards the others.

"Use as baseline" sets the page's inputs (widget keys = Scenario field names) from a button
callback, i.e. before the widgets are drawn on the rerun that follows (Streamlit refuses changes
to a drawn widget's state; see :func:`tco.ui.inputs.set_inputs`).

The figure builders (:func:`spend_figure`, :func:`reprice_figure`) and table formatters are pure
functions of DataFrames so that tests can check them without a browser.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tco import share
from tco.invoices import (MAX_FILE_BYTES, MAX_FILE_MB, MAX_SESSION_BYTES, ImportResult, InvoiceError, ParsedFile,
                          generic, load_files, merge, parse_file)
from tco.invoices.baseline import VOLUME_INPUTS, link_summary, scenario_inputs
from tco.invoices.reprice import reprice, reprice_totals
from tco.scenario import Scenario, meta
from tco.ui import inputs, theme, views
from tco.ui.fmt import cells, md, pct, per_mtok, plotly_text, text, tokens, usd

UPLOAD_KEY = "bills_upload"
UPLOAD_GEN_KEY = "_bills_upload_gen"  # how many times the uploader was emptied (Clear / Remove)
FILES_KEY = "_bills_files"            # {(name, sha256 hex): bytes}, in upload order
UPLOAD_IDS_KEY = "_bills_upload_ids"  # {uploader file_id: (name, sha256)} already taken in
IGNORED_KEY = "_bills_ignored_ids"    # uploader file_ids unloaded with Remove/Clear
RESULT_KEY = "_bills_result"          # (tuple of store keys, ImportResult, [(name, crash type)])
PARSED_KEY = "_bills_parsed"          # {store key: (display name, ParsedFile | ("error" | "crash", text))}
REFUSED_KEY = "_bills_refused"        # [sentence] uploads refused by the session's byte cap
APPLIED_KEY = "_bills_applied"        # what "Use as baseline" set, shown after the rerun
SUMMARY_KEY = "baseline_summary"      # the bill summary that travels in the share link

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "examples"
#: The "try with example data" set: six months of OpenAI usage plus October's cost export.
EXAMPLE_FILES = ("openai_completions_usage.csv", "openai_cost.csv")
TEMPLATE_FILE = EXAMPLES_DIR / "generic_template.csv"
UPLOAD_TYPES = ["csv", "json", "txt"]
MAX_UPLOAD_MB = MAX_FILE_MB  # one limit: the uploader, the parser and the label say the same number

#: Scenario inputs "Use as baseline" sets from the bills' volume, mix and growth (the API prices
#: come on top when the bills carry cost).
BASELINE_INPUTS = VOLUME_INPUTS

#: Model colours in the spend chart: shades of the API's blue (these bills are API spend).
MODEL_COLORS = ("#1f6feb", "#79c0ff", "#0a3069", "#54aeff", "#033d8b", "#b6e3ff", "#218bff", "#388bfd",
                "#8b949e", "#57606a")
TOKENS_LINE = "#1b1f24"


# --- the store of uploaded files ---------------------------------------------------------------

def file_key(name: str, data: bytes) -> tuple[str, str]:
    """(file name, sha256 of the bytes): the same file uploaded again is the same entry."""
    return name, hashlib.sha256(data).hexdigest()


def add_files(state: MutableMapping[str, Any], files: Iterable[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """Add (name, bytes) pairs to the store; returns the keys (already-present files are not doubled)."""
    store = state.setdefault(FILES_KEY, {})
    keys = []
    for name, data in files:
        key = file_key(name, bytes(data))
        store.setdefault(key, bytes(data))
        keys.append(key)
    return keys


def stored_bytes(state: MutableMapping[str, Any]) -> int:
    return sum(len(d) for d in (state.get(FILES_KEY) or {}).values())


def take_uploads(state: MutableMapping[str, Any], uploaded: Iterable[Any]) -> None:
    """Put the uploader's files into the store (each upload hashed once, Remove/Clear respected).
    A file that would take the session past :data:`MAX_SESSION_BYTES` is refused, with a sentence."""
    ids = state.setdefault(UPLOAD_IDS_KEY, {})
    ignored = state.setdefault(IGNORED_KEY, set())
    for f in uploaded or ():
        fid = getattr(f, "file_id", None) or id(f)
        if fid in ignored or fid in ids:
            continue
        size = getattr(f, "size", None)
        data = f.getvalue()
        size = len(data) if size is None else size
        if file_key(f.name, data) not in state.get(FILES_KEY, {}) and stored_bytes(state) + size > MAX_SESSION_BYTES:
            ignored.add(fid)
            state.setdefault(REFUSED_KEY, []).append(
                f"{f.name}: not loaded; this session already holds {stored_bytes(state) / 1e6:.1f} MB of bills "
                f"and takes at most {MAX_SESSION_BYTES / 1e6:.0f} MB. Remove a file first.")
            continue
        ids[fid] = add_files(state, [(f.name, data)])[0]


def uploader_key(state: Mapping[str, Any]) -> str:
    """The uploader's widget key. Streamlit offers no way to take files out of an uploader, so
    after Clear, or Remove of an uploaded file, a fresh (empty) uploader replaces it under a new
    key: the uploader never lists files the page has unloaded."""
    gen = int(state.get(UPLOAD_GEN_KEY, 0))
    return UPLOAD_KEY if gen == 0 else f"{UPLOAD_KEY}_{gen}"


def _fresh_uploader(state: MutableMapping[str, Any]) -> None:
    try:
        del state[uploader_key(state)]
    except (KeyError, AttributeError):
        pass
    state[UPLOAD_GEN_KEY] = int(state.get(UPLOAD_GEN_KEY, 0)) + 1


def remove_file(state: MutableMapping[str, Any], key: tuple[str, str]) -> None:
    state.get(FILES_KEY, {}).pop(key, None)
    state.pop(REFUSED_KEY, None)
    ids = state.get(UPLOAD_IDS_KEY, {})
    gone = {fid for fid, k in ids.items() if k == key}
    state.setdefault(IGNORED_KEY, set()).update(gone)
    if gone:  # it came through the uploader: the uploader must not list it any more
        _fresh_uploader(state)


def clear_files(state: MutableMapping[str, Any]) -> None:
    state.setdefault(IGNORED_KEY, set()).update(state.get(UPLOAD_IDS_KEY, {}))
    for k in (FILES_KEY, RESULT_KEY, APPLIED_KEY, PARSED_KEY, REFUSED_KEY):
        state.pop(k, None)
    _fresh_uploader(state)


def _named(store: dict) -> list[tuple[str, bytes]]:
    """(display name, bytes) for load_files; two different files with one name get "name (2)"."""
    seen: dict[str, int] = {}
    out = []
    for (name, _sha), data in store.items():
        seen[name] = seen.get(name, 0) + 1
        out.append((name if seen[name] == 1 else f"{name} ({seen[name]})", data))
    return out


def read_files(files: list[tuple[str, bytes]]) -> tuple[ImportResult, list[tuple[str, str]]]:
    """:func:`load_files`, guarded: an unexpected failure is pinned on the file(s) that cause it
    (each is tried alone), which are left out with their error type; the others are kept.

    Returns (result, crashes) with crashes as (file name, exception type name).
    """
    try:
        return load_files(files), []
    except Exception:  # load_files does not raise for a bad file; a bug must not cost the others
        pass
    good, crashes = [], []
    for name, data in files:
        try:
            load_files([(name, data)])
            good.append((name, data))
        except Exception as exc:
            crashes.append((name, type(exc).__name__))
    try:
        return load_files(good), crashes
    except Exception as exc:
        return load_files([]), crashes + [(", ".join(n for n, _ in good), type(exc).__name__)]


def _parse_one(name: str, data: bytes) -> ParsedFile | tuple[str, str]:
    try:
        return parse_file(name, data)
    except InvoiceError as exc:
        return "error", str(exc)
    except Exception as exc:  # parse_file does not raise otherwise; a bug must not cost the others
        return "crash", type(exc).__name__


def parsed_files(state: MutableMapping[str, Any]) -> list[tuple[str, ParsedFile | tuple[str, str]]]:
    """(display name, what reading it gave) per stored file. Each file is read once, keyed by
    its name and hash: adding or removing one file re-reads none of the others."""
    store = state.get(FILES_KEY) or {}
    cache = state.setdefault(PARSED_KEY, {})
    for key in [k for k in cache if k not in store]:
        del cache[key]
    out = []
    for key, (name, data) in zip(store, _named(store)):
        hit = cache.get(key)
        if hit is None or hit[0] != name:
            hit = cache[key] = (name, _parse_one(name, data))
        out.append(hit)
    return out


def current_result(state: MutableMapping[str, Any]) -> tuple[ImportResult | None, list[tuple[str, str]]]:
    """The import of the files in the store: each file read once (:func:`parsed_files`), merged
    again only when the set of files changed."""
    store = state.get(FILES_KEY) or {}
    if not store:
        return None, []
    keys = tuple(store)
    cached = state.get(RESULT_KEY)
    if cached and cached[0] == keys:
        return cached[1], cached[2]
    entries = parsed_files(state)
    parsed = [p for _, p in entries if isinstance(p, ParsedFile)]
    errors = [(n, p[1]) for n, p in entries if not isinstance(p, ParsedFile) and p[0] == "error"]
    crashes = [(n, p[1]) for n, p in entries if not isinstance(p, ParsedFile) and p[0] == "crash"]
    try:
        result = merge(parsed, errors)
    except Exception:  # not expected: find the file(s) the merge fails on, keep the others
        result, crashes = read_files(_named(store))
    state[RESULT_KEY] = (keys, result, crashes)
    state.pop(APPLIED_KEY, None)  # "scenario set from the bills" spoke of the previous files
    return result, crashes


# --- baseline -> scenario inputs ---------------------------------------------------------------

#: Where the names of the files behind the baseline wait for the assumptions (never in the link).
FILES_SOURCE_KEY = inputs.BILL_FILES_KEY


def baseline_inputs(baseline: dict) -> tuple[dict[str, Any], list[str]]:
    """The Scenario inputs "Use as baseline" sets (:func:`tco.invoices.baseline.scenario_inputs`:
    volume, mix, growth and, when the bills carry cost, the API path priced at them)."""
    return scenario_inputs(baseline)


def baseline_summary(baseline: dict) -> dict[str, Any]:
    """The bill summary that travels in the share link (:func:`tco.invoices.baseline.link_summary`)."""
    return link_summary(baseline)


def apply_baseline(state: MutableMapping[str, Any], baseline: dict,
                   files: list[str] | None = None) -> dict[str, Any]:
    """Set the scenario inputs and the link's bill summary from a fitted baseline."""
    values, notes = baseline_inputs(baseline)
    inputs.set_inputs(state, **values)
    summary = baseline_summary(baseline)
    state[inputs.BASELINE_KEY] = summary  # what the page puts into the link (bl_* keys)
    state[SUMMARY_KEY] = summary
    state[FILES_SOURCE_KEY] = list(files or ())
    share.encode(Scenario(), summary, notices=notes)  # what the link cannot hold, said here
    applied = {"values": values, "notes": notes, "prices": baseline.get("api_prices")}
    state[APPLIED_KEY] = applied
    return applied


def _on_use_baseline() -> None:
    result, _ = current_result(st.session_state)
    if result is not None:
        apply_baseline(st.session_state, result.baseline, [f.name for f in result.files])


def _on_examples() -> None:
    add_files(st.session_state, [(n, (EXAMPLES_DIR / n).read_bytes()) for n in EXAMPLE_FILES])


def _on_clear() -> None:
    clear_files(st.session_state)


def _on_remove(key: tuple[str, str]) -> None:
    remove_file(st.session_state, key)


def bills_label_of(prices: dict) -> str:
    from tco.invoices.baseline import bills_label
    return bills_label(prices.get("mix"))


# --- tables ------------------------------------------------------------------------------------

def _money(x: float) -> str:
    return "—" if x is None or not math.isfinite(x) else usd(x)


def _tok(x: float) -> str:
    return "—" if x is None or not math.isfinite(x) else tokens(x)


def month_notes(row: pd.Series) -> str:
    notes = []
    if row["estimated"]:
        notes.append("tokens estimated from spend (list price)")
    if row["cost_estimated"]:
        notes.append("cost estimated from tokens (list price)")
    if pd.isna(row["cost_usd"]):
        notes.append(f"no USD amount (amounts in {row['currency']})")
    if row["days_covered"] < row["days_in_month"] - 1e-6:
        notes.append(f"partial month ({row['days_covered']:.1f} of {row['days_in_month']:.0f} days)")
    return "; ".join(notes)


def monthly_table(months: pd.DataFrame) -> pd.DataFrame:
    """The monthly table per provider and model, formatted for people (1.2B tokens, $1,234)."""
    foreign = (months["currency"] != "USD").any()
    rows = []
    for _, r in months.iterrows():
        row = {
            "Month": r["month"], "Provider": r["provider"], "Model": r["model"] or "(no model named)",
            "Uncached input": _tok(r["input_tokens"]), "Cached input": _tok(r["cached_input_tokens"]),
            "Cache writes": _tok(r["cache_write_tokens"]), "Output": _tok(r["output_tokens"]),
            "Requests": _tok(r["requests"]) if r["requests"] else "—",
            "Net spend": _money(r["cost_usd"]), "Credits": _money(r["credits_usd"]),
            "Refunds": _money(r["refunds_usd"]), "Tax (not in net)": _money(r["tax_usd"]),
            "$ per 1M tokens": "—" if pd.isna(r["usd_per_mtok"]) else per_mtok(r["usd_per_mtok"]).replace(" tokens", ""),
            "Estimated": "⚠ " + ("tokens" if r["estimated"] else "cost") if (r["estimated"] or r["cost_estimated"]) else "",
            "Notes": month_notes(r),
        }
        if foreign:
            row["Currency"] = r["currency"]
            row["Amount in currency"] = "—" if pd.isna(r["cost"]) else f"{r['cost']:,.2f} {r['currency']}"
        rows.append(row)
    return pd.DataFrame(rows)


def reprice_table(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, r in df.iterrows():
        notes = []
        if r["tokens_estimated"]:
            notes.append("tokens estimated")
        if r["cost_estimated"]:
            notes.append("actual estimated at list price")
        if not r["actual_complete"]:
            notes.append("some amounts have no USD figure")
        if r["tokens"] <= 0:
            notes.append("no token counts")
        rows.append({
            "Month": r["month"], "Tokens": _tok(r["tokens"]), "Actually paid": _money(r["actual_usd"]),
            "Hosted open model": _money(r["hosted_open_usd"]), "Self-hosted": _money(r["self_host_usd"]),
            "GPUs": f"{r['gpus']:.0f}", "Utilisation": pct(r["utilisation"]),
            "Saving, hosted open": _money(r["saving_hosted_open_usd"]),
            "Saving, self-hosted": _money(r["saving_self_host_usd"]),
            "Notes": "; ".join(notes),
        })
    return pd.DataFrame(rows)


def template_columns() -> pd.DataFrame:
    """The generic CSV's columns as documented in :mod:`tco.invoices.generic` (one source)."""
    doc = generic.__doc__ or ""
    section = doc.split("Columns\n-------", 1)[-1].split("\n\n", 1)[0]
    entries: dict[str, str] = {}
    current = None
    for line in section.splitlines():
        m = re.match(r"^(\w+) : (.*)$", line)
        if m:
            current = m.group(1)
            entries[current] = m.group(2).strip()
        elif current and line.strip():
            entries[current] += " " + line.strip()
    rows = []
    for name in [*generic.REQUIRED, *generic.OPTIONAL]:
        text = entries.get(name, "").replace("``", "`")
        text = re.sub(r"^optional; ", "", text)
        rows.append({"Column": name, "Required": "yes" if name in generic.REQUIRED else "optional",
                     "Meaning": text})
    return pd.DataFrame(rows)


# --- figures -----------------------------------------------------------------------------------

def _model_label(provider: str, model: str) -> str:
    """A legend entry from a bill's provider and model names, escaped for Plotly's label markup."""
    return plotly_text(f"{provider} {model}" if model else f"{provider} (no model named)")


def spend_figure(months: pd.DataFrame) -> go.Figure:
    """Monthly net spend as stacked bars by model [USD] and total tokens as a line on a second
    axis [tokens/month]. Bars whose cost was estimated at list price are hatched."""
    fig = go.Figure()
    m = months.copy()
    m["label"] = [_model_label(p, mo) for p, mo in zip(m["provider"], m["model"])]
    all_months = sorted(m["month"].unique())
    for i, (label, part) in enumerate(m.groupby("label", sort=True)):
        part = part.groupby("month").agg(cost=("cost_usd", lambda x: x.sum(min_count=1)),
                                         est=("cost_estimated", "any")).reindex(all_months)
        est = part["est"].fillna(False).to_numpy(dtype=bool)  # NaN: no bar that month
        fig.add_trace(go.Bar(
            x=all_months, y=part["cost"].to_numpy(dtype=float), name=label,
            marker=dict(color=MODEL_COLORS[i % len(MODEL_COLORS)], pattern=dict(shape=np.where(est, "/", ""))),
            customdata=np.where(est, "estimated at list price", "from the bill"),
            hovertemplate="%{x}<br>%{fullData.name}: $%{y:,.0f} (%{customdata})<extra></extra>"))
    total = m.assign(t=m[["input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens"]].sum(axis=1)
                     ).groupby("month")["t"].sum().reindex(all_months)
    total = total.to_numpy(dtype=float)
    fig.add_trace(go.Scatter(x=all_months, y=total, name="Tokens (right axis)", yaxis="y2",
                             mode="lines+markers", line=dict(color=TOKENS_LINE, width=2),
                             customdata=[_tok(t) for t in total],
                             hovertemplate="%{x}<br>%{customdata} tokens<extra></extra>"))
    fig.update_layout(**theme.base_layout(
        barmode="stack", height=380, hovermode="x unified",
        xaxis=dict(title="Month", type="category"),
        yaxis=dict(title="Net spend [USD/month]", tickprefix="$", gridcolor=theme.GRID, rangemode="tozero"),
        yaxis2=dict(title="Tokens [tokens/month]", overlaying="y", side="right", showgrid=False,
                    rangemode="tozero", exponentformat="B")))
    return fig


def reprice_figure(df: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Per month: what was paid (API colour), the hosted open model and self-hosted (the page's
    path colours), as grouped bars [USD/month]."""
    names = names or {}
    series = (("actual_usd", "api", names.get("api", "Actually paid (API bills)")),
              ("hosted_open_usd", "hosted_open", names.get("hosted_open", theme.NAMES["hosted_open"])),
              ("self_host_usd", "self_host", names.get("self_host", theme.NAMES["self_host"])))
    fig = go.Figure()
    months = df["month"].astype(str).tolist()
    for column, path, label in series:
        label = plotly_text(label)
        pattern = None
        if column == "actual_usd":
            pattern = dict(shape=["/" if e else "" for e in df["cost_estimated"].astype(bool)])
        fig.add_trace(go.Bar(x=months, y=df[column].to_numpy(dtype=float), name=label,
                             marker=dict(color=theme.COLORS[path], pattern=pattern),
                             hovertemplate="%{x}<br>%{fullData.name}: $%{y:,.0f}<extra></extra>"))
    fig.update_layout(**theme.base_layout(
        barmode="group", height=380, hovermode="x unified",
        xaxis=dict(title="Month", type="category"),
        yaxis=dict(title="Cost [USD/month]", tickprefix="$", gridcolor=theme.GRID, rangemode="tozero")))
    return fig


# --- the section -------------------------------------------------------------------------------

def _md(value: str) -> str:
    """Text that quotes the bills (file, provider and model names) through markdown: the same
    characters, never a link, emphasis or maths (:func:`tco.ui.fmt.text`)."""
    return text(value)


def _plot(fig: go.Figure, key: str) -> None:
    views.plot(fig, key)


def _template_download(key: str) -> None:
    st.download_button("Download the generic CSV template", data=TEMPLATE_FILE.read_bytes(),
                       file_name="generic_template.csv", mime="text/csv", key=key, on_click="ignore",
                       icon=":material/download:")


def render(scenario: Scenario | None) -> None:
    """Draw the "Import bills" section for the page's current scenario (None: inputs invalid)."""
    state = st.session_state
    st.markdown("Upload your API bills or usage exports (several files, several providers). They "
                "give the baseline for the scenario, and the repricing shows what the same months would "
                "have cost on the hosted open model and self-hosted.")
    uploaded = st.file_uploader(
        f"Usage or cost exports (CSV or JSON, up to {MAX_UPLOAD_MB} MB each, {MAX_SESSION_BYTES // 1_000_000} MB "
        "in all)", type=UPLOAD_TYPES,
        accept_multiple_files=True, key=uploader_key(state), max_upload_size=MAX_UPLOAD_MB,
        help="OpenAI, Anthropic, AWS, Azure, Google Cloud, OpenRouter and LiteLLM exports, or the generic CSV. "
             "Files stay in this session's memory: nothing is written to disk or sent anywhere.")
    take_uploads(state, uploaded)
    for message in state.get(REFUSED_KEY, ()):
        st.error(_md(message), icon=":material/block:")
    left, mid, right = st.columns([1, 1, 2], vertical_alignment="center")
    left.button("Try with example data", key="bills_examples", on_click=_on_examples, icon=":material/science:",
                help="Loads data/examples/" + " and ".join(EXAMPLE_FILES) + " (constructed, realistic).")
    mid.button("Clear", key="bills_clear", on_click=_on_clear, icon=":material/delete:",
               disabled=not state.get(FILES_KEY), help="Unload every file.")
    with right:
        _template_download("bills_template")
    with st.expander("The generic CSV: columns (for any provider we do not read)"):
        st.dataframe(template_columns(), hide_index=True, width="stretch")

    applied = state.get(APPLIED_KEY)
    if applied:
        v = applied["values"]
        shown = {"tokens_per_month": lambda x: f"{tokens(x)} tokens/month", "input_share": lambda x: pct(x, 1),
                 "cached_input_share": lambda x: pct(x, 1), "growth_per_month": lambda x: f"{x:+.2%}/month"}
        parts = [f"{meta(k)['label']} = {shown[k](x)}" for k, x in v.items() if k in shown]
        text = "Scenario set from the bills: " + "; ".join(parts) + "."
        prices = applied.get("prices")
        if prices and "api_input_usd_per_mtok" in v:
            text += (f" The API path is priced at what the bills paid in {prices['month']}: "
                     f"${v['api_input_usd_per_mtok']:g} input · ${v['api_cached_input_usd_per_mtok']:g} cached · "
                     f"${v['api_output_usd_per_mtok']:g} output per 1M tokens, labelled "
                     f"'{bills_label_of(prices)}'")
            text += (" (the bills carry no cost: each billed model at its catalog list price, weighted by "
                     "its tokens)." if prices["priced_from"] == "list prices" else
                     " (where a month carries no cost, its models at their catalog list prices)."
                     if prices["priced_from"] == "partly list prices" else ".")
        st.success(md(text), icon=":material/check_circle:")
        for n in applied["notes"]:
            st.warning(_md(n))

    try:
        result, crashes = current_result(state)
    except InvoiceError as exc:  # not expected (load_files records bad files), but never a traceback
        st.error(_md(str(exc)))
        return
    if result is None:
        st.info("No bills loaded yet: upload files above, or try the example data.")
        return

    _files(state, result, crashes)
    _problems(result)
    if result.months.empty:
        st.info("No usage or spend could be read from the files loaded.")
        return
    st.markdown("#### Monthly usage and spend, per provider and model")
    _plot(spend_figure(result.months), "bills_spend")
    st.dataframe(cells(monthly_table(result.months)), hide_index=True, width="stretch")
    if (result.months["estimated"] | result.months["cost_estimated"]).any():
        st.caption(":material/warning: Estimated rows: a spend-only export gives no token counts (tokens estimated from spend "
                   "at list price), or a usage export gives no cost (cost estimated from tokens at list price). "
                   "Hatched bars are estimated spend.")
    _baseline(result.baseline)
    _repricing(result, scenario)


def _files(state, result: ImportResult, crashes: list[tuple[str, str]]) -> None:
    st.markdown("#### Files")
    by_name = {f.name: f for f in result.files}
    errors = dict(result.errors)
    crashed = dict(crashes)
    unknown = False
    store = state.get(FILES_KEY, {})
    for i, (key, (name, _data)) in enumerate(zip(list(store), _named(store))):
        text_col, button_col = st.columns([8, 1], vertical_alignment="center")
        with text_col:
            if name in by_name:
                f = by_name[name]
                extra = (", spend only: tokens are estimated from it only where no usage export covers "
                         "the same model and month") if f.spend_only else ""
                st.success(f"**{_md(name)}**: " + _md(f"{f.format_label} — {len(f.rows):,} rows read{extra}"),
                           icon=":material/description:")
            elif name in errors:
                st.error(_md(errors[name]), icon=":material/block:")
                unknown = unknown or "Supported formats" in errors[name]
            elif name in crashed:
                st.error(_md(f"Could not read {name}: {crashed[name]}"), icon=":material/block:")
            else:
                st.error(_md(f"Could not read {name}"), icon=":material/block:")
        button_col.button("Remove", key=f"bills_remove_{i}_{key[1][:12]}",
                          on_click=_on_remove, args=(key,))
    if unknown:
        st.caption("A file in another layout can be converted to the generic CSV:")
        _template_download("bills_template_for_error")


def _problems(result: ImportResult) -> None:
    if result.rejected_rows:
        n = len(result.rejected_rows)
        st.warning(f"{n:,} row{'s' if n != 1 else ''} rejected (not counted); see the reasons below.")
        with st.expander(f"Rejected rows ({n:,})"):
            st.dataframe(cells(pd.DataFrame(result.rejected_rows).rename(
                columns={"file": "File", "line": "Line", "reason": "Reason"})), hide_index=True, width="stretch")
    if result.duplicates_dropped:
        st.info(f"{result.duplicates_dropped:,} repeated rows dropped: the same data was uploaded more than once "
                "or two exports overlap; each row is counted once.")
    for w in result.warnings:
        st.warning(_md(w))


def _baseline(b: dict) -> None:
    st.markdown("#### Baseline for the scenario")
    if not b.get("tokens_per_month"):
        st.info(_md(b.get("note") or "No token volume could be read, so there is no baseline."))
        return
    cols = st.columns(5, border=True)
    cols[0].metric("Monthly volume [tokens]", tokens(b["tokens_per_month"]),
                   help=f"Latest full month ({b.get('last_month')}), all providers and models.")
    cols[1].metric("Input share", pct(b["input_share"], 1), help="Input tokens (cached and cache writes included) "
                   "over all tokens, pooled over the months used.")
    cols[2].metric("Cached share of input", pct(b["cached_input_share"], 1))
    r2 = b.get("r_squared")
    cols[3].metric("Growth per month", f"{b['growth_per_month']:+.1%}",
                   delta=f"r² = {r2:.2f}" if r2 is not None else "no trend fitted", delta_color="off",
                   delta_arrow="off")
    cols[4].metric("Months covered", f"{b['months_covered']}",
                   delta=f"{b.get('first_month')} to {b.get('last_month')}", delta_color="off", delta_arrow="off")
    spend = b.get("monthly_spend_usd")
    mtok = b.get("usd_per_mtok")
    st.caption(_md(f"Latest month's spend {_money(spend)}"
                   + (f" ({per_mtok(mtok)} blended)" if mtok is not None else "") + f". Method: {b.get('method')}."
                   + (f" Note: {b['note']}." if b.get("note") else "")))
    prices = b.get("api_prices")
    if prices:
        how = {"bills": "each model's billed cost split over its token classes by the catalog's class prices",
               "list prices": "the bills carry no cost: each billed model at its catalog list price, weighted by "
                              "its tokens",
               "partly list prices": "billed cost where the files give one, else the catalog list price"}
        st.caption(md(f"What the bills paid per 1M tokens in {prices['month']}: ${prices['input']:,.4g} input "
                      f"(cache writes included) · ${prices['cached_input']:,.4g} cached · ${prices['output']:,.4g} "
                      f"output; models by share of tokens: {bills_label_of(prices).removeprefix('your bills ')}. "
                      f"How: {how[prices['priced_from']]}. \"Use as baseline\" prices the API path at these."))
    values, notes = baseline_inputs(b)
    st.button("Use as baseline", key="bills_use_baseline", type="primary", on_click=_on_use_baseline,
              icon=":material/input:",
              help="Sets the scenario's monthly volume, input share, cached share and growth from these bills, "
                   "and prices the API path at what they paid per token class; the bill summary travels in the "
                   "share link.")
    for n in notes:
        st.caption(_md(f"On use: {n}."))


def _repricing(result: ImportResult, scenario: Scenario | None) -> None:
    st.markdown("#### Repricing: the same months on the hosted open model and self-hosted")
    if scenario is None:
        st.info("Fix the scenario's inputs to reprice these months.")
        return
    try:
        df = reprice(result.months, scenario)
    except ValueError as exc:  # incl. DoesNotFit: the engine's own message
        st.warning(_md(f"These months cannot be repriced with this scenario: {exc}"))
        return
    except Exception as exc:
        st.error(f"Could not reprice the months: {type(exc).__name__}")
        return
    t = reprice_totals(df)
    a = df.attrs
    names = {"api": "Actually paid (API bills)", "hosted_open": f"Hosted: {a['hosted_name']}",
             "self_host": f"Self-hosted: {a['self_host_name']}"}
    cols = st.columns(4, border=True)
    cols[0].metric(f"Actually paid, {t['months']} months", _money(t["actual_usd"]),
                   help="Net usage spend from the bills (credits and refunds included, tax not).")
    cols[1].metric("Hosted open model", _money(t["hosted_open_usd"]),
                   delta=f"{_money(t['saving_hosted_open_usd'])} saved" if t["saving_hosted_open_usd"] >= 0
                   else f"{_money(-t['saving_hosted_open_usd'])} more",
                   delta_color="normal" if t["saving_hosted_open_usd"] >= 0 else "inverse",
                   help=f"{a['hosted_ref']}: ${a['hosted_prices']['input']:g} input (and cache writes), "
                        f"${a['hosted_prices']['cached_input']:g} cached, ${a['hosted_prices']['output']:g} output "
                        "per 1M tokens, applied to each month's tokens by class.")
    cols[2].metric("Self-hosted, monthly costs", _money(t["self_host_usd"]),
                   delta=f"{_money(t['saving_self_host_usd'])} saved" if t["saving_self_host_usd"] >= 0
                   else f"{_money(-t['saving_self_host_usd'])} more",
                   delta_color="normal" if t["saving_self_host_usd"] >= 0 else "inverse",
                   help=f"{a['self_host_name']}: the scenario's steady-state monthly cost at each month's volume "
                        "(replicas added as the volume needs them).")
    cols[3].metric("Self-hosted + setup", _money(t["self_host_usd"] + t["setup_usd"]),
                   help=f"Setup {_money(t['setup_usd'])}, paid once, not spread over the months.")
    _plot(reprice_figure(df, names), "bills_reprice")
    st.dataframe(cells(reprice_table(df)), hide_index=True, width="stretch")
    notes = [f"Hosted and self-hosted follow the scenario on this page ({a['hosted_name']}; {a['self_host_name']}), "
             "at today's prices; batch discounts are not applied again (the bills already reflect them)",
             f"the one-time setup of {_money(t['setup_usd'])} is shown apart, not spread over the months"]
    if not t["actual_complete"]:
        notes.append("some amounts have no USD figure and are left out of the actual totals and savings")
    if df["cost_estimated"].any():
        notes.append("hatched months: what was paid is estimated from tokens at list price")
    text = "; ".join(notes)
    st.caption(_md(text[:1].upper() + text[1:] + "."))


def section(ctx) -> None:
    """Adapter for the page's list of sections: ``("Import bills", bills.section)``."""
    render(ctx.scenario)

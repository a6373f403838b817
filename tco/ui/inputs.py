"""Widgets -> Scenario, and the URL in both directions.

Every widget's key is the Scenario field name, so a link (``?tokens_per_month=5e9``), the command
line (``python -m tco summary --set tokens_per_month=5e9``) and ``st.session_state`` share one
vocabulary. The flow of one run:

1. first run of a session only: :func:`seed_from_url` reads ``st.query_params`` with
   :func:`tco.share.decode` (never raises) and writes each input into ``st.session_state``;
2. :func:`sidebar` and :func:`volume_controls` draw the widgets (no ``value=``: the state holds it);
3. :func:`build_scenario` turns the values into a validated Scenario, or the engine's message;
4. :func:`write_url` puts ``share.encode(s)`` into the address bar when it changed.

Code that sets inputs from elsewhere (e.g. the bills importer) calls :func:`set_inputs` from a
widget callback (or before the widgets are drawn), never after: Streamlit forbids changing a
drawn widget's state.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import streamlit as st

from tco import catalog, load, share
from tco.scenario import ACQUISITIONS, FIELDS, GROUPS, PRECISIONS, Scenario, meta, range_text
from tco.ui.fmt import md, text

#: Current frontier APIs offered in the box; every other catalog id is behind its "search all" toggle.
SHORTLIST_API = ("openai:gpt-5", "openai:gpt-5-mini", "openai:gpt-4.1", "anthropic:claude-sonnet-4-5",
                 "anthropic:claude-haiku-4-5", "google:gemini-2.5-pro", "google:gemini-2.5-flash")

VOLUME_KEY = "tokens_per_month"
VOLUME_STEP_KEY = "_volume_step"   # the log slider; tokens_per_month holds the exact value
SEEDED_KEY = "_seeded_from_url"
NOTICES_KEY = "_link_notices"
BASELINE_KEY = "_baseline"         # bill summary that travels in the link (bl_* keys)
BILL_FILES_KEY = "_baseline_files"  # names of the files behind it (this session only, never linked)
VIEW_KEY = "_view"
SEARCH_ALL_PREFIX = "_search_all_"  # + "api_model" / "hosted_model": the box offers the whole catalog

#: Slider stops: 1, 1.5, 2, 3, 5, 7 per decade from 1M to 100B tokens a month.
VOLUME_STEPS = tuple(float(f"{m}e{e}") for e in range(6, 11) for m in (1, 1.5, 2, 3, 5, 7)) + (1e11,)

ACQUISITION_LABELS = {"on_demand": "Rent on demand", "reserved_1y": "Rent, 1-year reservation",
                      "reserved_3y": "Rent, 3-year reservation", "buy": "Buy (own hardware)"}
PRECISION_LABELS = {"bf16": "BF16 (16-bit)", "fp8": "FP8 (8-bit)", "int4": "INT4 (4-bit weights)",
                    "fp4": "FP4 (Blackwell only)"}

#: Latency presets: (label, max TTFT [s], min output tokens/s per user); None = no target.
#: Sources in the help of `max_ttft_s` and `min_output_tokens_per_s_per_user` (MLPerf Inference
#: v5.0 interactive and server limits as anchors).
LATENCY_PRESETS = {
    "batch": ("Batch: no latency target (max load)", None, None),
    "chat": ("Interactive chat: first token ≤ 2 s, ≥ 30 tokens/s per user", 2.0, 30.0),
    "agent": ("Agent / coding: first token ≤ 5 s, ≥ 50 tokens/s per user", 5.0, 50.0),
}
LATENCY_PRESET_KEY = "_latency_preset"
LATENCY_PRESET_HELP = ("Sets the two latency targets below. Chat: a reader sees the first words within 2 s "
                       "and text faster than reading speed (≈ 4-8 tokens/s; MLPerf v5.0 Llama-2-70B "
                       "Interactive allows 450 ms TTFT and 40 ms per token = 25 tokens/s). Agents and "
                       "coding tools wait on whole answers, so they need faster streams (≥ 50 tokens/s, "
                       "assumption) and tolerate 5 s. Batch work has no target: replicas run at max load.")


def latency_preset_of(ttft: Any, speed: Any) -> str:
    """The preset whose targets the two inputs hold, or 'custom'."""
    for name, (_, t, u) in LATENCY_PRESETS.items():
        if ttft == t and speed == u:
            return name
    return "custom"


def _preset_chosen() -> None:
    name = st.session_state.get(LATENCY_PRESET_KEY)
    if name in LATENCY_PRESETS:
        _, t, u = LATENCY_PRESETS[name]
        st.session_state["max_ttft_s"] = t
        st.session_state["min_output_tokens_per_s_per_user"] = u


def _latency_preset(container, state) -> None:
    state[LATENCY_PRESET_KEY] = latency_preset_of(state.get("max_ttft_s"), state.get("min_output_tokens_per_s_per_user"))
    names = [*LATENCY_PRESETS, "custom"]
    container.selectbox("Latency target", names, key=LATENCY_PRESET_KEY, on_change=_preset_chosen,
                        format_func=lambda n: LATENCY_PRESETS[n][0] if n in LATENCY_PRESETS else "Custom (set below)",
                        help=LATENCY_PRESET_HELP)


#: Inputs drawn outside the sidebar groups (the main-area volume controls).
MAIN_AREA = (VOLUME_KEY,)
#: Self-hosting inputs shown first; the rest go to a collapsed "Self-hosting: details" group.
SELF_HOSTING_MAIN = ("open_model", "precision", "gpu", "acquisition", "gpu_hour_usd", "gpu_price_usd",
                     "gpus_per_replica")


# --- URL -> state ------------------------------------------------------------------------------

def query_mapping(query_params: Any) -> dict[str, list[str]]:
    """``st.query_params`` as {key: [values]} (repeated keys kept, so decode can report them)."""
    return {k: list(query_params.get_all(k)) for k in query_params}


def seed_from_url(state: MutableMapping[str, Any], query: Mapping[str, Any]) -> share.Decoded | None:
    """On a session's first run, put the link's scenario into the widgets' state. Returns what the
    link decoded to (None on later runs)."""
    if state.get(SEEDED_KEY):
        return None
    decoded = share.decode(query)
    for key in FIELDS:
        state[key] = getattr(decoded.scenario, key)
    state[VOLUME_STEP_KEY] = slider_value(decoded.scenario.tokens_per_month)
    state[NOTICES_KEY] = decoded.notices
    state[BASELINE_KEY] = decoded.baseline
    state[VIEW_KEY] = decoded.view
    state[SEEDED_KEY] = True
    return decoded


def set_inputs(state: MutableMapping[str, Any], **values: Any) -> None:
    """Set inputs by field name (call from a callback or before the widgets are drawn)."""
    for key, value in values.items():
        if key not in FIELDS:
            raise KeyError(f"unknown input `{key}`")
        state[key] = value
    if VOLUME_KEY in values:
        state[VOLUME_STEP_KEY] = slider_value(values[VOLUME_KEY])


def write_url(query_params: Any, s: Scenario, baseline: Mapping[str, Any] | None = None,
              view: str | None = None) -> str:
    """Make the address bar a link to ``s`` (only when it changed, to spare a message). A bill
    summary entry the link cannot hold is left out (the Share tab says which)."""
    query = share.encode(s, baseline, view=view, notices=[])
    wanted = dict(parse_qsl(query, keep_blank_values=True))
    current = {k: query_params.get_all(k) for k in query_params}
    if current != {k: [v] for k, v in wanted.items()}:
        query_params.from_dict(wanted)
    return query


# --- volume ------------------------------------------------------------------------------------

def nearest_step(volume: float) -> float:
    """The slider stop closest to ``volume`` on a log scale (clamped to 1M..100B)."""
    if not (isinstance(volume, (int, float)) and math.isfinite(volume)) or volume <= VOLUME_STEPS[0]:
        return VOLUME_STEPS[0]
    if volume >= VOLUME_STEPS[-1]:
        return VOLUME_STEPS[-1]
    i = bisect.bisect_left(VOLUME_STEPS, volume)
    lo, hi = VOLUME_STEPS[i - 1], VOLUME_STEPS[i]
    return lo if math.log(volume / lo) <= math.log(hi / volume) else hi


#: The exact box's allowed range [tokens/month]: below 1M tokens a month no path's cost means much,
#: and 0 would show a page of zeros; the top is the engine's own bound.
VOLUME_BOX_RANGE = (1e6, float(FIELDS[VOLUME_KEY].metadata["hi"]))
VOLUME_ERROR_KEY = "_volume_error"   # the last rejected entry of the exact box, shown under it
VOLUME_LAST_KEY = "_volume_last_ok"  # the value the box goes back to when an entry is rejected


def slider_options(volume: float) -> tuple[float, ...]:
    """The slider's stops, with the exact volume among them when it lies between two stops, so
    that the slider reads 4.76B (not 5B) when the exact value is 4.76B."""
    lo, hi = VOLUME_STEPS[0], VOLUME_STEPS[-1]
    if not (isinstance(volume, (int, float)) and math.isfinite(volume)) or not lo < volume < hi:
        return VOLUME_STEPS
    if volume in VOLUME_STEPS or _volume_label(volume) in {_volume_label(v) for v in VOLUME_STEPS}:
        return VOLUME_STEPS
    return tuple(sorted((*VOLUME_STEPS, float(volume))))


def slider_value(volume: float) -> float:
    """Where the slider sits for an exact volume: on it when it is one of the options, else at
    the nearest stop (outside 1M..100B: at the end)."""
    return float(volume) if volume in slider_options(volume) else nearest_step(volume)


def _volume_label(v: float) -> str:
    from tco.ui.fmt import tokens
    return tokens(v)


def box_step(volume: float) -> float:
    """The exact box's +/- step: the 1-2-5 number at or below a tenth of the value (1M -> 100k,
    2B -> 200M, 4.76B -> 200M), so that + and - change any volume by 5-10%, not by a fixed 100M."""
    v = float(volume) if isinstance(volume, (int, float)) and math.isfinite(volume) and volume > 0 else 1e6
    tenth = max(v, VOLUME_BOX_RANGE[0]) / 10
    mag = 10.0 ** math.floor(math.log10(tenth))
    return max(m * mag for m in (1, 2, 5) if m * mag <= tenth * (1 + 1e-12))


def _slider_moved() -> None:
    st.session_state[VOLUME_KEY] = float(st.session_state[VOLUME_STEP_KEY])
    st.session_state.pop(VOLUME_ERROR_KEY, None)


def check_volume_entry(state: MutableMapping[str, Any]) -> None:
    """The exact box's callback: an entry outside 1M..100T tokens a month (or none) is rejected
    visibly, and the box goes back to the last volume the page shows."""
    v = state.get(VOLUME_KEY)
    lo, hi = VOLUME_BOX_RANGE
    if isinstance(v, (int, float)) and math.isfinite(v) and lo <= v <= hi:
        state.pop(VOLUME_ERROR_KEY, None)
        state[VOLUME_STEP_KEY] = slider_value(v)
        return
    from tco.ui.fmt import number, tokens
    last = state.get(VOLUME_LAST_KEY, Scenario().tokens_per_month)
    typed = "nothing" if v is None else number(v)
    state[VOLUME_ERROR_KEY] = (f"{typed} tokens a month is outside what the page computes: type a volume from "
                               f"{tokens(lo)} ({number(lo)}) to {tokens(hi)} ({number(hi)}). The page still shows "
                               f"{tokens(last)} tokens a month.")
    state[VOLUME_KEY] = last
    state[VOLUME_STEP_KEY] = slider_value(last)


def _number_typed() -> None:
    check_volume_entry(st.session_state)


def volume_controls() -> None:
    """The log-scale volume slider with the exact number beside it, kept in sync: the slider shows
    the exact value when it lies between two stops; the box rejects out-of-range entries visibly."""
    from tco.ui.fmt import number, tokens
    state = st.session_state
    volume = state.get(VOLUME_KEY, Scenario().tokens_per_month)
    options = slider_options(volume)
    wanted = slider_value(volume)
    if state.get(VOLUME_STEP_KEY) != wanted:
        state[VOLUME_STEP_KEY] = wanted
    if isinstance(volume, (int, float)) and math.isfinite(volume):
        state[VOLUME_LAST_KEY] = float(volume)
    m = meta(VOLUME_KEY)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    beyond = "" if options[0] <= volume <= options[-1] else f" (exact value {tokens(volume)}: beyond the slider)"
    with left:
        st.select_slider(
            f"{m['label']} [tokens/month, log scale]{beyond}", options=options, key=VOLUME_STEP_KEY,
            format_func=tokens, on_change=_slider_moved,
            help=f"{m['help']} Drag, or focus and use the arrow keys; type an exact value on the right.")
    with right:
        st.number_input(f"Exact volume [{m['unit']}]", step=box_step(volume), format="%.0f", key=VOLUME_KEY,
                        on_change=_number_typed,
                        help=_help(VOLUME_KEY) + f"\n\nThis box takes {number(VOLUME_BOX_RANGE[0])} to "
                                                 f"{number(VOLUME_BOX_RANGE[1])}; + and − step by about a tenth.")
    error = state.get(VOLUME_ERROR_KEY)
    if error:
        st.error(error, icon=":material/block:")


# --- sidebar -----------------------------------------------------------------------------------

def _help(key: str) -> str:
    m = meta(key)
    text = m["help"]
    if m["kind"] in ("float", "int", "optional", "optional_int"):
        text += f"\n\nAllowed: {range_text(key)}."
    if m["source"]:
        text += f"\n\nSource: {m['source']}."
    return text


def _label(key: str) -> str:
    m = meta(key)
    return f"{m['label']} [{m['unit']}]" if m["unit"] else m["label"]


def _number_widget(key: str, container, placeholder: str | None = None) -> None:
    m = meta(key)
    kind, unit = m["kind"], m["unit"]
    default = FIELDS[key].default
    lo = m["lo"]
    hi = m["hi"]
    if kind in ("int", "optional_int"):
        kw = dict(min_value=int(lo), max_value=int(hi), step=1, format="%d")
    else:
        ref = abs(default) if isinstance(default, (int, float)) and default else 1.0
        if unit.startswith("share"):
            step, fmt = (0.005, "%.3f") if unit == "share/month" else (0.01, "%.2f")
        elif unit == "USD/1M tokens":
            step, fmt = 0.01, "%.3f"
        else:
            step = 10 ** math.floor(math.log10(ref)) / (10 if ref < 10 else 1) if ref else 1.0
            fmt = "%g"
        kw = dict(min_value=float(lo), max_value=float(hi), step=float(step), format=fmt)
    if kind.startswith("optional"):
        kw["value"] = None
        kw["placeholder"] = placeholder or "empty = catalog"
    container.number_input(_label(key), key=key, help=_help(key), **kw)


def _model_label(ref: str | None, placeholder: str = "") -> str:
    return placeholder if ref is None else ref


def _catalog_options(key: str, current: str | None, refs: tuple[str, ...],
                     first: tuple[str, ...]) -> list:
    """The shortlist (and the current value), or every catalog id while the "search all" toggle
    under the box is on. All ~2,300 ids in two boxes were 165 kB of the first page load and held
    back its first paint by about 0.4 s on a 2-core machine, so they are sent only on request."""
    full = bool(st.session_state.get(SEARCH_ALL_PREFIX + key))
    opts = list(dict.fromkeys([*first, *(refs if full else ())]))
    if current is not None and current not in opts:
        opts.insert(0, current)
    return opts


def _search_all_toggle(container, key: str, refs: tuple[str, ...]) -> None:
    container.toggle(f"Search all {len(refs):,} catalog models", key=SEARCH_ALL_PREFIX + key,
                     help="Offer every model in the bundled price catalog (genai-prices) in the box above; "
                          "type to search.")


def _price_caption(container, ref: str | None, s_in: float, s_out: float) -> None:
    if ref is None:
        return
    try:
        p = catalog.api_prices(ref, s_in, s_out)
    except (ValueError, KeyError) as e:
        container.caption(text(f"No usable price for {ref}: {e}"))
        return
    note = f" {p.tier_note}." if p.tier_note else ""
    container.caption(f"**{text(p.model_name)}**: " + text(f"${p.input:g} input · ${p.cached_input:g} cached · "
                                                           f"${p.output:g} output per 1M tokens ({p.date}).{note}"))


@st.cache_resource(show_spinner=False)
def _refs() -> tuple[str, ...]:
    return catalog.api_model_refs()


def keep_values(state) -> None:
    """Streamlit drops the state of a widget that is not drawn in a run; the sidebar's groups only
    draw their widgets while open (all start closed), so each input's value is re-assigned before
    any widget of the run is drawn, which keeps it whether or not its widget is drawn."""
    for key in (*FIELDS, VOLUME_STEP_KEY):
        if key in state:
            state[key] = state[key]


def sidebar() -> None:
    """Every input except the volume, grouped as in the issue; state lives in st.session_state
    (:func:`keep_values` first)."""
    state = st.session_state
    gpus, models = catalog.gpus(), catalog.models()
    refs = _refs()
    i_len = state.get("input_tokens_per_request", 2000)
    o_len = state.get("output_tokens_per_request", 500)
    sb = st.sidebar
    sb.title("Inputs")
    sb.caption("Open a group to edit it. Every input shows its unit in [brackets]; the ? icon says where its "
               "default comes from. The address bar always links to this exact scenario.")
    panels = []
    for group in GROUPS:
        keys = [k for k, f in FIELDS.items() if f.metadata["group"] == group and k not in MAIN_AREA]
        if group == "Self-hosting":
            panels.append((group, [k for k in SELF_HOSTING_MAIN if k in keys]))
            panels.append((SELF_HOSTING_MORE, [k for k in keys if k not in SELF_HOSTING_MAIN]))
        else:
            panels.append((group, keys))
    for title, keys in panels:
        # closed on first load: every open group's widgets held back the first paint of the page
        # (~0.45 s on a 2-core machine, tco/ui/bench_page.py); a caption shows the group's values
        # (the label is part of the expander's identity, so the values go in a caption, not in it)
        exp = sb.expander(title, expanded=False, key=f"_group_{title}", on_change="rerun")
        if exp.open is False:  # closed: its widgets are not drawn (values kept above)
            sb.caption(md(group_summary(title, state, models, gpus)))
            continue
        for key in keys:
            if key == "api_model":
                exp.selectbox(_label(key), _catalog_options(key, state.get(key), refs, SHORTLIST_API),
                              key=key, help=_help(key), on_change=_model_changed, args=("api",))
                _search_all_toggle(exp, key, refs)
                _price_caption(exp, state.get(key), i_len, o_len)
            elif key == "hosted_model":
                offers = hosted_offer_labels(state)
                default_ref = next(iter(offers), "")
                opts = [None, *_catalog_options(key, state.get(key), refs, tuple(offers))]
                exp.selectbox(_label(key), opts, key=key,
                              format_func=lambda r: (f"Cheapest offer: {offers.get(default_ref, default_ref)}"
                                                     if r is None else offers.get(r, r)),
                              placeholder=f"Cheapest offer: {default_ref}", help=_help(key),
                              on_change=_model_changed, args=("hosted",))
                _search_all_toggle(exp, key, refs)
                _price_caption(exp, state.get(key) or default_ref or None, i_len, o_len)
                if len(offers) > 1:
                    exp.caption(md("Offers of this model in the catalog, cheapest first at this workload's mix: "
                                   + "; ".join(offers.values()) + "."))
            elif key == "open_model":
                exp.selectbox(_label(key), list(models), key=key, format_func=lambda i: models[i].name,
                              help=_help(key), on_change=_model_changed, args=("open",))
            elif key == "gpu":
                exp.selectbox(_label(key), list(gpus), key=key, format_func=lambda i: gpus[i].name,
                              help=_help(key))
            elif key == "precision":
                exp.selectbox(_label(key), list(PRECISIONS), key=key,
                              format_func=lambda p: PRECISION_LABELS.get(p, p), help=_help(key))
            elif key == "max_ttft_s":
                _latency_preset(exp, state)
                _number_widget(key, exp, _placeholder(key, state, gpus, i_len, o_len))
            elif key == "load_profile":
                names = list(load.profile_names())
                current = state.get(key)
                exp.selectbox(_label(key), names + ([current] if current and current not in names else []),
                              key=key, format_func=load.label, help=_help(key))
            elif key == "acquisition":
                exp.radio(_label(key), list(ACQUISITIONS), key=key,
                          format_func=lambda a: ACQUISITION_LABELS.get(a, a), help=_help(key))
            else:
                _number_widget(key, exp, _placeholder(key, state, gpus, i_len, o_len))


SELF_HOSTING_MORE = "Self-hosting: power, depreciation, sizing"

#: Where the notice of cleared price overrides waits for the next run (set in a callback).
CLEARED_KEY = "_overrides_cleared"
PRICE_CLASSES = ("input", "cached_input", "output")


def hosted_offer_labels(state: Mapping[str, Any]) -> dict[str, str]:
    """The open model's hosted offers, cheapest first at the workload's mix, as
    {ref: "ref: $0.156/M blended ($0.11 in · $0.34 out)"}; {} if the inputs do not form a scenario."""
    from tco import model as engine
    try:
        s = Scenario(**current_values(state))
        offers = engine.hosted_offers(s)
    except (ValueError, TypeError, KeyError):
        return {}
    return {ref: f"{ref}: ${blended:,.3f}/M blended (${pr.input:g} in · ${pr.cached_input:g} cached · "
                 f"${pr.output:g} out)" for ref, pr, blended in offers}


def clear_overrides(state: MutableMapping[str, Any], prefix: str, why: str) -> list[str]:
    """Empty the price overrides of the ``api`` or ``hosted`` path (they belonged to the model
    they were set on) and leave a notice naming what was cleared for the next run."""
    cleared = []
    for cls in PRICE_CLASSES:
        key = f"{prefix}_{cls}_usd_per_mtok"
        if state.get(key) is not None:
            cleared.append(f"{meta(key)['label'].lower()} ${float(state[key]):g}/1M")
            state[key] = None
    if cleared:
        state[CLEARED_KEY] = (f"{why}: cleared the {', '.join(cleared)} set for the previous model; "
                              "the catalog's prices of the new one apply.")
    return cleared


def _model_changed(which: str) -> None:
    """on_change of the API, hosted and open-model boxes: a price override belongs to the model
    it was set on. Changing the open model changes the hosted model too when that is the
    catalog's cheapest offer (box left empty)."""
    state = st.session_state
    if which == "api":
        clear_overrides(state, "api", f"API model changed to {state.get('api_model')}")
    elif which == "hosted":
        clear_overrides(state, "hosted", "Hosted model changed")
    elif which == "open" and state.get("hosted_model") is None:
        clear_overrides(state, "hosted", "Open model changed, and with it its hosted offer")


def group_summary(title: str, state: Mapping[str, Any], models, gpus) -> str:
    """The few values shown under a closed group, e.g. 'Llama 4 Scout 17B-16E on NVIDIA B200 (HGX,
    1 kW), FP8, buy'."""
    v = {k: state.get(k, f.default) for k, f in FIELDS.items()}
    try:
        if title == "Workload":
            preset = latency_preset_of(v["max_ttft_s"], v["min_output_tokens_per_s_per_user"])
            latency = ("no latency target" if preset == "batch" else
                       LATENCY_PRESETS[preset][0].split(":")[0].lower() if preset in LATENCY_PRESETS else
                       "custom latency target")
            return (f"{v['input_tokens_per_request']:,} in / {v['output_tokens_per_request']:,} out tokens "
                    f"per request, peak {v['peak_to_average']:g}×, {latency}")
        if title == "Compare against":
            model = models.get(v["open_model"])
            hosted = v["hosted_model"] or next(iter(hosted_offer_labels(state)), None) or "none"
            return f"{v['api_model']} vs {hosted}"
        if title == "Self-hosting":
            model, gpu = models.get(v["open_model"]), gpus.get(v["gpu"])
            how = ACQUISITION_LABELS.get(v["acquisition"], v["acquisition"]).split(" (")[0]
            return (f"{model.name if model else v['open_model']} on {gpu.name if gpu else v['gpu']}, "
                    f"{str(v['precision']).upper()}, {how[:1].lower() + how[1:]}")
        if title == SELF_HOSTING_MORE:
            return f"target {v['target_utilisation']:.0%} utilised, PUE {v['pue']:g}"
        if title == "Team":
            return f"{v['staff_fte']:g} FTE at ${v['staff_cost_usd_per_year']:,.0f}/year"
        if title == "Finance":
            return f"{v['horizon_months']} months, {v['discount_rate']:.0%}/year discount"
        if title == "Uncertainty":
            return f"bands at ×{v['uncertainty_spread']:g} the sourced spreads, seed {v['uncertainty_seed']}"
    except (TypeError, ValueError, AttributeError):  # a value mid-edit: the title alone says enough
        pass
    return "open to edit"


def _placeholder(key: str, state, gpus, i_len, o_len) -> str | None:
    """Catalog value shown in an empty optional input."""
    gpu = gpus.get(state.get("gpu"))
    try:
        if key == "gpu_hour_usd" and gpu:
            return f"{gpu.on_demand_usd_per_hour:g} (catalog)"
        if key == "gpu_price_usd" and gpu:
            return f"{gpu.purchase_usd_per_gpu:,.0f} (catalog)"
        if key.startswith(("api_", "hosted_")) and key.endswith("_usd_per_mtok"):
            prefix, cls = key.split("_", 1)
            cls = cls.removesuffix("_usd_per_mtok")
            if prefix == "api":
                ref = state.get("api_model")
            else:
                ref = state.get("hosted_model") or next(iter(hosted_offer_labels(state)), None)
            if ref:
                return f"{getattr(catalog.api_prices(ref, i_len, o_len), cls):g} (catalog)"
    except (ValueError, KeyError):
        return None
    if key == "gpus_per_replica":
        return "empty = cheapest at this volume"
    if key == "replica_output_tokens_per_s":
        return "empty = measured or model"
    if key in ("max_ttft_s", "min_output_tokens_per_s_per_user"):
        return "empty = no target"
    if key == "prefix_cache_hit_share":
        return f"empty = cached share of input ({state.get('cached_input_share', 0.25):.2f})"
    return None


# --- state -> Scenario -------------------------------------------------------------------------

def current_values(state: Mapping[str, Any]) -> dict[str, Any]:
    """Every input's value as the widgets hold it (defaults for any not drawn yet)."""
    return {k: state.get(k, f.default) for k, f in FIELDS.items()}


def build_scenario(values: Mapping[str, Any]) -> tuple[Scenario | None, str | None]:
    """A validated Scenario, or None and the validator's message (names the input and its range)."""
    try:
        return Scenario(**values), None
    except (ValueError, TypeError) as e:
        return None, str(e)

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

from tco import catalog, share
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
    state[VOLUME_STEP_KEY] = nearest_step(decoded.scenario.tokens_per_month)
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
        state[VOLUME_STEP_KEY] = nearest_step(values[VOLUME_KEY])


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


def _slider_moved() -> None:
    st.session_state[VOLUME_KEY] = float(st.session_state[VOLUME_STEP_KEY])


def _number_typed() -> None:
    st.session_state[VOLUME_STEP_KEY] = nearest_step(st.session_state[VOLUME_KEY])


def volume_controls() -> None:
    """The log-scale volume slider with the exact number beside it, kept in sync."""
    from tco.ui.fmt import tokens
    state = st.session_state
    if state.get(VOLUME_STEP_KEY) != nearest_step(state.get(VOLUME_KEY, Scenario().tokens_per_month)):
        state[VOLUME_STEP_KEY] = nearest_step(state.get(VOLUME_KEY, Scenario().tokens_per_month))
    m = meta(VOLUME_KEY)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        st.select_slider(
            f"{m['label']} [tokens/month, log scale]", options=VOLUME_STEPS, key=VOLUME_STEP_KEY,
            format_func=tokens, on_change=_slider_moved,
            help=f"{m['help']} Drag, or focus and use the arrow keys; type an exact value on the right.")
    with right:
        st.number_input(f"Exact volume [{m['unit']}]", min_value=float(m["lo"]), max_value=float(m["hi"]),
                        step=1e8, format="%.0f", key=VOLUME_KEY, on_change=_number_typed,
                        help=_help(VOLUME_KEY))


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


def sidebar() -> None:
    """Every input except the volume, grouped as in the issue; state lives in st.session_state."""
    state = st.session_state
    # Streamlit drops the state of a widget that is not drawn in a run; the sidebar's groups only
    # draw their widgets while open (all start closed), so each input's value is re-assigned
    # first, which keeps it whether or not its widget is drawn.
    for key in (*FIELDS, VOLUME_STEP_KEY):
        if key in state:
            state[key] = state[key]
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
                              key=key, help=_help(key))
                _search_all_toggle(exp, key, refs)
                _price_caption(exp, state.get(key), i_len, o_len)
            elif key == "hosted_model":
                model = models.get(state.get("open_model"))
                default_ref = model.hosted_default if model else ""
                offers = tuple(m.hosted_default for m in models.values() if m.hosted_default)
                exp.selectbox(_label(key), [None, *_catalog_options(key, state.get(key), refs, offers)],
                              key=key, format_func=lambda r: f"Catalog offer: {default_ref}" if r is None else r,
                              placeholder=f"Catalog offer: {default_ref}", help=_help(key))
                _search_all_toggle(exp, key, refs)
                _price_caption(exp, state.get(key) or default_ref or None, i_len, o_len)
            elif key == "open_model":
                exp.selectbox(_label(key), list(models), key=key, format_func=lambda i: models[i].name,
                              help=_help(key))
            elif key == "gpu":
                exp.selectbox(_label(key), list(gpus), key=key, format_func=lambda i: gpus[i].name,
                              help=_help(key))
            elif key == "precision":
                exp.selectbox(_label(key), list(PRECISIONS), key=key,
                              format_func=lambda p: PRECISION_LABELS.get(p, p), help=_help(key))
            elif key == "max_ttft_s":
                _latency_preset(exp, state)
                _number_widget(key, exp, _placeholder(key, state, gpus, i_len, o_len))
            elif key == "acquisition":
                exp.radio(_label(key), list(ACQUISITIONS), key=key,
                          format_func=lambda a: ACQUISITION_LABELS.get(a, a), help=_help(key))
            else:
                _number_widget(key, exp, _placeholder(key, state, gpus, i_len, o_len))


SELF_HOSTING_MORE = "Self-hosting: power, depreciation, sizing"


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
            hosted = v["hosted_model"] or (model.hosted_default if model else None) or "none"
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
                m = catalog.models().get(state.get("open_model"))
                ref = state.get("hosted_model") or (m.hosted_default if m else None)
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

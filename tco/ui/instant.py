"""The headline numbers at the volume slider's neighbouring stops, shown the moment an arrow key
moves the slider; the server's run follows and confirms them.

Why: a keypress on the slider reaches the server, reruns the script and comes back as ~70
messages that the browser turns into React renders: the numbers changed 152-202 ms after the key
on the 2-core machine, against ~73 ms for a one-slider one-metric Streamlit page; with this
module, 2 ms on every tab (``python -m tco.ui.bench_page --keypress``, README). Re-sending fewer
elements had not helped.

How: at the end of each run of the full page (after everything else is sent), the engine
evaluates the scenario at the stop left and right of the slider's value (``data.evaluate``,
cached: the run the keypress causes then finds its evaluation done) and an invisible component
(:data:`_INSTANT`, ``st.components.v2``: no iframe, no network) keeps their headline metrics in
the page. On ArrowLeft/Down or ArrowRight/Up on the volume slider it writes the neighbour's values
into the headline boxes' text at once and dims what it cannot redraw (the verdict, the capacity
line, a delta whose arrow would turn); the server's run then draws the same values (React
rewrites the same text nodes) and the component's next mount undoes the dimming and corrects any
box that differs from its run's own numbers. Page Up/Down, Home or End (more than one stop), a
second key before the run that answers the first, a key while a run is going, or a neighbour the
engine rejects: no number is written, the boxes are dimmed until the server's numbers come. A key
that moves nothing (at the slider's end) changes nothing.

The values are written as text (a text node's value), never as markup, and are the page's own
formatted numbers and labels, no text from outside. Nothing here computes a number: they are
:func:`views.headline_metrics` of :func:`data.evaluate`, the page's own.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from tco.ui import data, inputs, views

#: Keys of the containers the component finds in the page (class ``st-key-<key>``).
SLIDER_ROW = "tco_volume_row"
HEADLINE = "tco_headline"
VERDICT = "tco_verdict"
INSTANT_KEY = "_instant_numbers"
RUNS_KEY = "_main_area_runs"  # runs of the page's main area (tco/ui/page.py), whole-page or its own

_INSTANT_JS = """
const DIM = "0.45";
// keys that move a range input up or down (react-aria's slider: arrows by one stop, pages by more)
const UP = new Set(["ArrowRight", "ArrowUp", "PageUp", "End"]);
const DOWN = new Set(["ArrowLeft", "ArrowDown", "PageDown", "Home"]);

function textOf(el) { return el ? el.textContent : null; }

// Write into the text node React owns (its next render rewrites that node), never replace it.
function setText(p, value) {
  if (!p || p.childNodes.length !== 1 || p.firstChild.nodeType !== Node.TEXT_NODE) return false;
  if (p.firstChild.nodeValue !== value) p.firstChild.nodeValue = value;
  return true;
}

function boxes(d) {
  return [...document.querySelectorAll(`.st-key-${d.headline} [data-testid=stMetric]`)].map(el => ({
    el,
    label: textOf(el.querySelector("[data-testid=stMetricLabel] p")),
    value: el.querySelector("[data-testid=stMetricValue] p"),
    delta: el.querySelector("[data-testid=stMetricDelta]"),
  }));
}

function dim(s, el) {
  if (!el || el.dataset.tcoDimmed) return;
  el.dataset.tcoDimmed = el.style.opacity || "-";
  el.style.opacity = DIM;
  s.dimmed.push(el);
}

function undim(s) {
  for (const el of s.dimmed) {
    if (!el.dataset.tcoDimmed) continue;
    el.style.opacity = el.dataset.tcoDimmed === "-" ? "" : el.dataset.tcoDimmed;
    delete el.dataset.tcoDimmed;
  }
  s.dimmed = [];
}

function dimAll(s, d) {
  for (const b of boxes(d)) dim(s, b.el);
  document.querySelectorAll(`.st-key-${d.verdict}`).forEach(el => dim(s, el));
}

// One box to the neighbour's metric: its value, and its delta when the text and arrow allow it.
function write(s, b, m) {
  if (!m || !setText(b.value, m.value)) { dim(s, b.el); return; }
  if (!b.delta) { if (m.delta) dim(s, b.el); return; }
  const p = b.delta.querySelector("p");
  const shown = b.delta.querySelector("[data-testid^=stMetricDeltaIcon-]");
  const arrow = shown ? shown.dataset.testid.slice("stMetricDeltaIcon-".length).toLowerCase() : "off";
  if (m.delta == null || !setText(p, m.delta)) { dim(s, b.el); return; }
  if (arrow !== m.arrow) dim(s, b.delta);  // the arrow and colour come with the server's run
}

function onKey(e) {
  const s = window.__tcoInstant, d = s && s.data;
  if (!d || !e.target || !e.target.closest || !e.target.closest(`.st-key-${d.slider}`)) return;
  const up = UP.has(e.key), down = DOWN.has(e.key);
  const at = Number(e.target.value);
  // a key that moves nothing (the slider's end, or no moving key) causes no run: nothing to do
  if (!(up && at < Number(e.target.max)) && !(down && at > Number(e.target.min))) return;
  const app = document.querySelector("[data-testid=stApp]");
  const running = app && app.dataset.testScriptState === "running";
  const one = e.key.startsWith("Arrow");
  const next = d.next[up ? "right" : "left"];
  // the numbers kept are for one stop from the value they were computed at: else wait, dimmed
  if (!one || s.used || running || at !== d.index || !next) { dimAll(s, d); return; }
  s.used = true;
  for (const b of boxes(d)) write(s, b, next[b.label]);
  // what is not a number (the verdict, the capacity line) waits for the server's run, dimmed
  document.querySelectorAll(`.st-key-${d.verdict}, .st-key-${d.headline} [data-testid=stCaptionContainer]`)
    .forEach(el => dim(s, el));
}

export default function ({ data }) {
  const s = window.__tcoInstant || (window.__tcoInstant = { data: null, dimmed: [], used: false });
  if (!s.listening) {
    s.listening = true;
    document.addEventListener("keydown", onKey, true);
  }
  // a run has drawn the page: its own numbers stand; nothing stays dimmed
  s.data = data;
  s.used = false;
  for (const b of boxes(data)) {
    const m = data.current[b.label];
    if (m) { setText(b.value, m.value); if (b.delta && m.delta != null) setText(b.delta.querySelector("p"), m.delta); }
  }
  undim(s);
}
"""

_INSTANT = st.components.v2.component("tco_instant_numbers", js=_INSTANT_JS)


def shown(metrics: Sequence[views.Metric]) -> dict[str, dict]:
    """What the component writes into a box, by label: value, delta line and its arrow."""
    return {m.label: {"value": m.value, "delta": m.delta, "arrow": m.arrow} for m in metrics}


def payload(ctx: views.Context, options: Sequence[float], value: float) -> dict | None:
    """The component's data for a run of the full page: the run's own headline (``current``) and
    the headline at the stop left and right of ``value`` in the slider's ``options`` (``next``;
    a side is absent at the slider's end, None when the engine rejects the scenario there).
    None when the page shows no headline or the value is not one of the options."""
    if ctx.result is None or ctx.scenario is None or value not in options:
        return None
    i = list(options).index(value)
    nxt: dict[str, dict | None] = {}
    for side, j in (("left", i - 1), ("right", i + 1)):
        if 0 <= j < len(options):
            try:
                nxt[side] = shown(views.headline_metrics(
                    data.evaluate(ctx.scenario.replace(tokens_per_month=float(options[j])))))
            except ValueError:
                nxt[side] = None
    return {"slider": SLIDER_ROW, "headline": HEADLINE, "verdict": VERDICT, "index": i,
            "current": shown(views.headline_metrics(ctx.result)), "next": nxt}


def mount(ctx: views.Context) -> None:
    """Mount the component with this run's :func:`payload` (nothing when there is none)."""
    state = st.session_state
    value = state.get(inputs.VOLUME_STEP_KEY)
    options = inputs.slider_options(state.get(inputs.VOLUME_KEY))
    d = payload(ctx, options, value)
    if d is None:
        return
    # the run's number: new data on every run of the main area, so that every run re-mounts the
    # component and its mount re-checks the boxes
    d["run"] = state.get(RUNS_KEY, 0)
    _INSTANT(key=INSTANT_KEY, data=d, height=0)

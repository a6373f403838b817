"""A session's first load comes in three paints, so the numbers come first.

Why: Streamlit's frontend holds back a render until the code of every lazily loaded element in it
has loaded and run. The Plotly chart's code is a 4.7 MB bundle that takes a second or more to
parse on a small machine; the slider's, the sidebar's and the tabs' code cost a few tenths more. Drawn all in
one run, the verdict and the headline numbers appeared 4.3-4.8 s after navigation on the 2-core
test machine, against 1.5-1.7 s for a one-metric Streamlit page
(``python -m tco.ui.bench_page --first-load`` measures both, in the same run).

How: each run of a session is at a :func:`stage`:

- ``TOP`` (the first run): the heading, the verdict and the headline metrics, with the room the
  volume slider will take;
- ``PAGE``: also the volume controls, the sidebar and the tabs, with a placeholder of each chart's
  (and the CFO view's table's) height, so nothing moves when they arrive;
- ``FULL``: everything.

Below ``FULL`` an invisible component (:data:`_PROBE`, ``st.components.v2``: no iframe, no network)
waits until the browser has painted the run, then sends one trigger that reruns the script at the
next stage. The probe that asks for ``FULL`` also imports Streamlit's own Plotly chunk, so its parse
overlaps the round trip (the chart's lazy import then finds it loaded; a failed import changes
nothing). Any run the probe did not cause (a slider move, or a probe that never ran) is ``FULL``.
Headless AppTest never paints: tests start sessions painted (``tests/pages.py``) or check the
stages themselves.
"""

from __future__ import annotations

import functools
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import streamlit as st

TOP, PAGE, FULL = 0, 1, 2
PAINTS_KEY = "_paints"        # session: stages the browser has painted and reported
RUNS_KEY = "_runs_done"       # session: runs finished so far
PROBE_KEY = "_first_paint_probe"
FALLBACK_SECONDS = 3.0        # [s] a page still at its first stage this long reruns whole
PLACEHOLDER_TEXT = "Drawing the chart…"

# requestAnimationFrame runs just before the next paint, the timeout right after it.
_PROBE_JS = """
export default function ({ data, setTriggerValue }) {
  requestAnimationFrame(() => setTimeout(() => {
    setTriggerValue("painted", true);
    if (data && data.plotly) import(new URL(data.plotly, document.baseURI).href).catch(() => {});
  }, 0));
}
"""

_PROBE = st.components.v2.component("tco_first_paint", js=_PROBE_JS)


def _state(state: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
    return st.session_state if state is None else state


def stage(state: MutableMapping[str, Any] | None = None) -> int:
    """What this run may draw: ``TOP``, ``PAGE`` or ``FULL`` (see the module docstring).

    Every run after the first was caused either by a paint report or by something else; a run
    that the reports do not account for (more runs done than paints reported) is ``FULL``."""
    state = _state(state)
    paints, runs = state.get(PAINTS_KEY, 0), state.get(RUNS_KEY, 0)
    return FULL if runs > paints else min(paints, FULL)


def ready(state: MutableMapping[str, Any] | None = None) -> bool:
    """True when charts (and other heavy elements) may be drawn in this run."""
    return stage(state) == FULL


def mark_painted(stages: int = FULL, state: MutableMapping[str, Any] | None = None) -> None:
    """The browser has painted ``stages`` stages (the probe's callback; tests call it too)."""
    state = _state(state)
    state[PAINTS_KEY] = max(state.get(PAINTS_KEY, 0), stages)


def placeholder(height: int, text: str | None = PLACEHOLDER_TEXT) -> None:
    """Where an element will be, at its height, so nothing below moves when it arrives."""
    with st.container(height=int(height), border=False):
        if text:
            st.caption(text)


def finish_run() -> None:
    """End of every run: below ``FULL``, mount the probe that asks for the next stage; count the run."""
    state = st.session_state
    now = stage(state)
    if now < FULL:
        _PROBE(key=f"{PROBE_KEY}_{now}", data={"plotly": _plotly_chunk() if now + 1 == FULL else None},
               on_painted_change=functools.partial(mark_painted, now + 1), height=0)
    if now == TOP:  # the top of the page has no control to rerun with, should the probe never report
        _fallback()
    state[RUNS_KEY] = state.get(RUNS_KEY, 0) + 1


@st.fragment(run_every=FALLBACK_SECONDS)
def _fallback() -> None:
    """Streamlit's own timer: if the page is still at its first stage when it fires, rerun the
    whole script (a run no report caused is ``FULL``). After the probe has reported, the page's
    runs no longer draw this fragment and its timer stops."""
    state = st.session_state
    # in the first run itself the stage is TOP; on the timer's run, one run is done and no report
    if stage(state) == FULL and state.get(PAINTS_KEY, 0) == TOP:
        st.rerun(scope="app")


@st.cache_resource(show_spinner=False)
def _plotly_chunk() -> str | None:
    """The relative URL of the Plotly chart chunk Streamlit serves, or None if not found."""
    js = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(js.glob("PlotlyChart.*.js"))
    return f"static/js/{found[0].name}" if len(found) == 1 else None

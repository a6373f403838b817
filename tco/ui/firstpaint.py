"""Charts wait for the browser's first paint of a session, so the numbers come first.

Why: Streamlit's frontend holds back a render until every lazily loaded widget it contains has
loaded, and the Plotly chart's code is a 4.7 MB bundle that takes a second or more to parse on a
small machine. With a chart in the first run, the verdict and the headline metrics appeared with
it, 4.3-4.8 s after navigation on the 2-core test machine; without it they appear about 1.5 s
sooner (``python -m tco.ui.bench_page --first-load`` measures both).

How: the first run of a session draws a placeholder of the chart's height instead of each chart
(and of the CFO view's table, whose grid code is heavy too),
and an invisible component (:data:`_PROBE`, ``st.components.v2``, no iframe, no network) whose
script, once the browser has painted the page, sends one trigger that reruns the script; that and
every later run draw the charts. Any other rerun (a slider move) draws them too, so a browser that
never runs the probe still gets its charts on the first interaction. Headless AppTest never paints:
tests mark the session painted with :func:`mark_painted` or look at the placeholders.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st

PAINTED_KEY = "_painted"      # session: the browser has painted a run, or a second run happened
RUNS_KEY = "_runs_done"       # session: runs finished so far
PROBE_KEY = "_first_paint_probe"
PLACEHOLDER_TEXT = "Drawing the chart…"

# Fires once after the next paint (requestAnimationFrame runs before the paint, the timeout after
# it); the rerun it causes draws the charts. ``data.plotly`` is the URL of Streamlit's own Plotly
# chunk: importing it while the rerun is on its way overlaps the parse with the round trip (the
# chart's lazy import then finds the module loaded). A failed import changes nothing.
_PROBE_JS = """
export default function ({ data, setTriggerValue }) {
  requestAnimationFrame(() => setTimeout(() => {
    setTriggerValue("painted", true);
    if (data && data.plotly) import(new URL(data.plotly, document.baseURI).href).catch(() => {});
  }, 0));
}
"""

_PROBE = st.components.v2.component("tco_first_paint", js=_PROBE_JS)


def ready(state: MutableMapping[str, Any] | None = None) -> bool:
    """True when charts may be drawn in this run: the browser has painted, or this is not the
    session's first run."""
    state = st.session_state if state is None else state
    return bool(state.get(PAINTED_KEY)) or state.get(RUNS_KEY, 0) > 0


def mark_painted(state: MutableMapping[str, Any] | None = None) -> None:
    state = st.session_state if state is None else state
    state[PAINTED_KEY] = True


def placeholder(height: int, text: str = PLACEHOLDER_TEXT) -> None:
    """Where a chart (or table) will be, at its height, so nothing below moves when it arrives."""
    with st.container(height=int(height), border=False):
        st.caption(text)


def finish_run() -> None:
    """End of every run: count it, and in a session's first run mount the probe (once)."""
    state = st.session_state
    if not ready(state):
        _PROBE(key=PROBE_KEY, data={"plotly": _plotly_chunk()}, on_painted_change=mark_painted,
               height=0)
    state[RUNS_KEY] = state.get(RUNS_KEY, 0) + 1


@st.cache_resource(show_spinner=False)
def _plotly_chunk() -> str | None:
    """The relative URL of the Plotly chart chunk Streamlit serves, or None if not found."""
    from pathlib import Path
    js = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(js.glob("PlotlyChart.*.js"))
    return f"static/js/{found[0].name}" if len(found) == 1 else None

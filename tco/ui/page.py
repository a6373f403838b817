"""One run of the page: URL -> widgets -> Scenario -> engine -> sections -> URL.

:func:`start` seeds the inputs from the URL; :func:`render_page` draws the full page: the heading,
the main area (:func:`main_area`, a fragment: the volume row, :func:`render_full`'s numbers and
tabs, the link in the address bar) and the sidebar; the CFO view evaluates with :func:`context`;
:func:`finish` ends every run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import streamlit as st

from tco.ui import bills, data, firstpaint, inputs, instant, plans_view, serving, share_view, uncertainty_view, views
from tco.ui.fmt import md

TAB_KEY = "_section"


def import_bills(ctx: views.Context) -> None:
    """The "Import bills" tab: uploads, monthly table, baseline, repricing (tco/ui/bills.py)."""
    bills.render(ctx.scenario)


#: The tabs of the full page: (title, render(ctx)). Add a section with one line here.
SECTIONS = [("Plans", plans_view.render), *views.SECTIONS, ("How sure", uncertainty_view.render),
            ("Import bills", import_bills),
            ("Share & report", share_view.render)]
VOLUME_ROW_HEIGHT = 68  # [px] the volume slider's row at 1440 px wide (measured in Chromium)


def start() -> str | None:
    """Every run: uploads stay in memory, the URL seeds the inputs (first run); the view asked for."""
    state = st.session_state
    serving.keep_uploads_in_memory()  # before any upload: uploads never touch the disk
    inputs.seed_from_url(state, inputs.query_mapping(st.query_params))
    return state.get(inputs.VIEW_KEY)


def context() -> views.Context:
    """The Scenario of the inputs' values (in ``st.session_state`` before the run: Streamlit puts
    them there and the callbacks ran, whichever widget is drawn first) and its evaluation."""
    state = st.session_state
    values = inputs.current_values(state)
    s, error = inputs.build_scenario(values)
    result = None
    if s is not None:
        try:
            result = data.evaluate(s)
        except ValueError as e:  # incl. capacity.DoesNotFit: the engine's message, as plain text
            error = str(e)
    return views.Context(values=values, scenario=s, result=result, error=error,
                         baseline=state.get(inputs.BASELINE_KEY), view=state.get(inputs.VIEW_KEY))


FULL_RUN_KEY = "_page_full_run"   # set by a run of the whole page just before its main area
SIDEBAR_DRAWN_KEY = "_sidebar_drawn"  # the sidebar's values as its last draw showed them


def render_page(sections: Sequence[tuple[str, Callable[[views.Context], None]]]) -> None:
    """The full page: heading and notices, the main area (:func:`main_area`), then the sidebar.

    The main area (volume row, verdict, headline, tabs, recommended plan) is a fragment: a volume
    keypress or a tab change reruns it alone, so the heading and the sidebar's inputs are not
    re-sent (``python -m tco.ui.bench_page --keypress``). A change in the sidebar reruns the
    whole page. The sidebar is drawn after the main area, so that the numbers go out first."""
    state = st.session_state
    st.markdown("## Self-host an open model, or keep paying the API?")
    views.render_notices(state.get(inputs.NOTICES_KEY, ()))
    cleared = state.pop(inputs.CLEARED_KEY, None)  # set by a model box's callback this run
    if cleared:
        st.info(md(cleared), icon=":material/cleaning_services:")
    drawn = firstpaint.stage() >= firstpaint.PAGE  # the first run paints the numbers alone
    if drawn:
        inputs.keep_values(state)
    state[FULL_RUN_KEY] = True
    main_area(sections)
    if drawn:
        inputs.sidebar()
        state[SIDEBAR_DRAWN_KEY] = _sidebar_values(state)


def _sidebar_values(state) -> tuple:
    """What the sidebar shows: every input but those of the main area."""
    return tuple(repr(state.get(k)) for k in inputs.FIELDS if k not in inputs.MAIN_AREA)


def _sidebar_stale(state) -> bool:
    """True when something in the main area (an applied bill, a callback) changed an input the
    sidebar shows since it was drawn: the whole page must rerun to show it."""
    drawn = state.get(SIDEBAR_DRAWN_KEY)
    return drawn is not None and drawn != _sidebar_values(state)


@st.fragment
def main_area(sections: Sequence[tuple[str, Callable[[views.Context], None]]]) -> None:
    """Volume row, verdict, headline, tabs and the recommended plan; the link in the address bar.
    Runs inside every run of the page and on its own when one of its widgets changes."""
    state = st.session_state
    own_run = not state.pop(FULL_RUN_KEY, False)
    if own_run and _sidebar_stale(state):
        st.rerun(scope="app")
    state[instant.RUNS_KEY] = state.get(instant.RUNS_KEY, 0) + 1
    controls = None
    if firstpaint.stage() >= firstpaint.PAGE:
        controls = functools.partial(_draw_volume, st.container(key=instant.SLIDER_ROW))
    else:  # the slider's code held back the first paint by ~0.25 s: its row's room until then
        firstpaint.placeholder(VOLUME_ROW_HEIGHT, None)
    ctx = context()
    if controls is not None:
        ctx.extras["controls"] = controls
    render_full(ctx, sections)
    if ctx.scenario is not None:
        inputs.write_url(st.query_params, ctx.scenario, ctx.baseline, ctx.view)
    if own_run and _sidebar_stale(state):  # e.g. a bill applied in the Import bills tab
        st.rerun(scope="app")


def _draw_volume(volume_row) -> None:
    """The volume row, in its place above the numbers."""
    with volume_row:
        inputs.volume_controls()


def render_full(ctx: views.Context, sections: Sequence[tuple[str, Callable[[views.Context], None]]]) -> None:
    """Verdict, headline metrics, the volume row, one tab per section (only the open one is computed;
    none in a session's first run: tco/ui/firstpaint.py), then the recommended plan (at the top)
    and the draws' bands (in the headline's help)."""
    if ctx.error:
        views.render_rejected(ctx)
    # the recommended plan heads the page, but the plan search (~13 ms) runs once the numbers,
    # the inputs and the open tab are on their way: its place is kept by an empty container
    top = st.container()
    with st.container(key=instant.VERDICT):
        views.render_verdict(ctx)
    with st.container(key=instant.HEADLINE):
        add_band = views.render_headline(ctx)
    controls = ctx.extras.get("controls")
    if controls is not None:   # the volume row, once the numbers are on their way
        controls()
    if firstpaint.stage() >= firstpaint.PAGE:  # the first run paints the numbers alone
        titles = [t for t, _ in sections]
        tabs = st.tabs(titles, key=TAB_KEY, on_change="rerun")
        for tab, (_title, render) in zip(tabs, sections):
            if tab.open is False:
                continue
            with tab:
                render(ctx)
    # the browser draws the tab's charts while the server searches the plans and runs the draws
    with top:
        plans_view.render_recommendation(ctx.scenario)
    if firstpaint.stage() >= firstpaint.PAGE and ctx.result is not None:
        # the draws' P10-P90 go into the NPV's and break-even's help (cached; the How sure tab
        # shows them in full), after everything else is sent; not in the first paint
        try:
            add_band(uncertainty_view.run(ctx.scenario))
        except ValueError:
            pass
    if controls is not None:   # the slider is on the page
        # last: the numbers at the slider's next stops, written the moment an arrow key moves it
        instant.mount(ctx)


def finish(ctx: views.Context | None = None) -> None:
    """Keep the address bar a valid link to the CFO view's scenario (the full page's main area
    writes its own); count the run (charts wait for the first paint: tco/ui/firstpaint.py)."""
    if ctx is not None and ctx.scenario is not None:
        inputs.write_url(st.query_params, ctx.scenario, ctx.baseline, ctx.view)
    if firstpaint.stage() == firstpaint.FULL:   # imports and caches of a whole page are in place
        serving.freeze_heap_once()
    firstpaint.finish_run()

"""One run of the page: URL -> widgets -> Scenario -> engine -> sections -> URL.

:func:`prepare` draws the inputs and evaluates; :func:`render_full` draws the top of the page and
the sections as tabs (only the open tab runs); :func:`finish` writes the link into the address bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from tco.ui import data, firstpaint, inputs, plans_view, serving, views
from tco.ui.fmt import md, text

TAB_KEY = "_section"
VOLUME_ROW_HEIGHT = 68  # [px] the volume slider's row at 1440 px wide (measured in Chromium)


def prepare() -> views.Context:
    """Seed from the URL (first run), draw the inputs (the sidebar from the second paint on),
    build the Scenario and evaluate it.

    In the CFO view (``?view=cfo``) no input is drawn: the values the link seeded into
    ``st.session_state`` are read as they are, and the view draws its own heading and notices."""
    state = st.session_state
    serving.keep_uploads_in_memory()  # before any upload: uploads never touch the disk
    inputs.seed_from_url(state, inputs.query_mapping(st.query_params))
    if state.get(inputs.VIEW_KEY) != "cfo":  # the CFO view is read-only: it draws no inputs
        controls = firstpaint.stage() >= firstpaint.PAGE  # the first run paints the numbers alone
        if controls:
            inputs.sidebar()
        st.markdown("## Self-host an open model, or keep paying the API?")
        views.render_notices(state.get(inputs.NOTICES_KEY, ()))
        cleared = state.pop(inputs.CLEARED_KEY, None)  # set by a model box's callback this run
        if cleared:
            st.info(md(cleared), icon=":material/cleaning_services:")
        if controls:
            inputs.volume_controls()
        else:  # the slider's code held back the first paint by ~0.25 s: its row's room until then
            firstpaint.placeholder(VOLUME_ROW_HEIGHT, None)
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


def render_full(ctx: views.Context, sections: Sequence[tuple[str, Callable[[views.Context], None]]]) -> None:
    """Verdict, headline metrics, then one tab per section (only the open one is computed; none
    in a session's first run: tco/ui/firstpaint.py)."""
    if ctx.error:
        views.render_rejected(ctx)
    # the recommended plan heads the page, but the plan search (~13 ms) runs after the numbers
    # are on their way: its place is kept by an empty container
    top = st.container()
    views.render_verdict(ctx)
    add_band = views.render_headline(ctx)
    with top:
        plans_view.render_recommendation(ctx.scenario)
    if firstpaint.stage() >= firstpaint.PAGE and ctx.result is not None:
        # the draws' P10-P90 go into the NPV's and break-even's help (cached; the How sure tab
        # shows them in full), after the numbers and the plan are sent; not in the first paint
        from tco.ui import uncertainty_view
        try:
            add_band(uncertainty_view.run(ctx.scenario))
        except ValueError:
            pass
    if firstpaint.stage() < firstpaint.PAGE:  # the first run paints the numbers alone
        return
    titles = [t for t, _ in sections]
    tabs = st.tabs(titles, key=TAB_KEY, on_change="rerun")
    for tab, (_title, render) in zip(tabs, sections):
        if tab.open is False:
            continue
        with tab:
            render(ctx)


def finish(ctx: views.Context) -> None:
    """Keep the address bar a valid link to the scenario on the page; count the run (charts wait
    for the first paint: tco/ui/firstpaint.py)."""
    if ctx.scenario is not None:
        inputs.write_url(st.query_params, ctx.scenario, ctx.baseline, ctx.view)
    firstpaint.finish_run()

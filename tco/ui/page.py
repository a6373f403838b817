"""One run of the page: URL -> widgets -> Scenario -> engine -> sections -> URL.

:func:`prepare` draws the inputs and evaluates; :func:`render_full` draws the top of the page and
the sections as tabs (only the open tab runs); :func:`finish` writes the link into the address bar.
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


def prepare() -> views.Context:
    """Seed from the URL (first run), build the Scenario and evaluate it; keep the inputs' places.

    The inputs (the sidebar and the volume row) are drawn by ``ctx.extras["controls"]``, which
    :func:`render_full` calls once the headline numbers are sent: the inputs' ~30 elements went
    out first and held the numbers back after every keypress (``python -m tco.ui.bench_page
    --keypress``). Their values are already in ``st.session_state`` before the run (Streamlit puts
    them there, and the callbacks ran), so the numbers do not depend on that order.

    In the CFO view (``?view=cfo``) no input is drawn: the values the link seeded into
    ``st.session_state`` are read as they are, and the view draws its own heading and notices."""
    state = st.session_state
    serving.keep_uploads_in_memory()  # before any upload: uploads never touch the disk
    inputs.seed_from_url(state, inputs.query_mapping(st.query_params))
    controls = None
    if state.get(inputs.VIEW_KEY) != "cfo":  # the CFO view is read-only: it draws no inputs
        st.markdown("## Self-host an open model, or keep paying the API?")
        views.render_notices(state.get(inputs.NOTICES_KEY, ()))
        cleared = state.pop(inputs.CLEARED_KEY, None)  # set by a model box's callback this run
        if cleared:
            st.info(md(cleared), icon=":material/cleaning_services:")
        if firstpaint.stage() >= firstpaint.PAGE:  # the first run paints the numbers alone
            inputs.keep_values(state)
            controls = functools.partial(_draw_controls, st.container(key=instant.SLIDER_ROW))
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
    extras = {} if controls is None else {"controls": controls}
    return views.Context(values=values, scenario=s, result=result, error=error,
                         baseline=state.get(inputs.BASELINE_KEY), view=state.get(inputs.VIEW_KEY), extras=extras)


def _draw_controls(volume_row) -> None:
    """The volume row (in its place above the numbers) and the sidebar."""
    with volume_row:
        inputs.volume_controls()
    inputs.sidebar()


def render_full(ctx: views.Context, sections: Sequence[tuple[str, Callable[[views.Context], None]]]) -> None:
    """Verdict, headline metrics, the inputs, one tab per section (only the open one is computed;
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
    if controls is not None:   # the inputs, once the numbers are on their way
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


def finish(ctx: views.Context) -> None:
    """Keep the address bar a valid link to the scenario on the page; count the run (charts wait
    for the first paint: tco/ui/firstpaint.py)."""
    if ctx.scenario is not None:
        inputs.write_url(st.query_params, ctx.scenario, ctx.baseline, ctx.view)
    if firstpaint.stage() == firstpaint.FULL:   # imports and caches of a whole page are in place
        serving.freeze_heap_once()
    firstpaint.finish_run()

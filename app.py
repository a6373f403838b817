"""The dashboard: slide the volume, see the crossover and the payback.

Run: ``streamlit run app.py``. This file only wires the page together: URL -> widgets ->
Scenario -> engine -> sections (tco/ui/). Add a section with one line in ``SECTIONS``.
"""

from __future__ import annotations

import time

import streamlit as st

from tco.ui import bills, page, plans_view, share_view, uncertainty_view, views


def import_bills(ctx: views.Context) -> None:
    """The "Import bills" tab: uploads, monthly table, baseline, repricing (tco/ui/bills.py)."""
    bills.render(ctx.scenario)


#: The tabs of the full page: (title, render(ctx)).
SECTIONS = [("Plans", plans_view.render), *views.SECTIONS, ("How sure", uncertainty_view.render),
            ("Import bills", import_bills),
            ("Share & report", share_view.render)]


def render_cfo(ctx: views.Context) -> None:
    """The CFO view (``?view=cfo``): read-only, one screen (tco/ui/share_view.py)."""
    share_view.render_cfo(ctx)


def main() -> None:
    started = time.perf_counter()
    # an emoji favicon is drawn in the page; a Material one is fetched from fonts.gstatic.com
    # (tests/browser check that nothing leaves the machine)
    st.set_page_config(page_title="LLM self-hosting TCO", page_icon="🧮", layout="wide",
                       initial_sidebar_state="auto")  # auto: closed on a phone, open on a laptop
    ctx = page.prepare()
    if ctx.view == "cfo":
        render_cfo(ctx)
    else:
        page.render_full(ctx, SECTIONS)
    page.finish(ctx)
    # the script's own run time, read by tco/ui/bench_page.py
    st.session_state["_run_ms"] = (time.perf_counter() - started) * 1e3


main()

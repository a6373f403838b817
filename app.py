"""The dashboard: slide the volume, see the crossover and the payback.

Run: ``streamlit run app.py``. This file only wires the page together: URL -> widgets ->
Scenario -> engine -> sections (tco/ui/). The tabs: ``tco.ui.page.SECTIONS`` (one line each).
"""

from __future__ import annotations

import time

import streamlit as st

from tco.ui import page, share_view, views


def render_cfo(ctx: views.Context) -> None:
    """The CFO view (``?view=cfo``): read-only, one screen (tco/ui/share_view.py)."""
    share_view.render_cfo(ctx)


def main() -> None:
    started = time.perf_counter()
    # an emoji favicon is drawn in the page; a Material one is fetched from fonts.gstatic.com
    # (tests/browser check that nothing leaves the machine)
    st.set_page_config(page_title="LLM self-hosting TCO", page_icon="🧮", layout="wide",
                       initial_sidebar_state="auto")  # auto: closed on a phone, open on a laptop
    if page.start() == "cfo":
        ctx = page.context()
        render_cfo(ctx)
        page.finish(ctx)
    else:
        page.render_page(page.SECTIONS)
        page.finish()
    # the script's own run time, read by tco/ui/bench_page.py
    st.session_state["_run_ms"] = (time.perf_counter() - started) * 1e3


main()

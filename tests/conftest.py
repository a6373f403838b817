"""Fixtures shared by every test module: one headless Chromium per test session.

Playwright's sync API runs its own event loop; two ``sync_playwright()`` blocks alive in one
process conflict, so every browser test (page, report, share) uses this one session browser.
Debian's Chromium at /usr/bin/chromium; never ``playwright install``.
"""

from __future__ import annotations

import pytest

from chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium


@pytest.fixture(autouse=True)
def _clear_streamlit_cache():
    """st.cache_data survives across AppTest instances in one process: start each test clean."""
    import streamlit as st
    st.cache_data.clear()
    yield


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()

"""Fixtures shared by every test module: one headless Chromium per test session.

Playwright's sync API runs its own event loop; two ``sync_playwright()`` blocks alive in one
process conflict, so every browser test (page, report, share) uses this one session browser.
Debian's Chromium at /usr/bin/chromium; never ``playwright install``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import Phase, settings

from chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium

# CI draws the same examples on every run (a fresh machine has no example database, so a random
# draw could find a new edge case on one run and not the next); local runs keep exploring new
# examples each time. A case a local run finds becomes a named test.
settings.register_profile("ci", derandomize=True)
# Mutation runs (scripts/mutation.sh) only need to know whether a mutant fails: no shrinking of the
# failing example (it took minutes per killed mutant) and fewer examples per property
settings.register_profile("mutation", derandomize=True, max_examples=40,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
if os.environ.get("TCO_MUTATION"):
    settings.load_profile("mutation")
elif os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _fresh_engine_caches():
    """Under mutmut (scripts/mutation.sh) each mutant's tests run in a process forked from one that
    has already run the tests, so every ``functools.cache`` of the engine (the calibration, the
    validation, the error bands, the catalogs) holds the unmutated answer and a mutant in cached
    code is never executed: 0 of 119 capacity validation mutants were killed. Cleared once per
    run of the tests."""
    if os.environ.get("TCO_MUTATION"):
        import sys
        for name, module in list(sys.modules.items()):
            if name == "tco" or name.startswith("tco."):
                for value in list(vars(module).values()):
                    if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == name:
                        value.cache_clear()
    yield


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

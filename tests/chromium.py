"""Debian's Chromium for the browser tests: where it is, how to launch it, and what to do without it."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    """Skip without Chromium, or fail when REQUIRE_BROWSER=1 (CI: browser tests must run)."""
    if not os.access(CHROMIUM, os.X_OK):
        msg = f"{CHROMIUM} not found (install Debian's chromium package)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)


@functools.cache
def screenshots_dir() -> Path:
    """Where the tests save the screenshots they take: a temporary folder, so that a test run never
    rewrites a tracked file. scripts/screenshots.sh sets TCO_SCREENSHOTS=docs/screenshots to make
    the README's pictures from the same tests."""
    chosen = os.environ.get("TCO_SCREENSHOTS")
    path = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="tco-screenshots-"))
    path.mkdir(parents=True, exist_ok=True)
    return path

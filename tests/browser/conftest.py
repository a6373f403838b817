"""End-to-end fixtures: the real app on a free port, driven by Playwright with Debian's Chromium.

Pattern from streamlit's own e2e_playwright/conftest.py: start ``streamlit run`` with its output
in a temporary file (a pipe can deadlock), poll ``/_stcore/health`` until "ok", then wait for the
app to be connected and a known element to render. Never runs ``playwright install``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
from chromium import require_chromium, screenshots_dir

#: a temporary folder unless scripts/screenshots.sh asks for docs/screenshots (tests/chromium.py)
SCREENSHOTS = screenshots_dir()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_require_chromium = require_chromium


def serve(script: Path, env: dict | None = None, prefix: tuple[str, ...] = (), args: tuple[str, ...] = ()):
    """``streamlit run script`` on a free port until the generator is closed; yields its URL.
    ``prefix``: a command the server runs under (e.g. strace); ``args``: more streamlit options."""
    _require_chromium()
    port = _free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *args],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
        start_new_session=True)   # its own process group: a prefix's child (strace's) is stopped with it
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + (90 if prefix else 30)
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"streamlit did not start:\n{log.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        # the whole group: terminating strace alone detached it from a server that then ran on
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=10)
        _signal_group(proc, signal.SIGKILL)   # anything of the group still there
        log.close()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:   # the group is gone already
        pass


@pytest.fixture(scope="session")
def app_url():
    yield from serve(ROOT / "app.py")


@pytest.fixture()
def page(browser):
    """A fresh context (no shared state) at a laptop-sized viewport; records every request URL."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.requests = []
    pg.on("request", lambda req: pg.requests.append(req.url))
    yield pg
    context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Connected, script finished, and a headline metric rendered."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
                           timeout=timeout)


def open_tab(page, name: str, timeout: float = 30_000) -> None:
    """Click the tab ``name`` until it is the selected one. A click while the first paint's stages
    are still being drawn can land on tabs that are replaced a moment later and be lost (a CI run
    waited 30 s for the Share tab's link); the click is repeated until the tab says it is selected."""
    tab = page.get_by_role("tab", name=name)
    for _ in range(int(timeout / 2_000)):
        tab.click()
        try:
            page.wait_for_function(
                "(name) => [...document.querySelectorAll('[role=tab][aria-selected=true]')]"
                ".some(t => t.textContent.trim() === name)", arg=name, timeout=2_000)
            return
        except Exception:  # Playwright's TimeoutError: click again
            continue
    raise AssertionError(f"the tab {name!r} never opened")

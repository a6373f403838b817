"""How long one run of the page's script takes when the volume slider moves (headless, AppTest).

Run: ``python -m tco.ui.bench_page [runs]``. Prints the median and quartiles in ms. This is the
script's own run (widgets, engine, figures, serialisation to protobuf), not the browser's drawing.

``python -m tco.ui.bench_page --first-load [loads]`` measures the first load in a browser: the real
server and Debian's headless Chromium (Playwright), time from navigation to the first headline
metric, and the renderer's JavaScript time (Chrome's Performance.getMetrics), for this page and, in
the same run, for a one-metric Streamlit page as the floor of what any Streamlit page costs here.
Numbers go to the terminal, never into a timed test.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def run(n: int = 30, section: str | None = None) -> tuple[list[float], list[float]]:
    """(script run times as app.py measures them, AppTest round-trip times) in ms."""
    from streamlit.testing.v1 import AppTest

    from tco.ui.inputs import VOLUME_STEP_KEY, VOLUME_STEPS
    at = AppTest.from_file(str(APP), default_timeout=60)
    if section:
        at.session_state["_section"] = section
    at.run()  # first run: imports, catalogs, caches
    assert not at.exception, at.exception
    times, script = [], []
    for i in range(-5, n):  # 5 warm-up moves (Plotly validators, caches), then n measured ones
        value = VOLUME_STEPS[(10 + i) % len(VOLUME_STEPS)]  # a fresh volume most of the time
        slider = at.select_slider(key=VOLUME_STEP_KEY).set_value(value)
        t = time.perf_counter()
        slider.run()
        elapsed = (time.perf_counter() - t) * 1e3
        assert not at.exception, at.exception
        if i >= 0:
            times.append(elapsed)
            script.append(float(at.session_state["_run_ms"]))
    return script, times


TRIVIAL_PAGE = 'import streamlit as st\nst.markdown("## Floor")\nst.metric("One metric", "1")\n'


def first_load(app: Path, loads: int = 5, chromium: str = "/usr/bin/chromium") -> list[dict[str, float]]:
    """Load ``app`` ``loads`` times, each in a fresh browser context; the first load also warms
    the server's caches. Returns per load: seconds to the first metric and the renderer's
    JavaScript (ScriptDuration) and total task time (TaskDuration), in seconds."""
    import socket
    import subprocess
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port), "--server.headless",
         "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=str(APP.parent), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        out = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            for _ in range(loads):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                t = time.perf_counter()
                page.goto(url)
                page.get_by_test_id("stMetricValue").first.wait_for(timeout=120_000)
                wall = time.perf_counter() - t
                m = {x["name"]: x["value"] for x in cdp.send("Performance.getMetrics")["metrics"]}
                out.append({"seconds": wall, "script_s": m["ScriptDuration"], "task_s": m["TaskDuration"]})
                context.close()
            browser.close()
        return out
    finally:
        server.terminate()
        server.wait(timeout=10)


def main_first_load(loads: int) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        floor_app = Path(tmp) / "floor.py"
        floor_app.write_text(TRIVIAL_PAGE)
        for name, app in (("this page", APP), ("one-metric Streamlit page", floor_app)):
            runs = first_load(app, loads)[1:]  # the first load warms the server
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(f"first load, {name:26} median {med['seconds']:.2f} s to the first metric "
                  f"(browser JavaScript {med['script_s']:.2f} s, all renderer tasks {med['task_s']:.2f} s) "
                  f"[{len(runs)} warm loads]")


def main(argv: list[str]) -> None:
    if len(argv) > 1 and argv[1] == "--first-load":
        main_first_load(int(argv[2]) if len(argv) > 2 else 6)
        return
    n = int(argv[1]) if len(argv) > 1 else 30
    from tco.ui.views import SECTIONS
    for title, _ in SECTIONS:
        script, times = run(n, title)
        q = statistics.quantiles(script, n=4)
        print(f"slider move, tab {title!r:24} script run median {statistics.median(script):4.0f} ms "
              f"(quartiles {q[0]:.0f}-{q[2]:.0f}, max {max(script):.0f}); AppTest round trip median "
              f"{statistics.median(times):.0f} ms  [{n} runs]")


if __name__ == "__main__":
    main(sys.argv)

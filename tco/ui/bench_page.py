"""How long one run of the page's script takes when the volume slider moves (headless, AppTest).

Run: ``python -m tco.ui.bench_page [runs]``. Prints the median and quartiles in ms. This is the
script's own run (widgets, engine, figures, serialisation to protobuf), not the browser's drawing.

``python -m tco.ui.bench_page --first-load [loads]`` measures the first load in a browser: the real
server and Debian's headless Chromium (Playwright), a fresh browser context per load (nothing
cached), time from navigation start to the first headline metric on screen and to the first chart
drawn, for this page, its CFO view and, in the same run and taking turns with them, a one-metric
Streamlit page: the floor of what any Streamlit page costs on the machine. Numbers go to the
terminal, never into a timed test.
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

    from tco.ui import firstpaint
    from tco.ui.inputs import VOLUME_STEP_KEY, VOLUME_STEPS
    at = AppTest.from_file(str(APP), default_timeout=60)
    firstpaint.mark_painted(firstpaint.FULL, at.session_state)  # a page the browser has drawn
    if section:
        at.session_state["_section"] = section
    at.run()  # first run: imports, catalogs, caches
    assert not at.exception, at.exception
    times, script = [], []
    for i in range(-min(5, n), n):  # 5 warm-up moves (Plotly validators, caches), then n measured ones
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

# Marks, in ms since navigation start, when an element first appears in the page.
MARKS_JS = """
window.__marks = {};
new MutationObserver(() => {
  const t = performance.now(), m = window.__marks;
  if (!m.metric && document.querySelector('[data-testid=stMetricValue]')) m.metric = t;
  if (!m.chart && document.querySelector('.js-plotly-plot .main-svg')) m.chart = t;
  if (!m.tabs && document.querySelector('[data-testid=stTab]')) m.tabs = t;
}).observe(document, {subtree: true, childList: true});
"""


def _serve(app: Path):
    import socket
    import subprocess
    import urllib.request
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port), "--server.headless",
         "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=str(APP.parent), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    return server, url


def first_load(apps: dict[str, tuple[Path, str]], loads: int = 6, chromium: str = "/usr/bin/chromium"
               ) -> dict[str, list[dict[str, float]]]:
    """Open each app ``loads`` times in a fresh browser context (cold browser cache), the apps taking
    turns so that a slower minute of the machine hits them alike. ``apps`` maps a name to (script,
    query). One load per app first warms its server. Per load: seconds from navigation start to the
    first headline metric, to the tabs and to the first drawn chart (NaN if none within 20 s), and the renderer's
    JavaScript time (Chrome's Performance.getMetrics ScriptDuration)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    servers = {name: _serve(app) for name, (app, _q) in apps.items()}
    out: dict[str, list[dict[str, float]]] = {name: [] for name in apps}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            for i in range(loads + 1):
                for name, (_app, query) in apps.items():
                    context = browser.new_context(viewport={"width": 1440, "height": 900})
                    context.add_init_script(MARKS_JS)
                    page = context.new_page()
                    cdp = context.new_cdp_session(page)
                    cdp.send("Performance.enable")
                    page.goto(servers[name][1] + query)
                    page.get_by_test_id("stMetricValue").first.wait_for(timeout=120_000)
                    try:
                        page.wait_for_function("window.__marks.chart", timeout=20_000)
                    except PlaywrightTimeout:
                        pass
                    marks = page.evaluate("window.__marks")
                    m = {x["name"]: x["value"] for x in cdp.send("Performance.getMetrics")["metrics"]}
                    if i:  # the first round warms the servers
                        out[name].append({"metric_s": marks["metric"] / 1e3,
                                          "chart_s": marks.get("chart", float("nan")) / 1e3,
                                          "tabs_s": marks.get("tabs", float("nan")) / 1e3,
                                          "script_s": m["ScriptDuration"]})
                    context.close()
            browser.close()
        return out
    finally:
        for server, _url in servers.values():
            server.terminate()
            server.wait(timeout=10)


def main_first_load(loads: int) -> None:
    import math
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        floor_app = Path(tmp) / "floor.py"
        floor_app.write_text(TRIVIAL_PAGE)
        apps = {"this page": (APP, ""), "its CFO view (?view=cfo)": (APP, "/?v=1&view=cfo"),
                "one-metric Streamlit page": (floor_app, "")}
        results = first_load(apps, loads)
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        spread = f"{min(r['metric_s'] for r in runs):.2f}-{max(r['metric_s'] for r in runs):.2f}"
        chart = "" if math.isnan(med["chart_s"]) else f", first chart drawn at {med['chart_s']:.2f} s"
        if not math.isnan(med["tabs_s"]):
            chart = f", tabs at {med['tabs_s']:.2f} s" + chart
        print(f"first load, {name:26} headline numbers at {med['metric_s']:.2f} s (range {spread}){chart}; "
              f"browser JavaScript {med['script_s']:.2f} s  [median of {len(runs)} cold-cache loads]")


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

"""How long one run of the page's script takes when the volume slider moves (headless, AppTest).

Run: ``python -m tco.ui.bench_page [runs]``. Prints the median and quartiles in ms. This is the
script's own run (widgets, engine, figures, serialisation to protobuf), not the browser's drawing.

``python -m tco.ui.bench_page --keypress [presses] [--tabs A,B] [--against CHECKOUT]`` presses an
arrow key on the volume slider in headless Chromium, on every tab (or the ones named) and, taking
turns with them, on a one-slider one-metric Streamlit page (the floor), and prints the time to the
first changed headline number and to the last DOM change, with their ratios to the floor measured
in the same run. ``--against`` measures another checkout's page in the same run as well (before
and after a change: ``git worktree add /tmp/old HEAD~1``).

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
        cwd=str(app.parent if (app.parent / ".streamlit").is_dir() else APP.parent), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


#: The floor of a keypress: a Streamlit page with one slider and one metric that shows its value.
FLOOR_SLIDER_PAGE = """import streamlit as st
steps = [float(f"{m}e{e}") for e in range(6, 11) for m in (1, 1.5, 2, 3, 5, 7)] + [1e11]
v = st.select_slider("Volume", options=steps, value=2e9)
st.metric("Volume", f"{v:,.0f}")
"""

# Keypress marks: the time of the key, of the first change of any headline number, and of the
# last DOM change after it (ms since navigation start). The numbers are read with textContent:
# innerText lays the page out, and the observer runs after every batch of DOM changes (on this
# page hundreds a keypress), so it made the page it measured slower than a person sees it.
KEYPRESS_JS = """
window.__kp = {t0: null, numbers: null, last: null, before: null};
const __values = () => [...document.querySelectorAll('[data-testid=stMetricValue]')].map(e => e.textContent).join('|');
document.addEventListener('keydown', () => {
  const k = window.__kp; k.t0 = performance.now(); k.numbers = null; k.last = null; k.before = __values();
}, true);
new MutationObserver(() => {
  const k = window.__kp;
  if (k.t0 === null) return;
  const t = performance.now();
  k.last = t;
  if (k.numbers === null && __values() !== k.before) k.numbers = t;
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""

#: No DOM change for this long [ms] after a keypress: the page has settled.
QUIET_MS = 1200


def keypress(apps: dict[str, tuple[Path, str, str | None]], presses: int = 8, chromium: str = "/usr/bin/chromium",
             viewport: tuple[int, int] = (1440, 900)) -> dict[str, list[dict[str, float]]]:
    """One arrow press on the volume slider, ``presses`` times per app, the apps taking turns
    (press by press) so that a slower moment of the machine hits them alike. ``apps`` maps a name
    to (script, query, tab to open or None). Per press: ms from the keydown to the first changed
    headline number (``numbers_ms``) and to the last DOM change before ``QUIET_MS`` of quiet
    (``settled_ms``). The first two presses of each app warm it up and are not counted."""
    from playwright.sync_api import sync_playwright

    scripts = {app for app, _q, _t in apps.values()}
    servers = {app: _serve(app) for app in scripts}
    out: dict[str, list[dict[str, float]]] = {name: [] for name in apps}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            pages = {}
            for name, (app, query, tab) in apps.items():
                context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
                context.add_init_script(KEYPRESS_JS)
                page = context.new_page()
                page.goto(servers[app][1] + query)
                _settle(page)
                if tab:
                    page.get_by_role("tab", name=tab).click()
                    _settle(page)
                slider = page.get_by_test_id("stSlider").first.get_by_role("slider")
                slider.wait_for(timeout=60_000)
                pages[name] = (page, slider)
            for i in range(presses + 2):
                for name, (page, slider) in pages.items():
                    slider.focus()
                    page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                    page.wait_for_function("window.__kp.numbers !== null", timeout=60_000)
                    page.wait_for_function(
                        f"() => window.__kp.last !== null && performance.now() - window.__kp.last > {QUIET_MS}",
                        timeout=60_000, polling=100)
                    k = page.evaluate("window.__kp")
                    if i >= 2:
                        out[name].append({"numbers_ms": k["numbers"] - k["t0"], "settled_ms": k["last"] - k["t0"]})
            browser.close()
        return out
    finally:
        for server, _url in servers.values():
            server.terminate()
            server.wait(timeout=10)


def _settle(page) -> None:
    """Loaded, connected, the script done and every first-paint stage drawn."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=120_000)
    page.wait_for_timeout(QUIET_MS)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)


def main_keypress(presses: int, tabs: list[str] | None = None, against: Path | None = None) -> None:
    """Print the keypress figures per tab (``tabs``: all of them by default). ``against``: another
    checkout of the repository (``git worktree add /tmp/old <rev>``), whose page is measured in the
    same run, taking turns with this one: a change is judged by the two, not by runs on
    different minutes (the floor itself moves between runs)."""
    import tempfile
    from tco.ui.page import SECTIONS
    titles = tabs or [title for title, _ in SECTIONS]
    with tempfile.TemporaryDirectory() as tmp:
        floor_app = Path(tmp) / "floor_slider.py"
        floor_app.write_text(FLOOR_SLIDER_PAGE)
        apps = {"one-slider one-metric page": (floor_app, "", None)}
        for title in titles:
            if against is not None:
                apps[f"{against.name}: tab {title!r}"] = (against / "app.py", "", title)
            apps[f"tab {title!r}"] = (APP, "", title)
        results = keypress(apps, presses)
    floor = {k: statistics.median(r[k] for r in results["one-slider one-metric page"]) for k in ("numbers_ms", "settled_ms")}
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in ("numbers_ms", "settled_ms")}
        print(f"keypress, {name:32} numbers {med['numbers_ms']:4.0f} ms ({med['numbers_ms'] / floor['numbers_ms']:.2f}x "
              f"the floor), settled {med['settled_ms']:4.0f} ms ({med['settled_ms'] / floor['settled_ms']:.2f}x)  "
              f"[median of {len(runs)} presses]")


def main(argv: list[str]) -> None:
    if len(argv) > 1 and argv[1] == "--first-load":
        main_first_load(int(argv[2]) if len(argv) > 2 else 6)
        return
    if len(argv) > 1 and argv[1] == "--keypress":
        import argparse
        ap = argparse.ArgumentParser(prog="python -m tco.ui.bench_page --keypress")
        ap.add_argument("presses", nargs="?", type=int, default=8)
        ap.add_argument("--tabs", help="comma-separated tab titles (default: every tab)")
        ap.add_argument("--against", type=Path, help="another checkout of the repository, measured in the same run")
        a = ap.parse_args(argv[2:])
        if a.against is not None and not (a.against / "app.py").is_file():
            ap.error(f"--against {a.against}: no app.py there")
        main_keypress(a.presses, a.tabs.split(",") if a.tabs else None, a.against)
        return
    n = int(argv[1]) if len(argv) > 1 else 30
    from tco.ui.page import SECTIONS
    for title, _ in SECTIONS:
        script, times = run(n, title)
        q = statistics.quantiles(script, n=4)
        print(f"slider move, tab {title!r:24} script run median {statistics.median(script):4.0f} ms "
              f"(quartiles {q[0]:.0f}-{q[2]:.0f}, max {max(script):.0f}); AppTest round trip median "
              f"{statistics.median(times):.0f} ms  [{n} runs]")


if __name__ == "__main__":
    main(sys.argv)

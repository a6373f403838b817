"""How long one run of the page's script takes when the volume slider moves (headless, AppTest).

Run: ``python -m tco.ui.bench_page [runs]``. Prints the median and quartiles in ms. This is the
script's own run (widgets, engine, figures, serialisation to protobuf), not the browser's drawing.
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


def main(argv: list[str]) -> None:
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

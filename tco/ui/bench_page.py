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


def run(n: int = 30) -> list[float]:
    from streamlit.testing.v1 import AppTest

    from tco.ui.inputs import VOLUME_STEP_KEY, VOLUME_STEPS
    at = AppTest.from_file(str(APP), default_timeout=60).run()  # first run: imports, catalogs, caches
    assert not at.exception, at.exception
    times = []
    for i in range(n):
        value = VOLUME_STEPS[(10 + i) % len(VOLUME_STEPS)]  # a fresh volume most of the time
        slider = at.select_slider(key=VOLUME_STEP_KEY).set_value(value)
        t = time.perf_counter()
        slider.run()
        times.append((time.perf_counter() - t) * 1e3)
        assert not at.exception, at.exception
    return times


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 30
    times = run(n)
    q = statistics.quantiles(times, n=4)
    print(f"slider move -> full script run (AppTest, {n} runs): median {statistics.median(times):.0f} ms, "
          f"quartiles {q[0]:.0f}-{q[2]:.0f} ms, max {max(times):.0f} ms")


if __name__ == "__main__":
    main(sys.argv)

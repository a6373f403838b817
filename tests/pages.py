"""Running the page headless (streamlit.testing AppTest) the same way in every page test."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl

from streamlit.testing.v1 import AppTest

from tco.ui import firstpaint

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def run_page(query: str | Mapping[str, str] | None = None, section: str | None = None,
             timeout: float = 30, painted: bool = True) -> AppTest:
    """Open app.py with a link's query (``"v=1&…"`` or a mapping) on a tab; no exception allowed.

    ``painted``: as after the browser's paints, the first run draws everything (a real browser's
    first run draws the top of the page only: tco/ui/firstpaint.py)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if painted:
        firstpaint.mark_painted(firstpaint.FULL, at.session_state)
    pairs = parse_qsl(query, keep_blank_values=True) if isinstance(query, str) else (query or {}).items()
    for k, v in pairs:
        at.query_params[k] = v
    if section:
        at.session_state["_section"] = section
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """The headline metrics shown, label -> value."""
    return {m.label: m.value for m in at.metric}

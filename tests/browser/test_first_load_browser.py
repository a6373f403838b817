"""The first load in Chromium: the numbers paint first, then the page, then the charts, each
stage asked for by the browser (tco/ui/firstpaint.py); a browser whose probe never reports still
gets the whole page from Streamlit's own fragment timer."""

from __future__ import annotations

import os
import sys

import pytest

from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import firstpaint, inputs, views
from tco.ui.page import SECTIONS

from conftest import ROOT, serve, wait_for_app

#: the page's tabs (tco.ui.page.SECTIONS)
TABS = len(SECTIONS)

pytestmark = pytest.mark.browser

#: app.py with the probe switched off, as in a browser where it never runs
NO_PROBE = f"""
import runpy, sys
sys.path.insert(0, {str(ROOT)!r})
from tco.ui import firstpaint
firstpaint._PROBE = lambda **kwargs: None
runpy.run_path({str(ROOT / "app.py")!r}, run_name="__main__")
"""


@pytest.fixture(scope="module")
def no_probe_url(tmp_path_factory):
    script = tmp_path_factory.mktemp("noprobe") / "app_without_probe.py"
    script.write_text(NO_PROBE)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    yield from serve(script, env)


def test_first_load_ends_with_the_whole_page_drawn(app_url, page):
    page.goto(app_url)
    page.get_by_test_id("stMetricValue").first.wait_for()
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_test_id("stTab").count() == TABS
    assert page.get_by_test_id("stSidebar").get_by_test_id("stExpander").count() == len(inputs.GROUPS) + 1  # + "more"
    assert page.get_by_test_id("stMain").get_by_test_id("stSlider").count() == 1
    assert not page.get_by_text(firstpaint.PLACEHOLDER_TEXT).count()  # every placeholder replaced


def test_without_the_probe_the_timer_draws_the_whole_page(no_probe_url, page):
    page.goto(no_probe_url)
    page.get_by_test_id("stMetricValue").first.wait_for()
    first_tab_count = page.get_by_test_id("stTab").count()
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    wait_for_app(page)
    expected = views.headline_values(evaluate(Scenario()))
    shown = page.get_by_test_id("stMetric").filter(has_text="Self-hosted").first
    assert shown.get_by_test_id("stMetricValue").inner_text() == expected["Self-hosted [$/mo]"]
    assert page.get_by_test_id("stTab").count() == TABS and first_tab_count in (0, TABS)
    assert page.get_by_test_id("stMain").get_by_test_id("stSlider").count() == 1

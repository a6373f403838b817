"""The "Import bills" section in headless Chromium: upload a real export through the file input,
press "Use as baseline", and see the page's headline follow the bills. Uses the server and
browser fixtures of conftest.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tco.invoices import load_files
from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import bills, views
from tco.ui.fmt import tokens

from conftest import ROOT, wait_for_app, open_tab

pytestmark = pytest.mark.browser   # the page's Import bills tab: tests/test_bills_page.py checks it is listed
USAGE = ROOT / "data" / "examples" / "openai_completions_usage.csv"
LOCAL = {"127.0.0.1", "localhost"}


def metric(page, label: str) -> str:
    return page.get_by_test_id("stMetric").filter(has_text=label).first.get_by_test_id("stMetricValue").inner_text()


def test_upload_then_use_as_baseline_moves_the_headline(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    before = metric(page, "Commercial API")
    open_tab(page, "Import bills")
    page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached", timeout=30_000)

    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(USAGE))
    use = page.get_by_role("button", name=re.compile("Use as baseline"))
    use.wait_for(timeout=60_000)
    assert page.get_by_test_id("stAlert").filter(has_text="OpenAI dashboard usage export").count() >= 1
    # the baseline shown is the importer's (independently recomputed here)
    b = load_files([(USAGE.name, USAGE.read_bytes())]).baseline
    volume = page.get_by_test_id("stMetric").filter(has_text="Monthly volume").first
    assert volume.get_by_test_id("stMetricValue").inner_text() == tokens(b["tokens_per_month"])

    wait_for_app(page)
    use.click()
    values, _ = bills.baseline_inputs(b)
    expected = views.headline_values(evaluate(Scenario(**values)))["Commercial API [$/mo]"]
    assert expected != before
    page.wait_for_function(
        """([label, want]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
             .some(m => m.innerText.includes(label) &&
                        m.querySelector('[data-testid="stMetricValue"]').innerText === want)""",
        arg=["Commercial API", expected], timeout=60_000)
    wait_for_app(page)
    assert metric(page, "Commercial API") == expected
    assert page.get_by_text(re.compile("Scenario set from the bills")).count() >= 1
    # the sidebar shows the inputs the bills set (the button is in the main area, which reruns on
    # its own: tco/ui/page.py reruns the whole page when an input of the sidebar changed)
    assert values["api_model"] != Scenario().api_model
    page.get_by_test_id("stSidebar").get_by_text(re.compile("^" + re.escape(values["api_model"]) + " vs ")).wait_for(
        timeout=30_000)
    # the scenario and the bill summary travel in the address bar
    page.wait_for_function("() => location.search.includes('bl_tokens=')", timeout=30_000)
    assert f"tokens_per_month={int(values['tokens_per_month'])}" in page.url
    # nothing left the machine: the upload went to the local server only
    from urllib.parse import urlparse
    outside = [u for u in page.requests if not (u.startswith(("data:", "blob:")) or urlparse(u).hostname in LOCAL)]
    assert not outside, outside


def test_a_bad_file_shows_its_message_in_the_browser(app_url, page, tmp_path: Path):
    page.goto(app_url)
    wait_for_app(page)
    open_tab(page, "Import bills")
    bad = tmp_path / "mystery.csv"
    bad.write_text("foo,bar\n1,2\n")
    page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached", timeout=30_000)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad))
    err = page.get_by_test_id("stAlert").filter(has_text="mystery.csv: the header (foo, bar) is not one we know")
    err.first.wait_for(timeout=60_000)
    assert page.get_by_test_id("stException").count() == 0

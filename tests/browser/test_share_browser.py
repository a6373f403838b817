"""Sharing in a real browser: the address bar is a link that a fresh browser opens to the same
numbers; the CFO view shows the engine's four numbers on one screen (screenshot
docs/screenshots/cfo.png); the downloaded HTML report opens from disk without any request
(docs/screenshots/report.png)."""

from __future__ import annotations

import html
from urllib.parse import urlparse

import pytest

from tco import share
from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import report, views

from conftest import SCREENSHOTS, wait_for_app, open_tab

pytestmark = pytest.mark.browser
LOCAL = {"127.0.0.1", "localhost"}
VIEWPORT = {"width": 1440, "height": 900}


def metrics(page) -> dict[str, str]:
    out = {}
    for m in page.get_by_test_id("stMetric").all():
        label = m.get_by_test_id("stMetricLabel").inner_text().strip()
        out[label] = m.get_by_test_id("stMetricValue").inner_text().strip()
    return out


def only_local(requests: list[str]) -> list[str]:
    """The requests that left 127.0.0.1 (should be none)."""
    return [u for u in requests if not (u.startswith(("data:", "blob:")) or urlparse(u).hostname in LOCAL)]


def test_the_address_bar_opens_the_same_numbers_in_a_fresh_browser(app_url, page, browser):
    page.goto(app_url)
    wait_for_app(page)
    before = metrics(page)
    field = page.get_by_test_id("stMain").get_by_test_id("stNumberInputField").first
    field.fill("7300000000")
    field.press("Enter")
    page.wait_for_function("() => location.search.includes('tokens_per_month=7.3e9')", timeout=30_000)
    wait_for_app(page)
    expected = views.headline_values(evaluate(Scenario(tokens_per_month=7.3e9)))
    shown = metrics(page)
    assert shown == expected and shown != before
    link = page.url

    fresh = browser.new_context(viewport=VIEWPORT)  # no cookies, no session: only the link
    try:
        other = fresh.new_page()
        requests: list[str] = []
        other.on("request", lambda req: requests.append(req.url))
        other.goto(link)
        wait_for_app(other)
        assert metrics(other) == shown
        # the exact-volume box is drawn by the run after the first paint: wait for it, then compare
        box = other.get_by_test_id("stMain").get_by_test_id("stNumberInputField").first
        other.wait_for_function("""() => { const el = document.querySelector(
            "[data-testid='stMain'] [data-testid='stNumberInputField']"); return el && el.value !== '' && el.value !== '0'; }""",
                                timeout=30_000)
        assert box.input_value() == "7300000000"
        assert not only_local(requests)
    finally:
        fresh.close()


CFO_QUERY = "v=1&tokens_per_month=1e10&staff_fte=1&view=cfo"


def test_cfo_view_shows_the_engines_four_numbers_on_one_screen(app_url, page):
    decoded = share.decode(CFO_QUERY)
    assert decoded.view == "cfo" and not decoded.notices
    r = evaluate(decoded.scenario)
    page.goto(f"{app_url}/?{CFO_QUERY}")
    wait_for_app(page)
    page.get_by_test_id("stPlotlyChart").nth(1).wait_for()
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2")

    assert metrics(page) == {h.label: h.text for h in report.headlines(r)}
    # how sure, under the payback month; the recommended plan above the verdict
    delta = page.get_by_test_id("stMetricDelta")
    assert delta.count() == 1 and delta.inner_text().strip().endswith("chance by month 18")
    assert "Recommended plan: " in page.get_by_test_id("stAlertContentSuccess").inner_text()
    text = page.get_by_test_id("stMain").inner_text()
    assert views.verdict(r) in text
    assert page.get_by_test_id("stPlotlyChart").count() == 2
    # read-only: no inputs at all, no sidebar
    for widget in ("stSlider", "stNumberInput", "stSelectbox", "stTextInput", "stRadio"):
        assert page.get_by_test_id(widget).count() == 0, widget
    assert not page.get_by_test_id("stSidebar").is_visible() if page.get_by_test_id("stSidebar").count() else True
    assert not page.get_by_test_id("stException").count()
    # the link back to the full model is the same scenario without view=cfo
    back = page.get_by_role("link", name="Open the full model").first.get_attribute("href")
    assert share.decode_link(back).scenario == decoded.scenario and share.decode_link(back).view is None
    # the case on one screen at 1440x900: the plan, the verdict, the numbers and both charts above
    # the fold (the assumptions table follows them)
    bottom = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
                           ".map(e => e.getBoundingClientRect().bottom))")
    assert bottom <= VIEWPORT["height"], bottom

    page.wait_for_timeout(500)  # let Plotly settle its layout
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "cfo.png"))
    assert not only_local(page.requests), only_local(page.requests)


def test_html_report_download_opens_offline(app_url, page, browser, tmp_path):
    query = "v=1&tokens_per_month=5e9&gpu=h200"
    r = evaluate(share.decode(query).scenario)
    page.goto(f"{app_url}/?{query}")
    wait_for_app(page)
    open_tab(page, "Share & report")
    button = page.get_by_role("button", name="HTML report")
    button.wait_for(timeout=30_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = tmp_path / "report.html"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and html.escape(views.verdict(r)) in text

    offline = browser.new_context(viewport=VIEWPORT)
    try:
        reader = offline.new_page()
        requests: list[str] = []
        reader.on("request", lambda req: requests.append(req.url))
        reader.goto(path.as_uri())
        reader.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2",
                                 timeout=30_000)
        # the cheapest path, four numbers against the API, the chance of payback within 18 months
        assert reader.locator(".headline").count() == 6
        assert reader.locator(".plan").inner_text().startswith("Recommended plan: ")
        outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]
        assert not outside, outside
        # the report a person downloads (scripts/screenshots.sh makes docs/screenshots/report.png here)
        reader.wait_for_timeout(500)  # let Plotly settle its layout
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        reader.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True,
                          clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": 2290})
    finally:
        offline.close()


def test_pdf_report_is_made_on_click_and_downloads(app_url, page):
    """The PDF button prints the report with headless Chromium, then offers the file."""
    page.goto(f"{app_url}/?v=1&tokens_per_month=5e9")
    wait_for_app(page)
    open_tab(page, "Share & report")
    page.get_by_role("button", name="Make the PDF report").click()
    download = page.get_by_role("button", name="PDF report", exact=True)
    download.wait_for(timeout=90_000)
    with page.expect_download(timeout=60_000) as info:
        download.click()
    data = open(info.value.path(), "rb").read()
    assert data.startswith(b"%PDF") and len(data) > 20_000

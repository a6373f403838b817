"""The real page in headless Chromium: it loads, the slider and the number move the numbers, a
link opens the engine's numbers, nothing is requested from outside the machine. Saves the
screenshots in docs/screenshots/."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import views

from conftest import SCREENSHOTS, wait_for_app, open_tab

pytestmark = pytest.mark.browser
LOCAL = {"127.0.0.1", "localhost"}


def metric(page, label: str) -> str:
    return page.get_by_test_id("stMetric").filter(has_text=label).first.get_by_test_id("stMetricValue").inner_text()


def wait_for_change(page, label: str, before: str, timeout: float = 30_000) -> str:
    page.wait_for_function(
        """([label, before]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
             .some(m => m.innerText.includes(label) &&
                        m.querySelector('[data-testid="stMetricValue"]').innerText !== before)""",
        arg=[label, before], timeout=timeout)
    wait_for_app(page)
    return metric(page, label)


def assert_only_local(requests: list[str]) -> None:
    assert requests, "no request recorded"
    outside = [u for u in requests if not (u.startswith(("data:", "blob:")) or urlparse(u).hostname in LOCAL)]
    assert not outside, outside


def full_screenshot(page, path) -> None:
    """The whole main area at 1440 px wide: Streamlit scrolls inside its main container, so grow
    the viewport to the main area's height for the capture (the sidebar scrolls on its own)."""
    height = page.evaluate("""() => document.querySelector('[data-testid="stMain"]').scrollHeight""")
    page.set_viewport_size({"width": 1440, "height": min(max(900, int(height) + 40), 6000)})
    page.wait_for_timeout(1500)  # let Plotly re-lay out to the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def test_slider_and_number_move_the_headline_and_nothing_leaves_the_machine(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    expected = views.headline_values(evaluate(Scenario()))
    assert metric(page, "Self-hosted") == expected["Self-hosted [$/mo]"]
    page.get_by_test_id("stPlotlyChart").first.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    full_screenshot(page, SCREENSHOTS / "dashboard.png")

    before = metric(page, "Commercial API")
    slider = page.get_by_test_id("stMain").get_by_test_id("stSlider").first.get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")  # 2B -> 3B tokens/month
    after = wait_for_change(page, "Commercial API", before)
    assert after == views.headline_values(evaluate(Scenario(tokens_per_month=3e9)))["Commercial API [$/mo]"]
    assert page.get_by_test_id("stMain").get_by_test_id("stNumberInputField").first.input_value() == "3000000000"

    field = page.get_by_test_id("stMain").get_by_test_id("stNumberInputField").first
    field.fill("12000000000")
    field.press("Enter")
    after2 = wait_for_change(page, "Commercial API", after)
    assert after2 == views.headline_values(evaluate(Scenario(tokens_per_month=1.2e10)))["Commercial API [$/mo]"]
    assert "tokens_per_month=1.2e10" in page.url  # the address bar follows the scenario
    assert_only_local(page.requests)


def test_a_link_opens_the_engines_numbers(app_url, page):
    page.goto(f"{app_url}/?v=1&tokens_per_month=5e9")
    wait_for_app(page)
    r = evaluate(Scenario(tokens_per_month=5e9))
    expected = views.headline_values(r)
    # one replica still: 2 × $3 × 730 + $200,000 × 0.5 / 12 + $500 = $13,213 a month, shown as $13.2k
    assert metric(page, "Self-hosted") == expected["Self-hosted [$/mo]"] == "$13.2k"
    assert metric(page, "Payback vs API") == "14"
    # the other tabs render, and they are what the README shows
    for title, name in (("Payback", "payback.png"), ("Sweeps", "sweeps.png"), ("Where the money goes", "money.png")):
        open_tab(page, title)
        page.get_by_test_id("stPlotlyChart").first.wait_for()
        wait_for_app(page)
        assert not page.get_by_test_id("stException").count()
        full_screenshot(page, SCREENSHOTS / name)
    assert_only_local(page.requests)


def test_hostile_link_shows_a_notice_and_no_script(app_url, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{app_url}/?tokens_per_month=nan&gpu=%3Cscript%3Ealert(1)%3C/script%3E")
    wait_for_app(page)
    alerts = page.get_by_test_id("stAlert").all_inner_texts()
    assert any("tokens_per_month" in a for a in alerts) and any("gpu" in a for a in alerts)
    assert not dialogs and not page.get_by_test_id("stException").count()
    assert metric(page, "Self-hosted") == views.headline_values(evaluate(Scenario()))["Self-hosted [$/mo]"]

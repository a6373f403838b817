"""The headline numbers change the moment an arrow key moves the volume slider (tco/ui/instant.py),
and they are the numbers the server's run then draws.

To see the page between the key and the server's answer without timing anything, the test holds
back every message from the server (Playwright's WebSocket route in front of Streamlit's stream)
while it presses the key, reads the page, then lets the messages through.
"""

from __future__ import annotations

import pytest

import pinned
from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import instant, views

from conftest import wait_for_app

pytestmark = pytest.mark.browser

VALUES = """() => Object.fromEntries([...document.querySelectorAll('.st-key-%s [data-testid=stMetric]')].map(m =>
  [m.querySelector('[data-testid=stMetricLabel] p').textContent, m.querySelector('[data-testid=stMetricValue] p').textContent]))""" % instant.HEADLINE
DELTA = """(label) => [...document.querySelectorAll('[data-testid=stMetric]')].find(m =>
  m.querySelector('[data-testid=stMetricLabel] p').textContent === label).querySelector('[data-testid=stMetricDelta]').textContent"""
OPACITY = """(sel) => [...document.querySelectorAll(sel)].map(e => getComputedStyle(e).opacity)"""
VERDICT = f".st-key-{instant.VERDICT}"
BOXES = f".st-key-{instant.HEADLINE} [data-testid=stMetric]"


class Gate:
    """Between the page and Streamlit's stream: ``hold()`` keeps the server's messages back,
    ``release()`` delivers them in order."""

    def __init__(self, page):
        self.held: list | None = None
        self.sent = 0
        page.route_web_socket("**/_stcore/stream", self._route)

    def _route(self, ws):
        server = ws.connect_to_server()
        self.page_side = ws
        ws.on_message(lambda m: (setattr(self, "sent", self.sent + 1), server.send(m)))
        server.on_message(self._from_server)

    def _from_server(self, message):
        if self.held is None:
            self.page_side.send(message)
        else:
            self.held.append(message)

    def hold(self):
        self.held = []

    def wait_sent(self, page, more_than: int) -> None:
        """Until the page has sent more than ``more_than`` messages (the slider sends its value a
        moment after the key; Playwright hands the route its messages while the page is waited on)."""
        for _ in range(200):
            if self.sent > more_than:
                return
            page.wait_for_timeout(50)
        raise AssertionError("the key's value never reached the server")

    def release(self):
        held, self.held = self.held, None
        for m in held:
            self.page_side.send(m)


def headline(volume: float) -> dict[str, str]:
    """The headline the page must show at a volume: the engine's numbers, checked first against the
    hand formulas of tests/pinned.py (V x $2.775/M, V x $0.156/M, team + GPUs x $2,190)."""
    return pinned.headline(Scenario(tokens_per_month=volume))


def open_gated(page, url: str) -> Gate:
    """The page at ``url`` behind a gate, every first-paint stage drawn, the slider there."""
    gate = Gate(page)
    page.goto(url)
    wait_for_app(page)
    page.locator(".st-key-" + instant.SLIDER_ROW).get_by_role("slider").wait_for()
    page.wait_for_timeout(500)  # the first paint's stages are all drawn
    wait_for_app(page)
    return gate


def answered(page, want: dict[str, str], undimmed: str = BOXES) -> None:
    """Wait until the boxes show ``want`` and nothing of ``undimmed`` is dimmed any more."""
    page.wait_for_function(f"(want) => JSON.stringify(({VALUES})()) === JSON.stringify(want)", arg=want, timeout=30_000)
    page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)].every(e => getComputedStyle(e).opacity === '1')", arg=undimmed,
        timeout=30_000)


@pytest.fixture()
def gated(app_url, page):
    return page, open_gated(page, app_url)


def test_an_arrow_key_shows_the_next_stops_numbers_before_the_server_answers(gated):
    page, gate = gated
    assert page.evaluate(VALUES) == headline(2e9)
    slider = page.locator(".st-key-" + instant.SLIDER_ROW).get_by_role("slider")
    slider.focus()
    gate.hold()
    sent = gate.sent
    slider.press("ArrowRight")  # 2B -> 3B tokens/month
    shown = page.evaluate(VALUES)  # at once: whatever the server says is held back
    gate.wait_sent(page, sent)     # the key reached the server; its answer is held
    assert gate.held is not None
    assert shown == headline(3e9) != headline(2e9)
    # the sign of the saving is the same at 2B and 3B: its words stay, nothing of it is dimmed
    assert page.evaluate(DELTA, "Savings vs API [$/mo]") == "API cheaper"
    assert page.evaluate(DELTA, "GPUs") == views.headline_metrics(evaluate(Scenario(tokens_per_month=3e9)))[7].delta
    assert set(page.evaluate(OPACITY, BOXES)) == {"1"}
    assert page.evaluate(OPACITY, VERDICT) == ["0.45"]  # the words wait for the server, dimmed
    gate.release()
    answered(page, shown, VERDICT)   # the server's run drew the same numbers, and the words
    wait_for_app(page)
    assert page.get_by_test_id("stMain").get_by_test_id("stNumberInputField").first.input_value() == "3000000000"


def test_a_second_key_before_the_answer_dims_the_numbers_instead_of_guessing(gated):
    page, gate = gated
    slider = page.locator(".st-key-" + instant.SLIDER_ROW).get_by_role("slider")
    slider.focus()
    gate.hold()
    slider.press("ArrowRight")   # 2B -> 3B: written at once
    slider.press("ArrowRight")   # 3B -> 5B: no numbers for 5B in the page yet
    assert page.evaluate(VALUES) == headline(3e9)
    assert set(page.evaluate(OPACITY, BOXES)) == {"0.45"}   # none of them claims to be 5B's
    gate.release()
    answered(page, headline(5e9))


def test_there_and_back_before_the_answer_ends_on_the_servers_numbers(gated):
    """Right then left while the answer is held: the page wrote 3B's numbers, the last run is at
    2B again, whose numbers are those the page had before: the component's mount puts them back
    (React sees no change of its own and would leave 3B's standing)."""
    page, gate = gated
    before = page.evaluate(VALUES)
    slider = page.locator(".st-key-" + instant.SLIDER_ROW).get_by_role("slider")
    slider.focus()
    gate.hold()
    slider.press("ArrowRight")
    slider.press("ArrowLeft")
    assert page.evaluate(VALUES) == headline(3e9)
    gate.release()
    assert before == headline(2e9)
    answered(page, before)


def test_when_the_saving_changes_sign_its_arrow_waits_for_the_server(app_url, page):
    """4.76B is the default's break-even: at 3B the API is cheaper, at 5B self-hosting."""
    gate = open_gated(page, app_url + "/?v=1&tokens_per_month=3e9")
    assert page.evaluate(DELTA, "Savings vs API [$/mo]") == "API cheaper"
    slider = page.locator(".st-key-" + instant.SLIDER_ROW).get_by_role("slider")
    slider.focus()
    gate.hold()
    slider.press("ArrowRight")   # 3B -> 5B
    assert page.evaluate(VALUES) == headline(5e9)
    assert page.evaluate(DELTA, "Savings vs API [$/mo]") == "self-hosting cheaper"
    # the red down arrow would contradict the words: the delta line is dimmed until the server draws it
    delta_opacity = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMetric]')].find(m =>
        m.textContent.includes('Savings vs API')).querySelector('[data-testid=stMetricDelta]').style.opacity""")
    assert delta_opacity == "0.45"
    gate.release()
    answered(page, headline(5e9), f"{BOXES} [data-testid=stMetricDelta]")
    wait_for_app(page)
    assert page.locator("[data-testid=stMetricDeltaIcon-Up]").count() == 1


def test_a_key_that_moves_nothing_changes_nothing_and_a_long_jump_waits_dimmed(app_url, page):
    """At the slider's end (100B) End and ArrowRight move nothing: no message, nothing dimmed.
    Home jumps 30 stops to 1M: no numbers are kept for it, so the boxes wait dimmed for the
    server's, which are 1M's."""
    gate = open_gated(page, app_url + "/?v=1&tokens_per_month=1e11")
    slider = page.locator(".st-key-" + instant.SLIDER_ROW).get_by_role("slider")
    before = page.evaluate(VALUES)
    assert before == headline(1e11)
    slider.focus()
    gate.hold()
    sent = gate.sent
    slider.press("End")
    slider.press("ArrowRight")
    page.wait_for_timeout(1000)
    assert gate.sent == sent and page.evaluate(VALUES) == before
    assert set(page.evaluate(OPACITY, BOXES)) == {"1"} and page.evaluate(OPACITY, VERDICT) == ["1"]
    slider.press("Home")
    assert page.evaluate(VALUES) == before and set(page.evaluate(OPACITY, BOXES)) == {"0.45"}
    gate.release()
    answered(page, headline(1e6))


# --- what a keypress re-sends (tco/ui/page.py: the main area is a fragment) -----------------------

def _deltas(messages) -> list[tuple[tuple[int, ...], str]]:
    """(delta path, element or block kind) of each delta among the server's messages."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    out = []
    for raw in messages:
        if isinstance(raw, str):
            continue
        m = ForwardMsg()
        m.ParseFromString(raw)
        if m.WhichOneof("type") != "delta":
            continue
        d = m.delta
        kind = d.WhichOneof("type")
        if kind == "new_element":
            kind = d.new_element.WhichOneof("type")
            if kind == "markdown":
                kind += ":" + d.new_element.markdown.body[:40]
        out.append((tuple(m.metadata.delta_path), kind))
    return out


def test_a_volume_key_re_sends_the_main_area_only_and_a_sidebar_change_the_whole_page(gated):
    """An arrow key on the slider reruns the main area alone: nothing of the sidebar (delta path
    1.*) and not the page's heading is sent again, and the numbers are the engine's. A change in
    the sidebar still reruns the whole page (its heading and sidebar come again)."""
    page, gate = gated
    slider = page.locator(".st-key-" + instant.SLIDER_ROW).get_by_role("slider")
    slider.focus()
    gate.hold()
    sent = gate.sent
    slider.press("ArrowRight")  # 2B -> 3B tokens/month
    gate.wait_sent(page, sent)
    page.wait_for_timeout(1_500)  # the run's messages come to the gate, held
    deltas = _deltas(gate.held)
    gate.release()
    answered(page, headline(3e9), VERDICT)
    assert any(kind == "metric" for _p, kind in deltas), deltas
    assert not [d for d in deltas if d[0][0] == 1], "the sidebar was re-sent"
    assert not [d for d in deltas if d[1].startswith("markdown:## Self-host")], "the heading was re-sent"

    wait_for_app(page)
    gate.hold()
    sent = gate.sent
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Team", exact=True).click()  # open a group: a sidebar widget
    gate.wait_sent(page, sent)
    page.wait_for_timeout(1_500)
    deltas = _deltas(gate.held)
    gate.release()
    wait_for_app(page)
    assert [d for d in deltas if d[0][0] == 1], "a sidebar change must redraw the sidebar"
    assert [d for d in deltas if d[1].startswith("markdown:## Self-host")], "and the whole page"

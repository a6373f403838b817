"""The numbers the page keeps for the volume slider's next stops (tco/ui/instant.py) are the numbers
the page shows once the slider is there. The browser side (written at the key, dimmed when it
cannot be sure, corrected by the next run): tests/browser/test_instant_browser.py."""

from __future__ import annotations

import json

import pytest

import pinned
from pages import metrics, run_page
from tco import model
from tco.scenario import Scenario
from tco.ui import inputs, instant, views


def instant_data(at) -> dict | None:
    found = [e for e in at.get("bidi_component") if e.proto.component_name == "tco_instant_numbers"]
    assert len(found) <= 1
    return json.loads(found[0].proto.json) if found else None


def values(side: dict) -> dict[str, str]:
    return {label: m["value"] for label, m in side.items()}


def move_to(at, volume: float) -> dict[str, str]:
    at.select_slider(key=inputs.VOLUME_STEP_KEY).set_value(volume).run()
    assert not at.exception, at.exception
    return metrics(at)


@pytest.mark.parametrize("query, left, right", [
    ("", 1.5e9, 3e9),                              # the default 2B: stops 20 +- 1 of 1M..100B
    ("v=1&tokens_per_month=4.76e9", 3e9, 5e9),     # between two stops: the slider has it as a stop
    ("v=1&tokens_per_month=3e9&acquisition=buy", 2e9, 5e9),
])
def test_the_next_stops_numbers_are_what_the_page_shows_there(query, left, right):
    # the engine's numbers of the three scenarios are pinned by hand (tests/pinned.py)
    base = Scenario(acquisition="buy") if "buy" in query else Scenario()
    for v in (left, right):
        pinned.check(base.replace(tokens_per_month=v), model.evaluate(base.replace(tokens_per_month=v)))
    at = run_page(query)
    d = instant_data(at)
    assert d is not None and set(d["next"]) == {"left", "right"}
    assert values(d["current"]) == metrics(at)
    options = inputs.slider_options(at.session_state[inputs.VOLUME_KEY])
    assert options[d["index"] - 1] == left and options[d["index"] + 1] == right
    assert values(d["next"]["right"]) == move_to(at, right)
    at = run_page(query)
    assert values(d["next"]["left"]) == move_to(at, left)
    assert values(d["next"]["left"]) != values(d["next"]["right"])


def test_the_delta_lines_and_arrows_come_along():
    """At 3B the API is cheaper (red, down), at 5B self-hosting (green, up): 4.76B is the default's
    break-even (13,213.33 / $2.775 per 1M: tests/test_app.py)."""
    at = run_page("v=1&tokens_per_month=3e9")
    d = instant_data(at)
    assert d["current"]["Savings vs API [$/mo]"] == {"value": metrics(at)["Savings vs API [$/mo]"],
                                                     "delta": "API cheaper", "arrow": "down"}
    assert d["next"]["right"]["Savings vs API [$/mo]"]["delta"] == "self-hosting cheaper"
    assert d["next"]["right"]["Savings vs API [$/mo]"]["arrow"] == "up"
    move_to(at, 5e9)
    saving = next(m for m in at.metric if m.label == "Savings vs API [$/mo]")
    gpus = next(m for m in at.metric if m.label == "GPUs")
    assert saving.proto.delta == d["next"]["right"]["Savings vs API [$/mo]"]["delta"]
    assert gpus.proto.delta == d["next"]["right"]["GPUs"]["delta"]


def test_at_the_slider_ends_only_the_inner_side():
    assert set(instant_data(run_page("v=1&tokens_per_month=1e11"))["next"]) == {"left"}
    assert set(instant_data(run_page("v=1&tokens_per_month=1e6"))["next"]) == {"right"}
    # beyond the slider (200B): it sits at its end, 100B; a left key goes to 70B
    at = run_page("v=1&tokens_per_month=2e11")
    d = instant_data(at)
    assert set(d["next"]) == {"left"} and values(d["current"]) == metrics(at)
    assert values(d["next"]["left"]) == move_to(at, 7e10)


def test_every_run_mounts_it_anew_and_no_view_without_a_slider_does():
    at = run_page()
    first = instant_data(at)["run"]
    at.run()
    assert instant_data(at)["run"] == first + 1   # the browser side re-checks the boxes on every run
    assert instant_data(run_page("v=1&view=cfo")) is None
    assert instant_data(run_page(painted=False)) is None   # the first paint draws no slider


def test_a_stop_the_engine_rejects_is_none_and_a_value_off_the_options_gives_nothing(monkeypatch):
    s = Scenario()
    ctx = views.Context(values={}, scenario=s, result=model.evaluate(s))

    def evaluate(sc):
        if sc.tokens_per_month == 3e9:
            raise ValueError("does not fit")
        return model.evaluate(sc)
    monkeypatch.setattr(instant.data, "evaluate", evaluate)
    d = instant.payload(ctx, inputs.VOLUME_STEPS, 2e9)
    assert d["next"]["right"] is None
    assert values(d["next"]["left"]) == pinned.headline(s.replace(tokens_per_month=1.5e9))
    assert instant.payload(ctx, inputs.VOLUME_STEPS, 2.5e9) is None
    assert instant.payload(views.Context(values={}, scenario=s, result=None), inputs.VOLUME_STEPS, 2e9) is None

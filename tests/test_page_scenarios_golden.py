"""Every scenario a page test opens has its engine numbers pinned by hand (tests/pinned.py)."""

import pytest

import pinned
from tco.model import evaluate
from tco.scenario import Scenario


@pytest.mark.parametrize("changes", list(pinned.PINNED), ids=lambda c: "&".join(f"{k}={v}" for k, v in c) or "default")
def test_pinned_scenario(changes):
    s = Scenario(**dict(changes))
    pinned.check(s, evaluate(s))


def test_default_scenario_in_words():
    # the README's worked example: $5,550, $312, 2 GPUs x $2,190 + $8,833.33 = $13,213.33
    r = evaluate(Scenario())
    assert round(r.at_volume["api"]["monthly_usd"]) == 5550
    assert round(r.at_volume["hosted_open"]["monthly_usd"]) == 312
    assert round(r.at_volume["self_host"]["monthly_usd"], 2) == 13213.33

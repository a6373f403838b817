"""Any valid scenario, opened by its link, gives the page without a traceback: either the engine's
headline numbers or the engine's own message (a model that does not fit, say).

The expected numbers are the engine's: this test checks that the page shows them for any input.
The engine itself is held to hand calculations elsewhere (tests/test_costs_golden.py,
tests/test_trends_golden.py, tests/test_capacity_golden.py, tests/pinned.py) and to the scalar
reference on random scenarios (tests/test_engine_properties.py)."""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings

from pages import metrics, run_page
from strategies import scenarios
from tco import share
from tco.model import evaluate
from tco.ui import views



@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(scenarios())
def test_any_valid_scenario_renders_numbers_or_the_engines_message(s):
    at = run_page(share.encode(s), timeout=60)
    try:
        want = views.headline_values(evaluate(s))
    except ValueError as e:                       # the engine rejects it: the page says why
        assert any(str(e) in err.value for err in at.error)
        # and no number for self-hosting: only the paths that do not depend on the GPUs remain
        assert {m.label for m in at.metric} <= {"Commercial API", "Hosted open model"}
        return
    assert metrics(at) == want
    assert not at.error and len(at.metric) == len(want)

"""Any valid scenario, opened by its link, gives the page without a traceback: either the engine's
headline numbers or the engine's own message (a model that does not fit, say)."""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings

from pages import metrics, run_page
from strategies import scenarios
from tco import share
from tco.model import evaluate
from tco.ui import views



@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(scenarios())
def test_any_valid_scenario_renders_numbers_or_the_engines_message(s):
    at = run_page(share.encode(s), timeout=60)
    try:
        want = views.headline_values(evaluate(s))
    except ValueError as e:                       # the engine rejects it: the page says why
        assert any(str(e) in err.value for err in at.error)
        return
    assert metrics(at) == want

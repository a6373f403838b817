"""Any valid scenario, opened by its link, gives the page without a traceback: either the engine's
headline numbers or the engine's own message (a model that does not fit, say)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings
from streamlit.testing.v1 import AppTest

from strategies import scenarios
from tco import share
from tco.model import evaluate
from tco.ui import views

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def _clear_cache():
    st.cache_data.clear()
    yield


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(scenarios())
def test_any_valid_scenario_renders_numbers_or_the_engines_message(s):
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in parse_qsl(share.encode(s)):
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    try:
        want = views.headline_values(evaluate(s))
    except ValueError as e:                       # the engine rejects it: the page says why
        assert any(str(e) in err.value for err in at.error)
        return
    assert {m.label: m.value for m in at.metric} == want

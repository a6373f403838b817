"""The page, headless (streamlit.testing AppTest): it runs, it shows the engine's numbers, and
edge or hostile scenarios give a message instead of a traceback."""

from __future__ import annotations


import pytest

from pages import metrics
from pages import run_page as run
from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import views
from tco.ui.inputs import VOLUME_KEY, VOLUME_STEP_KEY



def expected(s: Scenario) -> dict[str, str]:
    return views.headline_values(evaluate(s))


def test_default_page_shows_the_engines_numbers():
    at = run()
    shown = metrics(at)
    assert shown == expected(Scenario())
    r = evaluate(Scenario())
    # the numbers a CFO reads, spelled out independently of headline_values
    assert shown["Self-hosted"] == "$13,213/mo" and f"{r.at_volume['self_host']['monthly_usd']:,.0f}" == "13,213"
    assert shown["Commercial API"] == "$5,550/mo"
    assert "At 2B tokens a month, self-hosting Llama 4 Scout" in at.markdown[0].value + "".join(m.value for m in at.markdown)
    assert not at.error


def test_every_section_renders_for_the_default_scenario():
    for title, _ in views.SECTIONS:
        at = run(section=title)
        assert not at.error, title
    at = run(section="Assumptions")
    assert len(at.dataframe) >= 1


def test_number_input_changes_the_numbers():
    at = run()
    before = metrics(at)
    at.number_input(key=VOLUME_KEY).set_value(5e9).run()
    assert not at.exception
    after = metrics(at)
    assert after != before
    assert after == expected(Scenario(tokens_per_month=5e9))
    assert at.select_slider(key=VOLUME_STEP_KEY).value == 5e9  # slider follows the number


def test_slider_changes_the_numbers_and_the_exact_volume():
    at = run()
    at.select_slider(key=VOLUME_STEP_KEY).set_value(2e10).run()
    assert not at.exception
    assert at.number_input(key=VOLUME_KEY).value == 2e10
    assert metrics(at) == expected(Scenario(tokens_per_month=2e10))


def test_sidebar_input_changes_the_numbers():
    at = run()
    at.session_state["_group_Team"] = True      # the Team group draws its inputs only while open
    at.run()
    at.number_input(key="staff_fte").set_value(2.0).run()
    assert metrics(at) == expected(Scenario(staff_fte=2.0))
    # closing the group keeps its values: the scenario does not change
    at.session_state["_group_Team"] = False
    at.run()
    assert not at.exception
    assert "staff_fte" not in [e.key for e in at.number_input]
    assert metrics(at) == expected(Scenario(staff_fte=2.0))


def test_link_opens_the_same_numbers_and_url_follows():
    at = run({"v": "1", "tokens_per_month": "5e9", "acquisition": "reserved_3y"})
    assert metrics(at) == expected(Scenario(tokens_per_month=5e9, acquisition="reserved_3y"))
    at.number_input(key=VOLUME_KEY).set_value(7e9).run()
    q = {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()}
    assert q["tokens_per_month"] == "7e9" and q["acquisition"] == "reserved_3y" and q["v"] == "1"


@pytest.mark.parametrize("query", [
    {"tokens_per_month": "0"},
    {"tokens_per_month": "1e6"},
    {"tokens_per_month": "1e11"},
    {"tokens_per_month": "1e13", "acquisition": "buy"},
    {"acquisition": "buy"},
    {"acquisition": "reserved_3y"},
    {"gpu": "l4", "open_model": "llama-4-maverick"},
    {"gpu": "b200", "precision": "fp4"},
    {"api_model": "anthropic:claude-sonnet-4-5", "hosted_model": "groq:llama-3.3-70b-versatile"},
])
def test_edge_scenarios_match_the_engine(query):
    at = run({"v": "1", **query})
    s = Scenario().replace(**{k: (v if k in ("acquisition", "gpu", "open_model", "precision", "api_model",
                                             "hosted_model") else float(v)) for k, v in query.items()})
    assert metrics(at) == expected(s)
    assert not at.error


def test_a_model_that_does_not_fit_is_a_message_not_a_traceback():
    at = run({"v": "1", "open_model": "llama-3.1-405b", "precision": "bf16", "gpus_per_replica": "1"})
    assert len(at.error) == 1
    assert "needs at least" in at.error[0].value and "gpus_per_replica" in at.error[0].value
    assert not at.metric  # no numbers for an impossible scenario
    at.session_state["_section"] = "Assumptions"
    at.run()
    assert not at.exception and len(at.dataframe) >= 1  # the rest of the page keeps working


def test_fp4_on_a_gpu_without_fp4_is_a_message():
    at = run()
    at.session_state["_group_Self-hosting"] = True
    at.run()
    at.selectbox(key="precision").select("fp4").run()
    assert not at.exception
    assert any("fp4" in e.value and "B200" in e.value for e in at.error)


def test_hostile_link_loads_the_rest_and_says_what_it_dropped():
    at = run({"tokens_per_month": "nan", "gpu": "<script>alert(1)</script>", "staff_fte": "3"})
    notices = " ".join(w.value for w in at.warning)
    assert "tokens_per_month" in notices and "gpu" in notices
    assert "<script>" not in notices
    assert metrics(at) == expected(Scenario(staff_fte=3.0))


def test_unusable_api_model_is_a_message():
    at = run({"v": "1", "api_model": "nosuchprovider:nomodel"})
    assert not at.exception
    assert at.error or at.warning  # dropped by the link reader or rejected by the engine


def test_latency_preset_provenance_and_error_band_on_the_page():
    at = run("v=1&max_ttft_s=2&min_output_tokens_per_s_per_user=30")
    captions = " ".join(c.value for c in at.caption)
    # the capacity line: operating point, provenance word and its error band
    assert "30.0 tokens/s per user" in captions and "derived (±19% typical, p90 ±58%)" in captions
    assert "At the latency target the step-time model adds" in captions
    assert "interactive chat" in captions.lower()   # the closed Workload group names the preset
    r = evaluate(Scenario(max_ttft_s=2.0, min_output_tokens_per_s_per_user=30.0))
    assert metrics(at) == views.headline_values(r)
    # the preset box sets both targets
    at.session_state["_group_Workload"] = True
    at.run()
    box = [s for s in at.selectbox if s.label == "Latency target"][0]
    assert box.value == "chat"
    box.set_value("agent").run()
    assert at.session_state["max_ttft_s"] == 5.0 and at.session_state["min_output_tokens_per_s_per_user"] == 50.0


def test_multi_server_replica_warning_on_the_page():
    at = run("v=1&open_model=llama-3.1-405b&gpu=l4&precision=fp8&gpus_per_replica=24")
    assert any("spans 3 servers" in w.value for w in at.info)
    at = run("v=1&open_model=llama-3.1-405b&gpu=l4&precision=bf16")
    assert any("5 servers" in e.value for e in at.error)

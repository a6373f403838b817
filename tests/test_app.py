"""The page, headless (streamlit.testing AppTest): it runs, it shows the engine's numbers, and
edge or hostile scenarios give a message instead of a traceback."""

from __future__ import annotations


import pytest

import pinned
from pages import metrics
from pages import run_page as run
from tco.model import evaluate
from tco.scenario import FIELDS, Scenario
from tco.ui import views
from tco.ui.page import SECTIONS
from tco.ui.inputs import VOLUME_KEY, VOLUME_STEP_KEY


# the headline the page must show: the engine's numbers, pinned by hand in tests/pinned.py
expected = pinned.headline


def assumption_rows(at) -> dict[str, str]:
    """The Assumptions table, input key -> value shown."""
    df = at.table[0].value
    return dict(zip(df["Key"], df["Value"]))


def test_default_page_shows_the_engines_numbers():
    at = run()
    shown = metrics(at)
    assert shown == expected(Scenario())
    r = evaluate(Scenario())
    # the numbers a CFO reads, spelled out independently of headline_values
    # compact in the box ($13,213 -> $13.2k; $5,550 -> $5.55k), the unit in the label
    assert shown["Self-hosted [$/mo]"] == "$13.2k" and f"{r.at_volume['self_host']['monthly_usd']:,.0f}" == "13,213"
    assert shown["Commercial API [$/mo]"] == "$5.55k"
    assert shown["Break-even [tokens/mo]"] == "4.76B"  # 13,213 / 2.775 per 1M = 4.76B
    assert shown["Payback vs API [month]"] == "> 36" and shown["GPUs"] == "2"
    page = "".join(m.value for m in at.markdown).replace("\\", "")
    # the cheapest path first (README worked example): Groq's Scout 1.6B × $0.11/M + 0.4B × $0.34/M
    # = $176 + $136 = $312, against 1.2B × $1.25 + 0.4B × $0.125 + 0.4B × $10 = $5,550 for GPT-5
    # and 2 × $3 × 730 h + $200,000 × 0.5 / 12 + $500 = $13,213 self-hosted
    assert ("At 2B tokens a month the cheapest path is the hosted open model (Llama 4 Scout (17Bx16E) 128k "
            "on groq) at $312 a month, against $5,550 for the API (GPT-5) and $13,213 for self-hosting") in page
    assert "check its quality on your own evaluation" in page
    assert not at.error


def test_every_section_renders_for_the_default_scenario():
    for title, _ in SECTIONS:
        at = run(section=title)
        assert not at.error, title
    at = run(section="Assumptions")
    assert len(at.table) == 1 and len(at.table[0].value) > 40  # one row per input


def test_number_input_changes_the_numbers():
    at = run()
    before = metrics(at)
    at.number_input(key=VOLUME_KEY).set_value(5e9).run()
    assert not at.exception
    after = metrics(at)
    assert after != before
    assert after == expected(Scenario(tokens_per_month=5e9))
    assert at.select_slider(key=VOLUME_STEP_KEY).value == 5e9  # slider follows the number


def test_slider_shows_the_exact_volume_between_its_stops():
    at = run()
    at.number_input(key=VOLUME_KEY).set_value(4.76e9).run()
    slider = at.select_slider(key=VOLUME_STEP_KEY)
    assert slider.value == 4.76e9 and "4.76B" in slider.options
    assert metrics(at) == expected(Scenario(tokens_per_month=4.76e9))
    # one arrow press from 4.76B goes to the next stop, 5B (the exact value leaves the slider)
    slider.set_value(5e9).run()
    assert at.number_input(key=VOLUME_KEY).value == 5e9
    assert "4.76B" not in at.select_slider(key=VOLUME_STEP_KEY).options


@pytest.mark.parametrize("typed", [0.0, -5.0, 5e5, 1e15])
def test_exact_box_rejects_out_of_range_volumes_visibly(typed):
    at = run()
    at.number_input(key=VOLUME_KEY).set_value(3e9).run()
    at.number_input(key=VOLUME_KEY).set_value(typed).run()
    assert not at.exception
    assert any("outside what the page computes" in e.value for e in at.error)
    # the box goes back to the volume the numbers are for; the numbers stay those of 3B
    assert at.number_input(key=VOLUME_KEY).value == 3e9
    assert metrics(at) == expected(Scenario(tokens_per_month=3e9))
    at.number_input(key=VOLUME_KEY).set_value(4e9).run()  # a good entry clears the message
    assert not at.error and metrics(at) == expected(Scenario(tokens_per_month=4e9))


@pytest.mark.parametrize("volume, step", [(1e6, 1e5), (2e9, 2e8), (4.76e9, 2e8), (1.1e6, 1e5), (7e10, 5e9),
                                          (0.0, 1e5)])
def test_exact_box_steps_by_about_a_tenth(volume, step):
    from tco.ui.inputs import box_step
    # a tenth of 4.76B is 476M: the 1-2-5 number at or below it is 200M; of 7e10, 7e9 -> 5e9
    assert box_step(volume) == step


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
    # no self-hosted numbers for an impossible fleet; the API and hosted paths do not need GPUs
    assert set(metrics(at)) == {"Commercial API", "Hosted open model"}
    at.session_state["_section"] = "Assumptions"
    at.run()
    assert not at.exception   # the rest of the page keeps working: the inputs as the link set them
    rows = assumption_rows(at)
    assert list(rows) == list(FIELDS)
    assert (rows["open_model"], rows["precision"], rows["gpus_per_replica"]) == \
        ("Llama 3.1 405B Instruct (llama-3.1-405b)", "bf16", "1 GPU")


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
    # the link reader takes only catalog ids: it drops this one, says so, and the page opens the
    # defaults (pinned in tests/pinned.py)
    assert len(at.warning) == 1 and "api_model" in at.warning[0].value
    assert not at.error
    assert metrics(at) == expected(Scenario())


def test_latency_preset_provenance_and_error_band_on_the_page():
    at = run("v=1&max_ttft_s=2&min_output_tokens_per_s_per_user=30")
    captions = " ".join(c.value for c in at.caption)
    # the capacity line: operating point, provenance word and its error band
    assert "30.0 tokens/s per user" in captions and "derived (±19% typical, p90 ±54%)" in captions
    # the latency curve's provenance word and its band (no curve for Scout: the model alone, 28% /
    # 100% at a given per-user speed, capacity.LATENCY_ERROR_BANDS, recomputed in test_capacity.py)
    assert "At the latency target: latency curve roofline (no latency curve measured for Llama 4 Scout" in captions
    assert "±28% (p90 ±100%) at a given per-user speed" in captions
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


@pytest.mark.parametrize("volume, direction, colour, words", [
    (2e9, "DOWN", "RED", "API cheaper"),            # -$7,663 a month: down and red
    (5e9, "UP", "GREEN", "self-hosting cheaper"),   # +$662 a month: up and green
])
def test_savings_arrow_and_colour_say_what_the_number_says(volume, direction, colour, words):
    from streamlit.proto.Metric_pb2 import Metric
    at = run({"v": "1", "tokens_per_month": f"{volume:g}"})
    (m,) = [m for m in at.metric if m.label.startswith("Savings vs API")]
    r = evaluate(Scenario(tokens_per_month=volume))
    saving = r.at_volume["api"]["monthly_usd"] - r.at_volume["self_host"]["monthly_usd"]
    assert (saving < 0) == (direction == "DOWN") and m.value.startswith("-") == (saving < 0)
    assert Metric.MetricDirection.Name(m.proto.direction) == direction
    assert Metric.MetricColor.Name(m.proto.color) == colour and m.proto.delta == words


def test_switching_the_api_model_clears_its_price_overrides_with_a_notice():
    # an output price of $15 set on gpt-5-mini must not stay when GPT-5 is chosen
    at = run("v=1&api_model=openai:gpt-5-mini&api_output_usd_per_mtok=15")
    at.session_state["_group_Compare against"] = True
    at.run()
    assert at.number_input(key="api_output_usd_per_mtok").value == 15
    at.selectbox(key="api_model").select("openai:gpt-5").run()
    assert not at.exception
    assert at.session_state["api_output_usd_per_mtok"] is None
    notice = [i.value for i in at.info if "cleared" in i.value]
    assert notice and "API model changed to openai:gpt-5" in notice[0] and "\\$15/1M" in notice[0]
    # GPT-5 at its catalog prices: 1.2B × $1.25 + 0.4B × $0.125 + 0.4B × $10 = $5,550
    assert metrics(at)["Commercial API [$/mo]"] == "$5.55k"
    at.run()  # the notice is shown once
    assert not [i for i in at.info if "cleared" in i.value]


def test_changing_the_open_model_clears_the_hosted_overrides_of_its_offer():
    at = run("v=1&hosted_output_usd_per_mtok=2")
    at.session_state["_group_Self-hosting"] = True
    at.run()
    at.selectbox(key="open_model").select("llama-3.3-70b").run()
    assert not at.exception and at.session_state["hosted_output_usd_per_mtok"] is None
    assert any("Open model changed" in i.value for i in at.info)


def test_a_scenario_the_engine_rejects_keeps_the_api_and_hosted_numbers():
    at = run("v=1&open_model=llama-3.1-405b&precision=bf16&gpu=l4&gpus_per_replica=1")
    assert at.error and "cannot be computed" in at.error[0].value
    shown = metrics(at)
    # GPT-5: $5,550 (README); Avian's Llama 3.1 405B at $1.50/M flat: 2B × $1.50/M = $3,000
    assert shown == {"Commercial API": "$5,550/mo", "Hosted open model": "$3,000/mo"}
    assert any("Change the GPU" in i.value for i in at.info)


def test_irr_above_1000_percent_shows_as_such():
    at = run("v=1&tokens_per_month=3e10")
    npv = [m for m in at.metric if m.label.startswith("NPV")][0]
    assert "IRR: > 1,000%/yr" in npv.help.replace("\\", "")   # markdown-escaped ">" in the help


def test_compare_against_lists_the_hosted_offers_cheapest_first():
    at = run()
    at.session_state["_group_Compare against"] = True
    at.run()
    box = at.selectbox(key="hosted_model")
    # Groq $0.156/M blended (0.6 × 0.11 + 0.2 × 0.11 + 0.2 × 0.34) is the cheapest of Scout's hosts
    assert box.value is None and "Cheapest offer: groq:meta-llama/llama-4-scout-17b-16e-instruct: $0.156/M" in box.format_func(None)
    listed = [c.value for c in at.caption if c.value.startswith("Offers of this model")]
    assert listed and listed[0].index("groq:") < listed[0].index("aws:meta.llama4-scout")


def _in_page_order(node, out=None):
    """Every element under ``node`` in the order the page shows them (AppTest's tree follows the
    delta paths, which are the places on the page, whatever order the script sent them in)."""
    out = [] if out is None else out
    for child in getattr(node, "children", {}).values():
        out.append(child)
        _in_page_order(child, out)
    return out


def test_the_inputs_keep_their_places_though_the_numbers_are_sent_first():
    # tco/ui/page.py draws the volume row and the sidebar after the headline numbers (a keypress
    # shows the numbers sooner), into places kept above them: the page reads as before
    at = run(section="Break-even")
    order = [type(e).__name__ for e in _in_page_order(at.main)]
    assert order.index("SelectSlider") < order.index("NumberInput") < order.index("Metric")
    assert len(at.sidebar.expander) == 7 and at.sidebar.title[0].value == "Inputs"
    # the inputs still move the numbers, and a value typed in a closed group's widget is kept
    at.number_input(key=VOLUME_KEY).set_value(2e10).run()
    assert metrics(at)["Break-even [tokens/mo]"] == "4.76B" and metrics(at) != expected(Scenario())
    assert at.select_slider(key=VOLUME_STEP_KEY).value == 2e10


def test_the_server_freezes_its_heap_once_and_streamlit_does_not_collect_after_every_run():
    import subprocess
    import sys
    import tomllib
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    # in a fresh interpreter: freezing this test process's heap would keep its garbage for good
    code = ("import gc; from tco.ui import serving; a = serving.freeze_heap_once(); n = gc.get_freeze_count(); "
            "b = serving.freeze_heap_once(); print(a, b, n > 1000, gc.get_freeze_count() == n)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False", "True", "True"]

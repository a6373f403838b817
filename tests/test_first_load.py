"""A session's first load, kept light so the numbers paint first (tco/ui/firstpaint.py,
``python -m tco.ui.bench_page --first-load``): numbers, then sidebar and tabs, then charts, each
stage asked for by the browser once it has painted the last; sidebar groups start closed with their
values in a caption; the model boxes offer the whole price catalog only on request."""

from __future__ import annotations

import pytest

import pinned
from pages import metrics
from pages import run_page as run
from tco import catalog
from tco.scenario import Scenario
from tco.ui import firstpaint, inputs
from tco.ui.page import SECTIONS

TABS = [t for t, _ in SECTIONS]


def charts(at) -> int:
    return len(at.get("plotly_chart"))


def _probes(at) -> list:
    """The first-paint probes mounted (not the instant numbers' component: tco/ui/instant.py)."""
    return [e for e in at.get("bidi_component") if e.proto.component_name == "tco_first_paint"]


def probes(at) -> int:
    return len(_probes(at))


def placeholders(at) -> int:
    return sum(c.value == firstpaint.PLACEHOLDER_TEXT for c in at.caption)


def probe_keys(at) -> list[str]:
    return [e.key for e in _probes(at)]


def test_first_load_paints_the_numbers_then_the_page_then_the_charts():
    at = run(painted=False)
    # first run: the numbers alone, and the probe asking for the next stage
    assert metrics(at) == pinned.headline(Scenario())
    assert not at.select_slider and not at.number_input  # the volume controls come with the next paint
    assert not at.tabs and not at.sidebar.expander and charts(at) == 0
    assert probe_keys(at) == [f"{firstpaint.PROBE_KEY}_{firstpaint.TOP}"]
    # the browser painted it: its probe reports, the rerun adds sidebar and tabs, charts as placeholders
    firstpaint.mark_painted(firstpaint.PAGE, at.session_state)
    at.run()
    assert [t.label for t in at.tabs] == TABS and len(at.sidebar.expander) == 7
    assert at.number_input(key=inputs.VOLUME_KEY).value == Scenario().tokens_per_month
    # the first tab (Plans): its table and two charts wait for the next paint
    assert charts(at) == 0 and placeholders(at) == 3 and not at.dataframe
    assert probe_keys(at) == [f"{firstpaint.PROBE_KEY}_{firstpaint.PAGE}"]
    # painted again: the charts
    firstpaint.mark_painted(firstpaint.FULL, at.session_state)
    at.run()
    assert not at.exception
    assert charts(at) == 2 and placeholders(at) == 0 and probes(at) == 0 and len(at.dataframe) == 1
    assert metrics(at) == pinned.headline(Scenario())


def test_the_first_run_arms_the_fallback_timer():
    # if the probe never reports, Streamlit's own fragment timer reruns the page whole
    # (tests/browser/test_first_load_browser.py runs it in Chromium with the probe switched off)
    at = run(painted=False)
    assert at.session_state[firstpaint.RUNS_KEY] == 1 and firstpaint.stage(at.session_state) == firstpaint.FULL


def test_cfo_view_paints_the_numbers_first_too():
    at = run("v=1&view=cfo&tokens_per_month=5e9", painted=False)
    assert len(at.metric) == 5 and charts(at) == 0 and not at.dataframe and probes(at) == 1
    firstpaint.mark_painted(firstpaint.PAGE, at.session_state)
    at.run()
    assert charts(at) == 0 and placeholders(at) == 2 and probes(at) == 1
    assert any(c.value == "Loading the assumptions…" for c in at.caption)
    firstpaint.mark_painted(firstpaint.FULL, at.session_state)
    at.run()
    assert charts(at) == 2 and placeholders(at) == 0 and probes(at) == 0 and len(at.dataframe) == 1


def test_stages_follow_the_paint_reports_and_runs():
    TOP, PAGE, FULL = firstpaint.TOP, firstpaint.PAGE, firstpaint.FULL
    P, R = firstpaint.PAINTS_KEY, firstpaint.RUNS_KEY
    assert firstpaint.stage({}) == TOP                      # a session's first run
    assert firstpaint.stage({P: 1, R: 1}) == PAGE           # the rerun the first report caused
    assert firstpaint.stage({P: 2, R: 2}) == FULL
    assert firstpaint.stage({P: 0, R: 1}) == FULL           # a rerun no report caused (a slider move)
    assert firstpaint.stage({P: 1, R: 2}) == FULL
    assert firstpaint.stage({P: 2, R: 9}) == FULL
    state: dict = {}
    firstpaint.mark_painted(PAGE, state)
    firstpaint.mark_painted(TOP, state)                     # a late report never goes back
    assert state[P] == PAGE and not firstpaint.ready({P: 1, R: 1})


def test_probe_prefetches_streamlits_own_plotly_chunk():
    # the chunk name is Streamlit's; if a Streamlit upgrade renames it, the prefetch is skipped
    # (charts still come) - this test says so instead of a silent slowdown
    chunk = firstpaint._plotly_chunk()
    assert chunk is not None and chunk.startswith("static/js/PlotlyChart.") and chunk.endswith(".js")


def test_sidebar_groups_start_closed_and_show_their_values():
    at = run("v=1&gpu=b200&acquisition=buy&staff_fte=2&horizon_months=48")
    assert [e.label for e in at.sidebar.expander] == ["Workload", "Compare against", "Self-hosting",
                                                      inputs.SELF_HOSTING_MORE, "Team", "Finance", "Uncertainty"]
    summaries = [c.value for c in at.sidebar.caption][1:]  # [0] says how inputs work
    assert summaries == [
        "2,000 in / 500 out tokens per request, peak 2×, no latency target",
        "openai:gpt-5 vs groq:meta-llama/llama-4-scout-17b-16e-instruct",
        "Llama 4 Scout 17B-16E on NVIDIA B200 (HGX, 1 kW), FP8, buy",
        "target 60% utilised, PUE 1.3",
        "2 FTE at \\$200,000/year",   # markdown-escaped dollar
        "48 months, 10%/year discount",
        "bands at ×1 the sourced spreads, seed 20261201"]
    assert not at.sidebar.selectbox and not at.sidebar.number_input  # closed groups draw no widget


def test_an_open_group_stays_open_while_its_values_change():
    at = run()
    at.session_state["_group_Team"] = True
    at.run()
    at.number_input(key="staff_fte").set_value(2.0).run()
    assert at.session_state["_group_Team"] and at.number_input(key="staff_fte").value == 2.0
    assert "2 FTE at" not in " ".join(c.value for c in at.sidebar.caption)  # open: no summary


def test_group_summary_of_a_value_mid_edit_is_still_text():
    models, gpus = catalog.models(), catalog.gpus()
    for title in ("Workload", "Self-hosting", "Team", "Finance"):
        text = inputs.group_summary(title, {"staff_fte": None, "peak_to_average": None, "open_model": None,
                                            "horizon_months": None}, models, gpus)
        assert isinstance(text, str) and text


@pytest.mark.parametrize("key", ["api_model", "hosted_model"])
def test_model_box_offers_the_shortlist_and_the_whole_catalog_on_request(key):
    refs = catalog.api_model_refs()
    at = run()
    at.session_state["_group_Compare against"] = True
    at.run()
    box = at.selectbox(key=key)
    assert 3 <= len(box.options) <= 20  # the shortlist (and, for hosted, the empty "catalog offer")
    at.toggle(key=inputs.SEARCH_ALL_PREFIX + key).set_value(True).run()
    assert len(at.selectbox(key=key).options) >= len(refs)
    pick = "openai:gpt-4o-mini"
    assert pick in refs and pick not in box.options
    at.selectbox(key=key).set_value(pick).run()
    at.toggle(key=inputs.SEARCH_ALL_PREFIX + key).set_value(False).run()
    assert not at.exception
    assert at.selectbox(key=key).value == pick  # kept, and offered, after the toggle goes off
    assert metrics(at) == pinned.headline(Scenario(**{key: pick}))


def test_slider_benchmark_runs_on_the_drawn_page():
    # `python -m tco.ui.bench_page` times slider moves on a page the browser has drawn; its
    # numbers go to the terminal, this only checks that it still measures the real page
    from tco.ui import bench_page
    script, round_trips = bench_page.run(2, "Payback")
    assert len(script) == len(round_trips) == 2 and all(0 < t < 60_000 for t in script + round_trips)


def test_keypress_benchmark_refuses_a_checkout_without_the_page(tmp_path, capsys):
    # `--against DIR` measures another checkout's page in the same run; a folder without app.py is
    # refused before any browser starts, with the folder named
    from tco.ui import bench_page
    with pytest.raises(SystemExit) as e:
        bench_page.main(["bench_page", "--keypress", "3", "--against", str(tmp_path)])
    assert e.value.code == 2 and f"--against {tmp_path}: no app.py there" in capsys.readouterr().err

"""The "Import bills" section, headless (AppTest): uploads, the example set, bad files next to good
ones, "Use as baseline", the repricing view; and its pure helpers (figures, clipping, guarded
reading). The section is driven alone through AppTest.from_function; the last test drives it
inside the real page once app.py lists it."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tco import share
from tco.invoices import MAX_FILE_BYTES, load_files
from tco.scenario import Scenario
from tco.ui import bills, firstpaint, inputs, theme
from tco.ui.fmt import tokens

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
USAGE = "openai_completions_usage.csv"
#: A generic CSV worked by hand: 2025-01 and 2025-02, 1.5e9 then 3.0e9 tokens.
GENERIC = (b"date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
           b"2025-01,openai,gpt-4o-mini,1000000000,200000000,300000000,250\n"
           b"2025-02,openai,gpt-4o-mini,2000000000,400000000,600000000,500\n")


@pytest.fixture(autouse=True)
def _clear_cache():
    st.cache_data.clear()
    yield


def _section_app(scenario_kwargs=None, none=False):
    """Script for AppTest.from_function: only the bills section, for a given scenario."""
    from tco.scenario import Scenario
    from tco.ui import bills
    bills.render(None if none else Scenario(**(scenario_kwargs or {})))


def section(**kwargs) -> AppTest:
    at = AppTest.from_function(_section_app, kwargs=kwargs or None, default_timeout=60)
    firstpaint.mark_painted(firstpaint.FULL, at.session_state)  # as the browser does after its first paint
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key=bills.UPLOAD_KEY).set_value([(n, b, "text/csv") for n, b in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


# --- the section -------------------------------------------------------------------------------

def test_empty_section_offers_upload_examples_and_template():
    at = section()
    up = at.file_uploader(key=bills.UPLOAD_KEY)
    assert up.accept_multiple_files
    assert set(up.allowed_type) >= {".csv", ".json"}
    assert any("No bills loaded" in i.value for i in at.info)
    assert at.button(key="bills_examples").label == "Try with example data"
    assert any(d.label.startswith("Download the generic CSV template") for d in at.get("download_button"))
    columns = bills.template_columns()
    assert list(columns["Column"][:7]) == ["date", "provider", "model", "input_tokens", "cached_input_tokens",
                                           "output_tokens", "cost_usd"]
    assert "EXCLUDES" in columns.set_index("Column").loc["input_tokens", "Meaning"]


def test_a_valid_upload_shows_the_monthly_table_and_the_baseline():
    at = upload(section(), ("usage.csv", GENERIC))
    # hand: Feb = 2.0e9 + 0.4e9 + 0.6e9 = 3.0e9 tokens; input share (1.2+2.4)/(1.5+3.0) = 0.8;
    # cached 0.6/3.6 = 16.7 %; two months only, so no trend fitted
    m = metrics(at)
    assert m["Monthly volume [tokens]"] == "3B"
    assert m["Input share"] == "80.0%"
    assert m["Cached share of input"] == "16.7%"
    assert m["Months covered"] == "2"
    table = at.dataframe[1].value  # [0] is the template's columns
    assert list(table["Month"]) == ["2025-01", "2025-02"]
    assert list(table["Uncached input"]) == ["1B", "2B"]
    assert list(table["Net spend"]) == ["$250", "$500"]
    assert any("usage.csv" in s.value and "Generic usage CSV" in s.value for s in at.success)
    # the repricing view is there, with hosted prices from the scenario
    assert m["Actually paid, 2 months"] == "$750"
    assert len(at.get("plotly_chart")) == 2  # spend by model, repricing


def test_a_broken_file_next_to_a_good_one_gives_its_error_and_keeps_the_good_data():
    at = upload(section(), ("usage.csv", GENERIC))
    before = metrics(at)["Monthly volume [tokens]"]
    at.file_uploader(key=bills.UPLOAD_KEY).upload("broken.csv", b"foo;bar\n1;2\n", "text/csv")
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("broken.csv: the header (foo, bar) is not one we know") and "Supported formats" in e
               for e in errors), errors
    assert any(d.label.startswith("Download the generic CSV template") for d in at.get("download_button"))
    assert metrics(at)["Monthly volume [tokens]"] == before
    assert any("usage.csv" in s.value for s in at.success)


def test_a_failed_new_upload_in_a_later_run_never_discards_the_files_loaded():
    at = upload(section(), ("usage.csv", GENERIC))
    # the uploader now holds only the bad file (the person removed the good one from the box)
    upload(at, ("empty.json", b"   "), ("huge.csv", b"a" * (MAX_FILE_BYTES + 1)))
    errors = [e.value for e in at.error]
    assert any(e == "empty.json: the file is empty" for e in errors), errors
    assert any(e.startswith("huge.csv: the file is 20.0 MB; the limit is 20 MB") for e in errors), errors
    assert metrics(at)["Monthly volume [tokens]"] == "3B"


def test_the_same_file_twice_is_counted_once():
    at = upload(section(), ("usage.csv", GENERIC))
    at.file_uploader(key=bills.UPLOAD_KEY).upload("usage.csv", GENERIC, "text/csv")
    at.run()
    assert len(at.session_state[bills.FILES_KEY]) == 1
    # the same rows under another name: the importer drops the repeated rows
    at.file_uploader(key=bills.UPLOAD_KEY).upload("copy of usage.csv", GENERIC, "text/csv")
    at.run()
    assert len(at.session_state[bills.FILES_KEY]) == 2
    assert metrics(at)["Monthly volume [tokens]"] == "3B"
    assert any("2 repeated rows dropped" in i.value for i in at.info)


def _example_volume_and_growth() -> tuple[float, float]:
    import csv
    import io
    from datetime import datetime, timezone
    totals: dict[str, float] = {}
    for row in csv.DictReader(io.StringIO(example("openai_completions_usage.csv").decode("utf-8"))):
        if not row["model"]:
            continue                                         # the empty bucket at the end
        month = datetime.fromtimestamp(int(row["start_time"]), timezone.utc).strftime("%Y-%m")
        totals[month] = totals.get(month, 0.0) + float(row["input_tokens"]) + float(row["output_tokens"])
    months = sorted(totals)
    assert months == ["2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10"]
    slope = np.polyfit(np.arange(6), np.log([totals[k] for k in months]), 1)[0]
    return totals[months[-1]], math.exp(slope) - 1


def test_example_button_loads_the_example_set():
    at = section()
    at.button(key="bills_examples").click().run()
    assert not at.exception
    b = load_files([(n, example(n)) for n in bills.EXAMPLE_FILES]).baseline
    # independently of the importer: monthly totals summed with the csv module from the usage
    # export (input_tokens includes cached ones), growth from numpy's least-squares line on their log
    volume, growth = _example_volume_and_growth()
    assert b["tokens_per_month"] == volume == 1_922_241_899               # October 2025
    assert b["growth_per_month"] == pytest.approx(growth, rel=1e-9)
    m = metrics(at)
    assert m["Monthly volume [tokens]"] == tokens(volume) == "1.92B"
    assert m["Growth per month"] == f"{growth:+.1%}" == "+8.2%"
    assert m["Months covered"] == "6"
    assert {s for s in bills.EXAMPLE_FILES} <= {k[0] for k in at.session_state[bills.FILES_KEY]}
    assert len(at.get("plotly_chart")) == 2  # spend by model, repricing
    # estimated costs are flagged in the table
    table = at.dataframe[1].value
    assert (table["Estimated"] == "⚠ cost").sum() == 10  # May-Sep, two models: no cost export there


def test_use_as_baseline_sets_the_scenario_inputs_and_the_link_summary():
    at = section()
    at.button(key="bills_examples").click().run()
    at.button(key="bills_use_baseline").click().run()
    assert not at.exception
    b = load_files([(n, example(n)) for n in bills.EXAMPLE_FILES]).baseline
    state = at.session_state
    assert state["tokens_per_month"] == round(b["tokens_per_month"])
    assert state["input_share"] == pytest.approx(b["input_share"], abs=5e-5)
    assert state["cached_input_share"] == pytest.approx(b["cached_input_share"], abs=5e-5)
    assert state["growth_per_month"] == pytest.approx(b["growth_per_month"], abs=5e-5)
    assert state[inputs.VOLUME_STEP_KEY] == inputs.slider_value(state["tokens_per_month"])
    summary = state["baseline_summary"]
    assert set(summary) <= set(share.BASELINE_KEYS)
    assert summary["tokens_per_month"] == b["tokens_per_month"] and summary["months_covered"] == 6
    assert state[inputs.BASELINE_KEY] == summary
    # the values make a valid scenario and the summary fits in a link
    s = Scenario(**{k: state[k] for k in bills.BASELINE_INPUTS})
    assert "bl_tokens=" in share.encode(s, baseline=summary)
    assert any(x.value.startswith("Scenario set from the bills: Monthly token volume = 1.92B") for x in at.success)


def test_clear_unloads_everything_and_the_uploader_files_stay_out():
    at = upload(section(), ("usage.csv", GENERIC))
    at.button(key="bills_clear").click().run()
    assert not at.exception
    assert bills.FILES_KEY not in at.session_state
    assert any("No bills loaded" in i.value for i in at.info)
    at.run()  # the uploader still holds the file; it is not taken in again
    assert any("No bills loaded" in i.value for i in at.info)


def test_remove_unloads_one_file():
    at = upload(section(), ("usage.csv", GENERIC), ("anthropic.csv", example("anthropic_usage.csv")))
    assert len(at.session_state[bills.FILES_KEY]) == 2
    at.button(key=[b.key for b in at.button if b.key.startswith("bills_remove_0_")][0]).click().run()
    assert not at.exception
    assert [k[0] for k in at.session_state[bills.FILES_KEY]] == ["anthropic.csv"]


def test_spend_only_file_alone_is_flagged_and_shown():
    at = upload(section(), ("cost.csv", example("openai_cost.csv")))
    assert any("cost.csv" in s.value and "spend only" in s.value for s in at.success)
    assert list(at.dataframe[1].value["Month"]) == ["2025-10", "2025-10"]


def test_no_scenario_or_one_that_does_not_fit_still_shows_the_bills():
    at = AppTest.from_function(_section_app, kwargs={"none": True}, default_timeout=60)
    at.run()
    upload(at, ("usage.csv", GENERIC))
    assert any("Fix the scenario" in i.value for i in at.info)
    assert metrics(at)["Monthly volume [tokens]"] == "3B"
    at = upload(section(scenario_kwargs={"gpus_per_replica": 1, "precision": "bf16"}), ("usage.csv", GENERIC))
    assert any(w.value.startswith("These months cannot be repriced with this scenario") for w in at.warning)


# --- helpers -----------------------------------------------------------------------------------

def test_growth_is_clipped_to_the_scenario_range_and_said_so():
    values, notes = bills.baseline_inputs({"tokens_per_month": 2.5e9, "input_share": 0.81234567,
                                           "cached_input_share": 0.0, "growth_per_month": 1.7})
    assert values == {"tokens_per_month": 2.5e9, "input_share": 0.8123, "cached_input_share": 0.0,
                      "growth_per_month": 1.0}
    assert len(notes) == 1 and "+170.0%/month" in notes[0] and "+100.0%/month" in notes[0]
    values, notes = bills.baseline_inputs({"tokens_per_month": 1e9, "growth_per_month": -0.8})
    assert values["growth_per_month"] == -0.5 and notes


def test_summary_keeps_only_link_keys_and_drops_none():
    b = load_files([("u.csv", GENERIC)]).baseline
    summary = bills.baseline_summary(b)
    assert "method" not in summary and "note" not in summary and "tokens_per_month_fitted" not in summary
    assert "r_squared" not in summary  # None: two months, no fit
    assert summary["tokens_per_month"] == 3e9


def test_an_unexpected_failure_is_pinned_on_its_file(monkeypatch):
    real = bills.load_files

    def flaky(files):
        if any(name == "bad.csv" for name, _ in files):
            raise RuntimeError("boom")
        return real(files)

    monkeypatch.setattr(bills, "load_files", flaky)
    result, crashes = bills.read_files([("good.csv", GENERIC), ("bad.csv", b"x")])
    assert crashes == [("bad.csv", "RuntimeError")]
    assert [f.name for f in result.files] == ["good.csv"]


def test_spend_figure_stacks_models_and_puts_tokens_on_the_second_axis():
    months = load_files([(n, example(n)) for n in bills.EXAMPLE_FILES]).months
    fig = bills.spend_figure(months)
    bars = [t for t in fig.data if t.type == "bar"]
    line = [t for t in fig.data if t.type == "scatter"]
    assert {b.name for b in bars} == {"openai gpt-4o", "openai gpt-4o-mini"}
    assert fig.layout.barmode == "stack"
    total = sum(np.asarray(b.y, dtype=float) for b in bars)
    np.testing.assert_allclose(total, months.groupby("month")["cost_usd"].sum().to_numpy())
    assert len(line) == 1 and line[0].yaxis == "y2"
    np.testing.assert_allclose(line[0].y, months.groupby("month")[
        ["input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens"]].sum().sum(axis=1))
    # May-Sep cost was estimated (hatched), October's came from the cost export
    assert list(bars[0].marker.pattern.shape) == ["/"] * 5 + [""]


def test_reprice_figure_uses_the_page_path_colours():
    from tco.invoices.reprice import reprice
    df = reprice(load_files([("u.csv", GENERIC)]).months, Scenario())
    fig = bills.reprice_figure(df)
    assert [t.marker.color for t in fig.data] == [theme.COLORS["api"], theme.COLORS["hosted_open"],
                                                   theme.COLORS["self_host"]]
    np.testing.assert_allclose(fig.data[0].y, [250.0, 500.0])
    np.testing.assert_allclose(fig.data[1].y, df["hosted_open_usd"])


# --- inside the real page ----------------------------------------------------------------------

APP = ROOT / "app.py"


def test_the_page_has_an_import_bills_tab():
    from tco.ui.page import SECTIONS, import_bills
    assert ("Import bills", import_bills) in SECTIONS


def test_use_as_baseline_moves_the_real_pages_headline():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["_section"] = "Import bills"
    firstpaint.mark_painted(firstpaint.FULL, at.session_state)  # as the browser does after its paints
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    before = metrics(at)["Commercial API [$/mo]"]
    at.button(key="bills_examples").click().run()
    at.button(key="bills_use_baseline").click().run()
    assert not at.exception, [e.value for e in at.exception]
    b = load_files([(n, example(n)) for n in bills.EXAMPLE_FILES]).baseline
    assert at.session_state["tokens_per_month"] == round(b["tokens_per_month"])
    assert at.number_input(key="tokens_per_month").value == round(b["tokens_per_month"])
    assert metrics(at)["Commercial API [$/mo]"] != before
    assert not math.isnan(at.session_state["growth_per_month"])


def test_clear_and_remove_leave_the_uploader_empty_like_the_file_list():
    """Streamlit cannot take files out of an uploader: after Clear (or Remove of an uploaded file)
    the page draws a fresh one, so it never lists files the file list no longer shows."""
    at = upload(section(), ("usage.csv", GENERIC))
    assert at.file_uploader(key=bills.UPLOAD_KEY).value  # the upload is listed
    at.button(key="bills_clear").click().run()
    assert not at.exception
    assert not at.session_state[bills.FILES_KEY] if bills.FILES_KEY in at.session_state else True
    (up,) = at.file_uploader
    assert up.key == bills.uploader_key(at.session_state) != bills.UPLOAD_KEY
    assert not up.value  # nothing listed, as the file list
    assert any("No bills loaded" in i.value for i in at.info)
    # a new upload into the fresh uploader, then Remove: the uploader is emptied again
    up.set_value([("usage.csv", GENERIC, "text/csv")]).run()
    assert len(at.session_state[bills.FILES_KEY]) == 1
    remove = next(b for b in at.button if (b.key or "").startswith("bills_remove_"))
    remove.click().run()
    assert not at.exception
    (up,) = at.file_uploader
    assert not up.value and not at.session_state[bills.FILES_KEY]


def test_hourly_bills_set_the_pages_load_profile_and_the_link_carries_it():
    from test_bills_pricing import _hourly_openai_usage
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["_section"] = "Import bills"
    firstpaint.mark_painted(firstpaint.FULL, at.session_state)
    at.run()
    upload(at, ("usage_hourly.csv", _hourly_openai_usage()))
    at.button(key="bills_use_baseline").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # 1.8 from 09:00 to 16:00 UTC, 0.6 otherwise (tests/test_bills_pricing.py works it out)
    want = "custom:" + ",".join("1.8" if 9 <= h <= 16 else "0.6" for h in range(24))
    assert at.session_state["load_profile"] == want
    assert at.session_state["peak_to_average"] == pytest.approx(1.8)
    assert share.decode(dict(at.query_params)).scenario.load_profile == want

"""Sharing on the page, headless (streamlit.testing AppTest): a link's query reproduces the
engine's numbers, the "Share & report" section gives back a link to the same scenario, the CFO
view shows the four numbers without any input, hostile links still render, and the downloads
hold the engine's numbers.

The downloads are deferred (built on click), so AppTest never sees their bytes: the tests catch
the callables the page hands to Streamlit's media file manager and call them, as a click would.
"""

from __future__ import annotations

import io
from unittest import mock
from urllib.parse import parse_qsl

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

import pinned
from pages import metrics
from pages import run_page as run
from tco import plans, share, uncertainty
from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import report, views
from tco.ui.fmt import md, pct

SECTION = "Share & report"

LINKS = [
    "v=1&tokens_per_month=3e10&acquisition=buy&api_model=anthropic:claude-sonnet-4-5",
    "v=1&gpu=h200&staff_fte=1.5",
    "v=1&tokens_per_month=7.3e9&horizon_months=24&discount_rate=0.08&growth_per_month=0",
]


@pytest.fixture()
def downloads():
    """file name -> the zero-argument callable the page registered for a deferred download."""
    caught: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        caught[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    with mock.patch.object(MediaFileManager, "add_deferred", add_deferred):
        yield caught


@pytest.mark.parametrize("query", LINKS)
def test_a_link_shows_the_engines_numbers(query):
    s = share.decode(query).scenario
    assert s != Scenario()
    at = run(query)
    assert metrics(at) == pinned.headline(s)   # engine numbers pinned by hand in tests/pinned.py
    assert not at.warning  # a clean link has nothing to report


@pytest.mark.parametrize("query", LINKS[:2])
def test_share_section_gives_back_a_link_to_the_same_scenario(query):
    s = share.decode(query).scenario
    at = run(query, SECTION)
    links = [c.value for c in at.code]
    assert len(links) == 2
    link, cfo = (share.decode_link(x) for x in links)
    assert link.scenario == s and link.view is None and not link.notices
    assert cfo.scenario == s and cfo.view == "cfo" and not cfo.notices
    assert links[0].startswith("?")  # AppTest has no st.context.url: a relative link, and it says so
    assert any("relative" in c.value for c in at.caption)
    assert len(links[0]) - 1 <= share.MAX_LINK_CHARS
    # what the link carries: exactly the inputs that differ from the defaults
    carried = at.dataframe[0].value
    changed = {k for k, v in parse_qsl(query) if k != "v"}
    assert set(carried["Key"]) == changed
    labels = [d.label for d in at.get("download_button")]
    assert labels[:2] == ["HTML report", "Cash flows (CSV)"]


def test_the_link_carries_the_bill_summary_and_says_what_it_holds():
    query = "v=1&tokens_per_month=3e9&bl_tokens=3e9&bl_growth=0.05&bl_months=6&bl_first=2026-01&bl_last=2026-06"
    at = run(query, SECTION)
    decoded = share.decode_link(at.code[0].value)
    assert decoded.baseline == share.decode(query).baseline
    text = " ".join(c.value for c in at.caption)
    assert "6 months of bills (2026-01 to 2026-06)" in text and "3B tokens a month" in text
    assert "growing 5.0% a month" in text and "never go into a link" in text


@pytest.mark.parametrize("query", LINKS[:2])
def test_cfo_view_shows_the_four_numbers_and_no_input(query):
    s = share.decode(query).scenario
    r = evaluate(s)
    pinned.check(s, r)   # engine numbers pinned by hand in tests/pinned.py
    at = run(query + "&view=cfo")
    assert metrics(at) == {h.label: h.text for h in report.headlines(r)}
    assert len(at.metric) == 5  # the cheapest path, then four numbers against the API
    # under the payback month: the chance of payback by month 18 over the drawn scenarios
    sure = uncertainty.run(s)
    assert at.metric[3].label == "Payback month vs the API"
    assert at.metric[3].proto.delta == f"{sure.prob_payback_within[18]:.0%} chance by month 18"
    # the view leads with the recommended plan and its reason
    found = plans.search(s)
    assert at.success and at.success[0].value.startswith(f"**Recommended plan: {md(found.recommended.name)}.**")
    assert md(found.lead()[1]) in at.success[0].value
    # and how often that plan stays the cheapest in the drawn scenarios (tests/test_uncertainty.py
    # checks the draws against plan searches one by one)
    pu = uncertainty.plan_run(s, found)
    assert md(report.plan_sureness_text(pu, short=True)) in at.success[0].value
    assert f"it stays the cheapest of the {len(pu.candidates)} plans closest to it in {pct(pu.prob_stays_best)}" \
        in at.success[0].value
    for kind in ("slider", "select_slider", "number_input", "selectbox", "radio", "text_input"):
        assert len(at.get(kind)) == 0, kind
    assert len(at.sidebar) == 0
    shown = " ".join(m.value for m in at.markdown)
    assert md(views.verdict(r)) in shown
    assert len(at.get("plotly_chart")) == 2
    # the assumptions table: engine values, a source and a date on every row
    table = at.dataframe[0].value
    assert list(table["Assumption"])[:2] == ["Volume", "API"]
    assert table["Source"].str.len().min() > 0 and table["Date"].str.len().min() > 0
    api = r.resolved.params
    assert f"${api.api_input_usd_per_mtok:g} in" in table.loc[table["Assumption"] == "API", "Value"].item()
    assert f"{r.at_volume['self_host']['gpus']}×" in table.loc[table["Assumption"] == "GPUs", "Value"].item()
    # the link back to the full model: the same scenario without view=cfo
    back = share.decode_link(at.get("link_button")[0].proto.url)
    assert back.scenario == s and back.view is None


def test_cfo_view_numbers_spelled_out():
    """The four numbers of the default scenario, independently of report.headlines."""
    r = evaluate(Scenario())
    pinned.check(Scenario(), r)
    at = run("view=cfo")
    shown = metrics(at)
    saving = r.at_volume["api"]["monthly_usd"] - r.at_volume["self_host"]["monthly_usd"]
    # compact, the unit in the label: -$7,663 -> -$7.66k; 4.76B; -$165,370 -> -$165k
    # NPV by hand: API $5,550 x 1.03^(m-1) against $13,213.33 a month (2 x $3 x 730 h + $8,333.33
    # staff + $500), discounted at 10%/year as 1.1^(m/12), less the $50,000 setup in month 0
    fixed = 2 * 3.0 * 730 + 0.5 * 200_000 / 12 + 500
    npv = sum((5550 * 1.03 ** (m - 1) - fixed) / 1.1 ** (m / 12) for m in range(1, 37)) - 50_000
    assert round(npv) == -165_370 and r.npv_usd["api"] == pytest.approx(npv, rel=1e-9)
    assert f"-${-saving:,.0f}" == "-$7,663" and shown["Monthly saving vs the API [USD/month]"] == "-$7.66k"
    assert shown["Break-even volume [tokens/month]"] == f"{r.breakeven['api'].tokens_per_month / 1e9:.2f}B" == "4.76B"
    assert shown["Payback month vs the API"] == "—" and r.payback["api"].month is None
    assert shown["NPV over 36 months [USD]"] == "-$165k"


def test_hostile_cfo_link_renders_with_notices():
    query = ("view=cfo&tokens_per_month=nan&gpu=%3Cscript%3Ealert(1)%3C/script%3E&staff_fte=-3"
             "&zz=%3Cimg%20src=x%20onerror=alert(1)%3E&horizon_months=1e400&v=1")
    decoded = share.decode(query)
    assert decoded.view == "cfo" and len(decoded.notices) >= 4
    at = run(query)
    warning = " ".join(w.value for w in at.warning)
    for key in ("tokens_per_month", "gpu", "staff_fte", "horizon_months", "zz"):
        assert key in warning, key
    assert "<script" not in warning and "<img" not in warning
    assert decoded.scenario == Scenario()   # every value dropped: the defaults, pinned in tests/pinned.py
    assert metrics(at) == {h.label: h.text for h in report.headlines(evaluate(decoded.scenario))}
    assert len(at.number_input) == 0 and len(at.select_slider) == 0
    # the only HTML the view writes is its own static stylesheet
    from tco.ui import share_view
    html = [m.value for m in at.markdown if m.proto.allow_html]
    assert html == [share_view.CFO_CSS + views.METRIC_CSS]


def test_cfo_view_of_a_scenario_the_engine_rejects_is_a_message():
    at = run("v=1&open_model=deepseek-v3&gpu=l4&gpus_per_replica=1&view=cfo")
    assert at.error and "cannot be computed" in at.error[0].value
    # only the paths that do not depend on the GPUs, and no input
    assert [m.label for m in at.metric] == ["Commercial API", "Hosted open model"] and len(at.number_input) == 0


def test_csv_download_is_the_engines_cash_flows(downloads):
    query = LINKS[0]
    s = share.decode(query).scenario
    run(query, SECTION)
    assert set(downloads) >= {"tco-report.html", "tco-cash-flows.csv"}
    r = evaluate(s)
    pinned.check(s, r)   # engine numbers pinned by hand in tests/pinned.py
    data = downloads["tco-cash-flows.csv"]()
    assert data == report.cash_flows_csv(r)
    frame = pd.read_csv(io.BytesIO(data))
    assert len(frame) == s.horizon_months + 2  # months 0..horizon, then the terminal row
    assert frame["api_usd"].iloc[1] == pytest.approx(r.flows["api"][1], rel=1e-15)
    assert frame["self_host_usd"].iloc[:-1].to_numpy() == pytest.approx(r.flows["self_host"], rel=1e-15)


def test_html_report_download_holds_the_verdict_numbers_charts_and_link(downloads):
    query = LINKS[1]
    s = share.decode(query).scenario
    r = evaluate(s)
    pinned.check(s, r)   # engine numbers pinned by hand in tests/pinned.py
    at = run(query, SECTION)
    html = downloads["tco-report.html"]().decode("utf-8")
    import html as html_lib
    assert html_lib.escape(views.verdict(r)) in html
    for h in report.headlines(r):
        assert html_lib.escape(h.value) in html
    assert html.count('class="plotly-graph-div"') == 2
    assert html_lib.escape(at.code[0].value) in html
    assert "<script src=" not in html  # plotly.js inline, nothing fetched


def test_pdf_is_made_on_click_and_a_failure_is_a_message(monkeypatch):
    from tco.ui import report as report_module
    monkeypatch.setattr(report_module, "chromium_path", lambda: "/usr/bin/chromium")
    calls = []
    monkeypatch.setattr(report_module, "pdf_report", lambda html: calls.append(html) or None)
    at = run(LINKS[1], SECTION)
    assert not calls  # nothing printed until asked
    at.button(key="share_pdf_make").click().run()
    assert not at.exception and len(calls) == 1
    assert any("could not print" in w.value for w in at.warning)

    monkeypatch.setattr(report_module, "pdf_report", lambda html: b"%PDF-1.7 test")
    at = run(LINKS[1], SECTION)
    at.button(key="share_pdf_make").click().run()
    assert [d.label for d in at.get("download_button")][-1] == "PDF report"


def test_no_pdf_button_without_chromium(monkeypatch):
    from tco.ui import report as report_module
    monkeypatch.setattr(report_module, "chromium_path", lambda: None)
    at = run(LINKS[1], SECTION)
    assert [d.label for d in at.get("download_button")] == ["HTML report", "Cash flows (CSV)"]
    assert not at.button and any("needs Chromium" in c.value for c in at.caption)


def test_a_link_with_the_bills_prices_names_the_api_path_after_them():
    # the query "Use as baseline" applies for the example bills (tco.invoices.baseline.link_query)
    from pathlib import Path

    from tco.invoices import load_files
    from tco.invoices.baseline import link_query
    examples = Path(__file__).resolve().parents[1] / "data" / "examples"
    result = load_files([(n, (examples / n).read_bytes()) for n in ("openai_completions_usage.csv", "openai_cost.csv")])
    query = link_query(result.baseline)
    for view in ("", "&view=cfo"):
        at = run(query + view)
        text = "".join(m.value for m in at.markdown).replace("\\", "")
        # October 2025: $1,979.75 billed for 1.92B tokens, 75% of them on gpt-4o-mini
        assert "$1,980 for your bills (gpt-4o-mini 75%, gpt-4o 25%)" in text, view
    rows = {r["Assumption"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert rows["API"]["Value"].startswith("your bills (gpt-4o-mini 75%, gpt-4o 25%): $0.7375 in")
    assert rows["API"]["Source"].startswith("your imported bills; prices of 2025-10")

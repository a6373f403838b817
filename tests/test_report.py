"""The downloads: assumptions table, cash-flow CSV, self-contained HTML report, PDF.

The HTML report must open offline: plotly.js embedded once, nothing fetched from any host (checked
statically here and, in the browser test, by recording every request headless Chromium makes).
"""

from __future__ import annotations

import dataclasses
import html
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from chromium import require_chromium
from tco import catalog, model, plans, uncertainty
from tco.explain import tokens, usd
from tco.scenario import DEFAULTS_DATE, FIELDS, Scenario
from tco.ui import report

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_NOTICE = "<script>alert(1)</script>"
HOSTILE_LINK = 'https://tco.example/?v=1&gpu=h100_sxm&x="><script>alert(2)</script>&y=\'q\''
VERDICT = "At 2B tokens a month, self-hosting costs more than the API <for now> & \"really\"."


@pytest.fixture(scope="module")
def result():
    return model.evaluate(Scenario())


def figures(result) -> dict[str, go.Figure]:
    """Two simple charts from the engine's own monthly flows (the page builds the real ones)."""
    f = result.flows
    months = np.arange(len(f["self_host"]))
    colours = {"api": "#1f6feb", "hosted_open": "#8250df", "self_host": "#d4570b"}
    cost = go.Figure([go.Scatter(x=months[1:], y=f[k][1:], name=k, line=dict(color=c))
                      for k, c in colours.items()])
    cost.update_layout(height=380, template="plotly_white", margin=dict(l=10, r=10, t=30, b=10),
                       xaxis_title="month", yaxis_title="USD per month")
    cum = go.Figure([go.Scatter(x=months, y=np.cumsum(f[k] - f["self_host"]), name=f"saving vs {k}",
                                line=dict(color=colours[k])) for k in ("api", "hosted_open")])
    cum.add_vrect(x0=12, x1=18, fillcolor="rgba(46,160,67,0.12)", line_width=0)
    cum.update_layout(height=380, template="plotly_white", margin=dict(l=10, r=10, t=30, b=10),
                      xaxis_title="month", yaxis_title="cumulative saving, USD")
    return {"Monthly cost of each path": cost, "Cumulative savings <b>&</b> payback": cum}


@pytest.fixture(scope="module")
def report_html(result):
    return report.html_report(result, figures(result), HOSTILE_LINK, VERDICT, notices=[HOSTILE_NOTICE])


# --- assumptions -------------------------------------------------------------------------------

def test_assumptions_table_has_every_input_with_unit_source_and_date(result):
    df = report.assumptions_table(result)
    assert list(df["key"]) == list(FIELDS)
    assert {"key", "label", "value", "unit", "source", "date"} <= set(df.columns)
    for col in ("label", "value", "unit", "source", "date"):
        assert (df[col].str.len() > 0).all(), df[df[col].str.len() == 0][["key", col]]
    plain = df.set_index("key")
    # values for people, with their unit: 0.5 FTE, 80% (not 0.8), $200,000/year (not 200000)
    assert plain.loc["staff_fte", "value"] == "0.5 FTE"
    assert plain.loc["tokens_per_month", "value"] == "2,000,000,000 tokens/month"
    assert plain.loc["input_share", "value"] == "80%" and plain.loc["growth_per_month", "value"] == "3%/month"
    assert plain.loc["staff_cost_usd_per_year", "value"] == "$200,000/year"
    assert plain.loc["min_replicas", "value"] == "1 replica"
    assert plain.loc["staff_fte", "date"] == DEFAULTS_DATE


def test_assumptions_catalog_values_show_catalog_source(result):
    df = report.assumptions_table(result).set_index("key")
    h100 = catalog.gpus()["h100_sxm"]
    assert h100.on_demand_usd_per_hour == 3.0
    assert df.loc["gpu_hour_usd", "value"] == "$3/GPU-hour (catalog)"
    assert df.loc["gpu_hour_usd", "source"] == h100.price_source
    assert df.loc["gpu_hour_usd", "date"] == h100.price_date
    assert df.loc["gpu", "source"] == h100.spec_source and df.loc["gpu", "date"] == h100.spec_date
    scout = catalog.models()["llama-4-scout"]
    assert df.loc["open_model", "source"] == scout.source and df.loc["open_model", "date"] == scout.date
    api = result.resolved.api
    assert api.input == 1.25 and df.loc["api_input_usd_per_mtok", "value"] == "$1.25/1M tokens (catalog)"
    assert df.loc["api_input_usd_per_mtok", "source"] == api.source
    assert df.loc["api_input_usd_per_mtok", "date"] == api.date


def test_assumptions_override_shows_user_value():
    r = model.evaluate(Scenario(gpu_hour_usd=2.25, staff_fte=1.5))
    df = report.assumptions_table(r).set_index("key")
    assert df.loc["gpu_hour_usd", "value"] == "$2.25/GPU-hour"
    assert "(catalog)" not in df.loc["gpu_hour_usd", "value"]
    # the catalog's H100 SXM price is $3.00/GPU-hour (data/gpus.csv), the default staff 0.5 FTE
    assert df.loc["gpu_hour_usd", "source"] == "set in this scenario (catalog: $3/GPU-hour)"
    assert df.loc["staff_fte", "value"] == "1.5 FTE"
    assert df.loc["staff_fte", "source"] == "set in this scenario (default: 0.5)"
    assert not df["source"].str.contains("catalog value").any()


# --- cash flows --------------------------------------------------------------------------------

COLUMNS = ["month", "tokens", "api_usd", "hosted_open_usd", "self_host_usd", "rent_usd", "capex_usd",
           "maintenance_usd", "electricity_usd", "colocation_usd", "staff_usd", "other_usd", "setup_usd",
           "terminal_value_usd", "gpus", "replicas", "cumulative_savings_vs_api_usd",
           "cumulative_savings_vs_hosted_open_usd"]


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data))


def test_cash_flows_csv_columns_rows_and_precision(result):
    data = report.cash_flows_csv(result)
    assert data.decode("utf-8").split("\r\n", 1)[0] == ",".join(COLUMNS)  # plain header, no comment
    df = read_csv(data)
    h = result.resolved.scenario.horizon_months
    assert list(df.columns) == COLUMNS
    assert len(df) == h + 2  # months 0..h and the terminal row
    months = df.iloc[:-1]
    assert list(months["month"].astype(int)) == list(range(h + 1))
    assert df["month"].iloc[-1] == "terminal"
    # full precision: exactly the engine's floats
    np.testing.assert_array_equal(months["self_host_usd"].to_numpy(), result.flows["self_host"])
    np.testing.assert_array_equal(months["api_usd"].to_numpy(), result.flows["api"])
    expected = np.sum(result.flows["api"] - result.flows["self_host"])
    assert months["cumulative_savings_vs_api_usd"].iloc[-1] == pytest.approx(expected, rel=1e-12)
    expected_h = np.sum(result.flows["hosted_open"] - result.flows["self_host"])
    assert months["cumulative_savings_vs_hosted_open_usd"].iloc[-1] == pytest.approx(expected_h, rel=1e-12)


def test_cash_flows_month_1_by_hand(result):
    """Default scenario, month 1, rented H100s: staff + other + rent, nothing else."""
    s = Scenario()
    df = read_csv(report.cash_flows_csv(result))
    m1 = df[df["month"] == "1"].iloc[0]
    gpus = m1["gpus"]
    assert gpus == 2  # Llama 4 Scout fp8 needs 2x H100 80GB at these request lengths (one replica)
    rent_per_hour = catalog.gpus()[s.gpu].on_demand_usd_per_hour  # $3.00 in data/gpus.csv
    staff = 0.5 * 200_000 / 12                                     # 8,333.33
    other = 500.0
    rent = gpus * rent_per_hour * 730                               # 2 x 3.00 x 730 = 4,380
    assert (s.staff_fte, s.staff_cost_usd_per_year, s.other_monthly_usd) == (0.5, 200_000, 500)
    assert m1["self_host_usd"] == pytest.approx(staff + other + rent, rel=1e-12)   # 13,213.33
    assert m1["self_host_usd"] == pytest.approx(13_213.333333333334, rel=1e-12)
    assert m1["rent_usd"] == pytest.approx(rent) and m1["staff_usd"] == pytest.approx(staff)
    assert m1["capex_usd"] == 0 and m1["setup_usd"] == 0
    m0 = df[df["month"] == "0"].iloc[0]
    assert m0["self_host_usd"] == s.setup_cost_usd == m0["setup_usd"]


def test_cash_flows_terminal_row_for_bought_gpus():
    r = model.evaluate(Scenario(acquisition="buy"))
    terminal = float(r.flows["terminal_value"])
    assert terminal > 0
    df = read_csv(report.cash_flows_csv(r))
    end, last = df.iloc[-1], df.iloc[-2]
    assert end["terminal_value_usd"] == terminal and end["self_host_usd"] == -terminal
    assert end["cumulative_savings_vs_api_usd"] == pytest.approx(last["cumulative_savings_vs_api_usd"] + terminal)
    parts = [f"{c}_usd" for c in report.COMPONENTS]
    np.testing.assert_allclose(df[parts].sum(axis=1) - df["terminal_value_usd"], df["self_host_usd"],
                               rtol=1e-12, atol=1e-6)
    assert df.iloc[:-1]["capex_usd"].sum() > 0


# --- HTML --------------------------------------------------------------------------------------

class Resources(HTMLParser):
    """Every attribute that could load something, every <style> body, and where text holds 'http'."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.loads: list[tuple[str, str, str]] = []
        self.anchors: list[str] = []
        self.styles: list[str] = []
        self.http_text: list[tuple[str, str]] = []
        self.scripts_with_src = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and "src" in a:
            self.scripts_with_src += 1
        if tag == "a" and "href" in a:
            self.anchors.append(a["href"])
        for name in ("src", "href", "srcset", "poster", "data", "action", "background"):
            if name in a and not (tag == "a" and name == "href"):
                self.loads.append((tag, name, a[name]))
        if "style" in a:
            self.styles.append(a["style"])
        if tag not in ("meta", "br", "link", "img", "input"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.stack:
            return
        tag, a = self.stack[-1]
        if tag == "style":
            self.styles.append(data)
        elif tag != "script" and "http" in data:
            self.http_text.append((f"{tag}.{a.get('class', '')}", data))


def test_html_report_is_self_contained(report_html, result):
    out = report_html
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert out.count("* plotly.js v") == 1            # the library, embedded once
    assert out.count("Plotly.newPlot(") == 2          # two charts
    assert '"displaylogo": false' in out
    assert not re.search(r"<script[^>]*\bsrc\s*=", out, re.I)
    assert not re.search(r"<link\b", out, re.I)
    assert "cdn.plot.ly/plotly" not in out
    p = Resources()
    p.feed(out)
    assert p.scripts_with_src == 0
    assert p.loads == []                               # nothing with src/href besides the link
    assert p.anchors == [HOSTILE_LINK]                 # the one <a>, its value intact
    for css in p.styles:
        assert "url(" not in css and "@import" not in css and "@font-face" not in css
    # 'http' outside scripts only in the link itself and in the sources of the assumptions table
    for where, text in p.http_text:
        assert where in ("p.link", "td.source"), (where, text[:80])
    assert len(out) < 8_000_000


def test_html_report_headline_numbers_and_sections(report_html, result):
    out = report_html
    av = result.at_volume
    assert html.escape(VERDICT) in out
    saving = av["api"]["monthly_usd"] - av["self_host"]["monthly_usd"]
    # compact in the box (-$7,663 -> -$7.66k), the exact amount in the note under it
    assert "<div class='value'>-$7.66k</div>" in out and f"costs {usd(-saving)} a month more" in out
    assert usd(-saving) == "$7,663"
    be = result.breakeven["api"]
    assert be.tokens_per_month is not None
    assert f"<div class='value'>{tokens(be.tokens_per_month)}</div>" in out and "[tokens/month]" in out
    assert f"{be.tokens_per_month:,.0f} tokens a month" in out
    pay = result.payback["api"]
    assert pay.month is None                          # default scenario: no payback within 36 months
    assert html.escape(pay.reason) in out
    assert html.escape(usd(result.npv_usd["api"])) in out
    for step in result.steps:
        assert html.escape(step) in out
    for label in ("Monthly cost of each path", "Cumulative savings &lt;b&gt;&amp;&lt;/b&gt; payback",
                  "Show the arithmetic", "Assumptions", catalog.price_catalog_date()):
        assert label in out
    assert html.escape(catalog.gpus()["h100_sxm"].price_source) in out
    assert re.search(r"<title>[^<]*\d{4}-\d{2}-\d{2}[^<]*</title>", out)


def test_html_report_payback_month_shown_when_it_exists():
    r = model.evaluate(Scenario(tokens_per_month=2e10))
    assert r.payback["api"].month is not None
    out = report.html_report(r, {}, None, "v")
    assert f"month {r.payback['api'].month}" in out
    assert "* plotly.js" not in out                   # no charts, no library


def test_html_report_leads_with_the_plan_and_says_how_sure():
    s = Scenario(tokens_per_month=2e10)
    r = model.evaluate(s)
    found, sure = plans.search(s), uncertainty.run(s, samples=2000)
    out = report.html_report(r, {}, None, "the verdict", plan=found, sure=sure)
    lead = f"<p class='plan'><strong>Recommended plan: {html.escape(found.recommended.name)}.</strong>"
    assert lead in out and out.index(lead) < out.index("<p class='verdict'>the verdict</p>")
    name, why = found.lead()   # the reason without the name the bold part already shows
    assert found.reason == f"{name}: {why[:1].lower()}{why[1:]}" and html.escape(why) in out
    # the plans table: the recommended plan first, then the next cheapest, as many as fit in 8
    table = out[out.index("<table class='plans'>"):]
    table = table[:table.index("</table>")]
    feasible = [q for q in found.plans if q.feasible]
    assert table.count("<tr>") == 1 + min(8, len(feasible))
    assert table.index(html.escape(feasible[0].name)) < table.index(html.escape(feasible[1].name))
    # whole dollars, written here: e.g. $83,399
    assert f"<td class=num>${feasible[0].total_cost_usd:,.0f}</td>" in table
    # the chance of payback as a sixth headline box, and the bands and the tornado below
    p18 = sure.prob_payback_within[18]
    assert "Chance of payback within 18 months" in out and f"<div class='value'>{p18:.0%}</div>" in out
    assert f"P10 {usd(sure.quantiles['npv_usd']['p10'])}" in out and f"{sure.samples:,} scenarios drawn" in out
    top = [row for row in sure.tornado if row["swing"] > 0][0]
    assert html.escape(top["label"]) in out and usd(top["swing"]) in out
    for i in sure.inputs:
        assert html.escape(i.source) in out
    # without them the report is as before: no plan, no chance
    plain = report.html_report(r, {}, None, "the verdict")
    assert "class='plan'" not in plain and "Chance of payback" not in plain


def test_report_figures_carry_the_band_of_the_draws():
    from tco.ui import share_view
    s = Scenario()
    r = model.evaluate(s)
    sure = uncertainty.run(s, samples=500)
    figs = share_view.report_figures(s, r, None, sure)
    title, pay = list(figs.items())[1]
    assert "P10–P90 band" in title
    band = [tr for tr in pay.data if (tr.meta or {}).get("role") == "band"][0]
    assert list(band.y) == pytest.approx(list(sure.cumulative_savings["p10"]))
    assert "500 drawn scenarios" in band.name


def test_html_report_escapes_hostile_text(report_html):
    out = report_html
    assert HOSTILE_NOTICE not in out and "<script>alert" not in out
    assert html.escape(HOSTILE_NOTICE) in out
    assert html.escape(HOSTILE_LINK) in out            # as text and in the href, quotes escaped
    assert f'href="{html.escape(HOSTILE_LINK)}"' in out
    assert "<for now>" not in out


def test_html_report_shows_engine_warnings():
    r = model.evaluate(Scenario(input_share=0.5))   # 2,000 in / 500 out is 80% input: they disagree
    assert r.resolved.warnings
    out = report.html_report(r, {}, None, "v")
    assert "<h2>Warnings</h2>" in out
    for w in r.resolved.warnings:
        assert html.escape(w) in out


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                  "//evil.example/x"])
def test_html_report_non_web_link_is_text_only(result, link):
    out = report.html_report(result, {}, link, "v")
    assert "<a " not in out
    assert html.escape(link) in out and "<script>alert" not in out


# --- browser: the report makes no network request ------------------------------------------------

@pytest.mark.browser
def test_html_report_opens_offline_in_chromium(tmp_path, result, browser):
    figs = figures(result)
    path = tmp_path / "report.html"
    path.write_text(report.html_report(result, figs, HOSTILE_LINK, VERDICT, notices=[HOSTILE_NOTICE]),
                    encoding="utf-8")
    requests: list[str] = []
    dialogs: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.on("request", lambda req: requests.append(req.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_function(f"document.querySelectorAll('.plot-container').length === {len(figs)}",
                               timeout=15_000)
        page.wait_for_load_state("networkidle")
        assert page.locator(".headline").count() == 5  # the cheapest path, then four against the API
        assert page.locator(".chart .main-svg").count() >= len(figs)
        assert page.locator("a").get_attribute("href") == HOSTILE_LINK
    finally:
        context.close()
    assert dialogs == []                               # no injected script ran
    assert requests and all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests


# --- PDF ---------------------------------------------------------------------------------------

@pytest.mark.browser
def test_pdf_report_prints_and_cleans_up(monkeypatch, result, report_html):
    require_chromium()
    made = []
    real = report.tempfile.TemporaryDirectory

    def recording(*a, **kw):
        t = real(*a, **kw)
        made.append(t.name)
        return t

    monkeypatch.setattr(report.tempfile, "TemporaryDirectory", recording)
    pdf = report.pdf_report(report_html)
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert 30_000 < len(pdf) < 20_000_000
    assert made and not any(Path(d).exists() for d in made)  # nothing of the report left behind
    if shutil.which("pdftoppm") and os.environ.get("TCO_REPORT_PDF_PNG"):
        # for a person to look at: TCO_REPORT_PDF_PNG=/tmp/page  -> /tmp/page-1.png ...
        pdf_path = Path(os.environ["TCO_REPORT_PDF_PNG"] + ".pdf")
        pdf_path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf_path), os.environ["TCO_REPORT_PDF_PNG"]],
                       check=True, timeout=60)


def test_pdf_report_none_without_chromium(monkeypatch):
    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    monkeypatch.setattr(report, "CHROMIUM_FALLBACK", "/nonexistent/chromium")
    assert report.pdf_report("<html></html>") is None


def test_pdf_report_none_when_chromium_fails_or_hangs(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "chromium_path", lambda: "/bin/true")  # exits 0, prints nothing
    assert report.pdf_report("<html></html>") is None
    hang = tmp_path / "hang.sh"
    hang.write_text("#!/bin/sh\nsleep 30\n")
    hang.chmod(0o755)
    monkeypatch.setattr(report, "chromium_path", lambda: str(hang))
    assert report.pdf_report("<html></html>", timeout_s=0.5) is None
    monkeypatch.setattr(report, "chromium_path", lambda: str(tmp_path / "missing"))
    assert report.pdf_report("<html></html>") is None


def test_plan_sureness_sentence_by_hand():
    from tco.uncertainty import PlanUncertainty
    pu = PlanUncertainty(recommended="Plan A", kind="hybrid", samples=1000, seed=1, spread=1.0,
                         candidates=("Plan A", "Plan B", "Plan C"), prob_stays_best=0.87,
                         best_share={"Plan A": 0.87, "Plan B": 0.1, "Plan C": 0.03},
                         quantiles={"npv_usd": {"p10": -1000.0, "p50": 25000.0, "p90": 1.2e6},
                                    "payback_month": {"p10": 2.0, "p50": 3.0, "p90": None, "share_none": 0.2},
                                    "monthly_savings_usd": {"p10": 1.0, "p50": 2.0, "p90": 3.0}},
                         prob_payback_within={12: 0.7, 18: 0.8, 24: 0.85, 36: 0.9})
    assert report.plan_sureness_text(pu) == (
        "In 1,000 drawn scenarios it stays the cheapest of the 3 plans closest to it in 87% (beaten most often by "
        f"Plan B, in 10%); its NPV against the API: P10 {usd(-1000.0)}, P50 {usd(25000.0)}, P90 {usd(1.2e6)}; "
        "paid back within 18 months in 80% of them.")
    assert report.plan_sureness_text(pu, short=True) == (
        "In 1,000 drawn scenarios it stays the cheapest of the 3 plans closest to it in 87%; its NPV against the "
        "API: P10 -$1k, P50 $25k, P90 $1.2M; paid back within 18 months in 80% of them.")
    assert report.plan_share_rows(pu) == [{"Plan": "Plan A", "Cheapest in": "87%"},
                                          {"Plan": "Plan B", "Cheapest in": "10%"},
                                          {"Plan": "Plan C", "Cheapest in": "3%"}]
    api = dataclasses.replace(pu, kind="api", best_share={"Plan A": 1.0}, prob_stays_best=1.0)
    assert report.plan_sureness_text(api) == ("In 1,000 drawn scenarios it stays the cheapest of the 3 plans "
                                              "closest to it in 100%.")
    assert report.plan_sureness_text(None) == ""


def test_report_carries_the_recommended_plan_in_the_draws():
    from test_uncertainty import CLOSE
    r = model.evaluate(CLOSE)
    found = plans.search(CLOSE)
    pu = uncertainty.plan_run(CLOSE, found, samples=300)
    out = report.html_report(r, {}, None, "v", plan=found, plan_sure=pu)
    assert html.escape(report.plan_sureness_text(pu)) in out
    assert "<h3>The recommended plan in the drawn scenarios</h3>" in out
    for row in report.plan_share_rows(pu):
        assert f"<tr><td>{html.escape(row['Plan'])}</td><td class='num'>{row['Cheapest in']}</td></tr>" in out


@pytest.mark.parametrize("query", ["v=1&tokens_per_month=5e9&gpu=h200",      # 1 replica of 1 GPU
                                   "v=1&tokens_per_month=3e10&gpu=h100_sxm"])  # several of each
def test_counts_and_multiples_read_as_words_in_the_real_report(query):
    """'1 GPU' and '2 GPUs', never '1 GPUs' or 'replica(s)'; '4× NVIDIA' and '×0.36', never '4x';
    the seed is a name, not a quantity ('20261201', not '20,261,201'); the break-even label names
    the path it compares with, never an internal key."""
    from tco import share
    from tco.ui import share_view
    s = share.decode(query).scenario
    r = model.evaluate(s)
    found, sure = share_view.plan_and_sureness(s)
    figs = share_view.report_figures(s, r, None, sure)
    out = report.html_report(r, figs, None, "v", plan=found, sure=sure,
                             plan_sure=share_view.plan_sureness(s, found))
    prose = re.sub(r"<(script|style)\b.*?</\1>", " ", out, flags=re.S)  # Plotly's code is not prose
    text = html.unescape(re.sub(r"<[^>]+>", " ", prose))
    assert "Show the arithmetic" in text and "Assumptions" in text
    assert not re.search(r"(?<![\d.,])1 (GPUs|replicas)\b", text), re.findall(r".{40}(?<![\d.,])1 (?:GPUs|replicas).{20}", text)
    assert "(s)" not in text
    assert not re.search(r"\d+x [A-Z]|\(x\d", text), re.findall(r".{30}(?:\d+x [A-Z]|\(x\d).{20}", text)
    assert "20,261,201" not in text and "20261201" in text
    labels = [t for f in figs.values() for tr in f.data for t in (tr.text or ()) if isinstance(t, str)]
    assert any(t.startswith("break-even vs the API") for t in labels), labels
    assert not any(re.search(r"vs (api|hosted_open|self_host)\b", t) for t in labels), labels

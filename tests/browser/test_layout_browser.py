"""Layout in a real browser at a laptop's 1280x720 and a phone's 390x844: headline numbers are
never cut with "…", the report's and the PDF's charts keep their tick labels inside the figure and
clear of the axis titles, and the CFO view works on a phone (no mode bar, legend under the plot,
the table scrolls inside its box)."""

from __future__ import annotations

import pytest

from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import report, share_view

from conftest import wait_for_app

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}

#: Scenarios whose numbers are as long as they get: billions of dollars, a 120-month horizon,
#: tens of thousands of GPUs, a volume the slider does not reach.
EXTREME = [
    "v=1",
    "v=1&tokens_per_month=1e14&api_model=anthropic:claude-opus-4-1",
    "v=1&tokens_per_month=1e6&staff_fte=10&horizon_months=120",
    "v=1&tokens_per_month=1e11&api_model=anthropic:claude-opus-4-1&acquisition=buy&horizon_months=120",
    "v=1&tokens_per_month=4761561562&staff_fte=7.5&setup_cost_usd=12345678",
]

#: Every metric's value and label: is its text wider than its box (cut with "…")?
CUT_METRICS_JS = """() => [...document.querySelectorAll('[data-testid=stMetric]')].flatMap(m => {
  const out = [];
  for (const id of ['stMetricValue', 'stMetricLabel']) {
    const el = m.querySelector(`[data-testid=${id}]`);
    if (!el) continue;
    for (const e of [el, ...el.querySelectorAll('*')]) {
      if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
        out.push(`${id}: ${el.innerText} (${e.scrollWidth} > ${e.clientWidth})`);
    }
  }
  return out;
})"""


def _open(browser, url: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    wait_for_app(page, timeout=60_000)
    return context, page


@pytest.mark.parametrize("query", EXTREME)
@pytest.mark.parametrize("view", ["page", "cfo"])
def test_no_headline_number_is_cut_at_1280(app_url, browser, query, view):
    url = f"{app_url}/?{query}" + ("&view=cfo" if view == "cfo" else "")
    context, page = _open(browser, url, LAPTOP)
    try:
        if view == "cfo":  # the full paint: the chance of payback under the payback month
            page.get_by_test_id("stMetricDelta").first.wait_for(timeout=60_000)
        values = page.get_by_test_id("stMetricValue").all_inner_texts()
        assert len(values) == (8 if view == "page" else 5)
        assert not any("…" in v for v in values), values
        assert page.evaluate(CUT_METRICS_JS) == []
    finally:
        context.close()


def test_no_headline_number_is_cut_on_a_phone(app_url, browser):
    context, page = _open(browser, f"{app_url}/?{EXTREME[1]}", PHONE)
    try:
        assert page.evaluate(CUT_METRICS_JS) == []
    finally:
        context.close()


# --- the report's charts ---------------------------------------------------------------------

#: For every chart: each tick label's box must lie inside the figure and not overlap its axis
#: title; returns the problems found (an empty list when the layout is right).
CHART_BOXES_JS = """() => {
  const problems = [];
  const box = e => e.getBoundingClientRect();
  const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  if (!plots.length) problems.push('no chart drawn');
  plots.forEach((gd, i) => {
    const fig = box(gd.querySelector('.main-svg'));
    for (const ax of ['x', 'y']) {
      const title = gd.querySelector(`.g-${ax}title text`);
      const ticks = [...gd.querySelectorAll(`.${ax}tick text, .${ax}2tick text`)].filter(t => t.textContent);
      if (!ticks.length) problems.push(`chart ${i}: no ${ax} tick labels`);
      for (const t of ticks) {
        const b = box(t);
        if (b.left < fig.left - 0.5 || b.right > fig.right + 0.5 || b.top < fig.top - 0.5 || b.bottom > fig.bottom + 0.5)
          problems.push(`chart ${i}: ${ax} tick "${t.textContent}" outside the figure`);
        if (title && overlap(b, box(title)))
          problems.push(`chart ${i}: ${ax} tick "${t.textContent}" under the axis title`);
      }
      if (title) {
        const tb = box(title);
        if (tb.left < fig.left - 0.5 || tb.right > fig.right + 0.5 || tb.top < fig.top - 0.5 || tb.bottom > fig.bottom + 0.5)
          problems.push(`chart ${i}: ${ax} title outside the figure`);
      }
    }
  });
  return problems;
}"""


@pytest.fixture(scope="module")
def report_html(tmp_path_factory):
    s = Scenario(tokens_per_month=5e9, gpu="h200")
    r = evaluate(s)
    text = report.html_report(r, share_view.report_figures(s, r), "http://127.0.0.1:8501/?v=1", "A verdict.")
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(text, encoding="utf-8")
    # the page Chromium prints for the PDF (report.pdf_report): charts pinned to the paper's width
    pdf_page = path.with_name("report_pdf.html")
    pdf_page.write_text(text.replace('<html lang="en">', '<html lang="en" class="pdf">', 1), encoding="utf-8")
    return path, pdf_page


def _charts_drawn(page) -> None:
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=30_000)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280", "390"])
def test_report_charts_keep_their_labels_inside_and_clear_of_the_titles(browser, report_html, viewport):
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(report_html[0].as_uri())
        _charts_drawn(page)
        assert page.evaluate(CHART_BOXES_JS) == []
    finally:
        context.close()


def test_pdf_charts_keep_their_labels_inside_and_clear_of_the_titles(browser, report_html):
    """The page Chromium prints, at A4's width in print media, as pdf_report prints it."""
    context = browser.new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 px/inch
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(report_html[1].as_uri())
        _charts_drawn(page)
        widths = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map(g => g._fullLayout.width)")
        assert widths == [report.PRINT_CHART_WIDTH_PX] * len(widths)  # the fixed width for paper
        assert page.evaluate(CHART_BOXES_JS) == []
    finally:
        context.close()


def test_no_table_cell_of_the_pdf_spills_into_the_next(browser, tmp_path):
    """The printed page with every section (plans, how sure, the plan in the draws) at A4's width:
    no cell's text runs past its cell (the tornado's "13.3B tokens/month → $1.03M" did)."""
    from tco import plans, uncertainty
    s = Scenario(tokens_per_month=2e10, private_share=0.3)
    r = evaluate(s)
    found = plans.search(s)
    sure = uncertainty.run(s, samples=2000)
    text = report.html_report(r, {}, None, "A verdict.", plan=found, sure=sure,
                              plan_sure=uncertainty.plan_run(s, found, samples=200))
    path = tmp_path / "report_pdf.html"
    path.write_text(text.replace('<html lang="en">', '<html lang="en" class="pdf">', 1), encoding="utf-8")
    context = browser.new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 px/inch
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(path.as_uri())
        spilled = page.evaluate("""() => [...document.querySelectorAll('td, th')]
            .filter(c => c.scrollWidth > c.clientWidth + 1)
            .map(c => `${c.closest('table').className}: ${c.innerText} (${c.scrollWidth} > ${c.clientWidth})`)""")
        assert spilled == []
        assert page.evaluate("() => document.querySelectorAll('table.tornado td').length") > 0
        assert "The recommended plan in the drawn scenarios" in page.inner_text("body")
    finally:
        context.close()


def test_the_pdf_itself_holds_every_tick_label(report_html, tmp_path):
    """The printed PDF: every tick label of the charts is in its text (none cut off)."""
    import shutil
    import subprocess
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = report_html[0].read_text(encoding="utf-8")
    pdf = report.pdf_report(text)
    assert pdf is not None and pdf.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    s = Scenario(tokens_per_month=5e9, gpu="h200")
    figs = share_view.report_figures(s, evaluate(s))
    for fig in figs.values():
        for axis in (fig.layout.yaxis, fig.layout.xaxis):
            for label in axis.ticktext or ():
                assert label in out, label
        assert fig.layout.xaxis.title.text.split(" [")[0] in out


# --- the CFO view on a phone ------------------------------------------------------------------

def test_cfo_view_on_a_phone(app_url, browser):
    context, page = _open(browser, f"{app_url}/?v=1&tokens_per_month=1e10&staff_fte=1&view=cfo", PHONE)
    try:
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=30_000)
        page.get_by_test_id("stDataFrame").first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        # no mode bar over the legend and the axis titles
        assert page.locator(".modebar-container .modebar").count() == 0
        # the legend sits under the plot area and inside the figure; nothing runs off the screen
        for gd in page.locator(".js-plotly-plot").all():
            b = gd.evaluate("""g => {
              const r = e => e.getBoundingClientRect();
              const leg = r(g.querySelector('.legend')), plot = r(g.querySelector('.nsewdrag')), fig = r(g.querySelector('.main-svg'));
              const xt = g.querySelector('.g-xtitle text');
              return {legTop: leg.top, legBottom: leg.bottom, legRight: leg.right, plotBottom: plot.bottom,
                      figBottom: fig.bottom, figRight: fig.right, xtitleBottom: xt ? r(xt).bottom : null};
            }""")
            assert b["legTop"] >= b["plotBottom"], b
            assert b["xtitleBottom"] is None or b["legTop"] >= b["xtitleBottom"] - 0.5, b
            assert b["legBottom"] <= b["figBottom"] + 0.5 and b["legRight"] <= PHONE["width"], b
        assert page.evaluate(CHART_BOXES_JS) == []
        # the page itself never scrolls sideways; the table scrolls inside its own box
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        table = page.get_by_test_id("stDataFrame").first.bounding_box()
        assert table["x"] >= 0 and table["x"] + table["width"] <= PHONE["width"] + 0.5
        assert page.evaluate(CUT_METRICS_JS) == []
    finally:
        context.close()


# --- light and dark ---------------------------------------------------------------------------

def _luminance(css_colour: str) -> float:
    """0 (black) .. 1 (white) from 'rgb(r, g, b)' / 'rgba(r, g, b, a)'."""
    r, g, b = (float(v) for v in css_colour[css_colour.index("(") + 1:].rstrip(")").split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_and_charts_follow_the_browsers_colour_scheme(app_url, browser, scheme):
    context = browser.new_context(viewport=LAPTOP, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/?v=1&tokens_per_month=5e9&view=cfo")
        wait_for_app(page, timeout=60_000)
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=30_000)
        app_bg = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor")
        paper = page.evaluate("() => document.querySelector('.js-plotly-plot .main-svg .bg').style.fill"
                              " || getComputedStyle(document.querySelector('.js-plotly-plot .main-svg .bg')).fill")
        ink = page.evaluate("() => getComputedStyle(document.querySelector('.js-plotly-plot .xtick text')).fill")
        if scheme == "dark":  # a dark page, dark charts, light labels on them
            assert _luminance(app_bg) < 0.2 and _luminance(paper) < 0.2 and _luminance(ink) - _luminance(paper) > 0.3
        else:
            assert _luminance(app_bg) > 0.9 and _luminance(paper) > 0.9 and _luminance(paper) - _luminance(ink) > 0.3
    finally:
        context.close()

"""The "How sure" tab (AppTest) and its figures."""

from __future__ import annotations

import numpy as np
import pytest

from pages import run_page
from tco import uncertainty
from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import uncertainty_view

from test_uncertainty import FIXED


def _inputs_table(at):
    """The table of the uncertain inputs (the tab also lists the plans that win some draws)."""
    return next(d.value for d in at.dataframe if "Share of NPV variance" in d.value.columns)


def test_how_sure_tab_at_zero_spread_shows_the_deterministic_answer():
    # 20B tokens a month: the default scenario pays back in month 2 (tests/test_uncertainty.py pins
    # the zero-spread quantiles to evaluate); every draw is that scenario, so the chance is 100%
    at = run_page("v=1&tokens_per_month=2e10&uncertainty_spread=0", section="How sure")
    values = {m.label: m.value for m in at.metric}
    band = {m.label: m.proto.delta for m in at.metric}
    assert values["Chance of payback within 18 months"] == "100%"
    r = evaluate(Scenario(tokens_per_month=2e10))
    pay = r.payback["api"].month
    assert values["Payback month, P50"] == f"{pay}" and band["Payback month, P50"] == f"P10 {pay} · P90 {pay}"
    from tco.ui.fmt import tokens, usd_short
    npv = usd_short(r.npv_usd["api"])
    assert values["NPV vs API, P50"] == npv and band["NPV vs API, P50"] == f"P10 {npv} · P90 {npv}"
    be = tokens(r.breakeven["api"].tokens_per_month)
    assert values["Break-even volume, P50"] == be and band["Break-even volume, P50"] == f"P10 {be} · P90 {be}"


def test_how_sure_tab_draws_bands_and_tornado():
    at = run_page("v=1&tokens_per_month=6e9&growth_per_month=0.02", section="How sure")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    shares = _inputs_table(at)["Share of NPV variance"]
    assert shares.sum() == pytest.approx(1.0)


def test_a_link_holds_an_input_at_its_value_and_the_tab_says_so():
    # staff held (spread 0), the volume's spread doubled, bands at 1.5x: the table shows 0, 3 and
    # 1.5; staff explains none of the variance
    at = run_page("v=1&spread_staff=0&spread_volume=2&uncertainty_spread=1.5", section="How sure")
    df = _inputs_table(at).set_index("Input")
    assert df.loc["Staff", "Spread [× default]"] == 0 and df.loc["Staff", "Share of NPV variance"] == 0
    assert df.loc["Volume (month 1)", "Spread [× default]"] == pytest.approx(3.0)
    assert df.loc["Setup cost", "Spread [× default]"] == pytest.approx(1.5)


def test_fan_and_tornado_figures():
    s = FIXED.replace(tokens_per_month=6e9, growth_per_month=0.02)
    u = uncertainty.run(s, samples=2000)
    r = evaluate(s)
    fig = uncertainty_view.fan_figure(u, r.flows["cumulative_savings_vs_api"])
    upper, lower, p50, own = fig.data
    assert np.all(np.asarray(lower.y) <= np.asarray(p50.y) + 1e-6) and np.all(np.asarray(p50.y) <= np.asarray(upper.y) + 1e-6)
    np.testing.assert_allclose(np.asarray(own.y), r.flows["cumulative_savings_vs_api"])
    t = uncertainty_view.tornado_figure(u)
    low, high = t.data
    # bars start at the all-medians NPV and end at each end's NPV; the widest swing is on top (last)
    ends = np.asarray(high.x) + np.asarray(high.base if np.ndim(high.base) else [high.base] * len(high.x))
    top = [row for row in u.tornado if row["swing"] > 0][:8][::-1]
    np.testing.assert_allclose(ends, [row["npv_at_high_usd"] for row in top])
    assert list(high.y)[-1] == u.tornado[0]["label"]


def test_how_sure_tab_draws_the_recommended_plan():
    # 20B tokens, 30% private: hybrids and fleets are close, so the ranking moves in the draws
    from tco import plans, share
    from tco.ui import report
    from test_uncertainty import CLOSE
    at = run_page(share.encode(CLOSE), section="How sure")
    values = {m.label: m.value for m in at.metric}
    pu = uncertainty.plan_run(CLOSE, plans.search(CLOSE))
    assert 0 < pu.prob_stays_best < 1
    from tco.ui.fmt import md, pct, usd_short
    assert values["Chance it stays the cheapest"] == pct(pu.prob_stays_best)
    q = pu.quantiles["npv_usd"]
    assert values["Its NPV vs API, P50"] == usd_short(q["p50"])
    assert {m.label: m.proto.delta for m in at.metric}["Its NPV vs API, P50"] == \
        f"P10 {usd_short(q['p10'])} · P90 {usd_short(q['p90'])}"
    assert any(c.value == md(report.plan_sureness_text(pu)) for c in at.caption)
    shares = next(t.value for t in at.table if "Cheapest in [share of draws]" in t.value.columns)
    from tco.ui.fmt import cell
    assert shares["Plan"].iloc[0] == cell(pu.recommended)
    assert shares["Cheapest in [share of draws]"].iloc[0] == pct(pu.prob_stays_best)


def test_how_sure_tab_at_zero_spread_the_plan_always_stays_the_cheapest():
    at = run_page("v=1&tokens_per_month=2e10&uncertainty_spread=0", section="How sure")
    assert {m.label: m.value for m in at.metric}["Chance it stays the cheapest"] == "100%"


def test_headline_help_of_npv_and_breakeven_carries_the_draws_band():
    # P10/P50/P90 of the page's 20,000 draws in the help of the NPV and break-even boxes
    from tco.ui.fmt import md, tokens, usd
    at = run_page("v=1&tokens_per_month=6e9")
    u = uncertainty.run(Scenario(tokens_per_month=6e9))
    helps = {m.label: m.help for m in at.metric}
    npv = u.quantiles["npv_usd"]
    assert md(f"Across 20,000 drawn scenarios (How sure tab): P10 {usd(npv['p10'])}, P50 {usd(npv['p50'])}, "
              f"P90 {usd(npv['p90'])}.") in helps["NPV over 36 mo [$]"]
    be = u.quantiles["breakeven_tokens_per_month"]
    assert f"P10 {tokens(be['p10'])} tokens/month" in helps["Break-even [tokens/mo]"]
    # the first paint shows the numbers alone: no draws yet
    first = run_page("v=1&tokens_per_month=6e9", painted=False)
    assert "drawn scenarios" not in {m.label: m.help for m in first.metric}["NPV over 36 mo [$]"]


def test_a_self_hosted_recommendation_shows_its_breakeven_band():
    from tco import plans, share
    from tco.ui.fmt import tokens
    s = Scenario(tokens_per_month=5e10, private_share=1.0)
    at = run_page(share.encode(s), section="How sure")
    be = uncertainty.plan_run(s, plans.search(s)).quantiles["breakeven_tokens_per_month"]
    m = {x.label: x for x in at.metric}["Its break-even volume, P50"]
    assert m.value == tokens(be["p50"]) and m.proto.delta == f"P10 {tokens(be['p10'])} · P90 {tokens(be['p90'])}"

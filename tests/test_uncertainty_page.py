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


def test_how_sure_tab_at_zero_spread_shows_the_deterministic_answer():
    # 20B tokens a month: the default scenario pays back in month 2 (tests/test_uncertainty.py pins
    # the zero-spread quantiles to evaluate); every draw is that scenario, so the chance is 100%
    at = run_page("v=1&tokens_per_month=2e10&uncertainty_spread=0", section="How sure")
    values = {m.label: m.value for m in at.metric}
    assert values["Chance of payback within 18 months"] == "100%"
    pay = evaluate(Scenario(tokens_per_month=2e10)).payback["api"].month
    assert values["Payback month, P10 / P50 / P90"] == f"{pay} / {pay} / {pay}"


def test_how_sure_tab_draws_bands_and_tornado():
    at = run_page("v=1&tokens_per_month=6e9&growth_per_month=0.02", section="How sure")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    shares = at.dataframe[0].value["Share of NPV variance"]
    assert shares.sum() == pytest.approx(1.0)


def test_a_link_holds_an_input_at_its_value_and_the_tab_says_so():
    # staff held (spread 0), the volume's spread doubled, bands at 1.5x: the table shows 0, 3 and
    # 1.5; staff explains none of the variance
    at = run_page("v=1&spread_staff=0&spread_volume=2&uncertainty_spread=1.5", section="How sure")
    df = at.dataframe[0].value.set_index("Input")
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

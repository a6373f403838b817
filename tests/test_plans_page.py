"""The recommended plan on the page and the Plans tab (AppTest), and the Plans figures."""

from __future__ import annotations

import numpy as np
import pytest

from pages import run_page
from tco import plans, share
from tco.scenario import Scenario
from tco.ui import plans_view

from test_plans import HAND


def test_top_of_page_leads_with_the_recommendation():
    # default scenario: the hosted Scout offer at $312 a month is the cheapest plan
    # (tests/test_plans.py::test_default_recommendation_and_reason pins it by hand)
    at = run_page()
    first = at.success[0].value
    assert first.startswith("**Recommended plan: Hosted: Llama 4 Scout")
    assert "\\$" in first and "less than the API" in first   # dollars escaped, not maths


def test_plans_tab_ranks_plans_and_filters_by_kind():
    at = run_page(section="Plans")
    df = at.dataframe[0].value
    assert len(df) == plans_view.TOP
    assert list(df["Total, discounted [USD]"]) == sorted(df["Total, discounted [USD]"])
    assert df["Kind"].iloc[0] == "Hosted open model"
    at.multiselect(key="_plan_kinds").set_value(["hybrid"]).run()
    assert not at.exception
    df = at.dataframe[0].value
    assert set(df["Kind"]) == {"Hybrid"} and len(df) > 0


def test_plans_tab_with_a_private_share_rules_out_api_and_hosted():
    at = run_page("v=1&private_share=0.4&tokens_per_month=2e10", section="Plans")
    df = at.dataframe[0].value
    assert set(df["Kind"]) <= {"Self-hosted", "Hybrid"}
    assert (df["Self-hosted share"] >= 0.4 - 1e-9).all()
    assert "in-house" in at.success[0].value


def test_envelope_figure_marks_the_winner_at_each_volume():
    c = plans.cost_curves(HAND, np.geomspace(1e8, 1e11, 40))
    fig = plans_view.envelope_figure(c, HAND.tokens_per_month)
    thick = [t for t in fig.data if t.line.width == 5]
    assert thick, "the envelope is drawn"
    # the thick segments cover every volume once (joined at the boundaries) and sit at the minimum
    xs = np.concatenate([np.asarray(t.x) for t in thick])
    assert set(np.round(np.log10(c["volumes"]), 9)) <= set(np.round(np.log10(xs), 9))
    low = np.nanmin(np.where(np.isnan(c["cost"]), np.inf, c["cost"]), axis=0)
    for t in thick:
        idx = np.searchsorted(c["volumes"], np.asarray(t.x))
        np.testing.assert_allclose(np.asarray(t.y), low[idx], rtol=1e-12)
    # money ticks written by tco.ui.fmt, every one with its "$" ($1k, $10k), and "API" kept upper case
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks and all(x.startswith("$") for x in ticks)
    assert "Best API plan" in {tr.name for tr in fig.data}


def test_cost_curves_agree_with_the_search_in_month_one():
    # month 1 of the search and the steady-state curve agree for every plan paid month by month
    # (a bought fleet's month 1 carries no depreciation in cash, the curve does)
    for s in (HAND, Scenario(tokens_per_month=3e10, frontier_share=0.2), Scenario(private_share=0.3)):
        found = plans.search(s)
        c = plans.cost_curves(s, [s.tokens_per_month])
        by_name = dict(zip(c["names"], c["cost"][:, 0]))
        for q in found.plans:
            if q.fleet is not None and q.fleet.acquisition == "buy":
                continue
            if q.feasible:
                assert by_name[q.name] == pytest.approx(q.monthly_usd, rel=1e-9), q.name


def test_hourly_figure_shades_the_hybrid_overflow():
    found = plans.search(HAND)
    hybrid = next(q for q in found.plans if q.kind == "hybrid" and q.fleet.gpu == "h100_sxm"
                  and q.fleet.precision == "bf16" and q.fleet.acquisition == "on_demand" and q.overflow == "api")
    fig = plans_view.hourly_figure(HAND, hybrid)
    load_bar, over_bar, cap = fig.data
    # a busy hour carries 7e9 / 730 x 1.5 = 14.38M tokens; 2 replicas serve 2 x 1.752e9 x 1.5 / 730
    # = 7.2M tokens an hour; the overflow of a busy hour is 14.38M - 7.2M = 7.18M, none in a quiet one
    assert np.asarray(load_bar.y)[0] == pytest.approx(7e9 / 730 * 1.5)
    assert np.asarray(cap.y)[0] == pytest.approx(2 * 1.752e9 * 1.5 / 730)
    assert np.asarray(over_bar.y)[0] == pytest.approx(7e9 / 730 * 1.5 - 2 * 1.752e9 * 1.5 / 730)
    assert np.asarray(over_bar.y)[-1] == 0
    # summed over the day and the month, the shaded overflow is the 2.622e9 tokens of the hand calculation
    assert np.sum(over_bar.y) * 730 / 24 == pytest.approx(2.622e9, rel=1e-9)


def test_plans_tab_when_no_plan_meets_the_constraints():
    # a private share must be self-hosted, and no fleet reaches 1,000 tokens/s per user: nothing fits
    s = Scenario(private_share=0.1, min_output_tokens_per_s_per_user=1000, replica_output_tokens_per_s=1e8,
                 gpus_per_replica=52, precision="int4")
    fig = plans_view.envelope_figure(plans_view.curves(s), s.tokens_per_month)
    assert not fig.data and "No plan meets the constraints" in fig.layout.annotations[0].text
    at = run_page(share.encode(s), section="Plans")
    assert any("No plan of these kinds meets the constraints" in i.value for i in at.info)
    # the top of the page says so instead of recommending a plan that breaks the rule
    assert not at.success or not any("Recommended plan" in x.value for x in at.success)
    assert any("No plan meets the constraints: 10% of the traffic must stay in-house" in w.value for w in at.warning)


def test_envelope_at_zero_volume_marks_no_point_on_the_log_axis():
    s = Scenario(tokens_per_month=0.0)
    fig = plans_view.envelope_figure(plans_view.curves(s), s.tokens_per_month)
    assert not [a for a in fig.layout.annotations if a.text == "you are here"] and not fig.layout.shapes
    at = run_page(share.encode(s), section="Plans")
    assert len(at.get("plotly_chart")) == 2

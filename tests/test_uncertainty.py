"""Monte Carlo (tco/uncertainty.py): zero spread is the deterministic answer, a case with a closed
form, seeds, ordering, the tornado against one-at-a-time evaluations, and the CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from tco import share, uncertainty
from tco.model import evaluate
from tco.scenario import Scenario

KEYS = [i.key for i in uncertainty.inputs(0.2)]

#: Fixed fleet and prices so the self-hosted month costs the same whatever the engine chooses:
#: 1 replica of 2x H100 at $3/h = 2 x 3 x 730 = $4,380; staff 0.5 x 200,000 / 12 = $8,333.33;
#: other $500: C = $13,213.33 a month. GPT-5 blended: 2.775e-6 USD per token (README example).
FIXED = Scenario(gpus_per_replica=2, gpu_hour_usd=3.0, staff_fte=0.5, staff_cost_usd_per_year=200000.0,
                 other_monthly_usd=500.0, gpu_price_trend_per_year=0.0)


def test_zero_spread_is_the_deterministic_scenario():
    s = FIXED.replace(tokens_per_month=2e10)
    r = evaluate(s)
    u = uncertainty.run(s, samples=500, spread=0.0)
    want = {"npv_usd": r.npv_usd["api"], "payback_month": r.payback["api"].month,
            "monthly_savings_usd": r.at_volume["api"]["monthly_usd"] - r.at_volume["self_host"]["monthly_usd"],
            "breakeven_tokens_per_month": r.breakeven["api"].tokens_per_month}
    for metric, value in want.items():
        for q in ("p10", "p50", "p90"):
            assert u.quantiles[metric][q] == pytest.approx(value, rel=1e-12), (metric, q)
    assert all(t["swing"] == 0 for t in u.tornado)


def test_only_volume_uncertain_matches_the_lognormal_closed_form():
    # Month-1 savings S = a·V − C with a = 2.775e-6 USD/token and C = $13,213.33 while one replica
    # serves the volume (8.5B tokens a month: every draw here is below 3.5B). V is lognormal with
    # median 1e9 and P90 = 1.5 x median, so S_q = a · 1e9 · 1.5^(z_q / z_0.9) − C:
    #   P10: 2,775 / 1.5 − 13,213.33 = −11,363.33;  P50: 2,775 − 13,213.33 = −10,438.33;
    #   P90: 2,775 x 1.5 − 13,213.33 = −9,050.83
    s = FIXED.replace(tokens_per_month=1e9)
    only = {k: 0.0 for k in KEYS if k != "tokens_per_month"}
    u = uncertainty.run(s, samples=20_000, seed=7, spreads=only)
    q = u.quantiles["monthly_savings_usd"]
    c = 2 * 3 * 730 + 0.5 * 200000 / 12 + 500
    assert q["p10"] == pytest.approx(2775 / 1.5 - c, abs=0.5)
    assert q["p50"] == pytest.approx(2775 - c, abs=0.5)
    assert q["p90"] == pytest.approx(2775 * 1.5 - c, abs=0.5)
    # and the whole distribution: the drawn savings' mean is a·E[V] − C with E[V] = 1e9·exp(σ²/2)
    sigma = math.log(1.5) / stats.norm.ppf(0.9)
    assert q["p50"] < 2775 * math.exp(sigma ** 2 / 2) - c   # mean above the median: right-skewed
    assert [t["input"] for t in u.tornado if t["swing"] > 0] == ["tokens_per_month"]
    assert u.variance_share["tokens_per_month"] == pytest.approx(1.0)


def test_each_inputs_spread_is_an_input_of_the_scenario():
    # the Uncertainty group's spread_* inputs: every other input held (0), the volume's spread
    # doubled (2): P10-P90 of V is then ÷1.5² to ×1.5², so S_q = 2,775 x 1.5^(±2) − C:
    #   P10: 2,775 / 2.25 − 13,213.33 = −11,980.00;  P90: 2,775 x 2.25 − 13,213.33 = −6,969.58
    held = {f: 0.0 for k, f in uncertainty.SPREAD_FIELDS.items() if k != "tokens_per_month"}
    s = FIXED.replace(tokens_per_month=1e9, spread_volume=2.0, **held)
    u = uncertainty.run(s, samples=20_000, seed=7)
    q = u.quantiles["monthly_savings_usd"]
    c = 2 * 3 * 730 + 0.5 * 200000 / 12 + 500
    assert q["p10"] == pytest.approx(2775 / 2.25 - c, abs=0.5)
    assert q["p90"] == pytest.approx(2775 * 2.25 - c, abs=0.5)
    assert [t["input"] for t in u.tornado if t["swing"] > 0] == ["tokens_per_month"]
    # the same as passing the spreads by hand; the fields travel in the link
    by_hand = uncertainty.run(FIXED.replace(tokens_per_month=1e9), samples=20_000, seed=7,
                              spreads={k: (2.0 if k == "tokens_per_month" else 0.0) for k in KEYS})
    assert by_hand.quantiles == u.quantiles
    assert share.decode(share.encode(s)).scenario == s
    with pytest.raises(ValueError, match=r"\[0, 5\]"):
        uncertainty.run(s, spreads={"staff_fte": 6.0})


def test_same_seed_same_numbers_and_quantiles_ordered():
    s = FIXED.replace(tokens_per_month=8e9, growth_per_month=0.02)
    a = uncertainty.run(s, samples=3000, seed=11)
    b = uncertainty.run(s, samples=3000, seed=11)
    c = uncertainty.run(s, samples=3000, seed=12)
    assert a.quantiles == b.quantiles and a.tornado == b.tornado
    assert a.quantiles != c.quantiles
    for metric in ("npv_usd", "monthly_savings_usd"):
        q = a.quantiles[metric]
        assert q["p10"] <= q["p50"] <= q["p90"]
    finite = [v for v in (a.quantiles["payback_month"][k] for k in ("p10", "p50", "p90")) if v is not None]
    assert finite == sorted(finite)
    probs = [a.prob_payback_within[m] for m in uncertainty.PAYBACK_WITHIN]
    assert probs == sorted(probs) and all(0 <= p <= 1 for p in probs)
    bands = a.cumulative_savings
    assert np.all(bands["p10"] <= bands["p50"] + 1e-6) and np.all(bands["p50"] <= bands["p90"] + 1e-6)


def test_tornado_matches_one_at_a_time_evaluations():
    s = FIXED.replace(tokens_per_month=6e9, growth_per_month=0.02, replica_output_tokens_per_s=2000.0)
    u = uncertainty.run(s, samples=200, seed=3)
    ins = {i.key: i for i in u.inputs}
    value = {k: getattr(s, k) for k in KEYS}
    median = {k: float(ins[k].ppf(np.array([0.5]), value[k], 1.0)[0]) for k in KEYS}
    for row in u.tornado[:4]:
        for end, npv in (("low", row["npv_at_low_usd"]), ("high", row["npv_at_high_usd"])):
            one = s.replace(**{**median, row["input"]: row[end]})
            assert evaluate(one).npv_usd["api"] == pytest.approx(npv, rel=1e-9), (row["input"], end)
    # the ends are each input's P10 and P90: for the volume (lognormal, P90 = 1.5 x the median)
    # 6e9 / 1.5 = 4e9 and 6e9 x 1.5 = 9e9; for staff (triangular 0.375 to 1.0 FTE, mode 0.5,
    # c = 0.125 / 0.625 = 0.2): P10 = 0.375 + sqrt(0.1 x 0.625 x 0.125) = 0.463388
    volume = next(t for t in u.tornado if t["input"] == "tokens_per_month")
    assert (volume["low"], volume["high"]) == (pytest.approx(4e9), pytest.approx(9e9))
    staff = next(t for t in u.tornado if t["input"] == "staff_fte")
    assert staff["low"] == pytest.approx(0.375 + math.sqrt(0.1 * 0.625 * 0.125))
    swings = [t["swing"] for t in u.tornado]
    assert swings == sorted(swings, reverse=True)


def test_bad_arguments_are_messages():
    with pytest.raises(ValueError, match="samples"):
        uncertainty.run(FIXED, samples=0)
    with pytest.raises(ValueError, match="spread"):
        uncertainty.run(FIXED, spread=-1)
    with pytest.raises(ValueError, match="no uncertain input"):
        uncertainty.run(FIXED, spreads={"gpu": 1.0})


@pytest.mark.cli
def test_cli_uncertainty_json_and_zero_spread_equals_summary():
    args = [sys.executable, "-m", "tco"]
    u = json.loads(subprocess.run(args + ["uncertainty", "--json", "--samples", "400", "--spread", "0",
                                          "--set", "tokens_per_month=2e10"],
                                  capture_output=True, text=True, check=True).stdout)
    summary = json.loads(subprocess.run(args + ["summary", "--json", "--set", "tokens_per_month=2e10"],
                                        capture_output=True, text=True, check=True).stdout)
    assert u["samples"] == 400 and u["seed"] == Scenario().uncertainty_seed
    assert u["npv_usd"]["p10"] == pytest.approx(summary["npv_usd"]["vs_api"], rel=1e-12)
    assert u["payback_month"]["p90"] == summary["payback"]["vs_api_month"]
    assert set(u["prob_payback_within"]) == {"12", "18", "24", "36"}
    assert {"input", "low", "high", "swing"} <= set(u["tornado"][0])
    # the recommended plan under the same draws: at zero spread it stays the best in every draw
    plan = json.loads(subprocess.run(args + ["plan", "--json", "--set", "tokens_per_month=2e10"],
                                     capture_output=True, text=True, check=True).stdout)
    assert u["recommended_plan"]["recommended"] == plan["recommended"]
    assert u["recommended_plan"]["prob_stays_best"] == 1.0 and u["recommended_plan"]["samples"] == 1000
    assert u["recommended_plan"]["npv_usd"]["p50"] == pytest.approx(plan["plans"][0]["npv_vs_current_usd"], rel=1e-12)
    bad = subprocess.run(args + ["uncertainty", "--samples", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


# --- the recommended plan under the same draws -------------------------------------------------

#: A volume where hybrids, self-hosted fleets and hosted offers are all close: the ranking moves.
CLOSE = Scenario(tokens_per_month=2e10, private_share=0.3)


def test_plan_draws_at_zero_spread_are_the_plan_search():
    from tco import plans
    found = plans.search(CLOSE)
    best = found.recommended
    pu = uncertainty.plan_run(CLOSE, found, samples=50, spread=0.0)
    assert pu.recommended == best.name and pu.candidates[0] == best.name
    assert pu.prob_stays_best == 1.0 and pu.best_share[best.name] == 1.0
    for q in ("p10", "p50", "p90"):
        assert pu.quantiles["npv_usd"][q] == pytest.approx(best.npv_vs_current_usd, rel=1e-12)
        assert pu.quantiles["payback_month"][q] == best.payback_vs_current_month
    # month 1: the API's cost of all the tokens less the plan's month
    api_month1 = next(q for q in found.plans if q.kind == "api").monthly_usd
    assert pu.quantiles["monthly_savings_usd"]["p50"] == pytest.approx(api_month1 - best.monthly_usd, rel=1e-12)
    # every kind's best feasible plan is a candidate (pure API and hosted are ruled out by the private share)
    kinds = {q.name: q.kind for q in found.plans}
    assert {kinds[n] for n in pu.candidates} == {"self_host", "hybrid"}


def test_each_draw_is_the_plan_search_of_that_scenario():
    # the oracle: plans.search run on a Scenario holding one draw's values, draw by draw
    from tco import plans
    found = plans.search(CLOSE)
    names = uncertainty.candidates(found)
    spreads = {"replica_output_tokens_per_s": 0.0}     # a Scenario cannot move every fleet's throughput
    seed, _, _, _, _, _, _, drawn = uncertainty._draw(CLOSE, 24, 7, 1.0, spreads)
    draws = {k: v for k, v in drawn.items() if k != "replica_output_tokens_per_s"}
    e = plans.evaluate_draws(CLOSE, names, draws)
    pu = uncertainty.plan_run(CLOSE, found, samples=24, seed=7, spreads=spreads)
    cheapest = []
    for j in range(24):
        sj = CLOSE.replace(**{k: float(v[j]) for k, v in draws.items()})
        # every row, hybrids included that the search leaves out for that draw (one that never
        # overflows is its self-hosted fleet), so the scalar path prices all the candidates
        rows, p = plans._prepare(sj)
        e1 = plans._evaluate(sj, rows, p, int(sj.horizon_months))
        totals = {n: t for n, t in reversed(list(zip(rows.names, e1["total"])))}
        listed = {q.name: q.total_cost_usd for q in plans.search(sj).plans}
        assert all(listed[n] == totals[n] for n in names if n in listed)
        want = [totals[n] for n in names]
        np.testing.assert_allclose(e["total"][j], want, rtol=1e-9)
        cheapest.append(int(np.argmin(want)))
    assert pu.prob_stays_best == pytest.approx(np.mean(np.array(cheapest) == 0))
    assert 0 < pu.prob_stays_best < 1          # the ranking does move at this volume


def test_throughput_factor_moves_every_fleet_like_a_measured_figure():
    # on the scenario's own GPU at its own size a measured throughput is used as given: twice the
    # figure through the factor equals a Scenario that measured twice as much
    from tco import plans
    s = CLOSE.replace(gpu="h100_sxm", precision="fp8", gpus_per_replica=2, replica_output_tokens_per_s=1500.0)
    found = plans.search(s)
    own = next(q for q in found.plans if q.kind == "self_host" and q.fleet.gpu == "h100_sxm"
               and q.fleet.gpus_per_replica == 2 and q.fleet.precision == "fp8" and q.fleet.acquisition == "on_demand")
    e = plans.evaluate_draws(s, [own.name], {"staff_fte": np.array([s.staff_fte])}, np.array([2.0]))
    twice = next(q for q in plans.search(s.replace(replica_output_tokens_per_s=3000.0)).plans if q.name == own.name)
    assert e["total"][0, 0] == pytest.approx(twice.total_cost_usd, rel=1e-12)
    assert e["total"][0, 0] < own.total_cost_usd


def test_no_feasible_plan_has_no_plan_draws():
    # a private share must be self-hosted, and no fleet reaches 1,000 tokens/s per user (as in
    # tests/test_plans_page.py): nothing to recommend, so nothing to draw
    s = Scenario(private_share=0.1, min_output_tokens_per_s_per_user=1000, replica_output_tokens_per_s=1e8,
                 gpus_per_replica=52, precision="int4")
    from tco import plans
    found = plans.search(s)
    assert not found.recommended.feasible
    assert uncertainty.plan_run(s, found) is None


def test_a_self_hosted_plans_breakeven_is_its_fleets_single_configuration_crossing():
    # everything private at 50B tokens: a self-hosted plan is recommended; at zero spread its
    # break-even is the one evaluate() gives for that fleet as the scenario's own configuration
    from tco import plans
    s = Scenario(tokens_per_month=5e10, private_share=1.0)
    found = plans.search(s)
    best = found.recommended
    assert best.kind == "self_host" and best.fleet.acquisition in ("on_demand", "reserved_1y", "reserved_3y", "buy")
    own = s.replace(gpu=best.fleet.gpu, precision=best.fleet.precision, gpus_per_replica=best.fleet.gpus_per_replica,
                    acquisition=best.fleet.acquisition)
    want = evaluate(own).breakeven["api"].tokens_per_month
    be = uncertainty.plan_run(s, found, samples=20, spread=0.0).quantiles["breakeven_tokens_per_month"]
    assert be["p10"] == pytest.approx(want, rel=1e-12) and be["p90"] == pytest.approx(want, rel=1e-12)
    assert be["share_none"] == 0.0
    # with a frontier share f the fleet carries (1 − f) of the volume: the crossing moves to W*/(1 − f)
    f = s.replace(private_share=0.8, frontier_share=0.2)
    found_f = plans.search(f)
    assert found_f.recommended.name == best.name
    be_f = uncertainty.plan_run(f, found_f, samples=20, spread=0.0).quantiles["breakeven_tokens_per_month"]
    assert be_f["p50"] == pytest.approx(want / 0.8, rel=1e-12)
    # a hybrid has no single crossing: none, and the reason
    close = uncertainty.plan_run(CLOSE, samples=20, spread=0.0).quantiles["breakeven_tokens_per_month"]
    assert close["p50"] is None and close["share_none"] == 1.0 and "no single crossing" in close["note"]

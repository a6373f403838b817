"""Benchmark: the vectorised engine against the plain-Python reference, in one run.

Times (1) monthly costs and break-even volumes for a grid of N scenarios, (2) payback and NPV over
36 months for N scenarios, (3) the scalar reference on a random sample of the same scenarios, and
reports scenarios per second, the speed-up (same machine, same run) and peak memory traced by
tracemalloc (numpy reports its buffers to it). No wall-clock figure is asserted anywhere.
"""

from __future__ import annotations

import platform
import time
import tracemalloc

import numpy as np

from tco import breakeven, costs, model, reference
from tco.costs import PARAM_NAMES
from tco.scenario import Scenario


def _grid(n: int) -> dict[str, np.ndarray]:
    """A ~n-point grid over volume x GPU $/hour x staff FTE (cube root of n points each)."""
    side = max(2, round(n ** (1 / 3)))
    return {"tokens_per_month": np.geomspace(1e6, 1e11, side),
            "gpu_hour_usd": np.linspace(1.0, 8.0, side),
            "staff_fte": np.linspace(0.0, 3.0, side)}


def _timed(fn):
    """(result, seconds, peak bytes): the time of an untraced run, the peak memory of a second run
    under tracemalloc (tracing every numpy allocation slows the run: 0.26 s became 0.45 s)."""
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, dt, peak


def run(n: int = 1_000_000, scalar_sample: int = 2_000, seed: int = 0) -> dict:
    s = Scenario()
    grid = _grid(n)
    total = int(np.prod([v.size for v in grid.values()]))
    model.sweep(s, {k: v[:2] for k, v in grid.items()})  # warm caches (catalog, prices)

    mon, t_mon, mem_mon = _timed(lambda: model.sweep(s, grid, what=("monthly", "breakeven")))
    pay, t_pay, mem_pay = _timed(lambda: model.sweep(s, grid, what=("payback",)))

    rng = np.random.default_rng(seed)
    base = model.resolve(s).params
    sample = [tuple(rng.integers(0, v.size) for v in grid.values()) for _ in range(scalar_sample)]

    def scalar_params(idx):
        q = {k: float(getattr(base, k)) for k in PARAM_NAMES}
        for (key, values), j in zip(grid.items(), idx):
            q[key] = float(values[j])
        return q

    # the replica size is chosen per scenario (cheapest at its volume and GPU price), as the sweep does
    r = model.resolve(s)
    cands = [(o.gpus_per_replica, o.output_tokens_per_s) for o in r.options]
    qs = [reference.choose_size(scalar_params(ix), cands) for ix in sample]
    t0 = time.perf_counter()
    ref_mon = [(reference.monthly(q)["self_host"], reference.breakeven_envelope(q, cands)) for q in qs]
    t_ref_mon = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref_pay = [reference.payback(q) for q in qs]
    t_ref_pay = time.perf_counter() - t0

    # the sample doubles as a consistency check of the two implementations
    vec_self = np.array([mon["self_host_usd"][ix] for ix in sample])
    vec_be = np.array([mon["breakeven_vs_api_tokens"][ix] for ix in sample])
    vec_pay = np.array([pay["payback_vs_api_month"][ix] for ix in sample])
    ref_self = np.array([a for a, _ in ref_mon])
    ref_be = np.array([b for _, b in ref_mon])
    agree = bool(np.allclose(vec_self, ref_self, rtol=1e-9)
                 and np.allclose(vec_be, ref_be, rtol=1e-9, equal_nan=True)
                 and np.array_equal(np.nan_to_num(vec_pay, nan=-1), np.nan_to_num(np.array(ref_pay), nan=-1)))

    # the same payback for n independent random scenarios (no grid structure to exploit)
    base_arr = base.arrays()
    rnd = base_arr.replace(tokens_per_month=10 ** rng.uniform(6, 11, total), gpu_hour_usd=rng.uniform(1, 8, total),
                           staff_fte=rng.uniform(0, 3, total), growth_per_month=rng.uniform(-0.05, 0.1, total),
                           acquisition_code=rng.integers(0, 4, total).astype(float))
    (rnd_pay, rnd_npv), t_rnd, mem_rnd = _timed(lambda: model.payback_grid(rnd, (total,)))
    # the same scenarios through the general month-by-month cash flows (tco/costs.py), in slabs:
    # what the fused path (tco/batch.py) replaces, and its check
    def general():
        out_pay, out_npv = np.empty(total), np.empty(total)
        for a in range(0, total, 25_000):
            sub = rnd.replace(**{k: getattr(rnd, k)[a:a + 25_000] for k in PARAM_NAMES
                                 if np.ndim(getattr(rnd, k))})
            f = costs.cash_flows(sub)
            savings = f["api"] - f["self_host"]
            out_pay[a:a + 25_000] = breakeven.payback_month(savings)
            out_npv[a:a + 25_000] = breakeven.npv(savings, sub.discount_rate, f["terminal_value"])
        return out_pay, out_npv
    (gen_pay, gen_npv), t_gen, mem_gen = _timed(general)
    fused_agrees = bool(np.array_equal(np.nan_to_num(rnd_pay, nan=-1), np.nan_to_num(gen_pay, nan=-1))
                        and np.allclose(rnd_npv, gen_npv, rtol=1e-9, atol=1e-6))
    sure = _uncertainty(s)

    plan_search = _plan_search(s)

    vec_mon_rate = total / t_mon
    vec_pay_rate = total / t_pay
    ref_mon_rate = scalar_sample / t_ref_mon
    ref_pay_rate = scalar_sample / t_ref_pay
    return {
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                    "numpy": np.__version__},
        "scenarios": total,
        "grid": {k: [float(v[0]), float(v[-1]), int(v.size)] for k, v in grid.items()},
        "monthly_and_breakeven": {"seconds": t_mon, "scenarios_per_s": vec_mon_rate,
                                  "peak_memory_mb": mem_mon / 1e6,
                                  "scalar_scenarios_per_s": ref_mon_rate,
                                  "speedup_vs_scalar": vec_mon_rate / ref_mon_rate},
        "payback_36_months": {"seconds": t_pay, "scenarios_per_s": vec_pay_rate,
                              "peak_memory_mb": mem_pay / 1e6,
                              "scalar_scenarios_per_s": ref_pay_rate,
                              "speedup_vs_scalar": vec_pay_rate / ref_pay_rate},
        "payback_36_months_random_scenarios": {
            "note": "1-D arrays: volume, GPU $/h, FTE, growth and rent/buy drawn at random per scenario",
            "seconds": t_rnd, "scenarios_per_s": total / t_rnd, "peak_memory_mb": mem_rnd / 1e6,
            "speedup_vs_scalar": total / t_rnd / ref_pay_rate,
            "general_path_seconds": t_gen, "general_path_peak_memory_mb": mem_gen / 1e6,
            "speedup_vs_general_path": t_gen / t_rnd, "agrees_with_general_path": fused_agrees,
            "goal": {"seconds": 0.5, "peak_memory_mb": 1000.0,
                     "met": bool(t_rnd < 0.5 and mem_rnd / 1e6 < 1000.0)}},
        "uncertainty_default_samples": sure,
        "plan_search": plan_search,
        "scalar_sample": scalar_sample,
        "vectorised_agrees_with_scalar_on_sample": agree,
    }


def _uncertainty(s: Scenario, runs: int = 9) -> dict:
    """The page's Monte Carlo at its default sample count (tco/uncertainty.py), as a rerun pays
    for it: median of ``runs`` at volumes the caches have not seen, next to one ``evaluate``."""
    from tco import uncertainty
    uncertainty.run(s)
    t_run, t_eval = [], []
    for v in np.geomspace(1.1e9, 9.9e9, runs):
        sv = s.replace(tokens_per_month=float(v))
        t0 = time.perf_counter()
        uncertainty.run(sv)
        t_run.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        model.evaluate(sv)
        t_eval.append(time.perf_counter() - t0)
    _, _, mem = _timed(lambda: uncertainty.run(s.replace(tokens_per_month=1.234e9)))
    med = float(np.median(t_run))
    return {"samples": uncertainty.DEFAULT_SAMPLES, "median_seconds": med,
            "one_evaluate_median_seconds": float(np.median(t_eval)),
            "ratio_to_one_evaluate": med / float(np.median(t_eval)), "peak_memory_mb": mem / 1e6,
            "runs": runs, "goal": {"added_seconds_per_rerun": 0.06, "met": bool(med <= 0.06)}}


def _plan_search(s: Scenario, runs: int = 9) -> dict:
    """Every plan for one scenario (tco/plans.py), as the page runs it on each rerun: median of
    ``runs`` searches at volumes the caches have not seen, against one ``evaluate`` of a single
    configuration measured the same way (the page already pays for that)."""
    from tco import plans
    plans.search(s)
    volumes = np.geomspace(1.1e9, 9.9e9, runs)
    t_plan, t_eval, n_plans = [], [], 0
    for v in volumes:
        sv = s.replace(tokens_per_month=float(v))
        t0 = time.perf_counter()
        found = plans.search(sv)
        t_plan.append(time.perf_counter() - t0)
        n_plans = len(found.plans)
        t0 = time.perf_counter()
        model.evaluate(sv)
        t_eval.append(time.perf_counter() - t0)
    _, _, mem = _timed(lambda: plans.search(s.replace(tokens_per_month=1.234e9)))
    med_plan, med_eval = float(np.median(t_plan)), float(np.median(t_eval))
    return {"plans": n_plans, "median_seconds": med_plan, "plans_per_s": n_plans / med_plan,
            "one_evaluate_median_seconds": med_eval, "ratio_to_one_evaluate": med_plan / med_eval,
            "peak_memory_mb": mem / 1e6, "runs": runs}

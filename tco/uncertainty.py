"""How sure are we: the uncertain inputs as distributions, drawn by Latin hypercube and pushed
through the vectorised engine in one call; quantiles, chances of payback, and what moves the answer.

Conventions: as the engine (USD, per month, month 0 = decision month). Savings and NPV are against
the API (the current path), as on the page. A *spread* scales every distribution's width: 0 gives
the deterministic scenario in every sample, 1 the sourced defaults below, 2 twice as wide.

The fleet configuration (GPU, precision, replica size) is the one the engine chooses for the
scenario itself; the draws move volume, growth, prices, throughput, utilisation and staff, and the
number of replicas follows the drawn volume and throughput.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats
from scipy.stats import qmc

from tco import batch, breakeven, costs
from tco.scenario import Scenario

QUANTILES = (0.1, 0.5, 0.9)
PAYBACK_WITHIN = (12, 18, 24, 36)
DEFAULT_SAMPLES = 20_000


@dataclass(frozen=True)
class Lognormal:
    """Lognormal around the value: P90 = value × ``p90_over_median`` at spread 1
    (σ = ln(ratio) / z₀.₉); the value is the median."""
    p90_over_median: float

    def ppf(self, u, value, k):
        sigma = math.log(self.p90_over_median) / stats.norm.ppf(0.9)
        return value * np.exp(sigma * k * stats.norm.ppf(u))


@dataclass(frozen=True)
class LogFactor:
    """The value times a lognormal factor with log-σ ``sd`` (median factor 1)."""
    sd: float

    def ppf(self, u, value, k):
        return value * np.exp(self.sd * k * stats.norm.ppf(u))


@dataclass(frozen=True)
class Normal:
    """Normal around the value with s.d. ``sd``, clipped to the input's range."""
    sd: float
    lo: float
    hi: float

    def ppf(self, u, value, k):
        return np.clip(value + self.sd * k * stats.norm.ppf(u), self.lo, self.hi)


@dataclass(frozen=True)
class Triangular:
    """Triangular from value − below to value + above, its mode at the value (``relative``: the
    offsets are shares of the value), clipped to the input's range."""
    below: float
    above: float
    lo: float
    hi: float
    relative: bool = False

    def ppf(self, u, value, k):
        scale = abs(value) if self.relative else 1.0
        a, b = self.below * k * scale, self.above * k * scale
        if a + b == 0:
            return np.full(np.shape(u), float(value))
        return np.clip(stats.triang.ppf(u, a / (a + b), loc=value - a, scale=a + b), self.lo, self.hi)


@dataclass(frozen=True)
class Input:
    """One uncertain input: the Params field it moves, its distribution at spread 1, the source."""
    key: str                 # Scenario/Params field (``replica_output_tokens_per_s`` is a factor on the engine's figure)
    label: str
    unit: str
    source: str
    dist: Lognormal | LogFactor | Normal | Triangular

    def ppf(self, u, value, k):
        """Values at the probabilities ``u`` around ``value`` with the spread scaled by ``k``."""
        return self.dist.ppf(np.asarray(u, dtype=float), value, k)


def inputs(throughput_log_sd: float) -> tuple[Input, ...]:
    """The uncertain inputs with their default spreads (spread 1) and sources."""
    return (
        Input("tokens_per_month", "Volume (month 1)", "tokens/month",
              "assumption: a planning forecast's P10-P90 is ÷1.5 to ×1.5 of its median; set your own spread",
              Lognormal(1.5)),
        Input("growth_per_month", "Volume growth", "share/month",
              "assumption: ±2 points a month (1 s.d.); an imported bill history gives its own fit",
              Normal(0.02, -0.5, 1.0)),
        Input("api_price_trend_per_year", "API price trend", "share/year",
              "genai-prices 0.2.3 price history: o3 −80% (2025-06-10), gpt-5.6-sol −20%/−33% (2026-08-21); "
              "but mistral-medium ×3.75 (2026-06-16), mistral-small +50% (2026-03-16), gemini-3.x-flash ×2 "
              "(2027-01-01): −50% to +30% a year around the input",
              Triangular(0.5, 0.3, -0.95, 1.0)),
        Input("hosted_price_trend_per_year", "Hosted price trend", "share/year",
              "as the API trend (the same catalog history): −50% to +30% a year around the input",
              Triangular(0.5, 0.3, -0.95, 1.0)),
        Input("gpu_price_trend_per_year", "GPU price trend", "share/year",
              "H100 rent fell ~60% from 2024 to 2025 and its 1-year rate rose ~38% Oct 2025-Mar 2026 "
              "(SemiAnalysis rental index via secondary sources): −30% to +40% a year around the input",
              Triangular(0.3, 0.4, -0.95, 1.0)),
        Input("replica_output_tokens_per_s", "Replica throughput", "output tokens/s",
              f"capacity model's leave-one-out error (python -m tco validate): the model's figure times a "
              f"lognormal factor, σ = {throughput_log_sd:.2f} in log terms",
              LogFactor(throughput_log_sd)),
        Input("target_utilisation", "Target utilisation at peak", "share",
              "NIM Llama 3.3 70B on 2× H100: 24% to 68% of saturation across latency limits; ±15 points",
              Triangular(0.15, 0.15, 0.05, 1.0)),
        Input("staff_fte", "Staff", "FTE",
              "assumption: staffing estimates overrun more often than not: 0.75x to 2x the input",
              Triangular(0.25, 1.0, 0.0, 100.0, relative=True)),
        Input("setup_cost_usd", "Setup cost", "USD",
              "assumption: one-off projects overrun: 0.8x to 2x the input",
              Triangular(0.2, 1.0, 0.0, 1e9, relative=True)),
    )


@dataclass(frozen=True)
class Uncertainty:
    """Quantiles, chances and the tornado for one scenario. Money in USD; months from the decision."""
    samples: int
    seed: int
    spread: float
    quantiles: dict[str, dict[str, float | None]]    # metric -> {"p10", "p50", "p90", "share_none"}
    prob_payback_within: dict[int, float | None]
    tornado: list[dict[str, Any]]                      # input, low, high, swing (NPV), payback at each end
    median_npv_usd: float                              # every input at its median: the tornado's centre
    variance_share: dict[str, float]                   # input -> share of NPV rank variance
    deterministic: dict[str, float | None]
    inputs: tuple[Input, ...]
    cumulative_savings: dict[str, np.ndarray] = field(repr=False, default_factory=dict)  # p10/p50/p90 by month
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"samples": self.samples, "seed": self.seed, "spread": self.spread, **self.quantiles,
                "prob_payback_within": {str(k): v for k, v in self.prob_payback_within.items()},
                "tornado": self.tornado, "median_npv_usd": self.median_npv_usd,
                "variance_share": self.variance_share,
                "deterministic": self.deterministic,
                "inputs": [{"input": i.key, "label": i.label, "unit": i.unit, "source": i.source}
                           for i in self.inputs],
                "seconds": self.seconds}


def _throughput_log_sd(s: Scenario) -> float:
    """σ of the log error of the throughput the engine uses: the capacity model's leave-one-out
    median absolute error e turned into a lognormal σ (median |log ratio| = 0.6745 σ)."""
    from tco import capacity
    if s.replica_output_tokens_per_s is not None:   # the user's own benchmark: no model error
        return 0.0
    e = capacity.calibration().loo_median_abs_error
    return math.log1p(e) / stats.norm.ppf(0.75)


def _evaluate(p) -> dict[str, np.ndarray]:
    """Month-1 savings, break-even volume, payback month, NPV and cumulative savings by month
    against the API, one row per drawn scenario (one cash-flow call for all of them)."""
    n = int(np.size(p.tokens_per_month))
    st = costs.steady_state(p)
    be, _ = breakeven.breakeven_volume(costs.fixed_usd_per_month(p), costs.replica_usd_per_month(p),
                                       costs.api_usd_per_mtok(p) / 1e6, costs.replica_tokens(p), p.min_replicas)
    pay, npv, cumulative = batch.payback_npv(p, cumulative=True)   # (n,), (n,), (n, months + 1)
    return {"monthly_savings_usd": np.broadcast_to(st["api"] - st["self_host"], (n,)),
            "breakeven_tokens_per_month": np.broadcast_to(be, (n,)),
            "payback_month": pay, "npv_usd": npv, "cumulative": cumulative}


def _params_with(base, values: dict[str, np.ndarray]):
    return base.replace(**values).arrays()


def _quantiles(x: np.ndarray, none_is_never: bool) -> dict[str, float | None]:
    """P10/P50/P90. For payback and break-even NaN means 'none': it sorts above every number, and
    a quantile that falls among them is None; ``share_none`` says how many there are."""
    x = np.asarray(x, dtype=float)
    out = {}
    if none_is_never:
        none = np.isnan(x)
        ranked = np.sort(np.where(none, np.inf, x))
        for q in QUANTILES:
            v = ranked[min(int(np.floor(q * (x.size - 1) + 0.5)), x.size - 1)] if x.size else np.inf
            out[f"p{int(q * 100)}"] = None if not np.isfinite(v) else float(v)
        out["share_none"] = float(none.mean()) if x.size else None
        return out
    for q in QUANTILES:
        out[f"p{int(q * 100)}"] = float(np.quantile(x, q))
    return out


#: uncertain input -> the Scenario field that scales its default spread (the "Uncertainty" group)
SPREAD_FIELDS = {
    "tokens_per_month": "spread_volume", "growth_per_month": "spread_growth",
    "api_price_trend_per_year": "spread_api_trend", "hosted_price_trend_per_year": "spread_hosted_trend",
    "gpu_price_trend_per_year": "spread_gpu_trend", "replica_output_tokens_per_s": "spread_throughput",
    "target_utilisation": "spread_utilisation", "staff_fte": "spread_staff", "setup_cost_usd": "spread_setup",
}


def _draw(s: Scenario, samples: int, seed: int | None, spread: float | None, spreads: dict[str, float] | None):
    """The Latin hypercube draws of :func:`run`: (seed, spread, base Params, inputs, spread per
    input, value per input, the unit hypercube (samples, inputs), drawn values per input)."""
    from tco.model import resolve
    seed = s.uncertainty_seed if seed is None else seed
    spread = s.uncertainty_spread if spread is None else spread
    if samples < 1:
        raise ValueError("`samples` must be at least 1")
    if not (0 <= spread <= 5):
        raise ValueError("`spread` must be in [0, 5]")
    base = resolve(s).params
    ins = inputs(_throughput_log_sd(s))
    spreads = dict({k: getattr(s, f) for k, f in SPREAD_FIELDS.items()} if spreads is None else spreads)
    unknown = set(spreads) - {i.key for i in ins}
    if unknown:
        raise ValueError(f"no uncertain input named {', '.join(sorted(unknown))}; "
                         f"one of: {', '.join(i.key for i in ins)}")
    if any(not (0 <= float(v) <= 5) for v in spreads.values()):
        raise ValueError("every input's own spread must be in [0, 5]")
    k = {i.key: spread * float(spreads.get(i.key, 1.0)) for i in ins}   # at most 5 x 5
    value = {i.key: float(np.asarray(getattr(base, i.key))) for i in ins}
    u = qmc.LatinHypercube(d=len(ins), seed=seed).random(samples)
    drawn = {i.key: i.ppf(u[:, j], value[i.key], k[i.key]) for j, i in enumerate(ins)}
    return seed, spread, base, ins, k, value, u, drawn


def run(s: Scenario, samples: int = DEFAULT_SAMPLES, seed: int | None = None, spread: float | None = None,
        spreads: dict[str, float] | None = None) -> Uncertainty:
    """Draw ``samples`` scenarios around ``s`` (Latin hypercube, ``seed``) and evaluate them at once.

    ``seed`` and ``spread`` default to the scenario's ``uncertainty_seed`` and ``uncertainty_spread``
    (so a link draws the same bands). ``spread`` scales every input's default spread; ``spreads``
    sets a multiplier per input key on
    top of it (e.g. ``{"staff_fte": 0}`` holds staff at its value); it defaults to the scenario's
    own ``spread_*`` inputs (:data:`SPREAD_FIELDS`). Raises ValueError for a bad count, spread or
    key."""
    started = time.perf_counter()
    seed, spread, base, ins, k, value, u, drawn = _draw(s, samples, seed, spread, spreads)
    out = _evaluate(_params_with(base, drawn))

    det = _evaluate(base.arrays())
    deterministic = {k: (None if np.isnan(v := float(np.asarray(det[k]).ravel()[0])) else v)
                     for k in ("monthly_savings_usd", "breakeven_tokens_per_month", "payback_month", "npv_usd")}
    quantiles = {
        "npv_usd": _quantiles(out["npv_usd"], False),
        "monthly_savings_usd": _quantiles(out["monthly_savings_usd"], False),
        "payback_month": _quantiles(out["payback_month"], True),
        "breakeven_tokens_per_month": _quantiles(out["breakeven_tokens_per_month"], True),
    }
    pay = out["payback_month"]
    prob = {m: (float(np.mean(np.nan_to_num(pay, nan=np.inf) <= m)) if m <= s.horizon_months else None)
            for m in PAYBACK_WITHIN}
    cum = out["cumulative"]
    bands = dict(zip((f"p{int(q * 100)}" for q in QUANTILES), np.quantile(cum, QUANTILES, axis=0)))

    # tornado: each input at its P10 and at its P90, the others at their medians, in one call
    med = {i.key: i.ppf(np.array([0.5]), value[i.key], k[i.key])[0] for i in ins}
    rows = {k: np.full(2 * len(ins) + 1, v) for k, v in med.items()}   # the last row: all at their medians
    for j, i in enumerate(ins):
        rows[i.key][2 * j] = i.ppf(np.array([0.1]), value[i.key], k[i.key])[0]
        rows[i.key][2 * j + 1] = i.ppf(np.array([0.9]), value[i.key], k[i.key])[0]
    t = _evaluate(_params_with(base, rows))
    tornado = []
    for j, i in enumerate(ins):
        lo, hi = 2 * j, 2 * j + 1
        tornado.append({"input": i.key, "label": i.label, "unit": i.unit,
                        "low": float(rows[i.key][lo]), "high": float(rows[i.key][hi]),
                        "npv_at_low_usd": float(t["npv_usd"][lo]), "npv_at_high_usd": float(t["npv_usd"][hi]),
                        "payback_at_low_month": _month(t["payback_month"][lo]),
                        "payback_at_high_month": _month(t["payback_month"][hi]),
                        "swing": abs(float(t["npv_usd"][hi] - t["npv_usd"][lo]))})
    tornado.sort(key=lambda r: -r["swing"])
    median_npv = float(t["npv_usd"][-1])

    # share of the NPV's rank variance each input explains: squared Spearman correlations,
    # normalised. A Latin hypercube puts one draw in each of n strata per input, so an input's
    # ranks are its strata, floor(u·n): no sort needed (the distributions are monotone in u).
    npv = np.asarray(out["npv_usd"], dtype=float)
    share = {i.key: 0.0 for i in ins}
    if samples > 2 and np.ptp(npv) > 0:
        r_npv = stats.rankdata(npv)
        r_npv = (r_npv - r_npv.mean()) / r_npv.std()
        rho = {}
        for j, i in enumerate(ins):
            if np.ptp(drawn[i.key]) == 0:
                rho[i.key] = 0.0
                continue
            r_in = np.floor(u[:, j] * samples)
            r_in = (r_in - r_in.mean()) / r_in.std()
            rho[i.key] = float(np.mean(r_in * r_npv)) ** 2
        total = sum(rho.values())
        share = {k: (v / total if total > 0 else 0.0) for k, v in rho.items()}
    return Uncertainty(samples=samples, seed=seed, spread=spread, quantiles=quantiles, prob_payback_within=prob,
                       tornado=tornado, median_npv_usd=median_npv, variance_share=share, deterministic=deterministic, inputs=ins,
                       cumulative_savings=bands, seconds=time.perf_counter() - started)


def _month(x) -> int | None:
    return None if np.isnan(x) else int(x)


# --- the recommended plan under the same draws --------------------------------------------------

PLAN_SAMPLES = 1_000   # about 80 ms for 12 plans; a share of draws within ±1.6 points (1 s.e.)
PLAN_CANDIDATES = 12


@dataclass(frozen=True)
class PlanUncertainty:
    """The recommended plan (tco/plans.py) under the uncertain inputs: how it fares against the
    API, and how often it stays the cheapest of the plans closest to it. Money in USD."""
    recommended: str
    kind: str
    samples: int
    seed: int
    spread: float
    candidates: tuple[str, ...]                     # the plans compared in every draw, best at the median first
    prob_stays_best: float                          # share of draws in which the recommended plan is the cheapest
    best_share: dict[str, float]                    # plan -> share of draws in which it is the cheapest
    quantiles: dict[str, dict[str, float | None]]   # npv_usd, payback_month, monthly_savings_usd vs the API
    prob_payback_within: dict[int, float | None]    # None for the API itself (nothing to pay back)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"recommended": self.recommended, "kind": self.kind, "samples": self.samples, "seed": self.seed,
                "spread": self.spread, "candidates": list(self.candidates), "prob_stays_best": self.prob_stays_best,
                "best_share": self.best_share, **self.quantiles,
                "prob_payback_within": {str(k): v for k, v in self.prob_payback_within.items()},
                "seconds": self.seconds}


def candidates(found, count: int = PLAN_CANDIDATES) -> list[str]:
    """The plans a draw compares: the ``count`` cheapest feasible ones at the median inputs, and
    the cheapest feasible plan of every kind (so the API and a hosted offer are always there when
    the constraints allow them). The recommended plan comes first."""
    feasible = [q for q in found.plans if q.feasible]
    names = [q.name for q in feasible[:count]]
    for kind in ("api", "hosted_open", "self_host", "hybrid"):
        best = next((q for q in feasible if q.kind == kind), None)
        if best is not None and best.name not in names:
            names.append(best.name)
    return names


def plan_run(s: Scenario, found=None, samples: int = PLAN_SAMPLES, seed: int | None = None,
             spread: float | None = None, spreads: dict[str, float] | None = None,
             count: int = PLAN_CANDIDATES) -> PlanUncertainty | None:
    """The same Latin hypercube as :func:`run` (same seed, spreads and inputs; ``samples`` draws)
    pushed through the plan search's evaluation for :func:`candidates` in one call. None when no
    plan meets the constraints (there is nothing to recommend)."""
    from tco import plans
    started = time.perf_counter()
    found = plans.search(s) if found is None else found
    if not found.recommended.feasible:
        return None
    seed, spread, base, ins, k, value, u, drawn = _draw(s, samples, seed, spread, spreads)
    names = candidates(found, count)
    tput = value["replica_output_tokens_per_s"]
    factor = drawn["replica_output_tokens_per_s"] / tput if tput > 0 else np.ones(samples)
    draws = {key: v for key, v in drawn.items() if key != "replica_output_tokens_per_s"}
    e = plans.evaluate_draws(s, names, draws, factor)
    total, kind = e["total"], e["kind"]                       # (samples, plans)
    best = np.argmin(total, axis=-1)                          # ties go to the earlier (cheaper at the median)
    share = {name: float(np.mean(best == j)) for j, name in enumerate(names)}
    month1 = min(1, int(s.horizon_months))
    r = 0                                                     # the recommended plan is the first candidate
    is_api = kind[r] == "api"
    api = np.broadcast_to(e["api"], e["cost"].shape)          # all traffic on the API, per draw and month
    savings_month1 = api[:, r, month1] - e["cost"][:, r, month1]
    pay = np.full(samples, np.nan) if is_api else np.asarray(e["pay"][:, r], dtype=float)
    quantiles = {"npv_usd": _quantiles(e["npv_vs"][:, r], False),
                 "monthly_savings_usd": _quantiles(savings_month1, False),
                 "payback_month": _quantiles(pay, True)}
    be, be_note = _plan_breakeven(s, found.recommended, e["params"], r, samples)
    quantiles["breakeven_tokens_per_month"] = {**_quantiles(be, True), "note": be_note}
    prob = {m: (None if is_api or m > s.horizon_months else float(np.mean(np.nan_to_num(pay, nan=np.inf) <= m)))
            for m in PAYBACK_WITHIN}
    return PlanUncertainty(recommended=names[r], kind=str(kind[r]), samples=samples, seed=seed, spread=spread,
                           candidates=tuple(names), prob_stays_best=share[names[r]], best_share=share,
                           quantiles=quantiles, prob_payback_within=prob, seconds=time.perf_counter() - started)


#: Acquisitions whose fleet has one steady monthly cost per replica (spot adds replicas for
#: preemptions and autoscaled fleets follow the hour: neither has a single crossing formula).
_STEADY = ("on_demand", "reserved_1y", "reserved_3y", "buy")


def _plan_breakeven(s: Scenario, plan, p, r: int, samples: int) -> tuple[np.ndarray, str]:
    """Break-even volume [tokens/month] of the recommended plan against the API per draw, and what
    it means. For a self-hosted plan it is the single-configuration engine's crossing for the
    plan's fleet (month-1 prices, a bought GPU at its depreciation): the fleet serves all but the
    frontier share ``f``, so the crossing of the fleet's traffic W* is the volume W*/(1 − f).
    Other plans have no such single crossing: NaN with the reason."""
    none = np.full(samples, np.nan)
    if plan.kind != "self_host" or plan.fleet is None or plan.fleet.acquisition not in _STEADY:
        words = {"api": "the API itself is the current path",
                 "hosted_open": "a hosted plan is priced per token like the API: it is cheaper at every volume or at none",
                 "hybrid": "a hybrid's fleet follows the volume up to its best size: no single crossing"}
        return none, words.get(plan.kind, "a spot or autoscaled fleet has no single crossing volume")
    if s.frontier_share >= 1:
        return none, "every token goes to the API for its quality"

    plans_shape = (samples, int(np.size(p.gpus_per_replica)))      # per-draw fields are (samples, 1)

    def at(x):   # the recommended plan's value in each draw
        return np.broadcast_to(np.asarray(x, dtype=float), plans_shape)[:, r]
    first, _ = breakeven.breakeven_volume(at(costs.fixed_usd_per_month(p)), at(costs.replica_usd_per_month(p)),
                                          at(costs.api_usd_per_mtok(p)) / 1e6, at(costs.replica_tokens(p)),
                                          float(s.min_replicas))
    return first / (1 - s.frontier_share), (
        "the volume at which the plan's fleet costs no more than the API (month-1 prices)")


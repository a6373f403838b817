"""Plans: the workload's traffic over path parts, month by month, and the search for the cheapest.

Conventions: USD; costs positive; month 0 is the decision month (upfront only), months on the last
axis; one plan per row on the leading axis. Shares are of tokens.

A plan sends
  * the frontier share ``f`` (requests that need the commercial API's quality) to the API, always;
  * the private share ``p`` (traffic that must stay in-house) to a self-hosted fleet, always;
  * the rest to its own choice of part: the API (kind ``api``), one hosted offer of the open model
    (``hosted_open``), a self-hosted fleet sized for the peak hour (``self_host``), or a fleet of k
    replicas that serves each hour up to its capacity and sends the rest of the hour to the API or
    a hosted offer (``hybrid``).

Parts (:data:`PARTS`): ``api`` and ``hosted_open`` cost their tokens at the per-token price with
its trend; ``self_host`` costs a replica schedule through :func:`tco.costs.cash_flows` (rent,
reserved terms, purchases, power, staff, setup). Every plan of one scenario is evaluated in one
vectorised call over a (plans, months) grid.

Self-hosted fleets (``acquisition``): ``on_demand``, ``reserved_1y``, ``reserved_3y``, ``buy`` as in
the single-configuration engine; ``spot`` = on-demand rent less ``spot_discount`` for all but
``spot_fallback_share`` of the hours (those run on on-demand GPUs), with ``spot_overprovision_share``
extra replicas (rounded up) to cover preemptions; ``autoscaled`` = on-demand replicas
that follow the hourly load (replicas in hour h = what that hour needs at the target, at least
``min_replicas``), each replica started ``autoscale_lag_minutes`` before it serves and billed from
then, and never more than the always-on fleet would cost.

Hybrid fleet size: with hourly loads ``x_h`` (tokens a month falling in hour h of the day) and a
replica serving ``c`` tokens a month in each hour slot, the month's cost
``k·R + P·Σ_h max(x_h − k·c, 0)`` is convex in k (R one replica's monthly cost, P the overflow
price per token). Its derivative ``R − P·c·#{h : x_h > k·c}`` changes sign where the number of
hours above the fleet's capacity falls to ``n* = R / (P·c)``; the best whole k is the floor or the
ceiling of that capacity, clipped to [the private share's need, the full fleet]. The month-by-month
choice is exact for rent billed by the month; for reserved terms and purchases the plan keeps the
better of that schedule and the full fleet.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tco import breakeven, capacity, catalog, costs, load
from tco.costs import ACQUISITION_CODES, Params
from tco.scenario import Scenario

KINDS = ("api", "hosted_open", "self_host", "hybrid")
#: Acquisitions a self-hosted part can use in a plan (the first four are also Scenario inputs).
PLAN_ACQUISITIONS = ("on_demand", "reserved_1y", "reserved_3y", "buy", "spot", "autoscaled")
#: Acquisitions a hybrid's base-load fleet can use (an autoscaled fleet already follows the load;
#: spot interruptions would need a second overflow rule).
HYBRID_ACQUISITIONS = ("on_demand", "reserved_1y", "reserved_3y", "buy")
#: Precisions every plan search tries; 4-bit ones only when the scenario asks for them (their
#: quality must be checked on the workload first).
PLAN_PRECISIONS = ("bf16", "fp8")
ACQUISITION_WORDS = {"on_demand": "on demand", "reserved_1y": "reserved 1 year",
                     "reserved_3y": "reserved 3 years", "buy": "bought", "spot": "spot",
                     "autoscaled": "autoscaled on demand"}


@dataclass(frozen=True)
class Fleet:
    """One self-hosted configuration: GPU, precision, replica size, throughput, acquisition."""
    gpu: str
    precision: str
    gpus_per_replica: int
    output_tokens_per_s: float     # one replica's max output tokens/s at the workload's lengths
    throughput_source: str
    acquisition: str
    gpu_hour_usd: float
    gpu_price_usd: float
    tdp_w: float

    def name(self) -> str:
        g = catalog.gpus()[self.gpu]
        short = g.name.removeprefix("NVIDIA ").removeprefix("AMD Instinct ")  # the model names the vendor
        return (f"{self.gpus_per_replica}× {short} {self.precision.upper()} per replica, "
                f"{ACQUISITION_WORDS[self.acquisition]}")


@dataclass(frozen=True)
class Plan:
    """One evaluated plan. Money in USD; shares of month-1 tokens; GPUs in month 1."""
    name: str
    kind: str
    shares: dict[str, float]
    monthly_usd: float             # month 1
    usd_per_mtok: float            # month 1
    upfront_usd: float             # month 0
    total_cost_usd: float          # discounted over the horizon, resale of owned GPUs deducted
    payback_vs_current_month: int | None
    npv_vs_current_usd: float
    feasible: bool
    fleet: Fleet | None = None
    overflow: str | None = None    # "api" or "hosted_open" for hybrids
    hosted_ref: str | None = None  # the hosted offer the plan uses, if any
    gpus: float = 0.0              # month 1 (an autoscaled fleet: its daily average)
    peak_gpus: float = 0.0         # month 1, busiest hour
    replicas: float = 0.0          # month 1
    flows: np.ndarray = field(default=None, repr=False, compare=False)  # (months + 1,) month 0 first

    def as_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "kind": self.kind, "shares": self.shares,
               "monthly_usd": self.monthly_usd, "usd_per_mtok": self.usd_per_mtok,
               "upfront_usd": self.upfront_usd, "total_cost_usd": self.total_cost_usd,
               "payback_vs_current_month": self.payback_vs_current_month,
               "npv_vs_current_usd": self.npv_vs_current_usd, "feasible": self.feasible}
        if self.hosted_ref:
            out["hosted_model"] = self.hosted_ref
        if self.fleet is not None:
            out.update(gpu=self.fleet.gpu, gpus=self.gpus, peak_gpus=self.peak_gpus,
                       replicas=self.replicas, gpus_per_replica=self.fleet.gpus_per_replica,
                       precision=self.fleet.precision, acquisition=self.fleet.acquisition,
                       replica_output_tokens_per_s=self.fleet.output_tokens_per_s,
                       throughput_source=self.fleet.throughput_source)
        if self.overflow:
            out["overflow_to"] = self.overflow
        return out


@dataclass(frozen=True)
class PlanSearch:
    """The ranked plans of one scenario and the recommendation."""
    plans: tuple[Plan, ...]        # feasible first, cheapest total cost first
    recommended: Plan
    reason: str
    current: str                   # the path the NPV and payback are measured against
    hourly_load: np.ndarray        # 24 multipliers of the average hour
    unconstrained_best: Plan | None = None   # the best plan without private/frontier shares
    seconds: float = 0.0

    def lead(self) -> tuple[str, str]:
        """(plan name, why) for a line that shows the name in bold: the reason without its
        leading name ("$83,399 over 36 months, $1.40M less than the API, …"); ("", reason)
        when no plan meets the constraints."""
        if not self.recommended.feasible:
            return "", self.reason
        name = self.recommended.name
        why = self.reason.removeprefix(f"{name}: ")
        return name, why[:1].upper() + why[1:]

    def as_dict(self, top: int | None = None) -> dict[str, Any]:
        plans = self.plans if top is None else self.plans[:top]
        return {"plans": [p.as_dict() for p in plans], "recommended": self.recommended.name,
                "reason": self.reason, "current": self.current, "candidates": len(self.plans),
                "hourly_load": self.hourly_load.tolist(), "seconds": self.seconds}


# --- candidates --------------------------------------------------------------------------------

def fleets(s: Scenario) -> tuple[Fleet, ...]:
    """Every GPU, replica size and precision on which the open model fits and meets the latency
    target, with each acquisition, at its operating point (tco/capacity.py).

    Sizes: from the smallest GPU count that holds the weights and a useful KV cache up to two
    nodes, where the interconnect allows (:func:`tco.capacity.fits`); a size whose throughput at
    the target is not a number (even one request misses it) is left out. The scenario's own GPU
    keeps its price overrides and, at its own size and precision, the throughput the user measured
    (as in :func:`tco.model.candidate_sizes`). Cached on the inputs it reads.
    """
    from tco.model import prefix_cache_share
    return _fleets(s.open_model, s.precision, float(s.input_tokens_per_request), float(s.output_tokens_per_request),
                   float(prefix_cache_share(s)), s.max_ttft_s, s.min_output_tokens_per_s_per_user,
                   s.gpu, s.gpu_hour_usd, s.gpu_price_usd, s.gpus_per_replica, s.replica_output_tokens_per_s)


@functools.lru_cache(maxsize=64)
def _fleets(open_model: str, own_precision: str, input_tokens: float, output_tokens: float, cached: float,
            ttft: float | None, speed: float | None, own_gpu: str, own_hour_usd: float | None,
            own_price_usd: float | None, own_size: int | None, own_throughput: float | None) -> tuple[Fleet, ...]:
    from tco.model import _options
    model = catalog.models()[open_model]
    precisions = list(PLAN_PRECISIONS) + ([own_precision] if own_precision not in PLAN_PRECISIONS else [])
    out = []
    for gpu in catalog.gpus().values():
        own = gpu.id == own_gpu
        hour = own_hour_usd if own and own_hour_usd is not None else gpu.on_demand_usd_per_hour
        price = own_price_usd if own and own_price_usd is not None else gpu.purchase_usd_per_gpu
        for precision in precisions:
            if precision == "fp4" and not gpu.fp4_tflops:
                continue
            try:
                smallest = capacity.gpus_per_replica(model, gpu, precision, input_tokens, output_tokens)
            except capacity.DoesNotFit:
                continue
            sizes = tuple(g for g in capacity.replica_sizes(gpu)
                          if smallest <= g <= max(smallest, 2 * gpu.gpus_per_node)
                          and capacity.fits(model, gpu, precision, g, input_tokens, output_tokens))
            measured = own and precision == own_precision and own_throughput is not None
            for size in sizes:
                use = own_throughput if measured and size == (own_size or smallest) else None
                if measured and use is None:
                    continue   # the user's figure was measured on one size only
                (option,) = _options(open_model, gpu.id, precision, input_tokens, output_tokens, cached, ttft,
                                     speed, use, (size,))
                tput = float(option.point.output_tokens_per_s)
                if not (math.isfinite(tput) and tput > 0):
                    continue   # misses the latency target even at one request
                out.extend(Fleet(gpu.id, precision, size, tput, option.throughput.source, acq,
                                 float(hour), float(price), float(gpu.tdp_w)) for acq in PLAN_ACQUISITIONS)
    return tuple(out)


def hosted_offers(s: Scenario) -> list[str]:
    """Every hosted offer of the open model the catalog prices (data/models.csv ``hosted_offers``),
    cheapest first at the workload's mix, and the scenario's own hosted model if it is another."""
    from tco.model import hosted_offers as priced_offers
    refs = [ref for ref, _, _ in priced_offers(s)]        # cheapest first at the workload's mix
    if s.hosted_model and s.hosted_model not in refs:
        refs.append(s.hosted_model)                        # the user's own choice is a candidate too
    if not refs:
        raise ValueError(f"no hosted offer of {catalog.models()[s.open_model].name} can be priced")
    return refs


def _base_params(s: Scenario) -> Params:
    """The scenario's Params. The fleet fields are replaced plan by plan, so a scenario whose own
    GPU cannot hold the model is still searched: its other inputs are read with a GPU that can."""
    from tco.model import resolve
    try:
        return resolve(s).params
    except capacity.DoesNotFit:
        for gpu in catalog.gpus():
            try:
                return resolve(s.replace(gpu=gpu, gpus_per_replica=None, precision="bf16")).params
            except (capacity.DoesNotFit, ValueError):
                continue
        raise


# --- the vectorised evaluation -------------------------------------------------------------------

@dataclass(frozen=True)
class _Rows:
    """Candidate plans as parallel columns (one row per plan), built once per set of fleets."""
    kind: np.ndarray             # str
    fleet: tuple                 # Fleet or None
    overflow: tuple              # "api", "hosted_open" or None
    hosted_ref: tuple            # the hosted offer a row uses (or would overflow to)
    names: tuple                 # the plan's name
    self_row: np.ndarray         # for a hybrid: the row of the self-hosted plan with its fleet; else -1
    acquisition: np.ndarray      # str ("" without a fleet)
    columns: dict                # fleet fields as float arrays (Params names)


def _rows(s: Scenario, fl: tuple[Fleet, ...], offers: tuple[str, ...]) -> _Rows:
    return _rows_cached(fl, offers, s.api_model, s.input_tokens_per_request, s.output_tokens_per_request)


@functools.lru_cache(maxsize=32)
def _rows_cached(fl: tuple[Fleet, ...], offers: tuple[str, ...], api_model: str, input_tokens: float,
                 output_tokens: float) -> _Rows:
    kind, fleet, overflow, hosted, self_row = ["api"], [None], [None], [offers[0]], [-1]
    for ref in offers:
        kind.append("hosted_open"); fleet.append(None); overflow.append(None); hosted.append(ref); self_row.append(-1)
    cheapest_hosted = offers[0]
    first_self = len(kind)
    for f in fl:
        kind.append("self_host"); fleet.append(f); overflow.append(None); hosted.append(cheapest_hosted)
        self_row.append(-1)
    for j, f in enumerate(fl):
        if f.acquisition not in HYBRID_ACQUISITIONS:
            continue
        for path in ("api", "hosted_open"):
            kind.append("hybrid"); fleet.append(f); overflow.append(path); hosted.append(cheapest_hosted)
            self_row.append(first_self + j)
    api = catalog.api_prices(api_model, input_tokens, output_tokens).model_name

    def hosted_text(ref):
        pr = catalog.api_prices(ref, input_tokens, output_tokens)
        return f"{pr.model_name} on {pr.provider}"
    labels = {f: f.name() for f in fl}
    names = []
    for k, f, o, ref in zip(kind, fleet, overflow, hosted):
        if k == "api":
            names.append(f"API: {api}")
        elif k == "hosted_open":
            names.append(f"Hosted: {hosted_text(ref)}")
        elif k == "self_host":
            names.append(f"Self-host: {labels[f]}")
        else:
            names.append(f"Hybrid: {labels[f]} + overflow to {api if o == 'api' else hosted_text(ref)}")
    code = {**ACQUISITION_CODES, "spot": 0, "autoscaled": 0}
    ref_fleet = fl[0] if fl else None

    def col(get, default):
        return np.array([get(f) if f is not None else default for f in fleet], dtype=float)
    columns = {}
    if ref_fleet is not None:
        columns = {"acquisition_code": col(lambda f: code[f.acquisition], 0.0),
                   "gpu_hour_usd": col(lambda f: f.gpu_hour_usd, ref_fleet.gpu_hour_usd),
                   "gpu_price_usd": col(lambda f: f.gpu_price_usd, ref_fleet.gpu_price_usd),
                   "tdp_w": col(lambda f: f.tdp_w, ref_fleet.tdp_w),
                   "gpus_per_replica": col(lambda f: f.gpus_per_replica, 1.0),
                   "replica_output_tokens_per_s": col(lambda f: f.output_tokens_per_s, 1.0)}
    return _Rows(kind=np.array(kind), fleet=tuple(fleet), overflow=tuple(overflow), hosted_ref=tuple(hosted),
                 names=tuple(names), self_row=np.array(self_row),
                 acquisition=np.array([f.acquisition if f else "" for f in fleet]), columns=columns)


def _per_plan(x, n: int) -> np.ndarray:
    """One value per plan row: a fleet parameter is a scalar when no fleet fits at all."""
    return np.broadcast_to(np.asarray(x, dtype=float), (n,))


def _row_params(base: Params, rows: _Rows, s: Scenario) -> Params:
    """Params with one row per plan: fleet fields per row, hosted prices per row."""
    d = dict(rows.columns)
    if d:
        # spot: (1 − fallback) of the hours at the spot price, the fallback share at on-demand
        spot_rate = (1 - s.spot_fallback_share) * (1 - s.spot_discount) + s.spot_fallback_share
        d["gpu_hour_usd"] = d["gpu_hour_usd"] * np.where(rows.acquisition == "spot", spot_rate, 1.0)
    prices = {ref: catalog.api_prices(ref, s.input_tokens_per_request, s.output_tokens_per_request)
              for ref in set(rows.hosted_ref)}
    from tco.model import default_hosted_ref
    own = s.hosted_model or default_hosted_ref(s)
    for cls in ("input", "cached_input", "output"):
        for prefix, attr in (("hosted", cls), ("hosted_batch", f"batch_{cls}")):
            key = f"{prefix}_{cls}_usd_per_mtok"
            # the scenario's own hosted offer keeps its price overrides (as in the single-path engine)
            value = {ref: (float(np.asarray(getattr(base, key))) if ref == own else getattr(pr, attr))
                     for ref, pr in prices.items()}
            d[key] = np.array([value[r] for r in rows.hosted_ref])
    return base.replace(**d).arrays()


@dataclass(frozen=True)
class DailyLoad:
    """The fleet's traffic hour slot by hour slot: ``total[m] · share[h]`` tokens a month fall in
    hour slot h of month m, with ``share`` sorted from the busiest hour down (sum 1)."""
    total: np.ndarray        # (months + 1,) tokens a month the fleet may serve
    share: np.ndarray        # (24,) descending, sums to 1

    def overflow(self, capacity_per_slot):
        """Tokens a month above a fleet's capacity, Σ_h max(total·share_h − capacity, 0).

        As a function of y = capacity / total this is one piecewise-linear curve
        g(y) = Σ_h max(share_h − y, 0) with knots at the shares, so it is interpolated exactly
        (linear beyond the smallest share) instead of summed over 24 hours per plan and month.
        Broadcasts ``capacity_per_slot`` against the months axis.
        """
        knots = self.share[::-1]                                   # ascending
        g = np.array([np.maximum(self.share - y, 0.0).sum() for y in knots])
        total = np.broadcast_to(self.total, np.shape(capacity_per_slot)) if np.ndim(capacity_per_slot) else self.total
        safe = np.where(total > 0, total, 1.0)
        with np.errstate(over="ignore"):   # a fleet far above a vanishing load: y = inf, no overflow
            y = np.asarray(capacity_per_slot) / safe
        below = 1.0 - len(knots) * y                                # y under the smallest share: every hour overflows
        inside = np.interp(y, knots, g, right=0.0)
        return np.where(total > 0, total * np.where(y < knots[0], below, inside), 0.0)

    def level(self, hours_above):
        """Load of the ``hours_above``-th busiest hour slot (1-based), per month."""
        return self.total * self.share[np.clip(hours_above, 1, len(self.share)) - 1]


def autoscaled_replicas(traffic, hourly, c, min_replicas, lag_minutes):
    """Average replicas an autoscaled fleet bills over a day, per (plan, month).

    Hour h runs ``max(min_replicas, ceil(traffic·w_h/24 / c))`` replicas; every replica added
    between one hour and the next (the day repeats) is started ``lag_minutes`` early and billed
    from then. ``traffic``: (months,) tokens a month; ``hourly``: (24,) multipliers;
    ``c``: (plans, 1) tokens a month a replica serves in an hour slot. Leading axes (draws)
    broadcast: ``traffic`` (draws, 1, months) with ``c`` (draws, plans, 1).
    """
    slot = np.asarray(traffic)[..., None] * np.asarray(hourly) / len(hourly)         # (..., months, 24)
    need = np.maximum(min_replicas, np.ceil(slot / np.asarray(c)[..., None]))        # (..., plans, months, 24)
    started_early = np.maximum(need - np.roll(need, 1, axis=-1), 0.0) * lag_minutes / 60
    return (need.sum(-1) + started_early.sum(-1)) / len(hourly)


def _hybrid_replicas(daily: DailyLoad, c, replica_usd, overflow_usd_per_token, k_lo, k_hi):
    """Best whole fleet size per (plan, month) for the convex month cost (module docstring).

    ``c``: tokens a month one replica serves in each hour slot; ``replica_usd``: one replica's
    monthly cost; ``overflow_usd_per_token`` per (plan, month); ``k_lo``/``k_hi`` the bounds.
    """
    hours = len(daily.share)
    n_star = replica_usd / np.maximum(overflow_usd_per_token * c, 1e-300)  # hours above capacity that pay a replica
    j0 = np.floor(np.minimum(n_star, hours)).astype(int) + 1       # n_star may be inf: a replica never pays
    j0 = np.clip(j0, 1, hours)
    level = np.where(n_star >= hours, 0.0, daily.level(j0))      # a replica never pays: the lower bound
    k_cont = level / c
    best_k = best_cost = None
    for k in (np.floor(k_cont), np.ceil(k_cont)):
        k = np.clip(k, k_lo, k_hi)
        cost = k * replica_usd + overflow_usd_per_token * daily.overflow(k * c)
        if best_k is None:
            best_k, best_cost = k, cost
        else:
            best_k, best_cost = np.where(cost < best_cost, k, best_k), np.minimum(cost, best_cost)
    return best_k


def _cash_flows(p: Params, h: int, replicas: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """:func:`tco.costs.cash_flows` for every row, with bought fleets apart: the purchase, power and
    resale bookkeeping then runs only on the rows that buy (about one in six). Plans are the axis
    before the months; fields of shape (draws, 1) broadcast over them."""
    code = np.asarray(p.acquisition_code)
    buy = np.flatnonzero(code == 3) if code.shape == (n,) else np.array([], dtype=int)
    if buy.size == 0 or buy.size == n:
        return costs.cash_flows(p, h, replicas=replicas)
    lead = replicas.shape[:-2]
    parts = []
    for idx in (buy, np.flatnonzero(code != 3)):
        sub = Params(**{k: (v[..., idx] if np.shape(v)[-1:] == (n,) else v)
                        for k, v in ((k, np.asarray(getattr(p, k))) for k in costs.PARAM_NAMES)})
        parts.append((idx, costs.cash_flows(sub, h, replicas=replicas[..., idx, :])))
    out = {"api": parts[0][1]["api"]}       # the API path does not depend on the fleet
    for key in ("self_host", "hosted_open", "terminal_value"):
        column = np.zeros(lead + ((n,) if key == "terminal_value" else (n, h + 1)))
        for idx, f in parts:
            if key == "terminal_value":
                column[..., idx] = f[key]
            else:
                column[..., idx, :] = f[key]
        out[key] = column
    return out


def _prepare(s: Scenario) -> tuple[_Rows, Params]:
    """The candidate rows of ``s`` and their Params (one row per plan)."""
    rows = _rows(s, fleets(s), tuple(hosted_offers(s)))
    return rows, _row_params(_base_params(s), rows, s)


def cost_curves(s: Scenario, volumes) -> dict[str, Any]:
    """Steady-state monthly cost at month-1 prices of every candidate plan at each volume, as the
    break-even chart draws the single paths (a bought fleet pays depreciation, not its purchase).

    Returns ``volumes``, ``cost`` (plans, volumes) [USD/month] with NaN for plans the constraints
    rule out, ``kind`` and ``names`` per plan, and ``best_by_kind`` {kind: (volumes,) row index of
    the cheapest plan of that kind at each volume}.
    """
    rows, p = _prepare(s)
    kind = rows.kind
    vol = np.asarray(volumes, dtype=float)
    f_share, p_share = s.frontier_share, s.private_share
    w = load.hourly(s.load_profile, s.peak_to_average)
    traffic = (1 - f_share) * vol
    daily = DailyLoad(traffic, np.sort(w)[::-1] / load.HOURS_PER_DAY)
    v = _per_plan(costs.replica_tokens(p), kind.size)[:, None]
    c_slot = v * s.peak_to_average / load.HOURS_PER_DAY
    min_r = float(s.min_replicas)
    has_fleet = (kind == "self_host") | (kind == "hybrid")
    full = np.maximum(min_r, np.ceil(traffic / v))
    replicas = np.where(has_fleet[:, None], full, 0.0)
    spot, auto, hyb = rows.acquisition == "spot", rows.acquisition == "autoscaled", kind == "hybrid"
    replicas[spot] = np.ceil(replicas[spot] * (1 + s.spot_overprovision_share))
    if auto.any():
        replicas[auto] = np.minimum(autoscaled_replicas(traffic, w, c_slot[auto], min_r, s.autoscale_lag_minutes),
                                    full[auto])
    api_tok = float(np.asarray(costs.api_usd_per_mtok(p)).ravel()[0]) / 1e6
    hosted_tok = np.asarray(costs.hosted_usd_per_mtok(p))[:, None] / 1e6
    replica_usd = _per_plan(costs.replica_usd_per_month(p), kind.size)[:, None]
    over = np.zeros_like(replicas)
    if hyb.any():
        to_api_overflow = np.array([o == "api" for o in rows.overflow])[hyb][:, None]
        price = np.where(to_api_overflow, api_tok, hosted_tok[hyb])
        k_lo = np.maximum(max(min_r, 1.0), np.ceil(p_share * vol / v[hyb] - 1e-12))
        replicas[hyb] = _hybrid_replicas(daily, c_slot[hyb], replica_usd[hyb], price, k_lo, full[hyb])
        over[hyb] = daily.overflow(replicas[hyb] * c_slot[hyb])
    overflow = np.array([o or "" for o in rows.overflow])
    to_api = np.where((kind == "api")[:, None], vol, f_share * vol) + np.where((overflow == "api")[:, None], over, 0.0)
    to_hosted = np.where((kind == "hosted_open")[:, None], (1 - f_share) * vol, 0.0) + \
        np.where((overflow == "hosted_open")[:, None], over, 0.0)
    fleet = np.where(has_fleet[:, None], float(np.asarray(costs.fixed_usd_per_month(p)).ravel()[0])
                     + replicas * replica_usd, 0.0)
    cost = to_api * api_tok + to_hosted * hosted_tok + fleet
    if p_share > 0:
        cost[(kind == "api") | (kind == "hosted_open")] = np.nan
    best = {}
    for k in KINDS:
        idx = np.flatnonzero(kind == k)
        if idx.size and not np.all(np.isnan(cost[idx])):
            best[k] = idx[np.nanargmin(np.where(np.isnan(cost[idx]), np.inf, cost[idx]), axis=0)]
    return {"volumes": vol, "cost": cost, "kind": kind, "names": rows.names, "best_by_kind": best}


def _evaluate(s: Scenario, rows: _Rows, p: Params, h: int) -> dict[str, Any]:
    """Every plan row of ``rows`` month by month (module docstring): cost, discounted total,
    payback and NPV against the API, and the fleets and traffic shares behind them.

    Arrays are (..., plans, months + 1) and (..., plans). Leading axes come from Params fields of
    shape (draws, 1) (volume, growth, trends, throughput, utilisation, staff, setup drawn per
    scenario: :func:`evaluate_draws`); without them the shapes are (plans, months + 1)."""
    n = len(rows.kind)
    kind = rows.kind
    has_fleet = (kind == "self_host") | (kind == "hybrid")
    acq = rows.acquisition
    overflow = np.array([o or "" for o in rows.overflow])
    lead = np.broadcast_shapes(*(np.shape(getattr(p, k)) for k in costs.PARAM_NAMES), (n,))[:-1]

    def per_plan(x):
        return np.broadcast_to(np.asarray(x, dtype=float), lead + (n,))

    def col(x):               # a per-draw (draws, 1) field against the plans and months axes
        return np.asarray(x, dtype=float)[..., None]

    f_share, p_share = s.frontier_share, s.private_share
    w = load.hourly(s.load_profile, s.peak_to_average)
    # tokens a month in each hour slot of the day, for the traffic the fleet may serve: (..., months+1, 24)
    m = np.arange(h + 1, dtype=float)
    years = np.maximum(m - 1, 0) / 12
    volume = col(p.tokens_per_month) * np.exp(col(np.log1p(p.growth_per_month)) * np.maximum(m - 1, 0)) * (m >= 1)
    fleet_traffic = (1 - f_share) * volume                       # private + the rest
    daily = DailyLoad(fleet_traffic, np.sort(w)[::-1] / load.HOURS_PER_DAY)

    v = per_plan(costs.replica_tokens(p))[..., None]             # tokens/month a replica serves (peak at target)
    c_slot = v * s.peak_to_average / load.HOURS_PER_DAY          # per hour slot (peak hour at target)
    min_r = float(s.min_replicas)
    full = np.where(m >= 1, np.maximum(min_r, np.ceil(fleet_traffic / v)), 0.0)          # (..., plans, months+1)
    replicas = np.where(has_fleet[:, None], full, 0.0)

    spot = acq == "spot"
    replicas = np.where(spot[:, None], np.ceil(replicas * (1 + s.spot_overprovision_share)), replicas)

    auto = acq == "autoscaled"
    if auto.any():
        average = autoscaled_replicas(fleet_traffic, w, c_slot[..., auto, :], min_r, s.autoscale_lag_minutes)
        replicas[..., auto, :] = np.where(m >= 1, np.minimum(average, full[..., auto, :]), 0.0)

    # overflow price per token, month by month (trend included): the API or the plan's hosted offer
    api_tok = np.asarray(costs.api_usd_per_mtok(p))[..., None] / 1e6 * np.exp(
        col(np.log1p(p.api_price_trend_per_year)) * years)
    hosted_tok = per_plan(costs.hosted_usd_per_mtok(p))[..., None] / 1e6 * np.exp(
        col(np.log1p(p.hosted_price_trend_per_year)) * years)
    api_tok = np.broadcast_to(api_tok, lead + (n, h + 1))
    hyb = kind == "hybrid"
    if hyb.any():
        price = np.where((overflow[hyb] == "api")[:, None], api_tok[..., hyb, :], hosted_tok[..., hyb, :])
        replica_usd = per_plan(costs.replica_usd_per_month(p))[..., hyb][..., None]
        k_lo = np.maximum(np.maximum(min_r, 1.0), np.ceil(p_share * volume / v[..., hyb, :] - 1e-12))
        k = _hybrid_replicas(daily, c_slot[..., hyb, :], replica_usd, price, k_lo, full[..., hyb, :])
        replicas[..., hyb, :] = np.where(m >= 1, k, 0.0)

    flows = _cash_flows(p, h, replicas, n)
    served = np.where(has_fleet[:, None], np.minimum(replicas, full), 0.0)  # spot extras serve nothing more
    over_tokens = np.zeros(lead + (n, h + 1))
    if hyb.any():
        over_tokens[..., hyb, :] = daily.overflow(served[..., hyb, :] * c_slot[..., hyb, :])
    safe_v = np.where(volume > 0, volume, 1.0)
    over_share = over_tokens / safe_v                             # of all tokens, (..., plans, months+1)
    to_api = (np.where(kind == "api", 1.0, f_share)[:, None]
              + np.where(overflow == "api", 1.0, 0.0)[:, None] * over_share)
    to_hosted = (np.where(kind == "hosted_open", 1.0 - f_share, 0.0)[:, None]
                 + np.where(overflow == "hosted_open", 1.0, 0.0)[:, None] * over_share)
    api_flows = np.asarray(flows["api"])                          # all traffic on the API: the current path
    api_flows = api_flows if lead else np.broadcast_to(api_flows, (h + 1,))
    cost = (api_flows * to_api + flows["hosted_open"] * to_hosted
            + np.where(has_fleet[:, None], flows["self_host"], 0.0))
    terminal = np.where(has_fleet, np.broadcast_to(flows["terminal_value"], lead + (n,)), 0.0)
    total = np.asarray(breakeven.npv(cost, s.discount_rate, -terminal))
    savings = api_flows - cost
    return {"cost": cost, "api": api_flows, "total": total, "pay": breakeven.payback_month(savings),
            "npv_vs": np.asarray(breakeven.npv(savings, s.discount_rate, terminal)),
            "replicas": replicas, "full": full, "over_tokens": over_tokens, "to_api": to_api,
            "to_hosted": to_hosted, "volume": volume, "hourly": w}


def evaluate_draws(s: Scenario, names: list[str], draws: dict[str, np.ndarray],
                   throughput_factor: np.ndarray | None = None) -> dict[str, Any]:
    """The plans of ``s`` named ``names`` under many drawn scenarios, in one vectorised call.

    ``draws``: Params field -> (draws,) values that replace the scenario's (volume, growth, price
    trends, target utilisation, staff, setup); ``throughput_factor`` (draws,) multiplies every
    fleet's replica throughput (the capacity model's error moves all GPUs alike). Returns the
    arrays of :func:`_evaluate` with shapes (draws, plans, months + 1) and (draws, plans), plus
    ``names`` and ``kind`` of the plans in that order. Raises KeyError for an unknown name.
    """
    rows, p = _prepare(s)
    n = len(rows.kind)
    where = {name: i for i, name in reversed(list(enumerate(rows.names)))}
    idx = np.array([where[name] for name in names], dtype=int)
    sub = _Rows(kind=rows.kind[idx], fleet=tuple(rows.fleet[i] for i in idx),
                overflow=tuple(rows.overflow[i] for i in idx), hosted_ref=tuple(rows.hosted_ref[i] for i in idx),
                names=tuple(rows.names[i] for i in idx), self_row=np.full(idx.size, -1),
                acquisition=rows.acquisition[idx], columns={k: v[idx] for k, v in rows.columns.items()})
    q = Params(**{k: (v[idx] if np.shape(v) == (n,) else v)
                  for k, v in ((k, np.asarray(getattr(p, k))) for k in costs.PARAM_NAMES)})
    changes = {k: np.asarray(v, dtype=float)[:, None] for k, v in draws.items()}
    if throughput_factor is not None:
        changes["replica_output_tokens_per_s"] = (np.asarray(q.replica_output_tokens_per_s)
                                                  * np.asarray(throughput_factor, dtype=float)[:, None])
    drawn = q.replace(**changes)
    return {**_evaluate(s, sub, drawn, int(s.horizon_months)), "names": sub.names, "kind": sub.kind,
            "params": drawn}


def search(s: Scenario) -> PlanSearch:
    """Evaluate every plan for ``s`` and recommend the cheapest feasible one (module docstring)."""
    import time
    started = time.perf_counter()
    rows, p = _prepare(s)
    h = int(s.horizon_months)
    kind = rows.kind
    hyb = kind == "hybrid"
    auto = rows.acquisition == "autoscaled"
    f_share, p_share = s.frontier_share, s.private_share
    e = _evaluate(s, rows, p, h)
    cost, total, pay, npv_vs = e["cost"], e["total"], e["pay"], e["npv_vs"]
    replicas, full, over_tokens, to_api, to_hosted, volume = (
        e["replicas"], e["full"], e["over_tokens"], e["to_api"], e["to_hosted"], e["volume"])
    w = e["hourly"]

    feasible = ~((kind == "api") | (kind == "hosted_open")) | (p_share <= 0)
    month1 = min(1, h)
    per_mtok = costs.usd_per_mtok(cost[:, month1], volume[month1])
    gpus = replicas[:, month1] * np.asarray(p.gpus_per_replica)
    peak_gpus = np.where(auto, full[:, month1] * np.asarray(p.gpus_per_replica), gpus)
    # A hybrid that never overflows is the self-hosted plan with its fleet; one that costs no less
    # than that plan (reserved terms and purchases are not billed month by month, so the month-by-
    # month choice of k can lose there) is not the hybrid optimum: the full fleet is. Both are dropped.
    keep = ~hyb | (np.any(over_tokens > 0, axis=-1) & (total < total[np.maximum(rows.self_row, 0)]))
    plans = []
    for i in np.flatnonzero(keep):
        fleet = rows.fleet[i]
        api_share, hosted_share = float(to_api[i, month1]), float(to_hosted[i, month1])
        plans.append(Plan(
            name=rows.names[i], kind=str(kind[i]),
            shares={"api": api_share, "hosted_open": hosted_share,
                    "self_host": max(0.0, 1.0 - api_share - hosted_share)},
            monthly_usd=float(cost[i, month1]), usd_per_mtok=float(per_mtok[i]),
            upfront_usd=float(cost[i, 0]), total_cost_usd=float(total[i]),
            payback_vs_current_month=None if math.isnan(pay[i]) or kind[i] == "api" else int(pay[i]),
            npv_vs_current_usd=float(npv_vs[i]), feasible=bool(feasible[i]), fleet=fleet,
            overflow=rows.overflow[i],
            hosted_ref=rows.hosted_ref[i] if kind[i] == "hosted_open" or rows.overflow[i] == "hosted_open" else None,
            gpus=float(gpus[i]) if fleet else 0.0, peak_gpus=float(peak_gpus[i]) if fleet else 0.0,
            replicas=float(replicas[i, month1]), flows=cost[i]))
    plans.sort(key=lambda q: (not q.feasible, q.total_cost_usd, q.name))
    free = None
    if p_share > 0 or f_share > 0:
        free = search(s.replace(private_share=0.0, frontier_share=0.0)).recommended
    return PlanSearch(plans=tuple(plans), recommended=plans[0], reason=reason(plans, s, free),
                      current="api", hourly_load=w, unconstrained_best=free,
                      seconds=time.perf_counter() - started)


def reason(plans: list[Plan], s: Scenario, unconstrained: Plan | None = None) -> str:
    """One sentence: the recommended plan, its cost, and its margin over the runner-ups."""
    from tco.explain import usd
    feasible = [q for q in plans if q.feasible]
    if not feasible:
        if s.private_share > 0:
            return (f"No plan meets the constraints: {s.private_share:.0%} of the traffic must stay in-house, and no "
                    "GPU, replica size and precision in the catalog holds the model at the latency target; "
                    "loosen the target or lower the private share.")
        return "No plan meets the constraints."
    best = feasible[0]
    h = s.horizon_months
    parts = [f"{best.name}: {usd(best.total_cost_usd)} over {h} months"]
    others = []
    for kind, words in (("api", "the API"), ("hosted_open", "the best hosted plan"),
                        ("self_host", "the best self-hosted plan"), ("hybrid", "the best hybrid plan")):
        if kind == best.kind:
            continue
        q = next((q for q in feasible if q.kind == kind), None)
        if q is None:
            continue
        label = words if kind == "api" else f"{words} ({q.name.split(': ', 1)[1]})"
        others.append(f"{usd(q.total_cost_usd - best.total_cost_usd)} less than {label}")
    text = parts[0]
    if others:
        text += ", " + (", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 else others[0])
    text += " (discounted totals)."
    if s.private_share > 0:
        text += " Pure API and hosted plans are ruled out: the private share must stay in-house."
    if unconstrained is not None:
        rules = []
        if s.private_share > 0:
            rules.append(f"keeping {s.private_share:.0%} of traffic in-house")
        if s.frontier_share > 0:
            rules.append(f"sending {s.frontier_share:.0%} to the API for its quality")
        extra = best.total_cost_usd - unconstrained.total_cost_usd
        rule = " and ".join(rules)
        if extra > 0.5:
            text += (f" {rule[0].upper()}{rule[1:]} costs {usd(extra)} over {h} months against the "
                     f"best plan without that rule ({unconstrained.name}).")
        else:
            text += f" {rule[0].upper()}{rule[1:]} costs nothing extra: the best plan does so anyway."
    return text

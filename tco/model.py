"""From a Scenario to results: resolve catalog values, evaluate one scenario in full, sweep grids.

``evaluate(s)`` gives everything the page and the command line show for one scenario, including
the arithmetic. ``sweep(s, {key: values, ...})`` evaluates up to three inputs on a grid in one
vectorised call, in chunks so that memory stays bounded.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tco import batch, breakeven, capacity, catalog, costs
from tco.catalog import ApiPrices
from tco.costs import ACQUISITION_CODES, Params
from tco.explain import count, tokens
from tco.scenario import Scenario

#: Volume above which the engine does not search for a crossing (1e14 tokens/month).
MAX_VOLUME = 1e14


@dataclass(frozen=True)
class ReplicaOption:
    """One candidate replica size at the workload's lengths and latency targets."""
    gpus_per_replica: int
    throughput: capacity.Throughput           # max-load figure and its provenance
    point: capacity.OperatingPoint            # where it runs under the targets (scalars)

    @property
    def output_tokens_per_s(self) -> float:
        """Operating-point throughput (NaN when even one sequence misses a target)."""
        return float(self.point.output_tokens_per_s)

    @property
    def meets(self) -> bool:
        return bool(self.point.meets)


@dataclass(frozen=True)
class Resolved:
    """A Scenario with catalog values filled in."""
    scenario: Scenario
    model: catalog.Model
    gpu: catalog.Gpu
    api: ApiPrices
    hosted: ApiPrices
    hosted_ref: str
    gpus_per_replica: int
    throughput: capacity.Throughput
    params: Params
    warnings: tuple[str, ...]
    options: tuple[ReplicaOption, ...] = ()    # every size evaluated, smallest first
    point: capacity.OperatingPoint | None = None   # the chosen size's operating point
    prefix_cache_hit_share: float = 0.0
    choice: str = ""                          # why this size


def _prices(ref: str, s: Scenario, prefix: str) -> tuple[ApiPrices, dict[str, float]]:
    pr = catalog.api_prices(ref, s.input_tokens_per_request, s.output_tokens_per_request)
    over = {k: getattr(s, f"{prefix}_{k}_usd_per_mtok") for k in ("input", "cached_input", "output")}
    std = {k: (over[k] if over[k] is not None else getattr(pr, k)) for k in over}
    # an override moves the batch price by the catalog's batch ratio for that class
    batch = {}
    for k in over:
        base = getattr(pr, k)
        ratio = getattr(pr, f"batch_{k}") / base if base else 1.0
        batch[k] = std[k] * ratio
    values = {f"{prefix}_{k}_usd_per_mtok": std[k] for k in std}
    values.update({f"{prefix}_batch_{k}_usd_per_mtok": batch[k] for k in batch})
    return pr, values


def prefix_cache_share(s: Scenario) -> float:
    """Share of input tokens the self-hosted servers serve from their prefix cache: the input
    ``prefix_cache_hit_share``, or the API's cached share of input when it is empty."""
    return s.cached_input_share if s.prefix_cache_hit_share is None else s.prefix_cache_hit_share


def candidate_sizes(model: catalog.Model, gpu: catalog.Gpu, s: Scenario) -> list[int]:
    """Replica sizes to evaluate: the one set in ``gpus_per_replica``, else every size of
    :func:`capacity.replica_sizes` that fits (memory and interconnect), or only the smallest
    when the throughput is the user's own (it was measured on one size)."""
    smallest = capacity.gpus_per_replica(model, gpu, s.precision, s.input_tokens_per_request,
                                         s.output_tokens_per_request)
    if s.gpus_per_replica is not None:
        if s.gpus_per_replica < smallest:
            raise capacity.DoesNotFit(
                f"{model.name} at {s.precision} needs at least {smallest} {gpu.name} per replica for the "
                f"weights and a useful KV cache; `gpus_per_replica` is {s.gpus_per_replica}")
        return [s.gpus_per_replica]
    if s.replica_output_tokens_per_s is not None:
        return [smallest]
    return [g for g in capacity.replica_sizes(gpu) if g >= smallest and
            capacity.fits(model, gpu, s.precision, g, s.input_tokens_per_request, s.output_tokens_per_request)]


@functools.lru_cache(maxsize=256)
def _options(open_model: str, gpu_id: str, precision: str, input_tokens: float, output_tokens: float,
             cached: float, ttft: float | None, speed: float | None, override: float | None,
             sizes: tuple[int, ...]) -> tuple[ReplicaOption, ...]:
    """Throughput and operating point of each size (independent of volume and prices: cached)."""
    model, gpu = catalog.models()[open_model], catalog.gpus()[gpu_id]
    out = []
    for g in sizes:
        tp = capacity.replica_throughput(model, gpu, precision, g, input_tokens, output_tokens, override)
        pt = capacity.operating_point(model, gpu, precision, g, input_tokens, output_tokens,
                                      float(tp.output_tokens_per_s), cached, ttft, speed,
                                      max_load_cached_share=cached if override is not None else 0.0)
        out.append(ReplicaOption(g, tp, capacity.OperatingPoint(**{k: v[()] if isinstance(v, np.ndarray) else v
                                                                    for k, v in pt.__dict__.items()})))
    return tuple(out)


def choose_size(p: Params, gpus, throughput) -> np.ndarray:
    """Index along the candidate axis of the cheapest replica size at each scenario's volume.

    ``gpus`` and ``throughput`` hold the candidates on a new leading axis (K, 1, ...) against the
    broadcast shape of ``p``; a candidate with NaN throughput (misses a target) is never chosen.
    Cost compared: replicas × replica cost (the fixed costs are the same for every size). Ties go
    to the smaller size (the first within a relative 1e-9). Returns an integer array of the
    broadcast shape without the candidate axis."""
    nd = max(np.ndim(getattr(p, k)) for k in costs.PARAM_NAMES)
    if np.ndim(gpus) == 1:
        gpus = np.reshape(gpus, (-1,) + (1,) * nd)
    if np.ndim(throughput) == 1:
        throughput = np.reshape(throughput, (-1,) + (1,) * nd)
    ok = np.isfinite(throughput) & (throughput > 0)
    trial = p.replace(gpus_per_replica=gpus, replica_output_tokens_per_s=np.where(ok, throughput, 1.0))
    v = costs.replica_tokens(trial)
    n = capacity.replicas_needed(p.tokens_per_month, v, p.min_replicas)
    cost = np.where(ok, n * costs.replica_usd_per_month(trial), np.inf)
    best = np.min(cost, axis=0)
    return np.argmax(cost <= best * (1 + 1e-9), axis=0)


def option_arrays(r: Resolved) -> tuple[np.ndarray, np.ndarray]:
    """GPUs per replica and operating-point output tokens/s of every candidate size (NaN where a
    size misses the latency target), as arrays on the candidate axis."""
    return (np.array([o.gpus_per_replica for o in r.options], dtype=float),
            np.array([o.output_tokens_per_s for o in r.options], dtype=float))


def breakeven_envelope(p: Params, gpus, throughput, usd_per_token):
    """First volume where the cheapest replica size is no dearer than a per-token path, and the
    volume above which it stays so (at the latest). The self-hosted cost of the chosen size is
    the lower envelope of every size's step function, and the envelope is below the path exactly
    where some size is, so the first crossing is the smallest of the sizes' first crossings.
    Candidates on a new leading axis of ``gpus``/``throughput``; NaN where there is none."""
    shape = (-1,) + (1,) * np.ndim(p.tokens_per_month)
    g = np.reshape(gpus, shape) if np.ndim(gpus) == 1 else gpus
    t = np.reshape(throughput, shape) if np.ndim(throughput) == 1 else throughput
    ok = np.isfinite(t) & (t > 0)
    trial = p.replace(gpus_per_replica=g, replica_output_tokens_per_s=np.where(ok, t, 1.0))
    first, stays = breakeven.breakeven_volume(costs.fixed_usd_per_month(p), costs.replica_usd_per_month(trial),
                                              usd_per_token, costs.replica_tokens(trial), p.min_replicas)
    first = np.where(ok & ~np.isnan(first), first, np.inf)
    stays = np.where(ok & ~np.isnan(stays), stays, np.inf)
    first, stays = np.min(first, axis=0), np.min(stays, axis=0)
    return np.where(np.isfinite(first), first, np.nan), np.where(np.isfinite(stays), stays, np.nan)


def hosted_offers(s: Scenario) -> list[tuple[str, ApiPrices, float]]:
    """The catalog's hosted offers of the scenario's open model that can be priced, cheapest
    first: (ref, prices, USD per 1M tokens at the scenario's mix: input, cached and batch shares
    and the request shape, which sets long-context tiers)."""
    return list(_offers(catalog.models()[s.open_model].hosted_offers, s.input_share, s.cached_input_share,
                        s.batch_share, s.input_tokens_per_request, s.output_tokens_per_request))


@functools.lru_cache(maxsize=256)
def _offers(refs: tuple[str, ...], input_share: float, cached_share: float, batch_share: float,
            i: float, o: float) -> tuple[tuple[str, ApiPrices, float], ...]:
    out = []
    for ref in refs:
        try:
            pr = catalog.api_prices(ref, i, o)
        except ValueError:  # an offer the bundled catalog no longer prices is not offered
            continue
        blended = float(costs.blended_usd_per_mtok(input_share, cached_share, batch_share, pr.input,
                                                   pr.cached_input, pr.output, pr.batch_input,
                                                   pr.batch_cached_input, pr.batch_output))
        out.append((ref, pr, blended))
    return tuple(sorted(out, key=lambda t: (t[2], refs.index(t[0]))))


def default_hosted_ref(s: Scenario) -> str:
    """The hosted offer used when ``hosted_model`` is empty: the cheapest at the workload's mix.
    Raises ValueError when the catalog prices none of the model's offers."""
    offers = hosted_offers(s)
    if not offers:
        raise ValueError(f"no hosted offer of {catalog.models()[s.open_model].name} can be priced "
                         "from the bundled catalog; choose a hosted model in the box")
    return offers[0][0]


def per_token_paths(s: Scenario) -> dict[str, dict[str, Any]]:
    """The API and hosted open model at the current volume, without the self-hosted fleet: what
    the page still shows when the capacity model rejects a scenario (these paths do not depend on
    the GPUs). Same formula as :func:`tco.costs.steady_state` (volume × blended month-1 price).
    Raises ValueError for a model id the catalog cannot price."""
    hosted_ref = s.hosted_model or default_hosted_ref(s)
    out = {}
    for name, ref, prefix in (("api", s.api_model, "api"), ("hosted_open", hosted_ref, "hosted")):
        pr, values = _prices(ref, s, prefix)
        v = {k.removeprefix(f"{prefix}_"): x for k, x in values.items()}
        per = float(costs.blended_usd_per_mtok(
            s.input_share, s.cached_input_share, s.batch_share, v["input_usd_per_mtok"],
            v["cached_input_usd_per_mtok"], v["output_usd_per_mtok"], v["batch_input_usd_per_mtok"],
            v["batch_cached_input_usd_per_mtok"], v["batch_output_usd_per_mtok"]))
        out[name] = {"monthly_usd": s.tokens_per_month * per / costs.TOKENS_PER_MTOK, "usd_per_mtok": per,
                     "name": pr.model_name, "ref": ref}
    return out


@functools.lru_cache(maxsize=256)
def resolve(s: Scenario) -> Resolved:
    """Fill catalog values into the scenario and choose the replica size. Raises ValueError
    (incl. capacity.DoesNotFit, also when no size meets the latency targets)."""
    model = catalog.models()[s.open_model]
    gpu = catalog.gpus()[s.gpu]
    hosted_ref = s.hosted_model or default_hosted_ref(s)
    api, api_values = _prices(s.api_model, s, "api")
    hosted, hosted_values = _prices(hosted_ref, s, "hosted")
    sizes = tuple(candidate_sizes(model, gpu, s))
    cached = prefix_cache_share(s)
    options = _options(s.open_model, s.gpu, s.precision, float(s.input_tokens_per_request),
                       float(s.output_tokens_per_request), float(cached), s.max_ttft_s,
                       s.min_output_tokens_per_s_per_user, s.replica_output_tokens_per_s, sizes)
    if not any(o.meets for o in options):
        best = max(options, key=lambda o: float(o.point.output_tokens_per_s_per_user))
        pt = best.point
        raise capacity.DoesNotFit(
            f"no replica of {model.name} at {s.precision} on {gpu.name} meets the latency target: even one "
            f"request at a time on {count(best.gpus_per_replica, 'GPU')} gets {float(pt.output_tokens_per_s_per_user):,.1f} "
            f"output tokens/s and its first token after {float(pt.ttft_s):.3g} s "
            f"(targets: {_targets_text(s)}); loosen the target, or choose a faster GPU or lower precision")
    warnings = []
    shape_share = s.input_tokens_per_request / (s.input_tokens_per_request + s.output_tokens_per_request)
    if abs(shape_share - s.input_share) > 0.1:
        warnings.append(
            f"The input share ({s.input_share:.0%}) and the request shape "
            f"({s.input_tokens_per_request:,.0f} in / {s.output_tokens_per_request:,.0f} out = "
            f"{shape_share:.0%} input) disagree: prices use the share, GPU sizing uses the shape.")
    if s.precision != model.native_precision and s.precision in ("int4", "fp4"):
        warnings.append(f"{model.name} at {s.precision} is a quantised model: check its quality "
                        "on your own evaluation before you rely on these costs.")
    base = Params(
        tokens_per_month=s.tokens_per_month, input_share=s.input_share,
        cached_input_share=s.cached_input_share, batch_share=s.batch_share,
        input_tokens_per_request=s.input_tokens_per_request,
        output_tokens_per_request=s.output_tokens_per_request, peak_to_average=s.peak_to_average,
        growth_per_month=s.growth_per_month, api_price_trend_per_year=s.api_price_trend_per_year,
        hosted_price_trend_per_year=s.hosted_price_trend_per_year,
        acquisition_code=ACQUISITION_CODES[s.acquisition],
        gpu_hour_usd=s.gpu_hour_usd if s.gpu_hour_usd is not None else gpu.on_demand_usd_per_hour,
        reserved_1y_discount=s.reserved_1y_discount, reserved_3y_discount=s.reserved_3y_discount,
        gpu_price_usd=s.gpu_price_usd if s.gpu_price_usd is not None else gpu.purchase_usd_per_gpu,
        depreciation_years=s.depreciation_years, residual_value_share=s.residual_value_share,
        tdp_w=gpu.tdp_w, host_power_factor=s.host_power_factor, power_load_factor=s.power_load_factor,
        pue=s.pue, electricity_usd_per_kwh=s.electricity_usd_per_kwh,
        colocation_usd_per_kw_month=s.colocation_usd_per_kw_month,
        maintenance_share_per_year=s.maintenance_share_per_year,
        target_utilisation=s.target_utilisation, min_replicas=s.min_replicas, gpus_per_replica=sizes[0],
        replica_output_tokens_per_s=1.0,
        gpu_price_trend_per_year=s.gpu_price_trend_per_year, staff_fte=s.staff_fte,
        staff_cost_usd_per_year=s.staff_cost_usd_per_year, setup_cost_usd=s.setup_cost_usd,
        other_monthly_usd=s.other_monthly_usd, horizon_months=s.horizon_months,
        discount_rate=s.discount_rate, **api_values, **hosted_values)
    k = int(choose_size(base.arrays(), np.array([o.gpus_per_replica for o in options], dtype=float),
                        np.array([o.output_tokens_per_s for o in options])))
    chosen = options[k]
    params = base.replace(gpus_per_replica=chosen.gpus_per_replica,
                          replica_output_tokens_per_s=chosen.output_tokens_per_s)
    servers = capacity.slow_link_servers(gpu, chosen.gpus_per_replica)
    if servers:
        warnings.append(
            f"A replica of {chosen.gpus_per_replica} {gpu.name} spans {servers} servers, and {gpu.name} servers "
            f"have no fast inter-node link (NVLink/InfiniBand): the model's layers are pipelined over "
            f"100 Gb/s Ethernet, which the throughput counts ({capacity.INTERNODE_LATENCY_S * 1e6:.0f} µs and "
            f"{model.hidden * 2:,} bytes per sequence per server boundary and step). Check it on your own "
            f"servers; at most {capacity.MAX_SERVERS_WITHOUT_FAST_LINK} servers per replica are allowed.")
    if s.gpus_per_replica is not None:
        why = "as set in GPUs per replica"
    elif s.replica_output_tokens_per_s is not None:
        why = "the smallest size that fits: your measured throughput is for that size"
    elif len(options) == 1:
        why = "the only size that fits"
    else:
        why = f"the lowest monthly cost at {tokens(s.tokens_per_month)} tokens a month among {len(options)} sizes that fit"
        if s.max_ttft_s is not None or s.min_output_tokens_per_s_per_user is not None:
            why += f" and meet the latency target ({_targets_text(s)})"
    return Resolved(scenario=s, model=model, gpu=gpu, api=api, hosted=hosted, hosted_ref=hosted_ref,
                    gpus_per_replica=chosen.gpus_per_replica, throughput=chosen.throughput, params=params,
                    warnings=tuple(warnings), options=options, point=chosen.point,
                    prefix_cache_hit_share=cached, choice=why)


def latency_target(s: Scenario) -> dict[str, float | None]:
    return {"max_ttft_s": s.max_ttft_s, "min_output_tokens_per_s_per_user": s.min_output_tokens_per_s_per_user}


def latency_error(s: Scenario, r: "Resolved") -> dict | None:
    """The validated error of the operating point at the latency target (None without a target):
    the band of where the chosen replica's latency curve comes from (capacity.curve_provenance:
    a curve measured at this configuration and shape, between its measured shapes, outside them,
    or the step-time model alone; capacity.LATENCY_ERROR_BANDS), with that source and its detail."""
    if s.max_ttft_s is None and s.min_output_tokens_per_s_per_user is None:
        return None
    source, detail = capacity.curve_provenance(r.model, r.gpu, s.precision, r.gpus_per_replica,
                                               s.input_tokens_per_request, s.output_tokens_per_request)
    return {**capacity.LATENCY_ERROR_BANDS[source], "source": source, "detail": detail}


def _targets_text(s: Scenario) -> str:
    """The latency targets in words (called only where one is set)."""
    parts = []
    if s.max_ttft_s is not None:
        parts.append(f"first token within {s.max_ttft_s:g} s")
    if s.min_output_tokens_per_s_per_user is not None:
        parts.append(f"at least {s.min_output_tokens_per_s_per_user:g} output tokens/s per user")
    return ", ".join(parts)


def replica_options(s: Scenario) -> list[dict[str, Any]]:
    """Each replica size evaluated at the scenario's volume and latency target: operating-point
    throughput, tokens a replica serves per month, replicas needed, the self-hosted monthly cost
    at the volume with that size, full-load $ per 1M tokens, and which is chosen and why."""
    r = resolve(s)
    out = []
    chosen_cost = None
    rows = []
    for o in r.options:
        ok = o.meets
        p = r.params.replace(gpus_per_replica=o.gpus_per_replica,
                             replica_output_tokens_per_s=o.output_tokens_per_s if ok else 1.0).arrays()
        st = costs.steady_state(p)
        v, cost = _f(costs.replica_tokens(p)), _f(costs.replica_usd_per_month(p))
        rows.append((o, ok, v, cost, st))
        if o.gpus_per_replica == r.gpus_per_replica:
            chosen_cost = _f(st["self_host"])
    for o, ok, v, cost, st in rows:
        monthly = _f(st["self_host"]) if ok else None
        chosen = o.gpus_per_replica == r.gpus_per_replica
        if chosen:
            reason = f"chosen: {r.choice}"
        elif not ok:
            reason = (f"misses the latency target: {float(o.point.output_tokens_per_s_per_user):,.1f} output "
                      f"tokens/s per user and first token after {float(o.point.ttft_s):,.2f} s at one request")
        elif monthly is not None and chosen_cost is not None and monthly > chosen_cost * (1 + 1e-9):
            reason = f"${monthly - chosen_cost:,.0f} a month dearer at this volume"
        else:
            reason = "as cheap at this volume; the smaller size is chosen"
        out.append({"gpus_per_replica": o.gpus_per_replica,
                    "output_tokens_per_s": o.output_tokens_per_s if ok else None,
                    "max_load_output_tokens_per_s": float(o.point.max_load_output_tokens_per_s),
                    "throughput_source": o.throughput.source,
                    "concurrency_per_replica": float(o.point.concurrency),
                    "output_tokens_per_s_per_user": float(o.point.output_tokens_per_s_per_user),
                    "ttft_s": float(o.point.ttft_s), "meets_latency_target": ok,
                    "servers": capacity.servers_spanned(r.gpu, o.gpus_per_replica),
                    "tokens_per_month": v if ok else None,
                    "replicas": int(_f(st["replicas"])) if ok else None,
                    "replica_usd_per_month": cost,
                    "monthly_usd_at_volume": monthly,
                    "usd_per_mtok_full_load": _f(costs.usd_per_mtok(cost, v)) if ok else None,
                    "chosen": chosen, "reason": reason})
    return out


# --- one scenario in full ----------------------------------------------------------------------

@dataclass(frozen=True)
class Crossing:
    tokens_per_month: float | None   # first volume where self-hosting is no dearer; None if none
    stays_cheaper_from: float | None # above this it stays cheaper (None if no crossing)
    utilisation: float | None        # fleet utilisation at the crossing
    reason: str


@dataclass(frozen=True)
class Payback:
    month: int | None
    reason: str


@dataclass(frozen=True)
class Result:
    resolved: Resolved
    at_volume: dict[str, dict[str, Any]]
    breakeven: dict[str, Crossing]
    payback: dict[str, Payback]
    npv_usd: dict[str, float]
    irr: dict[str, float | None]
    flows: dict[str, np.ndarray]       # month by month, month 0 first; cumulative_savings_vs_* too
    per_gpu_month: dict[str, float]     # cost components of one GPU per month
    fixed_usd_per_month: float
    replica_usd_per_month: float
    replica_tokens_per_month: float
    self_usd_per_mtok_full_load: float
    steps: tuple[str, ...] = field(default=())   # the arithmetic, in words and numbers


def _f(x) -> float:
    return float(np.asarray(x))


def evaluate(s: Scenario) -> Result:
    """Every number the page and the CLI show for one scenario."""
    r = resolve(s)
    p = r.params.arrays()
    st = costs.steady_state(p)
    api_mtok, hosted_mtok = _f(costs.api_usd_per_mtok(p)), _f(costs.hosted_usd_per_mtok(p))
    fixed, rep_usd, v = _f(costs.fixed_usd_per_month(p)), _f(costs.replica_usd_per_month(p)), _f(costs.replica_tokens(p))
    full_load = _f(costs.usd_per_mtok(rep_usd, v))
    per_gpu = {k: _f(x) for k, x in costs.per_gpu_month(p).items()}
    flows = costs.cash_flows(p)
    upfront = _f(flows["self_host"][0])
    v0 = s.tokens_per_month

    def path(monthly: float) -> dict[str, float]:
        return {"monthly_usd": monthly, "usd_per_mtok": _f(costs.usd_per_mtok(monthly, v0))}

    at_volume = {
        "api": path(_f(st["api"])),
        "hosted_open": path(_f(st["hosted_open"])),
        "self_host": {**path(_f(st["self_host"])), "gpus": int(_f(st["gpus"])),
                      "replicas": int(_f(st["replicas"])), "gpus_per_replica": r.gpus_per_replica,
                      "utilisation": _f(st["utilisation"]), "upfront_usd": upfront,
                      "throughput_source": r.throughput.source,
                      "replica_output_tokens_per_s": _f(p.replica_output_tokens_per_s),
                      "throughput_detail": r.throughput.detail,
                      "max_load_output_tokens_per_s": _f(r.point.max_load_output_tokens_per_s),
                      "throughput_error": r.throughput.error, "throughput_error_p90": r.throughput.error_p90,
                      "latency_target": latency_target(s),
                      "latency_error": latency_error(s, r),
                      "concurrency_per_replica": _f(r.point.concurrency),
                      "max_concurrency_per_replica": _f(r.point.max_concurrency),
                      "operating_point_limited_by": str(r.point.limited_by),
                      "output_tokens_per_s_per_user": _f(r.point.output_tokens_per_s_per_user),
                      "ttft_s": _f(r.point.ttft_s),
                      "prefix_cache_hit_share": r.prefix_cache_hit_share,
                      "servers_per_replica": capacity.servers_spanned(r.gpu, r.gpus_per_replica),
                      "replica_choice": r.choice},
    }

    gs, ts = option_arrays(r)
    envelope_full_load = min((o["usd_per_mtok_full_load"] for o in replica_options(s)
                              if o["usd_per_mtok_full_load"] is not None), default=full_load)
    crossings = {}
    for name, label, mtok in (("api", "API", api_mtok), ("hosted_open", "hosted open model", hosted_mtok)):
        first, stays = breakeven_envelope(p, gs, ts, mtok / 1e6)
        first, stays = _f(first), _f(stays)
        if math.isnan(first):
            crossings[name] = Crossing(None, None, None, breakeven.no_breakeven_reason(envelope_full_load, mtok, label))
        elif first > MAX_VOLUME:
            crossings[name] = Crossing(None, None, None,
                                       f"self-hosting would break even only at {tokens(first)} tokens a month, "
                                       f"beyond the {MAX_VOLUME:.0e} the model considers")
        else:
            at = p.replace(tokens_per_month=np.asarray(first))
            k = int(choose_size(at, gs, ts))
            pk = at.replace(gpus_per_replica=gs[k], replica_output_tokens_per_s=ts[k])
            n = _f(capacity.replicas_needed(first, costs.replica_tokens(pk), s.min_replicas))
            util = _f(capacity.utilisation(first, n, ts[k], p.input_tokens_per_request, p.output_tokens_per_request))
            msg = (f"self-hosting is no dearer than the {label} from {tokens(first)} tokens a month "
                   f"({count(n, 'replica')} of {count(gs[k], 'GPU')}, fleet utilisation {util:.0%})")
            if stays > first * (1 + 1e-9):
                msg += f"; just after an added replica it can be dearer again, up to {tokens(stays)} at most"
            crossings[name] = Crossing(first, stays, util, msg)

    paybacks, npvs, irrs = {}, {}, {}
    h = s.horizon_months
    for name, label in (("api", "API"), ("hosted_open", "hosted open model")):
        savings = flows[name] - flows["self_host"]
        month = _f(breakeven.payback_month(savings))
        cum = np.cumsum(savings)
        if math.isnan(month):
            if savings[1] <= 0:
                reason = (f"self-hosting costs more than the {label} from month 1 "
                          f"(${flows['self_host'][1]:,.0f} against ${flows[name][1]:,.0f}), so the upfront "
                          f"${upfront:,.0f} is never recovered within {h} months")
                if savings[-1] > 0:
                    reason = (f"self-hosting becomes cheaper than the {label} only later as volume grows; "
                              f"cumulative savings are still ${-cum[-1]:,.0f} short after {h} months")
            else:
                reason = (f"monthly savings of ${savings[1]:,.0f} (month 1) do not recover the "
                          f"${upfront:,.0f} upfront within {h} months: ${-cum[-1]:,.0f} short at month {h}")
            paybacks[name] = Payback(None, reason)
        else:
            paybacks[name] = Payback(int(month), f"cumulative savings against the {label} turn positive in "
                                                  f"month {int(month)} (upfront ${upfront:,.0f} in month 0)")
        npvs[name] = _f(breakeven.npv(savings, s.discount_rate, flows["terminal_value"]))
        irrs[name] = breakeven.irr(savings, _f(flows["terminal_value"]))

    full = {k: (np.broadcast_to(np.asarray(x, dtype=float), (h + 1,)).copy() if k != "terminal_value" else float(x))
            for k, x in flows.items() if k not in ("self_host_variable", "self_host_fixed")}
    for name in ("api", "hosted_open"):  # what the payback chart draws: cumulative savings, month 0 first
        full[f"cumulative_savings_vs_{name}"] = np.cumsum(full[name] - full["self_host"])
    res = Result(resolved=r, at_volume=at_volume, breakeven=crossings, payback=paybacks, npv_usd=npvs,
                 irr=irrs, flows=full, per_gpu_month=per_gpu,
                 fixed_usd_per_month=fixed, replica_usd_per_month=rep_usd, replica_tokens_per_month=v,
                 self_usd_per_mtok_full_load=full_load)
    from tco.explain import steps
    return Result(**{**res.__dict__, "steps": tuple(steps(res))})


# --- sweeps ------------------------------------------------------------------------------------

SCENARIO_TO_PARAM = {"acquisition": "acquisition_code"}
CHUNK_ELEMENTS = 1_000_000  # scenario x month cells per slab, 8 MB per float array


#: Inputs that change a replica's throughput but are not cost parameters.
THROUGHPUT_KEYS = ("input_tokens_per_request", "output_tokens_per_request", "cached_input_share",
                   "prefix_cache_hit_share", "max_ttft_s", "min_output_tokens_per_s_per_user")


def sweep_params(s: Scenario, grid: dict[str, Any], with_candidates: bool = False):
    """Params with each swept input on its own axis (first key = axis 0), others scalar.

    Keys are Scenario field names (numeric ones, and ``acquisition`` with its names). The replica
    size is chosen at every grid point by the rule of :func:`resolve` (the cheapest size at that
    point's volume and prices that meets the latency target), so a sweep over volume may switch
    size along the axis. Sweeping the request lengths, the cached share or the latency targets
    re-computes every size's operating point vectorised. With ``with_candidates`` also returns the
    candidates' (GPUs, throughput) arrays, candidates on a new leading axis. Raises ValueError for
    a key that cannot be swept or values outside the input's range.
    """
    from tco.scenario import FIELDS, check_value
    if not 1 <= len(grid) <= 3:
        raise ValueError("sweep one to three inputs")
    r = resolve(s)
    p = r.params.arrays()
    n = len(grid)
    changes, extra = {}, {}
    for axis, (key, values) in enumerate(grid.items()):
        if key not in FIELDS:
            raise ValueError(f"unknown input `{key}`")
        values = np.asarray(values)
        if key == "acquisition":
            values = np.array([ACQUISITION_CODES[str(v)] for v in values.ravel()], dtype=float)
        else:
            if FIELDS[key].metadata["kind"] not in ("float", "int", "optional", "optional_int"):
                raise ValueError(f"`{key}` is not numeric and cannot be swept")
            values = values.astype(float).ravel()
            for v in (values.min(), values.max()):
                check_value(key, int(v) if FIELDS[key].metadata["kind"] in ("int", "optional_int") else float(v))
        shape = [1] * n
        shape[axis] = values.size
        name = SCENARIO_TO_PARAM.get(key, key)
        (changes if name in costs.PARAM_NAMES else extra)[name] = values.reshape(shape)
    p = p.replace(**changes)
    if set(THROUGHPUT_KEYS) & grid.keys() and s.replica_output_tokens_per_s is None:
        gs, ts = _swept_candidates(r, p, extra)
    else:
        gs, ts = option_arrays(r)
        nd = max(np.ndim(getattr(p, k)) for k in costs.PARAM_NAMES)
        gs, ts = gs.reshape((-1,) + (1,) * nd), ts.reshape((-1,) + (1,) * nd)
    if "gpus_per_replica" in changes:
        # each swept size with its own operating-point throughput, as resolve() gives it for that
        # size (raises DoesNotFit for a size that does not fit or misses the target, as evaluate does)
        axis = list(grid).index("gpus_per_replica")
        sizes = changes["gpus_per_replica"]
        per_size = []
        for g in sizes.ravel():
            rg = resolve(s.replace(gpus_per_replica=int(g)))
            if set(THROUGHPUT_KEYS) & grid.keys() and s.replica_output_tokens_per_s is None:
                per_size.append(_swept_candidates(rg, p, extra)[1][0])
            else:
                per_size.append(option_arrays(rg)[1][0])
        full = np.broadcast_shapes(sizes.shape, *(np.shape(t) for t in per_size))
        throughput = np.empty(full)
        for j, t in enumerate(per_size):
            at = tuple(j if a == axis else slice(None) for a in range(len(full)))
            throughput[at] = np.broadcast_to(t, full)[at]
        p = p.replace(replica_output_tokens_per_s=throughput)
    elif gs.shape[0] == 1:  # one size (set in the scenario, or the only one that fits)
        p = p.replace(gpus_per_replica=np.broadcast_to(gs[0], np.shape(ts[0])), replica_output_tokens_per_s=ts[0])
    else:
        k = choose_size(p, gs, ts)
        pick = lambda a: np.take_along_axis(np.broadcast_to(a, (a.shape[0], *k.shape)), k[None], 0)[0]  # noqa: E731
        p = p.replace(gpus_per_replica=pick(gs), replica_output_tokens_per_s=pick(ts))
    return (p, (gs, ts)) if with_candidates else p


def _swept_candidates(r: Resolved, p: Params, extra: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate size's operating-point throughput over swept lengths, cached shares or
    latency targets (NaN where a size does not fit or misses the target): shape (K, grid...)."""
    s = r.scenario
    cached = extra.get("prefix_cache_hit_share")
    if cached is None:
        cached = np.asarray(p.cached_input_share) if s.prefix_cache_hit_share is None else s.prefix_cache_hit_share
    ttft = extra.get("max_ttft_s", s.max_ttft_s)
    speed = extra.get("min_output_tokens_per_s_per_user", s.min_output_tokens_per_s_per_user)
    i, o = np.asarray(p.input_tokens_per_request), np.asarray(p.output_tokens_per_request)
    shape = np.broadcast_shapes(i.shape, o.shape, np.shape(cached), np.shape(ttft if ttft is not None else 0.0),
                                np.shape(speed if speed is not None else 0.0))
    sizes = [s.gpus_per_replica] if s.gpus_per_replica is not None else capacity.replica_sizes(r.gpu)
    gs, ts = [], []
    for g in sizes:
        fit = capacity.fits(r.model, r.gpu, s.precision, g, i, o)
        if not np.any(fit):
            continue
        tp = capacity.replica_throughput(r.model, r.gpu, s.precision, g, i, o).output_tokens_per_s
        pt = capacity.operating_point(r.model, r.gpu, s.precision, g, i, o, tp, cached, ttft, speed)
        gs.append(np.full(shape, float(g)))
        ts.append(np.broadcast_to(np.where(fit, pt.output_tokens_per_s, np.nan), shape))
    if not gs:
        raise capacity.DoesNotFit(f"{r.model.name} at {s.precision} fits no replica of {r.gpu.name} anywhere on this grid")
    return np.stack(gs), np.stack(ts)


def sweep(s: Scenario, grid: dict[str, Any], what: tuple[str, ...] = ("monthly", "breakeven", "payback")) -> dict[str, np.ndarray]:
    """Evaluate a grid of scenarios around ``s``; every output has the grid's shape.

    Outputs: ``api_usd``, ``hosted_open_usd``, ``self_host_usd`` (steady-state monthly costs at
    month-1 prices) and the same per 1M tokens (``*_usd_per_mtok``; NaN at zero volume),
    ``gpus``, ``utilisation``, ``savings_usd`` (API − self-host),
    ``breakeven_vs_api_tokens``/``breakeven_vs_hosted_open_tokens`` (NaN where none), and with
    "payback": ``payback_vs_api_month`` (NaN where none) and ``npv_vs_api_usd``. Payback is computed
    in chunks of at most CHUNK_ELEMENTS scenario-months, so memory stays bounded.
    """
    p, (gs, ts) = sweep_params(s, grid, with_candidates=True)
    shape = np.broadcast_shapes(*(np.shape(getattr(p, k)) for k in costs.PARAM_NAMES))
    out = {}
    if "monthly" in what:
        st = costs.steady_state(p)
        out.update(api_usd=st["api"], hosted_open_usd=st["hosted_open"], self_host_usd=st["self_host"],
                   gpus=st["gpus"], utilisation=st["utilisation"], savings_usd=st["api"] - st["self_host"],
                   **{f"{k}_usd_per_mtok": costs.usd_per_mtok(st[k], p.tokens_per_month)
                      for k in ("api", "hosted_open", "self_host")})
    if "breakeven" in what:
        # the break-even volume does not depend on the volume: every size's crossing, the earliest
        if "gpus_per_replica" in grid:
            gs, ts = np.asarray(p.gpus_per_replica)[None], np.asarray(p.replica_output_tokens_per_s)[None]
        out["breakeven_vs_api_tokens"] = breakeven_envelope(p, gs, ts, costs.api_usd_per_mtok(p) / 1e6)[0]
        out["breakeven_vs_hosted_open_tokens"] = breakeven_envelope(p, gs, ts, costs.hosted_usd_per_mtok(p) / 1e6)[0]
    if "payback" in what:
        pay, npv_ = payback_grid(p, shape)
        out.update(payback_vs_api_month=pay, npv_vs_api_usd=npv_)
    return {k: np.broadcast_to(np.asarray(x, dtype=float), shape) for k, x in out.items()}


def payback_grid(p: Params, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Payback month and NPV against the API for every scenario of a broadcast grid.

    The grid is cut into slabs along its longest axis so that no intermediate array holds more
    than about CHUNK_ELEMENTS scenario-months; inputs keep their broadcast shapes (an input that
    is not swept stays a scalar), so most intermediates are far smaller than the grid.
    """
    h = int(np.max(p.horizon_months))
    pay = np.empty(shape)
    npv_ = np.empty(shape)
    if len(shape) == 1 and all(np.ndim(getattr(p, k)) <= 1 for k in costs.PARAM_NAMES):
        # a list of scenarios (random draws, one swept input): the fused path of tco/batch.py
        pay, npv_ = batch.payback_npv(p)
        return np.broadcast_to(pay, shape).copy(), np.broadcast_to(npv_, shape).copy()
    if not shape:
        f = costs.cash_flows(p, h)
        savings = f["api"] - f["self_host"]
        return breakeven.payback_month(savings), breakeven.npv(savings, p.discount_rate, f["terminal_value"])
    axis = int(np.argmax(shape))
    per_slice = int(np.prod(shape)) // shape[axis] * (h + 1)
    step = max(1, CHUNK_ELEMENTS // max(per_slice, 1))
    for start in range(0, shape[axis], step):
        sl = slice(start, min(shape[axis], start + step))

        def cut(v):
            v = np.asarray(v)
            if v.ndim == len(shape) and v.shape[axis] > 1:
                index = [slice(None)] * v.ndim
                index[axis] = sl
                return v[tuple(index)]
            return v
        chunk = Params(**{k: cut(getattr(p, k)) for k in costs.PARAM_NAMES})
        f = costs.cash_flows(chunk, h)
        # savings = (API − volume-driven costs) − fixed costs; the two parts keep their own
        # (small) broadcast shapes through the sums and meet only in the comparison
        gain, fixed = f["api"] - f["self_host_variable"], f["self_host_fixed"]
        index = [slice(None)] * len(shape)
        index[axis] = sl
        out_shape = pay[tuple(index)].shape
        pay[tuple(index)] = np.broadcast_to(breakeven.payback_month(gain, fixed), out_shape)
        value = (breakeven.npv(gain, chunk.discount_rate, f["terminal_value"])
                 - breakeven.npv(np.broadcast_to(fixed, np.broadcast_shapes(np.shape(fixed), (h + 1,))), chunk.discount_rate))
        npv_[tuple(index)] = np.broadcast_to(value, out_shape)
    return pay, npv_

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

from tco import breakeven, capacity, catalog, costs
from tco.catalog import ApiPrices
from tco.costs import ACQUISITION_CODES, Params
from tco.explain import tokens
from tco.scenario import Scenario

#: Volume above which the engine does not search for a crossing (1e14 tokens/month).
MAX_VOLUME = 1e14


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


@functools.lru_cache(maxsize=256)
def resolve(s: Scenario) -> Resolved:
    """Fill catalog values into the scenario. Raises ValueError (incl. capacity.DoesNotFit)."""
    model = catalog.models()[s.open_model]
    gpu = catalog.gpus()[s.gpu]
    hosted_ref = s.hosted_model or model.hosted_default
    api, api_values = _prices(s.api_model, s, "api")
    hosted, hosted_values = _prices(hosted_ref, s, "hosted")
    g = capacity.gpus_per_replica(model, gpu, s.precision, s.input_tokens_per_request,
                                  s.output_tokens_per_request)
    if s.gpus_per_replica is not None:
        if s.gpus_per_replica < g:
            raise capacity.DoesNotFit(
                f"{model.name} at {s.precision} needs at least {g} {gpu.name} per replica for the "
                f"weights and a useful KV cache; `gpus_per_replica` is {s.gpus_per_replica}")
        g = s.gpus_per_replica
    tp = capacity.replica_throughput(model, gpu, s.precision, g, s.input_tokens_per_request,
                                     s.output_tokens_per_request, s.replica_output_tokens_per_s)
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
    params = Params(
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
        target_utilisation=s.target_utilisation, min_replicas=s.min_replicas, gpus_per_replica=g,
        replica_output_tokens_per_s=float(tp.output_tokens_per_s),
        gpu_price_trend_per_year=s.gpu_price_trend_per_year, staff_fte=s.staff_fte,
        staff_cost_usd_per_year=s.staff_cost_usd_per_year, setup_cost_usd=s.setup_cost_usd,
        other_monthly_usd=s.other_monthly_usd, horizon_months=s.horizon_months,
        discount_rate=s.discount_rate, **api_values, **hosted_values)
    return Resolved(scenario=s, model=model, gpu=gpu, api=api, hosted=hosted, hosted_ref=hosted_ref,
                    gpus_per_replica=g, throughput=tp, params=params, warnings=tuple(warnings))


def replica_options(s: Scenario) -> list[dict[str, float]]:
    """Each GPU count that fits, up to two nodes: throughput, tokens a replica serves, and its cost
    per 1M tokens at full load (replica cost ÷ tokens), so that the replica size can be chosen."""
    r = resolve(s)
    smallest = capacity.gpus_per_replica(r.model, r.gpu, s.precision, s.input_tokens_per_request,
                                         s.output_tokens_per_request)
    out = []
    for g in capacity.replica_sizes(r.gpu):
        if g < smallest or g > max(smallest, 2 * r.gpu.gpus_per_node):
            continue
        tp = float(capacity.replica_throughput(r.model, r.gpu, s.precision, g, s.input_tokens_per_request,
                                               s.output_tokens_per_request).output_tokens_per_s)
        p = r.params.replace(gpus_per_replica=g, replica_output_tokens_per_s=tp).arrays()
        v, cost = _f(costs.replica_tokens(p)), _f(costs.replica_usd_per_month(p))
        out.append({"gpus_per_replica": g, "output_tokens_per_s": tp, "tokens_per_month": v,
                    "replica_usd_per_month": cost, "usd_per_mtok_full_load": _f(costs.usd_per_mtok(cost, v)),
                    "chosen": g == r.gpus_per_replica})
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
                      "throughput_detail": r.throughput.detail},
    }

    crossings = {}
    for name, label, mtok in (("api", "API", api_mtok), ("hosted_open", "hosted open model", hosted_mtok)):
        first, stays = breakeven.breakeven_volume(fixed, rep_usd, mtok / 1e6, v, s.min_replicas)
        first, stays = _f(first), _f(stays)
        if math.isnan(first):
            crossings[name] = Crossing(None, None, None, breakeven.no_breakeven_reason(full_load, mtok, label))
        elif first > MAX_VOLUME:
            crossings[name] = Crossing(None, None, None,
                                       f"self-hosting would break even only at {tokens(first)} tokens a month, "
                                       f"beyond the {MAX_VOLUME:.0e} the model considers")
        else:
            n = _f(capacity.replicas_needed(first, v, s.min_replicas))
            util = _f(capacity.utilisation(first, n, p.replica_output_tokens_per_s, p.input_tokens_per_request,
                                           p.output_tokens_per_request))
            msg = (f"self-hosting is no dearer than the {label} from {tokens(first)} tokens a month "
                   f"({int(n)} replica{'s' if n > 1 else ''}, fleet utilisation {util:.0%})")
            if stays > first * (1 + 1e-9):
                msg += f"; just after each added replica it is dearer again, up to {tokens(stays)}"
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


def sweep_params(s: Scenario, grid: dict[str, Any]) -> Params:
    """Params with each swept input on its own axis (first key = axis 0), others scalar.

    Keys are Scenario field names (numeric ones, and ``acquisition`` with its names). Sweeping
    the request lengths re-computes the replica throughput vectorised. Raises ValueError for a
    key that cannot be swept or values outside the input's range.
    """
    from tco.scenario import FIELDS, check_value
    if not 1 <= len(grid) <= 3:
        raise ValueError("sweep one to three inputs")
    r = resolve(s)
    p = r.params.arrays()
    n = len(grid)
    changes = {}
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
        changes[SCENARIO_TO_PARAM.get(key, key)] = values.reshape(shape)
    p = p.replace(**changes)
    if {"input_tokens_per_request", "output_tokens_per_request"} & grid.keys() and s.replica_output_tokens_per_s is None:
        i, o = np.broadcast_arrays(p.input_tokens_per_request, p.output_tokens_per_request)
        g = np.vectorize(lambda a, b: capacity.gpus_per_replica(r.model, r.gpu, s.precision, a, b))(i, o)
        tput = np.zeros(i.shape)
        for gg in np.unique(g):
            mask = g == gg
            tput[mask] = capacity.replica_throughput(r.model, r.gpu, s.precision, int(gg), i[mask], o[mask]).output_tokens_per_s
        p = p.replace(gpus_per_replica=g.astype(float), replica_output_tokens_per_s=tput)
    return p


def sweep(s: Scenario, grid: dict[str, Any], what: tuple[str, ...] = ("monthly", "breakeven", "payback")) -> dict[str, np.ndarray]:
    """Evaluate a grid of scenarios around ``s``; every output has the grid's shape.

    Outputs: ``api_usd``, ``hosted_open_usd``, ``self_host_usd`` (steady-state monthly costs at
    month-1 prices) and the same per 1M tokens (``*_usd_per_mtok``; NaN at zero volume),
    ``gpus``, ``utilisation``, ``savings_usd`` (API − self-host),
    ``breakeven_vs_api_tokens``/``breakeven_vs_hosted_open_tokens`` (NaN where none), and with
    "payback": ``payback_vs_api_month`` (NaN where none) and ``npv_vs_api_usd``. Payback is computed
    in chunks of at most CHUNK_ELEMENTS scenario-months, so memory stays bounded.
    """
    p = sweep_params(s, grid)
    shape = np.broadcast_shapes(*(np.shape(getattr(p, k)) for k in costs.PARAM_NAMES))
    out = {}
    if "monthly" in what:
        st = costs.steady_state(p)
        out.update(api_usd=st["api"], hosted_open_usd=st["hosted_open"], self_host_usd=st["self_host"],
                   gpus=st["gpus"], utilisation=st["utilisation"], savings_usd=st["api"] - st["self_host"],
                   **{f"{k}_usd_per_mtok": costs.usd_per_mtok(st[k], p.tokens_per_month)
                      for k in ("api", "hosted_open", "self_host")})
    if "breakeven" in what:
        fixed, rep, v = costs.fixed_usd_per_month(p), costs.replica_usd_per_month(p), costs.replica_tokens(p)
        out["breakeven_vs_api_tokens"] = breakeven.breakeven_volume(fixed, rep, costs.api_usd_per_mtok(p) / 1e6, v, p.min_replicas)[0]
        out["breakeven_vs_hosted_open_tokens"] = breakeven.breakeven_volume(fixed, rep, costs.hosted_usd_per_mtok(p) / 1e6, v, p.min_replicas)[0]
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
    code = np.asarray(p.acquisition_code)
    if len(shape) == 1 and code.shape == shape and 0 < np.count_nonzero(code == 3) < shape[0]:
        # a list of scenarios mixing rent and buy: the buy path's extra work only where it applies
        for rows in (np.flatnonzero(code == 3), np.flatnonzero(code != 3)):
            sub = Params(**{k: (v[rows] if np.shape(v) == shape else v) for k, v in
                            ((k, np.asarray(getattr(p, k))) for k in costs.PARAM_NAMES)})
            pay[rows], npv_[rows] = payback_grid(sub, (rows.size,))
        return pay, npv_
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

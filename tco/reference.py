"""A plain-Python, one-scenario-at-a-time implementation of the cost model: the oracle.

It shares no code with the vectorised engine (no numpy, no closed forms): the break-even is found
by walking replica counts one by one, the payback by walking months, the fleet with explicit
lists. The tests check that both agree; the benchmark times both in the same run.

Input: a mapping with the :class:`tco.costs.Params` field names and plain float values.
"""

from __future__ import annotations

import math

HOURS = 730.0
SECONDS = HOURS * 3600.0


def _blend(q, prefix: str) -> float:
    s, c, b = q["input_share"], q["cached_input_share"], q["batch_share"]

    def cls(name: str) -> float:
        return (1 - b) * q[f"{prefix}_{name}_usd_per_mtok"] + b * q[f"{prefix}_batch_{name}_usd_per_mtok"]
    return s * (1 - c) * cls("input") + s * c * cls("cached_input") + (1 - s) * cls("output")


def _per_gpu(q) -> float:
    code = int(q["acquisition_code"])
    if code == 3:
        price = q["gpu_price_usd"]
        kw = q["tdp_w"] * q["host_power_factor"] / 1000
        return (price * (1 - q["residual_value_share"]) / (12 * q["depreciation_years"])
                + price * q["maintenance_share_per_year"] / 12
                + kw * q["power_load_factor"] * q["pue"] * HOURS * q["electricity_usd_per_kwh"]
                + kw * q["colocation_usd_per_kw_month"])
    discount = {0: 0.0, 1: q["reserved_1y_discount"], 2: q["reserved_3y_discount"]}[code]
    return q["gpu_hour_usd"] * (1 - discount) * HOURS


def _replica_tokens(q) -> float:
    i, o = q["input_tokens_per_request"], q["output_tokens_per_request"]
    return q["replica_output_tokens_per_s"] * (i + o) / o * q["target_utilisation"] * SECONDS / q["peak_to_average"]


def _replicas(q, volume: float) -> int:
    v = _replica_tokens(q)
    n = max(int(q["min_replicas"]), int(volume / v))   # start near the answer, then walk to it
    while n * v < volume:
        n += 1
    while n > q["min_replicas"] and (n - 1) * v >= volume:
        n -= 1
    return n


def monthly(q, volume: float | None = None) -> dict[str, float]:
    """Steady-state monthly cost of each path at month-1 prices."""
    volume = q["tokens_per_month"] if volume is None else volume
    n = _replicas(q, volume)
    fixed = q["staff_fte"] * q["staff_cost_usd_per_year"] / 12 + q["other_monthly_usd"]
    return {"api": volume * _blend(q, "api") / 1e6, "hosted_open": volume * _blend(q, "hosted") / 1e6,
            "self_host": fixed + n * q["gpus_per_replica"] * _per_gpu(q), "replicas": n}


def breakeven(q, prefix: str = "api") -> float:
    """First volume at which self-hosting is no dearer, walking replica counts; NaN if none."""
    price = _blend(q, prefix) / 1e6
    fixed = q["staff_fte"] * q["staff_cost_usd_per_year"] / 12 + q["other_monthly_usd"]
    c = q["gpus_per_replica"] * _per_gpu(q)
    v = _replica_tokens(q)
    if price * v <= c:
        return math.nan
    k = int(q["min_replicas"])
    k = max(k, int(fixed / (price * v - c)) - 1)   # no step below this can hold the crossing
    while True:
        low = 0.0 if k == int(q["min_replicas"]) else (k - 1) * v
        high = k * v
        cross = (fixed + c * k) / price
        if cross <= high:
            return max(cross, low)
        k += 1


def flows(q) -> dict[str, list[float]]:
    """Month-by-month cash flows (month 0 first), walking months."""
    h = int(q["horizon_months"])
    code = int(q["acquisition_code"])
    api_p, hosted_p = _blend(q, "api") / 1e6, _blend(q, "hosted") / 1e6
    life = max(round(q["depreciation_years"] * 12), 1)
    fleet = [0] + [_replicas(q, q["tokens_per_month"] * (1 + q["growth_per_month"]) ** (m - 1)) * q["gpus_per_replica"]
                   for m in range(1, h + 1)]
    api, hosted, self_host = [0.0] * (h + 1), [0.0] * (h + 1), [0.0] * (h + 1)
    self_host[0] = q["setup_cost_usd"]
    new = [0.0] * (h + 1)
    price = [q["gpu_price_usd"] * (1 + q["gpu_price_trend_per_year"]) ** (max(m - 1, 0) / 12) for m in range(h + 1)]
    installed = 0.0
    value = 0.0
    for m in range(0, h + 1):
        if code == 3:
            need = fleet[1] if m == 0 else fleet[m]
            if need > installed:
                new[m] = need - installed
                installed = need
            self_host[m] += new[m] * price[m]
            value += new[m] * price[m]
            for k in range(1, h // life + 1):
                if m - k * life >= 0 and new[m - k * life]:
                    # the GPUs sold are the ones bought at the previous replacement (or the purchase)
                    self_host[m] += new[m - k * life] * (price[m] - q["residual_value_share"] * price[m - life])
        if m == 0:
            continue
        vol = q["tokens_per_month"] * (1 + q["growth_per_month"]) ** (m - 1)
        api[m] = vol * api_p * (1 + q["api_price_trend_per_year"]) ** ((m - 1) / 12)
        hosted[m] = vol * hosted_p * (1 + q["hosted_price_trend_per_year"]) ** ((m - 1) / 12)
        if code == 3:
            kw = installed * q["tdp_w"] * q["host_power_factor"] / 1000
            self_host[m] += (value * q["maintenance_share_per_year"] / 12
                             + kw * q["power_load_factor"] * q["pue"] * HOURS * q["electricity_usd_per_kwh"]
                             + kw * q["colocation_usd_per_kw_month"])
        else:
            term = {0: 1, 1: 12, 2: 36}[code]
            paid = max(fleet[max(1, m - term + 1):m + 1])
            term_start = 1 + ((m - 1) // term) * term          # the rate was locked then
            locked = (1 + q["gpu_price_trend_per_year"]) ** ((term_start - 1) / 12)
            self_host[m] += paid * _per_gpu(q) * locked
        self_host[m] += q["staff_fte"] * q["staff_cost_usd_per_year"] / 12 + q["other_monthly_usd"]
    terminal = 0.0
    if code == 3:
        for t in range(h + 1):
            if new[t]:
                age = (h - t) % life
                latest = h - age
                p = q["gpu_price_usd"] * (1 + q["gpu_price_trend_per_year"]) ** (max(latest - 1, 0) / 12)
                terminal += new[t] * p * (1 - (1 - q["residual_value_share"]) * age / life)
    return {"api": api, "hosted_open": hosted, "self_host": self_host, "terminal_value": terminal}


def payback(q) -> float:
    """First month ≥ 1 with cumulative savings vs the API ≥ 0; NaN if never."""
    f = flows(q)
    cum = 0.0
    for m, (a, s) in enumerate(zip(f["api"], f["self_host"])):
        cum += a - s
        if m >= 1 and cum >= -1e-6:
            return float(m)
    return math.nan


def npv(q) -> float:
    f = flows(q)
    r = q["discount_rate"]
    total = sum((a - s) / (1 + r) ** (m / 12) for m, (a, s) in enumerate(zip(f["api"], f["self_host"])))
    return total + f["terminal_value"] / (1 + r) ** (int(q["horizon_months"]) / 12)


def choose_size(q, candidates) -> dict:
    """The cheapest replica size at the scenario's volume, walking the candidates one by one.

    ``candidates``: (GPUs per replica, output tokens/s at the operating point) pairs, smallest
    first; a pair whose throughput is not a positive number (misses the latency target) is
    skipped. Cost compared: replicas × GPUs × per-GPU cost; ties go to the first (smaller).
    Returns ``q`` with ``gpus_per_replica`` and ``replica_output_tokens_per_s`` of the pick."""
    best, best_cost = None, math.inf
    for g, t in candidates:
        if not (t > 0 and math.isfinite(t)):
            continue
        trial = {**q, "gpus_per_replica": float(g), "replica_output_tokens_per_s": float(t)}
        cost = _replicas(trial, q["tokens_per_month"]) * trial["gpus_per_replica"] * _per_gpu(trial)
        if cost < best_cost * (1 - 1e-9):
            best, best_cost = trial, cost
    if best is None:
        raise ValueError("no candidate replica size meets the target")
    return best


def breakeven_envelope(q, candidates, prefix: str = "api") -> float:
    """First volume at which the cheapest size is no dearer: the earliest crossing of any size."""
    found = [breakeven({**q, "gpus_per_replica": float(g), "replica_output_tokens_per_s": float(t)}, prefix)
             for g, t in candidates if t > 0 and math.isfinite(t)]
    found = [x for x in found if not math.isnan(x)]
    return min(found) if found else math.nan


def step_time(model, gpu, precision: str, gpus: int, input_tokens: float, output_tokens: float,
              concurrency: float, cached_share: float, constants, bytes_per_param: float,
              kv_bytes_per_token: float, chunk_tokens: float) -> dict[str, float]:
    """The step-time model for one configuration, written out with plain floats (no numpy):
    decode step, prefill, per-user speed, replica throughput and TTFT at ``concurrency``.
    ``model``/``gpu`` are catalog records; ``constants`` a capacity.StepConstants. Slow links
    between servers are left out (the engine adds them; tests compare fast-link GPUs)."""
    tau, eta_bw, eta_f, tp_eff, sigma, eta_kv = (constants.layer_overhead_s, constants.bandwidth_efficiency,
                                                 constants.compute_efficiency, constants.tp_efficiency_per_doubling,
                                                 constants.sequence_overhead_s, constants.kv_efficiency)
    tp = tp_eff ** math.log2(gpus)
    bw = eta_bw * gpu.bandwidth_tb_s * 1e12 * gpus * tp
    flops = eta_f * gpu.tflops(precision) * 1e12 * gpus * tp
    weights = model.total_params_b * 1e9 * bytes_per_param
    if model.experts:
        routed = model.routed_expert_params_b * 1e9 * bytes_per_param
        miss = (1.0 - model.experts_per_token / model.experts) ** concurrency   # share of experts untouched
        weights = weights - routed + routed * (1.0 - miss)
    context = input_tokens + output_tokens / 2
    memory_s = weights / bw + concurrency * context * kv_bytes_per_token / (eta_kv * bw)
    compute_s = 2 * model.active_params_b * 1e9 * concurrency / flops
    step = model.layers * tau + concurrency * sigma + (memory_s if memory_s > compute_s else compute_s)
    new = input_tokens * (1 - cached_share)
    cached = input_tokens - new
    prefill = (2 * model.active_params_b * 1e9 * new
               + 2 * model.layers * model.heads * model.head_dim * (input_tokens ** 2 - cached ** 2)) / flops
    per_user = output_tokens / (concurrency * prefill + output_tokens * step)
    chunks = max(math.ceil(new / chunk_tokens), 1)
    return {"decode_step_s": step, "prefill_s": prefill, "per_user": per_user,
            "throughput": concurrency * per_user, "ttft_s": prefill + chunks * step}


# --- plans: a fleet of k replicas hour by hour (tco/plans.py) ------------------------------------

def hybrid_month_usd(hourly_tokens: list[float], replica_tokens_per_slot: float, replicas: int,
                     replica_usd: float, overflow_usd_per_token: float) -> float:
    """One month of a base-load fleet: ``replicas`` × its monthly cost plus the overflow, walked
    hour slot by hour slot (``hourly_tokens[h]``: tokens a month that fall in hour h of the day)."""
    over = 0.0
    for x in hourly_tokens:
        if x > replicas * replica_tokens_per_slot:
            over += x - replicas * replica_tokens_per_slot
    return replicas * replica_usd + over * overflow_usd_per_token


def best_hybrid(hourly_tokens: list[float], replica_tokens_per_slot: float, replica_usd: float,
                overflow_usd_per_token: float, lo: int, hi: int) -> tuple[int, float]:
    """The cheapest whole fleet size in [lo, hi] by trying every one (smallest on ties)."""
    best = (lo, hybrid_month_usd(hourly_tokens, replica_tokens_per_slot, lo, replica_usd, overflow_usd_per_token))
    for k in range(lo + 1, hi + 1):
        cost = hybrid_month_usd(hourly_tokens, replica_tokens_per_slot, k, replica_usd, overflow_usd_per_token)
        if cost < best[1]:
            best = (k, cost)
    return best


def autoscaled_replicas(hourly_tokens: list[float], replica_tokens_per_slot: float, min_replicas: int,
                        lag_minutes: float) -> tuple[float, int]:
    """Average replicas billed over a day when each hour runs what it needs and every replica added
    is started ``lag_minutes`` early (the day repeats: hour 0 follows hour 23), and the busiest
    hour's replicas (an always-on fleet of that size costs no more: plans take the smaller)."""
    need = []
    for x in hourly_tokens:
        n = min_replicas
        while n * replica_tokens_per_slot < x:
            n += 1
        need.append(n)
    billed = 0.0
    for h, n in enumerate(need):
        before = need[h - 1]   # need[-1] is hour 23: yesterday's last hour
        billed += n + (n - before if n > before else 0) * lag_minutes / 60
    return billed / len(need), max(need)

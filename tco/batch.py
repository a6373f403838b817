"""Payback month and NPV against the API for many independent scenarios at once: Monte Carlo draws
and random lists, where no grid structure can be broadcast away.

Conventions: as :mod:`tco.costs` (USD, costs positive, month 0 = the decision month, months on the
last axis). The cash flows are the ones :func:`tco.costs.cash_flows` defines, for the fleet the
volume needs at the peak hour; this module computes only what payback and NPV read, fused:

* scenarios are grouped by acquisition and horizon (one argsort), so each block has one reserved
  term and one month range and the rent/buy branches and the month masks disappear;
* month 0 (setup, the first purchase) is kept apart from months 1..H, so no array is masked;
* blocks of :data:`BLOCK_ROWS` scenarios keep every (rows, months) array in the core's cache, and
  the blocks run on every core (numpy releases the GIL inside its loops).

Scenarios whose bought GPUs have their own life or resale share per row take
:func:`tco.costs.cash_flows` itself (blocks of them, so memory stays bounded): the fused path is
for the inputs that Monte Carlo draws and benchmarks vary.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from tco import breakeven, costs
from tco.capacity import HOURS_PER_MONTH
from tco.costs import PARAM_NAMES, Params

#: scenarios per block: 8,192 x 36 months x 8 bytes = 2.4 MB per buffer (two of them), near a core's L2 cache;
#: measured on 2 cores: 4,096 and 16,384 rows are slower (per-call overhead, cache misses)
BLOCK_ROWS = 8192
#: Fields whose per-row values leave the fused buy path (it assumes one GPU life and resale share).
_BUY_SCALARS = ("depreciation_years", "residual_value_share")


def workers() -> int:
    """Threads for the blocks: every core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def payback_npv(p: Params, cumulative: bool = False):
    """Payback month (NaN if never) and NPV [USD] against the API of each of ``n`` scenarios.

    ``p``: Params whose fields are scalars or arrays of shape (n,). Returns ``(payback, npv)``,
    each (n,), and with ``cumulative`` also the cumulative savings (n, H + 1), month 0 first
    (H the largest horizon; months past a scenario's own horizon repeat its last value).
    """
    arrays = {k: np.asarray(getattr(p, k), dtype=float) for k in PARAM_NAMES}
    arrays = {k: (v.reshape(()) if v.size == 1 else v) for k, v in arrays.items()}   # (1,) is a scalar
    shapes = {v.shape for v in arrays.values() if v.ndim}
    if len(shapes) > 1 or any(len(s) != 1 for s in shapes):
        raise ValueError(f"payback_npv takes scalars and arrays of one shape (n,); got {sorted(shapes)}")
    n = shapes.pop()[0] if shapes else 1
    h_all = int(np.max(arrays["horizon_months"]))
    pay, npv = np.empty(n), np.empty(n)
    cum = np.empty((n, h_all + 1)) if cumulative else None

    # group rows by (acquisition, horizon): each block then has one reserved term and one month range
    code = np.broadcast_to(arrays["acquisition_code"], (n,))
    horizon = np.broadcast_to(arrays["horizon_months"], (n,))
    key = (code * (h_all + 1) + horizon).astype(np.int32)
    # int16 keys take numpy's radix sort (linear time)
    order = np.argsort(key.astype(np.int16) if key.max() < 2 ** 15 else key, kind="stable") if np.ptp(key) else np.arange(n)
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    ends = np.r_[starts[1:], n]
    per_row = {k: v[order] if v.ndim else v for k, v in arrays.items()}   # one gather per varying input

    blocks = [(a, min(b, a + BLOCK_ROWS)) for s, e in zip(starts, ends) for a, b in
              ((a, e) for a in range(s, e, BLOCK_ROWS))]

    def work(block):
        a, b = block
        q = Params(**{k: (v[a:b] if v.ndim else v) for k, v in per_row.items()})
        rows = order[a:b]
        bp, bn, bc = _block(q, int(code[rows[0]]), int(horizon[rows[0]]), cumulative)
        pay[rows], npv[rows] = bp, bn
        if cumulative:
            cum[rows, :bc.shape[1]] = bc
            cum[rows, bc.shape[1]:] = bc[:, -1:]
        return None

    if len(blocks) > 1 and workers() > 1:
        with ThreadPoolExecutor(workers()) as pool:
            list(pool.map(work, blocks))
    else:
        for block in blocks:
            work(block)
    return (pay, npv, cum) if cumulative else (pay, npv)


def _accumulate(ufunc, a):
    """Running ``ufunc`` down the months axis (axis 0) in place: one vector operation per month
    over contiguous rows, several times faster than ``ufunc.accumulate`` along a short axis, and
    the same sums in the same order as :func:`numpy.cumsum`."""
    for j in range(1, a.shape[0]):
        ufunc(a[j - 1], a[j], out=a[j])
    return a


def _block(p: Params, code: int, h: int, cumulative: bool):
    """One block of scenarios with one acquisition ``code`` and horizon ``h``: payback, NPV and
    (with ``cumulative``) the cumulative savings of months 0..h.

    Arrays here are (months 1..h, rows): a scenario's parameter is a row vector, the months a
    column, so every broadcast runs along contiguous memory."""
    rows = max((np.size(getattr(p, k)) for k in PARAM_NAMES), default=1)
    if code == 3 and any(np.ndim(getattr(p, k)) for k in _BUY_SCALARS):
        return _general(p, h, rows, cumulative)
    k = np.arange(h, dtype=float)[:, None]                 # months 1..h as m − 1
    years = k / 12
    # two (months, rows) buffers, reused in place so that a block stays in the core's cache
    a = np.multiply(np.log1p(p.growth_per_month), k, out=np.empty((h, rows)))
    np.exp(a, out=a)
    np.multiply(p.tokens_per_month, a, out=a)                                        # volume
    b = np.multiply(a, costs.api_usd_per_mtok(p) / 1e6 * np.exp(np.log1p(p.api_price_trend_per_year) * years),
                    out=np.empty((h, rows)))                                        # API
    np.divide(a, costs.replica_tokens(p), out=a)
    np.ceil(a, out=a)
    np.maximum(a, p.min_replicas, out=a)                                            # replicas
    log_gpu_trend = np.log1p(p.gpu_price_trend_per_year)

    month0 = np.broadcast_to(np.asarray(p.setup_cost_usd, dtype=float), (rows,)).copy()   # costs of month 0
    terminal = 0.0
    if code == 3:
        np.multiply(a, p.gpus_per_replica, out=a)
        spend, first, terminal = _bought(p, h, a, log_gpu_trend, years)
        month0 += first
        np.subtract(b, spend, out=b)
    else:
        if code in costs.RESERVED_TERM_MONTHS:
            term = costs.RESERVED_TERM_MONTHS[code]
            # a reserved GPU stays paid for its term: the fleet now or term − 1 months ago (fleets are
            # monotonic in time), at the rate locked when the term began
            back = np.clip(np.arange(h) - term + 1, 0, None)
            np.maximum(a, a[back], out=a)
            locked = np.floor(k / term) * term / 12
        else:
            locked = years
        per_replica = p.gpus_per_replica * costs.rent_usd_per_gpu_hour(p) * HOURS_PER_MONTH
        np.multiply(a, per_replica * np.exp(log_gpu_trend * locked), out=a)              # rent
        np.subtract(b, a, out=b)
    savings = b
    savings -= costs.fixed_usd_per_month(p)
    df = breakeven.discount_factors(p.discount_rate, h)
    if np.ndim(df) == 1:
        value = df[1:] @ savings
    else:
        value = np.einsum("ij,ji->i", df[:, 1:], savings)
    npv = value - month0 + np.asarray(terminal) * df[..., -1]
    gained = _accumulate(np.add, savings)
    need = month0 - breakeven.PAYBACK_TOLERANCE_USD   # the month-0 spend the savings must earn back
    reached = gained >= need
    first_month = np.argmax(reached, axis=0)
    pay = np.where(reached[first_month, np.arange(rows)], first_month + 1.0, np.nan)
    cum = None
    if cumulative:
        cum = np.empty((rows, h + 1))
        cum[:, 0] = -month0
        cum[:, 1:] = gained.T
        cum[:, 1:] -= month0[:, None]
    return pay, npv, cum


def _bought(p: Params, h: int, gpus, log_gpu_trend, years):
    """Months 1..h of a bought fleet (purchases after month 1, replacements, maintenance, power,
    colocation), the month-0 purchase, and the book value at the horizon, as :func:`tco.costs._owned`.
    ``gpus`` (h, rows) the fleet months 1..h need; the GPU life and resale share are scalars."""
    rows = gpus.shape[1]
    installed = _accumulate(np.maximum, gpus)                         # kept once installed (in place)
    new = np.empty_like(installed)                                    # month 1 adds nothing: bought in month 0
    new[0] = 0.0
    np.subtract(installed[1:], installed[:-1], out=new[1:])
    price = np.broadcast_to(p.gpu_price_usd * np.exp(log_gpu_trend * years), (h, rows))
    first_price = np.broadcast_to(np.asarray(p.gpu_price_usd, dtype=float), (rows,))
    first = installed[0] * first_price                                # month 0: the month-1 fleet
    spend = np.multiply(new, price)                                   # purchases after month 1
    # maintenance on the value of the GPUs bought so far (replacements not added), power, colocation
    extra = _accumulate(np.add, spend.copy())
    extra += first
    extra *= np.asarray(p.maintenance_share_per_year) / 12
    spend += extra
    kw = costs.server_kw_per_gpu(p)
    per_kw = p.power_load_factor * p.pue * HOURS_PER_MONTH * p.electricity_usd_per_kwh + p.colocation_usd_per_kw_month
    spend += np.multiply(installed, kw * per_kw, out=extra)
    life = max(int(np.round(float(p.depreciation_years) * 12)), 1)
    residual = float(p.residual_value_share)
    # replacements: the cohort bought in month s (0 = the first fleet) is bought again in s + life,
    # s + 2·life, ..., each time selling the GPUs bought life months before at the residual share
    for m in range(life, h + 1):
        old = first_price if m == life else price[m - life - 1]
        for src in range(m - life, -1, -life):
            cohort = installed[0] if src == 0 else new[src - 1]
            spend[m - 1] += cohort * (price[m - 1] - residual * old)

    # book value at the horizon of each cohort's latest incarnation, straight-line to the residual
    m0 = np.arange(h + 1, dtype=float)[:, None]                       # the month each cohort was bought
    age = np.mod(h - m0, life)
    latest = h - age
    latest_price = p.gpu_price_usd * np.exp(log_gpu_trend * (np.maximum(latest - 1, 0) / 12))
    book = np.broadcast_to(latest_price * (1 - (1 - residual) * age / life), (h + 1, rows))
    terminal = installed[0] * book[0] + np.einsum("ij,ij->j", new, book[1:])
    return spend, first, terminal


def _general(p: Params, h: int, rows: int, cumulative: bool):
    """The block through :func:`tco.costs.cash_flows` (inputs the fused path does not cover)."""
    f = costs.cash_flows(p, h)
    savings = np.broadcast_to(f["api"] - f["self_host"], (rows, h + 1))
    pay = breakeven.payback_month(savings)
    npv = breakeven.npv(savings, p.discount_rate, f["terminal_value"])
    return (np.broadcast_to(pay, (rows,)), np.broadcast_to(npv, (rows,)),
            np.cumsum(savings, axis=-1) if cumulative else None)

"""Crossover volumes, payback month, NPV and IRR.

Conventions: USD; volumes in tokens per month; savings = (the other path) − (self-hosting), so a
positive saving means self-hosting is cheaper; month 0 is the decision month.

Self-hosting's steady-state monthly cost is a step function of volume V:
    S(V) = F + c·n(V),  n(V) = max(m, ceil(V / v))
(F fixed staff and other costs, c one replica's monthly cost, v the tokens one replica serves per
month at its target, m the minimum replicas), while a per-token path costs A(V) = p·V. Within step
k (V in ((k−1)v, k·v], or (0, m·v] for k = m) self-hosting is cheaper from V = (F + c·k)/p on, so a
crossing exists in step k iff k·(p·v − c) ≥ F. The first crossing is therefore in step
k₁ = max(m, ceil(F / (p·v − c))) when p·v > c, and there is none when p·v ≤ c: at full load
self-hosting then costs c/v per token, at or above the per-token price p.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq


def breakeven_volume(fixed_usd, replica_usd, usd_per_token, replica_tokens, min_replicas):
    """First monthly volume at which self-hosting is no dearer than a per-token path. Broadcasts.

    Returns ``(first, stays_from)``: the first crossing, and the volume above which self-hosting
    stays cheaper (just after a replica is added it can be dearer again until the volume catches
    up). NaN where there is no crossing (``usd_per_token·replica_tokens ≤ replica_usd``).
    """
    f, c, p, v, m = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in
                                          (fixed_usd, replica_usd, usd_per_token, replica_tokens, min_replicas)))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return _breakeven(f, c, p, v, m)


def _breakeven(f, c, p, v, m):
    margin = p * v - c                       # what one full replica saves per month
    ok = margin > 0
    safe_margin = np.where(ok, margin, 1.0)
    safe_p = np.where(p > 0, p, 1.0)
    k1 = np.maximum(m, np.ceil(f / safe_margin))
    lower = np.where(k1 > m, (k1 - 1) * v, 0.0)
    first = np.maximum((f + c * k1) / safe_p, lower)
    # last step with a gap after its boundary: k·margin < F + p·v, strictly
    kg = np.ceil((f + p * v) / safe_margin) - 1
    has_gap = (kg >= k1) & (kg > m)
    stays = np.where(has_gap, (f + c * kg) / safe_p, first)
    return np.where(ok, first, np.nan), np.where(ok, stays, np.nan)


def no_breakeven_reason(self_usd_per_mtok_full_load: float, other_usd_per_mtok: float, other_name: str) -> str:
    return (f"self-hosting costs ${self_usd_per_mtok_full_load:,.3g}/M tokens even at full load "
            f"(every replica at its target utilisation), at or above the {other_name}'s "
            f"${other_usd_per_mtok:,.3g}/M")


#: Cumulative savings within a micro-dollar of zero count as paid back (float round-off).
PAYBACK_TOLERANCE_USD = 1e-6


def payback_month(savings, costs=0.0):
    """First month m ≥ 1 at which cumulative savings (month 0 included) reach zero; NaN if never.

    ``savings``: (..., months + 1) with month 0 first. Broadcasts over leading axes. Optional
    ``costs`` (same convention) are subtracted from the savings; passing the two parts separately
    lets each be summed in its own (smaller) broadcast shape before they meet.
    """
    gained = np.cumsum(savings, axis=-1)[..., 1:]
    spent = np.cumsum(costs, axis=-1)[..., 1:] if np.ndim(costs) else np.asarray(costs) * np.arange(1, gained.shape[-1] + 1)
    reached = gained + PAYBACK_TOLERANCE_USD >= spent
    first = np.argmax(reached, axis=-1) + 1.0
    return np.where(reached.any(axis=-1), first, np.nan)


def discount_factors(annual_rate, months: int):
    """(1 + r)^(−m/12) for m = 0..months. Broadcasts over ``annual_rate``."""
    m = np.arange(months + 1)
    return (1 + np.asarray(annual_rate, dtype=float)[..., None]) ** (-m / 12)


def npv(flows, annual_rate, terminal_value=0.0):
    """Net present value of monthly flows (month 0 undiscounted) plus a terminal value received at
    the last month."""
    flows = np.asarray(flows, dtype=float)
    df = discount_factors(annual_rate, flows.shape[-1] - 1)
    total = flows @ df if df.ndim == 1 else np.sum(flows * df, axis=-1)
    return total + np.asarray(terminal_value) * df[..., -1]


def irr(flows, terminal_value: float = 0.0) -> float | None:
    """Annual internal rate of return of monthly flows, or None where it is not defined.

    Defined when the flows start negative and turn positive (one sign change of the cumulative
    sum); found with scipy's brentq on the monthly rate, then annualised: (1 + r_m)^12 − 1.
    """
    f = [float(x) for x in flows]
    f[-1] += float(terminal_value)
    if not (f[0] < 0 and sum(f) > 0):
        return None

    def value(rate: float) -> float:
        # x·(1 + r)^−k as exp(−k·log1p(r)): underflows to 0 instead of overflowing for huge rates
        return sum(x * math.exp(-k * math.log1p(rate)) for k, x in enumerate(f))

    lo, hi = -0.99, 1.0
    while value(hi) > 0 and hi < 1e6:
        hi *= 10
    if value(lo) * value(hi) > 0:
        return None
    monthly = brentq(value, lo, hi, xtol=1e-12)
    annual = (1 + monthly) ** 12 - 1
    return annual if math.isfinite(annual) else None

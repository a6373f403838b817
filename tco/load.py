"""The load over a day: 24 hourly multipliers of the average hour, mean 1, peak ``peak_to_average``.

Conventions: hour 0 is the first hour of the day in the workload's own time zone; a multiplier
``w[h]`` means hour h carries ``w[h]`` times the average hour's tokens, so ``mean(w) == 1`` and
``max(w) == peak_to_average``. A month holds ``730 / 24`` days, each with the same profile.

The shape comes from a named profile in ``data/load_profiles.csv`` (measured traces, one source
per row) or from 24 numbers (``custom:v0,v1,...,v23``, for example from hourly bills). The shape is
then bent to the scenario's peak-to-average ratio by a power ``w ∝ s**γ``: γ = 1 keeps the shape,
γ = 0 flattens it, γ > 1 sharpens it; the order of the hours never changes. So one input sets the
peak everywhere: the always-on fleet is sized for it, and hybrid and autoscaled fleets see the
same peak hour.
"""

from __future__ import annotations

import csv
import functools
import math
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

HOURS_PER_DAY = 24
DATA = Path(__file__).resolve().parent.parent / "data" / "load_profiles.csv"
CUSTOM_PREFIX = "custom:"
#: Characters per hourly value of a custom profile (keeps every link under 2,000 characters).
MAX_VALUE_CHARS = 5


@functools.cache
def _table() -> dict[str, dict[str, object]]:
    rows: dict[str, list[dict[str, str]]] = {}
    with DATA.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["profile"], []).append(r)
    out = {}
    for name, rs in rows.items():
        rs.sort(key=lambda r: int(r["hour"]))
        if [int(r["hour"]) for r in rs] != list(range(HOURS_PER_DAY)):
            raise ValueError(f"data/load_profiles.csv: profile {name!r} must have hours 0-23 once each")
        out[name] = {"shape": tuple(float(r["relative_load"]) for r in rs),
                     "source": rs[0]["source"], "date": rs[0]["date"], "note": rs[0]["note"]}
    return out


#: Words for the named profiles (data/load_profiles.csv says where each comes from).
LABELS = {"business_day": "Business day (Azure coding service, weekdays)",
          "conversation": "Conversational (Azure chat service, weekdays)",
          "azure_mix": "Coding + chat mix (Azure, weekdays)",
          "chat_burstgpt": "Chat with a lunch dip (BurstGPT)"}


def label(name: str) -> str:
    """Words for a profile: its label, or 'Custom (24 hourly values)'."""
    if name.startswith(CUSTOM_PREFIX):
        return "Custom (24 hourly values)"
    return LABELS.get(name, name)


def profile_names() -> tuple[str, ...]:
    """Named profiles in data/load_profiles.csv."""
    return tuple(_table())


def source(name: str) -> tuple[str, str]:
    """(source, date) of a named profile; custom profiles are 'your numbers'."""
    if name.startswith(CUSTOM_PREFIX):
        return "24 hourly values set in this scenario", ""
    row = _table()[name]
    return str(row["source"]), str(row["date"])


def parse_custom(text: str) -> tuple[float, ...]:
    """The 24 values of ``custom:v0,...,v23``. Raises ValueError saying what is wrong."""
    body = text[len(CUSTOM_PREFIX):]
    parts = [p for p in body.split(",")]
    if len(parts) != HOURS_PER_DAY:
        raise ValueError(f"a custom load profile needs 24 comma-separated hourly values, not {len(parts)}")
    values = []
    for k, p in enumerate(parts):
        p = p.strip()
        if not p or not p.isascii() or not all(ch.isdigit() or ch == "." for ch in p):
            raise ValueError(f"hour {k} of the custom load profile is not a plain decimal number (e.g. 1.25)")
        if len(p) > MAX_VALUE_CHARS:
            raise ValueError(f"hour {k} of the custom load profile has more than {MAX_VALUE_CHARS} characters "
                             "(4 significant digits are plenty for a load shape)")
        try:
            x = float(p)
        except ValueError:
            raise ValueError(f"hour {k} of the custom load profile is not a number") from None
        if not math.isfinite(x) or x < 0:
            raise ValueError(f"hour {k} of the custom load profile must be a number ≥ 0")
        values.append(x)
    if max(values) <= 0:
        raise ValueError("a custom load profile needs at least one hour with load")
    return tuple(values)


def check(name: str) -> str:
    """``name`` if it names a profile or is a valid custom profile; else ValueError."""
    if name.startswith(CUSTOM_PREFIX):
        parse_custom(name)
        return name
    if name not in _table():
        raise ValueError(f"unknown load profile {name!r}; one of: {', '.join(profile_names())} "
                         "or custom:v0,...,v23")
    return name


def shape(name: str) -> np.ndarray:
    """The profile's own 24 values, normalised to mean 1 (before bending to a peak)."""
    s = np.array(parse_custom(name) if name.startswith(CUSTOM_PREFIX) else _table()[name]["shape"], dtype=float)
    return s / s.mean()


def max_peak(name: str) -> float:
    """The largest peak-to-average the shape can be bent to: all load in its busiest hours."""
    s = shape(name)
    return HOURS_PER_DAY / int(np.count_nonzero(s == s.max()))


@functools.lru_cache(maxsize=256)
def _hourly(name: str, peak_to_average: float) -> tuple[float, ...]:
    s = shape(name)
    s = s / s.max()
    floor = 1e-9  # hours without load stay (almost) empty at every power
    s = np.maximum(s, floor)
    peak = min(float(peak_to_average), max_peak(name) * (1 - 1e-12))
    if peak <= 1 or np.ptp(s) == 0:
        return tuple(np.ones(HOURS_PER_DAY))

    def ratio(gamma: float) -> float:
        w = s ** gamma
        return float(w.max() / w.mean()) - peak

    hi = 1.0
    while ratio(hi) < 0 and hi < 1e4:
        hi *= 2
    gamma = brentq(ratio, 0.0, hi, xtol=1e-12, rtol=1e-12) if ratio(hi) >= 0 else hi
    w = s ** gamma
    return tuple(w / w.mean())


def hourly(name: str, peak_to_average: float) -> np.ndarray:
    """24 multipliers of the average hour: mean 1, max ``peak_to_average`` (or the most the shape
    allows, :func:`max_peak`), in the profile's hour order. [×average hour]"""
    return np.array(_hourly(name, float(peak_to_average)))

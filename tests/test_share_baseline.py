"""The bill summary (``bl_*`` keys) survives a share link exactly, whatever its precision."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco.invoices import load_files
from tco.scenario import Scenario
from tco.share import BASELINE_KEYS, decode, encode
from tco.ui.bills import baseline_summary

# a summary as a fit gives it before any rounding: 15-17 significant digits
FULL_PRECISION = {
    "tokens_per_month": 123_456_789_012_345.0,       # 15 digits, below the 1e15 bound
    "input_share": 0.8123456789012345,
    "cached_input_share": 0.30000000000000004,        # 0.1 + 0.2: one ulp above 0.3
    "growth_per_month": -0.012345678901234568,
    "r_squared": 0.9876543210987654,
    "months_covered": 14,
    "first_month": "2024-11",
    "last_month": "2025-12",
    "monthly_spend_usd": 987_654_321.0987654,
    "usd_per_mtok": 3.1415926535897931,
}


def test_full_precision_bill_summary_round_trips_exactly():
    """Bug 4: ``bl_*`` floats written with 12 significant digits would lose the last digits here."""
    link = encode(Scenario(), FULL_PRECISION)
    assert "bl_tokens=123456789012345&" in link
    assert "bl_cached=0.30000000000000004&" in link
    d = decode(link)
    assert d.notices == ()
    assert d.baseline == FULL_PRECISION
    for key, value in FULL_PRECISION.items():
        assert d.baseline[key] == value and type(d.baseline[key]) is type(value), key


def test_summary_of_the_example_bills_round_trips():
    """What the page puts in the link for the bundled example exports reads back unchanged."""
    from pathlib import Path
    files = sorted(Path("data/examples").glob("*.csv"))
    result = load_files([(f.name, f.read_bytes()) for f in files if f.name != "generic_template.csv"])
    summary = baseline_summary(result.baseline)
    assert summary["months_covered"] >= 2 and summary["tokens_per_month"] > 0
    assert decode(encode(Scenario(tokens_per_month=5e9), summary)).baseline == summary


def _value(name: str):
    link, kind, lo, hi = BASELINE_KEYS[name]
    if kind == "month":
        return st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1990, 2100), st.integers(1, 12))
    if kind == "int":
        return st.integers(int(lo), int(hi))
    if kind == "mix":  # up to 4 billed models with their whole-percent shares
        entry = st.builds(lambda m, p: f"{m}~{p}", st.from_regex(r"[A-Za-z0-9._:/@-]{1,80}", fullmatch=True),
                          st.integers(0, 100))
        return st.lists(entry, min_size=1, max_size=4).map(",".join)
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def summaries(draw) -> dict:
    names = draw(st.lists(st.sampled_from(list(BASELINE_KEYS)), unique=True, min_size=1))
    return {name: draw(_value(name)) for name in names}


@given(summaries())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_bill_summary_in_range_round_trips_exactly(summary):
    d = decode(encode(Scenario(), summary))
    assert d.notices == ()
    assert d.baseline.keys() == summary.keys()
    for key, value in summary.items():
        assert d.baseline[key] == value, (key, value, d.baseline[key])


@pytest.mark.parametrize("name", [n for n, (_, kind, _, _) in BASELINE_KEYS.items() if kind == "float"])
def test_bounds_of_each_float_round_trip(name):
    _, _, lo, hi = BASELINE_KEYS[name]
    for value in (float(lo), float(hi), math.nextafter(float(lo), hi), math.nextafter(float(hi), lo)):
        assert decode(encode(Scenario(), {name: value})).baseline == {name: value}

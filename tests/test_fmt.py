"""The formatter (tco/ui/fmt.py) on a table of values whose text is written out by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tco.ui import fmt


@pytest.mark.parametrize("x, text", [
    (13_213.33, "$13.2k"),      # the default's self-hosted month
    (5_550.0, "$5.55k"),
    (312.0, "$312"),
    (-7_663.33, "-$7.66k"),     # sign before the currency, never "$-7.66k"
    (-147_286.0, "-$147k"),
    (1_400_000.0, "$1.4M"),     # trailing zeros dropped
    (999_600.0, "$1M"),         # rounded to three digits first, then suffixed: not "$1000k"
    (2_430_000_000.0, "$2.43B"),  # B for billions, never SI's G
    (0.52, "$0.52"),
    (0.0, "$0"),
    (-0.0004, "$0"),           # under half a cent
    (float("nan"), "—"),
])
def test_usd_short(x, text):
    assert fmt.usd_short(x) == text


@pytest.mark.parametrize("x, text", [
    (2e9, "2B"), (4_761_561_562.0, "4.76B"), (4.93e8, "493M"), (999.6e6, "1B"), (1e14, "100T"),
    (12_345.0, "12.3k"), (1.5e6, "1.5M"),
])
def test_tokens(x, text):
    assert fmt.tokens(x) == text


@pytest.mark.parametrize("x, text", [
    (2e9, "2,000,000,000"), (0.125, "0.125"), (1912.123, "1,912.12"), (50_000.0, "50,000"), (0.0, "0"),
])
def test_number(x, text):
    assert fmt.number(x) == text


@pytest.mark.parametrize("unit, v, text", [
    ("share", 0.8, "80%"),                         # not 0.80
    ("share", 0.25, "25%"),
    ("share/month", 0.03, "3%/month"),
    ("share/year", -0.1, "-10%/year"),
    ("USD", 50_000, "$50,000"),                    # not $50000
    ("USD/GPU-hour", 3.0, "$3/GPU-hour"),
    ("USD/GPU-hour", 2.5, "$2.50/GPU-hour"),       # cents
    ("USD/1M tokens", 0.125, "$0.125/1M tokens"),
    ("USD/year", 200_000, "$200,000/year"),
    ("tokens/month", 2e9, "2,000,000,000 tokens/month"),  # not 2e9 or 2e+09
    ("GPUs", 1, "1 GPU"),                          # not "1 GPUs"
    ("GPUs", 2, "2 GPUs"),
    ("months", 36, "36 months"),
    ("ratio", 2.0, "2×"),
    ("FTE", 0.5, "0.5 FTE"),
])
def test_value_with_unit(unit, v, text):
    assert fmt.value(unit, v) == text


def test_count_and_pct():
    assert fmt.count(1, "GPU") == "1 GPU" and fmt.count(2, "GPU") == "2 GPUs"
    assert fmt.count(1, "replica") == "1 replica" and fmt.count(1024, "replica") == "1,024 replicas"
    assert fmt.pct(0.8) == "80%" and fmt.pct(0.004) == "0.4%" and fmt.pct(0.0) == "0%"
    # a share just short of all is not rounded up to a '100%' that is not true
    assert fmt.pct(0.994) == "99%" and fmt.pct(0.999) == "99.9%" and fmt.pct(0.9996) == ">99.9%"
    assert fmt.pct(1.0) == "100%" and fmt.pct(0.001) == "0.1%"


def test_linear_ticks_are_round_and_labelled_like_the_page():
    vals, text = fmt.linear_ticks(-150_000, 20_000)
    # a range of 170k over ~5 steps: 34k -> the next round step is 50k
    assert vals == [-150_000, -100_000, -50_000, 0, 50_000][:len(vals)] and vals[0] == -150_000
    assert text[:4] == ["-$150k", "-$100k", "-$50k", "$0"]
    vals, text = fmt.linear_ticks(0, 13_213)
    assert vals == [0, 5_000, 10_000, 15_000] and text == ["$0", "$5k", "$10k", "$15k"]


def test_log_ticks_in_money():
    vals, text = fmt.log_ticks(500, 2e6, fmt.usd_short)
    assert vals == [1e3, 1e4, 1e5, 1e6] and text == ["$1k", "$10k", "$100k", "$1M"]


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_usd_short_is_short_and_never_scientific(x):
    text = fmt.usd_short(x)
    assert "e" not in text and "$-" not in text and len(text) <= 8
    if abs(x) >= 1:  # three significant digits: within 0.5% of the value
        body = text.lstrip("-$")
        mult = {"k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}.get(body[-1], 1)
        shown = float(body.rstrip("kMBT").replace(",", "")) * mult
        assert math.isclose(shown, abs(x), rel_tol=0.006)


@pytest.mark.parametrize("x, unit, text", [
    (0.056, "share/month", "+5.6%/month"), (-0.155, "share/year", "-15.5%/year"), (0.52, "share", "52%"),
    (47_746.2, "USD", "$47,746"), (6.67e9, "tokens/month", "6.67B tokens/month"), (0.92684, "FTE", "0.9268 FTE"),
    (1893.2, "output tokens/s", "1,893 output tokens/s"),
])
def test_spread_value_of_each_unit(x, unit, text):
    assert fmt.spread_value(x, unit) == text

"""Property tests: any bytes give a ParsedFile or an InvoiceError; load_files never raises;
totals do not depend on row order or on uploading the same file twice."""

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco.invoices import InvoiceError, ParsedFile, load_files, parse_file

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
FIXTURES = {p.name: p.read_bytes() for p in sorted(EXAMPLES.glob("*.csv"))}
# keep mutation cases quick: the first 40 lines of each example
SMALL = {name: b"\n".join(data.split(b"\n")[:40]) + b"\n" for name, data in FIXTURES.items()}
TOKENS = ["input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "cost_usd"]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_or_error(name, data):
    try:
        result = parse_file(name, data)
    except InvoiceError:
        return None
    assert isinstance(result, ParsedFile)
    return result


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    _parse_or_error("x.csv", data)


@FAST
@given(st.text(alphabet=st.sampled_from(list(',;\t\n"\'{}[]:0123456789.-abcdeT ≤\ufeff')), max_size=400))
def test_arbitrary_csvish_text(text):
    _parse_or_error("x.csv", text.encode("utf-8"))


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(SMALL)))
    lines = SMALL[name].split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["drop", "dup", "garble", "flip", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "drop" and len(lines) > 1:
            del lines[i]
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "garble":
            lines[i] = draw(st.binary(max_size=80))
        elif kind == "flip" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            b = bytearray(lines[i])
            b[j] ^= draw(st.integers(1, 255))
            lines[i] = bytes(b)
        elif kind == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
    return name, b"\n".join(lines)


@FAST
@given(mutated())
def test_mutated_valid_files(case):
    name, data = case
    _parse_or_error(name, data)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated(), max_size=3))
def test_load_files_never_raises(cases):
    result = load_files(cases)
    assert len(result.files) + len(result.errors) == len(cases)


def _totals(result):
    m = result.months
    return m.groupby(["month", "provider", "model", "currency"])[TOKENS].sum().sort_index()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SMALL)), st.randoms(use_true_random=False))
def test_totals_invariant_to_row_order_and_repeat_upload(name, rnd):
    lines = SMALL[name].rstrip(b"\n").split(b"\n")
    header, body = lines[0], lines[1:]
    shuffled = body[:]
    rnd.shuffle(shuffled)
    original = load_files([(name, SMALL[name])])
    reordered = load_files([(name, b"\n".join([header] + shuffled) + b"\n")])
    twice = load_files([(name, SMALL[name]), (name + " copy", SMALL[name])])
    pd.testing.assert_frame_equal(_totals(original), _totals(reordered), rtol=1e-9)
    pd.testing.assert_frame_equal(_totals(original), _totals(twice), rtol=1e-9)
    assert twice.duplicates_dropped == sum(len(f.rows) for f in original.files)
    assert np.isclose(original.baseline["tokens_per_month"], twice.baseline["tokens_per_month"])

"""Property tests: any bytes give a ParsedFile or an InvoiceError; load_files never raises;
totals do not depend on row order or on uploading the same file twice."""

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco.invoices import FORMATS, InvoiceError, ParsedFile, load_files, parse_file
from tco.invoices.common import MONEY_COLUMNS, ROW_COLUMNS, TOKEN_COLUMNS

FORMAT_IDS = {f.id for f in FORMATS}
JSON_FORMATS = {f.id for f in FORMATS if f.kind == "json"}

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
FIXTURES = {p.name: p.read_bytes() for p in sorted(EXAMPLES.glob("*.csv"))}
# keep mutation cases quick: the first 40 lines of each example
SMALL = {name: b"\n".join(data.split(b"\n")[:40]) + b"\n" for name, data in FIXTURES.items()}
TOKENS = ["input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "cost_usd"]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_or_error(name, data):
    """Parse, then check what any reader of the result relies on; None for a clean InvoiceError."""
    try:
        result = parse_file(name, data)
    except InvoiceError as e:
        message = str(e)
        assert message.startswith(f"{name}: ") and len(message) > len(name) + 2
        # the catch-all for an exception a parser did not expect is a bug, not a message
        assert "could not read the file (" not in message, message
        return None
    assert isinstance(result, ParsedFile)
    assert result.format in FORMAT_IDS
    rows = result.rows
    assert list(rows.columns) == ROW_COLUMNS
    tokens = rows[TOKEN_COLUMNS].to_numpy(float)
    assert np.isfinite(tokens).all() and (tokens >= 0).all()          # counts: never negative, NaN or inf
    requests = rows["requests"].to_numpy(float)                       # NaN: the format does not say
    assert not (requests < 0).any() and not np.isinf(requests).any()
    money = rows[MONEY_COLUMNS].to_numpy(float)
    assert not np.isinf(money).any()
    assert rows["start"].notna().all() and str(rows["start"].dt.tz) == "UTC"
    assert ((rows["end"] >= rows["start"]) | rows["end"].isna()).all()
    # lines as the CSV reader and editors count them: a lone \r ends a line too
    physical = len(data.splitlines()) + 1
    rejected_lines = [line for line, _ in result.rejected]
    for line, reason in result.rejected:
        assert isinstance(line, int) and 1 <= line <= physical and reason.startswith(f"line {line}")
    if result.format not in JSON_FORMATS:
        assert rows["line"].between(2, physical).all()                   # line 1 is the header
        assert not set(rows["line"]) & set(rejected_lines)              # a rejected line gives no row
    assert all(isinstance(w, str) and w for w in result.warnings)
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
    m = result.months
    assert not m.duplicated(["month", "provider", "model", "currency"]).any()
    assert m["month"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").all()
    assert (m[TOKEN_COLUMNS].to_numpy(float) >= 0).all()
    assert ((m["days_covered"] >= 0) & (m["days_covered"] <= m["days_in_month"] + 1e-9)).all()


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


def test_every_format_with_its_header_alone():
    # a header and no line (an export of an empty period): a clean message or no rows, never a crash
    # (an AWS CUR with no line crashed on an empty array's type: tco/invoices/aws.py is_credit)
    for name, data in FIXTURES.items():
        header = data.split(b"\n", 1)[0] + b"\n"
        result = _parse_or_error(name, header)
        assert result is None or len(result.rows) == 0, name


def test_a_line_that_ends_before_it_starts_is_rejected_with_its_reason():
    # found by test_mutated_valid_files: start_time 1756057600 (2025-08-24 17:46 UTC) on a bucket
    # that ends 1746144000 (2025-05-02 00:00): the line is dropped, with both times in the reason
    lines = FIXTURES["openai_completions_usage.csv"].split(b"\n")
    lines[1] = lines[1].replace(b"1746057600,1746144000", b"1756057600,1746144000", 1)
    result = parse_file("usage.csv", b"\n".join(lines[:5]) + b"\n")
    assert result.rejected == [(2, "line 2: the period ends (2025-05-02 00:00) before it starts (2025-08-24 17:46)")]
    assert len(result.rows) == 3 and 2 not in set(result.rows["line"])

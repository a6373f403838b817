"""One cell, one line or one row at a time: the numbers and times the readers accept, refuse and
how they read them; Bedrock usage types' token classes; the limits a bill line must keep; an
itemised row's per-class prices; a fitted growth clipped to the Scenario's range; totals of nothing.

Every expected value is written out by hand from the cell (the forms are those the exports use:
thousands separators in Google's console report, accounting negatives and currency symbols in
spreadsheets re-saved by hand, decimal commas in European Azure exports, unix seconds in OpenAI's,
"… UTC" in BigQuery's)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tco.invoices.common import parse_number, parse_time

NUMBERS = [
    # cell, decimal_comma, value
    (None, False, math.nan),
    ("", False, math.nan),
    ("   ", False, math.nan),
    ("NaN", False, math.nan),
    ("null", False, math.nan),
    ("None", False, math.nan),
    (3, False, 3.0),
    (2.5, False, 2.5),
    ("42", False, 42.0),
    (" 42 ", False, 42.0),
    ("-7.25", False, -7.25),
    ("1,983,966", False, 1983966.0),
    ("1,234.5", False, 1234.5),
    ("-1,234", False, -1234.0),
    ("$12.50", False, 12.5),
    ("€ 3", False, 3.0),
    ("£1,000", False, 1000.0),
    ("¥500", False, 500.0),
    ("1\u00a0000", False, 1000.0),       # a no-break space between thousands
    ("1_000", False, 1000.0),
    ("1'000", False, 1000.0),            # Swiss thousands
    ("(12.50)", False, -12.5),           # accounting negative
    ("($1,234.00)", False, -1234.0),
    ("1.5e3", False, 1500.0),
    ("1.983.966,5", True, 1983966.5),
    ("3,25", True, 3.25),
    ("(3,25)", True, -3.25),
    ("1.000", True, 1000.0),             # with a decimal comma, the point separates thousands
]


@pytest.mark.parametrize("cell, decimal_comma, value", NUMBERS, ids=[repr(c[0]) + ("," if c[1] else "") for c in NUMBERS])
def test_a_number_cell_reads_as_written(cell, decimal_comma, value):
    got = parse_number(cell, decimal_comma)
    assert type(got) is float
    if math.isnan(value):
        assert math.isnan(got)
    else:
        assert got == value


@pytest.mark.parametrize("cell", ["abc", "1,2", "12,34.5", "1,2345", "inf", "-inf", "1e999", "(", "$", True, "12 USD"])
def test_a_cell_that_is_no_number_is_refused(cell):
    with pytest.raises(ValueError):
        parse_number(cell)


def _utc(text):
    return pd.Timestamp(text, tz="UTC")


TIMES = [
    (1761955200, _utc("2025-11-01 00:00")),               # unix seconds (OpenAI)
    ("1761955200", _utc("2025-11-01 00:00")),
    ("1761955200.0", _utc("2025-11-01 00:00")),
    (1761955200000, _utc("2025-11-01 00:00")),            # unix milliseconds
    ("2025-11-03", _utc("2025-11-03")),
    ("2025-11-03 10:15", _utc("2025-11-03 10:15")),       # Anthropic's console
    ("2025-11-03T10:15:00Z", _utc("2025-11-03 10:15")),
    ("2025-11-03T10:15:00+02:00", _utc("2025-11-03 08:15")),   # an offset: the same instant in UTC
    ("2025-11-30T23:30:00-01:00", _utc("2025-12-01 00:30")),   # ... across a month's end
    ("2025-11-03 10:15:00 UTC", _utc("2025-11-03 10:15")),     # BigQuery
    ("11/03/2025", _utc("2025-11-03")),                  # Azure, MM/DD/YYYY
    ("13/03/2025", _utc("2025-03-13")),                  # DD/MM when the first part cannot be a month
    (" 2025-11-03 ", _utc("2025-11-03")),
]


@pytest.mark.parametrize("cell, when", TIMES, ids=[repr(c[0]) for c in TIMES])
def test_a_time_cell_reads_as_the_instant_it_names_in_utc(cell, when):
    got = parse_time(cell)
    assert got == when and str(got.tz) == "UTC"


@pytest.mark.parametrize("cell", ["", "   ", "yesterday", "2025-13-45", "not a date"])
def test_a_cell_that_is_no_time_is_refused(cell):
    with pytest.raises(ValueError):
        parse_time(cell)


def test_repriced_totals_of_no_months_are_zero_and_unknown_where_nothing_is_known():
    from tco.invoices.reprice import reprice_totals
    empty = pd.DataFrame(columns=["tokens", "actual_usd", "hosted_open_usd", "self_host_usd"])
    empty.attrs["setup_usd"] = 1234.0
    got = reprice_totals(empty)
    nan_keys = {"actual_usd", "saving_hosted_open_usd", "saving_self_host_usd", "saving_self_host_after_setup_usd"}
    assert set(got) == nan_keys | {"months", "tokens", "hosted_open_usd", "self_host_usd", "setup_usd", "actual_complete"}
    assert all(math.isnan(got[k]) for k in nan_keys)
    assert {k: got[k] for k in set(got) - nan_keys} == {
        "months": 0, "tokens": 0.0, "hosted_open_usd": 0.0, "self_host_usd": 0.0, "setup_usd": 1234.0,
        "actual_complete": False}


@pytest.mark.parametrize("growth, note, set_to", [
    (1.5, "Volume growth per month: the bills give +150.0%/month, outside the allowed -50.0%/month to "
          "+100.0%/month; set to +100.0%/month", 1.0),
    (-0.7, "Volume growth per month: the bills give -70.0%/month, outside the allowed -50.0%/month to "
           "+100.0%/month; set to -50.0%/month", -0.5),
])
def test_a_fitted_growth_outside_the_scenarios_range_is_clipped_and_said(growth, note, set_to):
    """The Scenario allows -50% to +100% a month (tco/scenario.py); a fit beyond it is clipped, in words."""
    from tco.invoices.baseline import scenario_inputs
    values, notes = scenario_inputs({"tokens_per_month": 2.5e9, "input_share": 0.8, "cached_input_share": 0.25,
                                     "growth_per_month": growth})
    assert notes == [note]
    assert values == {"tokens_per_month": 2.5e9, "input_share": 0.8, "cached_input_share": 0.25,
                      "growth_per_month": set_to}


@pytest.mark.parametrize("usage_type, kind", [
    ("USE1-Claude4.6Sonnet-input-tokens", "input"),
    ("USE1-Claude4.6Sonnet-output-tokens", "output"),
    ("USW2-NovaLite-InputTokens", "input"),                    # no dash: "inputtokens"
    ("USE1-NovaLite-input_tokens", "input"),                   # underscores read as dashes
    ("USE1-NovaPro-output_token_count", "output"),
    ("USE1-Claude4.6Sonnet-cache-read-input-token-count", "cached_input"),   # the cache before "input"
    ("USE1-Claude4.6Sonnet-cache_read_input_tokens", "cached_input"),
    ("USE1-Claude4.6Sonnet-CacheReadInputTokens", "cached_input"),
    ("USE1-Claude4.6Sonnet-cache-write-input-token-count", "cache_write"),
    ("USE1-Claude4.6Sonnet-CacheWriteInputTokens", "cache_write"),
    ("USE1-TitanEmbeddings-V2-ModelUnits", "other"),
    ("USE1-ProvisionedThroughput-Claude-hours", "other"),
])
def test_a_bedrock_usage_type_names_its_token_class(usage_type, kind):
    from tco.invoices.aws import token_kind
    assert token_kind(usage_type) == kind


def test_a_row_itemised_by_class_is_priced_per_class_net_of_its_credits_or_not_at_all():
    """Each class at what it was charged, scaled by net cost / charges (a $0.80 credit on $4.00 of
    charges: x0.8): input $3.00 x 0.8 / 1M tokens = $2.4e-6 a token, output $1.00 x 0.8 / 100k =
    $8e-6; classes without a charge or tokens cost 0. A class charged for but without tokens
    (even $0.40), a charge that is unknown, or no charges at all: not itemised (None)."""
    import numpy as np

    from tco.invoices.baseline import _itemised_units
    tokens = {"input": 1e6, "cached_input": 0.0, "cache_write": 0.0, "output": 1e5}
    row = {"paid_input_usd": 3.0, "paid_cached_input_usd": 0.0, "paid_cache_write_usd": 0.0, "paid_output_usd": 1.0,
           "cost_usd": 3.2}
    got = _itemised_units(row, tokens)
    assert got == pytest.approx({"input": 2.4e-6, "cached_input": 0.0, "cache_write": 0.0, "output": 8e-6}, rel=1e-12)
    assert _itemised_units(dict(row, paid_cache_write_usd=0.4), tokens) is None
    assert _itemised_units(dict(row, paid_output_usd=np.nan), tokens) is None
    assert _itemised_units({**row, "paid_input_usd": 0.0, "paid_output_usd": 0.0}, tokens) is None


def test_unix_seconds_end_before_the_year_2103():
    """4.2e9 s is 2103-02-04 02:40 UTC: a count at or above it is no date (an id, a byte count)."""
    assert parse_time("4199999999") == _utc("2103-02-04 02:39:59")
    for cell in ("4200000000", "4200000000.0"):
        with pytest.raises(ValueError):
            parse_time(cell)


def test_unix_milliseconds_read_to_the_millisecond():
    """1e11 and above are milliseconds: 100000000001 ms = 1973-03-03 09:46:40.001 exactly (divided
    as floats it was 2 ns late), 1761955200123 ms = 2025-11-01 00:00:00.123."""
    assert parse_time("100000000001") == _utc("1973-03-03 09:46:40.001")
    assert parse_time(1761955200123) == _utc("2025-11-01 00:00:00.123")
    assert parse_time("1761955200123.0") == _utc("2025-11-01 00:00:00.123")
    assert parse_time("4199999999999") == _utc("2103-02-04 02:39:59.999")
    with pytest.raises(ValueError):
        parse_time("4200000000000")   # 4.2e9 s in milliseconds: past 2103


def test_a_header_too_wide_is_refused_with_its_width():
    """2,001 columns (2,000 commas, one a quoted "a,b" that is no separator: still 2,001), and a line
    whose count is beyond any bill (1e14 tokens), each refused in words with its figure."""
    from helpers import parse

    from tco.invoices import InvoiceError
    header = '"a,b",' + ",".join(f"c{i}" for i in range(2000))
    with pytest.raises(InvoiceError) as e:
        parse("wide.csv", header + "\n" + "1," * 2000 + "1\n")
    assert str(e.value).endswith("the header has 2,001 columns; an export has at most 2,000")


def test_a_count_beyond_any_bill_is_refused_with_its_figure():
    from helpers import parse

    from tco.invoices import load_files
    text = ("date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
            "2025-11-03,openai,gpt-4o-mini,2e14,0,1,1.0\n2025-11-04,openai,gpt-4o-mini,1,0,1,2e9\n"
            "2025-11-05,openai,gpt-4o-mini,1,0,1,1.0\n")
    result = load_files([("mine.csv", text.encode())])
    assert [(r["line"], r["reason"]) for r in result.rejected_rows] == [
        (2, "line 2: `input_tokens` = 2e+14 is beyond the largest tokens a bill line can hold (1e+14)"),
        (3, "line 3: `cost` = 2e+09 is beyond the largest amount a bill line can hold (1e+09)")]
    assert parse("mine.csv", text).rows["line"].tolist() == [4]

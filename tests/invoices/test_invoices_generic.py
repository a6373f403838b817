"""The generic CSV and the shared decoding traps (BOM, ≤, CRLF, `;` + decimal comma, thousands, cp1252)."""

from pathlib import Path

import pytest

from helpers import load, month_row
from tco.invoices import InvoiceError, MAX_FILE_BYTES, parse_file

ROOT = Path(__file__).resolve().parents[2]
GENERIC = """date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd
2025-11-01,openai,gpt-4o-mini,1000000,500000,200000,0.5
2025-11-02,openai,gpt-4o-mini,3000000,0,400000,1.5
2025-12-01,anthropic,claude-sonnet-4-5,100,0,10,
"""


def test_generic_totals_by_hand():
    result = load(("mine.csv", GENERIC))
    nov = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert nov["input_tokens"] == 4_000_000 and nov["cached_input_tokens"] == 500_000
    assert nov["output_tokens"] == 600_000 and nov["cost_usd"] == pytest.approx(2.0)
    dec = month_row(result, "2025-12", "anthropic", "claude-sonnet-4-5")
    # empty cost -> list price: 100*3e-6 + 10*15e-6 = 0.00045
    assert dec["cost_usd"] == pytest.approx(0.00045) and bool(dec["cost_estimated"])


def test_template_file_parses():
    parsed = parse_file("generic_template.csv", (ROOT / "data/examples/generic_template.csv").read_bytes())
    assert parsed.format == "generic_csv" and len(parsed.rows) == 3 and parsed.rejected == []


def test_bom_crlf_and_semicolon_decimal_comma():
    text = ("\ufeffdate;provider;model;input_tokens;cached_input_tokens;output_tokens;cost_usd\r\n"
            "2025-11-01;openai;gpt-4o-mini;1.000.000;500.000;200.000;0,5\r\n"
            "2025-11-02;openai;gpt-4o-mini;2000000;0;0;0,25\r\n")
    row = month_row(load(("excel.csv", text)), "2025-11", "openai", "gpt-4o-mini")
    # 1.000.000 with decimal comma is one million; 0,5 + 0,25 = 0.75
    assert row["input_tokens"] == 3_000_000 and row["cost_usd"] == pytest.approx(0.75)


def test_thousands_separators_in_quoted_fields():
    text = ('date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n'
            '2025-11-01,openai,gpt-4o-mini,"1,983,966",0,"461,280","$1,234.50"\n')
    row = month_row(load(("t.csv", text)), "2025-11", "openai", "gpt-4o-mini")
    assert (row["input_tokens"], row["output_tokens"], row["cost_usd"]) == (1983966, 461280, 1234.5)


def test_excel_cp1252_resave_and_utf16():
    text = "date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n2025-11-01,acmé,m,10,0,5,1\n"
    parsed = parse_file("win.csv", text.encode("cp1252"))
    assert parsed.rows["provider"].iloc[0] == "acmé" and any("Windows-1252" in w for w in parsed.warnings)
    parsed16 = parse_file("u16.csv", text.replace(",", "\t").encode("utf-16"))
    assert parsed16.format == "generic_csv" and parsed16.rows["input_tokens"].iloc[0] == 10


def test_rejected_rows_name_line_column_and_value():
    text = GENERIC + "2025-11-03,openai,gpt-4o-mini,n/a,0,1,1\n2025-13-45,openai,gpt-4o-mini,1,0,1,1\n"
    result = load(("mine.csv", text))
    assert result.rejected_rows == [
        {"file": "mine.csv", "line": 5, "reason": "line 5: column `input_tokens` holds 'n/a'; expected a number"},
        {"file": "mine.csv", "line": 6, "reason": "line 6: column `date` holds '2025-13-45'; expected a date"},
    ]


def test_non_usd_currency_kept_apart():
    text = ("date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd,currency\n"
            "2025-11-01,mistral,mistral-large,1000,0,100,2.5,EUR\n")
    result = load(("eur.csv", text))
    row = month_row(result, "2025-11", "mistral", "mistral-large")
    assert row["currency"] == "EUR" and row["cost"] == 2.5 and row["cost_usd"] != row["cost_usd"]  # NaN
    assert any("EUR" in w for w in result.warnings)


def test_too_big_and_empty_files_refused():
    with pytest.raises(InvoiceError, match="limit is 20 MB"):
        parse_file("big.csv", b"a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(InvoiceError, match="empty"):
        parse_file("empty.csv", b"  \n")


def test_failing_file_next_to_good_one():
    result = load(("good.csv", GENERIC), ("bad.csv", "hello world\n"), ("bin.csv", b"\x00\x01\x02"))
    assert [f.name for f in result.files] == ["good.csv"]
    assert [name for name, _ in result.errors] == ["bad.csv", "bin.csv"]
    assert result.months["input_tokens"].sum() == 4_000_100


def test_rows_without_a_provider_or_an_output_count_are_rejected_by_name_and_a_missing_cost_is_priced():
    """A row with no provider and a row with no output count are rejected with their reasons; a
    row with tokens and an empty cost is priced at list price (gpt-4o-mini: $0.15 in, $0.60 out
    per 1M: 1M in + 1M out = $0.75) and flagged as estimated."""
    text = ("date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
            "2025-11-03,openai,gpt-4o-mini,1000000,0,1000000,\n"
            "2025-11-04,,gpt-4o-mini,10,0,10,0.01\n"
            "2025-11-05,openai,gpt-4o-mini,10,0,,0.01\n")
    result = load(("usage.csv", text))
    reasons = {r["line"]: r["reason"] for r in result.rejected_rows}
    assert reasons == {3: "line 3: column `provider` is empty",
                       4: "line 4: column `output_tokens` is empty; expected a number"}, reasons
    row = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert bool(row["cost_estimated"]) and row["cost_usd"] == pytest.approx(0.75)
    # beside a row whose cost is given ($1.00), the row without one adds its list price: $1.75
    mixed = text + "2025-11-06,openai,gpt-4o-mini,100,0,100,1.00\n"
    row = month_row(load(("usage.csv", mixed)), "2025-11", "openai", "gpt-4o-mini")
    assert bool(row["cost_estimated"]) and row["cost_usd"] == pytest.approx(1.75)
    assert row["input_tokens"] == 1_000_100


def test_csv_line_numbers_count_leading_blank_lines_and_blank_rows_are_skipped_not_the_end():
    """Lines are numbered as a text editor shows them: after two blank lines before the header, the
    first data row is line 4. A blank row in the middle is skipped and the rows after it still read;
    a repeated header name gets a suffix (h, h.1, h.2)."""
    from tco.invoices.common import read_table
    t = read_table("\n\ndate,provider,model\n2025-11-03,openai,a\n\n2025-11-04,openai,b\n")
    assert list(t.lines) == [4, 6] and list(t.cells.iloc[:, 2]) == ["a", "b"]
    assert read_table("h,h,h\n1,2,3\n").header == ["h", "h.1", "h.2"]
    result = load(("usage.csv", "\n\n" + GENERIC.split("\n", 1)[0] + "\n2025-11-03,openai,gpt-4o-mini,n/a,0,1,1\n"))
    assert [r["line"] for r in result.rejected_rows] == [4]


def test_the_size_limit_is_inclusive_and_the_refusals_say_what_they_saw(monkeypatch):
    """A file of exactly the limit is read (here: refused only as not a format we know); one byte
    more is refused with its size; text instead of bytes, and unknown JSON, name the file."""
    import tco.invoices as invoices
    assert MAX_FILE_BYTES == 20_000_000
    with pytest.raises(InvoiceError) as e:
        parse_file("big.csv", b"a" * 20_050_000)
    assert str(e.value).startswith("big.csv: the file is 20.1 MB; the limit is 20 MB.")
    monkeypatch.setattr(invoices, "MAX_FILE_BYTES", 10)
    with pytest.raises(InvoiceError) as e:
        parse_file("edge.csv", b"a,b\n1,2\n3,")      # 10 bytes
    assert str(e.value).startswith("edge.csv: the header (a, b) is not one we know")
    with pytest.raises(InvoiceError, match="limit is 20 MB"):
        parse_file("edge.csv", b"a,b\n1,2\n3,4")     # 11 bytes
    monkeypatch.undo()
    with pytest.raises(InvoiceError) as e:
        parse_file("usage.csv", "2025-11-03,openai")
    assert str(e.value) == "usage.csv: expected the file's bytes, got str"
    with pytest.raises(InvoiceError) as e:
        parse_file("thing.json", b'{"hello": 1}')
    assert str(e.value).startswith("thing.json: this JSON is not a usage or cost export we know")


def test_impossible_rows_and_months_are_refused_with_their_reasons():
    """A future month and a negative charge name their line and amounts; two files whose month sums
    to exactly MAX_TOKENS is kept, one token more is left out with the month, provider and model."""
    import tco.invoices as invoices
    from tco.invoices import MAX_TOKENS
    future = GENERIC.split("\n", 1)[0] + "\n2099-01-03,openai,gpt-4o-mini,10,0,10,1\n2025-11-03,openai,gpt-4o-mini,10,0,10,-2.5\n"
    r = load(("mine.csv", future))
    [(line, reason)] = [(x["line"], x["reason"]) for x in r.rejected_rows]
    assert line == 2 and reason.startswith("line 2: the month 2099-01 is after the current month (")
    assert any(w.startswith("mine.csv: 1 line with a negative usage charge (total -2.50 USD)") for w in r.warnings), r.warnings
    half = int(MAX_TOKENS // 2)
    head = GENERIC.split("\n", 1)[0]
    at = load(("a.csv", f"{head}\n2025-11-03,openai,gpt-4o-mini,{half},0,0,1\n"),
              ("b.csv", f"{head}\n2025-11-04,openai,gpt-4o-mini,{int(MAX_TOKENS) - half},0,0,1\n"))
    assert at.months["input_tokens"].sum() == MAX_TOKENS
    over = load(("a.csv", f"{head}\n2025-11-03,openai,gpt-4o-mini,{half},0,0,1\n"),
                ("b.csv", f"{head}\n2025-11-04,openai,gpt-4o-mini,{int(MAX_TOKENS) - half + 1},0,0,1\n"))
    assert over.months.empty
    assert any(w.startswith("2025-11 openai gpt-4o-mini: left out; its total (") for w in over.warnings), over.warnings
    assert invoices.MAX_TOKENS == MAX_TOKENS


def test_a_rejected_value_is_shown_whole_up_to_40_characters():
    head = GENERIC.split("\n", 1)[0]
    forty, fortyone = "x" * 40, "y" * 41
    result = load(("mine.csv", f"{head}\n2025-11-03,openai,gpt-4o-mini,{forty},0,1,1\n2025-11-03,openai,gpt-4o-mini,{fortyone},0,1,1\n"))
    reasons = [r["reason"] for r in result.rejected_rows]
    assert reasons == [f"line 2: column `input_tokens` holds '{forty}'; expected a number",
                       f"line 3: column `input_tokens` holds '{'y' * 37}...'; expected a number"]


def test_generic_requests_are_summed_and_a_year_month_date_is_the_whole_month():
    head = "date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd,requests\n"
    row = month_row(load(("m.csv", head + "2025-11,openai,gpt-4o-mini,10,0,10,1,7\n2025-12,openai,gpt-4o-mini,10,0,10,1,3\n")),
                    "2025-11", "openai", "gpt-4o-mini")
    assert row["requests"] == 7 and row["days_covered"] == row["days_in_month"] == 30


def test_a_row_with_more_fields_than_the_header_is_rejected_with_its_count():
    head = GENERIC.split("\n", 1)[0]
    result = load(("mine.csv", f"{head}\n2025-11-03,openai,gpt-4o-mini,10,0,10,1\n2025-11-04,openai,gpt-4o-mini,10,0,10,1,9\n"))
    assert [(r["line"], r["reason"]) for r in result.rejected_rows] == [(3, "line 3 has 8 fields; the header has 7")]

"""A hostile link or file changes nothing (issue 10): each reproduction of the issue, as a test.

Markdown is checked as the page sends it: Streamlit renders every message, caption and help as
GitHub Markdown, whose literal autolinks (``https://…``, ``www.…``, ``a@b``) survive backslash
escapes, so outside text may reach it only inside code spans (:func:`tco.ui.fmt.text`). The
browser test (tests/browser/test_hardening_browser.py) checks the rendered page itself.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from pages import run_page
from tco.scenario import Scenario
from tco.share import decode, encode
from tco.ui import fmt, inputs

#: The issue's reproductions: link -> the text that must never become markup.
HOSTILE_LINKS = {
    "v=1&tokens_per_month=https://evil.example/login&view=cfo": "evil.example",
    "v=1&tokens_per_month=https://evil.example/login": "evil.example",
    "v=1&api_model=openai:https://evil.example/login": "evil.example",
    "v=1&api_model=anthropic:claude-sonnet-4-5_https://evil.example/x": "https://evil",  # cut at 40
    "v=1&tokens_per_month=ceo@evil.example": "evil.example",
    "v=1&tokens_per_month=__x__": "__x__",
    "v=1&tokens_per_month=~~x~~": "~~x~~",
}


def outside_code(markdown: str) -> str:
    """``markdown`` without its code spans (CommonMark: a run of n backticks to the next run of
    exactly n) and without backslash-escaped characters: what Markdown could still turn into markup."""
    out, i = [], 0
    while i < len(markdown):
        run = re.match(r"`+", markdown[i:])
        if run:
            fence = run.group()
            end = re.search(rf"(?<!`){fence}(?!`)", markdown[i + len(fence):])
            if end:
                i += len(fence) + end.end()
                continue
        if markdown[i] == "\\" and i + 1 < len(markdown):
            i += 2
            continue
        out.append(markdown[i])
        i += 1
    return "".join(out)


def markdown_texts(at) -> list[str]:
    """Every Markdown string the page sent: messages, captions, markdown, metric helps."""
    texts = []
    for kind in ("warning", "error", "caption", "markdown", "info", "success"):
        texts += [el.value for el in getattr(at, kind)]
    texts += [m.help or "" for m in at.metric]
    return texts


@pytest.mark.parametrize("query", list(HOSTILE_LINKS))
def test_link_values_reach_markdown_only_as_code(query):
    at = run_page(query)
    needle = HOSTILE_LINKS[query]
    shown = [t for t in markdown_texts(at) if needle in t]
    assert shown, "the page should say which value it ignored"
    for t in shown:
        bare = outside_code(t)
        assert needle not in bare and "@" not in bare and "://" not in bare, t


def test_fmt_text_leaves_link_like_words_only_in_code():
    for raw in ("see https://evil.example/login now", "mail ceo@evil.example", "www.evil.example/x",
                "[click here](https://evil.example/login).csv", "<a href='https://evil.example'>x</a>",
                "__bold__ ~~struck~~ *em* $x$ :red[red] ![img](x)", "# heading", "1. list", "a `b c"):
        shown = fmt.text(raw)
        bare = outside_code(shown)
        for markup in ("://", "@", "www.", "__", "~~", "*", "$", "[", "<", "`"):
            assert markup not in bare, (raw, shown)
        assert not re.match(r"\s*(#|\d+\.)\s", bare), (raw, shown)
    # code spans of the text itself stay code spans; nothing else changes
    assert fmt.text("Ignored `pue`=`9`: outside") == "Ignored `pue`=`9`: outside"
    assert fmt.text("2.5B tokens a month, 60% busy") == "2.5B tokens a month, 60% busy"
    assert fmt.code("a`b") == "`` a`b ``"


# --- 2. an unknown model id ----------------------------------------------------------------------

def test_unknown_model_id_is_dropped_and_the_rest_loads():
    d = decode("v=1&api_model=openai:gpt-55&staff_fte=2")
    assert d.scenario == Scenario(staff_fte=2.0)
    assert d.notices == ("Ignored `api_model`=`openai:gpt-55`: no model in the bundled price catalog "
                         "has this id.",)
    at = run_page("v=1&api_model=openai:gpt-55&staff_fte=2")
    assert not at.error, [e.value for e in at.error]  # was: "This scenario cannot be computed"
    assert any("openai:gpt-55" in w.value for w in at.warning)
    assert at.metric, "the headline numbers must be on the page"


def test_prefix_of_a_catalog_id_is_not_that_model():
    # genai-prices matches model names loosely; a link must name the catalog id exactly
    d = decode("v=1&api_model=anthropic:claude-sonnet-4-5_https://evil.example/x")
    assert d.scenario.api_model == Scenario().api_model and len(d.notices) == 1
    d = decode("v=1&hosted_model=groq:meta-llama/llama-4-scout-17b-16e-instructX")
    assert d.scenario.hosted_model is None and len(d.notices) == 1
    d = decode("v=1&api_model=anthropic:claude-sonnet-4-5")
    assert d.scenario.api_model == "anthropic:claude-sonnet-4-5" and d.notices == ()


# --- 3. numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["5__0", "5_0", "٥e9", "５e9", "1e٩", "²"])
def test_numbers_are_ascii_digits_only(text):
    d = decode({"v": "1", "tokens_per_month": text})
    assert d.scenario == Scenario()
    assert len(d.notices) == 1 and d.notices[0].startswith("Ignored `tokens_per_month`=`")
    assert "not a number" in d.notices[0]


def test_minus_zero_is_zero_and_out_of_range_notice_reads_correctly():
    d = decode("v=1&staff_fte=-0&growth_per_month=-0.0")
    assert d.notices == ()
    assert str(d.scenario.staff_fte) == "0.0" and str(d.scenario.growth_per_month) == "0.0"
    d = decode("v=1&min_replicas=-0")
    assert d.notices == ("Ignored `min_replicas`=`-0`: outside the allowed range [1, 1000] replicas.",)
    at = run_page("v=1&staff_fte=-0")
    team = [c.value for c in at.caption if "FTE at" in c.value]
    assert team and team[0].startswith("0 FTE at"), team


# --- 4. a bill summary the link cannot hold ------------------------------------------------------

def test_a_bad_bill_summary_entry_drops_only_its_key():
    notices: list[str] = []
    link = encode(Scenario(), {"months_covered": 6, "r_squared": -1e13, "monthly_spend_usd": 1234.5},
                  notices=notices)
    assert link == "v=1&bl_months=6&bl_spend=1234.5"
    assert notices == ["The link leaves out part of the bill summary: `r_squared` = "
                       "`-10000000000000.0` must be a number in [-1e+12, 1]."]
    with pytest.raises(ValueError):  # without a list to report to, the caller hears of it
        encode(Scenario(), {"r_squared": -1e13})


def test_the_share_tab_says_which_bill_summary_entry_was_left_out():
    at = run_page(section="Share & report")
    at.session_state[inputs.BASELINE_KEY] = {"months_covered": 6, "r_squared": -1e13}
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning if "bill summary" in w.value]
    assert len(warnings) == 1 and "`r_squared`" in warnings[0]
    assert any("bl_months=6" in c.value for c in at.code)


# --- 8. formula and link injection from bills -----------------------------------------------------

@pytest.mark.parametrize("value", ['=HYPERLINK("https://evil.example","x")', "+cmd|' /C calc'!A0",
                                   "@SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"])
def test_text_cells_never_start_a_formula(value):
    df = fmt.cells(pd.DataFrame({"Model": [value], "Net spend": ["-$1,234"], "n": [-5.0]}))
    assert df["Model"][0] == "'" + value
    assert df["Net spend"][0] == "-$1,234" and df["n"][0] == -5.0  # numbers are not formulas


# --- 6. memory and time per session ---------------------------------------------------------------

GENERIC_HEAD = "date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"


def _generic(*rows: str) -> bytes:
    return (GENERIC_HEAD + "".join(r + "\n" for r in rows)).encode()


def test_each_file_is_read_once_however_often_the_set_changes(monkeypatch):
    from tco.ui import bills
    calls = []
    real = bills.parse_file
    monkeypatch.setattr(bills, "parse_file", lambda name, data: calls.append(name) or real(name, data))
    state: dict = {}
    for i in range(3):
        bills.add_files(state, [(f"f{i}.csv", _generic(f"2025-0{i + 1},openai,gpt-4o-mini,1000,0,1000,1"))])
        result, crashes = bills.current_result(state)
        assert len(result.files) == i + 1 and not crashes
    assert calls == ["f0.csv", "f1.csv", "f2.csv"]  # was 1 + 2 + 3 = 6 reads
    bills.remove_file(state, next(iter(state[bills.FILES_KEY])))
    result, _ = bills.current_result(state)
    assert [f.name for f in result.files] == ["f1.csv", "f2.csv"] and len(calls) == 3


class _Upload:
    def __init__(self, name: str, size: int):
        self.name, self.file_id, self.size = name, name, size
        self._data = b"x" * size

    def getvalue(self) -> bytes:
        return self._data


def test_a_session_holds_at_most_50_mb_of_bills():
    from tco.invoices import MAX_SESSION_BYTES
    from tco.ui import bills
    assert MAX_SESSION_BYTES == 50_000_000
    state: dict = {}
    bills.take_uploads(state, [_Upload("a.csv", 19_000_000), _Upload("b.csv", 19_000_000),
                               _Upload("c.csv", 19_000_000)])
    assert [k[0] for k in state[bills.FILES_KEY]] == ["a.csv", "b.csv"]
    assert len(state[bills.REFUSED_KEY]) == 1 and state[bills.REFUSED_KEY][0].startswith("c.csv: not loaded")
    bills.remove_file(state, next(iter(state[bills.FILES_KEY])))
    bills.take_uploads(state, [_Upload("d.csv", 19_000_000)])
    assert [k[0] for k in state[bills.FILES_KEY]] == ["b.csv", "d.csv"]


def test_a_wide_header_is_refused_before_any_table_is_built(monkeypatch):
    from tco.invoices import InvoiceError, common, parse_file

    def no_frames(*args, **kwargs):
        raise AssertionError("a DataFrame was built")
    monkeypatch.setattr(common.pd, "DataFrame", no_frames)
    wide = ("," * 400_000 + "\n" + "1," * 400_000 + "\n").encode()
    with pytest.raises(InvoiceError, match=r"the header has 400,001 columns; an export has at most 2,000"):
        parse_file("wide.csv", wide)


def test_peak_memory_per_20_mb_export_stays_under_150_mb():
    """The Python heap's peak (tracemalloc, numpy and pandas buffers included) while one export is
    read, per byte of the file, below 150 MB per 20 MB. Measured on a 4 MB export (tracing slows a
    read ~6x; the read's memory grows with its rows): was 14 bytes per byte (~290 MB per 20 MB)."""
    import tracemalloc
    from tco.invoices import bench, parse_file
    data = bench.example_export(4_000_000)
    parse_file("warm.csv", data[:100_000])
    tracemalloc.start()
    try:
        parsed = parse_file("x.csv", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(parsed.rows) > 15_000
    assert peak / len(data) < 150e6 / 20e6, f"{peak / len(data):.1f} bytes per byte of file"


# --- 7. values no bill holds ---------------------------------------------------------------------

def test_values_no_bill_can_hold_are_rejected_or_warned_about():
    from tco.invoices import load_files
    result = load_files([("bill.csv", _generic(
        "2025-01,openai,gpt-4o-mini,1000,0,1000,10",
        "2025-02,openai,gpt-4o-mini,1e308,0,1000,10",              # tokens beyond any bill
        "2025-02,openai,gpt-4o-mini,1000,0,1000,1e308",            # a dollar amount beyond any bill
        "2099-01,openai,gpt-4o-mini,1000,0,1000,10",               # a month after today
        "2025-03,openai,gpt-4o,1000,0,1000,-500"))])                # negative spend
    reasons = {r["line"]: r["reason"] for r in result.rejected_rows}
    assert set(reasons) == {3, 4, 5}, reasons
    assert "beyond the largest tokens" in reasons[3] and "beyond the largest amount" in reasons[4]
    assert "after the current month" in reasons[5]
    assert set(result.months["month"]) == {"2025-01", "2025-03"}
    assert result.baseline.get("last_month") != "2099-01"
    assert any("negative usage charge" in w and "-500.00" in w for w in result.warnings), result.warnings
    assert all(math.isfinite(x) for x in result.months["cost_usd"])


def test_a_month_beyond_the_stated_maximum_is_left_out_with_a_warning():
    from tco.invoices import MAX_TOKENS, load_files
    row = f"2025-01,openai,gpt-4o-mini,{MAX_TOKENS * 0.6:.0f},0,0,1"
    result = load_files([("a.csv", _generic(row)), ("b.csv", _generic(row.replace("gpt-4o-mini,", "gpt-4o-mini,", 1)
                                                                          .replace(",1", ",2")))])
    assert result.months.empty
    assert any("left out" in w and "2025-01" in w for w in result.warnings), result.warnings


# --- 9. one upload limit ------------------------------------------------------------------------

def test_one_upload_limit_in_bytes_label_and_parser():
    from tco.invoices import MAX_FILE_BYTES, MAX_FILE_MB, InvoiceError, parse_file
    from tco.ui import bills
    # Streamlit's uploader shows "20.0MB per file" and refuses more than 20 x 1000^2 bytes
    assert MAX_FILE_MB == bills.MAX_UPLOAD_MB == 20 and MAX_FILE_BYTES == 20_000_000
    with pytest.raises(InvoiceError, match=r"the file is 20\.0 MB; the limit is 20 MB"):
        parse_file("big.csv", b"a" * 20_000_001)
    with pytest.raises(InvoiceError) as exc:
        parse_file("ok.csv", b"a,b\n" * 5_000_000)  # 20,000,000 bytes: read (an unknown header)
    assert "limit is" not in str(exc.value)

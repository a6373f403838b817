"""What the bills importer says to a person: plain words, no internal field names, no advice to
upload what is already loaded; the CLI's `estimated` flag means what the page's column means; a
CSV of month totals covers whole months."""

from __future__ import annotations

import json
import re

from tco.invoices import load_files
from tco.invoices.cli import main as cli_main
from tco.ui.bills import EXAMPLE_FILES, EXAMPLES_DIR

FIELD_NAME = re.compile(r"`|=True|=False|\b(cost_estimated|tokens_estimated|days_covered|usd_rate|growth_per_month)\b")


def _examples():
    return load_files([(n, (EXAMPLES_DIR / n).read_bytes()) for n in EXAMPLE_FILES])


def test_example_set_warnings_are_plain_words_and_name_the_months():
    r = _examples()
    assert r.warnings
    for w in r.warnings:
        assert not FIELD_NAME.search(w), w
        assert "upload the cost export" not in w  # the example set already holds October's cost export
    # the usage export covers 2025-05..2025-10, the cost export only October: five months estimated
    assert any("2025-05 to 2025-09 (5 months)" in w for w in r.warnings)
    assert not any("2025-10" in w for w in r.warnings)


def test_spend_only_warning_is_plain_words():
    # OpenAI's cost export alone: spend, no token counts
    r = load_files([("openai_cost.csv", (EXAMPLES_DIR / "openai_cost.csv").read_bytes())])
    assert all(not FIELD_NAME.search(w) for w in r.warnings), r.warnings
    # one month: no trend, said in words (not "growth_per_month set to 0.0")
    assert r.baseline["note"] == ("only 1 full month of data: a growth trend needs 3, so the baseline assumes "
                                  "no growth (0% a month)")


def test_cli_estimated_flag_agrees_with_the_page(tmp_path, capsys):
    paths = [str(EXAMPLES_DIR / n) for n in EXAMPLE_FILES]
    assert cli_main(paths + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    page = _examples().months
    # the page's "Estimated" column is set when the tokens or the cost were estimated
    shown = list((page["estimated"] | page["cost_estimated"]).astype(bool))
    assert [m["estimated"] for m in out["months"]] == shown
    assert [m["cost_estimated"] for m in out["months"]] == list(page["cost_estimated"].astype(bool))
    # by hand: May..September have usage but no cost (10 rows of 2 models), October has both
    assert shown == [True] * 10 + [False] * 2
    assert not any(FIELD_NAME.search(w) for w in out["warnings"])


MONTHLY = """date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd
2025-01-01,openai,gpt-4o-mini,1000000000,0,250000000,300.0
2025-02-01,openai,gpt-4o-mini,1100000000,0,260000000,321.0
2025-03-01,openai,gpt-4o-mini,1200000000,0,270000000,342.0
"""


def test_a_csv_of_month_totals_covers_whole_months():
    r = load_files([("monthly.csv", MONTHLY.encode())])
    m = r.months.set_index("month")
    # January 31 days, February 28 (2025), March 31: each row is its whole month, not one day
    assert list(m["days_covered"]) == [31.0, 28.0, 31.0] == list(m["days_in_month"])
    assert not any("partial" in w for w in r.warnings)
    assert r.baseline and r.baseline["months_covered"] == 3


def test_a_daily_csv_stays_daily():
    daily = MONTHLY.replace("2025-02-01", "2025-02-14")
    r = load_files([("daily.csv", daily.encode())])
    m = r.months.set_index("month")
    assert m.loc["2025-02", "days_covered"] == 1.0  # one day of February

"""OpenAI exports; expected totals computed by hand from the rows in each fixture."""

import json

import pytest

from helpers import load, month_row, parse
from tco.invoices import InvoiceError

USAGE_HEADER = ("start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,"
                "model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,"
                "input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
                "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,"
                "output_image_tokens")
# rows 1-2 as in the reference (row 1 from a real export), an empty bucket, and a second gpt-4o day
USAGE = "\n".join([
    USAGE_HEADER,
    "1759622400,1759708800,2025-10-05T00:00:00+00:00,2025-10-06T00:00:00+00:00,proj_Example0001,10.0,user-Example0001,"
    "key_Example0001,gpt-4o-2024-08-06,False,default,59200.0,10646.0,5760.0,53440.0,53440.0,10646.0,5760.0,0.0,0.0,0.0,0.0,0.0,0.0",
    "1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00,proj_Ab12Cd34,2000.0,,key_Zx9Yw8Vu,"
    "gpt-4o-mini-2024-07-18,True,default,1843200.0,221940.0,614400.0,1228800.0,1228800.0,221940.0,614400.0,0.0,0.0,0.0,0.0,0.0,0.0",
    "1762041600,1762128000,2025-11-02T00:00:00+00:00,2025-11-03T00:00:00+00:00,,,,,,,,,,,,,,,,,,,,",
    "1759708800,1759795200,2025-10-06T00:00:00+00:00,2025-10-07T00:00:00+00:00,proj_Example0001,5.0,user-Example0001,"
    "key_Example0001,gpt-4o-2024-08-06,FALSE,default,10000.0,2000.0,1000.0,9000.0,9000.0,2000.0,1000.0,0.0,0.0,0.0,0.0,0.0,0.0",
]) + "\n"

COST17 = """start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,quantity_unit,line_item,user_id,api_key_id,project_id,organization_id,project_name,organization_name,user_email,api_source
1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00,0.184320000000000000000000000000,usd,1228800,tokens,"gpt-4o-mini-2024-07-18, input",,,proj_Ab12Cd34,org-Qw3Er4Ty,Support Bot,Acme Inc,,
1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00,0.046080000000000000000000000000,usd,614400,tokens,"gpt-4o-mini-2024-07-18, cached input",,,proj_Ab12Cd34,org-Qw3Er4Ty,Support Bot,Acme Inc,,
1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00,0.066582000000000000000000000000,usd,221940,tokens,"gpt-4o-mini-2024-07-18, output",,,proj_Ab12Cd34,org-Qw3Er4Ty,Support Bot,Acme Inc,,
1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00,0.036000000000000000000000000000,usd,6.0,duration_seconds,whisper,,,proj_Ab12Cd34,org-Qw3Er4Ty,Support Bot,Acme Inc,,
"""

COST10 = """start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name
1759622400,1759708800,2025-10-05T00:00:00+00:00,2025-10-06T00:00:00+00:00,0.8958740000000000,usd,,,org-Example0001,Personal
1759968000,1760054400,2025-10-09T00:00:00+00:00,2025-10-10T00:00:00+00:00,,,,,,
1760054400,1760140800,2025-10-10T00:00:00+00:00,2025-10-11T00:00:00+00:00,1.1041260000000000,usd,,,org-Example0001,Personal
"""


def test_usage_csv_monthly_totals_by_hand():
    result = load(("completions_usage.csv", USAGE))
    assert result.files[0].format == "openai_usage_csv"
    assert result.rejected_rows == []  # the empty bucket is skipped silently
    oct_4o = month_row(result, "2025-10", "openai", "gpt-4o")
    # input excludes cached: (59200 - 5760) + (10000 - 1000) = 53440 + 9000 = 62440
    assert oct_4o["input_tokens"] == 62440
    assert oct_4o["cached_input_tokens"] == 5760 + 1000
    assert oct_4o["output_tokens"] == 10646 + 2000
    assert oct_4o["requests"] == 15
    # no cost file: cost at gpt-4o list price (2.50 / 1.25 / 10.00 USD per 1M)
    # 62440*2.5e-6 + 6760*1.25e-6 + 12646*10e-6 = 0.1561 + 0.00845 + 0.12646 = 0.29101
    assert oct_4o["cost_usd"] == pytest.approx(0.29101)
    assert bool(oct_4o["cost_estimated"]) and not bool(oct_4o["estimated"])
    nov = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert nov["input_tokens"] == 1843200 - 614400 == 1228800
    # batch row: half of list (0.15 / 0.075 / 0.60 per 1M):
    # (1228800*0.15 + 614400*0.075 + 221940*0.6)/1e6/2 = (0.18432 + 0.04608 + 0.133164)/2 = 0.181782
    assert nov["cost_usd"] == pytest.approx(0.181782)


def test_empty_export_with_only_time_columns():
    parsed = parse("completions_usage_empty.csv", "start_time,end_time,start_time_iso,end_time_iso\n"
                   "1762041600,1762128000,2025-11-02T00:00:00+00:00,2025-11-03T00:00:00+00:00\n")
    assert parsed.format == "openai_usage_csv" and len(parsed.rows) == 0 and parsed.rejected == []


def test_usage_and_cost_exports_are_complementary():
    # November gpt-4o-mini: tokens from the usage export, cost from the cost export, nothing twice
    result = load(("completions_usage.csv", USAGE), ("cost.csv", COST17))
    nov = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert nov["input_tokens"] == 1228800 and nov["output_tokens"] == 221940  # not doubled by the quantities
    # cost = 0.18432 + 0.04608 + 0.066582 = 0.296982 (the real bill, not the batch estimate)
    assert nov["cost_usd"] == pytest.approx(0.296982)
    assert not bool(nov["estimated"]) and not bool(nov["cost_estimated"])
    whisper = month_row(result, "2025-11", "openai", "whisper")
    assert whisper["cost_usd"] == pytest.approx(0.036)
    assert whisper[["input_tokens", "output_tokens"]].sum() == 0


def test_cost17_alone_uses_its_quantities():
    result = load(("cost.csv", COST17))
    nov = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert (nov["input_tokens"], nov["cached_input_tokens"], nov["output_tokens"]) == (1228800, 614400, 221940)
    assert not bool(nov["estimated"])


def test_cost10_spend_without_model_is_shared_across_usage_models():
    # October: usage names gpt-4o only; the ungrouped cost export says 0.895874 + 1.104126 = 2.00 USD
    result = load(("completions_usage.csv", USAGE), ("cost_10col.csv", COST10))
    oct_4o = month_row(result, "2025-10", "openai", "gpt-4o")
    assert oct_4o["cost_usd"] == pytest.approx(2.0)
    assert oct_4o["input_tokens"] == 62440
    assert not (result.months["model"] == "").any()


def test_cost10_alone_is_spend_only_with_a_warning():
    result = load(("cost_10col.csv", COST10))
    parsed = result.files[0]
    assert parsed.format == "openai_cost_csv" and parsed.spend_only
    row = month_row(result, "2025-10", "openai", "")
    assert row["cost_usd"] == pytest.approx(2.0)
    assert any("no list price" in w or "no model" in w for w in result.warnings)


USAGE_API = {"object": "page", "data": [
    {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [
        {"object": "organization.usage.completions.result", "input_tokens": 1000, "output_tokens": 500,
         "input_cached_tokens": 800, "input_audio_tokens": 0, "output_audio_tokens": 0, "num_model_requests": 5,
         "project_id": None, "user_id": None, "api_key_id": None, "model": "gpt-4o-mini-2024-07-18", "batch": None,
         "service_tier": None}]},
    {"object": "bucket", "start_time": 1730505600, "end_time": 1730592000, "results": []}],
    "has_more": False, "next_page": None}
COST_API = {"object": "page", "data": [
    {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [
        {"object": "organization.costs.result", "amount": {"value": 0.06, "currency": "usd"},
         "line_item": None, "project_id": None, "api_key_id": None, "quantity": None}]}],
    "has_more": False, "next_page": None}


def test_usage_api_json_page_and_list_of_pages():
    one = load(("usage.json", json.dumps(USAGE_API)))
    two = load(("usage_pages.json", json.dumps([USAGE_API, USAGE_API])))  # the same page twice
    for result in (one, two):
        row = month_row(result, "2024-11", "openai", "gpt-4o-mini")
        assert row["input_tokens"] == 1000 - 800 == 200
        assert row["cached_input_tokens"] == 800 and row["output_tokens"] == 500 and row["requests"] == 5
    assert two.duplicates_dropped == 1


def test_costs_api_amount_is_dollars_not_cents():
    result = load(("costs.json", json.dumps(COST_API)))
    assert result.files[0].format == "openai_cost_json"
    assert month_row(result, "2024-11", "openai", "")["cost_usd"] == pytest.approx(0.06)


def test_bad_number_is_rejected_with_line_and_column():
    bad = USAGE.replace(",59200.0,", ",n/a,")
    parsed = parse("completions_usage.csv", bad)
    assert parsed.rejected == [(2, "line 2: column `input_tokens` holds 'n/a'; expected a number")]
    assert len(parsed.rows) == 2


def test_negative_token_count_is_rejected():
    parsed = parse("completions_usage.csv", USAGE.replace(",10646.0,", ",-10646.0,", 1))
    assert parsed.rejected[0][0] == 2 and "cannot be negative" in parsed.rejected[0][1]


def test_negative_cost_line_is_a_credit():
    text = COST17 + ('1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00,-0.05,usd,,,'
                     '"gpt-4o-mini-2024-07-18, input",,,proj_Ab12Cd34,org-Qw3Er4Ty,Support Bot,Acme Inc,,\n')
    result = load(("cost.csv", text))
    nov = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert nov["credits_usd"] == pytest.approx(-0.05)
    # net = 0.296982 - 0.05
    assert nov["cost_usd"] == pytest.approx(0.246982)


def test_unknown_file_lists_supported_formats_and_template():
    with pytest.raises(InvoiceError) as err:
        parse("mystery.csv", "foo,bar\n1,2\n")
    message = str(err.value)
    assert "mystery.csv" in message and "OpenAI dashboard usage export" in message
    assert "generic_template.csv" in message and "date,provider,model,input_tokens" in message


def test_a_usage_page_whose_results_are_not_records_is_no_export_we_know():
    """Empty buckets are an OpenAI usage export with nothing in it; buckets whose results are not
    records (a string here) are not an OpenAI export at all: the file is refused with the list of
    formats, not read as an empty usage export."""
    bucket = {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600}
    empty = {"object": "page", "data": [{**bucket, "results": []}], "has_more": False}
    odd = {"object": "page", "data": [{**bucket, "results": ["x"]}], "has_more": False}
    ok = load(("usage.json", json.dumps(empty)))
    assert [f.format for f in ok.files] == ["openai_usage_json"] and ok.errors == []
    refused = load(("usage.json", json.dumps(odd)))
    assert refused.files == [] and "not a usage or cost export we know" in refused.errors[0][1]


def test_cost_lines_differing_in_project_or_user_all_count_and_paid_by_class():
    """The same line item on the same day for two projects and for two users is four lines of
    spend, none a duplicate; every line names its class, so what each class cost is known:
    input 2 x 0.18432 + 0.1 + 0.2 = $0.66864, output $0.066582."""
    head = COST17.splitlines()[0]
    day = "1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00"
    rows = [f'{day},0.18432,usd,1228800,tokens,"gpt-4o-mini-2024-07-18, input",,,proj_A,org-1,,,,',
            f'{day},0.18432,usd,1228800,tokens,"gpt-4o-mini-2024-07-18, input",,,proj_B,org-1,,,,',
            f'{day},0.1,usd,666667,tokens,"gpt-4o-mini-2024-07-18, input",user-1,,proj_A,org-1,,,,',
            f'{day},0.2,usd,1333333,tokens,"gpt-4o-mini-2024-07-18, input",user-2,,proj_A,org-1,,,,',
            f'{day},0.066582,usd,221940,tokens,"gpt-4o-mini-2024-07-18, output",,,proj_A,org-1,,,,']
    result = load(("cost.csv", "\n".join([head, *rows]) + "\n"))
    assert result.duplicates_dropped == 0
    row = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert row["input_tokens"] == 1228800 * 2 + 666667 + 1333333
    assert row["paid_input_usd"] == pytest.approx(0.66864) and row["paid_output_usd"] == pytest.approx(0.066582)


def test_a_costs_api_result_without_its_object_name_is_still_a_cost_report():
    doc = json.loads(json.dumps(COST_API))
    del doc["data"][0]["results"][0]["object"]
    result = load(("costs.json", json.dumps(doc)))
    assert result.files[0].format == "openai_cost_json"
    assert month_row(result, "2024-11", "openai", "")["cost_usd"] == pytest.approx(0.06)


def test_a_negative_input_count_in_the_usage_csv_is_rejected():
    parsed = parse("completions_usage.csv", USAGE.replace(",59200.0,", ",-59200.0,", 1))
    assert parsed.rejected == [(2, "line 2: column `input_tokens` holds '-59200.0'; a token or request count cannot be negative")]


def test_a_costs_api_line_with_a_quantity_and_no_unit_counts_tokens():
    """The Costs API gives a token line's quantity without a unit: 1,000,000 tokens of gpt-4o-mini
    input for $0.15 are those tokens, not an estimate from the spend."""
    doc = {"object": "page", "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [
        {"object": "organization.costs.result", "amount": {"value": 0.15, "currency": "usd"},
         "line_item": "gpt-4o-mini-2024-07-18, input", "project_id": None, "quantity": 1000000}]}], "has_more": False}
    row = month_row(load(("costs.json", json.dumps(doc))), "2024-11", "openai", "gpt-4o-mini")
    assert row["input_tokens"] == 1_000_000 and not bool(row["estimated"]) and row["cost_usd"] == pytest.approx(0.15)


def test_usage_rows_need_an_output_count_and_cost_lines_of_two_organisations_both_count():
    blank = USAGE.replace(",59200.0,10646.0,", ",59200.0,,", 1)
    parsed = parse("completions_usage.csv", blank)
    assert [x[0] for x in parsed.rejected] == [2] and "output_tokens" in parsed.rejected[0][1]
    head = COST17.splitlines()[0]
    day = "1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00"
    rows = [f'{day},0.18432,usd,1228800,tokens,"gpt-4o-mini-2024-07-18, input",,,proj_A,org-{o},,,,' for o in (1, 2)]
    result = load(("cost.csv", "\n".join([head, *rows]) + "\n"))
    assert result.duplicates_dropped == 0
    assert month_row(result, "2025-11", "openai", "gpt-4o-mini")["input_tokens"] == 2 * 1228800


def test_spend_without_a_model_in_two_months_goes_to_each_months_models():
    """The ungrouped cost export with spend in October ($2.00) and November ($0.50): each month's
    spend goes to that month's usage models (gpt-4o in October, gpt-4o-mini in November) and no
    row without a model is left."""
    nov = "1761955200,1762041600,2025-11-01T00:00:00+00:00,2025-11-02T00:00:00+00:00,0.5,usd,,,org-Example0001,Personal\n"
    result = load(("completions_usage.csv", USAGE), ("cost_10col.csv", COST10 + nov))
    assert month_row(result, "2025-10", "openai", "gpt-4o")["cost_usd"] == pytest.approx(2.0)
    assert month_row(result, "2025-11", "openai", "gpt-4o-mini")["cost_usd"] == pytest.approx(0.5)
    assert not (result.months["model"] == "").any()

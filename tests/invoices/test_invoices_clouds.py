"""AWS, Azure, Google Cloud, OpenRouter and LiteLLM exports; totals computed by hand."""

import pytest

from helpers import load, month_row, parse

CUR2 = """identity_line_item_id,line_item_usage_start_date,line_item_line_item_type,line_item_product_code,line_item_usage_type,line_item_operation,line_item_usage_amount,pricing_unit,line_item_currency_code,line_item_unblended_rate,line_item_unblended_cost,line_item_iam_principal
li-0001,2025-11-01T00:00:00Z,Usage,AmazonBedrockService,USE1-Claude4.6Sonnet-input-tokens,InvokeModel,12345.678,1K tokens,USD,0.003,37.037034,arn:aws:iam::111122223333:role/ChatApp
li-0002,2025-11-01T00:00:00Z,Usage,AmazonBedrockService,USE1-Claude4.6Sonnet-output-tokens,InvokeModel,1234.567,1K tokens,USD,0.015,18.518505,arn:aws:iam::111122223333:role/ChatApp
li-0003,2025-11-01T00:00:00Z,Usage,AmazonBedrockService,USE1-Claude4.6Sonnet-cache-read-input-token-count,InvokeModel,40000,1K tokens,USD,0.0003,12.0,arn:aws:iam::111122223333:role/ChatApp
li-0004,2025-11-01T00:00:00Z,Usage,AmazonBedrock,USE1-NovaLite-input-tokens,Converse,5000,1K tokens,USD,0.00006,0.30,arn:aws:iam::111122223333:user/alice
li-0005,2025-11-01T00:00:00Z,Credit,AmazonBedrockService,USE1-Claude4.6Sonnet-input-tokens,InvokeModel,0,1K tokens,USD,,-25.00,
li-0006,2025-11-01T00:00:00Z,Tax,AmazonBedrockService,USE1-Claude4.6Sonnet-input-tokens,InvokeModel,0,,USD,,5.00,
li-0007,2025-11-01T00:00:00Z,Usage,AmazonBedrockFoundationModels,USE1-MP:USE1_InputTokenCount-Units,InvokeModel,2,1M tokens,USD,,6.00,
li-0008,2025-11-01T00:00:00Z,Usage,AmazonEC2,USE1-BoxUsage:m7i.large,RunInstances,24,Hrs,USD,0.1,2.4,
"""
SONNET = "regional.anthropic.claude-sonnet-4-6-v1:0"


def test_cur2_tokens_from_units_and_credits_apart():
    result = load(("cur.csv", CUR2))
    assert result.files[0].format == "aws_cur_csv"
    row = month_row(result, "2025-11", "aws", SONNET)
    assert row["input_tokens"] == pytest.approx(12345.678 * 1000)     # 1K tokens -> 12,345,678
    assert row["output_tokens"] == pytest.approx(1234.567 * 1000)
    assert row["cached_input_tokens"] == pytest.approx(40000 * 1000)
    assert row["credits_usd"] == -25 and row["tax_usd"] == 5
    # net = 37.037034 + 18.518505 + 12.0 - 25 = 42.555539 (tax apart)
    assert row["cost_usd"] == pytest.approx(42.555539)
    nova = month_row(result, "2025-11", "aws", "amazon.nova-lite-v1:0")
    assert nova["input_tokens"] == 5_000_000 and nova["cost_usd"] == pytest.approx(0.30)
    assert any("other AWS services" in w for w in result.warnings)


def test_cur1_headers_and_ambiguous_units_checked_by_price():
    # Nova Lite input list price 0.06 USD/1M; 0.30 USD for 5 "Units" implies 1M tokens per unit
    text = ("lineItem/UsageStartDate,lineItem/LineItemType,lineItem/ProductCode,lineItem/UsageType,"
            "lineItem/UsageAmount,pricing/unit,lineItem/UnblendedCost,lineItem/CurrencyCode\n"
            "2025-11-01T00:00:00Z,Usage,AmazonBedrock,USE1-NovaLite-input-tokens,5,Units,0.30,USD\n")
    result = load(("cur1.csv", text))
    row = month_row(result, "2025-11", "aws", "amazon.nova-lite-v1:0")
    assert row["input_tokens"] == pytest.approx(5e6)
    assert any("read as 1e+06 tokens per unit" in w for w in result.warnings)


def test_cost_explorer_drops_total_row_and_estimates():
    text = ('Usage type,USE1-Claude4.6Sonnet-input-tokens($),USE1-Claude4.6Sonnet-output-tokens($),Total costs($)\n'
            'Usage type total,72.14,36.42,108.56\n2025-11-01,37.04,18.52,55.56\n2025-11-02,35.10,17.90,53.00\n')
    result = load(("ce.csv", text))
    assert result.files[0].spend_only
    row = month_row(result, "2025-11", "aws", SONNET)
    assert row["cost_usd"] == pytest.approx(37.04 + 18.52 + 35.10 + 17.90)   # 108.56, total row not added
    # regional Sonnet 4.6: 3.30 in / 16.50 out per 1M -> 72.14/3.3e-6 = 21,860,606 in
    assert row["input_tokens"] == pytest.approx(72.14 / 3.3e-6)
    assert row["output_tokens"] == pytest.approx(36.42 / 16.5e-6)
    assert bool(row["estimated"])


AZURE = ("\ufeffdate,consumedService,meterName,meterCategory,meterSubCategory,meterRegion,effectivePrice,quantity,"
         "unitOfMeasure,chargeType,billingCurrency,costInBillingCurrency,costInUsd,pricingModel\r\n"
         "11/01/2025,Microsoft.CognitiveServices,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,Global,0.0025,18432.5,1K,Usage,EUR,40.0,46.08125,OnDemand\r\n"
         "11/01/2025,Microsoft.CognitiveServices,gpt-4o-0806-Outp-glbl Tokens,Cognitive Services,Azure OpenAI,Global,0.01,2210.75,1K,Usage,EUR,20.0,22.1075,OnDemand\r\n"
         "2025-11-02,Microsoft.CognitiveServices,GPT 5 Inpt Glbl Tokens,Cognitive Services,Azure OpenAI GPT5,Global,1.25,3.2,1M,Usage,EUR,3.5,4.00,OnDemand\r\n"
         "11/02/2025,Microsoft.CognitiveServices,gpt 4.1 mini cached Inp glbl Tokens,Cognitive Services,Azure OpenAI,Global,0.1,2,1M,Usage,EUR,0.18,0.2,OnDemand\r\n"
         "11/02/2025,Microsoft.Compute,D2s v3,Virtual Machines,Dv3,US East,0.1,24,1 Hour,Usage,EUR,2.0,2.3,OnDemand\r\n")


def test_azure_units_meters_and_usd_column():
    result = load(("azure.csv", AZURE))
    assert result.files[0].format == "azure_cost_details_csv"
    gpt4o = month_row(result, "2025-11", "azure", "gpt-4o")
    assert gpt4o["input_tokens"] == pytest.approx(18432.5 * 1e3)   # 1K meter
    assert gpt4o["output_tokens"] == pytest.approx(2210.75 * 1e3)
    assert gpt4o["currency"] == "EUR" and gpt4o["cost_usd"] == pytest.approx(46.08125 + 22.1075)
    gpt5 = month_row(result, "2025-11", "azure", "gpt-5")
    assert gpt5["input_tokens"] == pytest.approx(3.2e6)             # 1M meter
    mini = month_row(result, "2025-11", "azure", "gpt-4.1-mini")
    assert mini["cached_input_tokens"] == pytest.approx(2e6) and mini["input_tokens"] == 0


GCP = """billing_account_id,service.id,service.description,sku.description,usage_start_time,usage_end_time,project.id,cost,currency,usage.amount,usage.unit,credits,invoice.month,cost_type
01A2B3-C4D5E6-F7A8B9,AEFD-7695-64FA,Gemini API,Generate content input token count gemini 2.5 flash short input text,2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,acme-prod,0.59519,USD,1983966,count,[],202511,regular
01A2B3-C4D5E6-F7A8B9,AEFD-7695-64FA,Gemini API,Generate content output token count gemini 2.5 flash short input text,2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,acme-prod,1.1532,USD,461280,count,"[{""name"":""FreeTier"",""amount"":-0.2,""type"":""FREE_TIER""}]",202511,regular
01A2B3-C4D5E6-F7A8B9,C7E2-9256-1C43,Vertex AI,Gemini 2.5 Pro Thinking Text Output - Predictions,2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,acme-ml,2.5,USD,250000,count,[],202511,regular
01A2B3-C4D5E6-F7A8B9,AEFD-7695-64FA,Gemini API,Generate content input token count gemini 2.5 flash short input text,2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,acme-prod,0.10,USD,,,[],202511,tax
"""


def test_gcp_billing_export_net_of_credits_tax_apart():
    result = load(("billing.csv", GCP))
    flash = month_row(result, "2025-11", "google", "gemini-2.5-flash")
    assert flash["input_tokens"] == 1983966 and flash["output_tokens"] == 461280
    assert flash["credits_usd"] == pytest.approx(-0.2) and flash["tax_usd"] == pytest.approx(0.10)
    # net = 0.59519 + 1.1532 - 0.2 = 1.54839
    assert flash["cost_usd"] == pytest.approx(1.54839)
    pro = month_row(result, "2025-11", "google", "gemini-2.5-pro")
    # not a "token count" SKU: tokens estimated, 2.5 USD / 10 USD per 1M output = 250,000
    assert bool(pro["estimated"]) and pro["output_tokens"] == pytest.approx(250_000)


def test_gcp_console_report_summary_rows_and_thousands():
    text = ("Date,Service description,Service ID,SKU description,SKU ID,Usage amount,Usage unit,List cost ($),"
            "Negotiated savings ($),Savings programmes ($),Other savings ($),Unrounded subtotal ($),Subtotal ($)\n"
            "2025-11-03,Gemini API,AEFD-7695-64FA,Generate content input token count gemini 2.5 flash text,2156-A528-227F,"
            "\"1,983,966\",count,0.60,0.00,0.00,0.00,0.595190,0.60\n"
            "2025-11-03,Gemini API,AEFD-7695-64FA,Generate content output token count gemini 2.5 flash text,2156-A528-227F,"
            "\"461,280\",count,1.15,0.00,0.00,0.00,1.153200,1.15\n"
            ",,,,,,,,,Subtotal,1.748390,1.75\n,,,,,,,,,Filtered total,1.748390,1.75\n")
    result = load(("report.csv", text))
    assert result.rejected_rows == []
    row = month_row(result, "2025-11", "google", "gemini-2.5-flash")
    assert row["input_tokens"] == 1983966 and row["output_tokens"] == 461280
    assert row["cost_usd"] == pytest.approx(0.595190 + 1.153200)   # 1.74839, summary rows dropped


OPENROUTER = """generation_id,created_at,cost_total,cost_web_search,cost_cache,cost_file_processing,byok_usage_inference,tokens_prompt,tokens_completion,tokens_reasoning,tokens_cached,model_permaslug,provider_name,variant,cancelled,streamed,user,finish_reason_raw,finish_reason_normalized,generation_time_ms,time_to_first_token_ms,api_key_disabled,api_key_name,app_name
gen-1,2025-11-03 12:00:34.512,0.00588,0,0,0,0,1205,151,0,200,anthropic/claude-4.5-sonnet-20250929,Anthropic,standard,false,true,,end_turn,stop,2830,612,false,prod-key,MyApp
gen-2,2025-11-03 12:01:41.090,0.001704,0,0,0,0,8800,640,0,0,openai/gpt-4o-mini-2024-07-18,OpenAI,standard,false,false,user_42,stop,stop,1210,0,false,prod-key,MyApp
gen-3,2025-11-03 12:02:57.004,0,0,0,0,0.0123,4100,2200,1024,0,google/gemini-2.5-pro,Google,standard,false,true,,STOP,stop,9120,1500,false,byok-key,MyApp
"""


def test_openrouter_byok_and_cached():
    result = load(("or.csv", OPENROUTER))
    sonnet = month_row(result, "2025-11", "openrouter", "anthropic/claude-sonnet-4.5")
    assert sonnet["input_tokens"] == 1205 - 200 and sonnet["cached_input_tokens"] == 200
    gemini = month_row(result, "2025-11", "openrouter", "google/gemini-2.5-pro")
    assert gemini["cost_usd"] == pytest.approx(0.0123)      # BYOK: cost from byok_usage_inference
    assert result.months["cost_usd"].sum() == pytest.approx(0.00588 + 0.001704 + 0.0123)


def test_openrouter_older_export_without_tokens_cached():
    lines = OPENROUTER.splitlines()
    header = lines[0].split(",")
    i = header.index("tokens_cached")
    old = "\n".join(",".join(c for j, c in enumerate(line.split(",")) if j != i) for line in lines) + "\n"
    parsed = parse("old.csv", old)
    assert parsed.format == "openrouter_activity_csv" and parsed.rows["input_tokens"].sum() == 1205 + 8800 + 4100


def test_litellm_spend_logs():
    text = ("request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,"
            "custom_llm_provider,status\n"
            "r1,acompletion,hash,0.01,1500,1000,500,2025-11-03 10:00:00,2025-11-03 10:00:02,gpt-4o-mini,openai,success\n"
            "r2,acompletion,hash,0.02,3000,2000,1000,2025-11-04 10:00:00,2025-11-04 10:00:02,gpt-4o-mini,openai,success\n"
            "r2,acompletion,hash,0.02,3000,2000,1000,2025-11-04 10:00:00,2025-11-04 10:00:02,gpt-4o-mini,openai,success\n")
    result = load(("spendlogs.csv", text))
    row = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert row["input_tokens"] == 3000 and row["output_tokens"] == 1500 and row["cost_usd"] == pytest.approx(0.03)
    assert result.duplicates_dropped == 1   # r2 repeated


def test_litellm_daily_spend_by_hand():
    """LiteLLM's daily spend table (LiteLLM_DailyUserSpend export): prompt tokens include the cache
    reads and writes, so uncached input = prompt − read − write; spend is USD; the row's own id and
    timestamps are not part of its identity (the same day exported twice counts once)."""
    header = ("id,date,model,custom_llm_provider,spend,prompt_tokens,completion_tokens,"
              "cache_read_input_tokens,cache_creation_input_tokens,api_requests,created_at,updated_at\n")
    text = header + (
        "a1,2025-11-03,gpt-4o-mini,openai,1.50,10000,2000,3000,500,40,2025-11-04T00:00:00,2025-11-04T00:00:00\n"
        "a2,2025-11-04,bedrock/anthropic.claude-3-5-haiku-20241022-v1:0,bedrock,0.80,4000,1000,0,0,10,x,y\n"
        "b9,2025-11-03,gpt-4o-mini,openai,1.50,10000,2000,3000,500,40,2025-11-05T09:00:00,2025-11-05T09:00:00\n"
        "a3,2025-11-05,gpt-4o-mini,openai,0.25,-5,100,0,0,1,x,y\n"           # negative tokens: rejected
        "a4,2025-11-05,gpt-4o-mini,openai,,100,100,0,0,1,x,y\n"              # no spend: rejected
        "a5,2025-11-05,gpt-4o-mini,openai,0.10,,100,0,0,1,x,y\n")            # no prompt tokens: rejected
    result = load(("daily.csv", text))
    assert result.files[0].format == "litellm_daily_csv"
    row = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    # the two exports of 2025-11-03 (ids a1 and b9) are one row: 10,000 − 3,000 − 500 = 6,500 uncached
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"], row["output_tokens"]) == \
        (6500, 3000, 500, 2000)
    assert row["requests"] == 40 and row["cost_usd"] == pytest.approx(1.50)
    assert result.duplicates_dropped == 1
    # the route prefix is dropped and the Bedrock id made canonical (a regional id, as CUR names it)
    haiku = month_row(result, "2025-11", "aws", "regional.anthropic.claude-3-5-haiku-20241022-v1:0")
    assert (haiku["input_tokens"], haiku["output_tokens"], haiku["cost_usd"]) == (4000, 1000, pytest.approx(0.80))
    assert haiku["days_covered"] == 1.0            # one day bucket, 2025-11-04
    lines = sorted(r["line"] for r in result.rejected_rows)
    assert lines == [5, 6, 7], result.rejected_rows
    parsed = result.files[0]
    assert set(parsed.rows["model_raw"]) == {"gpt-4o-mini", "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0"}


AZURE_USD = ("date,meterName,meterCategory,meterSubCategory,quantity,unitOfMeasure,chargeType,billingCurrency,"
             "costInBillingCurrency,costInUsd,ResourceId\r\n"
             # two deployments of one meter on one day: two resources, both count
             "2025-11-03,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,1000,1K,Usage,USD,2.5,,/sub/a/eastus\r\n"
             "2025-11-03,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,1000,1K,Usage,USD,2.5,,/sub/a/westus\r\n"
             "2025-11-03,gpt-4o-0806-Outp-glbl Tokens,Cognitive Services,Azure OpenAI,100,1K,Usage,,1.0,,/sub/a/eastus\r\n"
             "2025-11-03,gpt-4o-0806-Outp-glbl Tokens,Cognitive Services,Azure OpenAI,0,1K,Tax,USD,0.4,,/sub/a/eastus\r\n"
             "2025-11-04,Provisioned Managed Unit,Cognitive Services,Azure OpenAI,24,1 Hour,Usage,USD,0.0,,/sub/a/eastus\r\n")


def test_azure_usd_billing_without_a_usd_column_by_hand():
    """Billed in USD (one row's currency left blank, which Azure means as the billing currency USD)
    and no costInUsd: amounts are USD as they are. Input 2 x 1,000 x 1K = 2M tokens for $5.00, output
    100 x 1K = 100k tokens for $1.00, a tax line of $0.40 kept apart, a zero-cost non-token meter."""
    result = load(("azure.csv", AZURE_USD))
    row = month_row(result, "2025-11", "azure", "gpt-4o")
    assert row["input_tokens"] == 2_000_000 and row["output_tokens"] == 100_000
    assert row["currency"] == "USD" and row["cost_usd"] == pytest.approx(6.0) and row["tax_usd"] == pytest.approx(0.4)
    # every charged line names its class: what each class cost
    assert row["paid_input_usd"] == pytest.approx(5.0) and row["paid_output_usd"] == pytest.approx(1.0)
    assert not any("billing currency" in w for w in result.warnings)


def test_azure_usd_rate_from_the_files_own_usd_column():
    """EUR billing with costInUsd: each row's rate is costInUsd / costInBillingCurrency, also for a
    row of exactly 1 EUR; a zero-cost row has no rate to read and needs none: 0 EUR is $0 (it made
    the whole input cost unknown, $3.30 shown for $4.40, before)."""
    text = ("date,meterName,meterCategory,meterSubCategory,quantity,unitOfMeasure,chargeType,billingCurrency,"
            "costInBillingCurrency,costInUsd\r\n"
            "2025-11-03,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,400,1K,Usage,EUR,1.0,1.1\r\n"
            "2025-11-04,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,0,1K,Usage,EUR,0.0,0.0\r\n"
            "2025-11-03,gpt-4o-0806-Outp-glbl Tokens,Cognitive Services,Azure OpenAI,10,1K,Usage,EUR,3.0,3.3\r\n")
    result = load(("azure.csv", text))
    assert result.warnings == []        # the free line needs no rate: nothing is unconverted
    row = month_row(result, "2025-11", "azure", "gpt-4o")
    assert row["currency"] == "EUR" and row["cost"] == pytest.approx(4.0) and row["cost_usd"] == pytest.approx(4.4)
    assert row["paid_input_usd"] == pytest.approx(1.1) and row["paid_output_usd"] == pytest.approx(3.3)


def test_azure_meter_words():
    from tco.invoices.azure import read_meter
    assert read_meter("gpt-4o-0806-Inp-glbl Tokens") == ("gpt-4o-2024-08-06", "input", False)
    assert read_meter("gpt-4o-mini-0718-Batch-Outp-glbl Tokens") == ("gpt-4o-mini-2024-07-18", "output", True)
    assert read_meter("gpt 4.1 mini cached Inp glbl Tokens") == ("gpt-4.1-mini", "cached_input", False)
    # not a token meter (no "tokens" word): "other", never batch
    assert read_meter("Provisioned Managed Unit Batch") == ("provisioned-managed-unit-batch", "other", False)


def test_cost_explorer_by_month_marketplace_columns_and_credits():
    """A Cost Explorer export grouped by month (two rows dated the 1st): each row is its whole
    month. A marketplace model's column ("... (Amazon Bedrock Edition)") names its model; the bare
    "Amazon Bedrock" column names none. A negative cell is a credit: cost $0, credits -$1.50, so the
    month's net is -$1.50."""
    text = ("Usage type,USE1-Claude4.6Sonnet-input-tokens($),Claude 3.5 Sonnet (Amazon Bedrock Edition)($),"
            "Amazon Bedrock($),Total costs($)\n"
            "2025-10-01,30.00,5.00,2.00,37.00\n2025-11-01,40.00,-1.50,3.00,41.50\n")
    result = load(("ce.csv", text))
    m = result.months
    assert (m["days_covered"] == m["days_in_month"]).all() and set(m["days_in_month"]) == {31.0, 30.0}
    assert set(m["model"]) == {"", "claude-3-5-sonnet", SONNET}
    oct_, nov = month_row(result, "2025-10", "aws", "claude-3-5-sonnet"), month_row(result, "2025-11", "aws", "claude-3-5-sonnet")
    assert oct_["cost_usd"] == pytest.approx(5.0) and oct_["credits_usd"] == 0.0
    # the column names no token class: its spend buys the assumed mix, 80% input at $3 and 20%
    # output at $15 per 1M: 5 / (0.8 x 3e-6 + 0.2 x 15e-6) = 925,926 tokens, 740,741 in, 185,185 out
    assert oct_["input_tokens"] == pytest.approx(0.8 * 5 / 5.4e-6) and oct_["output_tokens"] == pytest.approx(0.2 * 5 / 5.4e-6)
    assert nov["credits_usd"] == pytest.approx(-1.5) and nov["cost_usd"] == pytest.approx(-1.5)
    assert month_row(result, "2025-11", "aws", "")["cost_usd"] == pytest.approx(3.0)


GCP_REPORT_HEAD = ("Date,Service description,Service ID,SKU description,SKU ID,Usage amount,Usage unit,List cost ($),"
                   "Negotiated savings ($),Savings programmes ($),Other savings ($),Unrounded subtotal ($),Subtotal ($)\n")


def test_gcp_console_report_vertex_spend_and_batch_at_half_price():
    """Vertex AI rows name no token count: their tokens come from spend at Gemini 2.5 Pro's list
    price ($10 per 1M output), a batch SKU at half: 2.5 / 10e-6 + 1.25 / 5e-6 = 500,000 tokens."""
    text = GCP_REPORT_HEAD + (
        "2025-11-03,Vertex AI,C7E2-9256-1C43,Gemini 2.5 Pro Thinking Text Output - Predictions,X1,250000,count,2.5,0,0,0,2.5,2.5\n"
        "2025-11-04,Vertex AI,C7E2-9256-1C43,Gemini 2.5 Pro Batch Text Output - Predictions,X2,250000,count,1.25,0,0,0,1.25,1.25\n")
    row = month_row(load(("report.csv", text)), "2025-11", "google", "gemini-2.5-pro")
    assert bool(row["estimated"]) and row["cost_usd"] == pytest.approx(3.75)
    assert row["output_tokens"] == pytest.approx(500_000)


def test_gcp_console_report_with_no_rows_is_empty_not_an_error():
    parsed = parse("report.csv", GCP_REPORT_HEAD)
    assert parsed.format == "gcp_console_report_csv" and len(parsed.rows) == 0 and parsed.rejected == []


GCP_HEAD = ("billing_account_id,service.description,sku.description,usage_start_time,usage_end_time,cost,"
            "usage.amount,usage.unit,credits,cost_type")
FLASH_SKU = "Generate content input token count gemini 2.5 flash short input text"


def test_gcp_billing_export_one_credit_object_and_no_currency_column():
    """A credits cell holding one JSON object (not a list) is that one credit; with no currency
    column the amounts are USD."""
    text = (GCP_HEAD + f"\nA,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.30,1000000,count,"
            '"{""name"":""FreeTier"",""amount"":-0.1}",regular\n')
    result = load(("billing.csv", text))
    assert result.rejected_rows == []
    row = month_row(result, "2025-11", "google", "gemini-2.5-flash")
    assert row["currency"] == "USD" and row["input_tokens"] == 1_000_000
    assert row["credits_usd"] == pytest.approx(-0.1) and row["cost_usd"] == pytest.approx(0.2)   # 0.30 - 0.10


def test_gcp_billing_export_converts_with_its_own_rate():
    """``currency_conversion_rate`` is currency units per USD: 0.27 EUR at 0.9 EUR/USD = $0.30."""
    text = ("billing_account_id,service.description,sku.description,usage_start_time,usage_end_time,cost,currency,"
            "currency_conversion_rate,usage.amount,usage.unit,credits,cost_type\n"
            f"A,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.27,EUR,0.9,1000000,count,[],regular\n")
    result = load(("billing.csv", text))
    row = month_row(result, "2025-11", "google", "gemini-2.5-flash")
    assert row["currency"] == "EUR" and row["cost"] == pytest.approx(0.27) and row["cost_usd"] == pytest.approx(0.30)
    assert result.warnings == []


def test_litellm_spend_logs_count_requests_and_reject_rows_without_token_counts():
    """Each SpendLogs row is one request; a row with no prompt or completion count is rejected (not
    read as 0 tokens); a failed call is left out; a row with no provider is LiteLLM's own."""
    text = ("request_id,spend,prompt_tokens,completion_tokens,startTime,model,custom_llm_provider,status\n"
            "r1,0.01,1000,500,2025-11-03 10:00:00,gpt-4o-mini,openai,success\n"
            "r2,0.02,2000,1000,2025-11-04 10:00:00,gpt-4o-mini,openai,success\n"
            "r3,0.05,,500,2025-11-04 11:00:00,gpt-4o-mini,openai,success\n"
            "r4,0.05,500,,2025-11-04 12:00:00,gpt-4o-mini,openai,success\n"
            "r5,0.00,700,0,2025-11-04 13:00:00,gpt-4o-mini,openai,failure\n"
            "r6,0.03,300,100,2025-11-05 09:00:00,my-local-model,,success\n")
    result = load(("spendlogs.csv", text))
    row = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert (row["requests"], row["input_tokens"], row["output_tokens"]) == (2, 3000, 1500)
    assert row["cost_usd"] == pytest.approx(0.03)
    assert sorted(r["line"] for r in result.rejected_rows) == [4, 5]
    assert month_row(result, "2025-11", "litellm", "my-local-model")["input_tokens"] == 300


def test_litellm_daily_rejects_a_negative_or_missing_completion_count():
    header = "date,model,custom_llm_provider,spend,prompt_tokens,completion_tokens,api_requests\n"
    text = header + ("2025-11-03,gpt-4o-mini,openai,1.50,10000,2000,40\n"
                     "2025-11-04,gpt-4o-mini,openai,0.10,100,-5,1\n"
                     "2025-11-05,gpt-4o-mini,openai,0.10,100,,1\n")
    result = load(("daily.csv", text))
    row = month_row(result, "2025-11", "openai", "gpt-4o-mini")
    assert (row["input_tokens"], row["output_tokens"], row["requests"]) == (10000, 2000, 40)
    assert sorted(r["line"] for r in result.rejected_rows) == [3, 4]


def test_openrouter_one_request_per_generation_and_days_covered_from_midnight():
    """Each generation is one request; a generation's row runs from its time to the end of its UTC
    day (the bucket it is counted in): Sonnet's generation at 12:00:34.512 covers 11:59:25.488 of
    3 November."""
    result = load(("or.csv", OPENROUTER))
    assert result.months["requests"].sum() == 3
    sonnet = month_row(result, "2025-11", "openrouter", "anthropic/claude-sonnet-4.5")
    assert sonnet["days_covered"] == pytest.approx((86_400 - (12 * 3600 + 34.512)) / 86_400, rel=1e-9)


def test_gcp_sku_words():
    from tco.invoices.gcp import read_sku
    assert read_sku("Generate content output token count gemini 2.5 flash short input text") == \
        ("gemini 2.5 flash", "output", False, True)
    assert read_sku("Gemini 2.5 Pro Batch Text Output - Predictions") == ("gemini 2.5 pro", "output", True, False)
    assert read_sku("Imagen 4 Fast image generation") == ("imagen 4 fast", "other", False, False)
    # storage and grounding are priced per hour or per request, never tokens, whatever else they say
    assert read_sku("Cached content storage token count gemini 2.5 flash") == ("gemini 2.5 flash", "other", False, False)
    assert read_sku("Grounding with Google Search requests gemini 2.5 pro") == ("gemini 2.5 pro", "other", False, False)


def test_azure_refund_is_netted_in_both_currencies():
    """A refund line (chargeType Refund, -0.50 EUR = -$0.55) is netted: 1.00 + 3.00 - 0.50 = 3.50 EUR,
    $1.10 + $3.30 - $0.55 = $3.85, the refund shown apart as -$0.55."""
    text = ("date,meterName,meterCategory,meterSubCategory,quantity,unitOfMeasure,chargeType,billingCurrency,"
            "costInBillingCurrency,costInUsd\r\n"
            "2025-11-03,gpt-4o-0806-Inp-glbl Tokens,Cognitive Services,Azure OpenAI,400,1K,Usage,EUR,1.0,1.1\r\n"
            "2025-11-03,gpt-4o-0806-Outp-glbl Tokens,Cognitive Services,Azure OpenAI,10,1K,Usage,EUR,3.0,3.3\r\n"
            "2025-11-05,gpt-4o-0806-Outp-glbl Tokens,Cognitive Services,Azure OpenAI,0,1K,Refund,EUR,-0.5,-0.55\r\n")
    row = month_row(load(("azure.csv", text)), "2025-11", "azure", "gpt-4o")
    assert row["cost"] == pytest.approx(3.5) and row["cost_usd"] == pytest.approx(3.85)
    assert row["refunds_usd"] == pytest.approx(-0.55) and row["credits_usd"] == 0.0 and row["tax_usd"] == 0.0


def test_litellm_route_prefixed_models_and_a_negative_cache_read():
    """LiteLLM names a routed model "openai/gpt-4o-mini": the route goes, the provider's own id
    stays; a negative cache-read count is rejected like any negative count."""
    header = "date,model,custom_llm_provider,spend,prompt_tokens,completion_tokens,cache_read_input_tokens,api_requests\n"
    text = header + ("2025-11-04,openai/gpt-4o-mini,openai,0.80,4000,1000,0,10\n"
                     "2025-11-05,gpt-4o-mini,openai,0.10,100,10,-3,1\n")
    result = load(("daily.csv", text))
    assert list(result.months["model"]) == ["gpt-4o-mini"] and result.months.iloc[0]["input_tokens"] == 4000
    assert [r["line"] for r in result.rejected_rows] == [3]


def test_gcp_console_report_currencies_cached_input_and_day_buckets():
    """The cost column's symbol is the currency (£ GBP, ¥ JPY, kept unconverted); a cached-input SKU
    is cached input; each row is one day of its month."""
    def report(symbol):
        return (f"Date,Service description,Service ID,SKU description,SKU ID,Usage amount,Usage unit,Subtotal ({symbol})\n"
                "2025-11-03,Gemini API,A,Generate content cached input token count gemini 2.5 flash text,S1,1000000,count,0.02\n"
                "2025-11-04,Gemini API,A,Generate content input token count gemini 2.5 flash text,S2,2000000,count,0.50\n")
    for symbol, code in (("£", "GBP"), ("¥", "JPY"), ("$", "USD")):
        row = month_row(load(("report.csv", report(symbol))), "2025-11", "google", "gemini-2.5-flash")
        assert row["currency"] == code, symbol
        assert (row["cached_input_tokens"], row["input_tokens"]) == (1_000_000, 2_000_000)
        assert row["days_covered"] == 2.0


def test_cost_explorer_drops_a_total_row_named_first_or_last():
    """Cost Explorer's summary row reads "Usage type total" or "Total ..." depending on the grouping:
    either is dropped quietly (not reported as a row with a bad date), never added to the spend."""
    for label in ("Usage type total", "Total costs"):
        text = (f"Usage type,USE1-Claude4.6Sonnet-input-tokens($),Total costs($)\n{label},72.14,72.14\n"
                "2025-11-01,37.04,37.04\n2025-11-02,35.10,35.10\n")
        result = load(("ce.csv", text))
        assert result.rejected_rows == [], label            # a summary, not a bad date
        assert month_row(result, "2025-11", "aws", SONNET)["cost_usd"] == pytest.approx(72.14), label


def test_gcp_billing_export_adjustments_apart_and_a_row_exported_twice_counts_once():
    """An ``adjustment`` row is a refund (kept apart, netted), not usage; the same usage row in two
    daily exports differs only in export_time: one row."""
    head = GCP_HEAD + ",export_time"
    row = f"A,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,0.30,1000000,count,[],regular"
    text = "\n".join([head, row + ",2025-11-04 02:00:00 UTC", row + ",2025-11-05 02:00:00 UTC",
                      f"A,Gemini API,{FLASH_SKU},2025-11-03 00:00:00 UTC,2025-11-03 01:00:00 UTC,-0.05,,,[],adjustment,"
                      "2025-11-05 02:00:00 UTC"]) + "\n"
    result = load(("billing.csv", text))
    assert result.duplicates_dropped == 1
    flash = month_row(result, "2025-11", "google", "gemini-2.5-flash")
    assert flash["input_tokens"] == 1_000_000 and flash["refunds_usd"] == pytest.approx(-0.05)
    assert flash["cost_usd"] == pytest.approx(0.25)


def test_openrouter_rejects_a_generation_without_a_completion_count():
    lines = OPENROUTER.splitlines()
    header = lines[0].split(",")
    i = header.index("tokens_completion")
    cells = lines[2].split(",")
    cells[i] = ""
    result = load(("or.csv", "\n".join([lines[0], lines[1], ",".join(cells)]) + "\n"))
    assert [r["line"] for r in result.rejected_rows] == [3]
    assert "tokens_completion" in result.rejected_rows[0]["reason"]


def test_an_azure_like_file_without_any_cost_column_is_not_taken_for_an_azure_export():
    text = "date,meterName,quantity,unitOfMeasure\n2025-11-03,gpt-4o-0806-Inp-glbl Tokens,10,1K\n"
    result = load(("azure.csv", text))
    assert result.files == [] and "the header (date, meterName, quantity, unitOfMeasure) is not one we know" in result.errors[0][1]

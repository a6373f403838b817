"""Write the constructed example exports in this folder (deterministic; run from the repo root).

    python data/examples/make_examples.py

Every number is made up; headers and layouts follow /work/shared/reference/usage-exports.md.
Costs are tokens x list price (USD per 1M tokens, below) so usage and cost files agree.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RNG = np.random.default_rng(20251101)

# USD per 1M tokens: (input, cached input, output); list prices as in genai-prices' bundled data
PRICES = {
    "gpt-4o-2024-08-06": (2.50, 1.25, 10.00),
    "gpt-4o-mini-2024-07-18": (0.15, 0.075, 0.60),
    "claude-sonnet-4-5-20250929": (3.00, 0.30, 15.00),
    "claude-haiku-4-5-20251001": (1.00, 0.10, 5.00),
}
SONNET_CACHE_WRITE_5M = 3.75


def days(start: date, end: date):
    d = start
    while d < end:
        yield d
        d += timedelta(days=1)


def unix(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp())


def write(name: str, header: list[str], rows: list[list], bom: bool = False, newline: str = "\n") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def daily_volume(d: date, month0: date, monthly_tokens: float, growth: float) -> float:
    """Tokens on day d: a workload growing ``growth`` per month, quieter at weekends, some noise."""
    months = (d.year - month0.year) * 12 + d.month - month0.month + (d.day - 1) / 30.0
    weekday = 0.6 if d.weekday() >= 5 else 1.16
    return monthly_tokens / 30.0 * (1 + growth) ** months * weekday * RNG.lognormal(0.0, 0.06)


def openai_usage_and_cost() -> None:
    """Six months (May-Oct 2025) of a support bot growing ~8 %/month, ~1.2B -> ~1.8B tokens/month."""
    header = ("start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,"
              "model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,"
              "input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,"
              "input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,"
              "output_image_tokens").split(",")
    cost_header = ("start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,quantity,"
                   "quantity_unit,line_item,user_id,api_key_id,project_id,organization_id,project_name,"
                   "organization_name,user_email,api_source").split(",")
    usage_rows, cost_rows = [], []
    mix = {"gpt-4o-2024-08-06": 0.25, "gpt-4o-mini-2024-07-18": 0.75}
    for d in days(date(2025, 5, 1), date(2025, 11, 1)):
        total = daily_volume(d, date(2025, 5, 1), 1.2e9, 0.08)
        t0, t1 = unix(d), unix(d + timedelta(days=1))
        iso0, iso1 = f"{d}T00:00:00+00:00", f"{d + timedelta(days=1)}T00:00:00+00:00"
        for model, share in mix.items():
            tokens = total * share
            input_all = round(tokens * 0.82)
            cached = round(input_all * 0.35)
            output = round(tokens) - input_all
            requests = round(input_all / 2400)
            usage_rows.append([t0, t1, iso0, iso1, "proj_SupportBot01", f"{requests:.1f}", "", "key_Prod01", model,
                               "False", "default", f"{input_all:.1f}", f"{output:.1f}", f"{cached:.1f}",
                               f"{input_all - cached:.1f}", f"{input_all:.1f}", f"{output:.1f}", f"{cached:.1f}",
                               "0.0", "0.0", "0.0", "0.0", "0.0", "0.0"])
            if d >= date(2025, 10, 1):
                p_in, p_cached, p_out = PRICES[model]
                for label, quantity, price in (("input", input_all - cached, p_in),
                                               ("cached input", cached, p_cached), ("output", output, p_out)):
                    cost_rows.append([t0, t1, iso0, iso1, f"{quantity * price / 1e6:.12f}", "usd", quantity, "tokens",
                                      f"{model}, {label}", "", "key_Prod01", "proj_SupportBot01", "org-Example01",
                                      "Support Bot", "Acme Inc", "", ""])
        # an empty bucket row, as the dashboard writes for days with no traffic in a grouping
    usage_rows.append([unix(date(2025, 11, 1)), unix(date(2025, 11, 2)), "2025-11-01T00:00:00+00:00",
                       "2025-11-02T00:00:00+00:00"] + [""] * 20)
    write("openai_completions_usage.csv", header, usage_rows)
    write("openai_cost.csv", cost_header, cost_rows)


def anthropic_usage_and_cost() -> None:
    """November 2025 of a backend on Claude Sonnet 4.5 (prompt caching) and Haiku 4.5, plus a batch job."""
    header = ("usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,"
              "usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,"
              "usage_output_tokens,web_search_count,inference_geo,speed").split(",")
    cost_header = ("usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,"
                   "list_price_usd,cost_type,inference_geo,speed,api_key_id,api_key_status").split(",")
    display = {"claude-sonnet-4-5-20250929": "Claude Sonnet 4.5", "claude-haiku-4-5-20251001": "Claude Haiku 4.5"}
    usage_rows, cost_rows = [], []
    for d in days(date(2025, 11, 1), date(2025, 12, 1)):
        for model, volume in (("claude-sonnet-4-5-20250929", 9e6), ("claude-haiku-4-5-20251001", 4e6)):
            total = daily_volume(d, date(2025, 11, 1), volume * 30, 0.0)
            no_cache = round(total * (0.25 if model.startswith("claude-sonnet") else 0.8))
            write_5m = round(total * 0.02) if model.startswith("claude-sonnet") else 0
            read = round(total * 0.6) if model.startswith("claude-sonnet") else 0
            output = round(total) - no_cache - write_5m - read
            usage_rows.append([str(d), model, "prod-backend", "Default", "standard", "≤ 200k", no_cache, write_5m, 0,
                               read, output, 0, "not_available", ""])
            p_in, p_read, p_out = PRICES[model]
            lines = [("input_no_cache", no_cache, p_in), ("input_cache_read", read, p_read), ("output", output, p_out)]
            if write_5m:
                lines.append(("input_cache_write_5m", write_5m, SONNET_CACHE_WRITE_5M))
            for token_type, tokens, price in lines:
                usd = round(tokens * price / 1e6, 2)
                if usd:
                    cost_rows.append([str(d), display[model], "Default", "prod-backend", "message", "≤ 200k",
                                      token_type, f"{usd:.2f}", f"{usd:.2f}", "token", "not_available", "",
                                      "apikey_01Hq7xVb2NdE4kR9", "active"])
        if d.weekday() == 6:  # a weekly batch evaluation at half price
            usage_rows.append([str(d), "claude-sonnet-4-5-20250929", "nightly-evals", "Research", "batch", "≤ 200k",
                               800000, 0, 0, 0, 120000, 0, "not_available", ""])
            for token_type, tokens, price in (("input_no_cache", 800000, 1.5), ("output", 120000, 7.5)):
                usd = tokens * price / 1e6
                cost_rows.append([str(d), "Claude Sonnet 4.5", "Research", "nightly-evals", "batch", "≤ 200k",
                                  token_type, f"{usd:.2f}", f"{usd * 2:.2f}", "token", "not_available", "",
                                  "apikey_01NightlyEvals0001", "active"])
    write("anthropic_usage.csv", header, usage_rows)
    write("anthropic_cost.csv", cost_header, cost_rows)


def aws_cur2() -> None:
    """November 2025 Bedrock lines (1K-token units), a credit, tax, and an EC2 line that is ignored."""
    header = ("identity_line_item_id,line_item_usage_start_date,line_item_usage_end_date,line_item_usage_account_id,"
              "line_item_line_item_type,line_item_product_code,line_item_usage_type,line_item_operation,"
              "line_item_usage_amount,pricing_unit,line_item_currency_code,line_item_unblended_rate,"
              "line_item_unblended_cost,line_item_iam_principal").split(",")
    # USD per 1K tokens (regional Sonnet 4.6 is 1.1x global; Nova Lite)
    meters = [("USE1-Claude4.6Sonnet-input-tokens", 0.0033, 4000), ("USE1-Claude4.6Sonnet-output-tokens", 0.0165, 700),
              ("USE1-Claude4.6Sonnet-cache-read-input-token-count", 0.00033, 9000),
              ("USE1-NovaLite-input-tokens", 0.00006, 20000), ("USE1-NovaLite-output-tokens", 0.00024, 3000)]
    rows, n = [], 0
    for d in days(date(2025, 11, 1), date(2025, 12, 1)):
        for usage_type, rate, thousands in meters:
            n += 1
            amount = round(thousands * RNG.lognormal(0, 0.1), 3)
            rows.append([f"li-{n:05d}", f"{d}T00:00:00Z", f"{d + timedelta(days=1)}T00:00:00Z", "111122223333", "Usage",
                         "AmazonBedrockService" if "Claude" in usage_type else "AmazonBedrock", usage_type,
                         "InvokeModel", amount, "1K tokens", "USD", rate, f"{amount * rate:.6f}",
                         "arn:aws:iam::111122223333:role/ChatApp"])
    rows.append(["li-credit-1", "2025-11-01T00:00:00Z", "2025-12-01T00:00:00Z", "111122223333", "Credit",
                 "AmazonBedrockService", "USE1-Claude4.6Sonnet-input-tokens", "InvokeModel", 0, "1K tokens", "USD", "",
                 "-25.000000", ""])
    rows.append(["li-tax-1", "2025-11-01T00:00:00Z", "2025-12-01T00:00:00Z", "111122223333", "Tax",
                 "AmazonBedrockService", "", "", 0, "", "USD", "", "31.420000", ""])
    rows.append(["li-ec2-1", "2025-11-01T00:00:00Z", "2025-11-02T00:00:00Z", "111122223333", "Usage", "AmazonEC2",
                 "USE1-BoxUsage:m7i.large", "RunInstances", 24, "Hrs", "USD", 0.1008, "2.419200", ""])
    write("aws_cur2_bedrock.csv", header, rows)


AZURE_HEADER = ("invoiceId,previousInvoiceId,billingAccountId,billingAccountName,billingProfileId,billingProfileName,"
                "invoiceSectionId,invoiceSectionName,resellerName,resellerMpnId,costCenter,billingPeriodEndDate,"
                "billingPeriodStartDate,servicePeriodEndDate,servicePeriodStartDate,date,serviceFamily,productOrderId,"
                "productOrderName,consumedService,meterId,meterName,meterCategory,meterSubCategory,meterRegion,"
                "ProductId,ProductName,SubscriptionId,subscriptionName,publisherType,publisherId,publisherName,"
                "resourceGroupName,ResourceId,resourceLocation,location,effectivePrice,quantity,unitOfMeasure,"
                "chargeType,billingCurrency,pricingCurrency,costInBillingCurrency,costInPricingCurrency,costInUsd,"
                "paygCostInBillingCurrency,paygCostInUsd,exchangeRatePricingToBilling,exchangeRateDate,"
                "isAzureCreditEligible,serviceInfo1,serviceInfo2,additionalInfo,tags,PayGPrice,frequency,term,"
                "reservationId,reservationName,pricingModel,unitPrice,costAllocationRuleName,benefitId,benefitName,"
                "provider").split(",")


def azure_cost_details() -> None:
    """November 2025 Azure OpenAI meters, 1K and 1M units side by side; UTF-8 BOM; MM/DD/YYYY dates."""
    meters = [("gpt-4o-0806-Inp-glbl Tokens", "Azure OpenAI", 0.0025, "1K", 20000),
              ("gpt-4o-0806-Outp-glbl Tokens", "Azure OpenAI", 0.01, "1K", 2500),
              ("GPT 5 Inpt Glbl Tokens", "Azure OpenAI GPT5", 1.25, "1M", 4.0),
              ("GPT 5 Outpt Glbl Tokens", "Azure OpenAI GPT5", 10.0, "1M", 0.5),
              ("gpt 4.1 mini cached Inp glbl Tokens", "Azure OpenAI", 0.1, "1M", 6.0)]
    rows = []
    for d in days(date(2025, 11, 1), date(2025, 12, 1)):
        for meter, sub, price, unit, quantity in meters:
            q = round(quantity * RNG.lognormal(0, 0.1), 4)
            cost = q * price
            values = dict.fromkeys(AZURE_HEADER, "")
            values.update(date=d.strftime("%m/%d/%Y"), consumedService="Microsoft.CognitiveServices",
                          meterId=f"m-{meters.index((meter, sub, price, unit, quantity)):08d}", meterName=meter,
                          meterCategory="Cognitive Services", meterSubCategory=sub, meterRegion="Global",
                          SubscriptionId="00000000-1111-2222-3333-444444444444", resourceGroupName="rg-chat",
                          ResourceId="/subscriptions/0000/resourceGroups/rg-chat/providers/Microsoft.CognitiveServices/accounts/chat",
                          effectivePrice=price, quantity=q, unitOfMeasure=unit, chargeType="Usage",
                          billingCurrency="USD", pricingCurrency="USD", costInBillingCurrency=f"{cost:.6f}",
                          costInPricingCurrency=f"{cost:.6f}", costInUsd=f"{cost:.6f}", pricingModel="OnDemand",
                          billingPeriodStartDate="11/01/2025", billingPeriodEndDate="11/30/2025")
            rows.append([values[h] for h in AZURE_HEADER])
    write("azure_cost_details.csv", AZURE_HEADER, rows, bom=True, newline="\r\n")


def gcp_billing_export() -> None:
    """November 2025 Gemini API (token-count SKUs) and Vertex AI rows, a free-tier credit and a tax row."""
    header = ("billing_account_id,service.id,service.description,sku.description,usage_start_time,usage_end_time,"
              "project.id,cost,currency,usage.amount,usage.unit,credits,invoice.month,cost_type").split(",")
    skus = [("AEFD-7695-64FA", "Gemini API", "Generate content input token count gemini 2.5 flash short input text",
             0.30, 2.0e6), ("AEFD-7695-64FA", "Gemini API",
             "Generate content output token count gemini 2.5 flash short input text", 2.50, 4.6e5),
            ("AEFD-7695-64FA", "Gemini API",
             "Generate content cached input token count gemini 2.5 flash short input text", 0.03, 1.0e6),
            ("C7E2-9256-1C43", "Vertex AI", "Gemini 2.5 Pro Thinking Text Output - Predictions", 10.0, 2.5e5)]
    rows = []
    for d in days(date(2025, 11, 1), date(2025, 12, 1)):
        for service_id, service, sku, price, amount in skus:
            a = round(amount * RNG.lognormal(0, 0.1))
            credits = '[{"name":"FreeTier","amount":-0.2,"type":"FREE_TIER"}]' if d.day == 1 and "output" in sku else "[]"
            rows.append(["01A2B3-C4D5E6-F7A8B9", service_id, service, sku, f"{d} 00:00:00 UTC",
                         f"{d + timedelta(days=1)} 00:00:00 UTC", "acme-prod", f"{a * price / 1e6:.6f}", "USD", a,
                         "count", credits, "202511", "regular"])
    rows.append(["01A2B3-C4D5E6-F7A8B9", "", "", "", "2025-11-30 00:00:00 UTC", "2025-12-01 00:00:00 UTC", "", "4.12",
                 "USD", "", "", "[]", "202511", "tax"])
    write("gcp_billing_export.csv", header, rows)


def openrouter_activity() -> None:
    """150 generations in November 2025 across three models; a few BYOK rows."""
    header = ("generation_id,created_at,cost_total,cost_web_search,cost_cache,cost_file_processing,"
              "byok_usage_inference,tokens_prompt,tokens_completion,tokens_reasoning,tokens_cached,model_permaslug,"
              "provider_name,variant,cancelled,streamed,user,finish_reason_raw,finish_reason_normalized,"
              "generation_time_ms,time_to_first_token_ms,api_key_disabled,api_key_name,app_name").split(",")
    models = [("anthropic/claude-4.5-sonnet-20250929", "Anthropic", 3.0, 0.3, 15.0),
              ("openai/gpt-4o-mini-2024-07-18", "OpenAI", 0.15, 0.075, 0.6),
              ("google/gemini-2.5-pro", "Google", 1.25, 0.125, 10.0)]
    rows = []
    for i in range(150):
        model, provider, p_in, p_cached, p_out = models[i % 3]
        t = datetime(2025, 11, 1, tzinfo=timezone.utc) + timedelta(minutes=int(i * 287 + RNG.integers(0, 200)))
        prompt = int(RNG.integers(800, 9000))
        cached = int(prompt * 0.4) if i % 2 else 0
        completion = int(RNG.integers(100, 1500))
        cost = ((prompt - cached) * p_in + cached * p_cached + completion * p_out) / 1e6
        byok = i % 25 == 0
        rows.append([f"gen-{1761955200 + i * 997}-Ex{i:04d}", t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
                     0 if byok else round(cost, 7), 0, 0, 0, round(cost, 7) if byok else 0, prompt, completion, 0,
                     cached, model, provider, "standard", "false", "true", "", "stop", "stop",
                     int(RNG.integers(500, 9000)), int(RNG.integers(100, 900)), "false",
                     "byok-key" if byok else "prod-key", "MyApp"])
    write("openrouter_activity.csv", header, rows)


def generic_template() -> None:
    header = ["date", "provider", "model", "input_tokens", "cached_input_tokens", "output_tokens", "cost_usd",
              "cache_write_tokens", "requests"]
    rows = [["2025-11-01", "openai", "gpt-4o-mini", 1200000, 600000, 250000, 0.375, 0, 800],
            ["2025-11-01", "anthropic", "claude-sonnet-4-5", 400000, 2000000, 90000, 3.3375, 50000, 300],
            ["2025-11-02", "openai", "gpt-4o-mini", 1100000, 550000, 240000, "", "", 760]]
    write("generic_template.csv", header, rows)


if __name__ == "__main__":
    openai_usage_and_cost()
    anthropic_usage_and_cost()
    aws_cur2()
    azure_cost_details()
    gcp_billing_export()
    openrouter_activity()
    generic_template()

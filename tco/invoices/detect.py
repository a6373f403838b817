"""Which export is this? Detection from the header set (CSV) or the document shape (JSON).

Never from column positions: every format here has gained or lost columns over time. Formats
are tried in order; the first whose ``matches`` accepts the table or document wins, so the more
specific fingerprints come first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tco.invoices import anthropic, aws, azure, gcp, generic, litellm, openai, openrouter


@dataclass(frozen=True)
class Format:
    """One supported export: id, human label, "csv" or "json", fingerprint, parser, spend only."""
    id: str
    label: str
    kind: str
    matches: Callable[[object], bool]
    parse: Callable[[object], tuple]
    spend_only: bool = False


FORMATS: list[Format] = [
    Format("generic_csv", "Generic usage CSV (data/examples/generic_template.csv)", "csv",
           generic.is_generic_csv, generic.parse_generic_csv),
    Format("openai_usage_csv", "OpenAI dashboard usage export (completions_usage_*.csv)", "csv",
           openai.is_usage_csv, openai.parse_usage_csv),
    Format("openai_cost_csv", "OpenAI dashboard cost export (cost_*.csv)", "csv",
           openai.is_cost_csv, openai.parse_cost_csv, spend_only=True),
    Format("anthropic_usage_csv", "Anthropic Console usage export (claude_api_tokens_*.csv)", "csv",
           anthropic.is_usage_csv, anthropic.parse_usage_csv),
    Format("anthropic_cost_csv", "Anthropic Console cost export (claude_api_cost_*.csv)", "csv",
           anthropic.is_cost_csv, anthropic.parse_cost_csv, spend_only=True),
    Format("aws_cur_csv", "AWS Cost and Usage Report, Bedrock rows (CUR 2.0 or legacy CUR)", "csv",
           aws.is_cur_csv, aws.parse_cur_csv),
    Format("aws_cost_explorer_csv", "AWS Cost Explorer CSV download (spend only)", "csv",
           aws.is_cost_explorer_csv, aws.parse_cost_explorer_csv, spend_only=True),
    Format("azure_cost_details_csv", "Azure Cost Management cost details export (Azure OpenAI meters)", "csv",
           azure.is_cost_details_csv, azure.parse_cost_details_csv),
    Format("gcp_billing_export_csv", "Google Cloud billing export (BigQuery, flattened CSV)", "csv",
           gcp.is_billing_export_csv, gcp.parse_billing_export_csv),
    Format("gcp_console_report_csv", "Google Cloud console Reports CSV (grouped by day and SKU)", "csv",
           gcp.is_console_report_csv, gcp.parse_console_report_csv),
    Format("openrouter_activity_csv", "OpenRouter activity/logs CSV export", "csv",
           openrouter.is_activity_csv, openrouter.parse_activity_csv),
    Format("litellm_spend_logs_csv", "LiteLLM proxy spend logs (LiteLLM_SpendLogs)", "csv",
           litellm.is_spend_logs_csv, litellm.parse_spend_logs_csv),
    Format("litellm_daily_csv", "LiteLLM daily spend roll-up (LiteLLM_Daily*Spend)", "csv",
           litellm.is_daily_csv, litellm.parse_daily_csv),
    Format("openai_usage_json", "OpenAI Usage API JSON (organization/usage/completions pages)", "json",
           openai.is_usage_json, openai.parse_usage_json),
    Format("openai_cost_json", "OpenAI Costs API JSON (organization/costs pages)", "json",
           openai.is_cost_json, openai.parse_cost_json, spend_only=True),
    Format("anthropic_usage_json", "Anthropic Admin API usage report JSON (usage_report/messages)", "json",
           anthropic.is_usage_json, anthropic.parse_usage_json),
    Format("anthropic_cost_json", "Anthropic Admin API cost report JSON (cost_report)", "json",
           anthropic.is_cost_json, anthropic.parse_cost_json, spend_only=True),
]


def supported_formats() -> str:
    """One line per supported format, for error messages."""
    return "\n".join(f"  - {f.label}" for f in FORMATS)


def detect_csv(table) -> Format | None:
    for fmt in FORMATS:
        if fmt.kind == "csv" and fmt.matches(table):
            return fmt
    return None


def detect_json(doc) -> Format | None:
    for fmt in FORMATS:
        if fmt.kind == "json" and fmt.matches(doc):
            return fmt
    return None

"""Which export is this? Detection from the header set (CSV) or the document shape (JSON).

Never from column positions: every format here has gained or lost columns over time. Formats
are tried in order; the first whose ``matches`` accepts the table or document wins, so the more
specific fingerprints come first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tco.invoices import anthropic, generic, openai


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

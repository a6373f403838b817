"""Model names and list prices, from the bundled `genai-prices` data (offline, never updated here).

Conventions: prices in USD per token; ``direction`` is one of "input" (uncached input),
"cached_input", "cache_write", "output". Prices are looked up for a 1,000-token request because
genai-prices applies long-context tiers to the usage it is given; a bill's aggregated millions
would otherwise be priced at the long-context rate.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache

from genai_prices import Usage, calc_price

#: genai-prices provider ids for the ``provider`` names used in the monthly table.
PRICE_PROVIDER = {
    "openai": "openai", "anthropic": "anthropic", "aws": "aws", "azure": "azure",
    "google": "google", "openrouter": "openrouter",
}
#: Batch APIs (OpenAI, Anthropic, Bedrock, Vertex) bill half the list price.
BATCH_DISCOUNT = 0.5
#: Share of tokens assumed to be (uncached) input when a spend-only line does not say what it
#: paid for (Cost Explorer by service, an ungrouped cost export). Chat and RAG workloads send
#: several input tokens per output token; 0.8 is a round middle of what the example bills show.
ASSUMED_INPUT_SHARE = 0.8
_REQUEST_TOKENS = 1000


def _clean(name: str) -> str:
    s = name.strip().lower()
    s = re.sub(r"\s*\((amazon bedrock edition|bedrock edition)\)", "", s)
    s = re.sub(r"[\s_]+", "-", s)
    return s


def _candidates(provider: str, raw: str) -> list[str]:
    s = _clean(raw)
    out = [raw.strip(), s, s.replace(".", "-")]
    # Bedrock usage types name models like "Claude4.6Sonnet" or "Claude3Haiku"
    m = re.fullmatch(r"claude-?(\d(?:[.-]\d)?)-?(sonnet|opus|haiku)", s)
    if m:
        version, family = m.group(1).replace(".", "-"), m.group(2)
        out += [f"claude-{family}-{version}", f"claude-{version}-{family}"]
    m = re.fullmatch(r"nova-?(lite|pro|micro|premier)", s)
    if m:
        out.append(f"amazon.nova-{m.group(1)}-v1:0")
    return list(dict.fromkeys(x for x in out if x))


_REFS: dict[tuple[str, str], tuple[str, str]] = {}  # (provider, model id) -> (name that matched, provider id)


@lru_cache(maxsize=4096)
def _match(provider: str, raw: str) -> tuple[str, str] | None:
    """(canonical model id, genai-prices provider id) or None."""
    if (provider, raw) in _REFS:
        return raw, _REFS[(provider, raw)][1]
    pid = PRICE_PROVIDER.get(provider)
    for ref in _candidates(provider, raw):
        for prov in ([pid] if pid else []) + [None]:
            try:
                result = calc_price(Usage(input_tokens=_REQUEST_TOKENS), ref, provider_id=prov)
            except Exception:  # genai-prices raises LookupError and friends for unknown names
                continue
            _REFS.setdefault((provider, result.model.id), (ref, result.provider.id))
            return result.model.id, result.provider.id
    return None


def canonical_model(provider: str, raw: str) -> str:
    """A model id that joins a usage export with a cost export of the same provider.

    ``"Claude Sonnet 4.5"`` and ``"claude-sonnet-4-5-20250929"`` both give ``"claude-sonnet-4-5"``;
    a name genai-prices does not know is lower-cased with spaces as dashes.
    """
    if not raw or not raw.strip():
        return ""
    found = _match(provider, raw)
    return found[0] if found else _clean(raw)


@lru_cache(maxsize=4096)
def list_prices(provider: str, model: str, month: str) -> dict[str, float] | None:
    """USD per token by direction for ``model`` at the start of ``month`` ("YYYY-MM"), or None."""
    if not model:
        return None
    found = _match(provider, model)
    if not found:
        return None
    model_id, provider_id = found
    ref = _REFS.get((provider, model_id), (model_id, provider_id))[0]
    when = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.utc)
    n = _REQUEST_TOKENS
    usages = {
        "input": Usage(input_tokens=n),
        "cached_input": Usage(input_tokens=n, cache_read_tokens=n),
        "cache_write": Usage(input_tokens=n, cache_write_tokens=n),
        "output": Usage(output_tokens=n),
    }
    out = {}
    for direction, usage in usages.items():
        try:
            price = calc_price(usage, ref, provider_id=provider_id, genai_request_timestamp=when)
            out[direction] = float(price.total_price) / n
        except Exception:
            out[direction] = float("nan")
    if not out["input"] > 0 or not out["output"] > 0:
        return None
    for direction in ("cached_input", "cache_write"):
        if not out[direction] > 0:
            out[direction] = out["input"]
    return out

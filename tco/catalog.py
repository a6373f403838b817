"""Reference data: GPU specs and prices, model architectures, measured throughput, API prices.

Reads ``data/*.csv`` once and the API price catalog bundled with ``genai-prices`` (never over the
network: ``genai_prices.UpdatePrices`` is never created). Returns plain frozen records.

Units: memory in GB (1e9 bytes), bandwidth in TB/s, compute in dense TFLOPS, power in W, prices in
USD (per GPU-hour, per GPU, per 1M tokens).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def _float(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Gpu:
    id: str
    name: str
    vendor: str
    memory_gb: float
    bandwidth_tb_s: float
    bf16_tflops: float
    fp8_tflops: float | None  # None: no FP8 tensor cores (fp8 weights run as W8A16)
    fp4_tflops: float | None
    tdp_w: float
    gpus_per_node: int
    on_demand_usd_per_hour: float
    purchase_usd_per_gpu: float
    spec_source: str
    spec_date: str
    price_source: str
    price_date: str
    note: str

    def tflops(self, precision: str) -> float:
        """Dense tensor TFLOPS the GPU applies to a model at ``precision``.

        Weight-only int4 and fp8 on GPUs without FP8 cores compute in the widest format available.
        """
        if precision == "fp4" and self.fp4_tflops:
            return self.fp4_tflops
        if precision in ("fp8", "int4", "fp4") and self.fp8_tflops:
            return self.fp8_tflops
        return self.bf16_tflops


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    hf_id: str
    total_params_b: float
    active_params_b: float
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    experts: int
    experts_per_token: int
    shared_experts: int
    moe_layers: int
    routed_expert_params_b: float
    kv_bytes_per_token_bf16: float
    max_context: int
    native_precision: str
    #: catalog ids of providers that host this model (direct hosts; routers such as OpenRouter
    #: and Hugging Face resell them and are left to the "search all" box); the page's default
    #: hosted offer is the cheapest of them at the workload's mix (tco.model.hosted_offers)
    hosted_offers: tuple[str, ...]
    source: str
    date: str
    note: str

    @property
    def is_moe(self) -> bool:
        return self.experts > 0


@dataclass(frozen=True)
class Measurement:
    model: str
    gpu: str
    gpus: int
    precision: str
    input_tokens: float
    output_tokens: float
    output_tokens_per_s: float  # whole TP group
    framework: str
    mode: str
    source: str
    date: str
    note: str


@functools.cache
def gpus() -> dict[str, Gpu]:
    out = {}
    for r in _read("gpus.csv"):
        out[r["id"]] = Gpu(
            id=r["id"], name=r["name"], vendor=r["vendor"], memory_gb=float(r["memory_gb"]),
            bandwidth_tb_s=float(r["bandwidth_tb_s"]), bf16_tflops=float(r["bf16_tflops"]),
            fp8_tflops=_float(r["fp8_tflops"]), fp4_tflops=_float(r["fp4_tflops"]),
            tdp_w=float(r["tdp_w"]), gpus_per_node=int(float(r["gpus_per_node"])),
            on_demand_usd_per_hour=float(r["on_demand_usd_per_hour"]),
            purchase_usd_per_gpu=float(r["purchase_usd_per_gpu"]), spec_source=r["spec_source"],
            spec_date=r["spec_date"], price_source=r["price_source"], price_date=r["price_date"],
            note=r.get("note", ""))
    return out


@functools.cache
def models() -> dict[str, Model]:
    out = {}
    ints = ("layers", "hidden", "heads", "kv_heads", "head_dim", "experts", "experts_per_token",
            "shared_experts", "moe_layers", "max_context")
    for r in _read("models.csv"):
        kw = {k: r[k] for k in ("id", "name", "hf_id", "native_precision", "source", "date")}
        kw["hosted_offers"] = tuple(x.strip() for x in r["hosted_offers"].split(";") if x.strip())
        kw.update({k: int(float(r[k] or 0)) for k in ints})
        kw.update(total_params_b=float(r["total_params_b"]), active_params_b=float(r["active_params_b"]),
                  routed_expert_params_b=float(r["routed_expert_params_b"] or 0),
                  kv_bytes_per_token_bf16=float(r["kv_bytes_per_token_bf16"]), note=r.get("note", ""))
        out[r["id"]] = Model(**kw)
    return out


#: How a CSV cell becomes a field of the type a row dataclass declares (int cells may read "4.0").
_CELL = {"int": lambda v: int(float(v)), "float": float, "str": str}


def _typed_rows(cls, name: str) -> tuple:
    """Every row of data/<name> as a ``cls``, each column converted by its field's declared type;
    a missing ``note`` column reads as ""."""
    names = [(f.name, _CELL[str(f.type)]) for f in fields(cls)]
    return tuple(cls(**{k: conv(r[k] if k != "note" else r.get("note", "")) for k, conv in names})
                 for r in _read(name))


@functools.cache
def measurements() -> tuple[Measurement, ...]:
    return _typed_rows(Measurement, "throughput.csv")


@dataclass(frozen=True)
class CurvePoint:
    """One measured point of a throughput-vs-concurrency curve (data/latency_curves.csv)."""
    model: str
    gpu: str
    gpus: int
    precision: str
    input_tokens: float
    output_tokens: float
    concurrency: float
    output_tokens_per_s: float  # the replica's (whole TP group's) output tokens/s
    ttft_s: float
    itl_s: float
    framework: str
    source: str
    date: str
    note: str

    @property
    def config_key(self) -> tuple[str, str, str, int]:
        return (self.model, self.gpu, self.precision, self.gpus)

    @property
    def curve_key(self) -> tuple:
        return (*self.config_key, self.input_tokens, self.output_tokens, self.source)


@functools.cache
def latency_curves() -> tuple[CurvePoint, ...]:
    return _typed_rows(CurvePoint, "latency_curves.csv")


# --- API prices (genai-prices, offline) -----------------------------------------------------------

@dataclass(frozen=True)
class ApiPrices:
    """Per-class prices of one model in USD per 1M tokens, as used for a request of the workload's size.

    ``batch_*`` are the batch-processing prices (equal to the standard ones where the catalog has
    no batch variant). ``tier_note`` says when a long-context tier applied.
    """
    model_ref: str
    provider: str
    model_id: str
    model_name: str
    input: float
    cached_input: float
    output: float
    batch_input: float
    batch_cached_input: float
    batch_output: float
    has_batch: bool
    source: str
    date: str
    tier_note: str
    #: price of a 5-minute prompt-cache write [USD per 1M tokens]; the input price where the
    #: catalog has none (the hosted open offers bill cache writes as input)
    cache_write: float = 0.0
    #: where the batch prices come from: "catalog", a documented flat discount (with its URL),
    #: or "" when the provider documents no batch price (batch = standard)
    batch_source: str = ""


TODAY = "2026-11-23"
#: Hour of day (UTC) prices are looked up at when a model has no time-of-day prices. Where it
#: has some (DeepSeek's off-peak discount is the catalog's unconstrained price, its standard
#: rate a 00:30-16:30 UTC window), the lookup is moved into the dearest window: the standard
#: rate, never a discount window (a time-of-day discount is the user's to claim by overriding).
LOOKUP_HOUR_UTC = 12

#: Flat batch discounts the providers document for every model of their batch APIs, applied
#: where the catalog has no batch price of its own: provider id -> (share off, source, date read).
DOCUMENTED_BATCH_DISCOUNTS: dict[str, tuple[float, str, str]] = {
    "anthropic": (0.5, "Anthropic Message Batches API: 'reducing costs by 50%' "
                       "(https://platform.claude.com/docs/en/build-with-claude/batch-processing)", "2026-12-01"),
    "openai": (0.5, "OpenAI Batch API FAQ: 'Each model will be offered at 50% cost discount vs. the "
                    "synchronous APIs' (https://help.openai.com/en/articles/9197833-batch-api-faq)", "2026-12-01"),
    "google": (0.5, "Gemini API Batch Mode: '50% discount compared to our synchronous APIs' "
                    "(https://developers.googleblog.com/scale-your-ai-workloads-batch-mode-gemini-api, "
                    "2025-07-07)", "2026-12-01"),
}
_CHECKED = re.compile(r"(?:checked|verified|confirmed)\b[^.;]*?(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


@functools.cache
def price_catalog_date(when: str = TODAY) -> str:
    """Newest price change on or before ``when`` in the bundled genai-prices data (YYYY-MM-DD).

    The bundled data has no release date of its own; its newest dated price change is the best
    measure of how fresh it is.
    """
    from genai_prices import data_snapshot
    dates = [str(_start(cp)) for p in data_snapshot.get_snapshot().providers for m in p.models
             for cp in (m.prices if isinstance(m.prices, list) else []) if _start(cp)]
    return max(d[:10] for d in dates if d[:10] <= when)


def _start(conditional_price) -> object:
    return getattr(getattr(conditional_price, "constraint", None), "start_date", None)


def _effective_date(model_info, when: str) -> str:
    """Start date of the price of ``model_info`` in force on ``when`` ('' if it is undated)."""
    prices = model_info.prices if isinstance(model_info.prices, list) else []
    dates = [str(_start(cp))[:10] for cp in prices if _start(cp)]
    dates = [d for d in dates if d <= when]
    return max(dates) if dates else ""


def check_date(model_info, provider_info, when: str) -> str:
    """The newest date on or before ``when`` on which the catalog says a price was checked
    ("verified on 2026-10-14", "checked 2026-10-09"), in the model's price comments, else the
    provider's; '' if neither says."""
    for info in (model_info, provider_info):
        dates = [d for d in _CHECKED.findall(getattr(info, "price_comments", None) or "") if d <= when]
        if dates:
            return max(dates)
    return ""


def _standard_time(model_info, when: str) -> datetime:
    """The moment prices are looked up at: ``when`` at LOOKUP_HOUR_UTC, or, for a model with
    time-of-day prices, inside the window whose input price is highest (the standard rate)."""
    day = datetime.fromisoformat(when).replace(tzinfo=timezone.utc)
    noon = day + timedelta(hours=LOOKUP_HOUR_UTC)
    prices = model_info.prices if isinstance(model_info.prices, list) else []
    windows = [cp for cp in prices if type(cp.constraint).__name__ == "TimeOfDateConstraint"]
    if not windows:
        return noon

    def input_price(cp) -> float:
        value = getattr(cp.prices, "input_mtok", None)
        try:
            return float(value)
        except (TypeError, ValueError):  # tiered prices: their base
            return float(getattr(value, "base", 0) or 0)
    dearest = max(windows, key=input_price)
    start = dearest.constraint.start_time
    moment = datetime.combine(day.date(), time(start.hour, start.minute), tzinfo=timezone.utc)
    return moment + timedelta(minutes=1)


def split_ref(ref: str) -> tuple[str, str]:
    provider, _, model = ref.partition(":")
    return provider, model


@functools.lru_cache(maxsize=512)
def api_prices(ref: str, input_tokens_per_request: float, output_tokens_per_request: float,
               when: str = TODAY) -> ApiPrices:
    """Class prices of ``provider:model`` for one request of the given size.

    Prices are taken *per request* because genai-prices applies long-context tiers to the usage
    it is given (aggregate usage would wrongly trigger a >200k tier). Raises ValueError if the
    model is not in the catalog.
    """
    from genai_prices import Usage, calc_price

    provider, model = split_ref(ref)
    if not provider or not model:
        raise ValueError(f"`{ref}` must be written provider:model, e.g. openai:gpt-5")
    i = max(int(round(input_tokens_per_request)), 1)
    o = max(int(round(output_tokens_per_request)), 1)
    moment = [datetime.fromisoformat(when).replace(tzinfo=timezone.utc) + timedelta(hours=LOOKUP_HOUR_UTC)]

    def calc(usage: Usage, context: dict | None = None):
        try:
            return calc_price(usage, model, provider_id=provider, genai_request_timestamp=moment[0],
                              price_context=context or {})
        except (LookupError, ValueError) as e:  # genai-prices raises LookupError for unknown ids
            raise ValueError(f"`{ref}` is not in the bundled price catalog ({e})") from None
        except Exception as e:  # noqa: BLE001 - any other failure is an unusable id
            raise ValueError(f"`{ref}` could not be priced: {e}") from None

    def per_mtok(value: Decimal, tokens: int) -> float:
        return float(value) / tokens * 1e6

    def classes(context: dict | None) -> tuple[float, float, float, float, object]:
        uncached = calc(Usage(input_tokens=i, output_tokens=o), context)
        cached = calc(Usage(input_tokens=i, cache_read_tokens=i, output_tokens=o), context)
        written = calc(Usage(input_tokens=i, cache_write_tokens=i, output_tokens=o), context)
        return (per_mtok(uncached.input_price, i), per_mtok(cached.input_price, i),
                per_mtok(uncached.output_price, o), per_mtok(written.input_price, i), uncached)

    first = calc(Usage(input_tokens=i, output_tokens=o))
    moment[0] = _standard_time(first.model, when)
    inp, cac, out, wri, res = classes(None)
    try:
        b_inp, b_cac, b_out, _, _ = classes({"processing": "batch"})
    except ValueError:
        b_inp, b_cac, b_out = inp, cac, out
    has_batch = (b_inp, b_out) != (inp, out)
    batch_source = "catalog" if has_batch else ""
    documented = DOCUMENTED_BATCH_DISCOUNTS.get(res.provider.id)
    if not has_batch and documented:
        off, text, read = documented
        b_inp, b_cac, b_out = inp * (1 - off), cac * (1 - off), out * (1 - off)
        has_batch = True
        batch_source = f"documented flat {off:.0%} batch discount: {text}, read {read}"
    mp = res.model_price
    tiered = any(type(getattr(mp, k, None)).__name__ == "TieredPrices"
                 for k in ("input_mtok", "output_mtok", "cache_read_mtok"))
    tier_note = ""
    if tiered:
        tier_note = (f"long-context tiers exist; prices shown apply to a {i:,}-token prompt")
    provider_info = next((p for p in _providers() if p.id == res.provider.id), None)
    date = (check_date(res.model, provider_info, when) or _effective_date(res.model, when)
            or f"undated; catalog as of {price_catalog_date()}")
    return ApiPrices(
        model_ref=ref, provider=res.provider.id, model_id=res.model.id,
        model_name=res.model.name or res.model.id, input=inp, cached_input=cac, output=out,
        batch_input=b_inp, batch_cached_input=b_cac, batch_output=b_out, has_batch=has_batch,
        source=f"genai-prices {_genai_version()} bundled data ({res.provider.id}/{res.model.id})",
        date=date, tier_note=tier_note, cache_write=wri, batch_source=batch_source)


@functools.cache
def _providers() -> tuple:
    from genai_prices import data_snapshot
    return tuple(data_snapshot.get_snapshot().providers)


@functools.cache
def _genai_version() -> str:
    from importlib.metadata import version
    return version("genai-prices")


@functools.cache
def api_model_refs() -> tuple[str, ...]:
    """Every ``provider:model`` id in the bundled catalog that can be priced as it is written.

    An id whose own name its match rules do not accept (``fireworks:llama4-maverick-instruct-basic``
    is matched only as ``accounts/fireworks/models/...``), or that has no input or output token
    price, would be offered and then fail; it is left out. tests/test_catalog_data.py prices every
    id this returns.
    """
    refs = []
    for p in _providers():
        for m in p.models:
            if _priceable(p, m):
                refs.append(f"{p.id}:{m.id}")
    return tuple(sorted(refs))


def _priceable(provider_info, model_info) -> bool:
    try:
        target = provider_info.find_model(model_info.id, all_providers=list(_providers()))
    except Exception:  # noqa: BLE001 - a catalog entry genai-prices cannot resolve is not priceable
        return False
    if target is None:
        return False
    prices = target.prices if not isinstance(target.prices, list) else (
        target.prices[0].prices if target.prices else None)
    return prices is not None and (getattr(prices, "input_mtok", None) is not None
                                   or getattr(prices, "output_mtok", None) is not None)

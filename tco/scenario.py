"""The one frozen Scenario that carries every input, with units, defaults, bounds and sources.

Conventions (for the whole engine):

* currency: USD; volumes: tokens (input + output) per month unless the name says otherwise;
* a month is 730 hours (8,760 h / 12);
* costs are positive numbers; savings = API cost - self-hosted cost;
* month 0 is the decision month: it holds only the upfront costs (purchase, setup);
  month 1 runs at ``tokens_per_month`` and month m at ``tokens_per_month * (1 + growth)**(m - 1)``.

Validation lives here and nowhere else: :func:`validate` raises ``ValueError`` with a message that
names the field and its allowed range. ``Scenario`` is the cache key of the page; arrays never are.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Any

#: Date the defaults below were last reviewed against their sources.
DEFAULTS_DATE = "2026-12-01"
REF = "shared/reference/gpus-models-prices.md (compiled 2026-11-22)"

#: Sources of the spot and autoscaling defaults (docs/plans-data.md has the tables behind them).
SPOT_DISCOUNT_SOURCE = ("docs/data/spot.md (gathered 2026-12-01): neocloud spot vs on-demand RunPod "
                        "Secure H100/H200 10%, A100 27%; Hyperstack 20% (2026-08-26) [2nd]")
SPOT_ALLOWANCE_SOURCE = ("docs/data/spot.md: 10% over-provisioning + 10% of hours on on-demand fallback; "
                         "spot-aware serving saves 43% (SkyServe, EuroSys'25) to 54% (SpotServe, "
                         "ASPLOS'24) at a 50-75% list discount")
AUTOSCALE_LAG_SOURCE = ("docs/data/autoscale.md (gathered 2026-12-01): 70B on KubeRay/EKS 10-12 min "
                        "(Anyscale), 8B on SageMaker 8.8 min, vLLM 70B engine start 9.1 min; "
                        "range 2-25 min")

PRECISIONS = ("bf16", "fp8", "int4", "fp4")
ACQUISITIONS = ("on_demand", "reserved_1y", "reserved_3y", "buy")
GROUPS = ("Workload", "Compare against", "Self-hosting", "Team", "Finance", "Uncertainty")


def spec(unit: str, lo: float | None = None, hi: float | None = None, *, group: str, label: str,
         help: str, source: str = "assumption", kind: str = "float", choices: str | None = None,
         lo_open: bool = False) -> dict[str, Any]:
    """Metadata of one input: unit, allowed range [lo, hi] (``lo_open``: lo excluded), group, text."""
    return dict(unit=unit, lo=lo, hi=hi, group=group, label=label, help=help, source=source,
                kind=kind, choices=choices, lo_open=lo_open)


@dataclass(frozen=True)
class Scenario:
    """Every input of the cost model. Units are in the names or in ``metadata['unit']``."""

    # --- Workload -------------------------------------------------------------------------
    tokens_per_month: float = field(default=2e9, metadata=spec(
        "tokens/month", 0, 1e14, group="Workload", label="Monthly token volume",
        help="Input plus output tokens in month 1 (the current volume).",
        source="assumption: a mid-size production workload (2B tokens ≈ 4M requests of 2,500 tokens)"))
    input_share: float = field(default=0.8, metadata=spec(
        "share", 0, 1, group="Workload", label="Input share of tokens",
        help="Share of all tokens that are input (prompt) tokens, cached ones included.",
        source="assumption: retrieval and document workloads run 75-90% input"))
    cached_input_share: float = field(default=0.25, metadata=spec(
        "share", 0, 1, group="Workload", label="Cached share of input",
        help="Share of input tokens the API serves from its prompt cache at the cached price.",
        source="assumption; set it from your bills (Import bills)"))
    batch_share: float = field(default=0.0, metadata=spec(
        "share", 0, 1, group="Workload", label="Batch-eligible share",
        help="Share of traffic that can wait for the API's batch price (Anthropic, OpenAI and Google "
             "document 50% off). Typical range: 0 (interactive chat) to 0.3-0.6 (document pipelines, "
             "nightly jobs).",
        source="assumption: 0, an interactive workload (set your own)"))
    input_tokens_per_request: float = field(default=2000, metadata=spec(
        "tokens", 1, 1e6, group="Workload", label="Input tokens per request",
        help="Average prompt length; sets the KV cache, throughput and long-context price tiers. "
             "Typical range: 500 (chat) to 10,000+ (retrieval over documents).",
        source="assumption: retrieval-augmented questions (set it from your bills: input tokens ÷ requests)"))
    output_tokens_per_request: float = field(default=500, metadata=spec(
        "tokens", 1, 1e5, group="Workload", label="Output tokens per request",
        help="Average completion length. Typical range: 100 (classification) to 1,000+ (drafting).",
        source="assumption: a short answer (set it from your bills: output tokens ÷ requests)"))
    peak_to_average: float = field(default=2.0, metadata=spec(
        "ratio", 1, 50, group="Workload", label="Peak-to-average traffic",
        help="Busiest hour over the average hour; the fleet is sized for the peak.",
        source="assumption: business-hours traffic peaks at about twice the 24-hour mean"))
    max_ttft_s: float | None = field(default=None, metadata=spec(
        "s", 0, 600, group="Workload", label="Max time to first token at peak", kind="optional",
        lo_open=True,
        help="Latency target: seconds from a request to its first token at the peak hour; empty = "
             "no target (batch work: replicas run at max load). Interactive chat ≤ 2 s, agents and "
             "coding ≤ 5 s.",
        source="presets anchored on MLPerf Inference v5.0 latency limits: Llama-2-70B Interactive "
               "TTFT ≤ 450 ms, Llama-3.1-405B server TTFT ≤ 6 s (NVIDIA blog on MLPerf v5.0, 2025-04, via it-online.co.za)"))
    min_output_tokens_per_s_per_user: float | None = field(default=None, metadata=spec(
        "output tokens/s", 0, 1000, group="Workload", label="Min output speed per user",
        kind="optional", lo_open=True,
        help="Latency target: output tokens per second each user sees while the answer streams "
             "(1 / time per output token); empty = no target. Chat ≥ 30, agents and coding ≥ 50.",
        source="presets anchored on MLPerf Inference v5.0: Llama-2-70B Interactive TPOT ≤ 40 ms "
               "(25 tok/s), Llama-3.1-405B server TPOT ≤ 175 ms; human reading ≈ 4-8 tokens/s"))
    growth_per_month: float = field(default=0.03, metadata=spec(
        "share/month", -0.5, 1, group="Workload", label="Volume growth per month",
        help="Compound monthly growth of the token volume over the horizon.",
        source="assumption; fitted from your bills when imported"))

    private_share: float = field(default=0.0, metadata=spec(
        "share", 0, 1, group="Workload", label="Private share (must stay in-house)",
        help="Share of traffic that must stay on infrastructure you control (sensitive documents): "
             "the plan search always self-hosts it, so pure API and hosted plans are ruled out "
             "when it is above 0.",
        source="your policy; 0 = no constraint"))
    frontier_share: float = field(default=0.0, metadata=spec(
        "share", 0, 1, group="Workload", label="Frontier share (needs the API's quality)",
        help="Share of requests that need the commercial API's quality: every plan sends it to "
             "the API. Private share + frontier share can be at most 1.",
        source="your evaluation; 0 = the open model is good enough for all traffic"))
    load_profile: str = field(default="business_day", metadata=spec(
        "", group="Workload", label="Daily load profile", kind="str", choices="profiles",
        help="Shape of the load over the day, bent to the peak-to-average ratio: a named "
             "profile from data/load_profiles.csv, or custom:v0,...,v23 (24 hourly values, e.g. "
             "from hourly bills). Hybrid and autoscaled plans follow it hour by hour.",
        source="data/load_profiles.csv"))

    # --- Compare against -------------------------------------------------------------------
    api_model: str = field(default="openai:gpt-5", metadata=spec(
        "provider:model", group="Compare against", label="Commercial API model", kind="str",
        choices="api", help="A model from the genai-prices catalog (offline, bundled).",
        source="genai-prices 0.2.3 bundled data"))
    api_input_usd_per_mtok: float | None = field(default=None, metadata=spec(
        "USD/1M tokens", 0, 1000, group="Compare against", label="API input price",
        help="Override the catalog's uncached input price.", source="catalog unless set",
        kind="optional"))
    api_cached_input_usd_per_mtok: float | None = field(default=None, metadata=spec(
        "USD/1M tokens", 0, 1000, group="Compare against", label="API cached input price",
        help="Override the catalog's cached input price.", source="catalog unless set",
        kind="optional"))
    api_output_usd_per_mtok: float | None = field(default=None, metadata=spec(
        "USD/1M tokens", 0, 1000, group="Compare against", label="API output price",
        help="Override the catalog's output price.", source="catalog unless set", kind="optional"))
    api_price_trend_per_year: float = field(default=0.0, metadata=spec(
        "share/year", -0.95, 1, group="Finance", label="API price trend per year",
        help="Annual change of the API's prices. A given model's list price rarely moves; "
             "set a negative trend if you expect to move to cheaper successors.",
        source="genai-prices history: gpt-4o at $2.50/$10 unchanged since 2024-08"))
    hosted_model: str | None = field(default=None, metadata=spec(
        "provider:model", group="Compare against", label="Hosted open-weight model", kind="optional_str",
        choices="api", help="The open model served by a provider; empty = the cheapest of the "
        "catalog's offers of the self-hosted model at this workload's mix (the box lists them all "
        "with their prices).", source="data/models.csv hosted_offers, priced by genai-prices"))
    hosted_input_usd_per_mtok: float | None = field(default=None, metadata=spec(
        "USD/1M tokens", 0, 1000, group="Compare against", label="Hosted input price",
        help="Override the catalog's input price.", source="catalog unless set", kind="optional"))
    hosted_cached_input_usd_per_mtok: float | None = field(default=None, metadata=spec(
        "USD/1M tokens", 0, 1000, group="Compare against", label="Hosted cached input price",
        help="Override the catalog's cached input price.", source="catalog unless set",
        kind="optional"))
    hosted_output_usd_per_mtok: float | None = field(default=None, metadata=spec(
        "USD/1M tokens", 0, 1000, group="Compare against", label="Hosted output price",
        help="Override the catalog's output price.", source="catalog unless set", kind="optional"))
    hosted_price_trend_per_year: float = field(default=0.0, metadata=spec(
        "share/year", -0.95, 1, group="Finance", label="Hosted price trend per year",
        help="Annual change of the hosted open model's prices. Range: −50%/yr (providers undercut each "
             "other on new models) to 0 (a given offer's list price rarely moves).",
        source="assumption: 0, list prices of a given offer rarely move (genai-prices history)"))

    # --- Self-hosting ----------------------------------------------------------------------
    open_model: str = field(default="llama-4-scout", metadata=spec(
        "", group="Self-hosting", label="Open-weight model", kind="str", choices="models",
        help="Architecture from data/models.csv.", source="data/models.csv"))
    precision: str = field(default="fp8", metadata=spec(
        "", group="Self-hosting", label="Weight precision", kind="str", choices="precisions",
        help="bf16, fp8, int4 (weight-only) or fp4 (Blackwell only).",
        source="TensorRT-LLM perf tables run FP8 on Hopper"))
    gpu: str = field(default="h100_sxm", metadata=spec(
        "", group="Self-hosting", label="GPU", kind="str", choices="gpus",
        help="From data/gpus.csv.", source="data/gpus.csv"))
    acquisition: str = field(default="on_demand", metadata=spec(
        "", group="Self-hosting", label="Rent or buy", kind="str", choices="acquisitions",
        help="on_demand, reserved_1y, reserved_3y (rent, billed 730 h/month per GPU) or buy.",
        source=""))
    gpu_hour_usd: float | None = field(default=None, metadata=spec(
        "USD/GPU-hour", 0, 1000, group="Self-hosting", label="On-demand GPU price",
        help="On-demand rent per GPU-hour; empty = the catalog price of the GPU. Reserved "
             "contracts apply their discount to it.", source="data/gpus.csv", kind="optional"))
    reserved_1y_discount: float = field(default=0.35, metadata=spec(
        "share", 0, 0.95, group="Self-hosting", label="1-year reservation discount",
        help="Discount of a 1-year commitment against on-demand.",
        source="digiterialabs.com Q1 2026: 1-year commitments 35-40% below on-demand [2nd]"))
    reserved_3y_discount: float = field(default=0.50, metadata=spec(
        "share", 0, 0.95, group="Self-hosting", label="3-year reservation discount",
        help="Discount of a 3-year commitment against on-demand.",
        source="extrapolated from 1-year discounts (reference: 40-60%)"))
    gpu_price_usd: float | None = field(default=None, metadata=spec(
        "USD/GPU", 0, 1e7, group="Self-hosting", label="Purchase price per GPU",
        help="All-in server cost per GPU (host, network share); empty = catalog price.",
        source="data/gpus.csv", kind="optional"))
    depreciation_years: float = field(default=5.0, metadata=spec(
        "years", 1, 10, group="Self-hosting", label="Useful life",
        help="Straight-line depreciation life; GPUs are replaced at its end. Range: 4-6 years.",
        source="Amazon cut AI servers to 5 years (Feb 2025); neoclouds 4-6 years"))
    residual_value_share: float = field(default=0.10, metadata=spec(
        "share", 0, 1, group="Self-hosting", label="Residual value at end of life",
        help="Resale value at the end of the useful life, as a share of the purchase price. Range: "
             "0-0.25 for 5-year-old datacentre GPUs.",
        source="assumption: 10%, low end for 5-year-old datacentre GPUs (set your own quote)"))
    host_power_factor: float = field(default=1.4, metadata=spec(
        "× GPU TDP", 1, 3, group="Self-hosting", label="Server power per GPU",
        help="Server power per GPU (CPU, memory, fans, network) as a multiple of the GPU's TDP.",
        source="engineering assumption (reference range 1.2-1.6)"))
    power_load_factor: float = field(default=0.7, metadata=spec(
        "share", 0.05, 1, group="Self-hosting", label="Average power draw",
        help="Average draw as a share of the server power.", source="assumption: 0.7, the middle of 0.5-0.9 for inference servers"))
    pue: float = field(default=1.3, metadata=spec(
        "ratio", 1, 3, group="Self-hosting", label="PUE",
        help="Facility power over IT power. Range: 1.1 (hyperscale) to 1.6 (enterprise average).",
        source="Uptime Institute global average 1.56 (2024); hyperscale ~1.1"))
    electricity_usd_per_kwh: float = field(default=0.09, metadata=spec(
        "USD/kWh", 0, 2, group="Self-hosting", label="Electricity price",
        help="Paid for owned GPUs only (rent includes power). Range: $0.06-0.19/kWh US industrial (2025).",
        source="EIA Electric Power Monthly Table 5.6.A, US industrial, Apr 2025: 6-19 ¢"))
    colocation_usd_per_kw_month: float = field(default=190.0, metadata=spec(
        "USD/kW-month", 0, 5000, group="Self-hosting", label="Colocation",
        help="Space and cooling per kW of provisioned server power, owned GPUs only. Range: $150-250/kW-month "
             "(North America wholesale, 2024-25).",
        source="CBRE North America H2 2024: $184.06/kW-month (250-500 kW)"))
    maintenance_share_per_year: float = field(default=0.10, metadata=spec(
        "share/year", 0, 1, group="Self-hosting", label="Maintenance and support",
        help="Yearly support contract and spares as a share of the purchase price.",
        source="assumption; DGX list support is ~20%/yr of the base (supercluster.blog)"))
    target_utilisation: float = field(default=0.6, metadata=spec(
        "share", 0.05, 1, group="Self-hosting", label="Target utilisation at peak",
        help="Share of the operating point's throughput (max load, or the most that meets the "
             "latency targets) a replica is driven to at the peak hour: headroom for bursts "
             "within the hour and queueing. With no latency target it also stands in for one.",
        source="NIM Llama-3.3-70B 2xH100: 68% of saturation at 39 ms/token"))
    min_replicas: int = field(default=1, metadata=spec(
        "replicas", 1, 1000, group="Self-hosting", label="Minimum replicas",
        help="Replicas kept up whatever the load; 2 for high availability.",
        source="assumption: 1, no redundancy (2 for high availability)", kind="int"))
    gpus_per_replica: int | None = field(default=None, metadata=spec(
        "GPUs", 1, 64, group="Self-hosting", label="GPUs per replica",
        help="GPUs that serve one copy of the model; empty = the size (1, 2, 4, 8 GPUs, then whole "
             "servers) with the lowest monthly cost at the current volume and latency target.",
        source="capacity model", kind="optional_int"))
    prefix_cache_hit_share: float | None = field(default=None, metadata=spec(
        "share", 0, 1, group="Self-hosting", label="Prefix-cache hit share", kind="optional",
        help="Share of input tokens your own servers find in their prefix cache (shared system "
             "prompts, documents, chat history): their prefill is skipped. Empty = the same as the "
             "API's cached share of input.",
        source="assumption: equal to the cached share of input unless set (vLLM/SGLang/TRT-LLM "
               "prefix caching serves the same repeated prefixes the API caches)"))
    replica_output_tokens_per_s: float | None = field(default=None, metadata=spec(
        "output tokens/s", 0.1, 1e8, group="Self-hosting", label="Measured replica throughput",
        help="Your own benchmark of one replica's max output tokens/s at your lengths, for the "
             "replica size in GPUs per replica (or the smallest that fits); empty = the measured "
             "table or the calibrated step-time model.",
        source="data/throughput.csv unless set", kind="optional"))
    spot_discount: float = field(default=0.20, metadata=spec(
        "share", 0, 0.95, group="Self-hosting", label="Spot discount",
        help="Discount of spot (interruptible) GPU rent against the on-demand price, for spot "
             "plans. The catalog's on-demand prices are neocloud prices; hyperscaler spot "
             "(40-58% off their own, twice dearer, on-demand) lands at about the same $/GPU-hour.",
        source=SPOT_DISCOUNT_SOURCE))
    spot_overprovision_share: float = field(default=0.10, metadata=spec(
        "share", 0, 2, group="Self-hosting", label="Spot interruption allowance (extra replicas)",
        help="Extra spot replicas kept so that a preempted replica's traffic is served while its "
             "replacement starts, as a share of the replicas the load needs (rounded up).",
        source=SPOT_ALLOWANCE_SOURCE))
    spot_fallback_share: float = field(default=0.10, metadata=spec(
        "share", 0, 1, group="Self-hosting", label="Spot hours on on-demand fallback",
        help="Share of spot GPU-hours that must run on on-demand GPUs instead (no spot capacity, "
             "or recovery after a preemption); paid at the on-demand price.",
        source=SPOT_ALLOWANCE_SOURCE))
    autoscale_lag_minutes: float = field(default=10.0, metadata=spec(
        "minutes", 0, 60, group="Self-hosting", label="Autoscaling scale-up lag",
        help="Minutes from asking for a replica to it serving (boot, image pull, model load). "
             "Autoscaled plans start replicas this early and pay for the wait.",
        source=AUTOSCALE_LAG_SOURCE))
    gpu_price_trend_per_year: float = field(default=0.0, metadata=spec(
        "share/year", -0.95, 1, group="Finance", label="GPU price trend per year",
        help="Annual change of GPU rent and purchase prices for capacity added later. The market "
             "moved both ways: H100 rent fell about 30%/year through 2024-25, then 1-year H100 "
             "rates rose about 38% from October 2025 to March 2026. Range: −30% to +40%/year.",
        source="no trend: 1-year H100 rental $1.70/h (Oct 2025) -> $2.35/h (Mar 2026), SemiAnalysis "
               "'The Great GPU Shortage' (newsletter.semianalysis.com), as quoted by techreaderdaily.com "
               "(2026-04)"))

    # --- Team ------------------------------------------------------------------------------
    staff_fte: float = field(default=0.5, metadata=spec(
        "FTE", 0, 100, group="Team", label="Engineering staff",
        help="Full-time engineers running the serving stack (on-call, upgrades, evaluation). Range: "
             "0.25 (a managed stack, one model) to 2+ (several models, 24/7 on-call).",
        source="assumption: half an engineer for one model on rented GPUs"))
    staff_cost_usd_per_year: float = field(default=200000.0, metadata=spec(
        "USD/year", 0, 5e6, group="Team", label="Loaded cost per FTE",
        help="Salary, benefits and overhead per engineer. Range: $150,000-350,000/year (US).",
        source="assumption: ML-infra engineer, US, loaded (≈1.4× a $140k salary)"))
    setup_cost_usd: float = field(default=50000.0, metadata=spec(
        "USD", 0, 1e9, group="Team", label="One-time setup",
        help="Integration, evaluation and security review, paid in month 0. Range: $20,000-200,000.",
        source="assumption: ~3 engineer-months"))
    other_monthly_usd: float = field(default=500.0, metadata=spec(
        "USD/month", 0, 1e9, group="Team", label="Other monthly costs",
        help="Monitoring, storage, networking, licences. Range: $200-2,000/month.",
        source="assumption: $500/month"))

    # --- Finance ---------------------------------------------------------------------------
    horizon_months: int = field(default=36, metadata=spec(
        "months", 1, 120, group="Finance", label="Horizon", kind="int",
        help="Months of cash flow in the payback and NPV.", source="3-year planning horizon"))
    discount_rate: float = field(default=0.10, metadata=spec(
        "share/year", -0.5, 1, group="Finance", label="Discount rate",
        help="Annual rate for the NPV (your cost of capital). Range: 6-15%/year for most firms.",
        source="assumption: 10%/year, a common corporate hurdle rate"))

    # --- Uncertainty -----------------------------------------------------------------------
    uncertainty_spread: float = field(default=1.0, metadata=spec(
        "× default spread", 0, 5, group="Uncertainty", label="Width of the uncertainty bands",
        help="Scales every uncertain input's default spread (tco/uncertainty.py lists them with "
             "their sources): 0 = no uncertainty, 1 = the sourced defaults, 2 = twice as wide.",
        source="tco/uncertainty.py"))
    uncertainty_seed: int = field(default=20261201, metadata=spec(
        "", 0, 2**31 - 1, group="Uncertainty", label="Random seed", kind="int",
        help="Seed of the Latin hypercube draws: the same link draws the same bands.",
        source="any whole number"))
    spread_volume: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the volume (month 1)",
        help="Multiplies the default spread of the volume (month 1) (lognormal, P10-P90 ÷1.5 to ×1.5) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))
    spread_growth: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the volume growth",
        help="Multiplies the default spread of the volume growth (normal, ±2 points a month (1 s.d.)) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))
    spread_api_trend: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the API price trend",
        help="Multiplies the default spread of the API price trend (triangular, −50% to +30% a year around the input) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))
    spread_hosted_trend: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the hosted price trend",
        help="Multiplies the default spread of the hosted price trend (triangular, −50% to +30% a year around the input) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))
    spread_gpu_trend: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the GPU price trend",
        help="Multiplies the default spread of the GPU price trend (triangular, −30% to +40% a year around the input) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))
    spread_throughput: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the replica throughput",
        help="Multiplies the default spread of the replica throughput (lognormal factor, σ from the capacity model's leave-one-out error) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))
    spread_utilisation: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the target utilisation",
        help="Multiplies the default spread of the target utilisation (triangular, ±15 points) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))
    spread_staff: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the staff",
        help="Multiplies the default spread of the staff (triangular, 0.75× to 2× the input) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))
    spread_setup: float = field(default=1.0, metadata=spec(
        "× its default spread", 0, 5, group="Uncertainty", label="Spread of the setup cost",
        help="Multiplies the default spread of the setup cost (triangular, 0.8× to 2× the input) on top of the width of the "
             "bands: 0 holds it at its value, 2 draws it twice as wide.",
        source="tco/uncertainty.py"))

    def __post_init__(self) -> None:
        validate(self)

    def replace(self, **changes: Any) -> "Scenario":
        """A copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)


FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(Scenario)}
NUMERIC_KINDS = ("float", "int", "optional", "optional_int")
NUMERIC_KEYS = tuple(k for k, f in FIELDS.items() if f.metadata["kind"] in NUMERIC_KINDS)


def meta(key: str) -> dict[str, Any]:
    """The metadata of input ``key`` (unit, range, group, label, help, source)."""
    return FIELDS[key].metadata


def choices(key: str) -> tuple[str, ...] | None:
    """Allowed values of a categorical input, read from the catalogs."""
    kind = meta(key)["choices"]
    if kind is None:
        return None
    if kind == "precisions":
        return PRECISIONS
    if kind == "acquisitions":
        return ACQUISITIONS
    if kind == "profiles":  # named profiles; custom:v0,...,v23 is allowed too (see check_value)
        from tco import load
        return load.profile_names()
    from tco import catalog
    if kind == "models":
        return tuple(catalog.models())
    if kind == "gpus":
        return tuple(catalog.gpus())
    return None  # "api": any id genai-prices resolves; checked in tco.prices


def range_text(key: str) -> str:
    m = meta(key)
    left = "(" if m["lo_open"] else "["
    return f"{left}{_num(m['lo'])}, {_num(m['hi'])}] {m['unit']}".rstrip()


def _num(x: float) -> str:
    return f"{x:g}"


def check_value(key: str, value: Any) -> Any:
    """Return ``value`` if it is allowed for ``key``; else raise ValueError naming key and range."""
    if key not in FIELDS:
        raise ValueError(f"unknown input `{key}`; `python -m tco keys` lists them")
    m = meta(key)
    kind = m["kind"]
    if kind in ("optional", "optional_str", "optional_int") and value is None:
        return None
    if kind in ("str", "optional_str"):
        if not isinstance(value, str) or not value:
            raise ValueError(f"`{key}` must be a non-empty text")
        if m["choices"] == "profiles":
            from tco import load
            try:
                return load.check(value)
            except ValueError as e:
                raise ValueError(f"`{key}`: {e}") from None
        allowed = choices(key)
        if allowed is not None and value not in allowed:
            raise ValueError(f"`{key}` = {value!r} is not one of: {', '.join(allowed)}")
        if m["choices"] == "api" and (":" not in value or len(value) > 200):
            raise ValueError(f"`{key}` = {value!r} must be written provider:model, "
                             "e.g. openai:gpt-5")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"`{key}` must be a number in {range_text(key)}, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"`{key}` must be a finite number in {range_text(key)}")
    if kind in ("int", "optional_int") and value != int(value):
        raise ValueError(f"`{key}` must be a whole number in {range_text(key)}")
    lo, hi = m["lo"], m["hi"]
    too_low = value <= lo if m["lo_open"] else value < lo
    if too_low or value > hi:
        raise ValueError(f"`{key}` = {_num(value)} is outside the allowed range {range_text(key)}")
    return int(value) if kind in ("int", "optional_int") else float(value)


def validate(s: Scenario) -> None:
    """Raise ValueError naming the first field outside its allowed range (see :func:`check_value`)."""
    for key in FIELDS:
        check_value(key, getattr(s, key))
    if s.private_share + s.frontier_share > 1 + 1e-12:
        raise ValueError(f"`private_share` = {s.private_share:g} plus `frontier_share` = {s.frontier_share:g} "
                         "must be at most 1 (the two shares of the traffic cannot overlap)")
    if s.precision == "fp4":
        from tco import catalog
        if not catalog.gpus()[s.gpu].fp4_tflops:
            raise ValueError(f"`precision` = fp4 needs a GPU with FP4 tensor cores (B200); "
                             f"{catalog.gpus()[s.gpu].name} has none")


def parse_value(key: str, text: str) -> Any:
    """Parse the text form of an input (command line, link) into its typed, checked value."""
    if key not in FIELDS:
        raise ValueError(f"unknown input `{key}`; `python -m tco keys` lists them")
    kind = meta(key)["kind"]
    text = text.strip()
    if kind in ("optional", "optional_str", "optional_int") and text.lower() in ("", "none", "null", "default"):
        return None
    if kind in ("str", "optional_str"):
        return check_value(key, text)
    # ASCII digits only: Python's float() also reads '5_0', Arabic-Indic and full-width digits
    if not _NUMBER_TEXT.fullmatch(text):
        raise ValueError(f"`{key}` = {text[:40]!r} is not a number; expected {range_text(key)}")
    value = float(text) + 0.0  # + 0.0: '-0' is 0
    if kind in ("int", "optional_int") and math.isfinite(value) and value == int(value):
        value = int(value)
    return check_value(key, value)


#: A number as links and the command line write it: ASCII digits, optional sign, point and
#: exponent; 'inf' and 'nan' pass here so that check_value names them as not finite.
_NUMBER_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|infinity|nan)", re.IGNORECASE | re.ASCII)


def format_value(key: str, value: Any) -> str:
    """The shortest text that :func:`parse_value` reads back to exactly ``value``."""
    if value is None:
        return "default"
    if isinstance(value, str):
        return value
    if meta(key)["kind"] in ("int", "optional_int"):
        return str(int(value))
    return repr(float(value)) if float(value) != int(value) or abs(value) >= 1e16 else _short(value)


def _short(value: float) -> str:
    """Integers as ``2e9`` or ``500``; whichever is shorter and still exact."""
    as_int = str(int(value))
    sci = f"{value:g}"
    return sci if float(sci) == value and len(sci) < len(as_int) else as_int


def from_strings(pairs: dict[str, str], base: Scenario | None = None) -> Scenario:
    """A Scenario from ``{key: text}``, on top of ``base`` (default: the defaults)."""
    changes = {k: parse_value(k, v) for k, v in pairs.items()}
    return dataclasses.replace(base or Scenario(), **changes)


def to_dict(s: Scenario) -> dict[str, Any]:
    return dataclasses.asdict(s)

"""How many GPUs: memory fit, replica throughput (measured or calibrated roofline), fleet size.

Conventions: throughput is the *maximum sustained output tokens per second of one replica* under
offline max load at the workload's request shape (input tokens ``I``, output tokens ``O`` per
request), the same quantity the TensorRT-LLM perf tables report. A replica's capacity in *total*
tokens (input + output) per second is that times ``(I + O) / O``. The fleet is sized so that at the
peak hour each replica runs at ``target_utilisation`` of that maximum.

Functions broadcast over numpy arrays of ``I`` and ``O``; catalog records (model, GPU) are scalars.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

from tco import catalog
from tco.catalog import Gpu, Measurement, Model

HOURS_PER_MONTH = 730.0  # 8,760 h / 12
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0

#: Bytes per parameter. fp8 and int4 carry block scales and keep embeddings/router in bf16:
#: "fp8 ≈ 1.0-1.05·P, int4 ≈ 0.5-0.55·P" (reference §3); NVFP4 = 4 bits + an fp8 scale per 16.
BYTES_PER_PARAM = {"bf16": 2.0, "fp8": 1.03, "int4": 0.53, "fp4": 0.5625}
#: KV cache in fp8 for quantised runs (TensorRT-LLM FP8 runs), bf16 otherwise.
KV_BYTES_FACTOR = {"bf16": 1.0, "fp8": 0.5, "int4": 0.5, "fp4": 0.5}
#: Share of GPU memory usable for weights and KV (TRT-LLM 0.90-0.95; aiconfigurator keeps 3.5 GB).
USABLE_MEMORY_SHARE = 0.90
#: A replica must hold the KV cache of at least this many full-length sequences to be useful.
MIN_USEFUL_BATCH = 16
#: Most sequences a serving engine batches (TensorRT-LLM max batch for offline runs is larger).
MAX_BATCH = 512
#: Achieved fractions of peak bandwidth and compute (aiconfigurator 0.8; llm-analysis 0.54-0.72).
BANDWIDTH_EFFICIENCY = 0.80
COMPUTE_EFFICIENCY = 0.60
#: Efficiency kept per doubling of tensor-parallel GPUs (all-reduce cost), an engineering assumption.
TP_EFFICIENCY_PER_DOUBLING = 0.92
MAX_GPUS_PER_REPLICA = 64


class DoesNotFit(ValueError):
    """The model cannot be served on the chosen GPU at the chosen precision and lengths."""


def weight_bytes(model: Model, precision: str) -> float:
    """Bytes of weights of ``model`` at ``precision``. [B]"""
    return model.total_params_b * 1e9 * BYTES_PER_PARAM[precision]


def kv_bytes_per_token(model: Model, precision: str) -> float:
    """KV-cache bytes per token of context (full attention, all layers). [B/token]"""
    return model.kv_bytes_per_token_bf16 * KV_BYTES_FACTOR[precision]


def replica_sizes(gpu: Gpu) -> list[int]:
    """Candidate GPU counts per replica: 1, 2, 4, 8, then whole nodes."""
    sizes = [g for g in (1, 2, 4, 8) if g <= gpu.gpus_per_node]
    n = gpu.gpus_per_node
    while sizes[-1] + n <= MAX_GPUS_PER_REPLICA:
        sizes.append(sizes[-1] + n if sizes[-1] >= n else n)
    return sorted(set(sizes))


def gpus_per_replica(model: Model, gpu: Gpu, precision: str, input_tokens: float,
                     output_tokens: float) -> int:
    """Smallest GPU count whose usable memory holds the weights plus the KV cache of
    ``MIN_USEFUL_BATCH`` sequences of ``input_tokens + output_tokens``. Raises DoesNotFit."""
    context = input_tokens + output_tokens
    if context > model.max_context:
        raise DoesNotFit(f"{model.name} reads at most {model.max_context:,} tokens per request; "
                         f"the workload needs {context:,.0f} (input + output)")
    need = weight_bytes(model, precision) + MIN_USEFUL_BATCH * context * kv_bytes_per_token(model, precision)
    for g in replica_sizes(gpu):
        if g * gpu.memory_gb * 1e9 * USABLE_MEMORY_SHARE >= need:
            return g
    raise DoesNotFit(
        f"{model.name} at {precision} needs {need / 1e9:,.0f} GB (weights {weight_bytes(model, precision) / 1e9:,.0f} GB "
        f"+ KV cache for {MIN_USEFUL_BATCH} requests of {context:,.0f} tokens); "
        f"{MAX_GPUS_PER_REPLICA}x {gpu.name} offer {MAX_GPUS_PER_REPLICA * gpu.memory_gb * USABLE_MEMORY_SHARE:,.0f} GB usable")


# --- roofline --------------------------------------------------------------------------------

def roofline_output_tokens_per_s(model: Model, gpu: Gpu, precision: str, gpus: int,
                                 input_tokens, output_tokens):
    """Uncalibrated roofline estimate of a replica's max output tokens/s. Broadcasts over lengths.

    Decode step (reference §5, LLM-Viewer / llm-analysis):
        t_step = max((W_touched(B) + B·ctx·KV) / (η_bw·BW), 2·N_act·B / (η_f·F))
    with MoE weights touched by a batch of B under uniform routing
        W_touched = W_dense + W_routed · (1 − (1 − k/E)^B)
    and prefill per request t_pf = (2·N_act·I + 2·L·I²·heads·hd) / (η_f·F).
    B is the largest batch whose KV cache fits (≤ MAX_BATCH); ctx = I + O/2 on average.
    Throughput = B·O / (B·t_pf + O·t_step): B requests each prefill once and decode O steps.
    """
    i = np.asarray(input_tokens, dtype=float)
    o = np.asarray(output_tokens, dtype=float)
    bpp = BYTES_PER_PARAM[precision]
    kv = kv_bytes_per_token(model, precision)
    w_total = weight_bytes(model, precision)
    free = gpus * gpu.memory_gb * 1e9 * USABLE_MEMORY_SHARE - w_total
    batch = np.clip(np.floor(free / (kv * (i + o))), 1, MAX_BATCH)
    tp = TP_EFFICIENCY_PER_DOUBLING ** np.log2(gpus)
    bw = BANDWIDTH_EFFICIENCY * gpu.bandwidth_tb_s * 1e12 * gpus * tp
    flops = COMPUTE_EFFICIENCY * gpu.tflops(precision) * 1e12 * gpus * tp
    n_act = model.active_params_b * 1e9
    if model.is_moe:
        w_routed = model.routed_expert_params_b * 1e9 * bpp
        hit = 1.0 - (1.0 - model.experts_per_token / model.experts) ** batch
        touched = (w_total - w_routed) + w_routed * hit
    else:
        touched = w_total
    ctx = i + o / 2
    t_step = np.maximum((touched + batch * ctx * kv) / bw, 2 * n_act * batch / flops)
    t_prefill = (2 * n_act * i + 2 * model.layers * i**2 * model.heads * model.head_dim) / flops
    return batch * o / (batch * t_prefill + o * t_step)


def _roofline_for(m: Measurement) -> float | None:
    models, gpus = catalog.models(), catalog.gpus()
    if m.model not in models or m.gpu not in gpus or m.precision not in BYTES_PER_PARAM:
        return None
    if m.precision == "fp4" and not gpus[m.gpu].fp4_tflops:
        return None
    return float(roofline_output_tokens_per_s(models[m.model], gpus[m.gpu], m.precision, m.gpus,
                                              m.input_tokens, m.output_tokens))


@functools.cache
def calibration() -> "Calibration":
    """Roofline calibration on the measured table, with its leave-one-out error.

    The factor is the median of measured / roofline over every measured row. Leave-one-out: each
    row is predicted with the factor of all *other* rows; the report gives the median and the
    90th percentile of |predicted / measured − 1|.
    """
    rows, ratios = [], []
    for m in catalog.measurements():
        raw = _roofline_for(m)
        if raw:
            rows.append((m, raw))
            ratios.append(m.output_tokens_per_s / raw)
    r = np.array(ratios)
    errors = []
    for k in range(len(r)):
        factor = np.median(np.delete(r, k))
        errors.append(abs(rows[k][1] * factor / rows[k][0].output_tokens_per_s - 1))
    e = np.array(errors)
    return Calibration(factor=float(np.median(r)), rows=len(r),
                       loo_median_abs_error=float(np.median(e)),
                       loo_p90_abs_error=float(np.quantile(e, 0.9)),
                       loo_errors=tuple((rows[k][0], float(e[k])) for k in range(len(e))))


@dataclass(frozen=True)
class Calibration:
    factor: float
    rows: int
    loo_median_abs_error: float
    loo_p90_abs_error: float
    loo_errors: tuple


# --- measured table ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasuredFit:
    """Seconds of one GPU per request, τ(I, O) = a·I + b·O + c·I·O + d·O², fitted to measured rows.

    a: prefill cost per input token; b: decode cost per output token; c and d: attention and KV
    pressure growing with the context each decode step reads (I + O/2). Fitted by non-negative
    least squares on relative error (scipy.optimize.nnls), with as many terms as there are
    measured shapes (at most four). With one measured shape the roofline's shape is scaled to it.
    """
    a: float
    b: float
    c: float
    d: float
    rows: tuple[Measurement, ...]
    roofline_shape: bool

    def seconds_per_request(self, i, o):
        return self.a * i + self.b * o + self.c * i * o + self.d * o * o


def measured_rows(model_id: str, gpu_id: str, precision: str) -> tuple[Measurement, ...]:
    return tuple(m for m in catalog.measurements()
                 if (m.model, m.gpu, m.precision) == (model_id, gpu_id, precision))


@functools.cache
def measured_fit(model_id: str, gpu_id: str, precision: str) -> MeasuredFit | None:
    rows = measured_rows(model_id, gpu_id, precision)
    if not rows:
        return None
    i = np.array([m.input_tokens for m in rows])
    o = np.array([m.output_tokens for m in rows])
    tau = np.array([m.gpus * m.output_tokens / m.output_tokens_per_s for m in rows])  # GPU-s/request
    shapes = {(m.input_tokens, m.output_tokens) for m in rows}
    if len(shapes) >= 2:
        cols = [i, o, i * o, o * o][:min(len(shapes), 4)]
        design = np.column_stack(cols) / tau[:, None]
        coef, _ = nnls(design, np.ones(len(rows)))
        coef = np.append(coef, [0.0] * (4 - len(coef)))
        if coef[1] > 0:
            return MeasuredFit(*map(float, coef), rows=rows, roofline_shape=False)
    return MeasuredFit(0.0, 0.0, 0.0, 0.0, rows=rows, roofline_shape=True)


@dataclass(frozen=True)
class Throughput:
    """One replica's max output tokens/s and where the number comes from."""
    output_tokens_per_s: object  # float or array, broadcast over lengths
    source: str                  # "measured", "roofline" or "user"
    detail: str


def replica_throughput(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens,
                       output_tokens, override: float | None = None) -> Throughput:
    """Max output tokens/s of a replica of ``gpus`` GPUs at the workload's lengths."""
    if override is not None:
        return Throughput(override, "user", "your measured replica throughput")
    fit = measured_fit(model.id, gpu.id, precision)
    i = np.asarray(input_tokens, dtype=float)
    o = np.asarray(output_tokens, dtype=float)
    raw = roofline_output_tokens_per_s(model, gpu, precision, gpus, i, o)
    if fit is not None and not fit.roofline_shape:
        measured_gpus = max({m.gpus for m in fit.rows}, key=[m.gpus for m in fit.rows].count)
        at_measured = o / fit.seconds_per_request(i, o) * measured_gpus
        text = (f"interpolated on {len(fit.rows)} measured shapes of {measured_gpus}x {gpu.name} "
                f"({fit.rows[0].framework}, {fit.rows[0].source})")
        if measured_gpus == gpus:
            return Throughput(at_measured, "measured", text)
        # another GPU count: the roofline carries the measured figure over (more or less KV room
        # changes the batch, so throughput is not proportional to GPUs)
        ratio = raw / roofline_output_tokens_per_s(model, gpu, precision, measured_gpus, i, o)
        return Throughput(at_measured * ratio, "measured",
                          f"{text}, carried to {gpus} GPUs by the roofline ratio {float(np.mean(ratio)):.2f}")
    if fit is not None:  # one measured shape: roofline shape anchored to it
        m = fit.rows[0]
        anchor = m.output_tokens_per_s / m.gpus * gpus
        at_anchor = roofline_output_tokens_per_s(model, gpu, precision, gpus, m.input_tokens, m.output_tokens)
        return Throughput(anchor * raw / at_anchor, "measured",
                          f"measured at {m.input_tokens:g}/{m.output_tokens:g} ({m.gpus} GPUs, "
                          f"{m.framework}), scaled to your lengths by the roofline; {m.source}")
    cal = calibration()
    return Throughput(raw * cal.factor, "roofline",
                      f"roofline estimate x {cal.factor:.2f} calibration on {cal.rows} measured rows "
                      f"(leave-one-out median error {cal.loo_median_abs_error:.0%})")


# --- fleet -----------------------------------------------------------------------------------

def replica_tokens_per_month(output_tokens_per_s, input_tokens, output_tokens, target_utilisation,
                             peak_to_average):
    """Monthly tokens (input + output) one replica serves when the peak hour runs it at the target.

        v = T_out · (I + O)/O · u_target · seconds/month / peak_to_average        [tokens/month]
    """
    return (np.asarray(output_tokens_per_s) * (input_tokens + output_tokens) / output_tokens
            * target_utilisation * SECONDS_PER_MONTH / peak_to_average)


def replicas_needed(tokens_per_month, replica_tokens, min_replicas):
    """Replicas = max(min_replicas, ceil(volume / tokens one replica serves)). Broadcasts."""
    return np.maximum(min_replicas, np.ceil(np.asarray(tokens_per_month) / replica_tokens))


def utilisation(tokens_per_month, replicas, output_tokens_per_s, input_tokens, output_tokens):
    """Average share of the fleet's max-load throughput the volume uses (24 h x 30.4 d)."""
    full = replicas * output_tokens_per_s * (input_tokens + output_tokens) / output_tokens * SECONDS_PER_MONTH
    return np.asarray(tokens_per_month) / full

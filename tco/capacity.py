"""How many GPUs: memory fit, replica throughput at a latency target, fleet size.

Conventions: a replica's *max-load* throughput is the most output tokens per second it sustains at
the workload's request shape (input tokens ``I``, output tokens ``O`` per request), the quantity the
TensorRT-LLM perf tables report; its *operating point* is the largest concurrency (sequences in
flight) that meets the latency targets (time to first token, output tokens/s per user) and fits the
KV cache, and the throughput there. A replica's capacity in *total* tokens (input + output) per
second is its output tokens/s times ``(I + O) / O``. The fleet is sized so that at the peak hour
each replica runs at ``target_utilisation`` of its operating-point throughput.

The step-time model (:func:`decode_step_s`, :func:`prefill_s`, :func:`curve`) gives, for ``B``
concurrent sequences, the time of one decode step (weights read once per step, the KV cache read
per sequence, compute per token, the MoE experts a batch touches, fixed costs per layer and per
sequence) and the prefill time of one request (its uncached input tokens). With prefill chunks
interleaved into the decode steps, one request lives ``B·t_prefill + O·t_step(B)`` seconds, so

    per-user speed = O / (B·t_prefill + O·t_step(B))        [output tokens/s per user]
    throughput     = B · per-user speed                      [output tokens/s per replica]

Its constants are fitted (:func:`fit_step_constants`) on the measured latency curves
(``data/latency_curves.csv``) and max-load rows (``data/throughput.csv``) together. Where curves are
measured for the configuration (model, GPU, precision, GPU count) at two shapes or more, its own
constants are refitted on them (:func:`config_constants`). The curve is trusted as it is up to the
largest concurrency the curves measured (:func:`curve_anchor`) and scaled from there, log-linearly
in the concurrency, to pass through the max-load figure (measured or calibrated) at the KV-limited
concurrency (:func:`scale_at`): the max-load tables are tuned runs at the largest batches, and
carrying their ratio down to a few sequences in flight made the latency points 4x worse in
validation (:func:`curve_validation_engine`).

Every function broadcasts over numpy arrays of lengths, concurrency, cached shares and targets;
catalog records (model, GPU) and GPU counts are scalars.
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
#: Most sequences a replica batches: trtllm-bench's default max batch size (2,048).
MAX_BATCH = 2048
MAX_GPUS_PER_REPLICA = 64
#: Tokens of a prompt prefilled per decode step with chunked prefill: 5000-token prompts reach
#: their first token after about 7 decode steps in NIM 1.8.0 (Llama 3.3 70B, 2x H100, TTFT −
#: TTFT at concurrency 1 ≈ 7 × ITL at concurrencies 25 and 50; data/latency_curves.csv).
PREFILL_CHUNK_TOKENS = 768
#: GPUs whose servers have no fast inter-node link (PCIe cards in Ethernet-connected servers, no
#: NVLink/InfiniBand scale-out in a typical rental): a replica spanning servers pipelines its layers
#: over the network. NVIDIA product briefs: L4, L40S and H100 PCIe are PCIe cards (NVLink bridge at
#: most between pairs).
NO_FAST_INTERNODE_LINK = frozenset({"l4", "l40s", "h100_pcie"})
#: Network between such servers: 100 Gb/s Ethernet (12.5 GB/s) with 30 µs per transfer, an
#: engineering assumption for a rented PCIe server (RoCE latency 2-10 µs, TCP 20-50 µs).
INTERNODE_BYTES_PER_S = 12.5e9
INTERNODE_LATENCY_S = 30e-6
#: A replica of such GPUs spans at most this many servers (pipeline stages over Ethernet); beyond
#: it does not fit. vLLM's multi-node guide runs pipeline parallelism across nodes without
#: InfiniBand but warns of the slowdown; 4 stages is the limit this model stands behind.
MAX_SERVERS_WITHOUT_FAST_LINK = 4


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


def servers_spanned(gpu: Gpu, gpus: int) -> int:
    """Servers a replica of ``gpus`` GPUs occupies (``gpus_per_node`` GPUs per server)."""
    return -(-int(gpus) // gpu.gpus_per_node)


def slow_link_servers(gpu: Gpu, gpus: int) -> int:
    """Servers a replica spans over a slow (Ethernet) link: 0 when it has a fast link or one server."""
    n = servers_spanned(gpu, gpus)
    return n if gpu.id in NO_FAST_INTERNODE_LINK and n > 1 else 0


def usable_bytes(gpu: Gpu, gpus) -> float:
    """Memory a replica of ``gpus`` GPUs offers for weights and KV cache [B]."""
    return gpus * gpu.memory_gb * 1e9 * USABLE_MEMORY_SHARE


def memory_needed(model: Model, precision: str, context):
    """Bytes a replica must hold: the weights plus the KV cache of ``MIN_USEFUL_BATCH`` sequences
    of ``context`` tokens (input + output; arrays broadcast)."""
    return weight_bytes(model, precision) + MIN_USEFUL_BATCH * context * kv_bytes_per_token(model, precision)


def fits(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens, output_tokens):
    """A replica of ``gpus`` GPUs can serve the workload: the request fits the model's context
    window, the weights plus the KV cache of ``MIN_USEFUL_BATCH`` full sequences fit in usable
    memory, and the replica does not span more servers than its interconnect allows. Array lengths
    give an array of bools (the sweeps over lengths use it); scalars give a bool."""
    context = np.asarray(input_tokens, dtype=float) + np.asarray(output_tokens, dtype=float)
    ok = ((usable_bytes(gpu, gpus) >= memory_needed(model, precision, context))
          & (context <= model.max_context)
          & (slow_link_servers(gpu, gpus) <= MAX_SERVERS_WITHOUT_FAST_LINK))
    return bool(ok) if np.ndim(ok) == 0 else ok


def gpus_per_replica(model: Model, gpu: Gpu, precision: str, input_tokens: float,
                     output_tokens: float) -> int:
    """Smallest GPU count whose usable memory holds the weights plus the KV cache of
    ``MIN_USEFUL_BATCH`` sequences of ``input_tokens + output_tokens``. Raises DoesNotFit."""
    context = input_tokens + output_tokens
    if context > model.max_context:
        raise DoesNotFit(f"{model.name} reads at most {model.max_context:,} tokens per request; "
                         f"the workload needs {context:,.0f} (input + output)")
    need = memory_needed(model, precision, context)
    for g in replica_sizes(gpu):
        if usable_bytes(gpu, g) >= need:
            if slow_link_servers(gpu, g) > MAX_SERVERS_WITHOUT_FAST_LINK:
                raise DoesNotFit(
                    f"{model.name} at {precision} needs {g} {gpu.name} ({servers_spanned(gpu, g)} servers); "
                    f"{gpu.name} servers have no fast inter-node link and a replica may span at most "
                    f"{MAX_SERVERS_WITHOUT_FAST_LINK} of them")
            return g
    raise DoesNotFit(
        f"{model.name} at {precision} needs {need / 1e9:,.0f} GB (weights {weight_bytes(model, precision) / 1e9:,.0f} GB "
        f"+ KV cache for {MIN_USEFUL_BATCH} requests of {context:,.0f} tokens); "
        f"{MAX_GPUS_PER_REPLICA}× {gpu.name} offer {usable_bytes(gpu, MAX_GPUS_PER_REPLICA) / 1e9:,.0f} GB usable")


# --- step-time model ------------------------------------------------------------------------

@dataclass(frozen=True)
class StepConstants:
    """Fitted constants of the step-time model (see :func:`fit_step_constants`)."""
    layer_overhead_s: float          # fixed time per layer per decode step (launches, syncs) [s]
    bandwidth_efficiency: float      # achieved share of peak memory bandwidth
    compute_efficiency: float        # achieved share of peak dense tensor FLOPS
    tp_efficiency_per_doubling: float  # kept per doubling of the GPUs of a replica (all-reduce)
    sequence_overhead_s: float       # per sequence per decode step (sampling, scheduling) [s]
    kv_efficiency: float             # the KV cache's reads relative to the weights' bandwidth

    def astuple(self) -> tuple[float, ...]:
        return (self.layer_overhead_s, self.bandwidth_efficiency, self.compute_efficiency,
                self.tp_efficiency_per_doubling, self.sequence_overhead_s, self.kv_efficiency)


#: The constants fitted on data/latency_curves.csv and data/throughput.csv by
#: :func:`fit_step_constants` (a test refits and checks these). Starting values for the fit:
#: aiconfigurator's 0.8 bandwidth efficiency, llm-analysis's 0.54-0.72 compute efficiency. The
#: bandwidth efficiency sits at its upper bound, 0.92 (about the most a GPU's memory delivers to a
#: streaming kernel); the KV cache's reads go at about half that (attention kernels gather paged
#: blocks): with one efficiency for both, the model was 60-130% fast at 7,000-token prompts.
STEP = StepConstants(layer_overhead_s=1.0965e-04, bandwidth_efficiency=0.92,
                     compute_efficiency=0.53236, tp_efficiency_per_doubling=0.85971,
                     sequence_overhead_s=1.1683e-05, kv_efficiency=0.49357)
_FIT_START = StepConstants(1e-4, 0.8, 0.6, 0.92, 1e-5, 0.6)
_FIT_LOWER = StepConstants(0.0, 0.1, 0.05, 0.5, 0.0, 0.05)
_FIT_UPPER = StepConstants(1e-3, 0.92, 1.0, 1.0, 1e-3, 1.0)


def _rates(model: Model, gpu: Gpu, precision: str, gpus: int, k: StepConstants) -> tuple[float, float]:
    """Achieved bandwidth [B/s] and compute [FLOP/s] of a replica of ``gpus`` GPUs."""
    tp = k.tp_efficiency_per_doubling ** np.log2(gpus)
    return (k.bandwidth_efficiency * gpu.bandwidth_tb_s * 1e12 * gpus * tp,
            k.compute_efficiency * gpu.tflops(precision) * 1e12 * gpus * tp)


def max_concurrency(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens, output_tokens):
    """Most sequences whose KV cache fits beside the weights, at their average context I + O/2
    (paged KV: sequences in flight are on average half-way through their output), ≤ MAX_BATCH.
    At least 1. Broadcasts over lengths."""
    i = np.asarray(input_tokens, dtype=float)
    o = np.asarray(output_tokens, dtype=float)
    free = usable_bytes(gpu, gpus) - weight_bytes(model, precision)
    return np.clip(np.floor(free / (kv_bytes_per_token(model, precision) * (i + o / 2))), 1, MAX_BATCH)


def decode_step_s(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens, output_tokens,
                  concurrency, k: StepConstants = STEP):
    """Seconds of one decode step of ``concurrency`` sequences (B):

        t_step = L·τ + B·σ + max(W_touched(B) / BW + B·ctx·KV / (η_kv·BW), 2·N_active·B / F) + t_net(B)

    L layers with a fixed cost τ each, σ per sequence, W_touched the weights read (MoE: dense part
    + routed experts · (1 − (1 − k/E)^B), the share of experts a batch of B touches under uniform
    routing), ctx = I + O/2 the average context, KV bytes per token read at η_kv of the weights'
    bandwidth, BW and F the achieved bandwidth and compute of the replica; t_net the activation transfers between servers over a
    slow link (:data:`NO_FAST_INTERNODE_LINK`). Broadcasts."""
    i = np.asarray(input_tokens, dtype=float)
    o = np.asarray(output_tokens, dtype=float)
    b = np.asarray(concurrency, dtype=float)
    bw, flops = _rates(model, gpu, precision, gpus, k)
    w_total = weight_bytes(model, precision)
    if model.is_moe:
        w_routed = model.routed_expert_params_b * 1e9 * BYTES_PER_PARAM[precision]
        hit = 1.0 - (1.0 - model.experts_per_token / model.experts) ** b
        touched = (w_total - w_routed) + w_routed * hit
    else:
        touched = w_total
    memory = touched / bw + b * (i + o / 2) * kv_bytes_per_token(model, precision) / (bw * k.kv_efficiency)
    compute = 2 * model.active_params_b * 1e9 * b / flops
    step = model.layers * k.layer_overhead_s + b * k.sequence_overhead_s + np.maximum(memory, compute)
    hops = max(slow_link_servers(gpu, gpus) - 1, 0)
    if hops:  # one activation vector per sequence crosses each server boundary per step (bf16)
        step = step + hops * (INTERNODE_LATENCY_S + b * model.hidden * 2 / INTERNODE_BYTES_PER_S)
    return step


def prefill_s(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens, cached_share=0.0,
              k: StepConstants = STEP):
    """Seconds of compute to prefill one request whose first ``cached_share`` of the input is
    served from the prefix cache:

        t_prefill = (2·N_active·I_new + 2·L·heads·head_dim·(I² − I_cached²)) / F

    I_new = I·(1 − cached share) tokens run through the weights; each attends to every earlier
    token (attention FLOPs grow with the square of the prompt; cached tokens skip theirs). Plus the
    activations of the new tokens crossing slow server links. Broadcasts."""
    i = np.asarray(input_tokens, dtype=float)
    c = np.clip(np.asarray(cached_share, dtype=float), 0.0, 1.0)
    new = i * (1 - c)
    cached = i - new
    _, flops = _rates(model, gpu, precision, gpus, k)
    t = (2 * model.active_params_b * 1e9 * new
         + 2 * model.layers * model.heads * model.head_dim * (i**2 - cached**2)) / flops
    hops = max(slow_link_servers(gpu, gpus) - 1, 0)
    if hops:
        t = t + hops * new * model.hidden * 2 / INTERNODE_BYTES_PER_S
    return t


@dataclass(frozen=True)
class Curve:
    """What a replica delivers at a concurrency (arrays, broadcast shape)."""
    concurrency: object
    output_tokens_per_s: object            # the replica's output tokens/s
    output_tokens_per_s_per_user: object   # each sequence's output tokens/s (1 / time per token)
    ttft_s: object                         # time to first token


def curve(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens, output_tokens, concurrency,
          cached_share=0.0, scale=1.0, k: StepConstants = STEP) -> Curve:
    """Throughput, per-user speed and TTFT at ``concurrency`` sequences in flight.

    One request lives B·t_prefill + O·t_step(B) seconds (the prefills of the B − 1 others are
    interleaved into its decode steps), so per-user speed u = O / (B·t_prefill + O·t_step) and
    throughput = B·u. TTFT = t_prefill + ceil(I_new / PREFILL_CHUNK_TOKENS)·t_step (chunked prefill
    shares each step with the decodes of the others). ``scale`` multiplies all speeds (divides all
    times): the ratio of a measured max-load figure to the model's. Broadcasts."""
    i = np.asarray(input_tokens, dtype=float)
    o = np.asarray(output_tokens, dtype=float)
    b = np.asarray(concurrency, dtype=float)
    step = decode_step_s(model, gpu, precision, gpus, i, o, b, k)
    pf = prefill_s(model, gpu, precision, gpus, i, cached_share, k)
    per_user = np.asarray(scale) * o / (b * pf + o * step)
    chunks = np.maximum(np.ceil(i * (1 - np.clip(cached_share, 0, 1)) / PREFILL_CHUNK_TOKENS), 1)
    ttft = (pf + chunks * step) / np.asarray(scale)
    return Curve(b, b * per_user, per_user, ttft)


def model_max_load(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens, output_tokens,
                   k: StepConstants = STEP):
    """The step-time model's output tokens/s at the KV-limited concurrency (no cache hits)."""
    b = max_concurrency(model, gpu, precision, gpus, input_tokens, output_tokens)
    return curve(model, gpu, precision, gpus, input_tokens, output_tokens, b, 0.0, 1.0, k).output_tokens_per_s


def roofline_output_tokens_per_s(model: Model, gpu: Gpu, precision: str, gpus: int,
                                 input_tokens, output_tokens):
    """Calibrated model estimate of a replica's max-load output tokens/s (broadcasts over lengths):
    the step-time model at the KV-limited concurrency times the calibration factor of its class."""
    return model_max_load(model, gpu, precision, gpus, input_tokens, output_tokens) * calibration().factor(model)


# --- data the model is fitted on -------------------------------------------------------------

def _known(model_id: str, gpu_id: str, precision: str) -> bool:
    models, gpus = catalog.models(), catalog.gpus()
    if model_id not in models or gpu_id not in gpus or precision not in BYTES_PER_PARAM:
        return False
    return precision != "fp4" or bool(gpus[gpu_id].fp4_tflops)


@functools.cache
def curve_points() -> tuple[catalog.CurvePoint, ...]:
    """Latency-curve points used for fitting and validation: known model/GPU, below saturation.

    A point is saturated when it serves less than 5% more than the previous concurrency of its
    curve (more requests in flight only queue; TTFT then grows without bound), and every later
    point of that curve is too."""
    out, prev, saturated = [], {}, set()
    for p in sorted(catalog.latency_curves(), key=lambda p: (p.curve_key, p.concurrency)):
        if not _known(p.model, p.gpu, p.precision):
            continue
        last = prev.get(p.curve_key)
        if p.curve_key in saturated or (last is not None and p.output_tokens_per_s < 1.05 * last):
            saturated.add(p.curve_key)
            continue
        prev[p.curve_key] = p.output_tokens_per_s
        out.append(p)
    return tuple(out)


def max_rows() -> tuple[Measurement, ...]:
    return tuple(m for m in catalog.measurements() if _known(m.model, m.gpu, m.precision))


def _groups(rows, attr_b):
    """Rows grouped by configuration, as arrays: {(model, gpu, precision, gpus): (index, I, O, B)}."""
    groups: dict[tuple, list[int]] = {}
    for n, r in enumerate(rows):
        groups.setdefault((r.model, r.gpu, r.precision, r.gpus), []).append(n)
    out = {}
    for key, idx in groups.items():
        sel = [rows[n] for n in idx]
        out[key] = (np.array(idx), np.array([r.input_tokens for r in sel], dtype=float),
                    np.array([r.output_tokens for r in sel], dtype=float),
                    None if attr_b is None else np.array([getattr(r, attr_b) for r in sel], dtype=float))
    return out


def _predict_curve_points(points, k: StepConstants) -> np.ndarray:
    """Model output tokens/s of a replica at each point's measured concurrency."""
    out = np.empty(len(points))
    models, gpus = catalog.models(), catalog.gpus()
    for (m, g, prec, n), (idx, i, o, b) in _groups(points, "concurrency").items():
        out[idx] = curve(models[m], gpus[g], prec, n, i, o, b, 0.0, 1.0, k).output_tokens_per_s
    return out


def _predict_max_rows(rows, k: StepConstants) -> np.ndarray:
    out = np.empty(len(rows))
    models, gpus = catalog.models(), catalog.gpus()
    for (m, g, prec, n), (idx, i, o, _) in _groups(rows, None).items():
        out[idx] = model_max_load(models[m], gpus[g], prec, n, i, o, k)
    return out


def fit_step_constants(points=None, rows=None, start: StepConstants | None = None) -> StepConstants:
    """Least squares (scipy.optimize.least_squares) on the log ratio model / measured of every
    latency-curve point below saturation (throughput at its concurrency) and every max-load row
    (throughput at the KV-limited concurrency) together."""
    from scipy.optimize import least_squares
    points = curve_points() if points is None else points
    rows = max_rows() if rows is None else rows
    measured = np.log(np.array([p.output_tokens_per_s for p in points] + [r.output_tokens_per_s for r in rows]))

    def residuals(x):
        k = StepConstants(*x)
        return np.log(np.concatenate([_predict_curve_points(points, k), _predict_max_rows(rows, k)])) - measured

    fit = least_squares(residuals, (start or _FIT_START).astuple(), bounds=(_FIT_LOWER.astuple(), _FIT_UPPER.astuple()),
                        x_scale=np.array(_FIT_START.astuple()), xtol=1e-8, ftol=1e-8)
    return StepConstants(*map(float, fit.x))


#: The constants a configuration's own curves set (layer, bandwidth, compute, per-sequence, KV terms);
#: the tensor-parallel loss stays the global fit's (one GPU count per configuration cannot tell it
#: from the bandwidth and compute efficiencies).
_CONFIG_FREE = (0, 1, 2, 4, 5)
#: Measured shapes a configuration needs before its own constants replace the global ones.
MIN_CONFIG_SHAPES = 2


def fit_config_constants(points, base: StepConstants | None = None) -> StepConstants:
    """The step constants refitted on the curve points of one configuration: least squares on the
    log ratio model / measured of throughput at each point's concurrency, starting from (and
    keeping the tensor-parallel term of) ``base`` (default: the global fit)."""
    from scipy.optimize import least_squares
    base = STEP if base is None else base
    points = tuple(points)
    measured = np.log(np.array([p.output_tokens_per_s for p in points]))
    start, lower, upper = base.astuple(), _FIT_LOWER.astuple(), _FIT_UPPER.astuple()

    def constants(x) -> StepConstants:
        v = list(start)
        for j, f in enumerate(_CONFIG_FREE):
            v[f] = float(x[j])
        return StepConstants(*v)

    fit = least_squares(lambda x: np.log(_predict_curve_points(points, constants(x))) - measured,
                        [start[f] for f in _CONFIG_FREE],
                        bounds=([lower[f] for f in _CONFIG_FREE], [upper[f] for f in _CONFIG_FREE]),
                        x_scale=np.array([_FIT_START.astuple()[f] for f in _CONFIG_FREE]), xtol=1e-8, ftol=1e-8)
    return constants(fit.x)


def _shape(p) -> tuple[float, float]:
    return (p.input_tokens, p.output_tokens)


def config_points(model_id: str, gpu_id: str, precision: str, gpus: int) -> tuple[catalog.CurvePoint, ...]:
    """The latency-curve points (below saturation) measured for one configuration."""
    return tuple(p for p in curve_points() if p.config_key == (model_id, gpu_id, precision, gpus))


@functools.cache
def config_constants(model_id: str, gpu_id: str, precision: str, gpus: int) -> StepConstants:
    """The step constants of a configuration: refitted on its own curves where they cover
    :data:`MIN_CONFIG_SHAPES` shapes or more, else the global fit :data:`STEP`."""
    mine = config_points(model_id, gpu_id, precision, gpus)
    if len({_shape(p) for p in mine}) < MIN_CONFIG_SHAPES:
        return STEP
    return fit_config_constants(mine)


def _data_anchor() -> float:
    """Largest concurrency in the curve data (below saturation): where a configuration has no curve
    of its own, the model is trusted as fitted up to there."""
    return float(max(p.concurrency for p in curve_points()))


def curve_anchor(model_id: str, gpu_id: str, precision: str, gpus: int, points=None) -> float:
    """Concurrency up to which the step-time curve is used without the max-load scale: the largest
    the configuration's curves measured (``points``, default all of them), or where it has none the
    largest in all the curve data."""
    mine = config_points(model_id, gpu_id, precision, gpus) if points is None else tuple(points)
    return float(max(p.concurrency for p in mine)) if mine else _data_anchor()


def scale_start(anchor, b_max):
    """Concurrency a from which the curve's scale moves towards the max-load figure's:
    max(min(anchor, b_max / 2), 1). Broadcasts."""
    return np.maximum(np.minimum(anchor, np.asarray(b_max, dtype=float) / 2), 1.0)


def scale_at(concurrency, max_load_scale, anchor, b_max):
    """Scale of the curve at a concurrency B, given s = the max-load figure ÷ the model's at the
    KV-limited ``b_max``:

        scale(B) = s_low^(1 − t) · s^t,   t = clip(ln(B / a) / ln(b_max / a), 0, 1),
        a = max(min(anchor, b_max / 2), 1),   s_low = min(s, 1)

    Where the max-load figure is above the model's (s > 1), the curve is used as it is up to the
    anchor (the most sequences the curves measured) or half the KV limit, whichever is lower, and
    rises log-linearly to s over the rest; where it is below (s < 1), the whole curve is scaled
    down to it (never faster than measured; a scale falling with B would make throughput fall as
    more sequences run). Where ``b_max`` is 1, s. Broadcasts."""
    b = np.asarray(concurrency, dtype=float)
    s = np.asarray(max_load_scale, dtype=float)
    top = np.asarray(b_max, dtype=float)
    a = scale_start(anchor, top)
    span = np.log(top / a)
    t = np.where(span > 0, np.clip(np.log(np.maximum(b, 1e-300) / a) / np.where(span > 0, span, 1.0), 0.0, 1.0), 1.0)
    low = np.minimum(s, 1.0)
    return low ** (1 - t) * s ** t


@functools.cache
def calibration() -> "Calibration":
    """The model's max-load estimate against the measured table, with its leave-one-out error.

    The factor is the median of measured / model over the max-load rows, for dense and MoE models
    separately (the data says so: MoE rows median 0.94, dense 1.10 with the fitted constants).
    Leave-one-out: each row predicted with the factor of all *other* rows of its class; the report
    gives the median and the 90th percentile of |predicted / measured − 1|. This is the error of a
    configuration with nothing measured ("roofline" provenance)."""
    rows = max_rows()
    models = catalog.models()
    raw = _predict_max_rows(rows, STEP)
    r = np.array([m.output_tokens_per_s for m in rows]) / raw
    moe = np.array([models[m.model].is_moe for m in rows])
    e = []
    for n in range(len(r)):
        same = moe == moe[n]
        same[n] = False
        e.append(abs(raw[n] * np.median(r[same]) / rows[n].output_tokens_per_s - 1))
    e = np.array(e)
    return Calibration(factor_dense=float(np.median(r[~moe])), factor_moe=float(np.median(r[moe])), rows=len(r),
                       loo_median_abs_error=float(np.median(e)),
                       loo_p90_abs_error=float(np.quantile(e, 0.9)),
                       loo_errors=tuple((rows[n], float(e[n])) for n in range(len(e))))


@dataclass(frozen=True)
class Calibration:
    factor_dense: float
    factor_moe: float
    rows: int
    loo_median_abs_error: float
    loo_p90_abs_error: float
    loo_errors: tuple

    def factor(self, model: Model) -> float:
        """Calibration factor of the model's class (dense or MoE)."""
        return self.factor_moe if model.is_moe else self.factor_dense


# --- measured table ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasuredFit:
    """Seconds of one GPU per request, τ(I, O) = a·I + b·O + c·I·O + d·O², fitted to measured rows.

    a: prefill cost per input token; b: decode cost per output token; c and d: attention and KV
    pressure growing with the context each decode step reads (I + O/2). Fitted by non-negative
    least squares on relative error (scipy.optimize.nnls), with as many terms as there are
    measured shapes (at most four). With one measured shape the model's shape is scaled to it.
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


def fit_rows(rows: tuple[Measurement, ...]) -> MeasuredFit | None:
    """The per-shape fit of measured rows of one model, GPU and precision (None without rows)."""
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


@functools.cache
def measured_fit(model_id: str, gpu_id: str, precision: str) -> MeasuredFit | None:
    return fit_rows(measured_rows(model_id, gpu_id, precision))


@dataclass(frozen=True)
class Throughput:
    """One replica's max-load output tokens/s and where the number comes from.

    ``source``: ``measured`` (a measured shape of this model, GPU, GPU count and precision),
    ``interpolated`` (between measured shapes at this GPU count), ``derived`` (measured at another
    GPU count, or outside the measured shapes, carried over by the step-time model), ``roofline``
    (the calibrated model alone) or ``user``. ``error`` is the typical relative error of numbers of
    that source (median |error| in leave-one-out validation; :func:`error_bands`)."""
    output_tokens_per_s: object  # float or array, broadcast over lengths
    source: str
    detail: str
    error: float = 0.0
    error_p90: float = 0.0


#: Shapes within this relative distance of a measured one count as that shape.
SAME_SHAPE = 0.05


def _from_rows(model: Model, gpu: Gpu, precision: str, gpus: int, i, o, rows: tuple[Measurement, ...]):
    """(output tokens/s, source, detail) from measured ``rows`` of this model/GPU/precision, or None."""
    from tco.explain import count   # here: tco.explain imports this module
    fit = fit_rows(rows)
    if fit is None:
        return None
    raw = model_max_load(model, gpu, precision, gpus, i, o)
    counts = [m.gpus for m in fit.rows]
    measured_gpus = max(set(counts), key=counts.count)
    at_gpus = [m for m in fit.rows if m.gpus == measured_gpus]
    names = sources_text(fit.rows)
    if not fit.roofline_shape:
        at_measured = o / fit.seconds_per_request(i, o) * measured_gpus
        text = f"{len(at_gpus)} measured shapes of {measured_gpus}× {gpu.name} ({names})"
        if measured_gpus == gpus:
            source = _shape_source({(m.input_tokens, m.output_tokens) for m in at_gpus}, i, o)
            return at_measured, source, {"measured": f"measured at this shape; fitted to {text}",
                                         "interpolated": f"interpolated between {text}",
                                         "derived": f"extrapolated beyond {text}"}[source]
        # another GPU count: the model carries the measured figure over (more or less KV room
        # changes the batch, so throughput is not proportional to GPUs)
        ratio = raw / model_max_load(model, gpu, precision, measured_gpus, i, o)
        return (at_measured * ratio, "derived",
                f"fitted to {text}, carried to {count(gpus, 'GPU')} by the step-time model (×{float(np.mean(ratio)):.2f})")
    m = fit.rows[0]
    at_anchor = model_max_load(model, gpu, precision, m.gpus, m.input_tokens, m.output_tokens)
    carried = raw * (m.output_tokens_per_s / at_anchor)
    text = (f"measured at {m.input_tokens:g} in / {m.output_tokens:g} out on {m.gpus}× {gpu.name} "
            f"({m.framework}, {m.source})")
    if m.gpus == gpus and np.all(np.abs(i / m.input_tokens - 1) <= SAME_SHAPE) and np.all(np.abs(o / m.output_tokens - 1) <= SAME_SHAPE):
        return carried, "measured", text
    return carried, "derived", f"{text}, carried to your lengths and GPU count by the step-time model"


def replica_throughput(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens,
                       output_tokens, override: float | None = None) -> Throughput:
    """Max-load output tokens/s of a replica of ``gpus`` GPUs at the workload's lengths."""
    if override is not None:
        return Throughput(override, "user", "your measured replica throughput")
    i = np.asarray(input_tokens, dtype=float)
    o = np.asarray(output_tokens, dtype=float)
    bands = error_bands()
    got = _from_rows(model, gpu, precision, gpus, i, o, measured_rows(model.id, gpu.id, precision))
    if got is not None:
        value, source, detail = got
        e50, e90 = bands[source]
        return Throughput(value, source, f"{detail}; typical error ±{e50:.0%} (p90 {e90:.0%})", e50, e90)
    cal = calibration()
    e50, e90 = bands["roofline"]
    return Throughput(roofline_output_tokens_per_s(model, gpu, precision, gpus, i, o), "roofline",
                      f"step-time model calibrated on {cal.rows} measured max-load rows and "
                      f"{len(curve_points())} latency-curve points, ×{cal.factor(model):.2f} "
                      f"{'MoE' if model.is_moe else 'dense'} calibration "
                      f"(leave-one-out error ±{e50:.0%}, p90 {e90:.0%})", e50, e90)


@functools.cache
def max_row_validation() -> tuple[tuple[Measurement, str, float], ...]:
    """Leave-one-out over the max-load rows, as the engine would answer with the row absent:
    (row, source the engine would name, |predicted / measured − 1|)."""
    models, gpus = catalog.models(), catalog.gpus()
    cal = calibration()
    out = []
    for n, m in enumerate(max_rows()):
        others = tuple(r for r in measured_rows(m.model, m.gpu, m.precision) if r is not m)
        model, gpu = models[m.model], gpus[m.gpu]
        got = _from_rows(model, gpu, m.precision, m.gpus, np.float64(m.input_tokens), np.float64(m.output_tokens), others)
        if got is None:
            out.append((m, "roofline", dict((id(r), e) for r, e in cal.loo_errors)[id(m)]))
        else:
            out.append((m, got[1], abs(float(got[0]) / m.output_tokens_per_s - 1)))
    return tuple(out)


#: (median, p90) of |relative error| per provenance, as :func:`compute_error_bands` finds them on
#: the data (a test recomputes them; stored because the leave-one-out pass costs a first page load
#: about half a second on 2 cores).
ERROR_BANDS = {"measured": (0.033, 0.091), "interpolated": (0.058, 0.152), "derived": (0.190, 0.542),
               "roofline": (0.190, 0.542)}


def error_bands() -> dict[str, tuple[float, float]]:
    return ERROR_BANDS


@functools.cache
def compute_error_bands() -> dict[str, tuple[float, float]]:
    """(median, p90) of |relative error| per source, from leave-one-out validation: ``measured``
    from the fit at its own shapes, ``interpolated`` and ``derived`` from leaving each row out
    (``derived`` no better than the model alone), ``roofline`` from the calibration."""
    cal = calibration()
    rows = max_rows()
    own = [abs(float(replica_throughput_at(m)) / m.output_tokens_per_s - 1) for m in rows]
    loo = max_row_validation()

    def stats(errors):
        return (float(np.median(errors)), float(np.quantile(errors, 0.9))) if len(errors) else None
    roof = (cal.loo_median_abs_error, cal.loo_p90_abs_error)
    interp = stats([e for _, s, e in loo if s == "interpolated"]) or roof
    derived = stats([e for _, s, e in loo if s == "derived"]) or roof
    derived = (max(derived[0], roof[0]), max(derived[1], roof[1]))
    return {"measured": stats(own), "interpolated": interp, "derived": derived, "roofline": roof}


def replica_throughput_at(m: Measurement) -> float:
    """The engine's max-load figure at a measured row's own configuration and shape (all rows in):
    :func:`replica_throughput` itself, as a page asking for that configuration gets it."""
    return float(replica_throughput(catalog.models()[m.model], catalog.gpus()[m.gpu], m.precision, m.gpus,
                                    m.input_tokens, m.output_tokens).output_tokens_per_s)


def _predict_curve(model: Model, gpu: Gpu, curve_points_, k: StepConstants, anchor: float):
    """The engine's answer at each point of one measured curve (one shape), given the constants
    and anchor it would have: (forward errors at the measured concurrencies, matched errors at
    the measured per-user speeds) against the measured throughputs. A matched error is None
    where the point is flat: its per-user speed within 15% of the curve's single-user speed,
    where throughput at a given latency is not determined by the latency."""
    p0 = curve_points_[0]
    single = next((p.output_tokens_per_s for p in curve_points_ if p.concurrency == 1), np.inf)
    i, o = p0.input_tokens, p0.output_tokens
    t_max = float(replica_throughput(model, gpu, p0.precision, p0.gpus, i, o).output_tokens_per_s)
    b_max = max_concurrency(model, gpu, p0.precision, p0.gpus, i, o)
    s_max = t_max / float(curve(model, gpu, p0.precision, p0.gpus, i, o, b_max, 0.0, 1.0, k).output_tokens_per_s)
    c = np.array([p.concurrency for p in curve_points_], dtype=float)
    measured = np.array([p.output_tokens_per_s for p in curve_points_])
    fwd = curve(model, gpu, p0.precision, p0.gpus, i, o, c, 0.0, scale_at(c, s_max, anchor, b_max), k).output_tokens_per_s
    pt = operating_point(model, gpu, p0.precision, p0.gpus, i, o, t_max, 0.0, None, measured / c, k=k, anchor=anchor)
    matched = np.nan_to_num(pt.output_tokens_per_s, nan=0.0) / measured - 1
    flat = measured / c > 0.85 * single
    return [float(f) for f in fwd / measured - 1], [None if x else float(m) for x, m in zip(flat, matched)]


def _validate_curves(engine: bool) -> tuple[tuple, ...]:
    points = curve_points()
    models, gpus = catalog.models(), catalog.gpus()
    out = []
    for cfg in sorted({p.config_key for p in points}):
        mine = tuple(p for p in points if p.config_key == cfg)
        k_out = fit_step_constants(tuple(p for p in points if p.config_key != cfg), start=STEP)
        model, gpu = models[cfg[0]], gpus[cfg[1]]
        for key in sorted({p.curve_key for p in mine}):
            left = tuple(p for p in mine if p.curve_key == key)
            rest = tuple(p for p in mine if p.curve_key != key) if engine else ()
            shapes = {_shape(p) for p in rest}
            k = fit_config_constants(rest) if len(shapes) >= MIN_CONFIG_SHAPES else k_out
            anchor = float(max(p.concurrency for p in rest)) if rest else _data_anchor()
            # the word the engine would say with this curve left out ("measured": the same shape
            # from another source)
            source = _shape_source(shapes, *_shape(left[0])) if rest else "roofline"
            fwd, matched = _predict_curve(model, gpu, left, k, anchor)
            out += [(p, source, f, m) for p, f, m in zip(left, fwd, matched)]
    return tuple(out)


@functools.cache
def curve_validation() -> tuple[tuple, ...]:
    """Leave-one-configuration-out over the latency-curve points, the case of a configuration with
    no curve of its own: the global constants refitted without every curve of its model/GPU/
    precision/GPU count, the anchor the curve data's largest concurrency, the max-load figure the
    engine's. Per point: (point, "roofline", forward error = throughput at the measured
    concurrency / measured − 1, matched error = the operating point's throughput at the measured
    per-user speed / measured − 1, or None when the point is flat: its per-user speed within 15%
    of the same curve's single-user speed, where throughput at a given latency is not determined
    by the latency)."""
    return _validate_curves(engine=False)


@functools.cache
def curve_validation_engine() -> tuple[tuple, ...]:
    """Leave-one-curve-out, as the engine would answer with that curve absent: the configuration's
    constants refitted on its other curves (:func:`fit_config_constants`; where fewer than
    :data:`MIN_CONFIG_SHAPES` shapes remain, the global fit without this configuration), the
    anchor their largest concurrency. Per point: (point, source the engine would
    name, forward error, matched error or None), as :func:`curve_validation`."""
    return _validate_curves(engine=True)


def _error_stats(forward, matched) -> dict[str, float]:
    f, m = np.abs(np.asarray(forward, dtype=float)), np.abs(np.asarray(matched, dtype=float))
    q = (lambda x, p: float(np.quantile(x, p)) if x.size else float("nan"))
    return {"at_concurrency_median": q(f, 0.5), "at_concurrency_p90": q(f, 0.9),
            "at_speed_median": q(m, 0.5), "at_speed_p90": q(m, 0.9), "points": int(f.size)}


@functools.cache
def compute_latency_error_bands() -> dict[str, dict[str, float]]:
    """Error of the operating point's throughput per curve provenance (:func:`curve_provenance`):
    ``measured`` from each configuration's own constants at its own curves' points (all in),
    ``interpolated`` and ``derived`` from leaving each curve out (:func:`curve_validation_engine`),
    ``roofline`` from leaving each configuration out (:func:`curve_validation`). Median and p90
    of |error| at the measured concurrency and at the measured per-user speed (points in the bend
    of their curve only)."""
    models, gpus = catalog.models(), catalog.gpus()
    points = curve_points()
    own_f, own_m = [], []
    for key in sorted({p.curve_key for p in points}):
        left = tuple(p for p in points if p.curve_key == key)
        p0 = left[0]
        f, m = _predict_curve(models[p0.model], gpus[p0.gpu], left,
                              config_constants(p0.model, p0.gpu, p0.precision, p0.gpus),
                              curve_anchor(p0.model, p0.gpu, p0.precision, p0.gpus))
        own_f += f
        own_m += [x for x in m if x is not None]
    engine = curve_validation_engine()
    out = {"measured": _error_stats(own_f, own_m)}
    for source in ("interpolated", "derived"):
        rows = [x for x in engine if x[1] == source]
        out[source] = _error_stats([x[2] for x in rows], [x[3] for x in rows if x[3] is not None])
    model_only = curve_validation()
    out["roofline"] = _error_stats([x[2] for x in model_only], [x[3] for x in model_only if x[3] is not None])
    return out


#: :func:`compute_latency_error_bands` rounded (a test recomputes them; stored because the
#: leave-one-out fits cost about 3 s): the error band the page shows next to an operating point
#: at a latency target, by where its curve comes from.
LATENCY_ERROR_BANDS = {
    "measured": {"at_concurrency_median": 0.038, "at_concurrency_p90": 0.118, "at_speed_median": 0.088, "at_speed_p90": 0.322},
    "interpolated": {"at_concurrency_median": 0.044, "at_concurrency_p90": 0.114, "at_speed_median": 0.113, "at_speed_p90": 0.298},
    "derived": {"at_concurrency_median": 0.097, "at_concurrency_p90": 0.267, "at_speed_median": 0.148, "at_speed_p90": 0.564},
    "roofline": {"at_concurrency_median": 0.104, "at_concurrency_p90": 0.260, "at_speed_median": 0.284, "at_speed_p90": 1.000},
}


# --- operating point ---------------------------------------------------------------------------

@dataclass(frozen=True)
class OperatingPoint:
    """Where a replica runs under the latency targets (arrays, broadcast shape).

    ``output_tokens_per_s`` is the replica's throughput at ``concurrency``; NaN where even one
    sequence misses a target (``meets`` False). ``max_load_output_tokens_per_s`` is the throughput
    at the KV-limited concurrency with the workload's prefix-cache hits. ``limited_by``: what sets the concurrency
    (``kv cache``, ``time to first token`` or ``per-user speed``)."""
    concurrency: object
    output_tokens_per_s: object
    output_tokens_per_s_per_user: object
    ttft_s: object
    max_load_output_tokens_per_s: object
    max_concurrency: object
    meets: object
    limited_by: object
    decode_step_s: object = np.nan    # time of one decode step at ``concurrency`` (scaled) [s]
    prefill_s: object = np.nan        # prefill time of one request (scaled) [s]
    scale: object = 1.0               # the curve's scale at ``concurrency`` (:func:`scale_at`)
    max_load_scale: object = 1.0      # measured or calibrated max load / the model's, at the KV limit
    curve_anchor: object = np.nan     # concurrency up to which the curve is not scaled


#: Points of the log-spaced search grid in [1, b_max] and bisection steps after it.
SEARCH_GRID, SEARCH_STEPS = 48, 40


def largest_meeting(ok, b_max, shape):
    """The largest concurrency B in [1, b_max] with ``ok(B)`` true: the largest point of a grid
    of :data:`SEARCH_GRID` log-spaced concurrencies that meets, refined by bisection towards the
    next grid point. A grid, not a bisection over the whole range, because a curve scaled by
    :func:`scale_at` need not be monotone (TTFT can dip where the scale grows faster than the
    step time); the search is monotone in the target (a tighter target never gives a larger
    B). Where even B = 1 fails, 1 (the caller reports the miss). Broadcasts."""
    top = np.broadcast_to(np.log(np.asarray(b_max, dtype=float)), shape)
    grid = top[None] * np.linspace(0.0, 1.0, SEARCH_GRID).reshape((-1,) + (1,) * len(shape))
    good = np.stack([np.broadcast_to(ok(np.exp(g)), shape) for g in grid])
    j = np.where(good.any(axis=0), SEARCH_GRID - 1 - np.argmax(good[::-1], axis=0), 0)
    lo = np.take_along_axis(grid, j[None], 0)[0]
    hi = np.take_along_axis(grid, np.minimum(j + 1, SEARCH_GRID - 1)[None], 0)[0]
    for _ in range(SEARCH_STEPS):
        mid = (lo + hi) / 2
        fine = np.broadcast_to(ok(np.exp(mid)), shape)
        lo = np.where(fine, mid, lo)
        hi = np.where(fine, hi, mid)
    return np.exp(lo)


def operating_point(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens, output_tokens,
                    max_load_output_tokens_per_s, cached_share=0.0, max_ttft_s=None,
                    min_output_tokens_per_s_per_user=None, max_load_cached_share=0.0,
                    k: StepConstants | None = None, anchor: float | None = None) -> OperatingPoint:
    """The largest concurrency (≥ 1, ≤ the KV-limited maximum) that meets both targets, and the
    replica's throughput there. No target (None or NaN) = the max-load point.

    The step-time curve of the configuration (its own constants where its curves are measured,
    :func:`config_constants`, or ``k``) is used as it is up to ``anchor`` sequences in flight
    (:func:`curve_anchor`) and scaled from there so that it passes through
    ``max_load_output_tokens_per_s`` (the measured or calibrated figure, measured with
    ``max_load_cached_share`` of the input cached: 0 for the published tables) at the KV-limited
    concurrency (:func:`scale_at`). Prefix-cache hits (``cached_share`` of the input) shorten
    prefill, so with more hits the max load is higher. Per-user speed falls and TTFT rises with
    concurrency, so each target gives an upper bound; the point is the smaller. Broadcasts over
    lengths, cached share, max-load figure and targets."""
    i = np.asarray(input_tokens, dtype=float)
    o = np.asarray(output_tokens, dtype=float)
    k = config_constants(model.id, gpu.id, precision, gpus) if k is None else k
    anchor = curve_anchor(model.id, gpu.id, precision, gpus) if anchor is None else float(anchor)
    nan = np.nan
    ttft_max = np.asarray(nan if max_ttft_s is None else max_ttft_s, dtype=float)
    speed_min = np.asarray(nan if min_output_tokens_per_s_per_user is None else min_output_tokens_per_s_per_user, dtype=float)
    b_max = max_concurrency(model, gpu, precision, gpus, i, o)
    s_max = (np.asarray(max_load_output_tokens_per_s, dtype=float)
             / curve(model, gpu, precision, gpus, i, o, b_max, max_load_cached_share, 1.0, k).output_tokens_per_s)

    def scale(b):
        return scale_at(b, s_max, anchor, b_max)
    c = np.asarray(cached_share, dtype=float)
    # per-user speed and TTFT bounds (the searches run only where a target is set)
    shape = np.broadcast_shapes(b_max.shape, ttft_max.shape, speed_min.shape, c.shape, s_max.shape)

    def at(b):
        return curve(model, gpu, precision, gpus, i, o, b, c, scale(b), k)
    b_speed = b_max
    if not np.all(np.isnan(speed_min)):
        speed = np.nan_to_num(speed_min, nan=0.0)
        b_speed = np.where(np.isnan(speed_min), b_max,
                           largest_meeting(lambda b: at(b).output_tokens_per_s_per_user >= speed, b_max, shape))
    b_ttft = b_max
    if not np.all(np.isnan(ttft_max)):
        limit = np.nan_to_num(ttft_max, nan=np.inf)
        b_ttft = np.where(np.isnan(ttft_max), b_max, largest_meeting(lambda b: at(b).ttft_s <= limit, b_max, shape))
    b = np.minimum(np.minimum(b_speed, b_ttft), b_max)
    # exact at the ends: the bisection's last step lands within 1e-14 of the bound
    b = np.where(b >= b_max * (1 - 1e-9), b_max, b)
    at_scale = scale(b)
    point = curve(model, gpu, precision, gpus, i, o, b, c, at_scale, k)
    at_max = curve(model, gpu, precision, gpus, i, o, b_max, c, s_max, k).output_tokens_per_s
    meets = ((np.isnan(speed_min) | (point.output_tokens_per_s_per_user >= speed_min * (1 - 1e-9)))
             & (np.isnan(ttft_max) | (point.ttft_s <= ttft_max * (1 + 1e-9))))
    limited = np.where(b >= b_max, "kv cache", np.where(np.asarray(b_ttft) <= b_speed, "time to first token", "per-user speed"))
    return OperatingPoint(concurrency=b, output_tokens_per_s=np.where(meets, point.output_tokens_per_s, nan),
                          output_tokens_per_s_per_user=point.output_tokens_per_s_per_user, ttft_s=point.ttft_s,
                          max_load_output_tokens_per_s=at_max,
                          max_concurrency=b_max, meets=meets, limited_by=limited,
                          decode_step_s=decode_step_s(model, gpu, precision, gpus, i, o, b, k) / at_scale,
                          prefill_s=prefill_s(model, gpu, precision, gpus, i, c, k) / at_scale, scale=at_scale,
                          max_load_scale=s_max, curve_anchor=anchor)


def curve_provenance(model: Model, gpu: Gpu, precision: str, gpus: int, input_tokens, output_tokens) -> tuple[str, str]:
    """(source, detail) of the latency curve at a configuration and shape: ``measured`` (a curve
    measured at this shape), ``interpolated`` (between the measured shapes), ``derived``
    (outside them), ``roofline`` (no curve for this configuration: the global fit)."""
    mine = config_points(model.id, gpu.id, precision, gpus)
    if not mine:
        return "roofline", (f"no latency curve measured for {model.name} on {gpus}× {gpu.name} at {precision}: the step-time model "
                            f"fitted on {len(curve_points())} points of {len({p.config_key for p in curve_points()})} "
                            f"configurations")
    shapes = sorted({_shape(p) for p in mine})
    i, o = input_tokens, output_tokens
    fitted = len(shapes) >= MIN_CONFIG_SHAPES
    text = (f"{len(mine)} points of {len(shapes)} measured curve{'s' if len(shapes) > 1 else ''} of {model.name} on {gpus}× {gpu.name} "
            f"at {precision} ({sources_text(mine)})"
            + ("" if fitted else "; one shape: the global step constants, used up to its concurrencies"))
    source = _shape_source(shapes, i, o)
    return source, {"measured": "measured at this shape", "interpolated": "between the measured shapes",
                    "derived": "outside the measured shapes"}[source] + f": {text}"


def sources_text(measurements) -> str:
    """'trtllm, NVIDIA/TensorRT-LLM:…; nim, https://…': each framework and source of measured rows
    or curve points once, in their order (a fit over two benchmarks names both)."""
    return "; ".join(dict.fromkeys(f"{m.framework}, {m.source}" for m in measurements))


def _shape_source(shapes, i, o) -> str:
    """``measured`` where the lengths are one of the measured ``shapes`` (within SAME_SHAPE),
    ``interpolated`` inside their range with :data:`MIN_CONFIG_SHAPES` of them or more (the
    configuration's own constants), else ``derived``. Broadcasts over lengths (all must agree)."""
    i, o = np.asarray(i, dtype=float), np.asarray(o, dtype=float)
    if any(np.all(np.abs(i / a - 1) <= SAME_SHAPE) and np.all(np.abs(o / b - 1) <= SAME_SHAPE) for a, b in shapes):
        return "measured"
    lo_i, hi_i = min(a for a, _ in shapes), max(a for a, _ in shapes)
    lo_o, hi_o = min(b for _, b in shapes), max(b for _, b in shapes)
    inside = (np.all(i >= lo_i * (1 - SAME_SHAPE)) and np.all(i <= hi_i * (1 + SAME_SHAPE))
              and np.all(o >= lo_o * (1 - SAME_SHAPE)) and np.all(o <= hi_o * (1 + SAME_SHAPE)))
    return "interpolated" if inside and len(shapes) >= MIN_CONFIG_SHAPES else "derived"


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

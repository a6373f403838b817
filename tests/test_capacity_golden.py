"""Replica memory fit at long context, by hand from the model card and the GPU spec sheet.

Llama 3.3 70B (data/models.csv: 70.6B parameters, 80 layers, 8 KV heads of 128 dims; the same
architecture as Llama 3.1 70B, whose config.json gives these) on H100 SXM 80 GB (data/gpus.csv).
At a short context the weights decide the replica size; at 100k tokens the KV cache does, so these
goldens catch a KV-cache term that is off by any factor.
"""

import math

import pytest

from tco import capacity, catalog

LLAMA = "llama-3.3-70b"


def test_llama_70b_fp8_on_h100_at_100k_context_needs_8_gpus_to_fit():
    llama, h100 = catalog.models()[LLAMA], catalog.gpus()["h100_sxm"]
    # KV per token in bf16: K and V x 80 layers x 8 KV heads x 128 dims x 2 bytes = 327,680 B;
    # FP8 runs keep the KV cache in fp8: half of it, 163,840 B
    assert capacity.kv_bytes_per_token(llama, "bf16") == 2 * 80 * 8 * 128 * 2 == 327_680
    assert capacity.kv_bytes_per_token(llama, "fp8") == 163_840
    # weights: 70.6e9 x 1.03 B (fp8 with scales) = 72.718 GB
    assert capacity.weight_bytes(llama, "fp8") == pytest.approx(72.718e9)
    # 100,000 in + 1,000 out = 101,000 tokens; 16 sequences (MIN_USEFUL_BATCH) of KV:
    # 16 x 101,000 x 163,840 B = 264.765 GB; with the weights 337.483 GB.
    # Usable per H100: 80 GB x 0.90 = 72 GB -> 4 GPUs 288 GB (too little), 8 GPUs 576 GB (fits).
    assert capacity.MIN_USEFUL_BATCH == 16 and capacity.USABLE_MEMORY_SHARE == 0.90
    assert capacity.gpus_per_replica(llama, h100, "fp8", 100_000, 1_000) == 8
    # with the KV cache halved (a bug) the need would be 72.718 + 132.383 = 205.1 GB: 4 GPUs


def test_the_same_model_at_short_context_fits_on_2_gpus():
    llama, h100 = catalog.models()[LLAMA], catalog.gpus()["h100_sxm"]
    # 2,000 + 500 tokens: KV 16 x 2,500 x 163,840 B = 6.554 GB; + 72.718 GB weights = 79.27 GB:
    # one H100 (72 GB) is too little, two (144 GB) hold it
    assert capacity.gpus_per_replica(llama, h100, "fp8", 2_000, 500) == 2
    # bf16: 70.6e9 x 2 B = 141.2 GB + KV 16 x 2,500 x 327,680 B = 13.1 GB = 154.3 GB > 144 GB -> 4
    assert capacity.gpus_per_replica(llama, h100, "bf16", 2_000, 500) == 4


def test_bf16_at_100k_context_needs_two_nodes():
    llama, h100 = catalog.models()[LLAMA], catalog.gpus()["h100_sxm"]
    # bf16: 141.2 GB weights + 16 x 101,000 x 327,680 B = 529.53 GB KV = 670.7 GB;
    # 8 GPUs offer 576 GB, the next size is two nodes (16 GPUs, 1,152 GB)
    assert capacity.replica_sizes(h100)[:5] == [1, 2, 4, 8, 16]
    assert capacity.gpus_per_replica(llama, h100, "bf16", 100_000, 1_000) == 16


def test_context_beyond_the_model_limit_is_refused():
    llama, h100 = catalog.models()[LLAMA], catalog.gpus()["h100_sxm"]
    # Llama 3.3 reads at most 131,072 tokens: 130,000 + 1,072 is exactly the limit (72.718 GB +
    # 16 x 131,072 x 163,840 B = 416.3 GB: 8 GPUs); one more token is refused
    assert capacity.gpus_per_replica(llama, h100, "fp8", 130_000, 1_072) == 8
    with pytest.raises(capacity.DoesNotFit, match="reads at most 131,072 tokens"):
        capacity.gpus_per_replica(llama, h100, "fp8", 130_073, 1_000)


def test_fits_at_the_exact_edges_of_memory_and_context_over_arrays():
    import dataclasses

    import numpy as np
    h100 = catalog.gpus()["h100_sxm"]
    # a made-up model and GPU whose bytes are exact in floating point: 4B parameters in bf16 are
    # 8e9 B of weights; 2 B of KV per token; a 10 GB GPU of which 90% = 9e9 B is usable
    toy = dataclasses.replace(catalog.models()[LLAMA], total_params_b=4.0, kv_bytes_per_token_bf16=2.0,
                              max_context=10 ** 10)
    gpu = dataclasses.replace(h100, memory_gb=10.0)
    # 4 GPUs hold 36e9 B; the need is 8e9 + 16 sequences x 2 B x context, equal at
    # context = 28e9 / 32 = 875,000,000 tokens; one token more needs 32 B more than there is
    # (the context split over input and output: both count)
    i = np.array([850_000_000.0, 850_000_000.0, 850_000_000.0])
    o = np.array([24_999_999.0, 25_000_000.0, 25_000_001.0])
    assert capacity.fits(toy, gpu, "bf16", 4, i, o).tolist() == [True, True, False]
    assert capacity.fits(toy, gpu, "bf16", 4, 850_000_000, 25_000_000) is True      # scalars: a bool
    assert capacity.fits(toy, gpu, "bf16", 2, 850_000_000, 25_000_000) is False
    # the context window: Llama 3.3 70B reads 131,072 tokens; at 8 H100 (576 GB usable) the memory
    # holds 72.718 GB + 16 x 131,072 x 163,840 B = 416.3 GB, so only the window refuses
    llama = catalog.models()[LLAMA]
    assert llama.max_context == 131_072
    ok = capacity.fits(llama, h100, "fp8", 8, np.array([130_000.0, 130_000.0]), np.array([1_072.0, 1_073.0]))
    assert ok.tolist() == [True, False]
    # a PCIe server has no fast link: a replica may span at most 4 of them (MAX_SERVERS_WITHOUT_FAST_LINK)
    pcie = catalog.gpus()["h100_pcie"]
    assert capacity.fits(llama, pcie, "fp8", 4 * pcie.gpus_per_node, 2_000, 500) is True
    assert capacity.fits(llama, pcie, "fp8", 5 * pcie.gpus_per_node, 2_000, 500) is False


def test_the_max_load_figure_at_a_measured_row_is_near_the_measurement():
    # NVIDIA's trtllm-bench table (data: Llama 4 Scout FP4 on one B200, 128 in / 128 out, offline
    # max load) measured 25,342 output tokens/s; the engine, with that row among its inputs, gives
    # 23,911.6 (-5.6%, inside the max-load rows' 18% p90 error, README): the number a page asking
    # for this configuration shows
    row = next(m for m in capacity.max_rows() if (m.model, m.gpu, m.precision, m.gpus, m.input_tokens,
                                                  m.output_tokens) == ("llama-4-scout", "b200", "fp4", 1, 128, 128))
    assert row.output_tokens_per_s == 25_342
    got = capacity.replica_throughput_at(row)
    scout, b200 = catalog.models()["llama-4-scout"], catalog.gpus()["b200"]
    assert got == float(capacity.replica_throughput(scout, b200, "fp4", 1, 128, 128).output_tokens_per_s)
    assert got == pytest.approx(23_911.6, rel=1e-5) and abs(got / 25_342 - 1) < 0.18


def test_error_statistics_by_hand():
    # errors at the measured concurrency -0.1, 0.2, -0.3, 0.4, 0.5 and at the measured speed 0.1, -0.3,
    # taken as |error| with linear quantiles: sorted 0.1 0.2 0.3 0.4 0.5, median 0.3, p90 at position
    # 0.9 x 4 = 3.6: 0.4 + 0.6 x 0.1 = 0.46; speed 0.1 0.3: median 0.2, p90 0.1 + 0.9 x 0.2 = 0.28
    got = capacity._error_stats([-0.1, 0.2, -0.3, 0.4, 0.5], [0.1, -0.3])
    assert got == pytest.approx({"at_concurrency_median": 0.3, "at_concurrency_p90": 0.46,
                                 "at_speed_median": 0.2, "at_speed_p90": 0.28, "points": 5})
    assert isinstance(got["points"], int)
    # no matched points (every point flat): NaN, not an error
    empty = capacity._error_stats([0.1], [])
    assert math.isnan(empty["at_speed_median"]) and math.isnan(empty["at_speed_p90"]) and empty["points"] == 1


def test_curve_validation_scores_an_unreachable_speed_as_minus_one_and_flatness_strictly():
    """One made-up curve of Llama 3.1 8B on one H100 at fp8, 1,000 in / 1,000 out, measured at
    100,000 output tokens/s for a single user (far beyond any engine answer) and at concurrencies 4
    and 8 with per-user speeds of exactly 85% and 50% of that:
    - concurrency 1: its own speed is the single-user speed, > 0.85 x itself: flat, no matched error;
    - concurrency 4: 340,000 / 4 = 85,000 = 0.85 x 100,000 exactly: not flat (the rule is strictly
      "within 15%", `>`), so it gets a matched error;
    - the engine cannot reach 85,000 or 50,000 tokens/s per user, so its operating point there is
      NaN, counted as no throughput at all: 0 / measured - 1 = -1 exactly."""
    def point(c, tps):
        return catalog.CurvePoint(model="llama-3.1-8b", gpu="h100_sxm", gpus=1, precision="fp8",
                                  input_tokens=1000.0, output_tokens=1000.0, concurrency=float(c),
                                  output_tokens_per_s=float(tps), ttft_s=0.1, itl_s=0.01, framework="test",
                                  source="by hand", date="2026-12-02", note="")
    curve = (point(1, 100_000.0), point(4, 340_000.0), point(8, 400_000.0))
    model, gpu = catalog.models()["llama-3.1-8b"], catalog.gpus()["h100_sxm"]
    forward, matched = capacity._predict_curve(model, gpu, curve, capacity.STEP, 64.0)
    assert matched == [None, -1.0, -1.0]
    assert len(forward) == 3 and all(-1.0 < f < 0.0 for f in forward)  # the engine is far slower


def test_replica_size_at_the_exact_memory_edge_and_the_message_when_nothing_holds_it():
    """The sizing loop takes the first replica size whose usable memory holds the need, the edge
    included; the toy model and GPU of the fits golden (8e9 B of weights, 2 B of KV per token, 9e9
    B usable per GPU): 4 GPUs hold exactly the need at a context of 875,000,000 tokens."""
    import dataclasses
    h100 = catalog.gpus()["h100_sxm"]
    toy = dataclasses.replace(catalog.models()[LLAMA], total_params_b=4.0, kv_bytes_per_token_bf16=2.0,
                              max_context=10 ** 10)
    gpu = dataclasses.replace(h100, memory_gb=10.0)
    assert capacity.gpus_per_replica(toy, gpu, "bf16", 850_000_000, 25_000_000) == 4   # 36e9 B = the need
    assert capacity.gpus_per_replica(toy, gpu, "bf16", 850_000_000, 25_000_001) == 8   # 32 B more
    huge = dataclasses.replace(catalog.models()[LLAMA], total_params_b=5000.0)
    huge_kv_bf16 = huge.kv_bytes_per_token_bf16
    # a model no 64 GPUs hold: 5,000B parameters in bf16 = 10,000 GB of weights; KV cache of Llama
    # 3.3 70B in bf16 (80 layers x 8 KV heads x 128 x 2 (K and V) x 2 B = 327,680 B a token) for 16
    # requests of 2,000 tokens = 10.48576 GB; need 10,010 GB; 64 H100 x 80 GB x 90% = 4,608 GB usable
    assert huge_kv_bf16 == 327_680
    with pytest.raises(capacity.DoesNotFit) as e:
        capacity.gpus_per_replica(huge, h100, "bf16", 1500, 500)
    assert str(e.value) == (f"{huge.name} at bf16 needs 10,010 GB (weights 10,000 GB + KV cache for 16 requests "
                            f"of 2,000 tokens); 64× {h100.name} offer 4,608 GB usable")


def test_prefill_pays_for_the_activations_crossing_each_slow_server_link(monkeypatch):
    """A replica of 16 L40S spans 2 servers with no fast link: one hop. Prefilling 1,000 new tokens
    of Llama 3.1 8B (hidden size 4,096) sends 1,000 x 4,096 x 2 B = 8,192,000 B over 12.5 GB/s
    Ethernet: 0.00065536 s on top of the compute (which the same call without the link gives)."""
    llama8, l40s = catalog.models()["llama-3.1-8b"], catalog.gpus()["l40s"]
    assert llama8.hidden == 4096 and capacity.INTERNODE_BYTES_PER_S == 12.5e9
    with_link = float(capacity.prefill_s(llama8, l40s, "bf16", 16, 1000.0))
    monkeypatch.setattr(capacity, "INTERNODE_BYTES_PER_S", math.inf)
    compute = float(capacity.prefill_s(llama8, l40s, "bf16", 16, 1000.0))
    assert with_link - compute == pytest.approx(0.00065536, rel=1e-9)
    # a quarter of the input from the prefix cache: 750 new tokens cross, 0.00049152 s
    monkeypatch.setattr(capacity, "INTERNODE_BYTES_PER_S", 12.5e9)
    cached = float(capacity.prefill_s(llama8, l40s, "bf16", 16, 1000.0, 0.25))
    monkeypatch.setattr(capacity, "INTERNODE_BYTES_PER_S", math.inf)
    assert cached - float(capacity.prefill_s(llama8, l40s, "bf16", 16, 1000.0, 0.25)) == pytest.approx(0.00049152, rel=1e-9)
    # one server (8 GPUs): no hop at all
    monkeypatch.setattr(capacity, "INTERNODE_BYTES_PER_S", 12.5e9)
    one = float(capacity.prefill_s(llama8, l40s, "bf16", 8, 1000.0))
    monkeypatch.setattr(capacity, "INTERNODE_BYTES_PER_S", math.inf)
    assert one == float(capacity.prefill_s(llama8, l40s, "bf16", 8, 1000.0))


def test_fleet_utilisation_by_hand():
    """2 replicas at 1,000 output tokens/s, requests of 2,000 in / 500 out, so (I + O) / O = 5 tokens
    per output token: the fleet's full load is 2 x 1,000 x 5 x 2,628,000 s = 2.628e10 tokens a month;
    6.57e9 tokens a month is a quarter of it."""
    assert capacity.SECONDS_PER_MONTH == 2_628_000
    assert capacity.utilisation(6.57e9, 2, 1000.0, 2000.0, 500.0) == pytest.approx(0.25, rel=1e-12)


def test_one_measured_row_is_the_answer_at_its_own_shape_and_carried_elsewhere():
    """Llama 4 Maverick FP8 on 8 MI300X has one measured max-load row (vLLM, 1,000 in / 1,000 out:
    6,468.73 output tokens/s). At that shape, and within 5% of it, the engine says "measured" (at the
    shape itself: the row's own figure); farther away, or on another GPU count, "derived"."""
    maverick, mi300x = catalog.models()["llama-4-maverick"], catalog.gpus()["mi300x"]
    rows = capacity.measured_rows("llama-4-maverick", "mi300x", "fp8")
    assert [(r.gpus, r.input_tokens, r.output_tokens, r.output_tokens_per_s) for r in rows] == [(8, 1000, 1000, 6468.73)]
    at = capacity.replica_throughput(maverick, mi300x, "fp8", 8, 1000.0, 1000.0)
    assert at.source == "measured" and float(at.output_tokens_per_s) == pytest.approx(6468.73, rel=1e-12)
    assert at.detail.startswith("measured at 1000 in / 1000 out on 8× AMD Instinct MI300X 192GB (vllm, https://github.com/vllm-project/vllm/pull/16727)")
    for i, o in ((1025.0, 1000.0), (1000.0, 1025.0), (975.0, 975.0)):
        assert capacity.replica_throughput(maverick, mi300x, "fp8", 8, i, o).source == "measured", (i, o)
    for i, o, g in ((1100.0, 1000.0, 8), (1000.0, 1100.0, 8), (1000.0, 1000.0, 4)):
        far = capacity.replica_throughput(maverick, mi300x, "fp8", g, i, o)
        assert far.source == "derived" and "carried to your lengths and GPU count" in far.detail, (i, o, g)


def test_a_measured_replica_throughput_of_your_own_is_used_as_it_is():
    t = capacity.replica_throughput(catalog.models()[LLAMA], catalog.gpus()["h100_sxm"], "fp8", 2, 2000, 500,
                                    override=1234.5)
    assert (t.output_tokens_per_s, t.source, t.detail) == (1234.5, "user", "your measured replica throughput")


def test_the_roofline_detail_names_the_calibration_of_dense_and_moe_models():
    # configurations with no measured rows: the step-time model's own answer
    dense = capacity.replica_throughput(catalog.models()["llama-3.1-405b"], catalog.gpus()["l40s"], "fp8", 16, 2000, 500)
    moe = capacity.replica_throughput(catalog.models()["qwen3-30b-a3b"], catalog.gpus()["l4"], "fp8", 2, 2000, 500)
    assert dense.source == moe.source == "roofline"
    assert " dense calibration (leave-one-out error" in dense.detail and "MoE" not in dense.detail
    assert "latency-curve points, ×" in dense.detail
    assert " MoE calibration (leave-one-out error" in moe.detail


def test_a_fit_over_two_benchmarks_names_both():
    """Llama 3.3 70B FP8 on H100: max-load rows from TensorRT-LLM's table and from NVIDIA NIM's
    benchmark page; the figure's detail names each once, in the rows' order."""
    rows = capacity.measured_rows(LLAMA, "h100_sxm", "fp8")
    assert {r.framework for r in rows} == {"trtllm", "nim"}
    t = capacity.replica_throughput(catalog.models()[LLAMA], catalog.gpus()["h100_sxm"], "fp8", 2, 2000, 500)
    assert t.detail.startswith(
        "interpolated between 11 measured shapes of 2× NVIDIA H100 SXM5 80GB (trtllm, NVIDIA/TensorRT-LLM:docs/"
        "source/performance/perf-overview.md@00f37686; nim, https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/"
        "performance); typical error ±"), t.detail
    assert capacity.sources_text(rows + rows) == capacity.sources_text(rows)

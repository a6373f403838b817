"""Capacity at a latency target: the step-time model by hand, the operating point, the replica-size
chooser against a hand-made table, provenance, interconnect, prefix caching, and the validation
figures (leave-one-out) computed here from the data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco import capacity, catalog, costs, model, reference
from tco.costs import Params
from tco.scenario import Scenario

MODELS, GPUS = catalog.models(), catalog.gpus()

# The fitted constants, written out so that the hand calculations below do not read the code.
TAU, ETA_BW, ETA_F, TP, SIGMA, ETA_KV = 1.0965e-04, 0.92, 0.53236, 0.85971, 1.1683e-05, 0.49357


def test_step_time_model_by_hand_at_two_concurrencies():
    """Llama 3.1 8B (8.0B params, 7.5B active, 32 layers, 32 heads x 128, KV 131,072 B/token in
    bf16, data/models.csv) at FP8 on one H100 SXM (3.35 TB/s, 1,979 dense FP8 TFLOPS), 1000 in / 1000 out."""
    assert capacity.STEP.astuple() == (TAU, ETA_BW, ETA_F, TP, SIGMA, ETA_KV)
    m, g = MODELS["llama-3.1-8b"], GPUS["h100_sxm"]
    bw = ETA_BW * 3.35e12                     # one GPU: no tensor-parallel loss
    flops = ETA_F * 1979e12
    weights = 8.0e9 * 1.03                    # FP8 with block scales: 1.03 B/parameter
    kv = 131072 / 2                           # FP8 KV cache halves bf16
    ctx = 1000 + 1000 / 2                     # average context while decoding
    prefill = (2 * 7.5e9 * 1000 + 2 * 32 * 32 * 128 * 1000**2) / flops
    for b in (1, 64):
        memory = weights / bw + b * ctx * kv / (ETA_KV * bw)   # the KV cache read at η_kv of the weights' rate
        compute = 2 * 7.5e9 * b / flops
        step = 32 * TAU + b * SIGMA + max(memory, compute)
        per_user = 1000 / (b * prefill + 1000 * step)
        ttft = prefill + math.ceil(1000 / 768) * step  # 768-token prefill chunks ride along 2 steps
        c = capacity.curve(m, g, "fp8", 1, 1000, 1000, b)
        assert float(capacity.decode_step_s(m, g, "fp8", 1, 1000, 1000, b)) == pytest.approx(step, rel=1e-12)
        assert float(capacity.prefill_s(m, g, "fp8", 1, 1000)) == pytest.approx(prefill, rel=1e-12)
        assert float(c.output_tokens_per_s_per_user) == pytest.approx(per_user, rel=1e-12)
        assert float(c.output_tokens_per_s) == pytest.approx(b * per_user, rel=1e-12)
        assert float(c.ttft_s) == pytest.approx(ttft, rel=1e-12)
    # the numbers themselves: alone, 32 × 0.10965 ms (3.509 ms) + 0.012 ms + 8.24 GB / 3,082 GB/s (2.674 ms)
    # + 98.3 MB of KV / 1,521 GB/s (0.065 ms) = 6.259 ms; 64 in flight, 3.509 ms + 64 × 0.01168 ms
    # (0.748 ms) + 2.674 ms + 6.29 GB / 1,521 GB/s (4.136 ms) = 11.066 ms
    assert float(capacity.decode_step_s(m, g, "fp8", 1, 1000, 1000, 1)) == pytest.approx(6.259e-3, rel=1e-3)
    assert float(capacity.decode_step_s(m, g, "fp8", 1, 1000, 1000, 64)) == pytest.approx(11.066e-3, rel=1e-3)


def test_moe_experts_touched_and_prefix_cache_by_hand():
    """Scout (16 experts, top-1; 96.637B routed of 107.8B) on 2x H100 at B = 4: the batch touches
    1 − (15/16)^4 = 22.75% of the routed weights. 25% of a 2,000-token prompt cached: 1,500 tokens
    run through the weights, and attention skips the cached 500² pairs."""
    m, g = MODELS["llama-4-scout"], GPUS["h100_sxm"]
    tp = TP ** 1                               # one doubling
    bw, flops = ETA_BW * 3.35e12 * 2 * tp, ETA_F * 1979e12 * 2 * tp
    touched = (107.8e9 - 96.637e9) * 1.03 + 96.637e9 * 1.03 * (1 - (15 / 16) ** 4)
    memory = touched / bw + 4 * (2000 + 250) * 196608 / 2 / (ETA_KV * bw)   # FP8 KV: half of 196,608 B/token
    step = 48 * TAU + 4 * SIGMA + max(memory, 2 * 16.1e9 * 4 / flops)
    assert float(capacity.decode_step_s(m, g, "fp8", 2, 2000, 500, 4)) == pytest.approx(step, rel=1e-12)
    pf = (2 * 16.1e9 * 1500 + 2 * 48 * 40 * 128 * (2000**2 - 500**2)) / flops
    assert float(capacity.prefill_s(m, g, "fp8", 2, 2000, 0.25)) == pytest.approx(pf, rel=1e-12)


def test_operating_point_meets_the_target_and_no_target_is_max_load():
    m, g = MODELS["llama-3.3-70b"], GPUS["h100_sxm"]
    free = capacity.operating_point(m, g, "fp8", 2, 5000, 500, 898.0)
    assert float(free.output_tokens_per_s) == pytest.approx(898.0, rel=1e-12)   # no target: max load
    assert str(free.limited_by) == "kv cache"
    pt = capacity.operating_point(m, g, "fp8", 2, 5000, 500, 898.0, min_output_tokens_per_s_per_user=30.0)
    assert float(pt.output_tokens_per_s_per_user) == pytest.approx(30.0, rel=1e-6)
    assert float(pt.output_tokens_per_s) < 898.0
    # per-user speed times concurrency is the replica's throughput
    assert float(pt.output_tokens_per_s) == pytest.approx(float(pt.concurrency) * 30.0, rel=1e-6)
    assert str(pt.limited_by) == "per-user speed"
    # targets every concurrency meets: the search ends on the KV-limited maximum itself, not a hair
    # below (at 5,000 in / 250 out the maximum is 84 sequences, and exp(log(84)) is 84 less one ulp)
    loose = capacity.operating_point(m, g, "fp8", 2, 5000, 250, 898.0, max_ttft_s=1e6,
                                     min_output_tokens_per_s_per_user=1e-6)
    assert float(loose.max_concurrency) == 84.0 and float(np.exp(np.log(84.0))) < 84.0
    assert float(loose.concurrency) == 84.0 and str(loose.limited_by) == "kv cache"
    assert float(loose.output_tokens_per_s) == pytest.approx(898.0, rel=1e-12)
    # the curve's anchor: the configuration's own (its measured curves' largest concurrency: 100 for
    # Llama 3.3 70B FP8 on 2 H100, where the curve data's largest anywhere is 250)
    assert float(free.curve_anchor) == 100.0 == capacity.curve_anchor("llama-3.3-70b", "h100_sxm", "fp8", 2)
    tt = capacity.operating_point(m, g, "fp8", 4, 5000, 500, 1794.0, max_ttft_s=0.5)
    assert float(tt.ttft_s) <= 0.5 * (1 + 1e-9) and str(tt.limited_by) == "time to first token"
    hopeless = capacity.operating_point(m, g, "fp8", 2, 5000, 500, 898.0, min_output_tokens_per_s_per_user=900.0)
    assert not bool(hopeless.meets) and math.isnan(float(hopeless.output_tokens_per_s))


def test_prefix_cache_hits_raise_throughput_and_shorten_ttft():
    m, g = MODELS["llama-3.3-70b"], GPUS["h100_sxm"]
    cold = capacity.operating_point(m, g, "fp8", 2, 5000, 500, 898.0, 0.0, max_ttft_s=2.0)
    warm = capacity.operating_point(m, g, "fp8", 2, 5000, 500, 898.0, 0.8, max_ttft_s=2.0)
    assert float(warm.max_load_output_tokens_per_s) > float(cold.max_load_output_tokens_per_s) == pytest.approx(898.0)
    assert float(warm.output_tokens_per_s) > float(cold.output_tokens_per_s)
    a = capacity.curve(m, g, "fp8", 2, 5000, 500, 10, 0.0)
    b = capacity.curve(m, g, "fp8", 2, 5000, 500, 10, 0.8)
    assert float(b.ttft_s) < float(a.ttft_s)
    # the engine uses the API's cached share unless the hit share is set apart
    assert model.resolve(Scenario()).prefix_cache_hit_share == 0.25
    assert model.resolve(Scenario(prefix_cache_hit_share=0.6)).prefix_cache_hit_share == 0.6
    r0 = model.evaluate(Scenario(prefix_cache_hit_share=0.0))
    r1 = model.evaluate(Scenario(prefix_cache_hit_share=0.9))
    assert r1.at_volume["self_host"]["replica_output_tokens_per_s"] > r0.at_volume["self_host"]["replica_output_tokens_per_s"]


# --- the chooser -------------------------------------------------------------------------------

def _params(**changes) -> Params:
    base = model.resolve(Scenario()).params   # on demand $3.00/GPU-h: $2,190 per GPU-month
    return base.replace(**changes).arrays()


def test_chooser_against_a_hand_made_table():
    """Candidates 2, 4, 8 GPUs at 1,000 / 3,000 / 5,000 output tokens/s at the operating point;
    2,000 in / 500 out, 60% target, peak 2x: a replica serves T × 2,500/500 × 0.6 × 2,628,000 / 2
    = T × 3.942e6 tokens a month: 3.942e9, 1.1826e10, 1.971e10.

    At 2e10 tokens: 2 GPUs need ceil(5.07) = 6 replicas = 12 GPUs = $26,280; 4 GPUs need 2 = 8 GPUs
    = $17,520; 8 GPUs need 2 = 16 GPUs = $35,040 → 4. At 3e9: 2, 4 and 8 GPUs in one replica each
    → 2 ($4,380). A tie (4 GPUs at 2,000 tok/s, 7e9 tokens: 2 × 2 GPUs = 1 × 4 GPUs) → the smaller."""
    gs = np.array([2.0, 4.0, 8.0])
    assert int(model.choose_size(_params(tokens_per_month=2e10), gs, np.array([1000.0, 3000.0, 5000.0]))) == 1
    assert int(model.choose_size(_params(tokens_per_month=3e9), gs, np.array([1000.0, 3000.0, 5000.0]))) == 0
    assert int(model.choose_size(_params(tokens_per_month=7e9), gs, np.array([1000.0, 2000.0, 5000.0]))) == 0
    # a size that misses the target (NaN) is never chosen, however cheap it would be
    assert int(model.choose_size(_params(tokens_per_month=3e9), gs, np.array([np.nan, 3000.0, 5000.0]))) == 1
    # min_replicas 2: 2 x 2 GPUs ($8,760) beats 2 x 4 GPUs at 3e9
    assert int(model.choose_size(_params(tokens_per_month=3e9, min_replicas=2.0), gs, np.array([1000.0, 3000.0, 5000.0]))) == 0
    # vectorised over volumes at once: the size switches along the axis
    vols = np.array([3e9, 2e10])
    assert model.choose_size(_params(tokens_per_month=vols), gs, np.array([1000.0, 3000.0, 5000.0])).tolist() == [0, 1]
    # the scalar reference walks the same table to the same picks
    q = {k: float(np.asarray(getattr(_params(), k))) for k in costs.PARAM_NAMES}
    cands = [(2, 1000.0), (4, 3000.0), (8, 5000.0)]
    assert reference.choose_size({**q, "tokens_per_month": 2e10}, cands)["gpus_per_replica"] == 4
    assert reference.choose_size({**q, "tokens_per_month": 3e9}, cands)["gpus_per_replica"] == 2


def test_default_scenario_options_and_the_cheaper_big_replica_at_scale():
    """At the default 2B tokens one 2-GPU replica is cheapest; at 50B tokens the 4-GPU replica
    (measured shapes, far more KV room per GPU) costs less than many 2-GPU ones."""
    opts = model.replica_options(Scenario())
    assert [o["gpus_per_replica"] for o in opts][:3] == [2, 4, 8]
    assert [o["chosen"] for o in opts].count(True) == 1 and opts[0]["chosen"]
    for o in opts:
        assert {"output_tokens_per_s", "tokens_per_month", "replicas", "monthly_usd_at_volume",
                "usd_per_mtok_full_load", "chosen", "reason"} <= set(o)
        # tokens a replica serves = T × (I+O)/O × u × seconds ÷ peak
        assert o["tokens_per_month"] == pytest.approx(o["output_tokens_per_s"] * 5 * 0.6 * 2_628_000 / 2)
    big = model.evaluate(Scenario(tokens_per_month=5e10))
    assert big.at_volume["self_host"]["gpus_per_replica"] == 4
    two = next(o for o in model.replica_options(Scenario(tokens_per_month=5e10)) if o["gpus_per_replica"] == 2)
    assert big.at_volume["self_host"]["monthly_usd"] < two["monthly_usd_at_volume"]


def test_sweep_over_volume_agrees_with_evaluate_where_the_size_changes():
    s = Scenario(max_ttft_s=2.0, min_output_tokens_per_s_per_user=30.0)
    vols = np.geomspace(1e8, 2e11, 23)
    out = model.sweep(s, {"tokens_per_month": vols})
    sizes = set()
    for n, v in enumerate(vols):
        r = model.evaluate(s.replace(tokens_per_month=float(v)))
        sizes.add(r.at_volume["self_host"]["gpus_per_replica"])
        assert out["self_host_usd"][n] == pytest.approx(r.at_volume["self_host"]["monthly_usd"])
        assert out["gpus"][n] == r.at_volume["self_host"]["gpus"]
        be = r.breakeven["api"].tokens_per_month
        assert (be is None and math.isnan(out["breakeven_vs_api_tokens"][n])) or out["breakeven_vs_api_tokens"][n] == pytest.approx(be)
        pay = r.payback["api"].month
        assert (pay is None and math.isnan(out["payback_vs_api_month"][n])) or out["payback_vs_api_month"][n] == pay
        assert out["npv_vs_api_usd"][n] == pytest.approx(r.npv_usd["api"])
    assert len(sizes) >= 2, "the grid must cross a change of replica size"


def test_breakeven_is_the_envelope_of_every_size():
    """The first crossing of the cheapest-size envelope is the earliest crossing of any size."""
    s = Scenario(api_model="anthropic:claude-sonnet-4-5", staff_fte=4.0)
    r = model.evaluate(s)
    q = {k: float(np.asarray(getattr(r.resolved.params, k))) for k in costs.PARAM_NAMES}
    per_size = [reference.breakeven({**q, "gpus_per_replica": float(o.gpus_per_replica),
                                     "replica_output_tokens_per_s": o.output_tokens_per_s}) for o in r.resolved.options]
    assert r.breakeven["api"].tokens_per_month == pytest.approx(min(x for x in per_size if not math.isnan(x)), rel=1e-9)


# --- properties --------------------------------------------------------------------------------

CONFIGS = [("llama-4-scout", "h100_sxm", "fp8"), ("llama-3.3-70b", "h200", "fp8"), ("llama-3.1-8b", "l40s", "fp8"),
           ("qwen3-235b-a22b", "h200", "fp8"), ("llama-3.3-70b", "a100_80gb", "bf16")]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.sampled_from(CONFIGS), st.sampled_from([500.0, 2000.0, 8000.0]), st.sampled_from([100.0, 500.0, 2000.0]),
       st.floats(0.05, 30.0), st.floats(0.05, 30.0), st.floats(1.0, 120.0), st.floats(1.0, 120.0),
       st.floats(0.0, 0.9))
def test_tighter_target_never_raises_replica_throughput(cfg, i, o, t1, t2, u1, u2, cached):
    mid, gid, prec = cfg
    m, g = MODELS[mid], GPUS[gid]
    gpus = capacity.gpus_per_replica(m, g, prec, i, o)
    top = float(capacity.replica_throughput(m, g, prec, gpus, i, o).output_tokens_per_s)
    loose = capacity.operating_point(m, g, prec, gpus, i, o, top, cached, max(t1, t2), min(u1, u2))
    tight = capacity.operating_point(m, g, prec, gpus, i, o, top, cached, min(t1, t2), max(u1, u2))
    lt, tt = float(loose.output_tokens_per_s), float(tight.output_tokens_per_s)
    assert math.isnan(tt) or (not math.isnan(lt) and tt <= lt * (1 + 1e-9))
    none = capacity.operating_point(m, g, prec, gpus, i, o, top, 0.0)
    assert float(none.output_tokens_per_s) == pytest.approx(top, rel=1e-12)   # no target = max load
    assert math.isnan(lt) or lt <= float(loose.max_load_output_tokens_per_s) * (1 + 1e-9)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([1e8, 2e9, 3e10, 4e11]), st.sampled_from([None, 10.0, 2.0, 0.5]),
       st.sampled_from([None, 10.0, 30.0, 60.0]), st.sampled_from(["on_demand", "buy"]), st.integers(1, 3))
def test_tighter_target_never_lowers_gpus_and_choice_never_dearer_than_smallest(v, ttft, speed, acq, min_rep):
    loose = Scenario(tokens_per_month=v, acquisition=acq, min_replicas=min_rep)
    try:
        tight_r = model.evaluate(loose.replace(max_ttft_s=ttft, min_output_tokens_per_s_per_user=speed))
    except capacity.DoesNotFit:
        return
    loose_r = model.evaluate(loose)
    assert tight_r.at_volume["self_host"]["gpus"] >= loose_r.at_volume["self_host"]["gpus"]
    for r in (loose_r, tight_r):
        opts = model.replica_options(r.resolved.scenario)
        feasible = [o for o in opts if o["monthly_usd_at_volume"] is not None]
        smallest = feasible[0]
        assert r.at_volume["self_host"]["monthly_usd"] <= smallest["monthly_usd_at_volume"] * (1 + 1e-12)
        assert r.at_volume["self_host"]["monthly_usd"] == pytest.approx(min(o["monthly_usd_at_volume"] for o in feasible))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(1e6, 1e12), st.lists(st.tuples(st.sampled_from([1, 2, 4, 8, 16, 24]), st.one_of(st.just(math.nan), st.floats(1.0, 1e5))),
                                      min_size=1, max_size=6), st.integers(1, 4), st.sampled_from([0.0, 3.0]))
def test_vectorised_chooser_matches_the_scalar_reference(v, cands, min_rep, code):
    cands = sorted(dict(cands).items())
    if not any(t == t for _, t in cands):
        return
    p = _params(tokens_per_month=v, min_replicas=float(min_rep), acquisition_code=code)
    k = int(model.choose_size(p, np.array([g for g, _ in cands], dtype=float), np.array([t for _, t in cands])))
    q = {name: float(np.asarray(getattr(p, name))) for name in costs.PARAM_NAMES}
    picked = reference.choose_size(q, cands)
    assert cands[k][0] == picked["gpus_per_replica"]


# --- provenance and interconnect ---------------------------------------------------------------

def test_provenance_words():
    scout, h100 = MODELS["llama-4-scout"], GPUS["h100_sxm"]
    at = capacity.replica_throughput(scout, h100, "fp8", 4, 1000, 1000)
    assert at.source == "measured" and float(at.output_tokens_per_s) == pytest.approx(12129, rel=0.10)
    assert capacity.replica_throughput(scout, h100, "fp8", 4, 2000, 500).source == "interpolated"
    carried = capacity.replica_throughput(scout, h100, "fp8", 2, 2000, 500)
    assert carried.source == "derived" and "carried to 2 GPUs" in carried.detail and "4× NVIDIA H100" in carried.detail and "(×0.36)" in carried.detail
    assert "measured shapes of 4× NVIDIA H100 SXM5 80GB (trtllm, NVIDIA/TensorRT-LLM:docs/" in carried.detail
    assert capacity.replica_throughput(MODELS["llama-3.1-8b"], GPUS["l40s"], "fp8", 1, 2000, 500).source == "roofline"
    for t in (at, carried):
        assert t.error > 0 and t.error_p90 >= t.error and "±" in t.detail
    r = model.evaluate(Scenario())
    sh = r.at_volume["self_host"]
    assert sh["throughput_source"] == "derived" and sh["throughput_error"] == pytest.approx(capacity.compute_error_bands()["derived"][0], abs=0.0015)


def test_multi_server_replica_of_a_slow_link_gpu_warns_and_beyond_the_limit_does_not_fit():
    # 405B at FP8: 405.9e9 × 1.03 = 418 GB + KV 16 × 2,500 × 258,048 B = 10 GB → 428 GB / (24 × 0.9 = 21.6 GB)
    # = 19.8 → 24 L4s, 3 servers of 8, no fast inter-node link: a warning with the server count
    r = model.evaluate(Scenario(open_model="llama-3.1-405b", gpu="l4", precision="fp8", gpus_per_replica=24))
    assert r.at_volume["self_host"]["servers_per_replica"] == 3
    assert any("spans 3 servers" in w and "no fast inter-node link" in w for w in r.resolved.warnings)
    assert capacity.gpus_per_replica(MODELS["llama-3.1-405b"], GPUS["l4"], "fp8", 2000, 500) == 24
    # the Ethernet hops cost throughput against the same GPUs as if they had a fast link
    m, l4 = MODELS["llama-3.1-405b"], GPUS["l4"]
    slow = float(capacity.decode_step_s(m, l4, "fp8", 24, 2000, 500, 64))
    fast = float(capacity.decode_step_s(m, catalog.Gpu(**{**l4.__dict__, "id": "l4_with_fast_link"}), "fp8", 24, 2000, 500, 64))
    # 2 boundaries × (30 µs + 64 × 16,384 × 2 B / 12.5 GB/s)
    assert slow - fast == pytest.approx(2 * (30e-6 + 64 * 16384 * 2 / 12.5e9), rel=1e-9)
    # at BF16: 812 GB + 21 GB KV → 39 L4s → 40 = 5 servers, beyond the 4 allowed: it does not fit
    with pytest.raises(capacity.DoesNotFit, match="5 servers"):
        model.evaluate(Scenario(open_model="llama-3.1-405b", gpu="l4", precision="bf16"))
    # a GPU with a fast link may span servers without the warning
    big = model.evaluate(Scenario(open_model="llama-4-maverick", precision="bf16"))
    assert big.at_volume["self_host"]["servers_per_replica"] == 2
    assert not any("inter-node" in w for w in big.resolved.warnings)


def test_summary_json_carries_the_operating_point_and_replica_options():
    from tco.__main__ import summary_dict
    d = summary_dict(model.evaluate(Scenario(max_ttft_s=2.0, min_output_tokens_per_s_per_user=30.0)))
    sh = d["at_volume"]["self_host"]
    for key in ("concurrency_per_replica", "output_tokens_per_s_per_user", "ttft_s", "throughput_error",
                "latency_error", "max_load_output_tokens_per_s"):
        assert sh[key] is not None
    assert sh["output_tokens_per_s_per_user"] >= 30.0 * (1 - 1e-9) and sh["ttft_s"] <= 2.0
    assert sh["replica_output_tokens_per_s"] == pytest.approx(sh["concurrency_per_replica"] * sh["output_tokens_per_s_per_user"])
    assert [o for o in d["replica_options"] if o["chosen"]][0]["gpus_per_replica"] == sh["gpus_per_replica"]


def test_no_size_meets_an_impossible_target():
    with pytest.raises(capacity.DoesNotFit, match="meets the latency target"):
        model.evaluate(Scenario(min_output_tokens_per_s_per_user=999.0))


# --- validation, computed here -----------------------------------------------------------------

def test_stored_error_bands_are_the_leave_one_out_figures():
    computed = capacity.compute_error_bands()
    assert set(computed) == set(capacity.ERROR_BANDS)
    for source, (median, p90) in capacity.ERROR_BANDS.items():
        assert computed[source] == pytest.approx((median, p90), abs=0.0015)


def test_stored_step_constants_are_the_fit():
    k = capacity.fit_step_constants()
    np.testing.assert_allclose(k.astuple(), capacity.STEP.astuple(), rtol=2e-3)


def test_leave_one_out_errors_against_the_targets():
    """Targets: median ≤ 15%, p90 ≤ 40% of |error| of throughput per GPU, on the max-load rows and
    on the latency-curve points, each predicted as the engine would answer with it left out."""
    loo = capacity.max_row_validation()
    e = np.array([x for _, _, x in loo])
    assert len(e) >= 170
    assert np.median(e) <= 0.15 and np.quantile(e, 0.9) <= 0.40          # max-load rows, as the engine answers
    engine = capacity.curve_validation_engine()
    fwd = np.abs([x[2] for x in engine])
    matched = np.abs([x[3] for x in engine if x[3] is not None])
    assert len(fwd) >= 590 and len(matched) >= 350
    assert np.median(fwd) <= 0.15 and np.quantile(fwd, 0.9) <= 0.40      # latency curves at the measured concurrency
    # ... and at the measured per-user speed: the operating point with that speed as its target
    assert np.median(matched) <= 0.15 and np.quantile(matched, 0.9) <= 0.40
    # the model alone (a configuration with nothing measured) misses at a given per-user speed
    # (median ~28%, p90 ~100%) and on the max-load rows (~19% / ~54%): reported, not hidden
    alone = capacity.curve_validation()
    alone_matched = np.abs([x[3] for x in alone if x[3] is not None])
    assert np.median(alone_matched) > 0.15
    cal = capacity.calibration()
    assert 0 < cal.loo_median_abs_error < 0.30
    # the bands the page shows next to an operating point are these figures, by curve source
    computed = capacity.compute_latency_error_bands()
    assert set(computed) == set(capacity.LATENCY_ERROR_BANDS)
    for source, band in capacity.LATENCY_ERROR_BANDS.items():
        for key, value in band.items():
            assert computed[source][key] == pytest.approx(value, abs=0.0015), (source, key)
    roof = capacity.LATENCY_ERROR_BANDS["roofline"]
    assert roof["at_speed_median"] == pytest.approx(np.median(alone_matched), abs=0.0015)


def test_curve_scale_by_hand():
    """scale(B) = min(s, 1)^(1 − t) · s^t, t = clip(ln(B/a) / ln(b_max/a), 0, 1), a = max(min(anchor,
    b_max/2), 1)."""
    # s = 2, anchor 100, KV limit 1,000: 1 up to 100; at √(100 × 1,000) = 316.2, t = ½: 2^½ = 1.41421
    assert capacity.scale_at(50.0, 2.0, 100.0, 1000.0) == pytest.approx(1.0, abs=1e-12)
    assert capacity.scale_at(1000 ** 0.5 * 10, 2.0, 100.0, 1000.0) == pytest.approx(2 ** 0.5, rel=1e-12)
    assert capacity.scale_at(1000.0, 2.0, 100.0, 1000.0) == pytest.approx(2.0, rel=1e-12)
    # the KV limit (120) below the anchor (250): a = 60, so at 60·√2 = 84.85, t = ½
    assert capacity.scale_at(60 * 2 ** 0.5, 1.44, 250.0, 120.0) == pytest.approx(1.2, rel=1e-12)
    # the model faster than the max-load figure (s = 0.8): the whole curve scaled down to it
    np.testing.assert_allclose(capacity.scale_at(np.array([1.0, 30.0, 1000.0]), 0.8, 100.0, 1000.0), 0.8, rtol=1e-12)
    # a KV limit of one sequence: s
    assert capacity.scale_at(1.0, 1.7, 100.0, 1.0) == pytest.approx(1.7, rel=1e-12)


def test_latency_curve_provenance_words():
    m8, h100 = MODELS["llama-3.1-8b"], GPUS["h100_sxm"]
    # Llama 3.1 8B BF16 on one H100: curves at 200/200, 200/1000, 200/2000, 2000/200, 2000/2000, 7000/1000
    assert capacity.curve_provenance(m8, h100, "bf16", 1, 2000, 2000)[0] == "measured"
    assert capacity.curve_provenance(m8, h100, "bf16", 1, 1000, 1000)[0] == "interpolated"
    assert capacity.curve_provenance(m8, h100, "bf16", 1, 12000, 500)[0] == "derived"
    source, detail = capacity.curve_provenance(MODELS["llama-4-scout"], h100, "fp8", 2, 2000, 500)
    assert source == "roofline" and "no latency curve measured for Llama 4 Scout" in detail
    # one measured shape: its own word at that shape, but the global constants (nothing to refit on)
    one = capacity.curve_provenance(MODELS["llama-3.3-70b"], h100, "fp8", 2, 5000, 500)
    assert one[0] == "measured" and "one shape" in one[1]
    assert one[1] == ("measured at this shape: 5 points of 1 measured curve of Llama 3.3 70B Instruct on 2× NVIDIA "
                      "H100 SXM5 80GB at fp8 (nim-trtllm, https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/"
                      "performance); one shape: the global step constants, used up to its concurrencies")
    between = capacity.curve_provenance(m8, h100, "bf16", 1, 1000, 1000)[1]
    assert between.startswith("between the measured shapes: 48 points of 6 measured curves of Llama 3.1 8B")
    assert capacity.config_constants("llama-3.3-70b", "h100_sxm", "fp8", 2) == capacity.STEP
    assert capacity.config_constants("llama-3.1-8b", "h100_sxm", "bf16", 1) != capacity.STEP
    assert capacity.curve_anchor("llama-3.1-8b", "h100_sxm", "bf16", 1) == 250.0
    # the 5% tolerance of a measured shape, and of the measured range's ends
    word = lambda i, o: capacity.curve_provenance(m8, h100, "bf16", 1, i, o)[0]   # noqa: E731
    assert word(2000 * 1.04, 2000 * 0.96) == "measured" and word(2000 * 1.06, 2000) == "interpolated"
    assert word(7000 * 1.04, 1500) == "interpolated" and word(7000 * 1.06, 1500) == "derived"
    assert word(1000, 200 * 0.96) == "interpolated" and word(1000, 200 * 0.94) == "derived"
    assert word(1000, 2000 * 1.04) == "interpolated" and word(1000, 2000 * 1.06) == "derived"
    assert word(200 * 0.96, 1500) == "interpolated" and word(200 * 0.94, 1500) == "derived"
    # the range's ends themselves are inside (lengths of exactly 5% beyond the measured extremes)
    edge = capacity.SAME_SHAPE
    assert word(7000 * (1 + edge), 1500) == "interpolated" and word(200 * (1 - edge), 1500) == "interpolated"
    assert word(1000, 2000 * (1 + edge)) == "interpolated" and word(1000, 200 * (1 - edge)) == "interpolated"
    # arrays of lengths: one word for all of them, the weakest that holds for every element
    assert word(np.array([2000.0, 2010.0]), np.array([2000.0, 1990.0])) == "measured"
    assert word(np.array([2000.0, 1000.0]), np.array([2000.0, 1000.0])) == "interpolated"
    assert word(np.array([2000.0, 1000.0]), np.array([2000.0, 2000.0])) == "interpolated"   # one input off
    assert word(np.array([2000.0, 2000.0]), np.array([2000.0, 1000.0])) == "interpolated"   # one output off
    assert word(np.array([2000.0, 9000.0]), np.array([2000.0, 1000.0])) == "derived"
    # one measured shape: "measured" there, "derived" anywhere else (no range to interpolate in)
    m70 = MODELS["llama-3.3-70b"]
    assert capacity.curve_provenance(m70, h100, "fp8", 2, 5000 * 1.04, 500)[0] == "measured"
    assert capacity.curve_provenance(m70, h100, "fp8", 2, 5000 * 1.06, 500)[0] == "derived"
    assert capacity.curve_provenance(m70, h100, "fp8", 2, 5000, 500 * 0.94)[0] == "derived"


def test_the_engine_answer_for_a_left_out_curve_is_the_operating_point_without_it():
    """One left-out curve redone by hand: Llama 3.1 8B BF16 on one H100 at 2,000 in / 2,000 out. The
    configuration's constants refitted on its other five curves, the anchor their largest
    concurrency (250), the max-load figure the engine's; at the measured per-user speed of the
    concurrency-50 point (2,317.26 / 50 = 46.35 tok/s) the engine's operating point, against the
    measured 2,317.26 tok/s."""
    m, g = MODELS["llama-3.1-8b"], GPUS["h100_sxm"]
    mine = capacity.config_points("llama-3.1-8b", "h100_sxm", "bf16", 1)
    rest = tuple(p for p in mine if (p.input_tokens, p.output_tokens) != (2000, 2000))
    left = [p for p in mine if (p.input_tokens, p.output_tokens) == (2000, 2000)]
    assert len(rest) + len(left) == len(mine) and max(p.concurrency for p in rest) == 250
    k = capacity.fit_config_constants(rest)
    top = float(capacity.replica_throughput(m, g, "bf16", 1, 2000, 2000).output_tokens_per_s)
    p50 = [p for p in left if p.concurrency == 50][0]
    assert p50.output_tokens_per_s == 2317.26
    pt = capacity.operating_point(m, g, "bf16", 1, 2000, 2000, top, 0.0, None, 2317.26 / 50, k=k, anchor=250.0)
    assert float(pt.output_tokens_per_s_per_user) == pytest.approx(2317.26 / 50, rel=1e-6)
    got = [x for x in capacity.curve_validation_engine() if x[0] is p50][0]
    assert got[1] == "interpolated"
    assert got[3] == pytest.approx(float(pt.output_tokens_per_s) / 2317.26 - 1, rel=1e-9)


def test_latency_curve_data_has_a_source_and_date_per_row():
    rows = catalog.latency_curves()
    assert len(rows) >= 700
    for p in rows:
        assert p.source and p.date[:4] in ("2024", "2025", "2026") and p.concurrency >= 1 and p.output_tokens_per_s > 0
        assert p.model in MODELS and p.gpu in GPUS
    # NIM 1.8.0 on 2x H100: 623.4 tok/s at concurrency 25 with 38.75 ms between tokens (the page)
    nim = [p for p in rows if p.source.startswith("https://docs.nvidia.com/nim") and p.concurrency == 25]
    assert nim and nim[0].output_tokens_per_s == 623.4 and nim[0].itl_s == pytest.approx(0.03875)


def test_readme_worked_example_capacity_numbers():
    """The capacity paragraphs of the README's worked example, number by number (the engine's
    figures rounded as printed there; the arithmetic between them redone here)."""
    r = model.evaluate(Scenario())
    sh = r.at_volume["self_host"]
    assert round(float(r.resolved.throughput.output_tokens_per_s), -1) == 2620
    assert round(sh["replica_output_tokens_per_s"]) == 2762 and round(sh["concurrency_per_replica"]) == 149
    assert round(sh["output_tokens_per_s_per_user"], 1) == 18.5 and round(sh["ttft_s"], 2) == 0.12
    assert sh["replica_output_tokens_per_s"] * 2500 / 500 * 0.6 * 2_628_000 / 2 == pytest.approx(10.89e9, rel=0.005)
    assert round(sh["throughput_error"], 2) == 0.19 and sh["throughput_source"] == "derived"
    four = model.replica_options(Scenario(tokens_per_month=5e10))
    assert [o for o in four if o["chosen"]][0]["gpus_per_replica"] == 4
    assert round(four[1]["output_tokens_per_s"]) == 7876
    # hosted: the 4-GPU replica at full load, $8,760 ÷ 31.0B tokens
    opt4 = model.replica_options(Scenario())[1]
    assert opt4["tokens_per_month"] == pytest.approx(31.05e9, rel=0.005)
    assert opt4["usd_per_mtok_full_load"] == pytest.approx(8760 / 31.047e9 * 1e6, rel=1e-3) == pytest.approx(0.282, abs=5e-4)
    chat = model.evaluate(Scenario(max_ttft_s=2.0, min_output_tokens_per_s_per_user=30.0))
    pt = chat.resolved.point
    b, step, pf = float(pt.concurrency), float(pt.decode_step_s), float(pt.prefill_s)
    assert (round(b, 1), round(step * 1e3, 1), round(pf * 1e3, 1)) == (37.2, 31.1, 30.6)
    assert 500 / (b * pf + 500 * step) == pytest.approx(30.0, rel=1e-6)
    assert round(chat.at_volume["self_host"]["replica_output_tokens_per_s"]) == 1117
    # no curve is measured for Scout: the global constants, the whole curve scaled down to the
    # derived max-load figure (×0.905 the model's at 149 sequences)
    assert chat.at_volume["self_host"]["latency_error"]["source"] == "roofline"
    assert round(float(pt.scale), 3) == round(float(pt.max_load_scale), 3) == 0.905
    assert round(chat.breakeven["api"].tokens_per_month / 1e7) == 634
    # NPV by hand: a replica serves 1,116.62 x 2,500/500 x 0.6 x 2,628,000 s / 2 = 4.402B tokens a
    # month, so the fleet grows to 2 replicas (4 GPUs) once 2B x 1.03^(m-1) passes that (month 28)
    cap = 1116.6157845481828 * 2500 / 500 * 0.6 * 2_628_000 / 2
    assert chat.at_volume["self_host"]["replica_output_tokens_per_s"] == pytest.approx(1116.6157845481828, rel=1e-9)
    npv = -50_000.0
    for m in range(1, 37):
        v = 2e9 * 1.03 ** (m - 1)
        replicas = max(1, math.ceil(v / cap))
        npv += (v * 2.775e-6 - (replicas * 2 * 3.0 * 730 + 0.5 * 200_000 / 12 + 500)) / 1.1 ** (m / 12)
    assert math.ceil(2e9 * 1.03 ** 27 / cap) == 2 and math.ceil(2e9 * 1.03 ** 26 / cap) == 1
    assert round(npv) == -195_949 and chat.npv_usd["api"] == pytest.approx(npv, rel=1e-9)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(MODELS)), st.sampled_from(["h100_sxm", "h200", "b200", "a100_80gb", "mi300x"]),
       st.sampled_from(["bf16", "fp8", "int4"]), st.sampled_from([1, 2, 4, 8, 16]), st.floats(1, 100_000),
       st.floats(1, 20_000), st.floats(1, 2048), st.floats(0, 1))
def test_vectorised_step_model_matches_the_scalar_reference(mid, gid, prec, gpus, i, o, b, cached):
    m, g = MODELS[mid], GPUS[gid]
    c = capacity.curve(m, g, prec, gpus, np.array([i]), np.array([o]), np.array([b]), cached)
    ref = reference.step_time(m, g, prec, gpus, i, o, b, cached, capacity.STEP, capacity.BYTES_PER_PARAM[prec],
                              capacity.kv_bytes_per_token(m, prec), capacity.PREFILL_CHUNK_TOKENS)
    assert float(c.output_tokens_per_s[0]) == pytest.approx(ref["throughput"], rel=1e-9)
    assert float(c.output_tokens_per_s_per_user[0]) == pytest.approx(ref["per_user"], rel=1e-9)
    assert float(c.ttft_s[0]) == pytest.approx(ref["ttft_s"], rel=1e-9)


def test_only_rows_of_a_known_model_gpu_and_precision_are_fitted_or_validated():
    # found by mutating tco/capacity.py: a data row naming a model, GPU or precision the catalogs
    # do not know, or FP4 on a GPU without FP4 tensor cores, is left out of the fit and the validation
    assert capacity._known("llama-3.1-8b", "h100_sxm", "bf16") and capacity._known("llama-3.1-8b", "b200", "fp4")
    assert not capacity._known("no-such-model", "h100_sxm", "bf16")
    assert not capacity._known("llama-3.1-8b", "no-such-gpu", "bf16")
    assert not capacity._known("llama-3.1-8b", "h100_sxm", "int3")
    assert not capacity._known("llama-3.1-8b", "h100_sxm", "fp4")       # H100: no FP4 tensor cores


# --- the survivors of a fresh mutation sample of tco/capacity.py (seed 2, 2026-12-03) -------------

def test_the_words_of_a_shape_outside_the_measured_curves():
    m8, h100 = MODELS["llama-3.1-8b"], GPUS["h100_sxm"]
    source, detail = capacity.curve_provenance(m8, h100, "bf16", 1, 12000, 500)
    assert source == "derived"
    assert detail.startswith("outside the measured shapes: 48 points of 6 measured curves of Llama 3.1 8B")


def test_a_roofline_figure_carries_its_error_band():
    """No measured row for Llama 4 Scout FP8 on L40S: the calibrated model, with the roofline
    source's leave-one-out error (median and p90) as numbers, not only in the words."""
    t = capacity.replica_throughput(MODELS["llama-4-scout"], GPUS["l40s"], "fp8", 8, 2000, 500)
    e50, e90 = capacity.error_bands()["roofline"]
    assert t.source == "roofline" and (t.error, t.error_p90) == (e50, e90) and 0 < e50 < e90


def test_a_replica_in_one_server_has_no_slow_link_whatever_the_gpu():
    l40s, sxm = GPUS["l40s"], GPUS["h100_sxm"]
    per_node = l40s.gpus_per_node
    assert capacity.slow_link_servers(l40s, per_node) == 0 and capacity.slow_link_servers(l40s, 1) == 0
    assert capacity.slow_link_servers(l40s, 2 * per_node) == 2
    assert capacity.slow_link_servers(sxm, 2 * sxm.gpus_per_node) == 0


def test_a_cached_share_above_one_is_all_cached_not_negative_prefill():
    m, g = MODELS["llama-3.3-70b"], GPUS["h100_sxm"]
    whole = float(capacity.prefill_s(m, g, "fp8", 2, 2000, 1.0))
    assert float(capacity.prefill_s(m, g, "fp8", 2, 2000, 1.5)) == whole >= 0.0


def test_a_ttft_target_one_sequence_misses_is_not_met_even_by_a_little():
    """At 5,000 in / 500 out one sequence's time to first token is T1; a target of T1 / 1.5 is missed
    by every concurrency: no throughput (NaN), not the point at one sequence."""
    m, g = MODELS["llama-3.3-70b"], GPUS["h100_sxm"]
    t1 = float(capacity.operating_point(m, g, "fp8", 2, 5000, 500, 898.0, max_ttft_s=1e-9).ttft_s)
    assert t1 > 0
    missed = capacity.operating_point(m, g, "fp8", 2, 5000, 500, 898.0, max_ttft_s=t1 / 1.5)
    assert not bool(missed.meets) and math.isnan(float(missed.output_tokens_per_s))
    met = capacity.operating_point(m, g, "fp8", 2, 5000, 500, 898.0, max_ttft_s=t1 * 1.01)
    assert bool(met.meets) and float(met.ttft_s) <= t1 * 1.01


def test_max_load_on_a_configurations_own_curve_is_the_figure_given():
    """Llama 3.1 8B BF16 on one H100 has its own step constants (its measured curves): the max-load
    throughput is the figure given (1,234 tokens/s) at the KV-limited concurrency, on that curve."""
    m8, h100 = MODELS["llama-3.1-8b"], GPUS["h100_sxm"]
    assert capacity.config_constants("llama-3.1-8b", "h100_sxm", "bf16", 1) != capacity.STEP
    pt = capacity.operating_point(m8, h100, "bf16", 1, 2000, 500, 1234.0)
    assert float(pt.max_load_output_tokens_per_s) == pytest.approx(1234.0, rel=1e-12)

"""Checks on the reference catalogs in data/ (gpus.csv, models.csv, throughput.csv).

Golden values come from /work/shared/reference/gpus-models-prices.md (compiled 2026-11-22) and the
sources it cites. genai-prices is only used offline (bundled data; UpdatePrices is never created).
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"

GPU_COLS = ("id,name,vendor,memory_gb,bandwidth_tb_s,bf16_tflops,fp8_tflops,fp4_tflops,tdp_w,"
            "gpus_per_node,on_demand_usd_per_hour,purchase_usd_per_gpu,spec_source,spec_date,"
            "price_source,price_date,note").split(",")
MODEL_COLS = ("id,name,hf_id,total_params_b,active_params_b,layers,hidden,heads,kv_heads,head_dim,"
              "experts,experts_per_token,shared_experts,moe_layers,routed_expert_params_b,"
              "kv_bytes_per_token_bf16,max_context,native_precision,hosted_offers,source,date,"
              "note").split(",")
THROUGHPUT_COLS = ("model,gpu,gpus,precision,input_tokens,output_tokens,output_tokens_per_s,"
                   "framework,mode,source,date,note").split(",")

REQUIRED_GPUS = {"h100_sxm", "h100_pcie", "h200", "b200", "a100_80gb", "l40s", "l4", "mi300x"}
REQUIRED_MODELS = {"llama-4-scout", "llama-4-maverick", "llama-3.3-70b", "llama-3.1-8b",
                   "qwen3-235b-a22b", "deepseek-v3", "gpt-oss-120b", "qwen3-30b-a3b", "gpt-oss-20b"}
PRECISIONS = {"bf16", "fp8", "int4", "fp4"}


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _date_ok(text: str) -> bool:
    if re.fullmatch(r"\d{4}-\d{2}", text):
        fmt = "%Y-%m"
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        fmt = "%Y-%m-%d"
    else:
        return False
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def gpus() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in _read("gpus.csv")[1]}


@pytest.fixture(scope="module")
def models() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in _read("models.csv")[1]}


@pytest.fixture(scope="module")
def throughput() -> list[dict[str, str]]:
    return _read("throughput.csv")[1]


# --- structure -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,cols", [("gpus.csv", GPU_COLS), ("models.csv", MODEL_COLS),
                                       ("throughput.csv", THROUGHPUT_COLS)])
def test_columns_exact_and_in_order(name, cols):
    header, rows = _read(name)
    assert header == cols
    assert rows, f"{name} is empty"
    for r in rows:
        assert None not in r, f"{name}: row has more fields than the header: {r}"
        assert all(v is not None for v in r.values()), f"{name}: short row {r}"


@pytest.mark.parametrize("name", ["gpus.csv", "models.csv"])
def test_ids_unique(name):
    ids = [r["id"] for r in _read(name)[1]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_.\-]*", i) for i in ids)


def test_required_ids_present(gpus, models):
    assert REQUIRED_GPUS <= set(gpus)
    assert REQUIRED_MODELS <= set(models)


def test_throughput_rows_unique(throughput):
    keys = [(r["model"], r["gpu"], r["gpus"], r["precision"], r["input_tokens"], r["output_tokens"],
             r["framework"], r["mode"]) for r in throughput]
    assert len(keys) == len(set(keys))


# --- provenance ------------------------------------------------------------------------------------

def test_every_row_has_source_and_date(gpus, models, throughput):
    for r in gpus.values():
        for src, date in (("spec_source", "spec_date"), ("price_source", "price_date")):
            assert r[src].strip(), f"{r['id']}: empty {src}"
            assert _date_ok(r[date]), f"{r['id']}: bad {date} {r[date]!r}"
    for r in models.values():
        assert r["source"].strip(), r["id"]
        assert _date_ok(r["date"]), f"{r['id']}: bad date {r['date']!r}"
    for r in throughput:
        assert r["source"].strip(), r
        assert _date_ok(r["date"]), f"bad date {r['date']!r} in {r}"


def test_estimates_are_marked(gpus):
    # Purchase prices that are not sourced must say so.
    for gid in ("h100_pcie", "a100_80gb", "l40s", "l4", "mi300x", "h200", "b200"):
        note = gpus[gid]["note"].lower()
        assert "estimate" in note or "extrapolated" in note, gid


# --- numbers ---------------------------------------------------------------------------------------

def test_gpu_numbers(gpus):
    for r in gpus.values():
        for col in ("memory_gb", "bandwidth_tb_s", "bf16_tflops", "tdp_w", "on_demand_usd_per_hour",
                    "purchase_usd_per_gpu"):
            assert float(r[col]) > 0, (r["id"], col)
        assert int(r["gpus_per_node"]) >= 1
        for col in ("fp8_tflops", "fp4_tflops"):
            if r[col]:
                assert float(r[col]) > float(r["bf16_tflops"]), (r["id"], col)
    assert gpus["a100_80gb"]["fp8_tflops"] == ""  # no FP8 tensor cores
    assert [g for g, r in gpus.items() if r["fp4_tflops"]] == ["b200"]


def test_model_numbers(models):
    ints = ("layers", "hidden", "heads", "kv_heads", "head_dim", "max_context",
            "kv_bytes_per_token_bf16")
    for r in models.values():
        assert r["native_precision"] in PRECISIONS, r["id"]
        for col in ints + ("total_params_b", "active_params_b"):
            assert float(r[col]) > 0, (r["id"], col)
        total, active = float(r["total_params_b"]), float(r["active_params_b"])
        routed = float(r["routed_expert_params_b"])
        assert active <= total
        e, k, moe_layers = int(r["experts"]), int(r["experts_per_token"]), int(r["moe_layers"])
        if e == 0:
            assert k == 0 and moe_layers == 0 and routed == 0 and int(r["shared_experts"]) == 0
            continue
        assert 0 < k < e and 0 < moe_layers <= int(r["layers"]) and 0 < routed < total
        assert int(r["shared_experts"]) in (0, 1)
        # dense + routed*k/E reproduces the published active count up to the embedding table
        # (which "active" excludes): at most ~1.1B for these vocabularies.
        touched = (total - routed) + routed * k / e
        assert 0 <= touched - active <= 1.2, (r["id"], touched, active)


def test_kv_bytes_formula(models):
    for r in models.values():
        if r["id"] == "deepseek-v3":
            continue
        expected = 2 * int(r["layers"]) * int(r["kv_heads"]) * int(r["head_dim"]) * 2
        assert int(r["kv_bytes_per_token_bf16"]) == expected, r["id"]
    # MLA: (kv_lora_rank 512 + qk_rope_dim 64) * 61 layers * 2 bytes
    assert int(models["deepseek-v3"]["kv_bytes_per_token_bf16"]) == (512 + 64) * 61 * 2 == 70272


def test_throughput_numbers_and_references(throughput, models, gpus):
    for r in throughput:
        assert r["model"] in models, r["model"]
        assert r["gpu"] in gpus, r["gpu"]
        assert r["precision"] in PRECISIONS
        assert int(r["gpus"]) >= 1
        assert int(r["gpus"]) <= int(gpus[r["gpu"]]["gpus_per_node"])
        for col in ("input_tokens", "output_tokens", "output_tokens_per_s"):
            assert float(r[col]) > 0, (r, col)
        assert r["framework"].strip() and r["mode"].strip()
        if r["precision"] == "fp4":
            assert gpus[r["gpu"]]["fp4_tflops"], r
    # hardware of the vLLM ROCm rows is not stated in the source: the note must say so
    for r in throughput:
        if r["framework"] == "vllm":
            assert "uncertain" in r["note"].lower()


# --- hosted offers (genai-prices, offline bundled data) ---------------------------------------------

def test_hosted_defaults_resolve_in_genai_prices(models, monkeypatch):
    import socket

    from genai_prices import Usage, calc_price

    def _no_network(*args, **kwargs):
        raise AssertionError("genai-prices must use its bundled data offline")

    monkeypatch.setattr(socket.socket, "connect", _no_network)

    for r in models.values():
        refs = r["hosted_offers"].split(";")
        assert refs and len(set(refs)) == len(refs), r["id"]
        for ref in refs:
            provider, sep, model = ref.partition(":")
            assert sep and provider and model, (r["id"], ref)
            res = calc_price(Usage(input_tokens=1000, output_tokens=1000), model, provider_id=provider)
            assert res.provider.id == provider, (r["id"], ref)
            assert res.total_price > 0, (r["id"], ref)


# --- golden values from the reference ---------------------------------------------------------------

def test_golden_gpus(gpus):
    h100 = gpus["h100_sxm"]
    # Reference §1: H100 SXM 80 GB, 3.35 TB/s, 989 BF16 / 1,979 FP8 dense TFLOPS, 700 W
    assert (float(h100["memory_gb"]), float(h100["bandwidth_tb_s"]), float(h100["bf16_tflops"]),
            float(h100["fp8_tflops"]), float(h100["tdp_w"])) == (80, 3.35, 989, 1979, 700)
    # Recommended defaults: H100 3.00 $/GPU-h, $35k all-in; H200 3.60; B200 6.00; A100 1.65; MI300X 1.85
    assert float(h100["on_demand_usd_per_hour"]) == 3.00
    assert float(h100["purchase_usd_per_gpu"]) == 35000
    for gid, price in (("h200", 3.60), ("b200", 6.00), ("a100_80gb", 1.65), ("mi300x", 1.85)):
        assert float(gpus[gid]["on_demand_usd_per_hour"]) == price, gid
    # B200: 180 GB exposed, FP4 9,000 dense TFLOPS; H200 141 GB at 4.8 TB/s; MI300X 192 GB, 5.3 TB/s
    assert float(gpus["b200"]["memory_gb"]) == 180 and float(gpus["b200"]["fp4_tflops"]) == 9000
    assert (float(gpus["h200"]["memory_gb"]), float(gpus["h200"]["bandwidth_tb_s"])) == (141, 4.8)
    assert (float(gpus["mi300x"]["memory_gb"]), float(gpus["mi300x"]["bandwidth_tb_s"])) == (192, 5.3)


def test_golden_models(models):
    scout = models["llama-4-scout"]
    # Scout KV/token (bf16, full attention) = 2*48*8*128*2 = 196,608 B
    assert int(scout["kv_bytes_per_token_bf16"]) == 2 * 48 * 8 * 128 * 2 == 196608
    # Scout routed experts = 48 layers * 16 experts * 3*5120*8192 = 96.64B
    assert float(scout["routed_expert_params_b"]) == pytest.approx(48 * 16 * 3 * 5120 * 8192 / 1e9,
                                                                   abs=0.01)
    # Maverick: MoE every 2nd layer -> 24 MoE layers x 128 experts, 400.7B total / 16.1B active
    mav = models["llama-4-maverick"]
    assert (int(mav["moe_layers"]), int(mav["experts"]), float(mav["total_params_b"]),
            float(mav["active_params_b"])) == (24, 128, 400.7, 16.1)
    # DeepSeek-V3: 671B / 36.5B, 256 routed top-8 + 1 shared, 58 MoE layers, ships FP8
    ds = models["deepseek-v3"]
    assert (float(ds["total_params_b"]), float(ds["active_params_b"]), int(ds["experts"]),
            int(ds["experts_per_token"]), int(ds["shared_experts"]), int(ds["moe_layers"]),
            ds["native_precision"]) == (671, 36.5, 256, 8, 1, 58, "fp8")
    # Llama 3.3 70B KV/token = 2*80*8*128*2 = 327,680 B; gpt-oss-120b ships MXFP4 -> int4
    assert int(models["llama-3.3-70b"]["kv_bytes_per_token_bf16"]) == 327680
    assert models["gpt-oss-120b"]["native_precision"] == "int4"
    assert int(models["qwen3-235b-a22b"]["kv_bytes_per_token_bf16"]) == 192512


def _tput(rows, model, gpu, gpus, isl, osl, framework="trtllm"):
    hits = [r for r in rows if (r["model"], r["gpu"], int(r["gpus"]), int(r["input_tokens"]),
                                int(r["output_tokens"]), r["framework"])
            == (model, gpu, gpus, isl, osl, framework)]
    assert len(hits) == 1, (model, gpu, gpus, isl, osl, hits)
    return hits[0]


def test_golden_throughput(throughput):
    # TensorRT-LLM perf-overview @00f37686, total output tok/s of the TP group:
    # Scout 4xH100 FP8 1000/1000 = 12,129; Maverick 8xB200 FP4 1000/1000 = 79,617;
    # Llama 3.3 70B 2xH100 FP8 5000/500 = 898; Llama 3.1 8B 1xH200 FP8 20000/2000 = 1,804
    r = _tput(throughput, "llama-4-scout", "h100_sxm", 4, 1000, 1000)
    assert (float(r["output_tokens_per_s"]), r["precision"], r["mode"]) == (12129, "fp8", "offline_max")
    r = _tput(throughput, "llama-4-maverick", "b200", 8, 1000, 1000)
    assert (float(r["output_tokens_per_s"]), r["precision"]) == (79617, "fp4")
    assert float(_tput(throughput, "llama-3.3-70b", "h100_sxm", 2, 5000, 500)["output_tokens_per_s"]) == 898
    assert float(_tput(throughput, "llama-3.1-8b", "h200", 1, 20000, 2000)["output_tokens_per_s"]) == 1804
    assert float(_tput(throughput, "qwen3-235b-a22b", "h100_sxm", 8, 1000, 1000)["output_tokens_per_s"]) == 14898
    # NVIDIA NIM 1.8.0, Llama-3.3-70B FP8 TP2 on 2xH100, 5000/500: saturates at ~920 tok/s
    r = _tput(throughput, "llama-3.3-70b", "h100_sxm", 2, 5000, 500, framework="nim")
    assert r["mode"] == "saturated" and float(r["output_tokens_per_s"]) == pytest.approx(920, abs=5)
    # Every cell the reference excerpts is present (4 shapes for the models it lists)
    trt = [r for r in throughput if r["framework"] == "trtllm"]
    assert len(trt) >= 60

"""Hypothesis strategies shared by the tests. Add new strategies at the end of the file."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from tco import scenario
from tco.scenario import FIELDS, Scenario

#: provider:model ids the bundled genai-prices catalog knows.
KNOWN_API_MODELS = (
    "openai:gpt-5",
    "anthropic:claude-sonnet-4-5",
    "groq:meta-llama/llama-4-scout-17b-16e-instruct",
    "google:gemini-2.5-flash",
)


def input_values(key: str, model_ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy:
    """Allowed values of one numeric or model-id input, boundaries included."""
    m = scenario.meta(key)
    if m["choices"] == "api":
        ids = model_ids if model_ids is not None else st.sampled_from(KNOWN_API_MODELS)
        return st.one_of(st.none(), ids) if m["kind"] == "optional_str" else ids
    lo, hi = m["lo"], m["hi"]
    if m["kind"] == "int":
        return st.integers(int(lo), int(hi))
    if m["kind"] == "optional_int":
        return st.one_of(st.none(), st.integers(int(lo), int(hi)))
    edges = [x for x in (lo, hi, math.nextafter(lo, hi), math.nextafter(hi, lo))
             if not (m["lo_open"] and x == lo)]
    numbers = st.one_of(st.sampled_from(edges),
                        st.floats(lo, hi, exclude_min=m["lo_open"], allow_nan=False,
                                  allow_infinity=False))
    return st.one_of(st.none(), numbers) if m["kind"] == "optional" else numbers


@st.composite
def scenarios(draw, model_ids: st.SearchStrategy[str] | None = None) -> Scenario:
    """Valid Scenarios: each input either its default or any allowed value.

    ``model_ids`` replaces the known-good ids drawn for ``api_model`` and ``hosted_model``.
    fp4 is drawn only for GPUs with FP4 tensor cores, so every draw is valid by construction.
    """
    from tco import catalog

    values = {}
    for key, f in FIELDS.items():
        if key in ("precision", "gpu"):
            continue
        allowed = scenario.choices(key)
        other = st.sampled_from(allowed) if allowed else input_values(key, model_ids)
        values[key] = draw(st.one_of(st.just(f.default), other))
    # the two constraint shares may add up to at most 1
    values["frontier_share"] = min(values["frontier_share"], 1.0 - values["private_share"])
    gpu = draw(st.one_of(st.just(FIELDS["gpu"].default), st.sampled_from(scenario.choices("gpu"))))
    precisions = [p for p in scenario.PRECISIONS
                  if p != "fp4" or catalog.gpus()[gpu].fp4_tflops]
    precision = draw(st.one_of(st.just(FIELDS["precision"].default), st.sampled_from(precisions)))
    return Scenario(**values, gpu=gpu, precision=precision)


def long_model_ids() -> st.SearchStrategy[str]:
    """Any id Scenario accepts: text with a ':' and at most 200 characters, up to the limit."""
    tail = st.text(min_size=0, max_size=199)
    return st.one_of(
        st.builds(lambda a: ("p:" + a)[:200], tail),
        st.builds(lambda c: ("p:" + c * 200)[:200], st.characters(min_codepoint=1)),
    )


#: Values that break naive link readers.
HOSTILE_VALUES = (
    "", " ", "nan", "NaN", "inf", "-inf", "Infinity", "-0", "-0.0", "1e308", "-1e308", "1e309",
    "1e-320", "5e-324", "0x10", "1_000", "١٢", "None", "null", "default", "fp4", "b200",
    "h100_sxm", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "`x`",
    "[click](javascript:alert(1))", "%ff%fe", "%", "%%41", "%E2%82", "\x00", "a\nb",
    "openai:<script>", "x" * 50_000, "9" * 50_000, "1" * 400,
)


def hostile_keys() -> st.SearchStrategy[str]:
    real = list(FIELDS) + ["v", "view", "embed", "embed_options", "tokens", "fte", "gpu_hour",
                           "bl_tokens", "bl_first", "bl_months", "bl_r2", "bl_spend"]
    return st.one_of(st.sampled_from(real), st.text(max_size=30),
                     st.sampled_from(["<script>alert(1)</script>", "k" * 50_000, "%ff", "bl_", ""]))


def hostile_values() -> st.SearchStrategy[str]:
    floats = st.floats(allow_nan=True, allow_infinity=True).map(repr)
    garbage = st.lists(st.sampled_from(["%", "%f", "%ff", "%C3", "%28", "&", "=", "+", "?", "#",
                                        ";", "a", "1", "."]), max_size=20).map("".join)
    return st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=60), floats, garbage,
                     st.integers().map(str))


@st.composite
def hostile_queries(draw) -> str | dict:
    """Broken or malicious links: a raw query string, a URL, or a Streamlit-style mapping."""
    pairs = draw(st.lists(st.tuples(hostile_keys(), hostile_values()), max_size=12))
    form = draw(st.sampled_from(["raw", "quoted", "url", "mapping", "plain_mapping"]))
    if form == "mapping":
        out: dict[str, list[str]] = {}
        for k, v in pairs:
            out.setdefault(k, []).append(v)
        return out
    if form == "plain_mapping":
        return dict(pairs)
    from urllib.parse import quote
    if form == "quoted":
        query = "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)
    else:
        query = "&".join(f"{k}={v}" for k, v in pairs)
    return "https://example.com/app?" + query if form == "url" else query

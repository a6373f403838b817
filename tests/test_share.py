"""Share links: round trip, length bound, golden links, hostile links, old and new versions."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco import catalog, load, scenario, share
from tco.scenario import FIELDS, Scenario
from tco.share import LINK_VERSION, MAX_LINK_CHARS, decode, decode_link, encode

from strategies import hostile_queries, input_values, long_model_ids, scenarios

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fp4_gpu() -> str:
    return next(g.id for g in catalog.gpus().values() if g.fp4_tflops)


def no_fp4_gpu() -> str:
    return next(g.id for g in catalog.gpus().values() if not g.fp4_tflops)


# --- writing -----------------------------------------------------------------------------------

def test_defaults_encode_to_version_only():
    assert encode(Scenario()) == "v=1"
    d = decode("v=1")
    assert d.scenario == Scenario() and d.notices == () and d.version == 1
    assert d.baseline is None and d.view is None


def test_only_changed_inputs_in_field_order_readable():
    s = Scenario(staff_fte=2.0, tokens_per_month=5e9, api_model="anthropic:claude-sonnet-4-5",
                 min_replicas=2, growth_per_month=-0.015)
    # written by hand: field order, no '+' in exponents, ':' kept readable
    assert encode(s) == ("v=1&tokens_per_month=5e9&growth_per_month=-0.015"
                         "&api_model=anthropic:claude-sonnet-4-5&min_replicas=2&staff_fte=2")


def test_model_id_keeps_slash_and_colon():
    s = Scenario(hosted_model="groq:meta-llama/llama-4-scout-17b-16e-instruct")
    assert encode(s) == "v=1&hosted_model=groq:meta-llama/llama-4-scout-17b-16e-instruct"


def test_baseline_and_view_written_after_inputs_and_read_back():
    baseline = {"months_covered": 6, "first_month": "2025-06", "last_month": "2025-11",
                "monthly_spend_usd": 12345.67, "r_squared": 0.98, "tokens_per_month": 2.5e9,
                "input_share": 0.81, "cached_input_share": 0.3, "growth_per_month": 0.042,
                "usd_per_mtok": 4.938268}
    s = Scenario(tokens_per_month=2.5e9, input_share=0.81)
    link = encode(s, baseline, view="cfo")
    assert link == ("v=1&tokens_per_month=2.5e9&input_share=0.81&bl_tokens=2.5e9&bl_input=0.81"
                    "&bl_cached=0.3&bl_growth=0.042&bl_r2=0.98&bl_months=6&bl_first=2025-06"
                    "&bl_last=2025-11&bl_spend=12345.67&bl_usd_mtok=4.938268&view=cfo")
    d = decode(link)
    assert d.scenario == s and d.notices == () and d.view == "cfo"
    assert d.baseline == baseline


def test_baseline_leaves_out_undefined_values_and_refuses_bad_ones():
    assert encode(Scenario(), {"r_squared": float("nan"), "months_covered": None}) == "v=1"
    with pytest.raises(ValueError, match="bl_nope|nope"):
        encode(Scenario(), {"nope": 1})
    with pytest.raises(ValueError, match="first_month"):
        encode(Scenario(), {"first_month": "June"})
    with pytest.raises(ValueError, match="input_share"):
        encode(Scenario(), {"input_share": 1.5})


@given(scenarios())
@FAST
def test_round_trip_is_exact(s):
    link = encode(s)
    d = decode(link)
    assert d.scenario == s
    assert d.notices == ()
    assert d.version == LINK_VERSION
    assert len(link) <= MAX_LINK_CHARS


@given(scenarios(model_ids=long_model_ids()))
@FAST
def test_any_valid_scenario_fits(s):
    link = encode(s, {"months_covered": 6, "monthly_spend_usd": 1234.5678901234})
    assert len(link) <= MAX_LINK_CHARS
    d = decode(link)  # ids a link cannot carry are dropped with a notice, the rest loads
    for key in FIELDS:
        if key not in ("api_model", "hosted_model"):
            assert getattr(d.scenario, key) == pytest.approx(getattr(s, key), rel=5e-6)


def _longest_text(key: str) -> object:
    """The value of ``key`` whose link text is longest (exact writing, 17 significant digits)."""
    m = scenario.meta(key)
    if m["kind"] == "int":
        return int(m["hi"])
    lo, hi = m["lo"], m["hi"]
    candidates = [-1.2345678901234567e-300, 1.2345678901234567e-300, 0.12345678901234568,
                  lo + (hi - lo) * 0.12345678901234567, hi * 0.98765432109876543]
    ok = [x for x in candidates if (lo < x if m["lo_open"] else lo <= x) and x <= hi]
    return max(ok, key=lambda x: len(share._value_text(key, x, None)))


def worst_case_scenario() -> Scenario:
    """Every input changed, each to the value with the longest text, 200-character model ids."""
    values = {k: _longest_text(k) for k, f in FIELDS.items() if f.metadata["kind"] in
              ("float", "int", "optional")}
    model_id = "openrouter:" + "a/b-c." * 40
    longest = {k: max(scenario.choices(k), key=len) for k in ("open_model", "acquisition")}
    return Scenario(**values, **longest, api_model=model_id[:200], hosted_model=model_id[:199] + "z",
                    gpu=fp4_gpu() if len(fp4_gpu()) >= len(max(scenario.choices("gpu"), key=len))
                    else max(scenario.choices("gpu"), key=len), precision="int4")


def test_worst_case_is_shortened_to_fit_and_still_reads_back():
    s = worst_case_scenario()
    exact = "&".join(["v=1"] + [share._pair(k, share._value_text(k, getattr(s, k), None))
                                for k in FIELDS])
    link = encode(s, {"monthly_spend_usd": 12345.678901234567, "first_month": "2025-06"},
                  view="cfo")
    print(f"worst case: exact {len(exact)} chars, encoded {len(link)} chars")
    assert len(exact) > MAX_LINK_CHARS  # why encode needs its shortening steps at all
    assert len(link) <= MAX_LINK_CHARS
    assert "tokens_per_month" not in link and "&tpm=" in link  # short names come first
    assert "bl_" not in link  # then the baseline goes
    d = decode(link)
    # the 200-character ids are the longest a link may carry, but no catalog model has them
    assert d.notices == tuple(f"Ignored `{k}`=`{getattr(s, k)[:40]}…`: no model in the bundled "
                              "price catalog has this id." for k in ("api_model", "hosted_model"))
    assert d.view == "cfo"
    for key in FIELDS:
        if key not in ("api_model", "hosted_model"):
            assert getattr(d.scenario, key) == pytest.approx(getattr(s, key), rel=5e-6)


def test_every_input_has_one_short_name_that_no_other_key_uses():
    assert set(share.SHORT_KEYS) == set(FIELDS)
    shorts = list(share.SHORT_KEYS.values())
    assert len(set(shorts)) == len(shorts)
    taken = set(FIELDS) | {link for link, *_ in share.BASELINE_KEYS.values()} | {"v", "view"} \
        | set(share.RESERVED_KEYS) | {old for m in share.MIGRATIONS.values() for old in m}
    assert not set(shorts) & taken
    assert all(re.fullmatch(r"[a-z0-9_]{1,8}", x) for x in shorts)


def test_short_names_are_read_like_the_full_names():
    # written by hand: 5e9 tokens, 2 FTE, 60 months, under the short names (tpm, sf, hzm)
    d = decode("v=1&tpm=5e9&sf=2&hzm=60")
    assert d.notices == ()
    assert (d.scenario.tokens_per_month, d.scenario.staff_fte, d.scenario.horizon_months) == (5e9, 2.0, 60)
    # a realistic link keeps the full, readable names
    link = encode(Scenario(tokens_per_month=5e9, staff_fte=2.0))
    assert link == "v=1&tokens_per_month=5e9&staff_fte=2"


def test_upper_bound_of_shortest_writing_is_below_limit():
    """Proof that step 4 of encode fits every valid scenario: add up the longest text of each key.

    Numbers at 6 significant digits are at most 13 characters (-1.23457e-300); whole numbers at
    most as long as their upper bound; model ids as long as the longest catalog id (the decoder
    drops any other); a custom load profile 24 values of at most 5 characters;
    categoricals their longest choice; plus the separators, ``v=1`` and ``&view=cfo``.
    """
    bound = len("v=1") + len("&view=cfo")
    for key, f in FIELDS.items():
        m = f.metadata
        if m["kind"] in ("int", "optional_int"):
            longest = len(str(int(m["hi"])))
        elif m["kind"] in ("float", "optional"):
            longest = len("-1.23457e-300")
        elif m["choices"] == "api":   # the decoder keeps only catalog ids
            longest = max(len(quote(r, safe=":/@~,")) for r in catalog.api_model_refs())
        elif m["choices"] == "profiles":  # a named profile or custom: with 24 values of at most 5 characters
            longest = max([len(c) for c in scenario.choices(key)]
                          + [len(load.CUSTOM_PREFIX) + 24 * load.MAX_VALUE_CHARS + 23])
        else:
            longest = max(len(quote(c, safe=":/@~")) for c in scenario.choices(key))
        bound += len("&=") + len(share.SHORT_KEYS[key]) + longest
    print(f"upper bound at 6 significant digits: {bound} chars")
    assert bound <= MAX_LINK_CHARS
    for x in (-1.2345678901234567e-300, -0.12345678901234567, 1.2345678901234567e-300,
              123456.78901234567, 5e-324, -5e-324):
        assert len(share._short_number(x, scenario.format_value("pue", x), 6)) <= 13


# --- reading: golden links ---------------------------------------------------------------------

def test_golden_link_decodes_to_exact_fields():
    gpu = fp4_gpu()
    link = (f"https://tco.example.com/?v=1&tokens_per_month=5e9&input_share=0.7"
            f"&api_model=anthropic:claude-sonnet-4-5&hosted_model=groq%3Ameta-llama%2Fllama-4-scout"
            f"-17b-16e-instruct&precision=fp4&gpu={gpu}&acquisition=reserved_3y&gpu_hour_usd=2.5"
            f"&min_replicas=2&staff_fte=1.5&horizon_months=60&discount_rate=0.08&view=cfo"
            f"&bl_months=6&bl_first=2025-06&bl_last=2025-11&bl_spend=12345.67&bl_r2=0.98#top")
    d = decode_link(link)
    assert d.notices == ()
    assert d.scenario == Scenario(
        tokens_per_month=5_000_000_000.0, input_share=0.7, api_model="anthropic:claude-sonnet-4-5",
        hosted_model="groq:meta-llama/llama-4-scout-17b-16e-instruct", precision="fp4", gpu=gpu,
        acquisition="reserved_3y", gpu_hour_usd=2.5, min_replicas=2, staff_fte=1.5,
        horizon_months=60, discount_rate=0.08)
    assert d.view == "cfo" and d.version == 1
    assert d.baseline == {"months_covered": 6, "first_month": "2025-06", "last_month": "2025-11",
                          "monthly_spend_usd": 12345.67, "r_squared": 0.98}


@pytest.mark.parametrize("query", [
    "v=1&staff_fte=2&gpu_hour_usd=3",
    "?v=1&staff_fte=2&gpu_hour_usd=3",
    "http://localhost:8501/?v=1&staff_fte=2&gpu_hour_usd=3",
    "localhost:8501/?v=1&staff_fte=2&gpu_hour_usd=3#frag",
    {"v": ["1"], "staff_fte": ["2"], "gpu_hour_usd": ["3"], "embed": ["true"]},
    {"v": "1", "staff_fte": "2", "gpu_hour_usd": "3", "embed_options": "dark_theme"},
])
def test_every_query_form_reads_the_same(query):
    d = decode(query)
    assert d.scenario == Scenario(staff_fte=2.0, gpu_hour_usd=3.0)
    assert d.notices == ()


def test_empty_link_opens_defaults_silently():
    for query in ("", "?", None, {}, "&&&"):
        d = decode(query)
        assert d.scenario == Scenario() and d.notices == ()


# --- reading: versions -------------------------------------------------------------------------

def test_version_0_link_with_legacy_aliases_opens():
    d = decode("tokens=5e9&fte=2&gpu_hour=3.5&pue=1.2")
    assert d.version == 0
    assert d.scenario == Scenario(tokens_per_month=5e9, staff_fte=2.0, gpu_hour_usd=3.5, pue=1.2)
    assert d.notices == ()


def test_legacy_aliases_are_not_read_in_version_1():
    d = decode("v=1&tokens=5e9")
    assert d.scenario == Scenario()
    assert d.notices == ("Ignored unknown key `tokens`.",)


def test_future_version_reads_known_keys_and_counts_the_rest():
    d = decode("v=2&tokens_per_month=5e9&carbon_usd_per_t=80&region=eu")
    assert d.version == 2
    assert d.scenario == Scenario(tokens_per_month=5e9)
    assert len(d.notices) == 1
    assert "newer version" in d.notices[0] and "2 values could not be read" in d.notices[0]
    assert "`carbon_usd_per_t`" in d.notices[0]


def test_unreadable_version_is_read_as_current():
    d = decode("v=banana&staff_fte=2")
    assert d.scenario == Scenario(staff_fte=2.0) and d.version == LINK_VERSION
    assert d.notices == ("Ignored `v`=`banana`: a link version is a whole number; read the link as "
                         "version 1.",)


# --- reading: bad values -----------------------------------------------------------------------

def test_out_of_range_value_is_dropped_with_a_sentence():
    d = decode("v=1&gpu_hour_usd=-3&staff_fte=2")
    assert d.scenario == Scenario(staff_fte=2.0)
    assert d.notices == ("Ignored `gpu_hour_usd`=`-3`: outside the allowed range [0, 1000] "
                         "USD/GPU-hour.",)


def test_unknown_and_repeated_keys():
    d = decode("v=1&foo=1&tokens_per_month=1e9&tokens_per_month=2e9&tokens_per_month=3e9")
    assert d.scenario == Scenario(tokens_per_month=3e9)
    assert d.notices == ("`tokens_per_month` appeared 3 times; used the last value.",
                         "Ignored unknown key `foo`.")


@pytest.mark.parametrize("value, reason", [
    ("nan", "must be a finite number"),
    ("inf", "must be a finite number"),
    ("1e308", "outside the allowed range"),
    ("abc", "not a number"),
    ("", "not a number"),
])
def test_non_numbers_are_dropped(value, reason):
    d = decode(f"v=1&pue={value}&staff_fte=2")
    assert d.scenario == Scenario(staff_fte=2.0)
    assert len(d.notices) == 1 and d.notices[0].startswith("Ignored `pue`=") and reason in d.notices[0]


def test_empty_optional_means_default():
    d = decode("v=1&gpu_hour_usd=&staff_fte=2")
    assert d.scenario == Scenario(staff_fte=2.0) and d.notices == ()


def test_incompatible_combination_drops_the_named_key():
    d = decode(f"v=1&precision=fp4&gpu={no_fp4_gpu()}&staff_fte=2")
    assert d.scenario == Scenario(gpu=no_fp4_gpu(), staff_fte=2.0)
    assert len(d.notices) == 1 and d.notices[0].startswith("Ignored `precision`=`fp4`: needs a GPU")


def test_script_in_values_and_keys_is_never_echoed():
    d = decode("v=1&api_model=openai:%3Cscript%3Ealert(1)%3C/script%3E"
               "&gpu=%3Cscript%3Ealert(1)%3C%2Fscript%3E&%3Cscript%3E=1&view=%3Cb%3Ecfo")
    assert d.scenario == Scenario() and d.view is None
    assert len(d.notices) == 4
    for n in d.notices:
        assert "<" not in n and ">" not in n
    assert d.notices[0].startswith("Ignored `api_model`=`'openai:‹script›alert(1)")


def test_non_utf8_and_huge_values():
    d = decode("v=1&gpu=%ff%fe&staff_fte=" + "9" * 50_000 + "&pue=1.2")
    assert d.scenario == Scenario(pue=1.2)
    assert d.notices == ("Ignored `gpu`: its value is not valid UTF-8 text.",
                         "Ignored `staff_fte`=`9999999999999999999999999999999999999999…`: the "
                         "value is 50,000 characters long; at most 300 are read.")


def test_query_over_64_kb_is_cut():
    query = "v=1&pue=1.2&" + "&".join(f"junk{i}=1" for i in range(20_000)) + "&staff_fte=2"
    assert len(query) > 64 * 1024
    d = decode(query)
    assert d.scenario == Scenario(pue=1.2)  # staff_fte came after the cut
    assert d.notices[0] == "The link is longer than 64 KB; only its first 64 KB were read."
    assert len(d.notices) == 1 + share.MAX_UNKNOWN_NOTICES + 1  # the rest are counted
    assert d.notices[-1].startswith("Ignored ") and d.notices[-1].endswith("more unknown keys.")


def test_unknown_view_is_dropped():
    d = decode("v=1&view=admin")
    assert d.view is None and d.notices == ("Ignored `view`=`admin`: the only view a link can open "
                                            "is cfo.",)


@given(hostile_queries())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.large_base_example])
def test_hostile_links_never_raise(query):
    d = decode(query)
    assert isinstance(d.scenario, Scenario)
    scenario.validate(d.scenario)
    for n in d.notices:
        assert isinstance(n, str) and 0 < len(n) < 300
        assert "<" not in n and ">" not in n and "<script" not in n.lower()
    assert d.view in (None, "cfo")
    for key in ("api_model", "hosted_model"):
        value = getattr(d.scenario, key)
        assert value is None or share._MODEL_ID.fullmatch(value)


#: every numeric input but frontier_share, whose valid values depend on private_share (the two add
#: up to at most 1: tests/test_share.py::test_shares_that_add_up_to_more_than_one_drop_the_private_share)
NUMERIC_KEYS = sorted(k for k, f in FIELDS.items()
                      if f.metadata["kind"] in ("float", "int", "optional", "optional_int") and k != "frontier_share")


def test_shares_that_add_up_to_more_than_one_drop_the_private_share():
    d = decode("v=1&private_share=0.7&frontier_share=0.6")
    assert (d.scenario.private_share, d.scenario.frontier_share) == (0.0, 0.6)
    assert d.notices == ("Ignored `private_share`=`0.7`: plus 'frontier_share' = 0.6 must be at most 1 "
                         "(the two shares of the traffic cannot overlap).",)


@st.composite
def numeric_pairs(draw):
    """(key, text, value or INVALID) in link order: valid values of every numeric input, written as
    encode writes them, mixed with texts no reader may accept."""
    pairs = []
    for _ in range(draw(st.integers(1, 10))):
        key = draw(st.sampled_from(NUMERIC_KEYS))
        if draw(st.booleans()):
            value = draw(input_values(key))
            pairs.append((key, scenario.format_value(key, value), value))
        else:
            pairs.append((key, draw(st.sampled_from(["abc", "nan", "inf", "-inf", "1e999", "0x10", "1,5"])),
                          INVALID))
    return pairs


INVALID = object()


@given(numeric_pairs(), st.booleans())
@FAST
def test_known_keys_in_any_order_load_the_last_value_of_each(pairs, with_version):
    """Any mix of valid and invalid values of every numeric input, keys repeated in any order: each
    input takes its last value, or its default (with a notice naming it) if that one is invalid."""
    query = "&".join((["v=1"] if with_version else []) + [f"{k}={quote(t, safe='')}" for k, t, _ in pairs])
    d = decode(query)
    last = {k: v for k, _, v in pairs}
    want = Scenario(**{k: v for k, v in last.items() if v is not INVALID})
    assert d.scenario == want
    counts = {k: sum(1 for key, _, _ in pairs if key == k) for k in last}
    for key, value in last.items():
        named = [n for n in d.notices if f"`{key}`" in n]
        if value is INVALID:
            assert any(n.startswith(f"Ignored `{key}`=") for n in named), (key, d.notices)
        if counts[key] > 1:
            assert f"`{key}` appeared {counts[key]} times; used the last value." in d.notices
        if value is not INVALID and counts[key] == 1:
            assert named == [], (key, d.notices)


def test_the_mapping_streamlit_gives_reads_like_the_query_string():
    # st.query_params as {key: get_all(key)} or plain values, as the page passes them
    as_lists = {"v": ["1"], " tokens_per_month ": ["5e9", "6e9"], "staff_fte": "2", "view": [" CFO "],
                "horizon_months": None}
    d = decode(as_lists)
    assert (d.scenario.tokens_per_month, d.scenario.staff_fte, d.view) == (6e9, 2.0, "cfo")
    assert d.notices[0] == "`tokens_per_month` appeared 2 times; used the last value."
    assert "Ignored `horizon_months`=`''`: not a number; expected [1, 120] months." in d.notices  # None: empty
    same = decode("v=1&tokens_per_month=5e9&tokens_per_month=6e9&staff_fte=2&view=cfo")
    assert same.scenario == d.scenario and same.view == d.view
    # a mapping longer than 64 KB: read up to the limit, with one notice
    big = {"v": "1", "staff_fte": "2", "zz": "x" * (share.MAX_QUERY_CHARS - 20), "tokens_per_month": "5e9"}
    cut = decode(big)
    assert cut.scenario.staff_fte == 2.0 and cut.scenario.tokens_per_month == Scenario().tokens_per_month
    assert "The link is longer than 64 KB; only its first 64 KB were read." in cut.notices
    # a view the link cannot open: ignored with a notice naming it
    other = decode({"v": "1", "view": "admin"})
    assert other.view is None
    assert other.notices == ("Ignored `view`=`admin`: the only view a link can open is cfo.",)


def test_notices_name_the_bill_key_and_the_view_exactly():
    # found by mutating tco/share.py: the notices' key and value were not checked for bl_* and view
    assert share.decode("v=1&bl_first=%FF").notices == ("Ignored `bl_first`: its value is not valid UTF-8 text.",)
    assert share.decode("v=1&bl_first=2024-13x").notices == (
        "Ignored `bl_first`=`2024-13x`: expected a month as YYYY-MM.",)
    assert share.decode("v=1&view=%FF").notices == ("Ignored `view`=`''`: the only view a link can open is cfo.",)
    assert share.decode("v=1&view=boss").notices == ("Ignored `view`=`boss`: the only view a link can open is cfo.",)


def test_numbers_in_a_link_keep_their_digits_unless_shorter():
    # 12,345,000 stays digits (as long as 1.2345e7); rounding for a long link never picks a text of
    # the same length that is not exact (123456 rounded to 3 digits would be 1.23e5)
    assert share._number(12345000.0) == "12345000" and share._number(2e9) == "2e9"
    assert share._value_text("tokens_per_month", 123456.0, 3) == "123456"
    assert share._value_text("tokens_per_month", 1234567.0, 3) == "1.23e6"


def test_a_combination_error_without_a_name_is_blamed_on_the_last_key_that_fixes_it():
    # no key named in the message: drop keys from the last until the rest is valid; the volume
    # alone is valid but removing it does not fix the pair of shares, so it is not the culprit
    typed = {"private_share": 0.9, "frontier_share": 0.5, "tokens_per_month": 1e9}
    assert share._culprit(ValueError("the shares overlap"), typed) == "frontier_share"
    assert share._culprit(ValueError("`private_share` is the problem"), typed) == "private_share"
    # two bad values: dropping either one alone leaves the other
    assert share._culprit(ValueError("nothing fixes it"), {"tokens_per_month": -1.0, "staff_fte": -1.0}) is None


def test_bill_summary_values_in_a_link_are_checked_with_exact_notices():
    # found by mutating tco/share.py: each rule of the bl_* reader, and the words of its notice
    assert share.decode("v=1&bl_mix=gpt~x").notices == (
        "Ignored `bl_mix`=`gpt~x`: expected up to 4 billed models as model~percent, separated by commas.",)
    assert share.decode("v=1&bl_months=2.5").notices == (
        "Ignored `bl_months`=`2.5`: expected a whole number in [0, 1200].",)
    assert share.decode("v=1&bl_spend=-5").notices == ("Ignored `bl_spend`=`-5`: expected a number in [0, 1e+12].",)
    assert share.decode("v=1&bl_spend=nan").notices == ("Ignored `bl_spend`=`nan`: expected a number in [0, 1e+12].",)
    ok = share.decode("v=1&bl_months=12&bl_spend=5000&bl_mix=openai:gpt-4o~100")
    assert not ok.notices and ok.baseline == {"months_covered": 12, "monthly_spend_usd": 5000.0,
                                              "mix": "openai:gpt-4o~100"}


def test_a_bill_month_written_as_a_date_goes_into_the_link_as_yyyy_mm():
    import datetime
    import pandas as pd
    for first in (datetime.date(2024, 3, 1), pd.Timestamp("2024-03-01"), "2024-03"):
        assert share.encode(Scenario(), {"first_month": first}).endswith("bl_first=2024-03")


def test_a_bill_summary_value_the_link_cannot_hold_is_named_and_the_rest_kept():
    # found by mutating tco/share.py: the messages for a non-number and a fractional whole number,
    # and that a whole number goes in as digits
    notices = []
    q = share.encode(Scenario(), {"monthly_spend_usd": "abc", "tokens_per_month": 2e9, "months_covered": 7.0},
                     notices=notices)
    assert q == "v=1&bl_tokens=2e9&bl_months=7"
    assert share.encode(Scenario(), {"months_covered": 1000}) == "v=1&bl_months=1000"   # digits, not 1e3
    assert notices == ["The link leaves out part of the bill summary: `monthly_spend_usd` = `abc` must be a "
                       "number in [0, 1e+12]."]
    with pytest.raises(ValueError, match=r"^`months_covered` = `12.5` must be a whole number in \[0, 1200\]$"):
        share.encode(Scenario(), {"months_covered": 12.5})
    with pytest.raises(ValueError, match=r"^`monthly_spend_usd` = `abc` must be a number in \[0, 1e\+12\]$"):
        share.encode(Scenario(), {"monthly_spend_usd": "abc"})


def test_a_long_engine_message_in_a_notice_is_cut_at_its_limit():
    # found by mutating tco/share.py: _sanitize keeps a text of the limit's length whole, cuts a
    # longer one to limit - 1 characters and an ellipsis, and folds whitespace
    assert share._sanitize("a  b\n c", 10) == "a b c"
    assert share._sanitize("x" * 10, 10) == "x" * 10
    assert share._sanitize("x" * 11, 10) == "x" * 9 + "…"
    assert share._sanitize("<b>`x`</b>" * 3, 100).count("<") == 0


def test_values_and_notices_are_cut_at_their_stated_lengths():
    # found by mutating tco/share.py: a value shows 40 characters whole, a 41st adds an ellipsis;
    # a notice keeps 299 characters and is cut to 298 + "…" from 300 on
    assert share._show("x" * 40) == "`" + "x" * 40 + "`"
    assert share._show("x" * 41) == "`" + "x" * 40 + "…`"
    assert share._cap("n" * 299) == "n" * 299
    assert share._cap("n" * 300) == "n" * 298 + "…"


def test_encode_names_what_it_cannot_write():
    with pytest.raises(ValueError, match=r"^`view` = 'boss' is not one of: cfo$"):
        share.encode(Scenario(), view="boss")
    with pytest.raises(ValueError, match="unknown baseline key `nope`; expected one of: tokens_per_month, input_share, "):
        share.encode(Scenario(), {"nope": 1})


# --- exact notices and edges (from surviving mutants of tco/share.py, docs/mutation.md) ----------

def test_a_newer_link_names_the_first_five_values_it_could_not_read():
    keys = [f"future_{c}" for c in "abcdef"]
    d = decode("v=9&" + "&".join(f"{k}=1" for k in keys))
    assert d.notices == (f"This link was made by a newer version (link version 9, this is {LINK_VERSION}); "
                         "6 values could not be read: `future_a`, `future_b`, `future_c`, `future_d`, "
                         "`future_e`, ….",)
    five = decode("v=9&" + "&".join(f"{k}=1" for k in keys[:5]))
    assert five.notices[0].endswith("5 values could not be read: `future_a`, `future_b`, `future_c`, "
                                    "`future_d`, `future_e`.")
    one = decode("v=9&future_a=1")
    assert one.notices[0].endswith("); 1 value could not be read: `future_a`.")
    none = decode("v=9&tokens_per_month=3e9")
    assert none.notices == (f"This link was made by a newer version (link version 9, this is {LINK_VERSION}); "
                            "0 values could not be read.",)


def test_unknown_keys_beyond_ten_are_counted_exactly():
    ten = decode("v=1&" + "&".join(f"k{i}=1" for i in range(10)))
    assert ten.notices == tuple(f"Ignored unknown key `k{i}`." for i in range(10))   # no "more" line at 10
    thirteen = decode("v=1&" + "&".join(f"k{i}=1" for i in range(13)))
    assert thirteen.notices[-1] == "Ignored 3 more unknown keys." and len(thirteen.notices) == 11


def test_a_key_shown_in_a_notice_keeps_its_letters():
    # the backticks around a key are the notice's own; letters at its ends stay (e.g. an X)
    assert decode("v=1&XylophoneX=1").notices == ("Ignored unknown key `XylophoneX`.",)


def test_the_version_notices_read_exactly():
    assert decode("v=1&v=1&tokens_per_month=3e9").notices == ("`v` appeared 2 times; used the last value.",)
    assert decode("v=1").notices == ()            # one v: no notice
    empty = decode("v=&tokens_per_month=3e9")
    assert empty.notices == (f"Ignored `v`=`''`: a link version is a whole number; read the link as version "
                             f"{LINK_VERSION}.",)
    assert empty.scenario.tokens_per_month == 3e9
    spaced = decode("v=%20%201%20&tokens_per_month=3e9")   # spaces around a version are not an error
    assert spaced.notices == () and spaced.version == 1


def test_a_combination_no_key_can_be_blamed_for_opens_the_defaults_with_the_reason(monkeypatch):
    # a Scenario that refuses every combination, with a message naming no key
    real = share.Scenario

    def refuse(**kw):
        if kw:
            raise ValueError("values clash " + "x" * 200)
        return real()
    monkeypatch.setattr(share, "Scenario", refuse)
    d = decode("v=1&tokens_per_month=3e9&staff_fte=2")   # dropping either key alone does not help
    reason = ("values clash " + "x" * 200)[:149] + "…"            # cut at 150 characters
    assert d.notices == (f"The link's values do not fit together ({reason}); opened the defaults instead.",)


def test_the_mapping_streamlit_gives_is_cut_at_the_query_limit_exactly():
    # each pair counts len(key) + len(value) + 2 (the '=' and the '&'), like the query string
    limit = share.MAX_QUERY_CHARS
    room = limit - (len("tokens_per_month") + len("3e9") + 2)
    fits = {"tokens_per_month": "3e9", "a": "x" * (room - 3)}              # exactly the limit
    assert not any("longer than" in n for n in decode(fits).notices)
    over = {"tokens_per_month": "3e9", "a": "x" * (room - 2)}              # one character more
    d = decode(over)
    assert d.notices[0] == "The link is longer than 64 KB; only its first 64 KB were read."
    assert d.scenario.tokens_per_month == 3e9                               # what came before is kept


def test_a_query_string_is_cut_at_the_query_limit_exactly_and_at_a_pair_boundary():
    limit = share.MAX_QUERY_CHARS
    head = "v=1&tokens_per_month=3e9&staff_fte=2&"
    at = head + "zz=" + "y" * (limit - len(head) - 3)
    assert len(at) == limit and not any("longer than" in n for n in decode(at).notices)
    over = at + "y"
    d = decode(over)
    assert "The link is longer than 64 KB; only its first 64 KB were read." in d.notices
    # cut at the last '&' inside the limit: the long pair is gone, the ones before it read
    assert d.scenario.tokens_per_month == 3e9 and d.scenario.staff_fte == 2
    assert not any("zz" in n for n in d.notices)
    # no '&' inside the limit: the one (cut) pair is read as it stands
    lone = "zz=" + "y" * limit
    assert decode(lone).notices == ("The link is longer than 64 KB; only its first 64 KB were read.",
                                    "Ignored unknown key `zz`.")


def test_a_url_with_more_than_one_question_mark_or_hash():
    d = decode("http://h:8501/?v=1&api_model=openai:gpt-4o?y&tokens_per_month=3e9#a#b")
    assert d.scenario.tokens_per_month == 3e9           # the second '?' is part of a value
    assert d.notices == ("Ignored `api_model`=`'openai:gpt-4o?y'`: a model id in a link may use only letters, "
                         "digits and . _ : / @ ~ -.",)
    assert decode("v=1&tokens_per_month=3e9#frag#ment").notices == ()
    # a '?' after the first '=' is part of a value, not the start of a query
    assert decode("v=1&tokens_per_month=3e9&x=a?b").notices == ("Ignored unknown key `x`.",)


def test_bytes_and_broken_utf8_in_a_query():
    assert decode(b"v=1&tokens_per_month=3e9").scenario.tokens_per_month == 3e9
    assert decode(bytearray(b"v=1&staff_fte=2")).scenario.staff_fte == 2
    broken = decode(b"v=1&\xff\xfe=1&tokens_per_month=3e9")
    assert broken.scenario.tokens_per_month == 3e9 and broken.notices == ("Ignored unknown key `'��'`.",)
    bad_key = decode("v=1&%FF=1&tokens_per_month=3e9")      # a key that is not UTF-8: replaced, reported
    assert bad_key.notices == ("Ignored unknown key `'�'`.",) and bad_key.scenario.tokens_per_month == 3e9
    # a part without '=' and an empty part are skipped; later parts still read
    assert decode("v=1&&novalue&tokens_per_month=3e9").scenario.tokens_per_month == 3e9


def test_a_value_of_exactly_the_longest_length_is_read():
    text = "1" + "0" * (share.MAX_VALUE_CHARS - 1)
    assert len(text) == share.MAX_VALUE_CHARS
    d = decode(f"v=1&tokens_per_month={text}")
    assert not any("characters long" in n for n in d.notices)


def test_a_model_id_with_characters_a_link_cannot_carry_is_named_exactly():
    d = decode("v=1&api_model=openai:gpt%205")
    assert d.notices == ("Ignored `api_model`=`'openai:gpt 5'`: a model id in a link may use only letters, "
                         "digits and . _ : / @ ~ -.",)


def test_the_reason_of_a_refused_value_drops_the_value_the_validator_repeats():
    long = "9" * 45 + "e9"                                   # shown cut to 40 characters by the validator
    d = decode(f"v=1&input_share={long}")
    assert d.notices[0].startswith(f"Ignored `input_share`=`{long[:40]}…`: ")
    assert "`input_share` =" not in d.notices[0]
    one = decode("v=1&input_share=1.5")
    assert one.notices == ("Ignored `input_share`=`1.5`: outside the allowed range [0, 1] share.",)
    # values with spaces, which the validator repeats whole (a choice) or cut to 40 characters (a
    # number): the repeated value is dropped either way, not only where it is one word
    spaced = "b b" * 15
    assert decode("v=1&precision=" + quote(spaced)).notices == (
        f"Ignored `precision`=`{repr(spaced[:40])}…`: not one of: bf16, fp8, int4, fp4.",)
    words = "a b" * 20
    assert decode("v=1&tokens_per_month=" + quote(words)).notices == (
        f"Ignored `tokens_per_month`=`{repr(words[:40])}…`: not a number; expected [0, 1e+14] tokens/month.",)


def test_a_version_that_is_not_utf8_and_reserved_keys_before_others():
    assert decode("v=%FF&tokens_per_month=3e9").notices == (
        f"Ignored `v`=`''`: a link version is a whole number; read the link as version {LINK_VERSION}.",)
    # Streamlit's own keys are passed over silently, and the keys after them still read
    d = decode("v=1&embed=true&embed_options=x&tokens_per_month=3e9&staff_fte=2")
    assert d.notices == () and (d.scenario.tokens_per_month, d.scenario.staff_fte) == (3e9, 2)


def test_a_long_reason_is_cut_at_180_characters(monkeypatch):
    def refuse(key, text):
        raise ValueError(f"`{key}` = {text!r} is " + "y" * 300)
    monkeypatch.setattr(share.scenario, "parse_value", refuse)
    d = decode("v=1&staff_fte=2")
    assert d.notices == ("Ignored `staff_fte`=`2`: " + "y" * 179 + "….",)


def test_short_names_come_before_dropping_the_bill_summary():
    """encode's steps in order: a scenario whose link with the full names and the bill summary is
    too long, but fits with the short names, keeps the summary."""
    w = worst_case_scenario()
    bl = {"monthly_spend_usd": 12345.678901234567, "first_month": "2025-06"}
    numeric = [k for k, f in FIELDS.items() if f.metadata["kind"] in ("float", "int", "optional")]

    def length(s: Scenario, short: bool) -> int:
        pairs = [("v", "1")] + [(share.SHORT_KEYS[k] if short else k, share._value_text(k, getattr(s, k), None))
                                for k in FIELDS if getattr(s, k) != FIELDS[k].default]
        return len("&".join(share._pair(a, t) for a, t in pairs + share._baseline_pairs(bl, None)))
    chosen = None
    for n in range(1, len(numeric) + 1):
        s = Scenario(**{k: getattr(w, k) for k in numeric[:n]})
        if length(s, False) > MAX_LINK_CHARS:
            chosen = s
            break
    assert chosen is not None and length(chosen, True) <= MAX_LINK_CHARS
    link = encode(chosen, bl)
    assert "&tpm=" in link and "bl_" in link and len(link) <= MAX_LINK_CHARS
    d = decode(link)
    assert d.notices == () and d.baseline["monthly_spend_usd"] == bl["monthly_spend_usd"]
    assert d.scenario == chosen                      # exact: no digits were given up


def test_dropping_the_bill_summary_keeps_the_short_names():
    """The next step: too long with the short names and the summary, short enough with the short
    names alone: the summary goes, the short names and every exact value stay (a link with the full
    names would need the 12-digit step)."""
    w = worst_case_scenario()
    bl = {"monthly_spend_usd": 12345.678901234567, "first_month": "2025-06"}
    numeric = [k for k, f in FIELDS.items() if f.metadata["kind"] in ("float", "int", "optional")]
    s = Scenario(**{k: getattr(w, k) for k in numeric}, api_model=w.api_model, hosted_model=w.hosted_model)
    link = encode(s, bl)
    assert "bl_" not in link and "&tpm=" in link and len(link) <= MAX_LINK_CHARS
    d = decode(link)
    for key in numeric:
        assert getattr(d.scenario, key) == getattr(s, key), key     # exact: no digits given up


def test_a_link_of_exactly_the_limit_is_kept_as_it_is(monkeypatch):
    """The limit is inclusive: a link of exactly MAX_LINK_CHARS characters keeps its full names."""
    from tco import share
    s = Scenario(tokens_per_month=5e9, gpu="h200", staff_fte=1.5)
    full = encode(s)
    monkeypatch.setattr(share, "MAX_LINK_CHARS", len(full))
    assert encode(s) == full == "v=1&tokens_per_month=5e9&gpu=h200&staff_fte=1.5"
    monkeypatch.setattr(share, "MAX_LINK_CHARS", len(full) - 1)   # one less: the short names
    assert encode(s) == "v=1&tpm=5e9&g=h200&sf=1.5"   # SHORT_KEYS


def test_without_the_bill_summary_the_names_stay_short(monkeypatch):
    """Third step: once the bill summary must go, the inputs keep their short names even where the
    full names would now fit (the limit set to the full-name link's length without the summary)."""
    from tco import share
    s = Scenario(tokens_per_month=5e9, gpu="h200", staff_fte=1.5)
    bl = {"monthly_spend_usd": 12345.5, "first_month": "2025-06", "last_month": "2025-11"}
    full_alone = encode(s)
    short_alone = "v=1&tpm=5e9&g=h200&sf=1.5"   # SHORT_KEYS
    assert len(encode(s, bl)) > len(full_alone) and len(short_alone) < len(full_alone)
    monkeypatch.setattr(share, "MAX_LINK_CHARS", len(full_alone))
    assert encode(s, bl) == short_alone

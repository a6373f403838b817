"""Scenario <-> URL query string: versioned, minimal, round-trippable, safe to read from anyone.

A link holds ``v=1`` first, then only the inputs that differ from ``Scenario()`` defaults, in field
order, under the same names as the Scenario fields (the keys of ``python -m tco summary --set``),
each written by :func:`tco.scenario.format_value` (``tokens_per_month=2e9&gpu=b200``). An optional
summary of imported bills travels as ``bl_*`` keys (never raw bill data), and ``view=cfo`` opens
the CFO view. Links are at most :data:`MAX_LINK_CHARS` characters; see :func:`encode` for what is
shortened, in which order, when a scenario would not fit.

Reading (:func:`decode`) never raises and never passes anything on unchecked: every value goes
through :func:`tco.scenario.parse_value`; a value that is unknown, out of range, not a number, too
long, not UTF-8 or not a plain model id is dropped with one notice (a plain-text sentence that
names the key), and the rest of the scenario loads. Values echoed in notices are cut to 40
characters and never contain a raw ``<``, ``>`` or backtick.

Version policy
--------------
* :data:`LINK_VERSION` goes up only when an existing key is renamed, retired or changes its unit or
  meaning. Adding an input does not need a new version: an older reader reports it as unknown.
* When it goes up, :data:`MIGRATIONS` gets an entry for the old version that maps each old key to
  its new name (``None``: retired). :func:`decode` applies the entries from the link's version up
  to the current one, so every link ever shared keeps opening.
* Every input also has a short name (:data:`SHORT_KEYS`, ``tpm`` for ``tokens_per_month``), read
  in every version; :func:`encode` writes them only for a scenario that would not fit otherwise.
* Version 0 is a link without ``v`` (hand-written or from before links were versioned). It reads
  the current keys plus a few short aliases (``tokens``, ``fte``, ``gpu_hour``).
* A link from a newer version (``v`` > :data:`LINK_VERSION`) is read key by key as far as the
  keys are known here, with one notice counting the values that could not be read.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote_plus

from tco import scenario
from tco.scenario import FIELDS, Scenario

LINK_VERSION = 1
#: Longest link :func:`encode` returns (characters of the query string, without ``?``).
MAX_LINK_CHARS = 2000
#: Longest query string :func:`decode` reads; the rest is ignored with a notice.
MAX_QUERY_CHARS = 64 * 1024
#: Longest value :func:`decode` tries to parse; model ids are at most 200 characters.
MAX_VALUE_CHARS = 300
#: Unknown keys named one by one before the rest are counted in a single notice.
MAX_UNKNOWN_NOTICES = 10

#: Per old version, old key -> key in the next version (None: the input was retired).
MIGRATIONS: dict[int, dict[str, str | None]] = {
    0: {"tokens": "tokens_per_month", "fte": "staff_fte", "gpu_hour": "gpu_hour_usd"},
}

#: Short name of every input, used only when a link would not fit with the full names (see
#: :func:`encode`). Read in every version, like the full names; never change or reuse one (a
#: link that was shared holds it). tests/test_share.py checks that every input has one.
SHORT_KEYS: dict[str, str] = {
    "tokens_per_month": "tpm", "input_share": "is", "cached_input_share": "cis", "batch_share": "bs",
    "input_tokens_per_request": "itpr", "output_tokens_per_request": "otpr", "peak_to_average": "pta",
    "max_ttft_s": "mts", "min_output_tokens_per_s_per_user": "motpspu", "growth_per_month": "gpm",
    "private_share": "ps", "frontier_share": "fs", "load_profile": "lp", "api_model": "am",
    "api_input_usd_per_mtok": "aiupm", "api_cached_input_usd_per_mtok": "aciupm",
    "api_output_usd_per_mtok": "aoupm", "api_price_trend_per_year": "aptpy", "hosted_model": "hom",
    "hosted_input_usd_per_mtok": "hiupm", "hosted_cached_input_usd_per_mtok": "hciupm",
    "hosted_output_usd_per_mtok": "houpm", "hosted_price_trend_per_year": "hptpy", "open_model": "om",
    "precision": "pr", "gpu": "g", "acquisition": "a", "gpu_hour_usd": "ghu", "reserved_1y_discount": "r1d",
    "reserved_3y_discount": "r3d", "gpu_price_usd": "gpu_pu", "depreciation_years": "dy",
    "residual_value_share": "rvs", "host_power_factor": "hpf", "power_load_factor": "plf", "pue": "pu",
    "electricity_usd_per_kwh": "eupk", "colocation_usd_per_kw_month": "cupkm",
    "maintenance_share_per_year": "mspy", "target_utilisation": "tu", "min_replicas": "mr",
    "gpus_per_replica": "gpr", "prefix_cache_hit_share": "pchs", "replica_output_tokens_per_s": "rotps",
    "spot_discount": "sd", "spot_overprovision_share": "sos", "spot_fallback_share": "sfs",
    "autoscale_lag_minutes": "alm", "gpu_price_trend_per_year": "gptpy", "staff_fte": "sf",
    "staff_cost_usd_per_year": "scupy", "setup_cost_usd": "scu", "other_monthly_usd": "omu",
    "horizon_months": "hzm", "discount_rate": "dr", "uncertainty_spread": "usp", "uncertainty_seed": "use",
    "spread_volume": "svo", "spread_growth": "sgr", "spread_api_trend": "sat", "spread_hosted_trend": "sht",
    "spread_gpu_trend": "sgt", "spread_throughput": "sth", "spread_utilisation": "sut", "spread_staff": "sst",
    "spread_setup": "sse",
}
_BY_SHORT_KEY = {short: key for key, short in SHORT_KEYS.items()}

#: Keys Streamlit reserves for itself; ignored without a notice.
RESERVED_KEYS = frozenset({"embed", "embed_options"})
VIEWS = ("cfo",)

#: Bill summary key -> (link key, kind, lo, hi). Months are written YYYY-MM.
BASELINE_KEYS: dict[str, tuple[str, str, float | None, float | None]] = {
    "tokens_per_month": ("bl_tokens", "float", 0, 1e15),
    "input_share": ("bl_input", "float", 0, 1),
    "cached_input_share": ("bl_cached", "float", 0, 1),
    "growth_per_month": ("bl_growth", "float", -1, 1000),
    "r_squared": ("bl_r2", "float", -1e12, 1),
    "months_covered": ("bl_months", "int", 0, 1200),
    "first_month": ("bl_first", "month", None, None),
    "last_month": ("bl_last", "month", None, None),
    "monthly_spend_usd": ("bl_spend", "float", 0, 1e12),
    "usd_per_mtok": ("bl_usd_mtok", "float", 0, 1e6),
    # what the bills paid per token class (the API path is priced at these while the scenario's
    # API prices equal them) and the billed models by share of tokens (``gpt-4o~25,gpt-4o-mini~75``)
    "input_usd_per_mtok": ("bl_in", "float", 0, 1000),
    "cached_input_usd_per_mtok": ("bl_cin", "float", 0, 1000),
    "output_usd_per_mtok": ("bl_out", "float", 0, 1000),
    "mix": ("bl_mix", "mix", None, None),
}
#: A bill mix as a link carries it: up to 4 "model~percent" entries, model ids as in _MODEL_ID.
_MIX = re.compile(r"[A-Za-z0-9._:/@-]{1,80}~\d{1,3}(,[A-Za-z0-9._:/@-]{1,80}~\d{1,3}){0,3}")
_BASELINE_BY_LINK = {link: name for name, (link, *_rest) in BASELINE_KEYS.items()}

#: Characters a model id may use in a link: every genai-prices id fits (e.g. ``cloudflare:@cf/...``),
#: none of them needs percent-encoding, and none can form HTML or Markdown.
_MODEL_ID = re.compile(r"[A-Za-z0-9._:/@~-]+")
_PLAIN = re.compile(r"[A-Za-z0-9._:/@~+-]+")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_UNSAFE = str.maketrans({"<": "‹", ">": "›", "`": "'"})
#: Significant digits tried, in order, when a link must be shortened (None: exact shortest text).
_DIGITS = (None, 12, 9, 6)


@dataclass(frozen=True)
class Decoded:
    """What a link opened to."""

    scenario: Scenario
    #: One plain-text sentence per value dropped or changed, naming its key.
    notices: tuple[str, ...]
    #: Summary of imported bills (keys of :data:`BASELINE_KEYS`), or None if the link had none.
    baseline: dict | None
    #: ``"cfo"`` if the link asks for the CFO view, else None. Not a scenario input.
    view: str | None
    #: Link version the query was read as (0: no ``v``).
    version: int


# --- writing -----------------------------------------------------------------------------------

def encode(s: Scenario, baseline: Mapping[str, Any] | None = None, *, view: str | None = None,
           notices: list[str] | None = None) -> str:
    """The query string (without ``?``) that :func:`decode` reads back to ``s``.

    ``v=1`` first, then the inputs of ``s`` that differ from ``Scenario()`` in field order, then
    the ``bl_*`` keys of ``baseline`` (a bill summary, keys of :data:`BASELINE_KEYS`; None and
    NaN entries are left out), then ``view``.

    The result is at most :data:`MAX_LINK_CHARS` characters for any valid scenario. Realistic
    scenarios fit with room to spare; if one does not, the link is shortened step by step until
    it fits: (1) the inputs are written under their short names (:data:`SHORT_KEYS`), (2) the
    baseline is left out, (3) model ids a link cannot carry (characters outside letters, digits
    and ``. _ : / @ ~ -``; :func:`decode` would drop them anyway) are left out, (4) numbers are
    written with 12, then 9, then 6 significant digits instead of exactly (the value read back
    then differs by less than 5e-6 of itself). tests/test_share.py proves that step 4 fits every
    valid scenario.

    Raises ValueError for an unknown baseline key or a baseline value outside its range, unless
    ``notices`` is a list: then only that key is left out, with one sentence appended to it.
    """
    if view is not None and view not in VIEWS:
        raise ValueError(f"`view` = {view!r} is not one of: {', '.join(VIEWS)}")
    tail = [f"view={view}"] if view else []
    bl = _baseline_pairs(baseline, notices)
    changed = {k: getattr(s, k) for k, f in FIELDS.items() if getattr(s, k) != f.default}
    unreadable = {k for k, v in changed.items()
                  if FIELDS[k].metadata["choices"] == "api" and isinstance(v, str)
                  and not _MODEL_ID.fullmatch(v)}
    link = ""
    attempts = ([(bl, set(), None, False), (bl, set(), None, True), ([], set(), None, True)]
                + [([], unreadable, d, True) for d in _DIGITS])
    for bl_pairs, left_out, digits, short in attempts:
        pairs = [("v", str(LINK_VERSION))]
        pairs += [(SHORT_KEYS[k] if short else k, _value_text(k, v, digits))
                  for k, v in changed.items() if k not in left_out]
        link = "&".join([_pair(k, t) for k, t in pairs + bl_pairs] + tail)
        if len(link) <= MAX_LINK_CHARS:
            return link
    return link  # unreachable for a valid Scenario (proved in tests/test_share.py)


def _pair(key: str, text: str) -> str:
    # commas are legal in a query value (RFC 3986 sub-delims) and keep custom load profiles short
    return f"{quote(key, safe='')}={quote(text, safe=':/@~,')}"


def _value_text(key: str, value: Any, digits: int | None) -> str:
    text = scenario.format_value(key, value)
    if isinstance(value, float) and FIELDS[key].metadata["kind"] != "int":
        text = _short_number(value, text, digits)
    return text


def _short_number(value: float, exact: str, digits: int | None) -> str:
    """``exact`` without ``+`` and leading exponent zeros (2e+09 -> 2e9); rounded if ``digits``."""
    text = _compact(exact)
    if digits is not None:
        rounded = _compact(f"{value:.{digits}g}")
        if len(rounded) < len(text):
            text = rounded
    return text


def _compact(text: str) -> str:
    mantissa, e, exponent = text.partition("e")
    if not e:
        return text
    sign = "-" if exponent.startswith("-") else ""
    return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"


def _number(x: float) -> str:
    """Shortest exact text of a float (``2e9``, ``0.98``, ``12345.67``)."""
    if x == int(x) and abs(x) < 1e16:
        as_int, sci = str(int(x)), _compact(f"{x:g}")
        return sci if float(sci) == x and len(sci) < len(as_int) else as_int
    return _compact(repr(float(x)))


def _baseline_pairs(baseline: Mapping[str, Any] | None,
                    notices: list[str] | None = None) -> list[tuple[str, str]]:
    """``bl_*`` pairs in the order of BASELINE_KEYS (a stable link for the same summary). A bad
    entry raises ValueError, or, when ``notices`` is a list, is left out with a sentence there."""
    baseline = baseline or {}
    problems: list[str] = []
    for name in baseline:
        if name not in BASELINE_KEYS:
            problems.append(f"unknown baseline key {_show(str(name))}; expected one of: "
                            f"{', '.join(BASELINE_KEYS)}")
    pairs = []
    for name, (link_key, kind, lo, hi) in BASELINE_KEYS.items():
        if name not in baseline:
            continue
        try:
            text = _baseline_text(name, baseline[name], kind, lo, hi)
        except ValueError as e:  # _baseline_text's own message, values already made safe
            problems.append(str(e))
            continue
        if text is not None:
            pairs.append((link_key, text))
    if problems and notices is None:
        raise ValueError(problems[0])
    for problem in problems:
        notices.append(f"The link leaves out part of the bill summary: {problem}.")
    return pairs


def _baseline_text(name: str, value: Any, kind: str, lo: float | None, hi: float | None) -> str | None:
    """The link text of one bill-summary entry (None: nothing to write); ValueError if invalid."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "month":
        text = value.strftime("%Y-%m") if hasattr(value, "strftime") else str(value)
        if not _MONTH.fullmatch(text):
            raise ValueError(f"`{name}` = {_show(text)} must be a month written YYYY-MM")
        return text
    if kind == "mix":  # billed models a link cannot carry: left out, the label says "your bills"
        text = str(value)
        return text if _MIX.fullmatch(text) else None
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        x = math.nan
    if not (math.isfinite(x) and lo <= x <= hi) or (kind == "int" and x != int(x)):
        raise ValueError(f"`{name}` = {_show(str(value))} must be a "
                         f"{'whole ' if kind == 'int' else ''}number in [{lo:g}, {hi:g}]")
    return str(int(x)) if kind == "int" else _number(x)


# --- reading -----------------------------------------------------------------------------------

def decode_link(url: str) -> Decoded:
    """:func:`decode` for a whole URL (as pasted into ``python -m tco summary --link URL``)."""
    return decode(url)


def decode(query: str | Mapping[str, Any] | None) -> Decoded:
    """The scenario, bill summary and view a link describes, and a notice per value not used.

    ``query`` is a query string (with or without ``?``), a whole URL, or the mapping Streamlit
    gives (``{k: st.query_params.get_all(k)}`` or plain string values). Never raises.
    """
    notices: list[str] = []
    pairs = _pairs(query, notices)
    values: dict[str, list[str | None]] = {}
    for key, value in pairs:
        values.setdefault(_BY_SHORT_KEY.get(key, key), []).append(value)  # a short name: its input

    version = _version(values.pop("v", None), bool(values), notices)
    values = _migrate(values, version, notices)

    unknown: list[str] = []
    typed: dict[str, Any] = {}
    baseline: dict[str, Any] = {}
    view = None
    for key, texts in values.items():
        if key in RESERVED_KEYS:
            continue
        if key not in FIELDS and key not in _BASELINE_BY_LINK and key != "view":
            unknown.append(key)
            continue
        if len(texts) > 1:
            notices.append(f"{_key(key)} appeared {len(texts):,} times; used the last value.")
        text = texts[-1]
        if key == "view":
            view = _view(text, notices)
        elif key in FIELDS:
            _read_input(key, text, typed, notices)
        else:
            _read_baseline(key, text, baseline, notices)

    s = _build(typed, values, notices)
    _report_unknown(unknown, version, notices)
    return Decoded(scenario=s, notices=tuple(_cap(n) for n in notices),
                   baseline=baseline or None, view=view, version=version)


def _pairs(query: Any, notices: list[str]) -> list[tuple[str, str | None]]:
    """(key, value) in link order; value None if it was not UTF-8. Cut at MAX_QUERY_CHARS."""
    if query is None:
        return []
    if isinstance(query, Mapping):
        return _mapping_pairs(query, notices)
    if isinstance(query, (bytes, bytearray)):
        query = bytes(query).decode("utf-8", errors="replace")
    text = str(query).strip()
    if "?" in text and not re.search(r"[=&]", text[:text.index("?")]):
        text = text.split("?", 1)[1]  # a whole URL (or '?k=v'): read its query
    text = text.split("#", 1)[0]
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        text = cut[:cut.rfind("&")] if "&" in cut else cut
        notices.append(f"The link is longer than {MAX_QUERY_CHARS // 1024} KB; only its first "
                       f"{MAX_QUERY_CHARS // 1024} KB were read.")
    pairs = []
    for part in text.split("&"):
        if not part:
            continue
        raw_key, _, raw_value = part.partition("=")
        key = unquote_plus(raw_key, errors="replace").strip()
        try:
            value: str | None = unquote_plus(raw_value, errors="strict")
        except UnicodeDecodeError:
            value = None
        pairs.append((key, value))
    return pairs


def _mapping_pairs(query: Mapping[Any, Any], notices: list[str]) -> list[tuple[str, str | None]]:
    pairs, size = [], 0
    for key, value in query.items():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            item = "" if item is None else str(item)
            size += len(str(key)) + len(item) + 2
            if size > MAX_QUERY_CHARS:
                notices.append(f"The link is longer than {MAX_QUERY_CHARS // 1024} KB; only its "
                               f"first {MAX_QUERY_CHARS // 1024} KB were read.")
                return pairs
            pairs.append((str(key).strip(), item))
    return pairs


def _version(texts: list[str | None] | None, has_values: bool, notices: list[str]) -> int:
    if not texts:
        return 0 if has_values else LINK_VERSION
    if len(texts) > 1:
        notices.append(f"`v` appeared {len(texts):,} times; used the last value.")
    text = (texts[-1] or "").strip()
    if re.fullmatch(r"\d{1,6}", text):
        return int(text)
    notices.append(f"Ignored `v`={_show(texts[-1] or '')}: a link version is a whole number; read the "
                   f"link as version {LINK_VERSION}.")
    return LINK_VERSION


def _migrate(values: dict[str, list[str | None]], version: int,
             notices: list[str]) -> dict[str, list[str | None]]:
    """Rename the keys of an old link, version by version, to the current names."""
    for old in range(version, LINK_VERSION):
        renames = MIGRATIONS.get(old, {})
        migrated: dict[str, list[str | None]] = {}
        for key, texts in values.items():
            if key in renames and renames[key] is None:
                notices.append(f"Ignored {_key(key)}: it is no longer an input.")
                continue
            migrated.setdefault(renames.get(key) or key, []).extend(texts)
        values = migrated
    return values


def _readable(key: str, text: str | None, notices: list[str]) -> bool:
    """False (with a notice) for a value that is not UTF-8 or longer than MAX_VALUE_CHARS."""
    if text is None:
        notices.append(f"Ignored {_key(key)}: its value is not valid UTF-8 text.")
        return False
    if len(text) > MAX_VALUE_CHARS:
        notices.append(f"Ignored {_key(key)}={_show(text)}: the value is {len(text):,} characters "
                       f"long; at most {MAX_VALUE_CHARS} are read.")
        return False
    return True


def _read_input(key: str, text: str | None, typed: dict[str, Any], notices: list[str]) -> None:
    if not _readable(key, text, notices):
        return
    try:
        value = scenario.parse_value(key, text)
    except ValueError as e:
        notices.append(f"Ignored {_key(key)}={_show(text)}: {_reason(key, text, e)}.")
        return
    if FIELDS[key].metadata["choices"] == "api" and value is not None:
        if not _MODEL_ID.fullmatch(value):
            notices.append(f"Ignored {_key(key)}={_show(text)}: a model id in a link may use only "
                           "letters, digits and . _ : / @ ~ -.")
            return
        if value not in _catalog_ids():
            notices.append(f"Ignored {_key(key)}={_show(text)}: no model in the bundled price "
                           "catalog has this id.")
            return
    typed[key] = value


@functools.cache
def _catalog_ids() -> frozenset[str]:
    """Every provider:model id the bundled price catalog prices; a link names one exactly."""
    from tco import catalog
    return frozenset(catalog.api_model_refs())


def _read_baseline(link_key: str, text: str | None, baseline: dict[str, Any],
                   notices: list[str]) -> None:
    name = _BASELINE_BY_LINK[link_key]
    _, kind, lo, hi = BASELINE_KEYS[name]
    if not _readable(link_key, text, notices):
        return
    text = text.strip()
    if kind == "month":
        if _MONTH.fullmatch(text):
            baseline[name] = text
        else:
            notices.append(f"Ignored {_key(link_key)}={_show(text)}: expected a month as YYYY-MM.")
        return
    if kind == "mix":
        if _MIX.fullmatch(text):
            baseline[name] = text
        else:
            notices.append(f"Ignored {_key(link_key)}={_show(text)}: expected up to 4 billed models "
                           "as model~percent, separated by commas.")
        return
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not (math.isfinite(x) and lo <= x <= hi) or (kind == "int" and x != int(x)):
        whole = "a whole number" if kind == "int" else "a number"
        notices.append(f"Ignored {_key(link_key)}={_show(text)}: expected {whole} in "
                       f"[{lo:g}, {hi:g}].")
        return
    baseline[name] = int(x) if kind == "int" else x


def _view(text: str | None, notices: list[str]) -> str | None:
    view = (text or "").strip().lower()
    if view in VIEWS:
        return view
    notices.append(f"Ignored `view`={_show(text or '')}: the only view a link can open is "
                   f"{', '.join(VIEWS)}.")
    return None


def _build(typed: dict[str, Any], raw: dict[str, list[str | None]], notices: list[str]) -> Scenario:
    """Scenario(**typed), dropping keys (with a notice) until the combination is valid."""
    typed = {k: typed[k] for k in FIELDS if k in typed}
    while True:
        try:
            return Scenario(**typed)
        except (ValueError, KeyError, TypeError) as e:
            culprit = _culprit(e, typed)
            if culprit is None:
                notices.append("The link's values do not fit together "
                               f"({_sanitize(str(e), 150)}); opened the defaults instead.")
                return Scenario()
            text = (raw.get(culprit) or [""])[-1] or ""
            notices.append(f"Ignored {_key(culprit)}={_show(text)}: {_reason(culprit, text, e)}.")
            del typed[culprit]


def _culprit(error: Exception, typed: dict[str, Any]) -> str | None:
    """The key an invalid combination is blamed on: the one the message names, else the last
    key whose removal makes the rest valid."""
    named = re.match(r"`(\w+)`", str(error))
    if named and named.group(1) in typed:
        return named.group(1)
    for key in reversed(list(typed)):
        try:
            Scenario(**{k: v for k, v in typed.items() if k != key})
        except (ValueError, KeyError, TypeError):
            continue
        return key
    return None


def _report_unknown(unknown: list[str], version: int, notices: list[str]) -> None:
    if version > LINK_VERSION:
        names = ", ".join(_key(k) for k in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        n = len(unknown)
        notices.append(f"This link was made by a newer version (link version {version}, this is "
                       f"{LINK_VERSION}); {n:,} value{'s' if n != 1 else ''} could not be read"
                       + (f": {names}." if n else "."))
        return
    for key in unknown[:MAX_UNKNOWN_NOTICES]:
        notices.append(f"Ignored unknown key {_key(key)}.")
    if len(unknown) > MAX_UNKNOWN_NOTICES:
        notices.append(f"Ignored {len(unknown) - MAX_UNKNOWN_NOTICES:,} more unknown keys.")


# --- notices -----------------------------------------------------------------------------------

def _show(text: str) -> str:
    """A value as it may appear in a notice: between backticks (a reader shows it as code, never
    as a link or markup), at most 40 characters, no '<', '>' or backtick inside."""
    short, more = text[:40], "…" if len(text) > 40 else ""
    if _PLAIN.fullmatch(short):
        return f"`{short}{more}`"
    return f"`{repr(short).translate(_UNSAFE)}{more}`"


def _key(key: str) -> str:
    return f"`{_show(key).strip('`')}`"


def _sanitize(text: str, limit: int) -> str:
    text = " ".join(text.split()).translate(_UNSAFE)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _reason(key: str, text: str, error: Exception) -> str:
    """The part of a validation message after ``\\`key\\` = <value>``: why the value was refused."""
    message = str(error)
    stripped = text.strip()
    shown = [repr(stripped), repr(stripped[:40]), stripped]
    for value in shown:
        prefix = f"`{key}` = {value} "
        if message.startswith(prefix):
            message = message[len(prefix):]
            break
    else:  # the value as the validator wrote it (e.g. '-0' read as 0): one word after '='
        message = re.sub(rf"^`{re.escape(key)}` (= \S+ )?", "", message)
    if message.startswith("is "):
        message = message[3:]
    return _sanitize(message, 180)


def _cap(notice: str) -> str:
    return notice if len(notice) < 300 else notice[:298] + "…"

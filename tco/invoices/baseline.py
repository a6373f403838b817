"""Fit the cost model's baseline (volume, mix, growth) to the monthly table.

Conventions: tokens per month [count]; shares are fractions in [0, 1]; growth is per month
(0.05 = +5 %/month, compounding); money in USD. Keys ``tokens_per_month``, ``input_share``,
``cached_input_share`` and ``growth_per_month`` are the names the cost model's Scenario uses.

Growth is an exponential fit: least squares of log(monthly total tokens) against the calendar
month index (``scipy.stats.linregress``), growth = exp(slope) − 1, with its r² reported. A first or
last month that the data covers only in part (fewer days than the month has) is left out of the
fit and of the latest-month figures, with a warning: a half month would read as a collapse.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import stats

from tco.costs import usd_per_mtok
from tco.invoices.common import TOKEN_COLUMNS

#: Fewest full months for which a growth trend is fitted.
MIN_MONTHS_FOR_TREND = 3


def _month_index(months: pd.Series) -> np.ndarray:
    period = pd.PeriodIndex(months, freq="M")
    return np.asarray([(p - period[0]).n for p in period], dtype=float)


def fit_baseline(months: pd.DataFrame) -> tuple[dict, list[str]]:
    """Baseline from the monthly table (all providers and models summed per month).

    Parameters
    ----------
    months : DataFrame with the columns of :data:`tco.invoices.aggregate.MONTH_COLUMNS`.

    Returns
    -------
    (baseline, warnings) where baseline holds ``tokens_per_month`` [tokens/month, latest full
    month], ``tokens_per_month_fitted`` [the fit's value at that month], ``input_share``
    [input incl. cached and cache writes / all tokens], ``cached_input_share`` [cached / all
    input], ``growth_per_month`` [fraction/month], ``r_squared``, ``months_covered`` [count],
    ``first_month``, ``last_month``, ``monthly_spend_usd`` [USD, latest month],
    ``usd_per_mtok`` [USD per 1M tokens, latest month, all models blended], ``method`` and,
    when there are too few months to fit a trend, ``note``. Mix shares pool every month used.
    """
    warnings: list[str] = []
    empty = {
        "tokens_per_month": 0.0, "tokens_per_month_fitted": 0.0, "input_share": 0.0, "cached_input_share": 0.0,
        "growth_per_month": 0.0, "r_squared": None, "months_covered": 0, "first_month": None, "last_month": None,
        "monthly_spend_usd": 0.0, "usd_per_mtok": None, "method": "no data",
        "note": "no usage rows were read, so there is nothing to fit",
    }
    if months is None or months.empty:
        return empty, warnings
    m = months.copy()
    m["tokens"] = m[TOKEN_COLUMNS].sum(axis=1)
    m["input_all"] = m[["input_tokens", "cached_input_tokens", "cache_write_tokens"]].sum(axis=1)
    per = m.groupby("month", sort=True).agg(
        tokens=("tokens", "sum"), input_all=("input_all", "sum"), cached=("cached_input_tokens", "sum"),
        cost_usd=("cost_usd", "sum"), covered=("days_covered", "max"), days=("days_in_month", "max"))
    partial = per["covered"] < per["days"] - 1e-6
    skipped = []
    if len(per) > 1 and partial.iloc[-1]:
        skipped.append(per.index[-1])
        warnings.append(f"{per.index[-1]} is a partial month (data covers {per['covered'].iloc[-1]:.1f} of "
                        f"{per['days'].iloc[-1]:.0f} days); left out of the baseline")
    if len(per) - len(skipped) > 1 and partial.iloc[0]:
        skipped.append(per.index[0])
        warnings.append(f"{per.index[0]} is a partial month (data covers {per['covered'].iloc[0]:.1f} of "
                        f"{per['days'].iloc[0]:.0f} days); left out of the baseline")
    per = per.drop(index=skipped)
    used = per[per["tokens"] > 0]
    if used.empty:
        out = dict(empty, months_covered=len(per), note="the files hold spend but no token counts could be read or estimated")
        return out, warnings
    latest = used.iloc[-1]
    all_tokens = used["tokens"].sum()
    all_input = used["input_all"].sum()
    out = {
        "tokens_per_month": float(latest["tokens"]),
        "tokens_per_month_fitted": float(latest["tokens"]),
        "input_share": float(all_input / all_tokens),
        "cached_input_share": float(used["cached"].sum() / all_input) if all_input > 0 else 0.0,
        "growth_per_month": 0.0,
        "r_squared": None,
        "months_covered": int(len(used)),
        "first_month": str(used.index[0]),
        "last_month": str(used.index[-1]),
        "monthly_spend_usd": float(latest["cost_usd"]),
        "usd_per_mtok": float(usd_per_mtok(latest["cost_usd"], latest["tokens"])),
    }
    prices = bill_prices(m, out["last_month"])
    if prices is not None:
        out.update({f"{c}_usd_per_mtok": prices[c] for c in PRICE_CLASSES})
        out["mix"] = prices["mix"]
        out["api_prices"] = prices
    if len(used) < MIN_MONTHS_FOR_TREND:
        out["method"] = (f"volume and mix from the {len(used)} full month(s) available; no trend fitted")
        n = len(used)
        out["note"] = (f"only {n} full month{'s' if n != 1 else ''} of data: a growth trend needs "
                       f"{MIN_MONTHS_FOR_TREND}, so the baseline assumes no growth (0% a month)")
        return out, warnings
    x = _month_index(pd.Series(used.index))
    fit = stats.linregress(x, np.log(used["tokens"].to_numpy()))
    out["growth_per_month"] = float(np.expm1(fit.slope))
    out["r_squared"] = float(fit.rvalue ** 2) if np.isfinite(fit.rvalue) else 1.0
    out["tokens_per_month_fitted"] = float(np.exp(fit.intercept + fit.slope * x[-1]))
    out["method"] = (f"exponential fit: least squares of log(total tokens) on month index over {len(used)} "
                     f"full months ({out['first_month']} to {out['last_month']}, scipy.stats.linregress); "
                     "growth = exp(slope) - 1; volume is the latest full month")
    return out, warnings


# --- the bills' own prices -------------------------------------------------------------------

#: Billed models named in the API path's label before the rest are summed as "others".
LABEL_MODELS = 3
PRICE_CLASSES = ("input", "cached_input", "output")


def _itemised_units(r, by_class: dict) -> dict | None:
    """USD per token of each class from a row whose export itemised its cost by class, scaled by
    the row's net cost over its charges (credits and refunds shared in proportion), or None when
    it did not, or when a class was charged but no tokens of it were counted."""
    from tco.invoices.aggregate import PAID_COLUMNS
    paid = {c: r.get(col, np.nan) for c, col in PAID_COLUMNS.items()}
    if not all(np.isfinite(float(v)) for v in paid.values()):
        return None
    gross = sum(float(v) for v in paid.values())
    if not gross > 0 or any(float(paid[c]) > 0 and not by_class[c] > 0 for c in paid):
        return None
    scale = float(r["cost_usd"]) / gross
    return {c: (float(paid[c]) * scale / by_class[c] if by_class[c] > 0 else 0.0) for c in paid}


def bill_prices(months: pd.DataFrame, month: str) -> dict | None:
    """What the bills of ``month`` paid per token class [USD per 1M tokens], all models pooled.

    Where the export itemises its cost by token class (a cost export's line items, CUR usage
    types), each class is priced at what it was charged: paid_m,c = charged_m,c · cost_m / Σ_c
    charged_m,c (credits and refunds shared in proportion). Where it gives one cost per model and
    month, that cost is split over the token classes by the catalog's class prices for the model
    (genai-prices list prices, cache writes at their own price), scaled so that the classes add up
    to what the bills show:

        k_m = cost_m / Σ_c tokens_m,c · list_m,c,     paid_m,c = k_m · tokens_m,c · list_m,c

    A model the catalog does not price gets its own blended cost per token in every class.
    ``input`` covers uncached input and cache writes (the Scenario counts cache writes as
    uncached input), ``cached_input`` the cache reads, ``output`` the output: at the month's own
    mix, volume × these prices gives back the month's cost exactly. A class the month has no
    tokens of is priced at the token-weighted mean of k_m · list_m,c (what it would have cost).

    Returns None when the month has no tokens or no USD cost. Else ``input``,
    ``cached_input``, ``output`` [USD per 1M tokens], ``month``, ``models`` (provider, model,
    share of tokens, share of spend, largest first), ``priced_from`` ("bills", "list prices"
    or "partly list prices": a usage export without cost is priced at the catalog price of
    each billed model) and ``label``.
    """
    from tco.invoices.prices import list_prices

    rows = months[(months["month"] == month) & months["cost_usd"].notna()]
    rows = rows.assign(tokens=rows[TOKEN_COLUMNS].sum(axis=1))
    rows = rows[rows["tokens"] > 0]
    if rows.empty or not rows["cost_usd"].sum() > 0:
        return None
    paid = {"input": 0.0, "cached_input": 0.0, "output": 0.0}
    tokens = {"input": 0.0, "cached_input": 0.0, "output": 0.0}
    fallback = {c: 0.0 for c in paid}  # Σ tokens_m · k_m · list_m,c, for a class without tokens
    models = []
    for _, r in rows.iterrows():
        by_class = {"input": r["input_tokens"], "cache_write": r["cache_write_tokens"],
                    "cached_input": r["cached_input_tokens"], "output": r["output_tokens"]}
        lp = list_prices(r["provider"], r["model"], month) if r["model"] else None
        itemised = _itemised_units(r, by_class)
        if itemised is not None:   # the bills' own cost of each class, less the row's credits
            unit = itemised
        elif lp is not None:
            list_cost = sum(by_class[c] * lp[c] for c in by_class)
            k = r["cost_usd"] / list_cost if list_cost > 0 else 0.0
            unit = {c: k * lp[c] for c in by_class}
        else:
            blended = r["cost_usd"] / r["tokens"]
            unit = {c: blended for c in by_class}
        paid["input"] += by_class["input"] * unit["input"] + by_class["cache_write"] * unit["cache_write"]
        paid["cached_input"] += by_class["cached_input"] * unit["cached_input"]
        paid["output"] += by_class["output"] * unit["output"]
        tokens["input"] += by_class["input"] + by_class["cache_write"]
        tokens["cached_input"] += by_class["cached_input"]
        tokens["output"] += by_class["output"]
        for c in fallback:
            fallback[c] += r["tokens"] * unit[c]
        models.append({"provider": r["provider"], "model": r["model"] or "(no model named)",
                       "tokens": float(r["tokens"]), "cost_usd": float(r["cost_usd"]),
                       "cost_estimated": bool(r["cost_estimated"])})
    all_tokens = rows["tokens"].sum()
    out = {c: float((paid[c] / tokens[c] if tokens[c] > 0 else fallback[c] / all_tokens) * 1e6)
           for c in PRICE_CLASSES}
    all_cost = sum(m["cost_usd"] for m in models)
    for m in models:
        m["share_of_tokens"] = m["tokens"] / all_tokens
        m["share_of_spend"] = m["cost_usd"] / all_cost
    models.sort(key=lambda m: (-m["share_of_tokens"], m["model"]))
    estimated = [m["cost_estimated"] for m in models]
    out["priced_from"] = ("list prices" if all(estimated) else "partly list prices" if any(estimated)
                          else "bills")
    out["month"] = month
    out["models"] = [{k: m[k] for k in ("provider", "model", "share_of_tokens", "share_of_spend")}
                     for m in models]
    out["mix"] = mix_text(out["models"])
    out["label"] = bills_label(out["mix"])
    return out


def mix_text(models: list[dict]) -> str:
    """The billed models by share of tokens, as the link carries them: ``gpt-4o-mini~75,gpt-4o~25``
    (whole percent; the models after the first LABEL_MODELS summed as ``others``)."""
    parts = [(_plain_name(m["model"]), m["share_of_tokens"]) for m in models[:LABEL_MODELS]]
    rest = sum(m["share_of_tokens"] for m in models[LABEL_MODELS:])
    if rest > 0:
        parts.append(("others", rest))
    return ",".join(f"{name}~{round(share * 100):d}" for name, share in parts)


def _plain_name(name: str) -> str:
    """A billed model's name as a label and a link may carry it: letters, digits and ``. _ : / @ -``
    (anything else, e.g. spaces or markup from a bill, becomes ``-``), at most 80 characters."""
    return re.sub(r"[^A-Za-z0-9._:/@-]", "-", str(name))[:80] or "unnamed"


def bills_label(mix: str | None) -> str:
    """'your bills (gpt-4o-mini 75%, gpt-4o 25%)' from a :func:`mix_text` (of tokens)."""
    parts = []
    for entry in (mix or "").split(","):
        name, sep, pct = entry.rpartition("~")
        if sep and name:
            parts.append(f"{name} {pct}%")
    return f"your bills ({', '.join(parts)})" if parts else "your bills"


# --- baseline -> scenario inputs and the link --------------------------------------------------

#: Scenario inputs the volume, mix and growth of the bills set, and the digits kept (shares, growth).
VOLUME_INPUTS = ("tokens_per_month", "input_share", "cached_input_share", "growth_per_month")
SHARE_DIGITS = 4
#: Significant digits of the bills' prices in the scenario (6: the link stays short, the API
#: cost moves by less than 1e-5 of itself).
PRICE_DIGITS = 6
#: Digits kept in the link's bill summary (a summary, so short links beat 16 digits).
_SUMMARY_ROUNDING = {"tokens_per_month": 0, "input_share": 4, "cached_input_share": 4, "growth_per_month": 4,
                     "r_squared": 4, "monthly_spend_usd": 2}


def _round_price(x: float) -> float:
    return float(f"{float(x):.{PRICE_DIGITS}g}")


def api_model_ref(baseline: dict) -> str | None:
    """The catalog id of the billed model with the most tokens (``openai:gpt-4o-mini``), or None
    when the catalog does not price it; the API box shows it with the bills' prices. A billed id
    the model boxes do not offer (``azure:gpt-4o``, priced through Azure's fallback) is named by
    the same model under a provider they do offer (``openai:gpt-4o``), so the link carries it."""
    from tco import catalog
    from tco.invoices.prices import _match
    for m in (baseline.get("api_prices") or {}).get("models", ()):
        found = _match(m["provider"], m["model"])
        if found is None:
            continue
        ref = f"{found[1]}:{found[0]}"
        offered = set(catalog.api_model_refs())   # the ids a model box offers and a link carries
        if ref not in offered:  # e.g. azure:gpt-4o, priced through Azure's fallback to OpenAI
            same = sorted(r for r in offered if r.split(":", 1)[1] == found[0])
            if not same:
                continue
            ref = same[0]
        try:
            catalog.api_prices(ref, 1000, 100)
        except ValueError:
            continue
        return ref
    return None


#: Days of hourly rows the bills need before they set the load over a day.
MIN_HOURLY_DAYS = 3


def hourly_profile(parsed: list) -> dict | None:
    """The load over a day from the bills' hourly rows (buckets of at most one hour, e.g. an
    OpenAI or Anthropic usage export with hourly buckets): the tokens of each hour of the day
    (UTC) summed over the days covered, as 24 multipliers of the average hour (mean 1, two
    decimals, as a link carries them); None when fewer than :data:`MIN_HOURLY_DAYS` days are
    hourly. Returns ``shape``, ``days``, ``first_day``, ``last_day``, ``load_profile`` (the
    ``custom:…`` input) and ``peak_to_average`` (its busiest hour, so that it is not bent)."""
    from tco import load
    frames = [p.rows[["start", "end", *TOKEN_COLUMNS]] for p in parsed if len(p.rows)]
    if not frames:
        return None
    rows = pd.concat(frames, ignore_index=True)
    start = pd.to_datetime(rows["start"], utc=True)
    end = pd.to_datetime(rows["end"], utc=True)
    hourly = start.notna() & end.notna() & (end > start) & (end - start <= pd.Timedelta(hours=1))
    if not hourly.any():
        return None
    start, tokens = start[hourly], rows.loc[hourly, TOKEN_COLUMNS].sum(axis=1).to_numpy(float)
    days = start.dt.floor("D")
    n_days = days.nunique()
    if n_days < MIN_HOURLY_DAYS or not tokens.sum() > 0:
        return None
    per_hour = np.bincount(start.dt.hour.to_numpy(), weights=tokens, minlength=load.HOURS_PER_DAY)
    shape = np.round(per_hour / per_hour.mean(), 2)
    text = load.CUSTOM_PREFIX + ",".join(f"{v:g}" for v in shape)
    peak = float(shape.max() / shape.mean())
    return {"shape": shape.tolist(), "days": int(n_days), "first_day": f"{days.min():%Y-%m-%d}",
            "last_day": f"{days.max():%Y-%m-%d}", "load_profile": text, "peak_to_average": peak}


def scenario_inputs(baseline: dict) -> tuple[dict, list[str]]:
    """The Scenario inputs "Use as baseline" sets, within the Scenario's ranges, and a note for
    each value that had to be clipped: volume, mix and growth (shares and growth to 4 decimals)
    and, when the bills carry prices, the API path priced at them (``api_*_usd_per_mtok``, 6
    significant digits) on the billed model with the most tokens."""
    from tco.scenario import meta
    values, notes = {}, []
    for key in VOLUME_INPUTS:
        raw = baseline.get(key)
        if raw is None or not np.isfinite(float(raw)):
            continue
        raw = float(raw)
        lo, hi = float(meta(key)["lo"]), float(meta(key)["hi"])
        v = round(raw) if key == "tokens_per_month" else round(raw, SHARE_DIGITS)
        clipped = min(max(v, lo), hi)
        if clipped != v:
            shown = (lambda x: f"{x:+.1%}/month") if key == "growth_per_month" else (lambda x: f"{x:g}")
            notes.append(f"{meta(key)['label']}: the bills give {shown(raw)}, outside the allowed "
                         f"{shown(lo)} to {shown(hi)}; set to {shown(clipped)}")
        values[key] = float(clipped)
    hourly = baseline.get("hourly")
    if hourly:   # the bills' own day: the plans' hybrid and autoscaled fleets follow it
        lo, hi = float(meta("peak_to_average")["lo"]), float(meta("peak_to_average")["hi"])
        values["load_profile"] = hourly["load_profile"]
        values["peak_to_average"] = round(min(max(hourly["peak_to_average"], lo), hi), 4)
    prices = {c: baseline.get(f"{c}_usd_per_mtok") for c in PRICE_CLASSES}
    if all(p is not None and np.isfinite(float(p)) for p in prices.values()):
        ref = api_model_ref(baseline)
        if ref is not None:
            values["api_model"] = ref
        for c, p in prices.items():
            key = f"api_{c}_usd_per_mtok"
            hi = float(meta(key)["hi"])
            values[key] = min(_round_price(p), hi)
    return values, notes


def link_summary(baseline: dict) -> dict:
    """The bill summary that travels in the share link: only :data:`tco.share.BASELINE_KEYS`,
    None and NaN left out, rounded (volume to a token, shares and growth to 4 decimals, spend to
    a cent, USD per 1M tokens blended to 4 significant digits, the class prices as the scenario
    holds them)."""
    from tco import share
    out = {}
    for key in share.BASELINE_KEYS:
        v = baseline.get(key)
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            continue
        if key in _SUMMARY_ROUNDING:
            v = float(round(float(v), _SUMMARY_ROUNDING[key]))
        elif key == "usd_per_mtok":
            v = float(f"{float(v):.4g}")
        elif key.endswith("_usd_per_mtok"):
            v = _round_price(v)
        out[key] = v
    return out


def link_query(baseline: dict, base=None) -> str:
    """The query string "Use as baseline" gives the page: ``base`` (default: the defaults) with
    :func:`scenario_inputs` applied, plus the :func:`link_summary` of the bills."""
    import dataclasses

    from tco import share
    from tco.scenario import Scenario
    values, _ = scenario_inputs(baseline)
    return share.encode(dataclasses.replace(base or Scenario(), **values), link_summary(baseline))

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
    if len(used) < MIN_MONTHS_FOR_TREND:
        out["method"] = (f"volume and mix from the {len(used)} full month(s) available; no trend fitted")
        out["note"] = (f"only {len(used)} full month(s) of data: too few months to fit a growth trend "
                       f"(need {MIN_MONTHS_FOR_TREND}); growth_per_month set to 0.0")
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

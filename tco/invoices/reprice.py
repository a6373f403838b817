"""Reprice the months of imported bills: what the same traffic would have cost on the hosted open
model and self-hosted, beside what was actually paid.

Conventions
-----------
* Money in USD, per calendar month (UTC ``"YYYY-MM"``); costs positive. A **saving** is actual
  minus the alternative, so a positive saving means the alternative would have been cheaper.
* Tokens are counts; ``input_tokens`` excludes cached input and cache writes, as everywhere after
  parsing (:mod:`tco.invoices`). ``tokens`` is all four classes summed.
* **Actual** is the bills' net usage spend (``cost_usd``: charges plus credits and refunds, tax
  left out), summed over providers and models. Amounts in a currency the files give no USD rate
  for are NaN in ``cost_usd``; they are skipped and the month is flagged ``actual_complete =
  False`` (a month with no USD amount at all stays NaN, never 0). Months whose cost or tokens were
  estimated at list price are flagged ``cost_estimated`` / ``tokens_estimated``.
* **Hosted open model**: each month's tokens by class at the scenario's resolved hosted prices
  (:func:`tco.model.resolve`): uncached input at the input price, cache writes at the catalog's
  cache-write price where it has one (else the input price), cached input at the cached price,
  output at the output price. The scenario's ``batch_share`` is not applied: the
  bills already reflect whatever ran in batch. Prices are month-1 prices (no price trend).
* **Self-hosted**: the engine's steady-state monthly cost at that month's total volume
  (:func:`tco.costs.steady_state`, month-1 prices), i.e. fixed costs plus as many replicas as that
  volume needs — a step function of volume, sized with the scenario's request shape,
  peak-to-average and target utilisation. The one-time setup cost (``setup_cost_usd``) is not
  spread over the months: it is reported apart (``df.attrs["setup_usd"]`` and
  :func:`reprice_totals`). When GPUs are bought, their purchase is in the monthly cost as
  depreciation, as in the engine's steady state.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tco import costs
from tco.model import resolve
from tco.scenario import Scenario

__all__ = ["REPRICE_COLUMNS", "reprice", "reprice_totals"]

TOKEN_CLASSES = ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens")

#: Columns of :func:`reprice`, one row per month.
REPRICE_COLUMNS = [
    "month", "tokens", *TOKEN_CLASSES,
    "actual_usd", "actual_complete", "cost_estimated", "tokens_estimated",
    "hosted_open_usd", "self_host_usd", "replicas", "gpus", "utilisation",
    "saving_hosted_open_usd", "saving_self_host_usd",
]


def reprice(months: pd.DataFrame, s: Scenario) -> pd.DataFrame:
    """What the bills' months would have cost on the scenario's hosted open model and fleet.

    Parameters
    ----------
    months : DataFrame
        :attr:`tco.invoices.ImportResult.months` (one row per month x provider x model x
        currency; token columns [count], ``cost_usd`` [USD], ``estimated``, ``cost_estimated``).
    s : Scenario
        The scenario whose hosted prices and self-hosted fleet are used.

    Returns
    -------
    DataFrame with :data:`REPRICE_COLUMNS`, one row per month in calendar order: token counts
    [tokens/month], ``actual_usd``, ``hosted_open_usd``, ``self_host_usd`` [USD/month],
    ``replicas`` and ``gpus`` [count], ``utilisation`` [fraction of the fleet's max throughput],
    savings [USD/month, actual − alternative] and the flags described in the module docstring.
    ``attrs`` holds ``setup_usd`` [USD, one-time], ``hosted_ref``, ``hosted_prices`` [USD per 1M
    tokens by class], ``hosted_name``, ``self_host_name``.

    Raises ValueError (incl. :class:`tco.capacity.DoesNotFit`) when the scenario cannot be resolved.
    """
    r = resolve(s)
    p = r.params.arrays()
    prices = {"input": float(p.hosted_input_usd_per_mtok), "cached_input": float(p.hosted_cached_input_usd_per_mtok),
              "output": float(p.hosted_output_usd_per_mtok)}
    # cache writes at the catalog's cache-write price, moved with an input override by its ratio
    write_ratio = r.hosted.cache_write / r.hosted.input if r.hosted.input else 1.0
    prices["cache_write"] = prices["input"] * write_ratio
    attrs = {"setup_usd": float(p.setup_cost_usd), "hosted_ref": r.hosted_ref, "hosted_prices": prices,
             "hosted_name": r.hosted.model_name,
             "self_host_name": f"{r.model.name} on {r.gpus_per_replica}× {r.gpu.name} per replica"}

    if months is None or len(months) == 0:
        out = pd.DataFrame({c: pd.Series(dtype=object if c == "month" else bool if c in (
            "actual_complete", "cost_estimated", "tokens_estimated") else float) for c in REPRICE_COLUMNS})
        out.attrs = attrs
        return out

    m = months.copy()
    m["_cost_missing"] = m["cost_usd"].isna()
    per = m.groupby("month", sort=True).agg(
        **{c: (c, "sum") for c in TOKEN_CLASSES},
        actual_usd=("cost_usd", lambda x: x.sum(min_count=1)),  # all-NaN month stays NaN, never 0
        _missing=("_cost_missing", "any"),
        cost_estimated=("cost_estimated", "any"),
        tokens_estimated=("estimated", "any"),
    )
    tok = {c: per[c].to_numpy(dtype=float) for c in TOKEN_CLASSES}
    volume = sum(tok.values())

    hosted = costs.usd_for_tokens(tok["input_tokens"], tok["cached_input_tokens"], tok["cache_write_tokens"],
                                  tok["output_tokens"], prices["input"], prices["cached_input"], prices["output"],
                                  prices["cache_write"])
    steady = costs.steady_state(p, volume)
    self_host = np.broadcast_to(np.asarray(steady["self_host"], dtype=float), volume.shape)
    actual = per["actual_usd"].to_numpy(dtype=float)

    out = pd.DataFrame({
        "month": per.index.astype(str),
        "tokens": volume,
        **tok,
        "actual_usd": actual,
        "actual_complete": ~per["_missing"].to_numpy(dtype=bool),
        "cost_estimated": per["cost_estimated"].to_numpy(dtype=bool),
        "tokens_estimated": per["tokens_estimated"].to_numpy(dtype=bool),
        "hosted_open_usd": hosted,
        "self_host_usd": self_host,
        "replicas": np.broadcast_to(np.asarray(steady["replicas"], dtype=float), volume.shape),
        "gpus": np.broadcast_to(np.asarray(steady["gpus"], dtype=float), volume.shape),
        "utilisation": np.broadcast_to(np.asarray(steady["utilisation"], dtype=float), volume.shape),
        "saving_hosted_open_usd": actual - hosted,
        "saving_self_host_usd": actual - self_host,
    })[REPRICE_COLUMNS].reset_index(drop=True)
    out.attrs = attrs
    return out


def reprice_totals(df: pd.DataFrame) -> dict:
    """Totals over the months of :func:`reprice`.

    Returns a dict with ``months`` [count], ``tokens`` [tokens], ``actual_usd``,
    ``hosted_open_usd``, ``self_host_usd`` [USD, summed over the months], ``setup_usd`` [USD,
    one-time, from ``df.attrs``], ``saving_hosted_open_usd`` (actual − hosted),
    ``saving_self_host_usd`` (actual − self-hosted monthly costs) and
    ``saving_self_host_after_setup_usd`` (that, less the setup) [USD]. The savings compare only
    the months with a known actual cost (``actual_usd`` not NaN); ``actual_complete`` is False
    when some month or amount had no USD figure.
    """
    setup = float(df.attrs.get("setup_usd", 0.0)) if hasattr(df, "attrs") else 0.0
    if df is None or len(df) == 0:
        return {"months": 0, "tokens": 0.0, "actual_usd": math.nan, "hosted_open_usd": 0.0, "self_host_usd": 0.0,
                "setup_usd": setup, "saving_hosted_open_usd": math.nan, "saving_self_host_usd": math.nan,
                "saving_self_host_after_setup_usd": math.nan, "actual_complete": False}
    known = df["actual_usd"].notna()
    actual = float(df.loc[known, "actual_usd"].sum()) if known.any() else math.nan
    saving_hosted = float(df.loc[known, "saving_hosted_open_usd"].sum()) if known.any() else math.nan
    saving_self = float(df.loc[known, "saving_self_host_usd"].sum()) if known.any() else math.nan
    return {
        "months": int(len(df)),
        "tokens": float(df["tokens"].sum()),
        "actual_usd": actual,
        "hosted_open_usd": float(df["hosted_open_usd"].sum()),
        "self_host_usd": float(df["self_host_usd"].sum()),
        "setup_usd": setup,
        "saving_hosted_open_usd": saving_hosted,
        "saving_self_host_usd": saving_self,
        "saving_self_host_after_setup_usd": saving_self - setup,
        "actual_complete": bool(known.all() and df["actual_complete"].all()),
    }

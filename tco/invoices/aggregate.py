"""Merge parsed files into one row per month x provider x model x currency.

Conventions: months are UTC ``"YYYY-MM"`` of a bucket's start; tokens are counts with
``input_tokens`` excluding cached and cache-write tokens; ``cost_usd`` is net usage spend in
USD (usage charges plus credits and refunds, which are negative; tax is kept apart in
``tax_usd`` and not included); ``cost`` is the same in the file's own currency.

Three rules keep a month from being counted twice:

1. **Repeats.** Every parser gives each row an identity (bucket, model, project, key, line item,
   tier, ...). Rows with the same identity, from one file or several (the same export uploaded
   twice, two exports whose date ranges overlap), are kept once: the most complete one (largest
   totals), so a day exported mid-day and again later counts with its final numbers.
2. **Complementary files.** A usage export (tokens, no cost) and a cost export (cost, maybe no
   tokens) of the same provider describe the same traffic. Per month x provider x model, tokens
   come from the first of usage, combined (tokens and cost), cost-export rows that has tokens;
   cost from the first of cost-export, combined rows that has cost. Nothing is added twice.
3. **Granularity.** A daily and an hourly (or per-minute) export of the same traffic have
   different row identities. For the time-bucketed usage formats (OpenAI and Anthropic usage, CSV
   or API), rows from different files whose identity matches but for the bucket times, on the
   same UTC day, are the same traffic: the coarsest buckets are kept and the finer ones dropped.
4. **Two shapes of one provider's usage.** A provider's console CSV and its API report for the
   same days (Anthropic's name their API keys differently: names vs ids) are the same traffic:
   per provider, model and UTC day, only the usage format with the larger token total is kept,
   and a warning names the files.
5. **Estimates only when needed.** Tokens are estimated from spend at list price (genai-prices)
   only when no row of the group has token counts; cost is estimated from tokens only when no
   row has a cost. Spend without a model (an ungrouped cost export) is shared across the models
   of the usage export of that month in proportion to their list-price cost.
"""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd

from tco.costs import usd_per_mtok
from tco.invoices.common import MONEY_COLUMNS, TOKEN_COLUMNS
from tco.invoices.prices import ASSUMED_INPUT_SHARE, BATCH_DISCOUNT, list_prices

MONTH_COLUMNS = [
    "month", "provider", "model", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens",
    "requests", "cost_usd", "credits_usd", "refunds_usd", "tax_usd", "currency", "cost", "estimated",
    "cost_estimated", "usd_per_mtok", "days_covered", "days_in_month",
    # what the bills charged for each token class [USD, before credits], where the export itemises
    # its cost lines by class (NaN where it gives one total per model, or where a cost was estimated)
    "paid_input_usd", "paid_cached_input_usd", "paid_cache_write_usd", "paid_output_usd",
]
#: token class -> its column of charged cost in MONTH_COLUMNS
PAID_COLUMNS = {"input": "paid_input_usd", "cached_input": "paid_cached_input_usd",
                "cache_write": "paid_cache_write_usd", "output": "paid_output_usd"}
_DIRECTION_COLUMN = {"input": "input_tokens", "cached_input": "cached_input_tokens",
                     "cache_write": "cache_write_tokens", "output": "output_tokens"}
_TOKEN_ROLES = ("usage", "both", "cost")
_COST_ROLES = ("cost", "both")
_SUMMED = TOKEN_COLUMNS + ["requests"] + MONEY_COLUMNS + [f"{m}_usd" for m in MONEY_COLUMNS]


def empty_months() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=("bool" if c in ("estimated", "cost_estimated") else
                                             "float" if c not in ("month", "provider", "model", "currency") else "object"))
                         for c in MONTH_COLUMNS})


def deduplicate(rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Keep one row per identity ``key`` (the most complete one); return rows and count dropped."""
    if rows.empty:
        return rows, 0
    size = rows[TOKEN_COLUMNS].sum(axis=1) + rows[MONEY_COLUMNS].abs().sum(axis=1)
    # a total order on values makes the kept row independent of upload and row order; the order
    # is found on the sort columns alone and the rows taken once (no copy of every column first)
    order = ["key", "_size"] + TOKEN_COLUMNS + MONEY_COLUMNS
    sort = pd.concat([rows["key"], size.rename("_size"), rows[TOKEN_COLUMNS + MONEY_COLUMNS]], axis=1)
    position = sort.reset_index(drop=True).sort_values(
        order, ascending=[True, False] + [False] * (len(order) - 2), kind="mergesort").index.to_numpy()
    del sort
    key = rows["key"].to_numpy()[position]
    repeated = (key != "") & pd.Series(key).duplicated(keep="first").to_numpy()
    return rows.take(position[~repeated]).reset_index(drop=True), int(repeated.sum())


def _prices(provider: str, model: str, month: str, batch: bool) -> dict | None:
    prices = list_prices(provider, model, month)
    if prices is None:
        return None
    factor = BATCH_DISCOUNT if batch else 1.0
    return {d: p * factor for d, p in prices.items()}


def _estimate_tokens(part: pd.DataFrame, provider: str, model: str, month: str) -> tuple[dict, bool]:
    """Tokens bought by the spend in ``part`` at list price; (tokens by column, priced?)."""
    out = dict.fromkeys(TOKEN_COLUMNS, 0.0)
    priced = False
    for (direction, batch), sub in part.groupby(["direction", "batch"]):
        usd = sub["cost_usd"].sum()
        if direction == "other" or not usd > 0:
            continue
        prices = _prices(provider, model, month, bool(batch))
        if prices is None:
            continue
        priced = True
        if direction in _DIRECTION_COLUMN:
            out[_DIRECTION_COLUMN[direction]] += usd / prices[direction]
        else:
            s = ASSUMED_INPUT_SHARE
            total = usd / (s * prices["input"] + (1 - s) * prices["output"])
            out["input_tokens"] += s * total
            out["output_tokens"] += (1 - s) * total
    return out, priced


def _estimate_cost(part: pd.DataFrame, provider: str, model: str, month: str) -> float:
    """List-price cost of the tokens in ``part`` [USD]; NaN when the model has no list price."""
    total = 0.0
    for batch, sub in part.groupby("batch"):
        prices = _prices(provider, model, month, bool(batch))
        if prices is None:
            return float("nan")
        total += sum(sub[_DIRECTION_COLUMN[d]].sum() * prices[d] for d in _DIRECTION_COLUMN)
    return total


def _paid_by_class(cost_rows: pd.DataFrame) -> dict:
    """The charged cost of each token class [USD], when every line that charged money names its
    class (a cost export by line item, CUR usage types); NaN for every class otherwise."""
    charged = cost_rows[cost_rows["cost_usd"].fillna(0.0) != 0.0]
    by_class = charged.groupby("direction")["cost_usd"].sum()
    if charged.empty or not set(by_class.index) <= set(PAID_COLUMNS) or charged["cost_usd"].isna().any():
        return dict.fromkeys(PAID_COLUMNS.values(), np.nan)
    return {column: float(by_class.get(c, 0.0)) for c, column in PAID_COLUMNS.items()}


def _group_row(key, part: pd.DataFrame, notes: dict) -> dict:
    month, provider, model, currency = key
    row = {"month": month, "provider": provider, "model": model, "currency": currency}
    token_role = next((r for r in _TOKEN_ROLES if (part["has_tokens"] & (part["role"] == r)).any()), None)
    cost_role = next((r for r in _COST_ROLES if (part["has_cost"] & (part["role"] == r)).any()), None)
    cost_rows = part[part["has_cost"] & (part["role"] == cost_role)] if cost_role else part.iloc[:0]
    estimated = cost_estimated = False
    if token_role:
        token_rows = part[part["has_tokens"] & (part["role"] == token_role)]
        tokens = {c: token_rows[c].sum() for c in TOKEN_COLUMNS}
        requests = token_rows["requests"].sum()
    else:
        tokens, priced = _estimate_tokens(cost_rows, provider, model, month)
        requests = 0.0
        estimated = priced
        spend = cost_rows.loc[cost_rows["direction"] != "other", "cost_usd"].sum()
        if not priced and spend > 0:
            notes.setdefault("unpriced", set()).add((provider, model or "(no model named)"))
        elif priced:
            notes.setdefault("estimated", set()).add((provider, model))
    money = {m: cost_rows[m].sum() for m in MONEY_COLUMNS}
    money_usd = {m: cost_rows[f"{m}_usd"].sum(min_count=1) if len(cost_rows) else 0.0 for m in MONEY_COLUMNS}
    if cost_role == "both":
        # combined-format rows with tokens but an empty cost cell (generic CSV): price them
        uncosted = part[(part["role"] == "both") & part["has_tokens"] & ~part["has_cost"]]
        if len(uncosted):
            money_usd["cost"] = (money_usd["cost"] if money_usd["cost"] == money_usd["cost"] else 0.0) + \
                _estimate_cost(uncosted, provider, model, month)
            cost_estimated = True
    if cost_role is None:
        token_rows = part[part["has_tokens"] & (part["role"] == token_role)] if token_role else part.iloc[:0]
        money_usd["cost"] = _estimate_cost(token_rows, provider, model, month) if currency == "USD" else float("nan")
        money = {m: 0.0 for m in MONEY_COLUMNS}
        money["cost"] = money_usd["cost"]
        money_usd.update(credits=0.0, refunds=0.0, tax=0.0)
        cost_estimated = True
        notes.setdefault("cost_estimated", set()).add((provider, model))
    net_usd = money_usd["cost"] + money_usd["credits"] + money_usd["refunds"]
    row.update(_paid_by_class(cost_rows) if not cost_estimated else dict.fromkeys(PAID_COLUMNS.values(), np.nan))
    row.update(tokens)
    row.update(
        requests=requests, cost_usd=net_usd, credits_usd=money_usd["credits"], refunds_usd=money_usd["refunds"],
        tax_usd=money_usd["tax"], cost=money["cost"] + money["credits"] + money["refunds"],
        estimated=bool(estimated), cost_estimated=bool(cost_estimated),
        _start=part["_start"].min(), _end=part["_end"].max(),
    )
    return row


def _allocate_unnamed(months: pd.DataFrame, notes: dict) -> pd.DataFrame:
    """Share spend that names no model across the month's models whose cost was estimated."""
    drop = []
    for (month, provider, currency), idx in months.groupby(["month", "provider", "currency"]).groups.items():
        group = months.loc[idx]
        unnamed = group[(group["model"] == "") & ~group["estimated"]
                        & (group[TOKEN_COLUMNS].sum(axis=1) == 0)]
        targets = group[group["cost_estimated"] & (group["model"] != "")]
        if unnamed.empty or targets.empty:
            continue
        weights = targets["cost_usd"].fillna(0.0).to_numpy()
        if not weights.sum() > 0:
            weights = targets[TOKEN_COLUMNS].sum(axis=1).to_numpy()
        if not weights.sum() > 0:
            continue
        weights = weights / weights.sum()
        for column in ("cost_usd", "credits_usd", "refunds_usd", "tax_usd", "cost"):
            months.loc[targets.index, column] = unnamed[column].sum() * weights
        months.loc[targets.index, "cost_estimated"] = False
        drop += list(unnamed.index)
        notes.setdefault("allocated", set()).add((provider, month))
    return months.drop(index=drop)


#: Row identities that start with these tags read ``tag|start|end|<the rest of the identity>``.
TIME_BUCKETED = ("openai_usage", "anthropic_usage", "anthropic_usage_api")


def drop_finer_buckets(rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop rows that another file covers in coarser buckets on the same day (rule 3)."""
    if rows.empty:
        return rows, 0
    key = rows["key"].astype(str)
    eligible = (key.str.startswith(tuple(f"{t}|" for t in TIME_BUCKETED))
                & rows["start"].notna() & rows["end"].notna())
    # only rows of two files or more can cover each other (a file's own buckets never overlap)
    if not eligible.any() or rows.loc[eligible, "file"].nunique() < 2:
        return rows, 0
    sub = rows.loc[eligible]
    # the identity without its bucket times (tag|start|end|rest -> tag|rest), the UTC day, the
    # bucket's length; a regular expression on the Arrow strings, not lists of Python strings
    # (splitting 250,000 keys into columns took 160 MB and 1.7 s; this, nothing and 0.1 s)
    identity = key[eligible].str.replace(r"^([^|]*)\|[^|]*\|[^|]*\|", r"\1|", regex=True)
    seconds = (sub["end"] - sub["start"]).dt.total_seconds()
    cells = pd.DataFrame({"identity": identity, "day": sub["start"].dt.floor("D"),
                          "file": sub["file"], "seconds": seconds})
    group = cells.groupby(["identity", "day"], sort=False).ngroup().to_numpy()
    # files per group: distinct (group, file) pairs counted per group
    pairs = pd.DataFrame({"g": group, "f": pd.factorize(cells["file"])[0]}).drop_duplicates()
    files = np.bincount(pairs["g"].to_numpy(), minlength=group.max() + 1)[group]
    longest = pd.Series(seconds.to_numpy()).groupby(group).transform("max").to_numpy()
    finer = pd.Series(False, index=rows.index)
    finer.loc[sub.index] = (files > 1) & (seconds.to_numpy() < longest)
    return rows[~finer].reset_index(drop=True), int(finer.sum())


def drop_other_usage_formats(rows: pd.DataFrame) -> tuple[pd.DataFrame, int, list[str]]:
    """Keep one usage format per provider, model and day (rule 4); returns rows, count, warnings."""
    usage = (rows["role"] == "usage") & rows["has_tokens"].astype(bool)
    if usage.sum() == 0 or rows.loc[usage, "format"].nunique() < 2:
        return rows, 0, []
    u = rows[usage].assign(_day=rows.loc[usage, "start"].dt.floor("D"),
                           _tokens=rows.loc[usage, TOKEN_COLUMNS].sum(axis=1))
    by = ["provider", "model", "_day"]
    totals = u.groupby(by + ["format"], sort=True)["_tokens"].sum().reset_index()
    totals = totals.sort_values(by + ["_tokens", "format"], ascending=[True, True, True, False, True])
    keep = totals.drop_duplicates(by, keep="first").rename(columns={"format": "_keep"})[by + ["_keep"]]
    u = u.reset_index().merge(keep, on=by, how="left").set_index("index")
    drop = u.index[u["format"] != u["_keep"]]
    if len(drop) == 0:
        return rows, 0, []
    clash = u.loc[drop].groupby("provider")["file"].unique()
    kept = u.loc[u.index.difference(drop)].groupby("provider")["file"].unique()
    warnings = [f"{provider}: {', '.join(sorted(files))} and {', '.join(sorted(kept.get(provider, [])))} "
                "report the same days in two usage formats; each day and model is counted once, from "
                "the format with more tokens" for provider, files in clash.items()]
    return rows.drop(index=drop).reset_index(drop=True), len(drop), warnings


def aggregate(parsed: list) -> tuple[pd.DataFrame, list[str], int]:
    """Monthly table from parsed files; returns ``(months, warnings, duplicates_dropped)``."""
    kept = [p for p in parsed if len(p.rows)]
    if not kept:
        return empty_months(), [], 0
    # one copy of every file's rows (an `assign` per file first would make two)
    rows = pd.concat([p.rows for p in kept], ignore_index=True)
    counts = [len(p.rows) for p in kept]
    rows["file"] = np.repeat(np.array([p.name for p in kept], dtype=object), counts)
    rows["format"] = np.repeat(np.array([p.format for p in kept], dtype=object), counts)
    if rows["start"].isna().any():
        rows = rows[rows["start"].notna()]
    rows, duplicates = deduplicate(rows)
    rows, finer = drop_finer_buckets(rows)
    rows, shapes, shape_warnings = drop_other_usage_formats(rows)
    duplicates += finer + shapes
    if rows.empty:
        return empty_months(), [], duplicates
    rows["month"] = rows["start"].dt.strftime("%Y-%m")
    rows["model"] = rows["model"].astype(str)
    for m in MONEY_COLUMNS:
        # nothing is nothing in any currency: a zero amount needs no rate (a free line of a EUR
        # export with no rate of its own made its whole group's USD cost unknown)
        rows[f"{m}_usd"] = np.where(rows[m] == 0, 0.0, rows[m] * rows["usd_rate"])
    rows["_start"] = rows["start"]
    rows["_end"] = rows["end"].fillna(rows["start"])
    by = ["month", "provider", "model", "currency", "role", "has_tokens", "has_cost", "direction", "batch"]
    grouped = rows.groupby(by, sort=True, dropna=False)
    compact = grouped.agg({**{c: "sum" for c in _SUMMED}, "_start": "min", "_end": "max"}).reset_index()
    # sums of NaN-converted money stay NaN so a currency without a USD rate is never shown as 0
    # (group numbers in the same sorted order as `compact`'s rows)
    usd = [f"{m}_usd" for m in MONEY_COLUMNS]
    unknown = rows[usd].isna().groupby(grouped.ngroup().to_numpy()).any()
    for column in usd:
        compact.loc[unknown[column].to_numpy(), column] = np.nan
    notes: dict = {}
    records = [_group_row(key, part, notes)
               for key, part in compact.groupby(["month", "provider", "model", "currency"], sort=True)]
    months = pd.DataFrame(records)
    months = _allocate_unnamed(months, notes)
    month_start = pd.to_datetime(months["month"] + "-01").dt.tz_localize("UTC")
    days_in_month = np.array([calendar.monthrange(int(m[:4]), int(m[5:7]))[1] for m in months["month"]], dtype=float)
    month_end = month_start + pd.to_timedelta(days_in_month, unit="D")
    first = pd.to_datetime(months["_start"], utc=True).where(lambda s: s > month_start, month_start)
    last = pd.to_datetime(months["_end"], utc=True).where(lambda s: s < month_end, month_end)
    months["days_covered"] = ((last - first).dt.total_seconds() / 86400.0).clip(lower=0.0).to_numpy()
    months["days_in_month"] = days_in_month
    total = months[TOKEN_COLUMNS].sum(axis=1)
    months["usd_per_mtok"] = usd_per_mtok(months["cost_usd"], total)
    months.loc[months["currency"] == "USD", "cost"] = np.nan  # `cost` is for non-USD amounts only
    months = months[MONTH_COLUMNS].sort_values(["month", "provider", "model", "currency"]).reset_index(drop=True)
    return months, shape_warnings + _warnings(notes, months), duplicates


def _span(months: list[str]) -> str:
    """'2025-05', '2025-05 and 2025-06' or '2025-05 to 2025-09 (5 months)'."""
    months = sorted(set(months))
    if len(months) == 1:
        return months[0]
    if len(months) == 2:
        return f"{months[0]} and {months[1]}"
    return f"{months[0]} to {months[-1]} ({len(months)} months)"


def _warnings(notes: dict, months: pd.DataFrame) -> list[str]:
    """Plain words for a person: what was estimated, for which months, and what would give the real
    figure (never a column name)."""
    out = []

    def months_of(provider, model, column):
        sel = (months["provider"] == provider) & (months["model"] == model) & months[column].astype(bool)
        return list(months.loc[sel, "month"])

    for provider, model in sorted(notes.get("estimated", ())):
        when = months_of(provider, model, "estimated")
        if not when:  # another file gave the counts after all
            continue
        out.append(f"{provider} {model}: the files give spend but no token counts for {_span(when)}"
                   "; the tokens are estimated from that spend at list price (genai-prices). A usage export "
                     "for those months gives the real counts")
    for provider, model in sorted(notes.get("unpriced", ())):
        out.append(f"{provider} {model}: spend without token counts and no list price for this model, so its "
                   "tokens could not be estimated")
    for provider, model in sorted(notes.get("cost_estimated", ())):
        when = months_of(provider, model, "cost_estimated")
        if not when:  # the spend of another file (a cost export) was shared onto these months
            continue
        out.append(f"{provider} {model}: the files give token counts but no cost for {_span(when)}"
                   "; what was paid is estimated from the tokens at list price. A cost export covering "
                     "those months gives the real figure")
    for provider, month in sorted(notes.get("allocated", ())):
        out.append(f"{provider} {month}: spend that names no model was shared across the models of the usage "
                   "export in proportion to their list-price cost")
    foreign = sorted(set(months.loc[(months["currency"] != "USD") & months["cost_usd"].isna(), "currency"]))
    for currency in foreign:
        out.append(f"amounts in {currency} are shown apart and not converted to US dollars "
                   "(the file gives no USD amount or exchange rate)")
    return out

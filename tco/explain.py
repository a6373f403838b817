"""The arithmetic of one evaluated scenario, step by step, in words and numbers a reader can check.

Every line recomputes nothing: it prints the engine's own inputs and results with the formula that
links them, so that a CFO can redo each step with a calculator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tco.capacity import HOURS_PER_MONTH, SECONDS_PER_MONTH

if TYPE_CHECKING:  # pragma: no cover
    from tco.model import Result


def usd(x: float) -> str:
    """$1,234 / $1.2M style."""
    a = abs(x)
    sign = "-" if x < 0 else ""
    if a >= 1e9:
        return f"{sign}${a / 1e9:,.2f}B"
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.2f}M"
    if a >= 100:
        return f"{sign}${a:,.0f}"
    return f"{sign}${a:,.2f}"


def tokens(x: float) -> str:
    """2B / 4.76B / 450M / 12k tokens (three significant digits)."""
    r = float(f"{x:.3g}")  # round first, so that 999.6M reads 1B, not 1e+03M
    a = abs(r)
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{r / div:,.3g}{unit}"
    return f"{x:,.0f}"


def count(n: int | float, singular: str, plural: str | None = None) -> str:
    """'1 GPU', '2 GPUs', '1,024 replicas' (a whole number and its noun)."""
    n = int(n)
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


# --- the verdict -------------------------------------------------------------------------------

PATHS = ("api", "hosted_open", "self_host")


def cheapest_path(r: "Result") -> str:
    """``api``, ``hosted_open`` or ``self_host``: the path with the lowest monthly cost at the
    current volume (month-1 prices, upfront costs not spread); a tie goes to the earlier one."""
    return min(PATHS, key=lambda p: (r.at_volume[p]["monthly_usd"], PATHS.index(p)))


def bills_in_force(s, baseline) -> bool:
    """True while the scenario's API prices are the imported bills' own (``bl_in``, ``bl_cin``,
    ``bl_out`` of the link): the API path is then "your bills", not the catalog model."""
    if not baseline:
        return False
    for cls in ("input", "cached_input", "output"):
        billed, used = baseline.get(f"{cls}_usd_per_mtok"), getattr(s, f"api_{cls}_usd_per_mtok")
        if billed is None or used is None or abs(float(used) - float(billed)) > 1e-9 * max(1.0, abs(float(billed))):
            return False
    return True


def api_name(r: "Result", baseline=None) -> str:
    """The API path's name: 'your bills (gpt-4o-mini 75%, gpt-4o 25%)' (shares of tokens) while
    the bills' prices are in force, else the catalog model's name ('GPT-5')."""
    if bills_in_force(r.resolved.scenario, baseline):
        from tco.invoices.baseline import bills_label
        return bills_label(baseline.get("mix"))
    return r.resolved.api.model_name


def path_names(r: "Result", baseline=None) -> dict[str, str]:
    res = r.resolved
    return {"api": api_name(r, baseline), "hosted_open": f"{res.hosted.model_name} on {res.hosted.provider}",
            "self_host": f"self-hosting {res.model.name} on {r.at_volume['self_host']['gpus']}× {res.gpu.name}"}


def same_model(r: "Result") -> bool:
    """True when the API path is itself an offer of the open model (DeepSeek-V3 against DeepSeek's
    own API): then no quality caveat is needed."""
    return r.resolved.api.model_ref in r.resolved.model.hosted_offers


def quality_note(r: "Result", baseline=None) -> str:
    return (f"Costs assume {r.resolved.model.name} is good enough for this workload in place of "
            f"{api_name(r, baseline)}; check its quality on your own evaluation.")


def growth_note(r: "Result") -> str:
    """'assuming volume grows 8.2% a month, from 1.9B to 30.6B tokens a month by month 36'."""
    s = r.resolved.scenario
    h = s.horizon_months
    end = s.tokens_per_month * (1 + s.growth_per_month) ** (h - 1)
    return (f"assuming volume grows {s.growth_per_month:.1%} a month, from {tokens(s.tokens_per_month)} to "
            f"{tokens(end)} tokens a month by month {h}")


def depends_on_growth(r: "Result", path: str = "api") -> bool:
    """Self-hosting is dearer than ``path`` in month 1 and cheaper at the end of the horizon: its
    payback (or its later win) rests on the volume growing."""
    f = r.flows
    s = r.resolved.scenario
    return bool(s.growth_per_month > 0 and f[path][1] < f["self_host"][1] and f[path][-1] > f["self_host"][-1])


def verdict(r: "Result", baseline=None) -> str:
    """The page's, the CFO view's, the report's and the CLI's verdict: the cheapest of the three
    paths at the current volume first, then self-hosting against the API with its payback, what
    it rests on (volume growth) and, where an open model stands in for another model, the
    quality caveat. Built only from the engine's results and reasons."""
    s = r.resolved.scenario
    names = path_names(r, baseline)
    av = r.at_volume
    best = cheapest_path(r)
    others = [p for p in PATHS if p != best]

    api = names["api"] if names["api"].startswith("your bills") else f"the API ({names['api']})"

    def cost_of(p: str) -> str:
        return {"api": f"{usd(av[p]['monthly_usd'])} for {api}",
                "hosted_open": f"{usd(av[p]['monthly_usd'])} for the hosted open model ({names['hosted_open']})",
                "self_host": f"{usd(av[p]['monthly_usd'])} for {names['self_host']}"}[p]
    lead = {"api": api, "hosted_open": f"the hosted open model ({names['hosted_open']})",
            "self_host": names["self_host"]}[best]
    head = (f"At {tokens(s.tokens_per_month)} tokens a month the cheapest path is {lead} at "
            f"{usd(av[best]['monthly_usd'])} a month, against {cost_of(others[0])} and {cost_of(others[1])}.")
    pay = r.payback["api"]
    growth = f", {growth_note(r)}" if depends_on_growth(r) else ""
    if pay.month is not None:
        tail = f"Self-hosting against the API pays back in month {pay.month}{growth}: {pay.reason}."
    else:
        tail = f"Self-hosting against the API does not pay back within {s.horizon_months} months{growth}: {pay.reason}."
    out = f"{head} {tail}"
    if not same_model(r):
        out += " " + quality_note(r, baseline)
    return out


def steps(r: "Result") -> list[str]:
    s = r.resolved.scenario
    p = r.resolved.params
    api, hosted = r.resolved.api, r.resolved.hosted
    v = s.tokens_per_month
    i_sh, c_sh, b_sh = s.input_share, s.cached_input_share, s.batch_share
    out = []
    out.append(f"Volume: {tokens(v)} tokens/month = {tokens(v * i_sh * (1 - c_sh))} uncached input + "
               f"{tokens(v * i_sh * c_sh)} cached input + {tokens(v * (1 - i_sh))} output "
               f"(input share {i_sh:.0%}, cached share of input {c_sh:.0%}).")
    for name, pr, prefix in (("API", api, "api"), ("Hosted open model", hosted, "hosted")):
        pin = float(getattr(p, f"{prefix}_input_usd_per_mtok"))
        pc = float(getattr(p, f"{prefix}_cached_input_usd_per_mtok"))
        po = float(getattr(p, f"{prefix}_output_usd_per_mtok"))
        monthly = r.at_volume["api" if prefix == "api" else "hosted_open"]["monthly_usd"]
        line = (f"{name} ({pr.model_ref}): {tokens(v * i_sh * (1 - c_sh))} × ${pin:g}/M + "
                f"{tokens(v * i_sh * c_sh)} × ${pc:g}/M + {tokens(v * (1 - i_sh))} × ${po:g}/M")
        if b_sh:
            line += f", with {b_sh:.0%} at the batch prices"
        out.append(f"{line} = {usd(monthly)}/month ({monthly / v * 1e6 if v else 0:,.3f} $/M blended).")
    g = r.resolved.gpus_per_replica
    res = r.resolved
    pt = res.point
    tp = float(p.replica_output_tokens_per_s)
    i, o = s.input_tokens_per_request, s.output_tokens_per_request
    out.append(f"Replica: {g}× {res.gpu.name} hold {res.model.name} at {s.precision} plus the KV cache "
               f"of {float(pt.max_concurrency):,.0f} sequences at most; max load {float(pt.max_load_output_tokens_per_s):,.0f} "
               f"output tokens/s at {i:,.0f} in / {o:,.0f} out ({res.throughput.source}: {res.throughput.detail}).")
    b, step, pf = float(pt.concurrency), float(pt.decode_step_s), float(pt.prefill_s)
    cached = res.prefix_cache_hit_share
    if s.max_ttft_s is None and s.min_output_tokens_per_s_per_user is None:
        target = "No latency target: each replica runs at max load"
    else:
        from tco.model import _targets_text
        target = f"Latency target ({_targets_text(s)}): the most sequences that meet it ({pt.limited_by} limits)"
    out.append(f"{target}: {b:,.1f} concurrent sequences. Step-time model: one decode step takes {step * 1e3:,.1f} ms, "
               f"the prefill of {i * (1 - cached):,.0f} uncached input tokens ({cached:.0%} prefix-cache hits) "
               f"{pf * 1e3:,.1f} ms; per-user speed = {o:,.0f} ÷ ({b:,.1f} × {pf:.4f} s + {o:,.0f} × {step:.4f} s) "
               f"= {float(pt.output_tokens_per_s_per_user):,.1f} output tokens/s; replica = {b:,.1f} × "
               f"{float(pt.output_tokens_per_s_per_user):,.2f} = {tp:,.0f} output tokens/s; first token after "
               f"{float(pt.ttft_s):,.2f} s.")
    from tco import capacity
    source, _ = capacity.curve_provenance(res.model, res.gpu, s.precision, g, i, o)
    s_max, anchor, b_max = float(pt.max_load_scale), float(pt.curve_anchor), float(pt.max_concurrency)
    a = float(capacity.scale_start(anchor, b_max))
    out.append(f"Times above are the step-time model's ({'constants refitted on this configuration' if source != 'roofline' else 'global constants'}; "
               f"latency curve {source}) divided by its scale at {b:,.1f} sequences, ×{float(pt.scale):.3f}: the "
               f"max-load figure is ×{s_max:.3f} the model's at the {b_max:,.0f} sequences the KV cache holds; "
               + (f"the curve is used as it is up to {a:,.0f} sequences and rises log-linearly to ×{s_max:.3f} there."
                  if s_max > 1 else f"the model is faster than that figure, so the whole curve is scaled down to it."))
    opts = [o_ for o_ in res.options]
    if len(opts) > 1:
        from tco.model import replica_options
        costs_text = ", ".join(f"{count(x['gpus_per_replica'], 'GPU')} {usd(x['monthly_usd_at_volume'])}" if x["monthly_usd_at_volume"] is not None
                               else f"{count(x['gpus_per_replica'], 'GPU')} misses the target" for x in replica_options(s)[:6])
        out.append(f"Replica size: {count(g, 'GPU')}, {res.choice} (self-hosted monthly cost at this volume: {costs_text}).")
    else:
        out.append(f"Replica size: {count(g, 'GPU')}, {res.choice}.")
    out.append(f"One replica serves {tp:,.0f} × ({i:,.0f}+{o:,.0f})/{o:,.0f} × {s.target_utilisation:.0%} target "
               f"× {SECONDS_PER_MONTH:,.0f} s/month ÷ {s.peak_to_average:g} peak-to-average = "
               f"{tokens(r.replica_tokens_per_month)} tokens/month.")
    sh = r.at_volume["self_host"]
    out.append(f"Fleet: max({s.min_replicas}, ceil({tokens(v)} ÷ {tokens(r.replica_tokens_per_month)})) = "
               f"{count(sh['replicas'], 'replica')} = {count(sh['gpus'], 'GPU')}, running at {sh['utilisation']:.1%} "
               f"of their operating-point throughput on average.")
    comp = {k: x for k, x in r.per_gpu_month.items() if x}
    if s.acquisition == "buy":
        out.append(f"Per GPU-month (buy at {usd(float(p.gpu_price_usd))}): depreciation "
                   f"{usd(float(p.gpu_price_usd))} × (1 − {s.residual_value_share:.0%}) ÷ ({s.depreciation_years:g} × 12) "
                   f"= {usd(comp.get('depreciation', 0))}, maintenance {usd(comp.get('maintenance', 0))}, "
                   f"electricity {float(p.tdp_w):g} W × {s.host_power_factor:g} × {s.power_load_factor:.0%} × "
                   f"PUE {s.pue:g} × {HOURS_PER_MONTH:g} h × ${s.electricity_usd_per_kwh:g}/kWh = "
                   f"{usd(comp.get('electricity', 0))}, colocation {usd(comp.get('colocation', 0))}.")
    else:
        rate = comp.get("rent", 0) / HOURS_PER_MONTH
        out.append(f"Per GPU-month ({s.acquisition.replace('_', ' ')}): ${rate:,.3f}/h × {HOURS_PER_MONTH:g} h "
                   f"= {usd(comp.get('rent', 0))}.")
    out.append(f"Replica cost: {g} × {usd(sum(r.per_gpu_month.values()))} = {usd(r.replica_usd_per_month)}/month; "
               f"fixed: {s.staff_fte:g} FTE × {usd(s.staff_cost_usd_per_year)}/12 + {usd(s.other_monthly_usd)} other "
               f"= {usd(r.fixed_usd_per_month)}/month.")
    out.append(f"Self-hosting at {tokens(v)}: {usd(r.fixed_usd_per_month)} + {sh['replicas']} × "
               f"{usd(r.replica_usd_per_month)} = {usd(sh['monthly_usd'])}/month; upfront "
               f"{usd(sh['upfront_usd'])} in month 0.")
    out.append(f"At full load self-hosting costs {usd(r.replica_usd_per_month)} ÷ "
               f"{tokens(r.replica_tokens_per_month)} = ${r.self_usd_per_mtok_full_load:,.3f}/M tokens "
               f"before fixed costs.")
    for name, label in (("api", "API"), ("hosted_open", "hosted open model")):
        c = r.breakeven[name]
        out.append(f"Break-even vs {label}: {c.reason}.")
    out.append(f"Payback vs API: {r.payback['api'].reason}; NPV over {s.horizon_months} months at "
               f"{s.discount_rate:.0%}/year: {usd(r.npv_usd['api'])}.")
    return out

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
    """2.0B / 450M / 12k tokens."""
    a = abs(x)
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{x / div:,.3g}{unit}"
    return f"{x:,.0f}"


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
    opts = [o_ for o_ in res.options]
    if len(opts) > 1:
        from tco.model import replica_options
        costs_text = ", ".join(f"{x['gpus_per_replica']} GPUs {usd(x['monthly_usd_at_volume'])}" if x["monthly_usd_at_volume"] is not None
                               else f"{x['gpus_per_replica']} GPUs misses the target" for x in replica_options(s)[:6])
        out.append(f"Replica size: {g} GPUs, {res.choice} (self-hosted monthly cost at this volume: {costs_text}).")
    else:
        out.append(f"Replica size: {g} GPUs, {res.choice}.")
    out.append(f"One replica serves {tp:,.0f} × ({i:,.0f}+{o:,.0f})/{o:,.0f} × {s.target_utilisation:.0%} target "
               f"× {SECONDS_PER_MONTH:,.0f} s/month ÷ {s.peak_to_average:g} peak-to-average = "
               f"{tokens(r.replica_tokens_per_month)} tokens/month.")
    sh = r.at_volume["self_host"]
    out.append(f"Fleet: max({s.min_replicas}, ceil({tokens(v)} ÷ {tokens(r.replica_tokens_per_month)})) = "
               f"{sh['replicas']} replica(s) = {sh['gpus']} GPUs, running at {sh['utilisation']:.1%} "
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

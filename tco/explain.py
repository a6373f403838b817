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
    tp = float(p.replica_output_tokens_per_s)
    i, o = s.input_tokens_per_request, s.output_tokens_per_request
    out.append(f"Replica: {g}× {r.resolved.gpu.name} hold {r.resolved.model.name} at {s.precision} "
               f"plus the KV cache; max {tp:,.0f} output tokens/s at {i:,.0f} in / {o:,.0f} out "
               f"({r.resolved.throughput.source}: {r.resolved.throughput.detail}).")
    out.append(f"One replica serves {tp:,.0f} × ({i:,.0f}+{o:,.0f})/{o:,.0f} × {s.target_utilisation:.0%} target "
               f"× {SECONDS_PER_MONTH:,.0f} s/month ÷ {s.peak_to_average:g} peak-to-average = "
               f"{tokens(r.replica_tokens_per_month)} tokens/month.")
    sh = r.at_volume["self_host"]
    out.append(f"Fleet: max({s.min_replicas}, ceil({tokens(v)} ÷ {tokens(r.replica_tokens_per_month)})) = "
               f"{sh['replicas']} replica(s) = {sh['gpus']} GPUs, running at {sh['utilisation']:.1%} "
               f"of their max throughput on average.")
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

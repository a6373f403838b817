"""Command line: the same engine as the page, JSON out.

    python -m tco keys [--json]
    python -m tco summary --json [--set KEY=VALUE ...] [--link URL]
    python -m tco plan --json [--set KEY=VALUE ...] [--link URL] [--top N] [--kind KIND]
    python -m tco uncertainty --json [--samples N] [--plan-samples N] [--seed S] [--spread K] [--set ...] [--link URL]
    python -m tco bench --json [--scenarios N]
    python -m tco bench --uploads --json
    python -m tco invoices FILE... --json
    python -m tco validate --json        (leave-one-out error on the max-load rows and latency curves)

Bad keys or values exit with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise SystemExit(_fail(f"{self.prog}: {message}"))


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _clean(x: Any) -> Any:
    """JSON-safe: NaN/inf -> null, numpy -> Python."""
    import numpy as np
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return _clean(x.tolist())
    if isinstance(x, (np.floating, float)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


def summary_dict(result, link_query: str | None = None, baseline: dict | None = None) -> dict[str, Any]:
    """The JSON summary of an evaluated scenario (also used by tests and the report). ``baseline``:
    the bill summary a link carries; while the scenario's API prices are the bills' own, the API
    path is named and sourced after the bills."""
    from tco import capacity, catalog, explain
    from tco.scenario import to_dict
    r = result.resolved
    p = r.params

    def prices(pr, prefix):
        return {"model": pr.model_ref, "name": pr.model_name,
                "input": float(getattr(p, f"{prefix}_input_usd_per_mtok")),
                "cached_input": float(getattr(p, f"{prefix}_cached_input_usd_per_mtok")),
                "output": float(getattr(p, f"{prefix}_output_usd_per_mtok")),
                "batch_input": float(getattr(p, f"{prefix}_batch_input_usd_per_mtok")),
                "batch_output": float(getattr(p, f"{prefix}_batch_output_usd_per_mtok")),
                "batch_source": pr.batch_source or "no batch price: batch traffic pays the standard price",
                "unit": "USD per 1M tokens", "source": pr.source, "date": pr.date,
                "tier_note": pr.tier_note}

    cal = capacity.calibration()
    from tco import model as engine
    api_prices = prices(r.api, "api")
    if explain.bills_in_force(r.scenario, baseline):
        api_prices.update(name=explain.api_name(result, baseline),
                          source=f"your imported bills ({baseline.get('last_month') or 'month not given'})",
                          date=baseline.get("last_month") or "")
    out = {
        "verdict": explain.verdict(result, baseline),
        "cheapest_path": explain.cheapest_path(result),
        "scenario": to_dict(r.scenario),
        "resolved": {"hosted_model": r.hosted_ref, "gpu_hour_usd": float(p.gpu_hour_usd),
                     "gpu_price_usd": float(p.gpu_price_usd), "gpu_tdp_w": float(p.tdp_w),
                     "gpus_per_replica": r.gpus_per_replica},
        "prices": {"api": api_prices, "hosted_open": prices(r.hosted, "hosted"),
                   "catalog_date": catalog.price_catalog_date()},
        "at_volume": {"tokens_per_month": r.scenario.tokens_per_month, **result.at_volume},
        "breakeven": {
            "vs_api_tokens_per_month": result.breakeven["api"].tokens_per_month,
            "vs_hosted_open_tokens_per_month": result.breakeven["hosted_open"].tokens_per_month,
            "vs_api_stays_cheaper_from": result.breakeven["api"].stays_cheaper_from,
            "vs_hosted_open_stays_cheaper_from": result.breakeven["hosted_open"].stays_cheaper_from,
            "vs_api_utilisation": result.breakeven["api"].utilisation,
            "vs_hosted_open_utilisation": result.breakeven["hosted_open"].utilisation,
            "reason": result.breakeven["api"].reason,
            "reason_hosted_open": result.breakeven["hosted_open"].reason,
        },
        "payback": {"vs_api_month": result.payback["api"].month, "reason": result.payback["api"].reason,
                    "vs_hosted_open_month": result.payback["hosted_open"].month,
                    "reason_hosted_open": result.payback["hosted_open"].reason},
        "npv_usd": {"vs_api": result.npv_usd["api"], "vs_hosted_open": result.npv_usd["hosted_open"]},
        "irr": {"vs_api": result.irr["api"], "vs_hosted_open": result.irr["hosted_open"]},
        "self_host_unit_costs": {"per_gpu_month_usd": result.per_gpu_month,
                                 "replica_usd_per_month": result.replica_usd_per_month,
                                 "fixed_usd_per_month": result.fixed_usd_per_month,
                                 "replica_tokens_per_month": result.replica_tokens_per_month,
                                 "usd_per_mtok_full_load": result.self_usd_per_mtok_full_load},
        "replica_options": engine.replica_options(r.scenario),
        "throughput_validation": {"roofline_calibration_factor": cal.factor(r.model), "rows": cal.rows,
                                  "loo_median_abs_error": cal.loo_median_abs_error,
                                  "error_by_source": {k: {"median_abs_error": v[0], "p90_abs_error": v[1]}
                                                      for k, v in capacity.error_bands().items()},
                                  "latency_error_by_curve_source": capacity.LATENCY_ERROR_BANDS},
        "monthly": {k: result.flows[k] for k in ("volume", "api", "hosted_open", "self_host", "gpus")},
        "terminal_value_usd": float(result.flows["terminal_value"]),
        "warnings": list(r.warnings),
        "arithmetic": list(result.steps),
    }
    if link_query is not None:
        out["link_query"] = link_query
    return _clean(out)


def cmd_keys(args) -> int:
    from tco.scenario import FIELDS, Scenario, format_value, range_text
    default = Scenario()
    rows = []
    for key, f in FIELDS.items():
        m = f.metadata
        allowed = range_text(key) if m["kind"] in ("float", "int", "optional", "optional_int") else None
        if m["choices"] and m["choices"] != "api":
            from tco.scenario import choices
            allowed = ", ".join(choices(key))
        elif m["choices"] == "api":
            allowed = "provider:model from the genai-prices catalog"
        rows.append({"key": key, "unit": m["unit"], "default": getattr(default, key),
                     "allowed": allowed, "group": m["group"], "description": m["help"], "source": m["source"]})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            d = format_value(r["key"], r["default"])
            print(f"{r['key']:34} {d:>14} {r['unit']:16} {r['allowed']}\n{'':34} {r['description']} "
                  f"[source: {r['source']}]")
    return 0


def _scenario(args):
    """The scenario of ``--link`` and ``--set`` (in that order), the link's notices and its bill
    summary (None without a link). Raises ValueError with a message for the user."""
    from tco import scenario
    base = scenario.Scenario()
    notices: list[str] = []
    baseline = None
    if args.link:
        from tco.share import decode_link
        d = decode_link(args.link)
        base, notices, baseline = d.scenario, list(d.notices), d.baseline
    pairs = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set takes KEY=VALUE, got {item!r}")
        pairs[key.strip()] = value
    return scenario.from_strings(pairs, base), notices, baseline


def cmd_summary(args) -> int:
    from tco import model
    try:
        s, notices, baseline = _scenario(args)
        result = model.evaluate(s)
    except ValueError as e:
        return _fail(str(e))
    try:
        from tco.share import encode
        try:
            link = encode(s, baseline)
        except ValueError:  # a bill summary that does not fit: the scenario alone
            link = encode(s)
    except ImportError:  # pragma: no cover - share module absent
        link = None
    out = summary_dict(result, link, baseline)
    if notices:
        out["link_notices"] = notices
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print("\n".join(result.steps))
    return 0


def _report(args, compute, describe) -> int:
    """Shared by the commands that evaluate one scenario: build it from ``--link``/``--set``,
    ``compute(s)`` a JSON-able dict (ValueError -> one line, exit 2), print JSON or ``describe(out)``."""
    try:
        s, notices, _ = _scenario(args)
        out = compute(s)
    except ValueError as e:
        return _fail(str(e))
    if notices:
        out["link_notices"] = notices
    if args.json:
        print(json.dumps(_clean(out), indent=2))
    else:
        print(describe(out))
    return 0


def cmd_plan(args) -> int:
    from tco import plans

    def compute(s):
        out = plans.search(s).as_dict(top=args.top or None)
        if args.kind:
            out["plans"] = [q for q in out["plans"] if q["kind"] == args.kind]
        return out

    def describe(out):
        rows = [f"{q['total_cost_usd']:>14,.0f}  {q['monthly_usd']:>12,.0f}/mo  {q['name']}" for q in out["plans"][:10]]
        return "\n".join([out["reason"], *rows])
    return _report(args, compute, describe)


def cmd_uncertainty(args) -> int:
    from tco import uncertainty

    def compute(s):
        out = uncertainty.run(s, samples=args.samples, seed=args.seed, spread=args.spread).as_dict()
        plan = uncertainty.plan_run(s, samples=args.plan_samples, seed=args.seed, spread=args.spread)
        out["recommended_plan"] = None if plan is None else plan.as_dict()
        return out

    def describe(out):
        q, p = out["npv_usd"], out["prob_payback_within"]
        lines = [f"NPV vs the API: P10 {q['p10']:,.0f}, P50 {q['p50']:,.0f}, P90 {q['p90']:,.0f} USD",
                 "chance of payback within " + ", ".join(f"{m} months: {v:.1%}" for m, v in p.items() if v is not None)]
        lines += [f"  {row['label']:<28} NPV swing {row['swing']:>14,.0f} USD" for row in out["tornado"][:5]]
        plan = out["recommended_plan"]
        if plan is None:
            lines.append("no plan meets the constraints: no recommended plan to draw")
        else:
            lines.append(f"recommended plan: {plan['recommended']}: the cheapest of {len(plan['candidates'])} "
                         f"close plans in {plan['prob_stays_best']:.0%} of {plan['samples']:,} draws")
        return "\n".join(lines)
    return _report(args, compute, describe)


def cmd_bench(args) -> int:
    if args.uploads:
        from tco.invoices.bench import run as run_uploads
        print(json.dumps(_clean({"uploads": run_uploads()}), indent=2))
        return 0
    from tco.bench import run
    print(json.dumps(_clean(run(args.scenarios, args.scalar_sample)), indent=2))
    return 0


def validation_dict() -> dict[str, Any]:
    """What ``validate --json`` prints: leave-one-out errors on the max-load rows and on the
    latency-curve points, separately, against the targets (median ≤ 15%, p90 ≤ 40%)."""
    import numpy as np
    from tco import capacity
    targets = {"median_abs_error": 0.15, "p90_abs_error": 0.40}

    def stats(errors) -> dict[str, Any]:
        e = np.abs(np.asarray(errors, dtype=float))
        med, p90 = (float(np.median(e)), float(np.quantile(e, 0.9))) if e.size else (None, None)
        return {"n": int(e.size), "median_abs_error": med, "p90_abs_error": p90,
                "meets_targets": bool(e.size and med <= targets["median_abs_error"] and p90 <= targets["p90_abs_error"])}

    cal = capacity.calibration()
    loo = capacity.max_row_validation()
    curve = capacity.curve_validation()
    engine_curve = capacity.curve_validation_engine()
    k = capacity.STEP
    return {
        "targets": targets,
        "step_constants": k.__dict__,
        "max_load_rows": {
            "description": "each measured max-load row left out of data/throughput.csv and predicted as the "
                           "engine would (interpolated from the other shapes of its configuration, carried "
                           "over from another GPU count, or the calibrated model where nothing else is "
                           "measured); |predicted / measured - 1|",
            "engine": stats([e for _, _, e in loo]),
            "by_source": {src: stats([e for _, s, e in loo if s == src]) for src in sorted({s for _, s, _ in loo})},
            "model_only": {**stats([e for _, e in cal.loo_errors]),
                           "description": "the calibrated step-time model alone, each row predicted with the "
                                          "calibration factor of the others (a configuration with nothing measured)"},
            "calibration_factor": {"dense": cal.factor_dense, "moe": cal.factor_moe},
            "per_row": [{"model": m.model, "gpu": m.gpu, "gpus": m.gpus, "precision": m.precision,
                         "input_tokens": m.input_tokens, "output_tokens": m.output_tokens,
                         "measured_output_tokens_per_s": m.output_tokens_per_s, "engine_source": s,
                         "engine_abs_error": e, "model_only_abs_error": dict((id(r), x) for r, x in cal.loo_errors)[id(m)]}
                        for m, s, e in loo],
        },
        "latency_curve_points": {
            "description": "each measured curve (data/latency_curves.csv, points below saturation) left out and "
                           "its points predicted as the engine would answer without it: the configuration's "
                           "step constants refitted on its other curves, the curve used as it is up to their "
                           "largest concurrency (or half the KV limit) and scaled from there to the engine's "
                           "max-load figure; throughput per GPU at the measured concurrency, and at the measured "
                           "per-user speed (the operating point at that speed as a target; points where the "
                           "per-user speed is within 15% of the curve's single-user speed are left out of the "
                           "latter: there throughput is not determined by the latency)",
            "at_concurrency": stats([x[2] for x in engine_curve]),
            "at_per_user_speed": stats([x[3] for x in engine_curve if x[3] is not None]),
            "by_source": {src: {"at_concurrency": stats([x[2] for x in engine_curve if x[1] == src]),
                                "at_per_user_speed": stats([x[3] for x in engine_curve if x[1] == src and x[3] is not None])}
                          for src in sorted({x[1] for x in engine_curve})},
            "flat_points_left_out": sum(1 for x in engine_curve if x[3] is None),
            "model_only": {
                "description": "every curve of one model/GPU/precision/GPU count left out of the global fit of the "
                               "step constants and predicted by it (a configuration with no curve of its own)",
                "at_concurrency": stats([x[2] for x in curve]),
                "at_per_user_speed": stats([x[3] for x in curve if x[3] is not None]),
            },
            "per_point": [{"model": p.model, "gpu": p.gpu, "gpus": p.gpus, "precision": p.precision,
                           "input_tokens": p.input_tokens, "output_tokens": p.output_tokens,
                           "concurrency": p.concurrency, "measured_output_tokens_per_s": p.output_tokens_per_s,
                           "engine_source": src, "error_at_concurrency": f, "error_at_per_user_speed": m,
                           "model_only_error_at_concurrency": mo[2], "model_only_error_at_per_user_speed": mo[3]}
                          for (p, src, f, m), mo in zip(engine_curve, curve)],
        },
    }


def cmd_validate(args) -> int:
    out = validation_dict()
    if args.json:
        print(json.dumps(_clean(out), indent=2))
    else:
        def line(part: str, name: str, v: dict) -> None:
            print(f"{part:22} {name:32} n={v['n']:4}  median {v['median_abs_error']:.1%}  "
                  f"p90 {v['p90_abs_error']:.1%}  {'meets' if v['meets_targets'] else 'MISSES'} the targets")
        for part in ("max_load_rows", "latency_curve_points"):
            for name, v in out[part].items():
                if isinstance(v, dict) and "median_abs_error" in v:
                    line(part, name, v)
                elif name == "model_only" and part == "latency_curve_points":
                    for sub, w in v.items():
                        if isinstance(w, dict):
                            line(part, f"model_only {sub}", w)
    return 0


def _scenario_parser(sub, name: str, help: str):
    """A sub-command that reads a scenario: --json, --set KEY=VALUE (repeated), --link URL."""
    p = sub.add_parser(name, help=help)
    p.add_argument("--json", action="store_true")
    p.add_argument("--set", action="append", metavar="KEY=VALUE")
    p.add_argument("--link", metavar="URL", help="start from a shared link")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "invoices":
        from tco.invoices.cli import main as invoices_main
        return invoices_main(argv[1:])
    parser = _Parser(prog="python -m tco", description="LLM self-hosting TCO and break-even engine")
    sub = parser.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    k = sub.add_parser("keys", help="list every input")
    k.add_argument("--json", action="store_true")
    _scenario_parser(sub, "summary", "evaluate one scenario")
    pl = _scenario_parser(sub, "plan", "search every plan (API, hosted, self-hosted, hybrid) and recommend one")
    pl.add_argument("--top", type=int, default=0, help="print only the N best plans (0 = all)")
    pl.add_argument("--kind", choices=("api", "hosted_open", "self_host", "hybrid"), help="only plans of this kind")
    un = _scenario_parser(sub, "uncertainty", "P10-P90 bands, chance of payback and the tornado (Monte Carlo)")
    un.add_argument("--samples", type=int, default=20_000)
    un.add_argument("--plan-samples", type=int, default=1_000,
                    help="draws for the recommended plan against the plans closest to it (default 1,000)")
    un.add_argument("--seed", type=int, default=None, help="default: the scenario's uncertainty_seed")
    un.add_argument("--spread", type=float, default=None,
                    help="scale every default spread (0 = deterministic); default: the scenario's uncertainty_spread")
    b = sub.add_parser("bench", help="benchmark the vectorised engine against the scalar reference")
    b.add_argument("--json", action="store_true")
    b.add_argument("--scenarios", type=int, default=1_000_000)
    b.add_argument("--scalar-sample", type=int, default=2_000)
    b.add_argument("--uploads", action="store_true",
                   help="bill uploads instead: time and peak memory of 20 MB exports, a 400,000-column header")
    v = sub.add_parser("validate", help="leave-one-out error on the max-load rows and the latency curves")
    v.add_argument("--json", action="store_true")
    sub.add_parser("invoices", help="read API bills and usage exports: invoices FILE... --json")
    args = parser.parse_args(argv)
    try:
        return {"keys": cmd_keys, "summary": cmd_summary, "plan": cmd_plan, "uncertainty": cmd_uncertainty, "bench": cmd_bench,
                "validate": cmd_validate}[args.cmd](args)
    except BrokenPipeError:  # pragma: no cover
        return 0


if __name__ == "__main__":
    sys.exit(main())

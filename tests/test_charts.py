"""Figure builders, tested on the figures they return: markers sit where the engine says."""

from __future__ import annotations

import numpy as np
import pytest

from tco import model
from tco.model import evaluate
from tco.scenario import Scenario
from tco.ui import charts, data, theme, views


def traces(fig, role, **match):
    return [t for t in fig.data if isinstance(t.meta, dict) and t.meta.get("role") == role
            and all(t.meta.get(k) == v for k, v in match.items())]


def breakeven_fig(s: Scenario):
    r = evaluate(s)
    x, out = data.cost_curves(s, r)
    monthly = {"api": out["api_usd"], "hosted_open": out["hosted_open_usd"], "self_host": out["self_host_usd"]}
    crossings = {}
    for path in ("api", "hosted_open"):
        v = r.breakeven[path].tokens_per_month
        if v is not None:
            i = int(np.argmin(np.abs(x - v)))
            crossings[path] = (float(x[i]), float(out[f"{path}_usd"][i]))
    current = {p: r.at_volume[p]["monthly_usd"] for p in theme.PATHS}
    return r, charts.breakeven_figure(x, monthly, crossings, s.tokens_per_month, current, views.labels(r))


# a scenario that crosses both the API and the hosted open model inside the chart
BOTH = Scenario(tokens_per_month=2e10, api_model="anthropic:claude-sonnet-4-5", open_model="llama-3.3-70b")


@pytest.mark.parametrize("s", [Scenario(), BOTH], ids=["default", "both-crossings"])
def test_crossover_markers_sit_at_the_engines_breakeven_volumes(s):
    r, fig = breakeven_fig(s)
    for path in ("api", "hosted_open"):
        v = r.breakeven[path].tokens_per_month
        markers = traces(fig, "crossover", path=path)
        if v is None:
            assert not markers
            continue
        (m,) = markers
        assert m.x[0] == pytest.approx(v, rel=1e-12)
        # the marker is on the path's curve: the engine's monthly cost at exactly that volume
        at_v = model.sweep(s, {"tokens_per_month": np.array([v])}, what=("monthly",))
        assert m.y[0] == pytest.approx(float(at_v[f"{path}_usd"][0]), rel=1e-9)
        assert m.marker.color == theme.COLORS[path]
        assert "break-even" in m.text[0]
    assert len(traces(fig, "crossover")) == sum(c.tokens_per_month is not None for c in r.breakeven.values())


def test_the_default_breaks_even_against_the_api_around_4_8b_tokens():
    # by hand: fixed 0.5 FTE x $200k/12 + $500 other = $8,833.33/month; one replica = 2 GPUs x
    # $3/h x 730 h = $4,380/month (it holds 7.5B tokens, so one is enough); GPT-5 blended =
    # 0.8x0.75x$1.25 + 0.8x0.25x$0.125 + 0.2x$10 = $2.775/M -> (8,833.33 + 4,380) / 2.775e-6
    r, fig = breakeven_fig(Scenario())
    (m,) = traces(fig, "crossover", path="api")
    assert m.x[0] == pytest.approx((8833.333333 + 4380) / 2.775e-6, rel=1e-6)


def test_current_volume_is_marked_with_each_paths_cost():
    s = Scenario(tokens_per_month=7e9)
    r, fig = breakeven_fig(s)
    (cur,) = traces(fig, "current")
    assert set(cur.x) == {7e9}
    assert list(cur.y) == pytest.approx([r.at_volume[p]["monthly_usd"] for p in theme.PATHS])
    assert any(getattr(sh, "x0", None) == 7e9 for sh in fig.layout.shapes)  # the dotted vertical line


def test_one_curve_per_path_in_the_paths_colour_and_log_axes():
    _, fig = breakeven_fig(Scenario())
    curves = traces(fig, "curve")
    assert [c.meta["path"] for c in curves] == list(theme.PATHS)
    for c in curves:
        assert c.line.color == theme.COLORS[c.meta["path"]]
        assert len(c.x) >= data.CURVE_POINTS  # dense enough for the replica steps to show
    assert traces(fig, "curve", path="self_host")[0].line.shape == "hv"  # steps where a replica is added
    assert fig.layout.xaxis.type == "log" and "tokens/month" in fig.layout.xaxis.title.text
    assert "USD" in fig.layout.yaxis.title.text


def payback_fig(s: Scenario):
    r = evaluate(s)
    curves = [(label, np.cumsum((r.flows if cur else evaluate(s.replace(tokens_per_month=v)).flows)["api"]
                                - (r.flows if cur else evaluate(s.replace(tokens_per_month=v)).flows)["self_host"]), cur)
              for label, v, cur in data.payback_volumes(s)]
    return r, charts.payback_figure(np.arange(s.horizon_months + 1), curves, r.payback["api"].month)


def test_payback_window_months_12_to_18_is_shaded():
    _, fig = payback_fig(Scenario(tokens_per_month=5e9))
    rects = [sh for sh in fig.layout.shapes if sh.type == "rect"]
    assert len(rects) == 1 and (rects[0].x0, rects[0].x1) == (12, 18)
    assert any("12–18" in (a.text or "") for a in fig.layout.annotations)


def test_payback_marker_at_the_engines_month():
    s = Scenario(tokens_per_month=5e9)
    r, fig = payback_fig(s)
    assert r.payback["api"].month == 14  # the engine's month for this scenario
    (m,) = traces(fig, "payback")
    assert m.x[0] == 14 and m.meta["month"] == 14
    (cur,) = traces(fig, "curve", current=True)
    assert cur.y[13] < 0 <= cur.y[14] == m.y[0]  # first month the cumulative savings are not negative
    assert cur.y[0] == pytest.approx(-r.at_volume["self_host"]["upfront_usd"])  # month 0 = upfront
    assert len(traces(fig, "curve")) == 3  # ÷2, current, ×2


def test_no_payback_no_marker():
    r, fig = payback_fig(Scenario())
    assert r.payback["api"].month is None and not traces(fig, "payback")


def test_heatmap_frontier_and_current_point():
    s = Scenario()
    r = evaluate(s)
    key, x, ys, out = data.heatmap(s, r, "gpu_price")
    assert key == "gpu_hour_usd" and out["payback_vs_api_month"].shape == (len(ys), len(x))
    frontier = out["breakeven_vs_api_tokens"][:, 0]
    fig = charts.heatmap_figure(x, ys, out["payback_vs_api_month"], kind="payback", y_title="GPU price",
                                frontier_x=frontier, current=(s.tokens_per_month, 3.0), horizon=36)
    (line,) = traces(fig, "frontier")
    ok = np.isfinite(frontier) & (frontier >= x.min()) & (frontier <= x.max())
    assert ok.sum() > 5
    np.testing.assert_allclose(line.x, frontier[ok])
    np.testing.assert_allclose(line.y, ys[ok])
    # each frontier point is the engine's break-even for that GPU price
    for gy, fx in list(zip(ys[ok], frontier[ok]))[::10]:
        one = evaluate(s.replace(gpu_hour_usd=float(gy)))
        assert fx == pytest.approx(one.breakeven["api"].tokens_per_month, rel=1e-9)
    (cur,) = traces(fig, "current")
    assert (cur.x[0], cur.y[0]) == (2e9, 3.0)
    (heat,) = traces(fig, "heatmap")
    assert heat.z.shape == (len(ys), len(x))


def test_staff_heatmap_savings_colour_is_symmetric():
    s = Scenario()
    r = evaluate(s)
    key, x, ys, out = data.heatmap(s, r, "staff")
    assert key == "staff_fte"
    fig = charts.heatmap_figure(x, ys, out["savings_usd"], kind="savings", y_title="FTE",
                                frontier_x=out["breakeven_vs_api_tokens"][:, 0], current=(2e9, 0.5))
    heat = traces(fig, "heatmap")[0]
    assert heat.zmin == -heat.zmax


def test_breakdown_and_unit_cost_use_the_path_colours():
    s = Scenario(acquisition="buy")
    r = evaluate(s)
    f = r.flows
    totals = {"api": {"bill": float(f["api"].sum())}, "hosted_open": {"bill": float(f["hosted_open"].sum())},
              "self_host": {k: float(f[k].sum()) for k in theme.COMPONENT_NAMES}}
    fig = charts.breakdown_figure(totals, horizon=36)
    bars = traces(fig, "bar")
    assert {b.meta["path"]: b.marker.color for b in bars} == {p: theme.COLORS[p] for p in ("api", "hosted_open")}
    comps = {t.meta["component"]: t.y[0] for t in traces(fig, "component")}
    assert "capex" in comps and "rent" not in comps  # bought, not rented
    assert sum(comps.values()) == pytest.approx(float(f["self_host"].sum()))
    x, out = data.cost_curves(s, r)
    u = charts.unit_cost_figure(out["utilisation"], out["self_host_usd_per_mtok"],
                                {"api": r.at_volume["api"]["usd_per_mtok"]}, (0.5, 1.0))
    assert traces(u, "flat", path="api")[0].line.color == theme.COLORS["api"]
    assert traces(u, "curve", path="self_host")[0].marker.color == theme.COLORS["self_host"]


def test_verdict_uses_the_engines_reason():
    r = evaluate(Scenario(tokens_per_month=5e9))
    text = views.verdict(r)
    assert text.startswith("At 5B tokens a month, self-hosting Llama 4 Scout")
    assert "pays back in month 14" in text and r.payback["api"].reason in text

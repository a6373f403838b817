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
    u = charts.unit_cost_figure(data.unit_cost_lines(s, r), {"api": r.at_volume["api"]["usd_per_mtok"]}, (0.2, 1.0))
    assert traces(u, "flat", path="api")[0].line.color == theme.COLORS["api"]
    assert traces(u, "curve", path="self_host")[0].line.color == theme.COLORS["self_host"]


def test_unit_cost_chart_spans_the_range_the_fleet_runs_at():
    s = Scenario()
    r = evaluate(s)
    fig = charts.unit_cost_figure(data.unit_cost_lines(s, r), {"api": 2.775, "hosted_open": 0.156},
                                  (r.at_volume["self_host"]["utilisation"], r.at_volume["self_host"]["usd_per_mtok"]))
    # by hand: a fleet is full at 60% of its max throughput in the peak hour; the peak hour is 2x
    # the average, so the average utilisation of a full fleet is 0.6 / 2 = 30%
    curves = traces(fig, "curve")
    assert [c.meta["replicas"] for c in curves] == [1, 2, 4]  # one line per fleet size
    for c in curves:
        assert c.mode == "lines" and np.all(np.diff(c.x) > 0)  # one connected line, left to right
        assert c.x[0] < 0.01 and c.x[-1] == pytest.approx(0.3, rel=0.01)
        # cost per token falls as the fleet fills: by hand (fixed + n x rent) / tokens served
        assert np.all(np.diff(c.y) < 0)
    assert fig.layout.xaxis.range[1] == pytest.approx(0.3 * 1.03, rel=0.01)  # the axis ends with the data
    for f in traces(fig, "flat"):
        assert (f.x[0], f.x[-1]) == (0.0, pytest.approx(0.3, rel=0.01))  # API lines across the same range
    # one replica full: 2,762.23 tokens/s x 2,500/500 x 0.6 x 2,628,000 s / 2 = 10.89B tokens a month;
    # ($8,833.33 fixed + $4,380 rent) / 10.89B = $1.2147 per 1M tokens (the line ends at 99.9% full)
    assert r.at_volume["self_host"]["replica_output_tokens_per_s"] == pytest.approx(2762.22750, rel=1e-7)
    full = 2762.22750 * 2500 / 500 * 0.6 * 2_628_000 / 2
    one = curves[0]
    assert one.y[-1] == pytest.approx((8833.333333 + 4380) / (0.999 * full / 1e6), rel=1e-3) == pytest.approx(1.2147, abs=5e-5)


@pytest.mark.parametrize("s", [Scenario(), BOTH, Scenario(staff_fte=3)], ids=["default", "both", "staff3"])
def test_heatmap_volume_range_follows_the_breakeven_frontier(s):
    r = evaluate(s)
    for second in ("gpu_price", "staff"):
        key, x, ys, out = data.heatmap(s, r, second)
        frontier = out["breakeven_vs_api_tokens"][:, 0]
        f = frontier[np.isfinite(frontier)]
        assert f.size
        # a tenth of the lowest break-even to 100x the highest, clamped to 1M..100B
        assert x.min() == pytest.approx(max(1e6, min(f.min() / 10, s.tokens_per_month / 2)), rel=1e-9)
        assert x.max() == pytest.approx(min(1e11, max(f.max() * 100, s.tokens_per_month * 2)), rel=1e-9)
        inside = f[f <= 1e11]
        assert np.all((inside >= x.min()) & (inside <= x.max()))  # the frontier is on the heatmap


def test_no_payback_cells_are_a_labelled_colour_not_blank():
    s = Scenario()
    r = evaluate(s)
    key, x, ys, out = data.heatmap(s, r, "staff")
    z = out["payback_vs_api_month"]
    assert np.isnan(z).any() and np.isfinite(z).any()
    fig = charts.heatmap_figure(x, ys, z, kind="payback", y_title="FTE", frontier_x=None, current=(2e9, 0.5),
                                horizon=36)
    (grey,) = traces(fig, "no_payback")
    np.testing.assert_array_equal(np.isfinite(np.asarray(grey.z, dtype=float)), np.isnan(z))  # exactly those cells
    assert grey.colorscale[0][1] == theme.NO_PAYBACK and grey.showscale is False
    (legend,) = traces(fig, "no_payback_legend")
    assert legend.name == "no payback within 36 months" and legend.marker.color == theme.NO_PAYBACK


def test_payback_curves_differ_in_dash_and_are_named_at_their_ends():
    s = Scenario(tokens_per_month=5e9)
    _, fig = payback_fig(s)
    curves = traces(fig, "curve")
    assert [c.line.dash for c in curves] == ["dot", "solid", "dash"]  # ÷2, yours, ×2
    ends = [a for a in fig.layout.annotations if (a.name or "").startswith("end label")]
    assert sorted(a.text for a in ends) == sorted(["2.5B (÷2)", "5B (yours)", "10B (×2)"])
    assert all(a.x == 36 and a.xanchor == "left" for a in ends)
    span = max(max(c.y) for c in curves) - min(min(c.y) for c in curves)
    ys = sorted(a.y for a in ends)
    assert all(b - a >= 0.07 * span - 1e-6 for a, b in zip(ys, ys[1:]))  # never on top of each other


def test_payback_end_labels_are_pushed_apart_when_the_curves_end_together():
    ys = charts.spread_labels([10.0, 10.5, 100.0], gap=4.0)
    assert ys[1] - ys[0] == pytest.approx(4.0) and (ys[0] + ys[1]) / 2 == pytest.approx(10.25)
    assert ys[2] == 100.0


def _label_box(m, lo, hi):
    """A break-even label's extent: (x from, x to) in decades and its vertical side."""
    w = charts.LABEL_WIDTH_SHARE * np.log10(hi / lo)
    lx = np.log10(m.x[0])
    vert, horiz = m.textposition.split()
    return (lx, lx + w) if horiz == "right" else (lx - w, lx), vert


@pytest.mark.parametrize("volume", [1e7, 2e9, 5e9, 1.2e10, 3e10, 9e10])
@pytest.mark.parametrize("s", [Scenario(), BOTH], ids=["default", "both"])
def test_breakeven_labels_never_cross_the_you_line_or_each_other(s, volume):
    s = s.replace(tokens_per_month=volume)
    r, fig = breakeven_fig(s)
    x = traces(fig, "curve")[0].x
    lo, hi = float(min(x)), float(max(x))
    boxes = []
    for m in traces(fig, "crossover"):
        # only the corners the rising cost lines leave free
        assert m.textposition in ("top left", "bottom right")
        (a, b), vert = _label_box(m, lo, hi)
        boxes.append((a, b, vert))
        if abs(np.log10(m.x[0]) - np.log10(volume)) > charts.LABEL_WIDTH_SHARE * np.log10(hi / lo):
            assert not a < np.log10(volume) < b  # the "you" line does not strike it through
        lo_d, hi_d = np.log10(lo), np.log10(hi)
        if abs(np.log10(m.x[0]) - np.log10(volume)) > charts.LABEL_WIDTH_SHARE * np.log10(hi / lo):
            assert lo_d - 1e-9 <= a and b <= hi_d + 1e-9  # and it stays on the chart
    if len(boxes) == 2:
        (a1, b1, v1), (a2, b2, v2) = boxes
        assert v1 != v2 or b1 <= a2 or b2 <= a1  # two labels never on top of each other


def test_money_axes_are_labelled_for_people():
    _, fig = payback_fig(Scenario(tokens_per_month=5e9))
    texts = list(fig.layout.yaxis.ticktext)
    assert texts and all(t.startswith(("$", "-$")) for t in texts)
    assert not any("$-" in t or "G" in t for t in texts)  # never Plotly's "$-100k" or "$1G"


def test_verdict_uses_the_engines_reason():
    r = evaluate(Scenario(tokens_per_month=5e9))
    text = views.verdict(r)
    # at 5B: Groq 5B × $0.156/M = $780 is the cheapest path; then self-hosting against the API
    assert text.startswith("At 5B tokens a month the cheapest path is the hosted open model")
    assert "at $780 a month" in text
    assert "Self-hosting against the API pays back in month 14" in text and r.payback["api"].reason in text


def test_band_goes_under_the_payback_curves_and_the_axis_covers_it():
    s = Scenario()
    r = evaluate(s)
    fig = views.payback_figure(s, r)
    n = len(fig.data)
    months = s.horizon_months + 1
    # a band far below the curves: the money axis must reach down to it
    bands = {"p10": np.full(months, -5e6), "p50": np.full(months, -1e6), "p90": np.full(months, 1e5)}
    out = charts.with_band(fig, bands, 20_000)
    assert len(out.data) == n + 3 and len(fig.data) == n          # the page's figure is left alone
    assert [(tr.meta or {}).get("role") for tr in out.data[:3]] == ["band_edge", "band", "band_p50"]
    assert out.data[1].fill == "tonexty" and list(out.data[1].y) == [-5e6] * months
    assert out.data[1].name == "P10–P90 of 20,000 drawn scenarios"
    assert min(out.layout.yaxis.tickvals) <= -4e6


def test_staff_heatmap_ticks_are_round_and_inside_the_data():
    s = Scenario()
    r = evaluate(s)
    key, x, ys, out = data.heatmap(s, r, "staff")
    fig = charts.heatmap_figure(x, ys, out["savings_usd"], kind="savings", y_title="Staff [FTE]",
                                frontier_x=None, current=(s.tokens_per_month, s.staff_fte))
    tv, tt = list(fig.layout.yaxis.tickvals), list(fig.layout.yaxis.ticktext)
    assert len(tv) >= 3 and tt == [f"{v:g}" for v in tv]
    step = np.diff(tv)
    assert np.allclose(step, step[0]) and step[0] in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0)  # 1, 2 or 5 x 10^k
    assert min(ys) - 0.05 * np.ptp(ys) <= min(tv) and max(tv) <= max(ys) + 0.05 * np.ptp(ys)

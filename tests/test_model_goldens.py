"""The engine on real catalogs: price overrides with batch traffic, sweeps cut into many chunks."""

import math

import numpy as np
import pytest

from tco import model
from tco.scenario import Scenario


def test_override_moves_the_batch_price_by_the_catalog_ratio():
    """Bug 3: an override must move the batch price too (GPT-5's batch prices are 50% of list:
    $0.625 / $0.0625 / $5 against $1.25 / $0.125 / $10, genai-prices 0.2.3)."""
    s = Scenario(api_input_usd_per_mtok=2.0, api_cached_input_usd_per_mtok=0.5, api_output_usd_per_mtok=8.0,
                 batch_share=0.5)
    p = model.resolve(s).params
    # batch = override x catalog batch ratio 0.5: $1 / $0.25 / $4
    assert (p.api_batch_input_usd_per_mtok, p.api_batch_cached_input_usd_per_mtok,
            p.api_batch_output_usd_per_mtok) == pytest.approx((1.0, 0.25, 4.0))
    r = model.evaluate(s)
    # 2e9 tokens: 1.2e9 uncached input, 0.4e9 cached, 0.4e9 output; half of each at the batch price
    # 1.2e9 x (0.5 x 2 + 0.5 x 1) + 0.4e9 x (0.5 x 0.5 + 0.5 x 0.25) + 0.4e9 x (0.5 x 8 + 0.5 x 4)
    # = 1.2e9 x 1.5e-6 + 0.4e9 x 0.375e-6 + 0.4e9 x 6e-6 = 1800 + 150 + 2400 = $4,350
    assert r.at_volume["api"]["monthly_usd"] == pytest.approx(4350.0)
    # the catalog's own prices at the same batch share: 1.2e9 x 0.9375 + 0.4e9 x 0.09375 + 0.4e9 x 7.5
    # = 1125 + 37.5 + 3000 = $4,162.50
    assert model.evaluate(Scenario(batch_share=0.5)).at_volume["api"]["monthly_usd"] == pytest.approx(4162.5)


def test_hosted_override_without_a_batch_discount_keeps_batch_equal_to_standard():
    # Groq Llama 4 Scout has no batch price in the catalog (batch = list): an override of $0.20 input
    # sets the batch input price to $0.20 as well; cached input stays $0.11, output $0.34.
    # 1.2e9 uncached x $0.20 + 0.4e9 cached x $0.11 + 0.4e9 output x $0.34 = 240 + 44 + 136 = $420,
    # whatever the batch share
    for share in (0.0, 0.7):
        r = model.evaluate(Scenario(hosted_input_usd_per_mtok=0.2, batch_share=share))
        assert r.at_volume["hosted_open"]["monthly_usd"] == pytest.approx(420.0)


def _one_by_one(s: Scenario, grid: dict) -> np.ndarray:
    keys = list(grid)
    shape = tuple(len(v) for v in grid.values())
    out = np.empty(shape)
    for idx in np.ndindex(shape):
        r = model.evaluate(s.replace(**{k: float(grid[k][i]) for k, i in zip(keys, idx)}))
        out[idx] = np.nan if r.payback["api"].month is None else r.payback["api"].month
    return out


@pytest.mark.parametrize("grid", [
    # longest axis second: 2 x 7
    {"gpu_hour_usd": [2.0, 4.0], "tokens_per_month": list(np.geomspace(1e9, 1e11, 7))},
    # longest axis in the middle of three: 2 x 5 x 3
    {"gpu_hour_usd": [2.0, 4.0], "tokens_per_month": list(np.geomspace(3e8, 3e10, 5)),
     "staff_fte": [0.5, 1.0, 3.0]},
])
def test_payback_grid_in_many_chunks_matches_one_by_one(monkeypatch, grid):
    """Bug 2: a chunk written back along axis 0 instead of the chunked axis. With a tiny
    CHUNK_ELEMENTS the grid is cut into slabs of 1-2 along its longest (not first) axis."""
    s = Scenario(api_model="anthropic:claude-sonnet-4-5")
    whole = model.sweep(s, grid, what=("payback",))
    # 37 months x (product of the other axes) cells per slice; 150 cells -> 1 or 2 slices per chunk
    monkeypatch.setattr(model, "CHUNK_ELEMENTS", 150)
    chunked = model.sweep(s, grid, what=("payback",))
    expected = _one_by_one(s, grid)
    assert np.isnan(expected).any() and np.isfinite(expected).any()        # a grid with both
    assert len(set(expected[np.isfinite(expected)].tolist())) >= 3          # and several months
    np.testing.assert_array_equal(chunked["payback_vs_api_month"], expected)
    np.testing.assert_array_equal(whole["payback_vs_api_month"], expected)
    np.testing.assert_allclose(chunked["npv_vs_api_usd"], whole["npv_vs_api_usd"], rtol=1e-12)
    # and the NPV of one cell against evaluate
    idx = tuple(n // 2 for n in expected.shape)
    keys = list(grid)
    r = model.evaluate(s.replace(**{k: float(grid[k][i]) for k, i in zip(keys, idx)}))
    assert chunked["npv_vs_api_usd"][idx] == pytest.approx(r.npv_usd["api"])
    assert not math.isnan(chunked["npv_vs_api_usd"][idx])


def test_payback_grid_edge_shapes_match_evaluate(monkeypatch):
    """The scalar case, a grid whose longest axis has two values (slabs of one), and a grid with
    many cells per slice (the slab size an integer count of slices)."""
    s = Scenario(api_model="anthropic:claude-sonnet-4-5")
    r = model.evaluate(s)
    pay, npv = model.payback_grid(model.resolve(s).params.arrays(), ())
    assert (float(pay), float(npv)) == (pytest.approx(r.payback["api"].month or np.nan, nan_ok=True),
                                        pytest.approx(r.npv_usd["api"], rel=1e-9))
    grid = {"tokens_per_month": [3e9, 3e10], "staff_fte": [0.5, 2.0]}
    whole = model.sweep(s, grid, what=("payback",))
    monkeypatch.setattr(model, "CHUNK_ELEMENTS", 40)      # 2 x 37 cells a slice: one slice a slab
    small = model.sweep(s, grid, what=("payback",))
    np.testing.assert_array_equal(small["payback_vs_api_month"], whole["payback_vs_api_month"])
    np.testing.assert_allclose(small["npv_vs_api_usd"], whole["npv_vs_api_usd"], rtol=1e-12)
    # a (3, 40, 13) grid: slices along the 40 of 3 x 13 = 39 cells x 37 months, 4 slices a slab
    monkeypatch.setattr(model, "CHUNK_ELEMENTS", 4 * 39 * 37)
    hours = list(np.linspace(2.0, 4.0, 13))
    big = {"staff_fte": [0.5, 1.0, 2.0], "tokens_per_month": list(np.geomspace(1e9, 1e11, 40)),
           "gpu_hour_usd": hours}
    chunked = model.sweep(s, big, what=("payback",))
    i, j, k = 1, 27, 12
    one = model.evaluate(s.replace(staff_fte=1.0, tokens_per_month=float(np.geomspace(1e9, 1e11, 40)[j]),
                                   gpu_hour_usd=float(hours[k])))
    assert chunked["npv_vs_api_usd"][i, j, k] == pytest.approx(one.npv_usd["api"], rel=1e-9)

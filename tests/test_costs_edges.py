"""tco/costs.py at its edges, by hand: per-token helpers, batch prices by class, scenarios with their
own horizons in one array, reserved terms over several renewals, replacements and book values."""

import math

import numpy as np
import pytest

from tco import costs
from tco.costs import Params
from test_costs_golden import BASE, params


def test_usd_per_mtok_and_usd_for_tokens():
    # $5 for 2M tokens = $2.5 per 1M; no tokens: NaN, never a division error
    assert float(costs.usd_per_mtok(5.0, 2e6)) == 2.5
    out = costs.usd_per_mtok(np.array([5.0, 5.0]), np.array([0.0, 1e6]))
    assert math.isnan(out[0]) and out[1] == 5.0
    # less than one token (a share of a request): $1 for half a token = $2M per 1M tokens
    assert float(costs.usd_per_mtok(1.0, 0.5)) == 2e6
    # no floating-point error escapes, even where numpy is told to raise them: no tokens, negative
    # or NaN tokens give NaN; an infinite cost over infinite tokens is NaN; an overflow is inf
    with np.errstate(all="raise"):
        out = costs.usd_per_mtok(np.array([5.0, 5.0, 5.0, np.inf, 1e308]), np.array([0.0, -1.0, np.nan, np.inf, 1.0]))
    assert np.isnan(out[:4]).all() and out[4] == np.inf
    # 1M input at $2 + 0.5M cache writes at the input price $2 + 2M cached at $0.5 + 1M output at $8
    # = 2 + 1 + 1 + 8 = $12
    assert float(costs.usd_for_tokens(1e6, 2e6, 0.5e6, 1e6, 2.0, 0.5, 8.0)) == pytest.approx(12.0)


def test_each_price_class_has_its_own_batch_price():
    # batch share 1: every token at the batch price. 0.75·0.8·$1 + 0.75·0.2·$0.25 + 0.25·$4 = 0.6 + 0.0375 + 1
    assert float(costs.api_usd_per_mtok(params(batch_share=1.0))) == pytest.approx(1.6375)
    # only the cached class discounted in batch: 0.75·0.8·2 + 0.75·0.2·0.1 + 0.25·8 = 1.2 + 0.015 + 2
    p = params(batch_share=1.0, api_batch_input_usd_per_mtok=2.0, api_batch_cached_input_usd_per_mtok=0.1,
               api_batch_output_usd_per_mtok=8.0)
    assert float(costs.api_usd_per_mtok(p)) == pytest.approx(3.215)
    # hosted, batch share 0.5, batch input $0.1: 0.75·0.8·(0.5·0.2 + 0.5·0.1) + 0.75·0.2·0.2 + 0.25·0.6
    # = 0.09 + 0.03 + 0.15 = $0.27
    assert float(costs.hosted_usd_per_mtok(params(batch_share=0.5, hosted_batch_input_usd_per_mtok=0.1))) == \
        pytest.approx(0.27)


def test_scenarios_with_their_own_horizons_in_one_array():
    # horizons 3 and 5 in one call: months past a scenario's own horizon are zero (rent $2,920 + staff
    # $5,000 = $7,920 a month, API $3,275, setup $10,000 in month 0)
    f = costs.cash_flows(params(horizon_months=np.array([3.0, 5.0])))
    assert f["self_host"].shape == (2, 6)
    assert list(f["self_host"][0]) == pytest.approx([10000, 7920, 7920, 7920, 0, 0])
    assert list(f["self_host"][1]) == pytest.approx([10000] + [7920] * 5)
    assert list(f["api"][0]) == pytest.approx([0, 3275, 3275, 3275, 0, 0])
    # a shorter explicit month count cuts the flows
    assert costs.cash_flows(params(), months=2)["self_host"].shape == (3,)


def test_bought_fleets_with_their_own_horizons():
    # buying, horizons 2 and 4 in one array: capex only in month 0 (2 GPUs x 30,000), nothing after the
    # horizon; book value after 2 of 60 months: 60,000 x (1 − 0.9 x 2/60) = 58,200; after 4: 56,400
    f = costs.cash_flows(params(acquisition_code=3, horizon_months=np.array([2.0, 4.0])))
    assert list(f["capex"][0]) == pytest.approx([60000, 0, 0, 0, 0])
    assert list(f["self_host"][0][3:]) == [0, 0]
    assert list(f["terminal_value"]) == pytest.approx([58200.0, 56400.0])


def test_three_year_reservation_outlasts_a_shrinking_fleet_for_36_months():
    # 3e9 falling 20% a month: months 1, 2: 3e9 -> 2 replicas, 2.4e9 -> 1 replica ... a 3-year term keeps
    # the 4 GPUs of month 1 paid at $730 each through month 36, then follows the fleet (2 GPUs)
    f = costs.cash_flows(params(acquisition_code=2, tokens_per_month=3e9, growth_per_month=-0.2, horizon_months=38))
    assert list(f["gpus"][[1, 2, 38]]) == [4, 2, 2]
    assert list(f["rent"][[1, 2, 36, 37, 38]]) == pytest.approx([4 * 730, 4 * 730, 4 * 730, 2 * 730, 2 * 730])


def test_one_year_reservation_renews_every_12_months_at_the_trend():
    # GPU prices +12% a year (a rising market): renewals in months 13 and 25 at 1.12 and 1.2544
    f = costs.cash_flows(params(acquisition_code=1, gpu_price_trend_per_year=0.12, horizon_months=25))
    assert list(f["rent"][[1, 12, 13, 24, 25]]) == pytest.approx(
        [2 * 949, 2 * 949, 2 * 949 * 1.12, 2 * 949 * 1.12, 2 * 949 * 1.2544])


def test_two_replacements_and_the_book_value_after_them():
    # 1-year life over 25 months: the month-0 pair is replaced in months 12 and 24, each time bought at
    # $30,000 and the old pair sold at 10% of what it cost: 2 x (30,000 − 3,000) = 54,000 each time
    f = costs.cash_flows(params(acquisition_code=3, depreciation_years=1.0, horizon_months=25))
    assert list(f["capex"][[0, 12, 24]]) == pytest.approx([60000, 54000, 54000])
    assert f["capex"][[1, 11, 13, 23, 25]].sum() == 0
    # at month 25 the pair bought in month 24 is 1 month old: 60,000 x (1 − 0.9/12) = 55,500
    assert float(f["terminal_value"]) == pytest.approx(55500.0)
    # maintenance stays on the installed value bought once (60,000 x 10% / 12 = $500)
    assert f["maintenance"][25] == pytest.approx(500.0)


def test_replacement_price_follows_the_trend_and_resale_the_old_price():
    # prices −20% a year, 1-year life, horizon 13: month-12 replacement at 30,000 x 0.8^(11/12) =
    # 24,450.46 each, the old pair sold at 10% of 30,000: 2 x (24,450.46 − 3,000) = 42,900.92
    f = costs.cash_flows(params(acquisition_code=3, depreciation_years=1.0, horizon_months=13,
                                gpu_price_trend_per_year=-0.2))
    assert 30000 * 0.8 ** (11 / 12) == pytest.approx(24450.46, abs=0.01)
    assert f["capex"][12] == pytest.approx(2 * (30000 * 0.8 ** (11 / 12) - 3000))
    # book value at 13: that pair, 1 month old: 2 x 24,450.46 x (1 − 0.9/12) = 45,233.35
    assert float(f["terminal_value"]) == pytest.approx(2 * 30000 * 0.8 ** (11 / 12) * (1 - 0.9 / 12))


def test_power_and_colocation_follow_the_installed_fleet():
    # 2 GPUs, then 4 from month 2 (growth 50%/month as in test_growth_adds_replicas_and_purchases):
    # electricity per GPU $65.1014, colocation $196
    f = costs.cash_flows(params(acquisition_code=3, tokens_per_month=2e9, growth_per_month=0.5, horizon_months=3))
    assert list(f["electricity"]) == pytest.approx([0, 2 * 65.1014, 4 * 65.1014, 4 * 65.1014])
    assert list(f["colocation"]) == pytest.approx([0, 2 * 196, 4 * 196, 4 * 196])
    assert list(f["rent"]) == [0, 0, 0, 0]


def test_renting_has_no_owned_costs_and_no_book_value():
    f = costs.cash_flows(params(acquisition_code=0))
    for k in ("capex", "maintenance", "electricity", "colocation"):
        assert np.all(np.asarray(f[k]) == 0), k
    assert float(f["terminal_value"]) == 0.0
    assert list(f["setup"]) == [10000.0] + [0.0] * 12
    assert list(f["staff"]) == [0.0] + [5000.0] * 12


def test_params_arrays_and_replace():
    p = Params(**BASE)
    q = p.replace(gpu_hour_usd=3.0)
    assert q.gpu_hour_usd == 3.0 and p.gpu_hour_usd == 2.0
    a = p.arrays()
    assert all(isinstance(getattr(a, k), np.ndarray) and getattr(a, k).dtype == float for k in costs.PARAM_NAMES)


def test_renting_and_buying_side_by_side_in_one_array():
    # one call, rent (code 0) and buy (code 3): the rented row pays no capex, power or book value,
    # exactly as when computed alone ($10,000 setup, then 2 x $1,460 rent + $5,000 staff)
    f = costs.cash_flows(params(acquisition_code=np.array([0.0, 3.0])))
    assert list(f["capex"][0]) == [0.0] * 13 and float(f["terminal_value"][0]) == 0.0
    assert list(f["self_host"][0]) == pytest.approx([10000] + [7920] * 12)
    alone = costs.cash_flows(params(acquisition_code=3))
    assert f["self_host"][1] == pytest.approx(alone["self_host"])
    assert float(f["terminal_value"][1]) == pytest.approx(float(alone["terminal_value"]))


def test_every_part_of_a_gpu_month_has_the_grids_shape():
    # a swept rent against one acquisition: the parts that do not depend on the rent (zero for a
    # rented GPU) still come in the grid's shape, so a table of parts lines up row by row
    p = params(gpu_hour_usd=np.array([2.0, 3.0, 4.0]))
    parts = costs.per_gpu_month(p)
    assert {k: np.shape(v) for k, v in parts.items()} == {k: (3,) for k in parts}
    assert parts["rent"].tolist() == [2.0 * 730, 3.0 * 730, 4.0 * 730] and parts["depreciation"].tolist() == [0.0] * 3

"""Monthly cost of each path: commercial API, hosted open-weight model, self-hosted fleet.

Conventions: USD; per month; costs positive; month 0 is the decision month and holds only upfront
costs (GPU purchases, setup); month m ≥ 1 runs at volume ``V·(1+g)^(m−1)`` and prices moved by
their annual trend ``(1+t)^((m−1)/12)``. Every function broadcasts over numpy arrays: scenarios on
the leading axes, months on the last axis (length ``horizon + 1``).

All numeric inputs arrive in a :class:`Params` whose fields carry the Scenario's names and units,
plus a few resolved from the catalogs (GPU TDP, GPUs per replica, replica throughput, API prices).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from tco.capacity import HOURS_PER_MONTH, replica_tokens_per_month, replicas_needed, utilisation

ACQUISITION_CODES = {"on_demand": 0, "reserved_1y": 1, "reserved_3y": 2, "buy": 3}
RESERVED_TERM_MONTHS = {1: 12, 2: 36}


@dataclass
class Params:
    """Numeric inputs of the cost model, scalars or broadcastable arrays. Units as in Scenario."""
    tokens_per_month: object
    input_share: object
    cached_input_share: object
    batch_share: object
    input_tokens_per_request: object
    output_tokens_per_request: object
    peak_to_average: object
    growth_per_month: object
    # API and hosted prices, USD per 1M tokens; batch_* are the batch-processing prices
    api_input_usd_per_mtok: object
    api_cached_input_usd_per_mtok: object
    api_output_usd_per_mtok: object
    api_batch_input_usd_per_mtok: object
    api_batch_cached_input_usd_per_mtok: object
    api_batch_output_usd_per_mtok: object
    api_price_trend_per_year: object
    hosted_input_usd_per_mtok: object
    hosted_cached_input_usd_per_mtok: object
    hosted_output_usd_per_mtok: object
    hosted_batch_input_usd_per_mtok: object
    hosted_batch_cached_input_usd_per_mtok: object
    hosted_batch_output_usd_per_mtok: object
    hosted_price_trend_per_year: object
    # self-hosting
    acquisition_code: object          # ACQUISITION_CODES
    gpu_hour_usd: object              # on-demand USD/GPU-hour
    reserved_1y_discount: object
    reserved_3y_discount: object
    gpu_price_usd: object             # USD per GPU, all-in
    depreciation_years: object
    residual_value_share: object
    tdp_w: object                     # GPU TDP [W]
    host_power_factor: object
    power_load_factor: object
    pue: object
    electricity_usd_per_kwh: object
    colocation_usd_per_kw_month: object
    maintenance_share_per_year: object
    target_utilisation: object
    min_replicas: object
    gpus_per_replica: object
    replica_output_tokens_per_s: object  # max output tok/s of one replica at the workload's lengths
    gpu_price_trend_per_year: object
    staff_fte: object
    staff_cost_usd_per_year: object
    setup_cost_usd: object
    other_monthly_usd: object
    horizon_months: object
    discount_rate: object

    def replace(self, **changes) -> "Params":
        return replace(self, **changes)

    def arrays(self) -> "Params":
        """The same parameters as float arrays (so that arithmetic broadcasts)."""
        return Params(**{f.name: np.asarray(getattr(self, f.name), dtype=float) for f in fields(self)})


PARAM_NAMES = tuple(f.name for f in fields(Params))


TOKENS_PER_MTOK = 1e6


def usd_per_mtok(usd, tokens):
    """USD per 1M tokens of a cost and a token count; NaN where there are no tokens. Broadcasts."""
    t = np.asarray(tokens, dtype=float)
    # no division by zero can happen (no tokens divide by 1, then give NaN); inf / inf and overflow can
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(t > 0, np.asarray(usd, dtype=float) / np.where(t > 0, t, 1.0) * TOKENS_PER_MTOK, np.nan)


# --- per-token prices --------------------------------------------------------------------------

def blended_usd_per_mtok(input_share, cached_input_share, batch_share, input_usd, cached_usd, output_usd,
                         batch_input_usd, batch_cached_usd, batch_output_usd):
    """Average USD per 1M tokens of the workload's mix.

        p = s(1−c)·p_in + s·c·p_cached + (1−s)·p_out, each class p = (1−b)·standard + b·batch
    with s the input share, c the cached share of input, b the batch share.
    """
    p_in = (1 - batch_share) * input_usd + batch_share * batch_input_usd
    p_cached = (1 - batch_share) * cached_usd + batch_share * batch_cached_usd
    p_out = (1 - batch_share) * output_usd + batch_share * batch_output_usd
    return (input_share * (1 - cached_input_share) * p_in + input_share * cached_input_share * p_cached
            + (1 - input_share) * p_out)


def usd_for_tokens(input_tokens, cached_input_tokens, cache_write_tokens, output_tokens,
                   input_usd, cached_usd, output_usd, cache_write_usd=None):
    """USD for token counts by class at per-1M-token prices. Cache writes pay ``cache_write_usd``
    where the catalog has a cache-write price (Anthropic: 1.25× input for 5-minute writes), else
    the input price (the hosted open offers bill them as input). Broadcasts."""
    write_usd = input_usd if cache_write_usd is None else cache_write_usd
    return (np.asarray(input_tokens) * input_usd + np.asarray(cache_write_tokens) * write_usd
            + np.asarray(cached_input_tokens) * cached_usd + np.asarray(output_tokens) * output_usd) / TOKENS_PER_MTOK


def api_usd_per_mtok(p: Params):
    return blended_usd_per_mtok(p.input_share, p.cached_input_share, p.batch_share,
                                p.api_input_usd_per_mtok, p.api_cached_input_usd_per_mtok,
                                p.api_output_usd_per_mtok, p.api_batch_input_usd_per_mtok,
                                p.api_batch_cached_input_usd_per_mtok, p.api_batch_output_usd_per_mtok)


def hosted_usd_per_mtok(p: Params):
    return blended_usd_per_mtok(p.input_share, p.cached_input_share, p.batch_share,
                                p.hosted_input_usd_per_mtok, p.hosted_cached_input_usd_per_mtok,
                                p.hosted_output_usd_per_mtok, p.hosted_batch_input_usd_per_mtok,
                                p.hosted_batch_cached_input_usd_per_mtok,
                                p.hosted_batch_output_usd_per_mtok)


# --- self-hosting, steady state at month-1 prices ---------------------------------------------

def rent_usd_per_gpu_hour(p: Params):
    """Effective rent: on-demand price less the reservation discount of the chosen contract."""
    code = p.acquisition_code
    discount = np.where(code == 1, p.reserved_1y_discount, np.where(code == 2, p.reserved_3y_discount, 0.0))
    return p.gpu_hour_usd * (1 - discount)


def server_kw_per_gpu(p: Params):
    """Provisioned server power per GPU [kW] = TDP × host factor / 1000."""
    return p.tdp_w * p.host_power_factor / 1000.0


def electricity_usd_per_gpu_month(p: Params):
    """kW × average load × PUE × 730 h × USD/kWh."""
    return server_kw_per_gpu(p) * p.power_load_factor * p.pue * HOURS_PER_MONTH * p.electricity_usd_per_kwh


def per_gpu_month(p: Params) -> dict[str, object]:
    """Monthly cost of one GPU by component at month-1 prices [USD/GPU-month].

    Rent: rent × 730 h (billed around the clock). Buy: straight-line depreciation
    price·(1 − residual)/(12·life), maintenance price·share/12, electricity, colocation per kW.
    Components that do not apply to the chosen acquisition are zero.
    """
    buy = p.acquisition_code == 3
    zero = np.zeros(np.broadcast_shapes(np.shape(p.gpu_hour_usd), np.shape(buy)))   # every part: one shape
    return {
        "rent": np.where(buy, zero, rent_usd_per_gpu_hour(p) * HOURS_PER_MONTH),
        "depreciation": np.where(buy, p.gpu_price_usd * (1 - p.residual_value_share)
                                 / (12 * p.depreciation_years), zero),
        "maintenance": np.where(buy, p.gpu_price_usd * p.maintenance_share_per_year / 12, zero),
        "electricity": np.where(buy, electricity_usd_per_gpu_month(p), zero),
        "colocation": np.where(buy, server_kw_per_gpu(p) * p.colocation_usd_per_kw_month, zero),
    }


def fixed_usd_per_month(p: Params):
    """Costs that do not depend on volume: staff and other monthly costs."""
    return p.staff_fte * p.staff_cost_usd_per_year / 12 + p.other_monthly_usd


def replica_usd_per_month(p: Params):
    """Monthly cost of one replica = GPUs per replica × Σ per-GPU components."""
    return p.gpus_per_replica * sum(per_gpu_month(p).values())


def replica_tokens(p: Params):
    """Tokens/month one replica serves at the target utilisation of the peak hour."""
    return replica_tokens_per_month(p.replica_output_tokens_per_s, p.input_tokens_per_request,
                                    p.output_tokens_per_request, p.target_utilisation, p.peak_to_average)


def steady_state(p: Params, tokens_per_month=None) -> dict[str, object]:
    """Monthly cost of each path at a volume (default: the scenario's), at month-1 prices."""
    v = p.tokens_per_month if tokens_per_month is None else tokens_per_month
    replicas = replicas_needed(v, replica_tokens(p), p.min_replicas)
    self_host = fixed_usd_per_month(p) + replicas * replica_usd_per_month(p)
    return {
        "api": np.asarray(v) * api_usd_per_mtok(p) / 1e6,
        "hosted_open": np.asarray(v) * hosted_usd_per_mtok(p) / 1e6,
        "self_host": self_host,
        "replicas": replicas,
        "gpus": replicas * p.gpus_per_replica,
        "utilisation": utilisation(v, replicas, p.replica_output_tokens_per_s, p.input_tokens_per_request,
                                   p.output_tokens_per_request),
    }


# --- month by month ----------------------------------------------------------------------------

def _compound(rate, periods):
    """(1 + rate)^periods, rate as a column against the months axis; exp·log1p is several times
    faster than ``**`` on large arrays and equal to float precision."""
    return np.exp(np.log1p(_col(rate)) * periods)


def _col(x):
    """Scenario parameter as a column against the months axis."""
    return np.asarray(x, dtype=float)[..., None]


def cash_flows(p: Params, months: int | None = None, replicas=None) -> dict[str, np.ndarray]:
    """Month-by-month cash flows of each path, shape (..., months + 1) with month 0 first.

    Self-hosted rent is paid on the fleet each month needs (reserved: GPUs committed in the last
    12 or 36 months stay paid, at the rate locked when the term began; added GPUs join the
    current term's rate). Bought GPUs are kept once installed, purchased in the month they
    are first needed (the initial fleet in month 0) at the trended price, replaced at the end of
    their life (old ones sold at the residual share). ``terminal_value`` is the book value of the
    GPUs owned at the end of the horizon (paid back in the NPV, not counted in the payback month).
    Months past a scenario's own ``horizon_months`` are zero.

    ``replicas`` (optional, shape (..., months + 1)): the fleet each month runs, instead of the
    fleet the volume needs at the peak hour; plans pass it for hybrid and autoscaled fleets
    (tco/plans.py). It may be fractional (an autoscaled fleet's average over the day).
    """
    h = int(np.max(p.horizon_months)) if months is None else months
    m = np.arange(h + 1, dtype=float)
    active = (m >= 1) & (m <= _col(p.horizon_months))
    years = np.maximum(m - 1, 0) / 12
    volume = _col(p.tokens_per_month) * _compound(p.growth_per_month, np.maximum(m - 1, 0)) * active

    api = volume * (_col(api_usd_per_mtok(p)) / 1e6 * _compound(p.api_price_trend_per_year, years))
    hosted = volume * (_col(hosted_usd_per_mtok(p)) / 1e6 * _compound(p.hosted_price_trend_per_year, years))

    if replicas is None:
        replicas = replicas_needed(volume, _col(replica_tokens(p)), _col(p.min_replicas))
    replicas = np.where(active, replicas, 0.0)
    gpus = replicas * _col(p.gpus_per_replica)
    gpu_trend = _compound(p.gpu_price_trend_per_year, years)
    code = _col(p.acquisition_code)
    buy = code == 3

    # rent: reserved GPUs stay paid for the term; fleets are monotonic in time (growth has one sign),
    # so the rolling maximum over the term is the fleet now (growth ≥ 0) or `term − 1` months ago.
    # A reserved rate is locked for its term: it follows the price trend only at each renewal
    # (months 1, 1 + term, ...); on-demand rent follows it every month.
    paid, rent_trend = gpus, gpu_trend
    if np.any((code == 1) | (code == 2)):
        term = np.where(code == 1, 12, np.where(code == 2, 36, 1))
        back = np.clip(m - term + 1, 1, None).astype(int)
        shape = np.broadcast_shapes(gpus.shape, back.shape)
        earlier = np.take_along_axis(np.broadcast_to(gpus, shape), np.broadcast_to(back, shape), -1)
        paid = np.where(active, np.maximum(gpus, earlier), 0.0)
        rent_trend = _compound(p.gpu_price_trend_per_year, np.floor(np.maximum(m - 1, 0) / term) * term / 12)
    rent = np.where(buy, 0.0, paid * (_col(rent_usd_per_gpu_hour(p)) * HOURS_PER_MONTH * rent_trend))

    zero = np.zeros(())
    capex = maintenance = electricity = colocation = terminal = zero
    if np.any(buy):
        capex, maintenance, electricity, colocation, terminal = _owned(p, m, gpus, active, buy, gpu_trend, h)

    staff = np.where(active, _col(p.staff_fte * p.staff_cost_usd_per_year / 12), 0.0)
    other = np.where(active, _col(p.other_monthly_usd), 0.0)
    setup = np.where(m == 0, _col(p.setup_cost_usd), 0.0)
    # summed small-to-large: the volume-driven and the fixed parts broadcast separately, so only the
    # last addition has the full grid's shape
    variable = rent + capex + maintenance + electricity + colocation
    fixed = staff + other + setup
    self_host = variable + fixed

    return {
        "volume": volume, "api": api, "hosted_open": hosted, "self_host": self_host,
        "self_host_variable": variable, "self_host_fixed": fixed,
        "replicas": replicas, "gpus": gpus, "rent": rent, "capex": capex, "maintenance": maintenance,
        "electricity": electricity, "colocation": colocation, "staff": staff, "other": other,
        "setup": setup, "terminal_value": terminal,
    }


def _owned(p: Params, m, gpus, active, buy, gpu_trend, h: int):
    """Capex (purchases and replacements), maintenance, power, colocation and terminal book value
    of bought GPUs. Installed GPUs = running max of the fleet; the month-1 fleet is bought in month 0."""
    installed = np.maximum.accumulate(gpus, axis=-1)
    if h >= 1:
        installed[..., 0] = installed[..., 1]
    new = np.diff(installed, axis=-1, prepend=0.0)
    price = _col(p.gpu_price_usd) * gpu_trend
    bought = new * price
    life = np.maximum(np.round(_col(p.depreciation_years) * 12), 1)
    capex = bought.copy()
    for k in range(1, int(h // np.min(life)) + 1 if h else 1):
        src = m - k * life                    # month the replaced cohort was bought
        ok = src >= 0
        idx = np.clip(src, 0, h).astype(int)
        shape = np.broadcast_shapes(new.shape, idx.shape)
        cohort = np.where(ok, np.take_along_axis(np.broadcast_to(new, shape), np.broadcast_to(idx, shape), -1), 0.0)
        # the GPUs sold are the ones bought at the previous replacement (or the purchase), life ago
        before = np.clip(m - life, 0, h).astype(int)
        shape = np.broadcast_shapes(price.shape, before.shape)
        old_price = np.take_along_axis(np.broadcast_to(price, shape), np.broadcast_to(before, shape), -1)
        capex = capex + cohort * (price - _col(p.residual_value_share) * old_price)
    capex = np.where(buy & (m <= _col(p.horizon_months)), capex, 0.0)

    owned = np.where(buy & active, installed, 0.0)
    installed_value = np.cumsum(bought, axis=-1)
    maintenance = np.where(buy & active, installed_value * _col(p.maintenance_share_per_year) / 12, 0.0)
    kw = owned * _col(server_kw_per_gpu(p))
    electricity = kw * _col(p.power_load_factor * p.pue * HOURS_PER_MONTH * p.electricity_usd_per_kwh)
    colocation = kw * _col(p.colocation_usd_per_kw_month)

    # book value of owned GPUs at the horizon: each cohort's latest incarnation, straight-line
    hz = _col(p.horizon_months)
    age = np.mod(hz - m, life)
    latest = hz - age
    latest_price = _col(p.gpu_price_usd) * (1 + _col(p.gpu_price_trend_per_year)) ** (np.maximum(latest - 1, 0) / 12)
    book = latest_price * (1 - (1 - _col(p.residual_value_share)) * age / life)
    terminal = np.where(buy[..., 0], np.sum(np.where(m <= hz, new * book, 0.0), axis=-1), 0.0)
    return capex, maintenance, electricity, colocation, terminal

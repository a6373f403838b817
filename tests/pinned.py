"""Engine numbers of the scenarios the page tests open, computed by hand.

Page tests compare what the page shows with the engine (``views.headline_values(evaluate(s))``);
this table is where the engine's numbers for those scenarios are pinned independently, so that a
page test cannot pass on an engine that is wrong. tests/test_page_scenarios_golden.py checks every
entry; :func:`check` is called by the page tests on the scenario they open.

Prices (genai-prices 0.2.3, reference section 6): GPT-5 $1.25 / $0.125 cached / $10 per 1M, blended
at 80% input of which 25% cached: 0.8 x 0.75 x 1.25 + 0.8 x 0.25 x 0.125 + 0.2 x 10 = $2.775/M.
Claude Sonnet 4.5 $3 / $0.30 / $15: 0.6 x 3 + 0.2 x 0.3 + 0.2 x 15 = $4.86/M. Groq Llama 4 Scout
$0.11 / $0.34 (no cache price): 0.8 x 0.11 + 0.2 x 0.34 = $0.156/M; Maverick $0.20 / $0.60:
0.16 + 0.12 = $0.28/M; Llama 3.3 70B $0.59 / $0.79: 0.472 + 0.158 = $0.63/M.
GPUs (data/gpus.csv): H100 $3.00/h, L4 $0.44/h, B200 $6.00/h on demand; x 730 h = $2,190,
$321.20, $4,380 a GPU-month; 3-year reservation 50% off: $1,095. Bought H100 ($35,000):
depreciation 35,000 x 0.9 / 60 = 525, maintenance 35,000 x 0.10 / 12 = 291.667, power
0.7 kW x 1.4 x 0.7 load x 1.3 PUE x 730 h x $0.09 = 58.5913, colocation 0.98 kW x $190 = 186.2:
$1,061.4579 a GPU-month. Team: 0.5 FTE x $200,000 / 12 = $8,333.33 + $500 other = $8,833.33.
"""

from __future__ import annotations

import pytest

from tco.scenario import Scenario

H100, L4, B200, H100_3Y, H100_BUY = 2190.0, 321.2, 4380.0, 1095.0, 1061.4579
TEAM = 8833.3333
GPT5, SONNET, SCOUT, MAVERICK, LLAMA70 = 2.775e-6, 4.86e-6, 0.156e-6, 0.28e-6, 0.63e-6

#: scenario changes -> (API $/month, hosted $/month, fixed $/month, $ per GPU-month)
PINNED: dict[tuple, tuple[float, float, float, float]] = {
    (): (2e9 * GPT5, 2e9 * SCOUT, TEAM, H100),                                   # 5,550 / 312
    (("tokens_per_month", 5e9),): (5e9 * GPT5, 5e9 * SCOUT, TEAM, H100),         # 13,875 / 780
    (("tokens_per_month", 7e9),): (7e9 * GPT5, 7e9 * SCOUT, TEAM, H100),
    (("tokens_per_month", 2e10),): (2e10 * GPT5, 2e10 * SCOUT, TEAM, H100),      # 55,500 / 3,120
    (("tokens_per_month", 0.0),): (0.0, 0.0, TEAM, H100),
    (("tokens_per_month", 1e6),): (1e6 * GPT5, 1e6 * SCOUT, TEAM, H100),         # 2.775 / 0.156
    (("tokens_per_month", 1e11),): (1e11 * GPT5, 1e11 * SCOUT, TEAM, H100),      # 277,500 / 15,600
    (("tokens_per_month", 1e13), ("acquisition", "buy")): (1e13 * GPT5, 1e13 * SCOUT, TEAM, H100_BUY),
    (("acquisition", "buy"),): (2e9 * GPT5, 2e9 * SCOUT, TEAM, H100_BUY),
    (("acquisition", "reserved_3y"),): (2e9 * GPT5, 2e9 * SCOUT, TEAM, H100_3Y),
    (("tokens_per_month", 5e9), ("acquisition", "reserved_3y")): (5e9 * GPT5, 5e9 * SCOUT, TEAM, H100_3Y),
    (("tokens_per_month", 3e9), ("acquisition", "buy")): (3e9 * GPT5, 3e9 * SCOUT, TEAM, H100_BUY),   # 8,325 / 468
    (("tokens_per_month", 2e9), ("acquisition", "buy")): (2e9 * GPT5, 2e9 * SCOUT, TEAM, H100_BUY),
    (("tokens_per_month", 5e9), ("acquisition", "buy")): (5e9 * GPT5, 5e9 * SCOUT, TEAM, H100_BUY),
    (("staff_fte", 2.0),): (2e9 * GPT5, 2e9 * SCOUT, 2 * 200000 / 12 + 500, H100),    # fixed 33,833.33
    (("staff_fte", 3.0),): (2e9 * GPT5, 2e9 * SCOUT, 3 * 200000 / 12 + 500, H100),    # fixed 50,500
    (("gpu", "l4"), ("open_model", "llama-4-maverick")): (2e9 * GPT5, 2e9 * MAVERICK, TEAM, L4),
    (("gpu", "b200"), ("precision", "fp4")): (2e9 * GPT5, 2e9 * SCOUT, TEAM, B200),
    (("api_model", "anthropic:claude-sonnet-4-5"), ("hosted_model", "groq:llama-3.3-70b-versatile")):
        (2e9 * SONNET, 2e9 * LLAMA70, TEAM, H100),                               # 9,720 / 1,260
    (("api_model", "openai:gpt-4o-mini"),):                                      # $0.15 / $0.075 / $0.60:
        (2e9 * (0.6 * 0.15 + 0.2 * 0.075 + 0.2 * 0.60) * 1e-6, 2e9 * SCOUT, TEAM, H100),   # $450
    # tests/test_share_page.py LINKS: Sonnet at 3e10 = $145,800, Scout $4,680; H200 $3.60/h x 730 =
    # $2,628 a GPU-month, team 1.5 x 200,000 / 12 + 500 = $25,500; 7.3e9 x 2.775e-6 = $20,257.50
    (("tokens_per_month", 3e10), ("acquisition", "buy"), ("api_model", "anthropic:claude-sonnet-4-5")):
        (3e10 * SONNET, 3e10 * SCOUT, TEAM, H100_BUY),
    (("gpu", "h200"), ("staff_fte", 1.5)): (2e9 * GPT5, 2e9 * SCOUT, 1.5 * 200000 / 12 + 500, 3.6 * 730),
    (("tokens_per_month", 7.3e9), ("horizon_months", 24), ("discount_rate", 0.08), ("growth_per_month", 0.0)):
        (7.3e9 * GPT5, 7.3e9 * SCOUT, TEAM, H100),
    (("hosted_model", "openai:gpt-4o-mini"),):
        (2e9 * GPT5, 2e9 * (0.6 * 0.15 + 0.2 * 0.075 + 0.2 * 0.60) * 1e-6, TEAM, H100),
}

_BY_KEY = {frozenset(changes): values for changes, values in PINNED.items()}


def key(s: Scenario) -> frozenset:
    base = Scenario()
    return frozenset((k, getattr(s, k)) for k in s.__dataclass_fields__ if getattr(s, k) != getattr(base, k))


def headline(s: Scenario) -> dict[str, str]:
    """The headline the page must show for ``s``: the engine's numbers (checked against the table
    first), formatted as the page formats them."""
    from tco.model import evaluate
    from tco.ui import views
    r = evaluate(s)
    check(s, r)
    return views.headline_values(r)


def check(s: Scenario, r) -> None:
    """Assert the engine's result ``r`` for ``s`` against the hand-computed table (KeyError: add ``s``)."""
    k = key(s)
    if k in _BY_KEY:
        api, hosted, fixed, per_gpu = _BY_KEY[k]
    elif {name for name, _ in k} == {"tokens_per_month"}:
        # only the volume changed: V x $2.775/M (GPT-5), V x $0.156/M (Groq Scout), the default team
        # and H100s on demand, the same hand formulas as the rows above
        v = s.tokens_per_month
        api, hosted, fixed, per_gpu = v * GPT5, v * SCOUT, TEAM, H100
    else:
        raise KeyError(k)
    sh = r.at_volume["self_host"]
    assert r.at_volume["api"]["monthly_usd"] == pytest.approx(api, rel=1e-9)
    assert r.at_volume["hosted_open"]["monthly_usd"] == pytest.approx(hosted, rel=1e-9)
    # the GPU count is the capacity model's (pinned in tests/test_capacity_golden.py and test_model.py)
    assert sh["monthly_usd"] == pytest.approx(fixed + sh["gpus"] * per_gpu, rel=1e-6)
    assert sh["gpus"] == sh["replicas"] * sh["gpus_per_replica"] >= 1

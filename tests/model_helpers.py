"""Small hand-made params and registers for the unit tests (numbers chosen to be easy by hand)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpro_econ.inputs.risk_register import risk_register_from_items
from kpro_econ.params.codes import CostLineCode
from kpro_econ.params.models import Params

# A cost table by hand, two years of three lines:
# 2025: FUT 600.000 + support 420.000 + SPOC 6 months × 10.000 = 1.080.000
# 2026: FUT 650.000 + support 462.000                            = 1.112.000
COSTS = pd.DataFrame(
    [
        (2025, CostLineCode.FUT_FEE, "drift", 600_000.0),
        (2026, CostLineCode.FUT_FEE, "drift", 650_000.0),
        (2025, CostLineCode.SUPPORT, "drift", 420_000.0),
        (2026, CostLineCode.SUPPORT, "drift", 462_000.0),
        (2025, CostLineCode.SPOC_OPTION, "drift", 60_000.0),
        (2026, CostLineCode.SPOC_OPTION, "drift", 0.0),
    ],
    columns=["year", "line_code", "kind", "amount_dkk"],
)

CR_COLUMNS = ["id", "title", "status", "priority", "estimate_low", "estimate_mode", "estimate_high", "year",
              "approval_probability", "actual_cost", "requested_date", "approved_date", "delivered_date", "source",
              "due_date"]


def small_params(**overrides: Any) -> Params:
    raw: dict[str, Any] = {
        "years": [2025, 2026],
        "price_level_year": 2025,
        "price_index": {2025: 0.05, 2026: 0.10},
        "discount_rate": 0.05,
        "fte": {"annual_cost": 600_000},
        "fut_fee": {"kommunal_pro_fte_share": 1.0, "telma_fte_share": 0.5},
        "support": {
            "base_price": {"value": 400_000, "price_year": 2024},
            "renegotiation": {"year": 2026, "change": {"low": 0.0, "mode": 0.1, "high": 0.2}},
            "spoc_option": {"monthly_price": 10_000, "months_active": {2025: 6}},
        },
        "change_requests": {"items": []},
        "fees": {
            "solution": 1_000_000,
            "infrastructure": {2025: 500_000, 2026: {"low": 400_000, "mode": 500_000, "high": 900_000}},
        },
        "administration": {"staff_fte": 2},
        "allocation": {"key": "population", "municipalities": "municipalities.csv"},
    }
    raw.update(overrides)
    return Params.model_validate(raw)


def register(*rows: dict[str, Any]) -> pd.DataFrame:
    """A change-request register with the columns the validated register has."""
    full = [{c: row.get(c) for c in CR_COLUMNS} for row in rows]
    frame = pd.DataFrame(full, columns=CR_COLUMNS)
    for column in ("estimate_low", "estimate_mode", "estimate_high", "approval_probability", "actual_cost"):
        frame[column] = frame[column].astype(float)
    return frame


def cr(cr_id: str, status: str, year: int, low: float, mode: float, high: float, **extra: Any) -> dict[str, Any]:
    return {"id": cr_id, "title": cr_id, "status": status, "priority": "middel", "year": year,
            "estimate_low": low, "estimate_mode": mode, "estimate_high": high, **extra}


# Every figure certain: the cost model's total is a constant C = 3,780,000 + 3,762,000 = 7,542,000
# (2025: FUT fee 600,000, support 400,000 · 1.05 = 420,000, SPOC 6 · 10,000 = 60,000, fees 1,500,000,
# own staff 2 · 600,000 = 1,200,000; 2026: the same but support 420,000 · 1.1 = 462,000 and no SPOC).
CERTAIN = {
    "support": {"base_price": {"value": 400_000, "price_year": 2024},
                "renegotiation": {"year": 2026, "change": 0.1},
                "spoc_option": {"monthly_price": 10_000, "months_active": {2025: 6}}},
    "fees": {"solution": 1_000_000, "infrastructure": 500_000},
}
C = 7_542_000.0


def certain_params(**monte_carlo: Any) -> Params:
    """`small_params` with every figure certain, for the Monte Carlo: its total is C in every draw."""
    return small_params(**CERTAIN, monte_carlo={"iterations": 20_000, "seed": 7, **monte_carlo})


def risks(*items: dict[str, Any]) -> pd.DataFrame:
    """A risk register of `items`, each a medium open risk unless it says otherwise."""
    full = [{"title": "t", "category": "drift", "owner": "Systemforvaltningen", "likelihood_inherent": 3,
             "impact_inherent": 3, "likelihood_residual": 3, "impact_residual": 3, "status": "open",
             "last_reviewed": "2024-01-01", **i} for i in items]
    return risk_register_from_items(full, "params.yaml", [2025, 2026])


def event(risk_id: str, probability: float, cost: float) -> dict[str, Any]:
    """A risk event with a certain cost."""
    return {"id": risk_id, "probability": probability, "cost_low": cost, "cost_mode": cost, "cost_high": cost}

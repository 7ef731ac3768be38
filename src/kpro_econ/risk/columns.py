"""The risk register's columns: the contract between the register reader (`inputs/risk_register.py`) and the
risk model."""

from __future__ import annotations

RISK_COLUMNS = [
    "id", "title", "description", "category", "owner", "cause", "consequence",
    "likelihood_inherent", "impact_inherent", "likelihood_residual", "impact_residual",
    "mitigation", "mitigation_cost", "status", "proximity", "probability", "cost_low", "cost_mode", "cost_high",
    "cost_line", "last_reviewed", "source", "estimate_source",
]

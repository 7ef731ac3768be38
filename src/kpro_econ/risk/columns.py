"""The risk register's columns and their types: the contract between the register reader and the risk model."""

from __future__ import annotations

from typing import Literal

ColumnKind = Literal["text", "number", "integer", "date"]
RISK_KINDS: dict[str, ColumnKind] = {
    "id": "text", "title": "text", "description": "text", "category": "text", "owner": "text",
    "cause": "text", "consequence": "text",
    "likelihood_inherent": "integer", "impact_inherent": "integer",
    "likelihood_residual": "integer", "impact_residual": "integer",
    "mitigation": "text", "mitigation_cost": "number", "status": "text", "proximity": "integer",
    "probability": "number", "cost_low": "number", "cost_mode": "number", "cost_high": "number",
    "cost_line": "text", "last_reviewed": "date", "source": "text", "estimate_source": "text",
}
RISK_COLUMNS = list(RISK_KINDS)

"""Parameters of the steering group's own questions: wave 5 or bilateral (minutes 23.6.2023, item 4).

The costs of the two routes for the wave-4 municipalities that are not ready, as three-point figures,
and the support's capacity for bilateral handling. The SPOC option's parameters are in `models.Support`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kpro_econ.params.figures import Money


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WaveCosts(_Frozen):
    fixed: Money = Field(description="Programme cost of holding a wave (kick-off, teaching, technical meetings).")
    per_municipality: Money = Field(description="Cost of each municipality in the wave.")


class BilateralCosts(_Frozen):
    per_municipality: Money = Field(description="Cost of bringing one municipality in bilaterally.")
    capacity: int = Field(ge=0, le=98, description="Municipalities the support can bring in bilaterally at most.")
    capacity_source: str | None = Field(None, description="Where the capacity comes from.")


class WaveRoutes(_Frozen):
    """Wave 5 or bilateral: the chosen route's cost is a cost line in `year`."""

    wave: WaveCosts = Field(description="A wave 5: a fixed programme cost plus a cost per municipality.")
    bilateral: BilateralCosts = Field(description="Bilateral handling: a cost per municipality, up to a capacity.")
    year: int = Field(description="Budget year the chosen route's cost falls in.")
    year_source: str | None = Field(None, description="Where the year comes from.")
    not_ready: int | None = Field(
        None, ge=0, le=98,
        description="Wave-4 municipalities not ready. With a kpi section the KPI's count replaces it; without "
        "one, the route is the cheaper one at this count.",
    )

"""Parameters of the steering group's own questions: wave 5 or bilateral (minutes 23.6.2023, item 4).

The costs of the two routes for the wave-4 municipalities that are not ready, as three-point figures,
and the support's capacity for bilateral handling. The SPOC option's parameters are in `models.Support`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kpro_econ.params.codes import WaveRoute
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
    deadline: dt.date | None = Field(
        None, description="The date the route must be decided by; default 1 January of `year`.")
    deadline_source: str | None = Field(None, description="Where the deadline comes from.")
    not_ready: int | None = Field(
        None, ge=0, le=98,
        description="Wave-4 municipalities not ready. With a kpi section the KPI's count replaces it; without "
        "one, the route is the cheaper one at this count.",
    )

    def decide_by(self) -> dt.date:
        """The deadline of the decision: its own, else the first day of the route's year."""
        return self.deadline or dt.date(self.year, 1, 1)


DecidedOption = Literal["wave_route"]
"""The costed options a decision in the log can settle (the route of `WaveRoutes`)."""


class Decision(_Frozen):
    """One line of the decision log: what a body decided, when, under which item, and where it is written."""

    date: dt.date = Field(description="The date of the meeting or decision.")
    body: str = Field(min_length=1, description="Who decided, e.g. Forretningsstyregruppen.")
    item: str = Field(min_length=1, description="The agenda item, e.g. pkt. 6.")
    decided: str = Field(min_length=1, description="What was decided, in Danish.")
    source: str = Field(min_length=1, description="Where the decision is written (minutes, case).")
    option: DecidedOption | None = Field(None, description="The costed option it settles, if any: wave_route.")
    choice: WaveRoute | None = Field(None, description="The option chosen: wave5 or bilateral for wave_route.")

    @model_validator(mode="after")
    def _choice_with_option(self) -> Decision:
        if (self.option is None) != (self.choice is None):
            raise ValueError("option og choice angives sammen (fx option: wave_route, choice: bilateral)")
        return self

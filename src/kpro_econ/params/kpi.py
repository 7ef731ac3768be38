"""Settings of the KPI report (drift, udbredelse og roadmap): input files and targets.

The strict core's view of the `kpi:` section of `params/*.yaml`. The file paths are relative to the
params file; resolving and reading them is the loader's job (`inputs.py`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator


class KpiSettings(BaseModel):
    """What the steering group's operations, adoption and roadmap KPIs are measured against."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    operations: Path = Field(
        description="CSV or XLSX of monthly operations figures (availability, response times, support "
        "requests, errors), relative to the params file; layout in `kpi_inputs.py`."
    )
    adoption: Path = Field(
        description="CSV or XLSX of the monthly adoption extract per municipality (wave, go-live dates, "
        "staff with access, active citizens), relative to the params file; layout in `kpi_inputs.py`."
    )
    availability_target: float = Field(
        0.995, gt=0, le=1,
        description="Availability a month must reach, as a fraction of the month's minutes (0.995 = 99,5 %).",
    )
    response_median_target_ms: float | None = Field(
        None, gt=0,
        description="Highest acceptable monthly median response time in milliseconds; blank: none.",
    )
    response_p95_target_ms: float | None = Field(
        None, gt=0,
        description="Highest acceptable monthly 95th-percentile response time in milliseconds; blank: none.",
    )
    wave4_municipalities: int = Field(
        49, ge=1, le=98, description="Municipalities planned in implementation wave 4 (49 in the minutes)."
    )
    wave5_threshold: int = Field(
        15, ge=1, le=98,
        description="Wave-4 municipalities not ready at or above which a wave 5 is planned; fewer are "
        "handled bilaterally (the minutes say 15–20).",
    )
    source: str | None = Field(None, description="Where the targets and the threshold come from.")

    @model_validator(mode="after")
    def _threshold_within_wave(self) -> KpiSettings:
        # A threshold above the wave's size could never be reached: the decision would be fixed.
        if self.wave5_threshold > self.wave4_municipalities:
            raise ValueError(
                f"wave5_threshold må ikke være større end wave4_municipalities "
                f"(fik {self.wave5_threshold} > {self.wave4_municipalities})"
            )
        return self

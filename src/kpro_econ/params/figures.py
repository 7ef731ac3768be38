"""Figures with provenance: a plain amount or a three-point estimate, each with an optional source.

In YAML a figure is a bare number, `{value: 386708, price_year: 2023, source: ...}`, or
`{low: L, mode: M, high: H, source: ...}`. Both normalise to the frozen models below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, overload

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    import pandas as pd


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Amount(_Frozen):
    """A certain figure."""

    value: float = Field(description="The figure itself (kroner, share or rate).", allow_inf_nan=False)
    price_year: int | None = Field(None, description="Price level the amount is stated in; default the model's.")
    source: str | None = Field(None, description="Where the figure comes from, or that it is an assumption.")
    note: str | None = Field(None, description="Free-text remark shown in the table of assumptions.")

    @property
    def mean(self) -> float:
        return self.value

    @property
    def is_uncertain(self) -> bool:
        return False


class ThreePoint(_Frozen):
    """An uncertain figure: lowest, most likely and highest value (PERT)."""

    low: float = Field(description="Lowest plausible value.", allow_inf_nan=False)
    mode: float = Field(description="Most likely value.", allow_inf_nan=False)
    high: float = Field(description="Highest plausible value.", allow_inf_nan=False)
    price_year: int | None = Field(None, description="Price level the figures are stated in; default the model's.")
    source: str | None = Field(None, description="Where the estimate comes from, or that it is an assumption.")
    note: str | None = Field(None, description="Free-text remark shown in the table of assumptions.")

    @model_validator(mode="after")
    def _ordered(self) -> ThreePoint:
        if self.low > self.mode:
            raise ValueError(f"low må ikke være større end mode (fik low={self.low:.10g}, mode={self.mode:.10g})")
        if self.mode > self.high:
            raise ValueError(f"mode må ikke være større end high (fik mode={self.mode:.10g}, high={self.high:.10g})")
        return self

    @property
    def mean(self) -> float:
        return pert_mean(self.low, self.mode, self.high)

    @property
    def is_uncertain(self) -> bool:
        return self.low != self.high


@overload
def pert_mean(low: float, mode: float, high: float) -> float: ...
@overload
def pert_mean(low: pd.Series, mode: pd.Series, high: pd.Series) -> pd.Series: ...
def pert_mean(low: Any, mode: Any, high: Any) -> Any:
    """The PERT mean (L + 4M + H) / 6, as in the state business case model; of numbers or of columns."""
    return (low + 4 * mode + high) / 6


def _to_figure(raw: Any) -> Any:
    if isinstance(raw, bool):
        raise ValueError("skal være et tal, ikke ja/nej")
    if isinstance(raw, int | float):
        return Amount(value=float(raw))
    if isinstance(raw, dict) and {"low", "mode", "high"} & raw.keys():
        if "value" in raw:
            raise ValueError("angiv enten value eller low, mode og high – ikke begge")
        return ThreePoint.model_validate(raw)
    if isinstance(raw, dict):
        return Amount.model_validate(raw)
    raise ValueError("skal være et tal (fx 0.035), {value: …} eller {low: …, mode: …, high: …}")


Figure = Annotated[Amount | ThreePoint, BeforeValidator(_to_figure)]


def _non_negative(figure: Amount | ThreePoint) -> Amount | ThreePoint:
    lowest = figure.value if isinstance(figure, Amount) else figure.low
    if lowest < 0:
        raise ValueError(f"må ikke være negativ (fik {lowest:.10g})")
    return figure


MAX_KRONER = 10**12
"""The largest amount in kroner a params file may state: a thousand billion, far above any budget,
far below where sums and price conversions of several amounts could overflow."""


def _kroner(figure: Amount | ThreePoint) -> Amount | ThreePoint:
    figure = _non_negative(figure)
    highest = figure.value if isinstance(figure, Amount) else figure.high
    if highest > MAX_KRONER:
        raise ValueError(f"et urimeligt stort beløb; højst 1.000.000.000.000 kr. (fik {highest:.10g})")
    return figure


def _share(figure: Amount | ThreePoint) -> Amount | ThreePoint:
    values = [figure.value] if isinstance(figure, Amount) else [figure.low, figure.high]
    if any(v < 0 or v > 1 for v in values):
        raise ValueError(f"skal være en andel mellem 0 og 1 (fik {', '.join(f'{v:.10g}' for v in values)})")
    return figure


Money = Annotated[Figure, AfterValidator(_kroner)]
"""Kroner: never negative, at most MAX_KRONER."""

Share = Annotated[Figure, AfterValidator(_share)]
"""A fraction between 0 and 1."""

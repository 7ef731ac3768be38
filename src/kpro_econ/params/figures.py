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
            raise ValueError(f"low must be <= mode (got low={self.low:,.10g}, mode={self.mode:,.10g})")
        if self.mode > self.high:
            raise ValueError(f"mode must be <= high (got mode={self.mode:,.10g}, high={self.high:,.10g})")
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
        return raw  # let pydantic reject it: a yes/no is never an amount
    if isinstance(raw, int | float):
        return Amount(value=float(raw))
    if isinstance(raw, dict) and {"low", "mode", "high"} & raw.keys():
        return ThreePoint.model_validate(raw)
    if isinstance(raw, dict):
        return Amount.model_validate(raw)
    return raw


Figure = Annotated[Amount | ThreePoint, BeforeValidator(_to_figure)]


def _non_negative(figure: Amount | ThreePoint) -> Amount | ThreePoint:
    lowest = figure.value if isinstance(figure, Amount) else figure.low
    if lowest < 0:
        raise ValueError(f"must not be negative (got {lowest:,.10g})")
    return figure


def _share(figure: Amount | ThreePoint) -> Amount | ThreePoint:
    values = [figure.value] if isinstance(figure, Amount) else [figure.low, figure.high]
    if any(v < 0 or v > 1 for v in values):
        raise ValueError(f"must be a share between 0 and 1 (got {', '.join(f'{v:,.10g}' for v in values)})")
    return figure


Money = Annotated[Figure, AfterValidator(_non_negative)]
"""Kroner: never negative."""

Share = Annotated[Figure, AfterValidator(_share)]
"""A fraction between 0 and 1."""

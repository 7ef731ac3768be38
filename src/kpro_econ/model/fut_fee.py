"""The FUT connection fee against Telma's, and what each would pay under other volume keys."""

from __future__ import annotations

import pandas as pd

from kpro_econ.model.lines import price_level_converter
from kpro_econ.params.models import Params

AGREED_BASIS = "fte"  # the comparison's first row: the fee as agreed, in shares of an FTE
FUT_FEE_COLUMNS = [
    "basis", "label", "kommunal_pro_volume", "telma_volume", "kommunal_pro_fee_dkk", "telma_fee_dkk",
    "kommunal_pro_per_unit_dkk", "telma_per_unit_dkk", "kommunal_pro_share", "telma_share",
    "kommunal_pro_fee_by_key_dkk", "telma_fee_by_key_dkk",
]


def fte_at_price_level(params: Params) -> float:
    """One full-time position's yearly cost in the model's prices."""
    figure = params.fte.annual_cost
    return float(price_level_converter(params)(figure.mean, figure))


def fut_fee_comparison(params: Params) -> pd.DataFrame:
    """The yearly fees as agreed (in FTE), then per volume key: fee per unit and a fee in proportion.

    The first row is the agreement itself, with the FTE shares as the volumes. Each further row asks:
    if the two fees together were split by this volume, what would each solution pay?
    """
    fte = fte_at_price_level(params)
    kp_fee = fte * params.fut_fee.kommunal_pro_fte_share.mean
    telma_fee = fte * params.fut_fee.telma_fte_share.mean
    # The agreement's own row has no label of the controller's; the report names it.
    bases: list[tuple[str, str | None, float, float]] = [
        (AGREED_BASIS, None, params.fut_fee.kommunal_pro_fte_share.mean, params.fut_fee.telma_fte_share.mean)]
    bases += [(key, v.label, v.kommunal_pro, v.telma) for key, v in params.fut_fee.volumes.items()]
    rows = []
    for basis, label, kp_volume, telma_volume in bases:
        both = kp_volume + telma_volume
        kp_share = kp_volume / both if both else float("nan")
        rows.append({
            "basis": basis,
            "label": label,
            "kommunal_pro_volume": kp_volume,
            "telma_volume": telma_volume,
            "kommunal_pro_fee_dkk": kp_fee,
            "telma_fee_dkk": telma_fee,
            "kommunal_pro_per_unit_dkk": kp_fee / kp_volume if kp_volume else float("nan"),
            "telma_per_unit_dkk": telma_fee / telma_volume if telma_volume else float("nan"),
            "kommunal_pro_share": kp_share,
            "telma_share": 1 - kp_share,
            "kommunal_pro_fee_by_key_dkk": kp_share * (kp_fee + telma_fee),
            "telma_fee_by_key_dkk": (1 - kp_share) * (kp_fee + telma_fee),
        })
    return pd.DataFrame(rows, columns=FUT_FEE_COLUMNS)

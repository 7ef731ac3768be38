"""Danish number formats (Babel) and pandas Styler tables for the reports.

Every cell and header is HTML-escaped: titles and notes come from users' registers.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, cast

import pandas as pd
from babel.numbers import format_decimal
from pandas.io.formats.style import Styler

from kpro_econ.report.dates import LOCALE
from kpro_econ.report.labels import headers
from kpro_econ.tables import Table


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _rounded(value: Any, decimals: int) -> float:
    """`value` rounded as it is shown, a rounding to zero as 0 (so noise like -0,0001 never shows as -0)."""
    shown = round(float(value), decimals)
    return 0.0 if shown == 0 else shown


def kr(value: Any) -> str:
    """Whole kroner the Danish way: `386.708 kr.`."""
    if _blank(value):
        return ""
    return f"{format_decimal(_rounded(value, 0), format='#,##0', locale=LOCALE)} kr."


def mio_kr(value: Any, decimals: int = 1) -> str:
    """Millions of kroner: `6,4 mio. kr.`."""
    if _blank(value):
        return ""
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return f"{format_decimal(_rounded(float(value) / 1e6, decimals), format=pattern, locale=LOCALE)} mio. kr."


def number(value: Any, decimals: int = 0) -> str:
    """A plain number with Danish separators: `12.000` or `0,50`."""
    if _blank(value):
        return ""
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return str(format_decimal(_rounded(value, decimals), format=pattern, locale=LOCALE))


def percent(value: Any, decimals: int = 1) -> str:
    """A fraction as a Danish percentage: 0.035 → `3,5 %`."""
    if _blank(value):
        return ""
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return f"{format_decimal(_rounded(float(value) * 100, decimals), format=pattern, locale=LOCALE)} %"


class Approver(Protocol):
    """What names an approver: an approval in the ledger, or its stamp on the pages."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str | None: ...


def approver_name(approver: Approver) -> str:
    """`Anna (afdelingsleder)`; the name alone without a role."""
    return f"{approver.name} ({approver.role})" if approver.role else approver.name


def approver_names(approvers: Iterable[Approver]) -> str:
    """`Anna (afdelingsleder) og Bent`: every approver as `approver_name` says them, in order."""
    return " og ".join(approver_name(a) for a in approvers)


Formatter = Callable[[Any], str]


def style_table(
    frame: pd.DataFrame,
    formats: Mapping[str, Formatter] | None = None,
    *,
    caption: str | None = None,
    bold_last_row: bool = False,
) -> Styler:
    """A report table: Danish formats per column, numbers right-aligned, no index, all text escaped."""
    formats = dict(formats or {})
    # The table's CSS id comes from its content, not at random, so the same run gives the same page.
    digest = hashlib.sha256(frame.to_csv().encode() + repr(caption).encode()).hexdigest()[:10]
    styler = frame.style.hide(axis="index").format(escape="html", na_rep="").set_uuid(digest)
    if formats:
        styler = styler.format(cast(Any, formats), escape="html", na_rep="")
        numeric = list(formats)
        styler = styler.set_properties(subset=cast(Any, numeric), **{"text-align": "right", "white-space": "nowrap"})
    text = [c for c in frame.columns if c not in formats]
    if text:
        styler = styler.set_properties(subset=cast(Any, text), **{"text-align": "left"})
    styler = styler.format_index(escape="html", axis=1)
    styles: list[dict[str, Any]] = [
        {"selector": "th", "props": [("text-align", "left"), ("background", "#eef2f6")]},
        {"selector": "td, th", "props": [("padding", "3px 8px"), ("border-bottom", "1px solid #dde3ea")]},
        {"selector": "", "props": [("border-collapse", "collapse"), ("font-size", "0.92em")]},
    ]
    if bold_last_row and len(frame):
        styles.append({"selector": f"tbody tr:nth-child({len(frame)})", "props": [("font-weight", "bold")]})
    styler = styler.set_table_styles(cast(Any, styles))
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler


def declared_table(
    table: Table, frame: pd.DataFrame, formats: Mapping[str, Formatter] | None = None, **options: Any
) -> Styler:
    """`frame`, a selection of the columns of `table`, as a report table under the declared Danish headers
    (`tables.TABLES`, `labels.COLUMN_LABELS`); `formats` by column name."""
    names = headers(table, [str(column) for column in frame.columns])
    return style_table(frame.rename(columns=names), {names[c]: f for c, f in (formats or {}).items()}, **options)

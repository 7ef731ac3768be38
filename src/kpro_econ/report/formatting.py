"""Danish number formats (Babel) and pandas Styler tables for the reports.

Every cell and header is HTML-escaped: titles and notes come from users' registers.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from pandas.io.formats.style import Styler

from kpro_econ.report.labels import headers
from kpro_econ.tables import Table

LOCALE = "da_DK"
_DANISH_TIME = ZoneInfo("Europe/Copenhagen")


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


def danish_date(value: date | datetime | pd.Timestamp | None) -> str:
    """`25. nov. 2026`; blank for a missing date."""
    if value is None or pd.isna(value):
        return ""
    return str(format_date(pd.Timestamp(value).date(), format="medium", locale=LOCALE))


def danish_month(value: date | datetime | pd.Timestamp, short: bool = False) -> str:
    """`marts 2025`, or with `short` `mar. 2025` (an axis, a table of months): a month as people say it."""
    return str(format_date(pd.Timestamp(value).date(), "MMM y" if short else "MMMM y", locale=LOCALE))


def danish_long_date(moment: datetime) -> str:
    """`25. november 2026` in Danish time."""
    text: str = format_datetime(moment.astimezone(_DANISH_TIME), "d. MMMM y", locale="da")
    return text


def danish_datetime(moment: datetime) -> str:
    """`25. november 2026 kl. 18.45` in Danish time."""
    text: str = format_datetime(moment.astimezone(_DANISH_TIME), "d. MMMM y 'kl.' HH.mm", locale="da")
    return text


def danish_short_datetime(moment: datetime) -> str:
    """`29. nov. 2026 kl. 16.33` in Danish time, as the terminal shows a moment."""
    text: str = format_datetime(moment.astimezone(_DANISH_TIME), "d. MMM y 'kl.' HH.mm", locale="da")
    return text


def danish_recorded_time(text: str) -> str:
    """A recorded ISO time (`2026-11-29T15:33:00+00:00`) as `danish_short_datetime` says it; a text that is
    no ISO time with a zone is shown as it is (a ledger line a colleague wrote by hand)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return text if moment.tzinfo is None else danish_short_datetime(moment)


def run_with_date(run_id: str, started: datetime | None) -> str:
    """A run as the pages name it: `20261125-184512-default (25. nov. 2026)`, started in Danish time."""
    if started is None:
        return run_id
    moment = pd.Timestamp(started)
    if moment.tzinfo is not None:
        moment = moment.tz_convert("Europe/Copenhagen")
    return f"{run_id} ({danish_date(moment)})"


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

"""Dates and times as Danish readers say them, in Danish time: the pages, the terminal and the workbook.

Apart from the number and table formats (`formatting`), which need the labels and the tables' declarations:
a date needs only Babel.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from babel.dates import format_date, format_datetime

LOCALE = "da_DK"  # every Danish format: dates here, numbers in `formatting`
DANISH_TIME = ZoneInfo("Europe/Copenhagen")  # the pages, the terminal and the workbook say times in it


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
    text: str = format_datetime(moment.astimezone(DANISH_TIME), "d. MMMM y", locale="da")
    return text


def danish_datetime(moment: datetime) -> str:
    """`25. november 2026 kl. 18.45` in Danish time."""
    text: str = format_datetime(moment.astimezone(DANISH_TIME), "d. MMMM y 'kl.' HH.mm", locale="da")
    return text


def danish_short_datetime(moment: datetime) -> str:
    """`29. nov. 2026 kl. 16.33` in Danish time, as the terminal shows a moment."""
    text: str = format_datetime(moment.astimezone(DANISH_TIME), "d. MMM y 'kl.' HH.mm", locale="da")
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
        moment = moment.tz_convert(DANISH_TIME)
    return f"{run_id} ({danish_date(moment)})"

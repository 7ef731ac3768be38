"""Moments as Danish readers say them, in Danish time: when a run started, was approved or released,
on the pages, in the terminal and in the workbook.

Apart from `dates` (the tables' dates and months, which come as pandas values): a moment needs only
Babel, so a worker process of a run dates its page without loading pandas.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

DANISH_TIME = ZoneInfo("Europe/Copenhagen")  # the pages, the terminal and the workbook say times in it


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

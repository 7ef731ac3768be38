"""Dates as Danish readers say them: the tables' dates and months (pandas values, blank where missing)
and a run named with the day it started, in Danish time.

Apart from the number and table formats (`formatting`), which need the labels and the tables' declarations,
and from moments (`times`: when a run started, was approved or released), which need no pandas.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from babel.dates import format_date

from kpro_econ.report.times import DANISH_TIME

LOCALE = "da_DK"  # every Danish format: dates here, numbers in `formatting`


def danish_date(value: date | datetime | pd.Timestamp | None) -> str:
    """`25. nov. 2026`; blank for a missing date."""
    if value is None or pd.isna(value):
        return ""
    return str(format_date(pd.Timestamp(value).date(), format="medium", locale=LOCALE))


def danish_month(value: date | datetime | pd.Timestamp, short: bool = False) -> str:
    """`marts 2025`, or with `short` `mar. 2025` (an axis, a table of months): a month as people say it."""
    return str(format_date(pd.Timestamp(value).date(), "MMM y" if short else "MMMM y", locale=LOCALE))


def run_with_date(run_id: str, started: datetime | None) -> str:
    """A run as the pages name it: `20261125-184512-default (25. nov. 2026)`, started in Danish time."""
    if started is None:
        return run_id
    moment = pd.Timestamp(started)
    if moment.tzinfo is not None:
        moment = moment.tz_convert(DANISH_TIME)
    return f"{run_id} ({danish_date(moment)})"

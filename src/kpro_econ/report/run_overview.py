"""`reports/index.html`: one page with every run in the reports folder, its state, who made and approved it,
and its key figures. Pure: takes what the release layer read, returns the page's HTML text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

import jinja2
import pandas as pd

from kpro_econ.params.codes import BASE_SCENARIO
from kpro_econ.report.formatting import kr
from kpro_econ.report.times import danish_datetime, danish_short_datetime

OVERVIEW = "index.html"


@dataclass(frozen=True)
class KeyFigures:
    """The figures a steering group looks for first, from a run's own `data/*.csv`; None where missing."""

    total_dkk: float | None = None
    """The base scenario's costs over all years (cost_by_year)."""
    p80_dkk: float | None = None
    """The Monte Carlo P80 of the total costs including risks (montecarlo_summary)."""
    year: int | None = None
    forecast_dkk: float | None = None
    budget_dkk: float | None = None
    """The year's forecast and budget over all lines (budget_followup)."""


@dataclass(frozen=True)
class RunRow:
    """One run as the overview shows it; every text is shown as given (escaped by the page)."""

    run_id: str
    state: str
    started: datetime | None = None
    period: str | None = None
    overrides: Sequence[str] = ()
    only: Sequence[str] = ()
    made_by: str | None = None
    approved_by: str = ""
    """Who approved the run, as `formatting.approver_names` says it."""
    figures: KeyFigures = field(default_factory=KeyFigures)
    released: bool = False
    """Whether the run's `steering/` pack is released (then linked)."""


def key_figures(tables: Mapping[str, pd.DataFrame], year: int | None) -> KeyFigures:
    """The key figures from a run's tables by name; a missing or odd table leaves its figure out."""
    total = _sum(tables.get("cost_by_year"), "amount_dkk", scenario=BASE_SCENARIO)
    p80 = None
    summary = tables.get("montecarlo_summary")
    if summary is not None and {"statistic", "value_dkk"} <= set(summary.columns):
        values = summary.loc[summary["statistic"] == "P80", "value_dkk"]
        p80 = float(values.iloc[0]) if len(values) == 1 else None
    forecast = budget = None
    if year is not None:
        forecast = _sum(tables.get("budget_followup"), "forecast_dkk", year=year)
        budget = _sum(tables.get("budget_followup"), "budget_dkk", year=year)
    return KeyFigures(total, p80, year, forecast, budget)


def key_figures_line(figures: KeyFigures) -> str | None:
    """`nøgletal: i alt, basis 386.708 kr.; P80 inkl. risici …; prognose 2026 … mod budget …`: the page's
    key figures in its formats, for `status`; None when the run wrote none of them."""
    parts = []
    if figures.total_dkk is not None:
        parts.append(f"i alt, basis {kr(figures.total_dkk)}")
    if figures.p80_dkk is not None:
        parts.append(f"P80 inkl. risici {kr(figures.p80_dkk)}")
    forecast, budget = figures.forecast_dkk, figures.budget_dkk
    if forecast is not None and budget is not None:
        parts.append(f"prognose {figures.year} {kr(forecast)} mod budget {kr(budget)}")
    elif forecast is not None:
        parts.append(f"prognose {figures.year} {kr(forecast)}")
    elif budget is not None:
        parts.append(f"budget {figures.year} {kr(budget)}")
    return f"nøgletal: {'; '.join(parts)}" if parts else None


def run_lines(row: RunRow) -> list[str]:
    """What the overview says of a run beyond its check, as `status` prints it: when and by whom it was
    started (in Danish time, as on the page), its period and `--only`, then its key figures."""
    parts = []
    if row.started is not None:
        parts.append(f"startet {danish_short_datetime(row.started)}" + (f" af {row.made_by}" if row.made_by else ""))
    elif row.made_by:
        parts.append(f"lavet af {row.made_by}")
    if row.period:
        parts.append(f"periode {row.period}")
    if row.only:
        parts.append(f"kun {', '.join(row.only)} (--only)")
    figures = key_figures_line(row.figures)
    return (["; ".join(parts)] if parts else []) + ([figures] if figures else [])


def _sum(table: pd.DataFrame | None, column: str, **where: object) -> float | None:
    if table is None or column not in table.columns or not set(where) <= set(table.columns):
        return None
    rows = table
    for name, value in where.items():
        rows = rows[rows[name] == value]
    return float(rows[column].sum()) if len(rows) else None


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_ENV.filters["kr"] = kr
# "./" and quoting: a folder named like a URL scheme (`javascript:`) stays a relative link.
_ENV.filters["href"] = lambda run_id: "./" + quote(run_id)
_PAGE = _ENV.from_string("""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kørsler – Kommunal PRO</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem; color: #222; }
h1 { font-size: 1.4rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
th { background: #f2f2f2; }
ul { margin: 0; padding-left: 1rem; }
</style>
</head>
<body>
<h1>Kørsler – Kommunal PRO</h1>
<p>{{ rows|length }} {{ "kørsel" if rows|length == 1 else "kørsler" }} i mappen,
med tilstanden som den sidste kommando fandt den;
<code>kpro-econ status</code> kontrollerer den igen.</p>
{% if rows %}<div class="scroll">
<table>
<thead><tr><th>Kørsel</th><th>Tilstand</th><th>Periode</th><th>Ændret ved kørslen (--set)</th>
<th>Delvis (--only)</th><th>Lavet af</th><th>Godkendt af</th><th>I alt, basis</th><th>P80 inkl. risici</th>
<th>Prognose i år</th><th>Budget i år</th><th>Styregruppe</th></tr></thead>
<tbody>
{% for row in rows %}<tr>
<td><a href="{{ row.run_id|href }}/index.html">{{ row.run_id }}</a>
{%- if row.started %}<br>{{ row.started }}{% endif %}</td>
<td>{{ row.state }}</td>
<td>{{ row.period or "" }}</td>
<td>{% if row.overrides %}<ul>{% for o in row.overrides %}<li><code>{{ o }}</code></li>{% endfor %}</ul>{% endif %}</td>
<td>{{ row.only|join(", ") }}</td>
<td>{{ row.made_by or "" }}</td>
<td>{{ row.approved_by }}</td>
<td class="num">{{ row.figures.total_dkk|kr }}</td>
<td class="num">{{ row.figures.p80_dkk|kr }}</td>
<td class="num">{% if row.figures.forecast_dkk is not none %}{{ row.figures.forecast_dkk|kr }}
({{ row.figures.year }}){% endif %}</td>
<td class="num">{{ row.figures.budget_dkk|kr }}</td>
<td>{% if row.released %}<a href="{{ row.run_id|href }}/steering/">steering/</a>{% endif %}</td>
</tr>
{% endfor %}</tbody>
</table>
</div>{% else %}<p>Ingen kørsler endnu.</p>{% endif %}
</body>
</html>
""")


def overview_html(rows: Sequence[RunRow]) -> str:
    """The overview page: the newest run first, each linked to its pack (and its released `steering/`).
    The same runs give the same text (no time of writing), so a check that finds nothing new writes nothing."""
    shown = [
        {**row.__dict__, "started": danish_datetime(row.started) if row.started else None}
        for row in sorted(rows, key=lambda r: r.run_id, reverse=True)
    ]
    return _PAGE.render(rows=shown)

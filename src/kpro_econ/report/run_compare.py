"""`kpro-econ compare`: two runs' tables side by side (A, B, difference) on one page. Pure: takes the runs'
tables by name (as `data/*.csv` holds them), returns the page's HTML text."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2
import pandas as pd

from kpro_econ.params.codes import BASE_SCENARIO
from kpro_econ.report.formatting import kr, number
from kpro_econ.report.labels import COLUMN_LABELS
from kpro_econ.report.times import danish_datetime

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Section:
    """One table of changes: its heading, a line saying what it shows, its columns and its rows as text."""

    title: str
    note: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: Sequence[bool]


def _pair(a: Tables, b: Tables, table: str, *columns: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """`table` of run A and of run B, when both have it with `columns`; else None."""
    ta, tb = a.get(table), b.get(table)
    if ta is None or tb is None or not all(set(columns) <= set(t.columns) for t in (ta, tb)):
        return None
    return ta, tb


def _missing(title: str, table: str) -> Section:
    return Section(title, f"{table}.csv mangler eller mangler kolonner i en af kørslerne; intet at sammenligne.",
                   [], [], [])


def _float(value: Any) -> float | None:
    """A cell as a number; None for a blank (a line, year or scenario only one run has)."""
    if value is None:
        return None
    number_ = float(value)
    return None if math.isnan(number_) else number_


def _amount(value: Any) -> str:
    shown = _float(value)
    return "" if shown is None else kr(shown)


def _difference(a: Any, b: Any) -> str:
    fa, fb = _float(a), _float(b)
    if fa is None or fb is None:
        return ""
    shown = kr(fb - fa)
    return shown if shown.startswith("-") or shown == "0 kr." else f"+{shown}"


def cost_changes(a: Tables, b: Tables) -> Section:
    """The base scenario's costs per line and year in A and in B, and B minus A."""
    title = "Udgifter pr. linje og år (basis)"
    pair = _pair(a, b, "cost_by_year", "scenario", "year", "line", "amount_dkk")
    if pair is None:
        return _missing(title, "cost_by_year")
    ta, tb = pair

    def by_line(table: pd.DataFrame) -> pd.Series:
        base = table[table["scenario"] == BASE_SCENARIO]
        return base.groupby(["line", "year"])["amount_dkk"].sum()

    both = pd.concat({"a": by_line(ta), "b": by_line(tb)}, axis=1).sort_index().reset_index()
    rows = [[str(r.line), str(r.year), _amount(r.a), _amount(r.b), _difference(r.a, r.b)]
            for r in both.itertuples(index=False)]
    return Section(title, "En tom celle: linjen eller året findes ikke i den kørsel.",
                   ["Linje", "År", "A", "B", "Forskel (B − A)"], rows, [False, False, True, True, True])


_SCENARIO_FIGURES = ("total_dkk", "npv_dkk", "p80_dkk", "contingency_dkk")  # headers as the reports' (labels)


def scenario_changes(a: Tables, b: Tables) -> Section:
    """Each scenario's total, present value, P80 and reserve in A and in B, and B minus A."""
    title = "Scenarier"
    pair = _pair(a, b, "scenario_comparison", "scenario")
    if pair is None:
        return _missing(title, "scenario_comparison")
    ta, tb = pair
    figures = [c for c in _SCENARIO_FIGURES if c in ta.columns and c in tb.columns]
    ia, ib = ta.set_index("scenario"), tb.set_index("scenario")
    names = list(dict.fromkeys([*ia.index, *ib.index]))
    rows = []
    for name in names:
        for column in figures:
            va = ia[column][name] if name in ia.index else None
            vb = ib[column][name] if name in ib.index else None
            rows.append([str(name), COLUMN_LABELS[column], _amount(va), _amount(vb), _difference(va, vb)])
    return Section(title, "En tom celle: scenariet findes ikke i den kørsel.",
                   ["Scenarie", "Tal", "A", "B", "Forskel (B − A)"], rows, [False, False, True, True, True])


def risk_changes(a: Tables, b: Tables) -> Section:
    """Risks added and removed, and those whose residual score or expected value changed."""
    title = "Risikoregistret"
    pair = _pair(a, b, "risk_register", "id", "title", "score_residual", "expected_value_dkk")
    if pair is None:
        return _missing(title, "risk_register")
    ta, tb = pair
    # one row per id (a register the run wrote has unique ids; a hand-edited CSV might not)
    ia, ib = ta.drop_duplicates("id").set_index("id"), tb.drop_duplicates("id").set_index("id")
    rows = []
    for risk in sorted({*ia.index, *ib.index}, key=str):
        if risk not in ia.index:
            change, row_a, row_b = "tilføjet", None, ib.loc[risk]
        elif risk not in ib.index:
            change, row_a, row_b = "fjernet", ia.loc[risk], None
        else:
            row_a, row_b = ia.loc[risk], ib.loc[risk]
            same = (row_a["score_residual"] == row_b["score_residual"]
                    and round(float(row_a["expected_value_dkk"])) == round(float(row_b["expected_value_dkk"])))
            if same:
                continue
            change = "ændret"
        shown = row_b if row_b is not None else row_a
        assert shown is not None  # noqa: S101 (a row is in run A, in run B or in both)
        ev_a = row_a["expected_value_dkk"] if row_a is not None else None
        ev_b = row_b["expected_value_dkk"] if row_b is not None else None
        rows.append([str(risk), str(shown["title"]), change,
                     number(row_a["score_residual"]) if row_a is not None else "",
                     number(row_b["score_residual"]) if row_b is not None else "",
                     _amount(ev_a), _amount(ev_b), _difference(ev_a, ev_b)])
    note = "Kun risici, der er tilføjet, fjernet eller har fået en anden score eller forventet værdi."
    return Section(title, note if rows else "Ingen ændringer i risikoregistret.",
                   ["Id", "Risiko", "Ændring", "Score A", "Score B", "Forventet værdi A", "Forventet værdi B",
                    "Forskel (B − A)"], rows, [False, False, False, True, True, True, True, True])


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_PAGE = _ENV.from_string("""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sammenligning: {{ run_a }} og {{ run_b }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 1.5rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
th { background: #f2f2f2; }
</style>
</head>
<body>
<h1>Sammenligning af to kørsler</h1>
<p>A: {{ run_a }}<br>B: {{ run_b }}<br>Skrevet {{ written }}. Beløb i kr.</p>
{% for section in sections %}<h2>{{ section.title }}</h2>
<p>{{ section.note }}</p>
{% if section.rows %}<div class="scroll"><table>
<thead><tr>{% for c in section.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in section.rows %}<tr>{% for cell in row %}<td{% if section.numeric[loop.index0] %} class="num"{% endif %}>
{{- cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table></div>{% endif %}
{% endfor %}</body>
</html>
""")


def compare_html(run_a: str, run_b: str, a: Tables, b: Tables, written: datetime) -> str:
    """The page: cost per line and year, the scenarios and the risk register, each A, B and difference."""
    sections = [cost_changes(a, b), scenario_changes(a, b), risk_changes(a, b)]
    return _PAGE.render(run_a=run_a, run_b=run_b, sections=sections, written=danish_datetime(written))

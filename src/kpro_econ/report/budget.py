"""The cost report's *Budgetopfølgning*: what it rests on, the current year by line, the years in a chart,
and the invoices that do not reconcile. Each function takes the model's `BudgetResult` (None when the
params have no actuals section) and returns one thing to show.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import HTML
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from kpro_econ.model.budget import FollowupFlag, ReconciliationStatus
from kpro_econ.model.decisions import decision_year
from kpro_econ.params.codes import CostLineCode
from kpro_econ.params.models import Params
from kpro_econ.report.charts import PALETTE, _millions, new_figure, sentences
from kpro_econ.report.dates import danish_date
from kpro_econ.report.formatting import kr, mio_kr, percent, style_table
from kpro_econ.report.labels import (
    COST_LINE_LABELS,
    FOLLOWUP_FLAG_LABELS,
    MISSING_SOURCE,
    RECONCILIATION_STATUS_LABELS,
)
from kpro_econ.workbook import BudgetResult, ScenarioResult

TOTAL = "I alt"
NO_ACTUALS = "<p>Parametrene har ingen <code>actuals</code>-sektion, så der er ingen budgetopfølgning.</p>"
WARNING_STYLE = "border:2px solid #b00020;background:#fdecea;padding:8px 12px;margin:8px 0"


def periods_note(result: ScenarioResult, params: Params) -> HTML:
    """Which years are booked, which forecast and which estimated, and the convention of the net
    present value: one sentence above the cost table."""
    books = result.books
    first, last, level = params.years[0], params.years[-1], params.price_level_year
    npv = (f"Nutidsværdien diskonterer alle år til {first} med den reale rente "
           f"{percent(params.discount_rate.mean)}, bogførte år med; beslutningerne (bølge 5 eller bilateralt, "
           f"FUT SPOC-optionen) regner kun med det, der endnu ligger foran, diskonteret til beslutningsåret "
           f"{decision_year(params)}.")
    if books is None:
        return HTML(f"<p>Alle år {first}–{last} er skøn (parametrene har ingen bogføring). {npv}</p>")
    booked = [y for y in params.years if y < books.as_of.year]
    later = [y for y in params.years if y > books.as_of.year]
    parts = []
    if booked:
        parts.append(f"{_span(booked)} er regnskab: det bogførte, omregnet til {level}-priser med pris- og "
                     "lønskønnet")
    if books.as_of.year in params.years:
        parts.append(f"{books.as_of.year} er forventet regnskab: bogført til og med {danish_date(books.as_of)} "
                     "plus det, der endnu forfalder efter hver linjes faktureringsrytme eller forfaldsdato (skøn)")
    if later:
        parts.append(f"{_span(later)} er skøn")
    text = "; ".join(parts)
    return HTML(f"<p>{html.escape(text[:1].upper() + text[1:])}. {html.escape(npv)}</p>")


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def budget_notice(budget: BudgetResult | None) -> HTML:
    """The as-of date, which budget the figures are held against, and a warning on sample actuals."""
    if budget is None:
        return HTML(NO_ACTUALS)
    as_of = danish_date(budget.as_of)
    if budget.baseline_run is None:
        basis = ("Der er endnu ingen godkendt kørsel af disse parametre, så <strong>kørslens eget skøn bruges som "
                 "budget</strong>; afvigelserne viser derfor kun bogført og forventet regnskab mod skønnet.")
    else:
        basis = f"Budgettet er den senest godkendte kørsel, <code>{html.escape(budget.baseline_run)}</code>."
    parts = [f"<p>Bogført til og med {as_of}. Beløb i løbende priser (nominelle kroner); budgettet er omregnet "
             f"fra modellens faste priser med pris- og lønindekset. {basis}</p>"]
    if budget.sample:
        parts.append(f'<div class="kpro-warning" style="{WARNING_STYLE}"><strong>Advarsel: eksempeldata.</strong> '
                     "De bogførte udgifter er genererede eksempeldata, ikke tal fra økonomisystemet. Erstat "
                     "<code>actuals.register</code> i parametrene med et udtræk af bogføringen.</div>")
    return HTML("".join(parts))


def current_year_table(budget: BudgetResult | None) -> Styler | HTML:
    """The as-of year by cost line: budget, booked, forecast and variance, with a total row."""
    if budget is None:
        return HTML("")
    year = budget.as_of.year
    rows = budget.followup[budget.followup["year"] == year]
    booked = f"Bogført pr. {danish_date(budget.as_of)}"
    frame = pd.DataFrame({
        "Udgiftslinje": [COST_LINE_LABELS[CostLineCode(c)] for c in rows["line_code"]],
        "Budget": rows["budget_dkk"].to_numpy(),
        booked: rows["actual_dkk"].to_numpy(),
        "Forventet regnskab": rows["forecast_dkk"].to_numpy(),
        "Afvigelse": rows["variance_dkk"].to_numpy(),
        "Afvigelse i %": rows["variance_pct"].to_numpy(),
        "Bemærkning": [FOLLOWUP_FLAG_LABELS[FollowupFlag(f)] for f in rows["flag"]],
    })
    totals = frame[["Budget", booked, "Forventet regnskab", "Afvigelse"]].sum()
    total_pct = totals["Afvigelse"] / totals["Budget"] if totals["Budget"] else np.nan
    frame = pd.concat([frame, pd.DataFrame([{"Udgiftslinje": TOTAL, **totals.to_dict(), "Afvigelse i %": total_pct,
                                             "Bemærkning": ""}])], ignore_index=True)
    formats = {"Budget": kr, booked: kr, "Forventet regnskab": kr, "Afvigelse": kr, "Afvigelse i %": percent}
    return style_table(frame, formats, caption=f"Budgetopfølgning {year} pr. udgiftslinje", bold_last_row=True)


def years_chart(budget: BudgetResult | None) -> Figure | HTML:
    """Budget, booked and forecast per year side by side, in millions of nominal kroner."""
    if budget is None:
        return HTML("")
    totals = budget.followup.groupby("year")[["budget_dkk", "actual_dkk", "forecast_dkk"]].sum()
    fig, ax = new_figure(8.0, 3.6)
    colours = sns.color_palette(PALETTE, n_colors=3)
    x = np.arange(len(totals))
    for i, (column, label) in enumerate([("budget_dkk", "Budget"), ("actual_dkk", "Bogført"),
                                         ("forecast_dkk", "Forventet regnskab")]):
        ax.bar(x + (i - 1) * 0.27, totals[column], width=0.27, label=label, color=colours[i])
    ax.set_xticks(x, [str(y) for y in totals.index])
    _millions(ax)
    ax.set_xlabel("År")
    ax.set_ylabel("Mio. kr. (løbende priser)")
    ax.set_title(f"Budget, bogført og forventet regnskab pr. år (bogført til {danish_date(budget.as_of)})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    fig.summary = years_summary(totals)
    return fig


def years_summary(totals: pd.DataFrame) -> str:
    """The years' budget, forecast and booked in all, and the year whose forecast is furthest from its budget
    (`totals`: budget_dkk, actual_dkk and forecast_dkk by year)."""
    if totals.empty:
        return ""
    years = [int(y) for y in totals.index]
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    text = sentences(f"Samlet {span}: budget {mio_kr(totals['budget_dkk'].sum())}, forventet regnskab "
                     f"{mio_kr(totals['forecast_dkk'].sum())}, heraf bogført {mio_kr(totals['actual_dkk'].sum())}")
    variance = totals["forecast_dkk"] - totals["budget_dkk"]
    at = int(variance.abs().to_numpy().argmax())
    if round(float(variance.iloc[at])) == 0:
        return f"{text} Forventet regnskab følger budgettet i alle år."
    side = "over" if variance.iloc[at] > 0 else "under"
    return (f"{text} Størst afvigelse i {years[at]}: forventet regnskab {kr(abs(variance.iloc[at]))} {side} "
            "budgettet.")


def reconciliation_table(budget: BudgetResult | None, params: Params) -> Styler | HTML:
    """The invoicing periods that do not reconcile (missing, booked twice, off the agreement)."""
    if budget is None:
        return HTML("")
    table = budget.reconciliation
    if table.empty:
        return HTML("<p>Parametrene nævner ingen aftaler at afstemme (<code>budget.agreements</code>).</p>")
    names = {a.id: a.name for a in params.budget.agreements} if params.budget is not None else {}
    problems = table[table["status"] != ReconciliationStatus.OK.value]
    if problems.empty:
        return HTML(f"<p>Alle {len(table)} fakturaperioder stemmer med aftalerne.</p>")
    frame = pd.DataFrame({
        "Aftale": problems["agreement"].map(names),
        "Periode": problems["period"],
        "Forventet": problems["expected_dkk"],
        "Bogført": problems["booked_dkk"],
        "Difference": problems["difference_dkk"],
        "Status": [RECONCILIATION_STATUS_LABELS[ReconciliationStatus(s)] for s in problems["status"]],
        "Bilag": problems["references"].fillna(""),
    })
    ok = len(table) - len(problems)
    caption = f"Fakturaer, der ikke stemmer ({len(problems)} af {len(table)} perioder; {ok} stemmer)"
    return style_table(frame, {"Forventet": kr, "Bogført": kr, "Difference": kr}, caption=caption)


def tolerance_note(params: Params) -> HTML:
    """Each agreement's tolerance and where it comes from."""
    agreements = params.budget.agreements if params.budget is not None else []
    if not agreements:
        return HTML("")
    parts = [f"{a.name}: {kr(a.tolerance_dkk)} ({a.tolerance_dkk_source or MISSING_SOURCE})" for a in agreements]
    return HTML(f"<p>Tolerance pr. periode: {html.escape('; '.join(parts))}</p>")


def past_year_remarks(budget: BudgetResult | None) -> Styler | HTML:
    """The closed years' lines worth a look: booked without a budget, or budgeted without a booking."""
    if budget is None:
        return HTML("")
    followup = budget.followup
    flagged = followup[(followup["year"] < budget.as_of.year) & (followup["flag"] != FollowupFlag.NONE.value)]
    if flagged.empty:
        return HTML("<p>Ingen bemærkninger til de afsluttede år: alle budgetlinjer har bogføringer, og alle "
                    "bogføringer har et budget.</p>")
    frame = pd.DataFrame({
        "År": flagged["year"].astype(str).to_numpy(),
        "Udgiftslinje": [COST_LINE_LABELS[CostLineCode(c)] for c in flagged["line_code"]],
        "Budget": flagged["budget_dkk"].to_numpy(),
        "Bogført": flagged["actual_dkk"].to_numpy(),
        "Bemærkning": [FOLLOWUP_FLAG_LABELS[FollowupFlag(f)] for f in flagged["flag"]],
    })
    return style_table(frame, {"Budget": kr, "Bogført": kr}, caption="Afsluttede år: linjer at se på")

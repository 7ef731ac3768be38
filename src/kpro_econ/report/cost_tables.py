"""The cost report's tables, shaped and labelled in Danish for approvers.

Each function takes model results and returns a pandas Styler; the numbers come from the model.
"""

from __future__ import annotations

import html
from collections.abc import Hashable
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

from kpro_econ.model.costs import change_request_amounts
from kpro_econ.model.decisions import chosen_route, route_decision
from kpro_econ.params.codes import CostLineCode, FigureUnit
from kpro_econ.params.figures import pert_mean
from kpro_econ.params.models import Params
from kpro_econ.report.dates import danish_date
from kpro_econ.report.formatting import Formatter, declared_table, kr, number, percent, style_table
from kpro_econ.report.labels import (
    CHANGE_REQUEST_STATUS_LABELS,
    COST_KIND_LABELS,
    COST_LINE,
    COST_LINE_LABELS,
    ID,
    KEY_FIGURE,
    KIND,
    MISSING_SOURCE,
    RECOMMENDED,
    STATUS,
    TITLE,
    TOTAL,
    VALUE,
    WAVE_ROUTE_LABELS,
    YEAR,
    figure_label,
    labelled,
    with_figure_labels,
)
from kpro_econ.tables import Table
from kpro_econ.workbook import ScenarioResult

KEY_TEXT = {
    "population": "efter indbyggertal",
    "equal": "ligeligt, så hver kommune betaler det samme",
    "kombit": "efter KOMBIT's infrastrukturprismodel (indbyggere op til {threshold} tæller fuldt, resten halvt)",
}
PAYERS_TEXT = {
    "all": "alle 98 kommuner betaler",
    "live": "kun kommuner, der er gået i drift senest i det pågældende år, betaler",
}


def report_year(params: Params) -> int:
    """The year the headline figures speak of: the price-level year when budgeted, else the first."""
    return params.price_level_year if params.price_level_year in params.years else params.years[0]


def key_figures(result: ScenarioResult, params: Params) -> pd.DataFrame:
    """The handful of figures an approver looks for first."""
    year = report_year(params)
    first, last = params.years[0], params.years[-1]
    costs = result.costs
    fut = costs[(costs["line_code"] == CostLineCode.FUT_FEE) & (costs["year"] == year)]
    return pd.DataFrame(
        [
            (f"Samlede udgifter {year}", kr(result.totals[year])),
            (f"Samlede udgifter {first}–{last}", kr(result.totals.sum())),
            (f"Gennemsnit pr. år {first}–{last}", kr(result.totals.mean())),
            (f"Nutidsværdi {first}–{last} ({percent(params.discount_rate.mean)} diskontering)", kr(result.npv)),
            (f"{COST_LINE_LABELS[CostLineCode.FUT_FEE]} {year}", kr(fut["amount_dkk"].sum())),
            ("Prisniveau", f"{params.price_level_year}-priser (faste priser)"),
        ],
        columns=[KEY_FIGURE, VALUE],
    )


def cost_table(result: ScenarioResult, params: Params | None = None) -> Styler:
    """Cost lines down, years across, with totals both ways; with `params`, the wave route's line names the
    route it carries and marks it *indstillet* while the decision log has not settled it."""
    labels = {**COST_LINE_LABELS, CostLineCode.WAVE_ROUTE: route_line_label(params)}
    costs = result.costs.assign(line=result.costs["line_code"].map(labels),
                                kind=result.costs["kind"].map(COST_KIND_LABELS))
    wide = costs.pivot_table(index=["line", "kind"], columns="year", values="amount_dkk", aggfunc="sum", sort=False)
    wide.columns = [str(c) for c in wide.columns]
    wide[TOTAL] = wide.sum(axis=1)
    wide = wide.reset_index().rename(columns={"line": COST_LINE, "kind": KIND})
    total_row = {COST_LINE: TOTAL, KIND: "", **wide.drop(columns=[COST_LINE, KIND]).sum().to_dict()}
    wide = pd.concat([wide, pd.DataFrame([total_row])], ignore_index=True)
    money = {c: kr for c in wide.columns if c not in (COST_LINE, KIND)}
    return style_table(wide, money, bold_last_row=True)


def route_line_label(params: Params | None) -> str:
    """*Bølge 5 eller bilateralt*, with the route it carries: `(indstillet: bølge 5)` or `(besluttet: …)`."""
    label = COST_LINE_LABELS[CostLineCode.WAVE_ROUTE]
    route = chosen_route(params) if params is not None else None
    if params is None or route is None:
        return label
    state = "besluttet" if route_decision(params) is not None else RECOMMENDED
    return f"{label} ({state}: {WAVE_ROUTE_LABELS[route].lower()})"


def fut_fee_table(result: ScenarioResult) -> Styler:
    """Kommunal PRO's fee beside Telma's, per unit and as a share under each volume key."""
    fee = labelled(Table.FUT_FEE_COMPARISON, result.fut_fee)
    formats: dict[str, Formatter] = {
        "kommunal_pro_volume": lambda v: number(v, 1 if v < 10 else 0),
        "telma_volume": lambda v: number(v, 1 if v < 10 else 0),
        "kommunal_pro_per_unit_dkk": kr,
        "telma_per_unit_dkk": kr,
        "kommunal_pro_share": percent,
        "kommunal_pro_fee_by_key_dkk": kr,
        "telma_fee_by_key_dkk": kr,
    }
    return declared_table(Table.FUT_FEE_COMPARISON, fee[["label", *formats]], formats)


def support_table(result: ScenarioResult, params: Params) -> Styler:
    """The support agreement and the FUT SPOC option per year, with the option's active months."""
    costs = result.costs
    support, spoc_option = COST_LINE_LABELS[CostLineCode.SUPPORT], COST_LINE_LABELS[CostLineCode.SPOC_OPTION]
    months = f"{spoc_option}, måneder"
    rows = []
    spoc = params.support.spoc_option
    for year in params.years:
        in_year = costs[costs["year"] == year]
        rows.append({
            YEAR: str(year),
            support: in_year.loc[in_year["line_code"] == CostLineCode.SUPPORT, "amount_dkk"].sum(),
            months: spoc.months_active.get(year, 0.0) if spoc else 0.0,
            spoc_option: in_year.loc[in_year["line_code"] == CostLineCode.SPOC_OPTION, "amount_dkk"].sum(),
        })
    frame = pd.DataFrame(rows)
    frame[TOTAL] = frame[support] + frame[spoc_option]
    return style_table(frame, {support: kr, months: number, spoc_option: kr, TOTAL: kr})


def change_request_table(register: pd.DataFrame, params: Params) -> Styler:
    """The register as approvers read it: estimate, PERT mean and what enters the budget."""
    budget = {cr_id: float(amount) for cr_id, _, _, amount in change_request_amounts(params, register)}
    budget_column = f"I budgettet ({params.price_level_year}-priser)"
    estimates = list(register[["estimate_low", "estimate_mode", "estimate_high"]].itertuples(index=False, name=None))
    frame = pd.DataFrame({
        ID: register["id"],
        TITLE: register["title"],
        STATUS: register["status"].map(CHANGE_REQUEST_STATUS_LABELS),
        "Prioritet": register["priority"],
        YEAR: register["year"].astype(str),
        "Estimat (lav / mest sandsynlig / høj)": [" / ".join(number(v) for v in e) for e in estimates],
        "PERT-middel": [pert_mean(*e) for e in estimates],
        "Sandsynlighed for godkendelse": register["approval_probability"],
        "Faktisk udgift": register["actual_cost"],
        budget_column: register["id"].map(budget).fillna(0.0),
    })
    return style_table(frame, {"PERT-middel": kr, "Sandsynlighed for godkendelse": percent, "Faktisk udgift": kr,
                               budget_column: kr})


def scenario_table(comparison: pd.DataFrame) -> Styler:
    """Scenarios side by side; with each scenario's Monte Carlo, its P50, P80 and contingency."""
    amounts = [str(c) for c in comparison.columns if c != "scenario"]
    return declared_table(Table.SCENARIO_COMPARISON, comparison, dict.fromkeys(amounts, kr))


def allocation_extremes(allocation: pd.DataFrame, year: int, n: int = 10) -> tuple[Styler, Styler]:
    """The `n` municipalities paying most and least in `year`."""
    in_year = allocation[allocation["year"] == year].sort_values("amount_dkk", ascending=False)
    shown = in_year[["municipality", "region", "share", "amount_dkk"]]
    formats: dict[str, Formatter] = {"share": lambda v: percent(v, 2), "amount_dkk": kr}
    return (declared_table(Table.ALLOCATION, shown.head(n), formats),
            declared_table(Table.ALLOCATION, shown.tail(n).iloc[::-1], formats))


def assumptions_table(assumptions: pd.DataFrame) -> Styler:
    """Forudsætninger og kilder: every figure, its value and where it comes from."""
    assumptions = with_figure_labels(assumptions)
    frame = pd.DataFrame({
        "Forudsætning": assumptions["label"],
        "Værdi": [_figure_text(row) for row in assumptions.to_dict("records")],
        "Prisår": assumptions["price_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
        "Kilde": assumptions["source"],
        "Bemærkning": assumptions["note"],
    })
    return style_table(frame)


def _figure_text(row: dict[Hashable, Any]) -> str:
    """A figure in its unit; a three-point figure as its mean with low, mode and high."""
    unit = figure_label(str(row["parameter"]))[1]

    def fmt(value: float) -> str:
        if unit == FigureUnit.DKK:
            return kr(value)
        if unit == FigureUnit.SHARE:
            return percent(value, 1)
        return number(value, 2 if value < 10 else 0)

    if pd.isna(row["low"]):
        return fmt(row["value"])
    return f"{fmt(row['value'])} (lav {fmt(row['low'])}, mest sandsynlig {fmt(row['mode'])}, høj {fmt(row['high'])})"


def sample_data_notice(municipalities: pd.DataFrame) -> HTML:
    """A visible warning when the citizen counts are sample data rather than official figures."""
    sample = municipalities[municipalities["citizens_is_sample"]]
    if sample.empty:
        sources = sorted(set(municipalities["citizens_source"]))
        return HTML(f"<p>Indbyggertal: {html.escape('; '.join(sources))}.</p>")
    return HTML(
        '<div class="kpro-warning" style="border:2px solid #b00020;background:#fdecea;padding:8px 12px;'
        'margin:8px 0"><strong>Advarsel: eksempeldata.</strong> Indbyggertallet for '
        f"{len(sample)} af {len(municipalities)} kommuner er eksempeldata, ikke officielle tal. "
        "Fordelingen på kommuner er derfor kun vejledende. Erstat tallene med Danmarks Statistiks "
        "FOLK1A (<code>allocation.population</code> i parametrene).</div>"
    )


def allocation_text(params: Params) -> Markdown:
    """How the cost is split, in one sentence."""
    allocation = params.allocation
    key = KEY_TEXT[allocation.key].format(threshold=number(allocation.kombit_threshold))
    source = (f" Grænsen på {number(allocation.kombit_threshold)} indbyggere: "
              f"{allocation.kombit_threshold_source or MISSING_SOURCE}." if allocation.key == "kombit" else "")
    return Markdown(
        f"Hvert års samlede udgift fordeles {key}; {PAYERS_TEXT[allocation.payers]}. "
        f"Beløbene er afrundet til hele kroner, så kommunernes beløb giver præcis den afrundede total.{source}"
    )


def decision_log_table(params: Params) -> Styler | HTML:
    """The decision log: date, body, item, what was decided and its source, newest first."""
    if not params.decisions:
        return HTML("<p>Parametrene har ingen beslutningslog (<code>decisions</code>).</p>")
    log = sorted(params.decisions, key=lambda d: d.date, reverse=True)
    frame = pd.DataFrame({
        "Dato": [danish_date(d.date) for d in log],
        "Organ": [d.body for d in log],
        "Punkt": [d.item for d in log],
        "Besluttet": [d.decided for d in log],
        "Kilde": [d.source for d in log],
    })
    return style_table(frame)

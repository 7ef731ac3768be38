"""The steering group's one-page risk summary, computed from a run's own tables.

Everything here takes the tables a run writes to `data/` (as `workbook.compute_tables` returns them
or as `run_records.read_tables` reads them back), so a release can make the final page from the
approved run's results without running the model again.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import pandas as pd
from IPython.display import HTML
from matplotlib import rc_context
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from kpro_econ.inputs.earlier import ComparedRun
from kpro_econ.params.codes import (
    BASE_SCENARIO,
    Channel,
    CostLineCode,
    Headline,
    KpiTrigger,
    RiskStatus,
    Trend,
    WaveRoute,
)
from kpro_econ.params.models import Params
from kpro_econ.records.run_records import RunApprovals
from kpro_econ.report.charts import ChartFigure
from kpro_econ.report.cost_tables import report_year
from kpro_econ.report.dates import danish_date, danish_month, run_with_date
from kpro_econ.report.formatting import approver_names, kr, number, percent, style_table
from kpro_econ.report.labels import (
    AMOUNT,
    COLUMN_LABELS,
    COST_LINE_LABELS,
    COSTS_IN_YEAR_BY_BASIS,
    DECISION_LABELS,
    HEADLINE_LABELS,
    ID,
    KEY_FIGURE,
    KPI_TRIGGER_LABELS,
    TREND_LABELS,
    UNSIGNED_LABEL,
    VALUE,
    WAVE_ROUTE_LABELS,
)
from kpro_econ.risk.assessment import BOOKED_COLUMN, TRIGGER_COLUMN
from kpro_econ.tables import Table

Tables = Mapping[str, pd.DataFrame]
DRAFT_MARK = "UDKAST – ikke godkendt"
DEFAULT_RECOMMENDATION = "Det indstilles, at forretningsstyregruppen tager orienteringen til efterretning."
PRINT_CSS = """
@page { size: A4; margin: 7mm 10mm; }
@media print {
  body, .jp-RenderedHTMLCommon { font-size: 8pt !important; line-height: 1.25 !important; }
  body.jp-Notebook, main { padding: 0 !important; }
  .jp-Cell, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper { padding: 0 !important; margin: 0 !important; }
  .jp-RenderedHTMLCommon h1 { font-size: 15pt !important; margin: 0 0 1mm !important; }
  .jp-RenderedHTMLCommon h2 { font-size: 10pt !important; margin: 1.2mm 0 0.6mm !important; }
  .kpro-draft { font-size: 1.1em !important; padding: 2px 8px !important; }
  .jp-RenderedHTMLCommon p { margin: 0.8mm 0 !important; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { padding: 0.4mm 2mm !important; }
  .jp-InternalAnchorLink { display: none !important; }
}
.jp-OutputArea-output table { font-size: 0.85em; }
.kpro-row { display: flex; gap: 6mm; align-items: flex-start; }
.kpro-col { flex: 1 1 0; min-width: 0; }
.kpro-col img { max-width: 100%; height: auto; }
.kpro-risks td { vertical-align: top; }
/* A phone: one column, every amount whole. Each of the largest risks (id, risk, owner, mitigation,
   amount, trend) takes three lines, its header likewise: id, risk and amount; owner (and trend); mitigation. */
@media screen and (max-width: 699px) {
  .kpro-row { display: block; }
  .jp-RenderedHTMLCommon h1 { font-size: 1.5em !important; }
  .kpro-risks, .kpro-risks thead, .kpro-risks tbody { display: block; }
  .kpro-risks tr { display: grid; grid-template-columns: 3em minmax(0, 1fr) auto; }
  .kpro-risks thead tr { background: #eef2f6; }
  .kpro-risks tr > * { grid-column: 2; }
  .kpro-risks tr > :nth-child(1) { grid-column: 1; grid-row: 1 / span 3; }
  .kpro-risks tr > :nth-child(2) { grid-row: 1; }
  .kpro-risks tr > :nth-child(4) { grid-column: 2 / 4; }
  .kpro-risks tr > :nth-child(5) { grid-column: 3; grid-row: 1; }
  .kpro-risks tr > :nth-child(6) { grid-column: 3; grid-row: 2; }
}
.kpro-items { margin: 0.5mm 0; padding-left: 5mm; }
.kpro-stamp { border: 2px solid #1b5e20; color: #1b5e20; padding: 4px 10px; display: inline-block;
              font-weight: bold; }
.kpro-draft { border: 3px solid #b00020; color: #b00020; padding: 4px 10px; display: inline-block;
              font-weight: bold; font-size: 1.3em; letter-spacing: 0.05em; }
"""


def print_style() -> HTML:
    """A4 page set-up and compact tables, so the summary prints on one page."""
    return HTML(f"<style>{PRINT_CSS}</style>")


def approval_stamp(approval: RunApprovals | None) -> HTML:
    """The approval stamp (every approver, *usigneret* if a signature is missing), or an unmistakable
    draft mark on a page that does not have every approval it needs."""
    if approval is None or not approval.complete:
        return HTML(f'<p><span class="kpro-draft" data-kpro-status>{DRAFT_MARK}</span></p>')
    when = danish_date(pd.Timestamp(max(a.approved_at for a in approval.approvals)))
    who = approver_names(approval.approvals)
    unsigned = f" ({UNSIGNED_LABEL})" if approval.unsigned else ""
    text = f"Godkendt internt i Digitalisering og IT {when} af {who}{unsigned}"
    return HTML(f'<p><span class="kpro-stamp">{html.escape(text)}</span></p>')


@dataclass(frozen=True)
class Headlines:
    """The headline figures as numbers by code, in the order shown, and the Danish label of each."""

    values: dict[Headline, float]
    labels: dict[Headline, str]


def headline_values(tables: Tables, params: Params) -> Headlines:
    """The headline figures, for the table and for comparing runs."""
    costs = tables[Table.COST_BY_YEAR]
    base = costs[costs["scenario"] == BASE_SCENARIO]
    comparison = tables[Table.SCENARIO_COMPARISON]
    npv = dict(zip(comparison["scenario"], comparison["npv_dkk"], strict=True))[BASE_SCENARIO]
    year = report_year(params)
    values = {
        Headline.COSTS_IN_YEAR: float(base.loc[base["year"] == year, "amount_dkk"].sum()),
        Headline.COSTS_TOTAL: float(base["amount_dkk"].sum()),
        Headline.NET_PRESENT_VALUE: float(npv),
    }
    if Table.RISK_POOL in tables:
        values[Headline.RISK_POOL] = float(tables[Table.RISK_POOL]["expected_value_dkk"].sum())
    if Table.MONTECARLO_SUMMARY in tables:
        summary = tables[Table.MONTECARLO_SUMMARY].set_index("statistic")["value_dkk"]
        values[Headline.RESERVE] = float(summary["contingency"])
    fields = {"year": year, "period": f"{params.years[0]}–{params.years[-1]}",
              "percentile": f"P{round(params.monte_carlo.confidence * 100)}",
              "share": percent(params.monte_carlo.confidence, 0)}
    labels = {code: HEADLINE_LABELS[code].format(**fields) for code in values}
    bases = set(base.loc[base["year"] == year, "basis"]) if "basis" in base else set()
    if len(bases) == 1:  # a run made before the cost table said what a year rests on keeps "Udgifter"
        labels[Headline.COSTS_IN_YEAR] = COSTS_IN_YEAR_BY_BASIS[str(bases.pop())].format(**fields)
    return Headlines(values, labels)


CHANGE = "Ændring siden sidst godkendte"


def headline_table(headlines: Headlines, previous: Headlines | None) -> pd.DataFrame:
    """The headline figures with the change since the last approved run, where there is one."""
    values = headlines.values
    frame = pd.DataFrame({KEY_FIGURE: [headlines.labels[code] for code in values], AMOUNT: list(values.values())})
    if previous:
        before = previous.values
        frame[CHANGE] = [value - before[code] if code in before else None for code, value in values.items()]
    return frame


def headline_styled(headlines: Headlines, previous: Headlines | None) -> Styler:
    table = headline_table(headlines, previous)
    formats = {AMOUNT: kr, CHANGE: _signed_kr}
    return style_table(table, {column: formats[column] for column in table.columns if column in formats})


def _signed_kr(amount: float | None) -> str:
    if amount is None or pd.isna(amount):
        return ""
    return "uændret" if round(amount) == 0 else ("+" if amount > 0 else "−") + kr(abs(amount))


TOP_RISK_HEADERS = {"id": "id", "title": "risk", "owner": "owner", "mitigation": "mitigation",
                    "band_residual": "band", "expected_value_dkk": "expected_value_dkk", "trend": "trend"}
"""The columns of `top_risks`, each with the key of its Danish header (`labels.COLUMN_LABELS`)."""


def top_risks(tables: Tables, n: int = 5) -> pd.DataFrame:
    """The `n` open risks with the largest expected value still to come (a risk whose years are closed can
    no longer occur): id, title, owner, the owner's mitigation (*tiltag*), band, expected value still to
    come, trend (as the register's columns, codes and numbers)."""
    register = _still_to_come(tables[Table.RISK_REGISTER])
    top = register[register["status"] == RiskStatus.OPEN].sort_values(["expected_value_dkk", "id"],
                                                                      ascending=[False, True])
    return pd.DataFrame({
        "id": top["id"],
        "title": top["title"],
        "owner": top["owner"],
        "mitigation": top["mitigation"].fillna("") if "mitigation" in top else "",
        "band_residual": top["band_residual"],
        "expected_value_dkk": top["expected_value_dkk"],
        "trend": top["trend"],
    }).head(n)


def top_risks_shown(top: pd.DataFrame) -> pd.DataFrame:
    """`top_risks` (or some of its columns) as the summary shows it: Danish headers, amounts in kroner,
    trends as arrows."""
    shown = top.copy()
    if "expected_value_dkk" in shown:
        shown["expected_value_dkk"] = shown["expected_value_dkk"].map(kr)
    if "trend" in shown:
        shown["trend"] = shown["trend"].map(TREND_LABELS).fillna("")
    return shown.rename(columns={column: COLUMN_LABELS[TOP_RISK_HEADERS[column]] for column in shown.columns})


def top_risks_styled(tables: Tables, n: int = 5, with_trend: bool = True) -> Styler:
    """The five largest risks, the amount kept on one line; a trend column only when there is one (and
    `with_trend`: the run it compares with still verifies as approved). The band is left to the heat
    map beside it, so that the owner's mitigation has room on one A4 page."""
    top = top_risks(tables, n).drop(columns="band_residual")
    if not with_trend or not top["trend"].map(TREND_LABELS).fillna("").astype(bool).any():
        top = top.drop(columns="trend")
    styled = style_table(top_risks_shown(top)).set_table_attributes('class="kpro-risks"')
    amount = COLUMN_LABELS[TOP_RISK_HEADERS["expected_value_dkk"]]
    return styled.set_properties(subset=[amount], **{"text-align": "right", "white-space": "nowrap"})


def _still_to_come(register: pd.DataFrame) -> pd.DataFrame:
    """The register with each expected value cut to its share still to come, and the risks with none left
    out (a register written before the column existed is taken whole)."""
    if "share_to_come" not in register:
        return register
    share = register["share_to_come"].astype("float64").fillna(1.0)
    kept = register.assign(expected_value_dkk=register["expected_value_dkk"] * share)
    return kept[(share > 0) | (register["status"] != RiskStatus.OPEN)]


def open_in_closed_years(register: pd.DataFrame) -> pd.DataFrame:
    """The open risks whose years are all closed: they can no longer occur and have left the pool."""
    if "share_to_come" not in register:
        return register.iloc[0:0]
    gone = (register["status"] == RiskStatus.OPEN) & (register["share_to_come"].astype("float64") == 0)
    return register[gone].sort_values("id")


def closed_years_note(register: pd.DataFrame, titles: bool = True) -> HTML:
    """One line naming the open risks of closed years, which left the pool and the simulation (by id
    alone with `titles=False`, as the one-page summary names them)."""
    gone = open_in_closed_years(register)
    if gone.empty:
        return HTML("")
    if not titles:
        text = (f"Åbne risici fra afsluttede år ({', '.join(gone['id'].astype(str))}) kan ikke længere indtræffe "
                "og er ude af risikopuljen.")
        return HTML(f"<p>{html.escape(text)}</p>")
    names = "; ".join(f"{r['id']} {r['title']} ({_year_text(r.get('proximity'))})" for r in gone.to_dict("records"))
    text = (f"Åbne risici i afsluttede år: {names}. Året er afsluttet, så de kan ikke længere indtræffe og er "
            "taget ud af risikopuljen og simuleringen; kan en af dem stadig indtræffe, rettes dens forventede år "
            "i registret.")
    return HTML(f"<p>{html.escape(text)}</p>")


def _year_text(year: Any) -> str:
    return str(int(year)) if year is not None and pd.notna(year) else "alle år"


def occurred_note(tables: Tables) -> HTML:
    """One line naming the occurred risks (with the KPI rule that made one occur), the cost line that
    now carries each one's cost and the amount, so that no risk reads as both open and happened; once
    their year is closed, what was booked, or that nothing was. The wave route's line, when no occurred
    risk carries it, is named the same way once its year is closed."""
    register = tables[Table.RISK_REGISTER]
    happened = register[register["status"] == RiskStatus.OCCURRED].sort_values("id")
    costs = tables[Table.COST_BY_YEAR]
    base = costs[costs["scenario"] == BASE_SCENARIO]
    route_total = float(base.loc[base["line_code"] == CostLineCode.WAVE_ROUTE, "amount_dkk"].sum())
    parts: list[str] = []
    closed: list[str] = []
    unbooked: list[str] = []
    for risk in happened.to_dict("records"):
        trigger = risk.get(TRIGGER_COLUMN)
        why = f" (udløst: {_trigger_text(trigger)})" if isinstance(trigger, str) and trigger else ""
        line = CostLineCode(risk.get(BOOKED_COLUMN) or CostLineCode.OCCURRED_RISKS)
        name = f"{risk['id']} {risk['title']}{why}"
        booked = _booked_in_closed_year(base, line, risk.get("proximity"))
        if booked is None:
            amount = route_total if line == CostLineCode.WAVE_ROUTE else float(risk.get("cost_mean") or 0.0)
            parts.append(f"{name}, som {COST_LINE_LABELS[line].lower()}: {kr(amount)}")
        elif booked[1] == 0:
            cause = f"udløst: {_trigger_text(trigger)}; " if isinstance(trigger, str) and trigger else ""
            unbooked.append(f"{risk['id']} {risk['title']} ({cause}{COST_LINE_LABELS[line].lower()}, {booked[0]})")
        else:
            closed.append(f"{name}: bogført {kr(booked[1])} på {COST_LINE_LABELS[line].lower()} i {booked[0]}")
    sentences = [("Indtrufne risici, nu i budgettet: " + "; ".join(parts)) if parts else "",
                 ("Indtrufne risici i afsluttede år: " + "; ".join(closed)) if closed else "",
                 (f"Indtrufne risici i afsluttede år uden bogføring ({NOT_BOOKED}): " + "; ".join(unbooked))
                 if unbooked else ""]
    carried = any(str(r.get(BOOKED_COLUMN) or "") == CostLineCode.WAVE_ROUTE for r in happened.to_dict("records"))
    if not carried:
        sentences.append(route_in_closed_year(tables))
    return HTML("".join(f"<p>{html.escape(t if t.endswith('.') else t + '.')}</p>" for t in sentences if t))


NOT_BOOKED = "det skete ikke, eller det er bogført på en anden linje"
"""What a closed year with nothing booked on a risk's or route's line means."""


def route_in_closed_year(tables: Tables) -> str:
    """*Bølge 5 eller bilateralt* when its year is closed: what was booked on it, or that nothing was."""
    if Table.WAVE_ROUTE_DECISION not in tables or tables[Table.WAVE_ROUTE_DECISION].empty:
        return ""
    costs = tables[Table.COST_BY_YEAR]
    base = costs[costs["scenario"] == BASE_SCENARIO]
    year = tables[Table.WAVE_ROUTE_DECISION].iloc[0]["year"]
    booked = _booked_in_closed_year(base, CostLineCode.WAVE_ROUTE, year)
    label = COST_LINE_LABELS[CostLineCode.WAVE_ROUTE]
    if booked is None:
        return ""
    if booked[1] == 0:
        return f"{label}: {booked[0]} er afsluttet uden bogføring på linjen ({NOT_BOOKED})"
    return f"{label}: bogført {kr(booked[1])} i {booked[0]}"


def _booked_in_closed_year(base: pd.DataFrame, line: CostLineCode, year: Any) -> tuple[int, float] | None:
    """(year, amount booked on `line`) when the risk's year is closed (booked), else None."""
    if "basis" not in base or year is None or pd.isna(year):
        return None
    rows = base[base["year"] == int(year)]
    if rows.empty or not (rows["basis"] == "booked").all():
        return None
    return int(year), float(rows.loc[rows["line_code"] == line, "amount_dkk"].sum())


def _trigger_text(code: str) -> str:
    label = KPI_TRIGGER_LABELS[KpiTrigger(code)]
    return label[:1].lower() + label[1:]


Content: TypeAlias = Styler | Figure | HTML
Block: TypeAlias = tuple[str, Content | Sequence[Content]]


def side_by_side(*columns: Block | Sequence[Block]) -> HTML:
    """Columns next to each other, each one or more blocks (a heading and a table, chart or text),
    so that the summary stays one A4 page."""
    rendered = []
    for column in columns:
        blocks: Sequence[Block] = [column] if isinstance(column, tuple) else column
        parts = [f"<h2>{html.escape(title)}</h2>{_body(title, content)}" for title, content in blocks]
        rendered.append(f'<div class="kpro-col">{"".join(parts)}</div>')
    return HTML(f'<div class="kpro-row">{"".join(rendered)}</div>')


def _body(title: str, content: Content | Sequence[Content]) -> str:
    if isinstance(content, Styler):
        return content.to_html()
    if isinstance(content, HTML):
        text: str = content.data or ""
        return text
    if isinstance(content, Figure):
        return figure_image(content, title)
    return "".join(_body(title, part) for part in content)


CSS_PX_PER_INCH = 96


def figure_image(fig: Figure, title: str) -> str:
    """The figure as a vector image (SVG) shown at the size it was drawn, so that its text prints at the
    sizes it was given; its alt text the figure's own (`ChartFigure`), else `title`."""
    buffer = io.BytesIO()
    # No date and fixed ids: the same run gives the same page.
    with rc_context({"svg.hashsalt": "kpro-econ", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    width, height = (round(inches * CSS_PX_PER_INCH) for inches in fig.get_size_inches())
    alt = fig.alt_text() if isinstance(fig, ChartFigure) else title
    return (f'<img class="kpro-chart" alt="{html.escape(alt)}" width="{width}" height="{height}" '
            f'src="data:image/svg+xml;base64,{data}">')


def status_sentence(approval: RunApprovals | None) -> str:
    """What the page says about its own approval, from the run's state and nothing else.

    A draft (or a run still short of approvals) awaits internal approval (minutes 23.6.2023, item 5:
    the risk assessment goes to the steering group once Digitalisering og IT has approved it); an
    approved or released run names who approved it and when.
    """
    if approval is None or not approval.complete:
        return ("Rapporten er et udkast, der afventer intern godkendelse i Digitalisering og IT; "
                "først derefter forelægges den forretningsstyregruppen.")
    when = danish_date(pd.Timestamp(max(a.approved_at for a in approval.approvals)))
    who = approver_names(approval.approvals)
    released = " og frigivet til forretningsstyregruppen" if approval.release is not None else ""
    return f"Rapporten er godkendt internt i Digitalisering og IT {when} af {who}{released}."


def economy(tables: Tables, params: Params) -> pd.DataFrame:
    """The economy the minutes (item 5) ask for, from the base scenario's cost lines: the two fees in
    the report year, and the change requests approved and proposed over the budget years."""
    costs = tables[Table.COST_BY_YEAR]
    base = costs[costs["scenario"] == BASE_SCENARIO]
    year, first, last = report_year(params), params.years[0], params.years[-1]

    def row(line: CostLineCode, in_year: int | None = None) -> tuple[str, float]:
        rows = base[base["line_code"] == line]
        if in_year is not None:
            rows = rows[rows["year"] == in_year]
        words = SUMMARY_LINE_WORDS.get(line, COST_LINE_LABELS[line])
        return f"{words} {in_year or f'{first}–{last}'}", float(rows["amount_dkk"].sum())

    rows = [row(CostLineCode.SOLUTION_FEE, year), row(CostLineCode.INFRASTRUCTURE_FEE, year),
            row(CostLineCode.CR_APPROVED), row(CostLineCode.CR_PIPELINE)]
    return pd.DataFrame(rows, columns=[ECONOMY, AMOUNT])


ECONOMY = "Økonomi"
SUMMARY_LINE_WORDS = {
    CostLineCode.CR_APPROVED: "Ændringsønsker, godkendte",
    CostLineCode.CR_PIPELINE: "Ændringsønsker, foreslåede (forventet)",
}
"""The change-request lines in plain words on the summary (the reports keep the short ÆØ names)."""


def economy_styled(tables: Tables, params: Params) -> Styler:
    return style_table(economy(tables, params), {AMOUNT: kr})


def risk_changes(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Risks that are new, closed, or whose residual score moved since the last approved run."""
    columns = [ID, COLUMN_LABELS["risk"], "Ændring"]
    if previous is None:
        return pd.DataFrame(columns=columns)
    before = {str(r["id"]): r for r in previous.to_dict("records")}
    rows = []
    for risk in current.to_dict("records"):
        old = before.pop(str(risk["id"]), None)
        if old is None:
            change = TREND_LABELS[Trend.NEW]
        elif risk["status"] != RiskStatus.OPEN and old["status"] == RiskStatus.OPEN:
            change = TREND_LABELS[Trend.CLOSED] if risk["status"] == RiskStatus.CLOSED else "indtruffet"
        elif int(risk["score_residual"]) != int(old["score_residual"]):
            change = f"score {int(old['score_residual'])} → {int(risk['score_residual'])}"
        else:
            continue
        rows.append((risk["id"], risk["title"], change))
    rows += [(risk_id, old["title"], "fjernet fra registret") for risk_id, old in sorted(before.items())]
    return pd.DataFrame(rows, columns=columns)


def kpi_strip(tables: Tables) -> pd.DataFrame:
    """Operations and adoption in one line each: availability, support, live municipalities, wave 5."""
    if Table.KPI_AVAILABILITY not in tables:
        return pd.DataFrame(columns=[KEY_FIGURE, VALUE])
    availability = tables[Table.KPI_AVAILABILITY].iloc[-1]
    support = tables[Table.KPI_SUPPORT_BY_CHANNEL]
    months = sorted(support["month"].unique())[-12:]
    recent = support[support["month"].isin(months)]
    staff = recent.loc[recent["channel"] == Channel.STAFF, "requests"].sum()
    total = recent["requests"].sum()
    adoption = tables[Table.KPI_ADOPTION_BY_MONTH].iloc[-1]
    decision = tables[Table.KPI_WAVE5_DECISION].iloc[0]
    month = danish_month(availability["month"], short=True)
    rows = [
        (f"Tilgængelighed {month}",
         f"{percent(availability['availability'], 2)} (mål {percent(availability['target'], 1)})"),
        (f"Supporthenvendelser, seneste {len(months)} mdr.",
         f"{number(total)} ({percent(staff / max(1, total), 0)} fra medarbejdere)"),
        (f"Kommuner i drift {danish_month(adoption['month'], short=True)}",
         f"{int(adoption['live_municipalities'])} af 98"),
        (f"Bølge 4 ikke klar (udtræk {danish_month(decision['month'], short=True)})",
         f"{int(decision['not_ready'])} (tærskel {int(decision['threshold'])}): "
         f"{DECISION_LABELS[str(decision['decision'])]}{_after_deadline(tables, decision['month'])}"),
    ]
    return pd.DataFrame(rows, columns=[KEY_FIGURE, VALUE])


def _after_deadline(tables: Tables, month: Any) -> str:
    """A warning when the count's extract is from after the deadline of the decision it informs."""
    routes = tables.get(Table.WAVE_ROUTE_DECISION)
    if routes is None or routes.empty or "deadline" not in routes or pd.isna(routes.iloc[0]["deadline"]):
        return ""
    deadline = pd.Timestamp(routes.iloc[0]["deadline"])
    if pd.Timestamp(month).to_period("M").start_time <= deadline:
        return ""
    return f" – udtræk efter fristen {danish_date(deadline)}"


def generated_sentences(headlines: Headlines, previous: Headlines | None,
                        tables: Tables, params: Params) -> list[str]:
    """Sentences for the case presentation, written from the numbers themselves."""
    values = headlines.values
    first, last = params.years[0], params.years[-1]
    sentences = [f"De samlede udgifter til Kommunal PRO i {first}–{last} er opgjort til "
                 f"{kr(values[Headline.COSTS_TOTAL])} i {params.price_level_year}-priser."]
    if Table.RISK_POOL in tables:
        pool = tables[Table.RISK_POOL]
        sentences.append(f"Risikopuljen udgør {kr(values[Headline.RISK_POOL])} fordelt på {len(pool)} risici; "
                         f"den største er {pool.iloc[0]['title']} ({pool.iloc[0]['id']}).")
    if Table.MONTECARLO_SUMMARY in tables:
        sentences.append(f"Med en reserve på {kr(values[Headline.RESERVE])} oven i budgettet med risikopulje holder "
                         f"budgettet i {percent(params.monte_carlo.confidence, 0)} af de simulerede udfald.")
    if previous:
        total = values[Headline.COSTS_TOTAL]
        change = total - previous.values.get(Headline.COSTS_TOTAL, total)
        sentences.append("De samlede udgifter er uændrede siden sidst godkendte rapport." if round(change) == 0 else
                         f"De samlede udgifter er {'steget' if change > 0 else 'faldet'} med {kr(abs(change))} "
                         "siden sidst godkendte rapport.")
    return sentences


def heading(params: Params, approval: RunApprovals | None) -> HTML:
    """Period line and the approval stamp (or the draft mark)."""
    period = params.summary.period or ""
    line = f"Bilag til forretningsstyregruppen{' · ' + period if period else ''}"
    return HTML(f"<p>{html.escape(line)}</p>{approval_stamp(approval).data}")


def case_presentation(params: Params, sentences: list[str], approval: RunApprovals | None = None) -> HTML:
    """*Sagsfremstilling*: the controller's text from the params, the run's approval state, then the
    sentences from the numbers."""
    parts = [params.summary.sagsfremstilling, status_sentence(approval), " ".join(sentences)]
    return HTML(f"<p>{html.escape(' '.join(p for p in parts if p))}</p>")


ORIENTATION, DECISION, DISCUSSION = "Orientering", "Beslutning", "Drøftelse"
"""The kinds of agenda item (*art*), as the steering group's agenda marks them (O, B, D)."""


def recommendation_items(tables: Tables, params: Params) -> list[tuple[str, str]]:
    """(art, text) of each point of the *indstilling*: the controller's own (an orientation), an option
    not yet decided (a decision, with both routes' costs and the deadline), and risks overdue for review
    (a discussion)."""
    items = [(ORIENTATION, params.summary.indstilling or DEFAULT_RECOMMENDATION)]
    route = tables.get(Table.WAVE_ROUTE_DECISION)
    if route is not None and not route.empty and "decided" in route and not bool(route.iloc[0]["decided"]):
        items.append((DECISION, _route_item(route.iloc[0], params)))
    register = tables.get(Table.RISK_REGISTER)
    if register is not None and "review_overdue" in register and register["review_overdue"].astype(bool).any():
        overdue = register[register["review_overdue"].astype(bool)]
        active = int((register["status"] != RiskStatus.CLOSED).sum())
        months = params.risk.review_months if params.risk is not None else 6
        items.append((DISCUSSION, f"{len(overdue)} af {active} risici er ikke vurderet i {months} måneder (ældste "
                                  f"{danish_date(overdue['last_reviewed'].min())}); registret gennemgås med ejerne."))
    return items


def _route_item(row: pd.Series, params: Params) -> str:
    """The wave-5 question as a point to decide: the count, the route recommended and both costs, the
    deadline, and whether its year is closed (what was booked is in `occurred_note`)."""
    route = WaveRoute(str(row["route"]))
    other = WaveRoute.BILATERAL if route == WaveRoute.WAVE5 else WaveRoute.WAVE5
    cost = row.get(f"{other}_dkk")
    other_cost = kr(float(cost)) if cost is not None and pd.notna(cost) else "ikke muligt"
    deadline = row.get("deadline")
    late = (deadline is not None and pd.notna(deadline) and params.actuals is not None
            and pd.Timestamp(deadline).date() < params.actuals.as_of)
    text = (f"Bølge 5 eller bilateralt ({int(row['not_ready'])} kommuner fra bølge 4 ikke klar): indstillet "
            f"{WAVE_ROUTE_LABELS[route].lower()}, {kr(float(row[f'{route}_dkk']))} ({WAVE_ROUTE_LABELS[other].lower()} "
            f"{other_cost}; lige dyrt ved {_count_text(row.get('break_even'))}). Frist {danish_date(deadline)}"
            f"{' (overskredet)' if late else ''}.")
    if "to_come" in row and not bool(row["to_come"]):
        text += f" {int(row['year'])} er afsluttet: valget flytter ingen kommende udgifter."
    return text


def _count_text(value: Any) -> str:
    return str(int(value)) if value is not None and pd.notna(value) else "intet antal under 30"


def recommendation(tables: Tables, params: Params) -> HTML:
    """*Indstilling*: each point marked with its art (Orientering, Beslutning, Drøftelse)."""
    items = "".join(f"<li><strong>{html.escape(art)}:</strong> {html.escape(text)}</li>"
                    for art, text in recommendation_items(tables, params))
    return HTML(f'<ul class="kpro-items">{items}</ul>')


def changes_block(compared: ComparedRun | None, changes: pd.DataFrame) -> list[Content]:
    """What to say about the changes since the approved run compared with, and their table when there are any."""
    return [changes_section(compared, changes), *([style_table(changes)] if len(changes) else [])]


def changes_section(compared: ComparedRun | None, changes: pd.DataFrame) -> HTML:
    """What to say above the table of changed risks (naming the run, with its date); the table itself
    only when there are changes."""
    if compared is None:
        return HTML("<p>Ingen tidligere godkendt kørsel at sammenligne med.</p>")
    name = html.escape(run_with_date(compared.run_id, compared.started))
    if changes.empty:
        return HTML(f"<p>Ingen ændringer i risici siden den senest godkendte kørsel {name}.</p>")
    return HTML(f"<p>Sammenlignet med den senest godkendte kørsel {name}:</p>")


def budget_line(tables: Tables, params: Params) -> HTML:
    """*Budgetopfølgning* in one line: what the as-of year's forecast is, its budget and whose budget that
    is, the variance and the largest one. The forecast's amount is the headline figure when the headline
    year is the as-of year (and its prices the year's own), so it is not given a second time."""
    if Table.BUDGET_FOLLOWUP not in tables or params.actuals is None:
        return HTML("")
    followup = tables[Table.BUDGET_FOLLOWUP]
    as_of = params.actuals.as_of
    year = as_of.year
    rows = followup[followup["year"] == year]
    if rows.empty:
        return HTML("")
    forecast, budget = float(rows["forecast_dkk"].sum()), float(rows["budget_dkk"].sum())
    largest = rows.iloc[int(rows["variance_dkk"].abs().to_numpy().argmax())]
    line = COST_LINE_LABELS[CostLineCode(str(largest["line_code"]))]
    runs = {str(r) for r in rows["budget_run"].fillna("") if str(r)} if "budget_run" in rows else set()
    whose = (f"den godkendte kørsel {runs.pop()}" if runs else
             "kørslens eget skøn, da ingen kørsel er godkendt endnu")
    same_figure = report_year(params) == year == params.price_level_year
    what = (f"Forventet regnskab {year} ({'nøgletallet' if same_figure else kr(forecast)}) er det bogførte til og "
            f"med {danish_date(pd.Timestamp(as_of))} plus det, der endnu forfalder i år efter hver linjes "
            "faktureringsrytme eller forfaldsdato.")
    text = (f"{what} Budgettet for {year} er {kr(budget)} ({whose}). Afvigelse i alt "
            f"{_signed_kr(forecast - budget)}, størst på {line}: {_signed_kr(float(largest['variance_dkk']))}")
    # the amount ends in "kr.": no second full stop
    return HTML(f'<p class="kpro-budget-line"><strong>Budgetopfølgning.</strong> {html.escape(text)}</p>')

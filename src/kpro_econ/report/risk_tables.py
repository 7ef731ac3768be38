"""The risk report's tables and sentences, shaped and labelled in Danish for approvers.

Each function takes the `RiskResult` of `workbook.compute_risk` (or one of its frames) and returns a
DataFrame, a Styler or a short HTML paragraph; the numbers come from `risk.py`, `montecarlo.py` and
`sensitivity.py`. Tables go through `formatting.style_table`, which escapes every cell; the sentences
built here escape every value with `html.escape`. Sorting needs no JavaScript: the register is shown
sorted by score, and a second table sorted by expected value.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from kpro_econ.errors import KproError
from kpro_econ.inputs.earlier import ComparedRun
from kpro_econ.params.codes import BASE_SCENARIO, CostLineCode, KpiTrigger, RiskStatus
from kpro_econ.params.models import MonteCarlo, RiskSettings
from kpro_econ.report import steering
from kpro_econ.report.dates import danish_date, run_with_date
from kpro_econ.report.formatting import kr, number, percent, style_table
from kpro_econ.report.labels import (
    COST_LINE,
    COST_LINE_LABELS,
    ID,
    KEY_FIGURE,
    KPI_TRIGGER_LABELS,
    MISSING_SOURCE,
    OWNER,
    RISK_STATUS_LABELS,
    STATUS,
    TITLE,
    TOTAL,
    TREND_LABELS,
    VALUE,
    YEAR,
    with_input_labels,
)
from kpro_econ.report.risk_charts import band_colours, text_colour_on
from kpro_econ.risk.assessment import TRIGGER_COLUMN, booked_in
from kpro_econ.risk.montecarlo import RISK_PREFIX, percentile_name
from kpro_econ.tables import Table
from kpro_econ.workbook import RiskResult

RISK_LINES = (CostLineCode.RISK_POOL, CostLineCode.MITIGATION, CostLineCode.OCCURRED_RISKS)
NO_PREVIOUS_RUN = "ingen tidligere godkendt kørsel"
SCORE_BEFORE, SCORE_AFTER = "Score før tiltag", "Score efter tiltag"
PROBABILITY, EXPECTED = "Sandsynlighed", "Forventet værdi"
COST_IF_OCCURS = "Udgift hvis den indtræffer (PERT-middel)"
REVIEWED = "Senest vurderet"
OVERDUE = "forældet"
"""The mark of a review older than `risk.review_months`."""
TIES_NOTE_ABOVE = 0.05
"""Explain an achieved rank correlation further than this from its target."""
THREE_POINT = "Udgift lav / mest sandsynlig / høj"
STATISTIC_LABELS = {"mean": "Middelværdi", "P50": "P50", "P80": "P80", "P95": "P95", "base": "Basisbudget",
                    "pool": "Risikopulje", "budget": "Budget med risikopulje"}
STATISTIC_NOTES = {
    "mean": "Gennemsnittet af alle simulerede udfald",
    "P50": "Halvdelen af udfaldene er lavere",
    "P80": "8 ud af 10 udfald er lavere",
    "P95": "19 ud af 20 udfald er lavere",
    "base": "Omkostningsmodellen med risikoreducerende tiltag, uden risikopulje",
    "pool": "De største åbne risicis forventede værdi i de år, der ikke er afsluttet",
    "budget": "Basisbudgettet plus risikopuljen: udgifterne i omkostningsrapporten",
}


def require_risk(risk: RiskResult | None) -> RiskResult:
    """The risk result, or a clear error when the params have no risk register."""
    if risk is None:
        raise KproError("Parametrene har ingen risikosektion (risk:), så der er ingen risikorapport at vise")
    return risk


def _by_score(register: pd.DataFrame) -> pd.DataFrame:
    order = ["score_residual", "expected_value_dkk", "id"]
    return register.sort_values(order, ascending=[False, False, True], kind="stable", ignore_index=True)


def _by_expected_value(register: pd.DataFrame) -> pd.DataFrame:
    open_risks = register[register["status"] == RiskStatus.OPEN]
    return open_risks.sort_values(["expected_value_dkk", "id"], ascending=[False, True], kind="stable",
                                  ignore_index=True)




def _with_band_colours(styler: Styler, register: pd.DataFrame, columns: dict[str, str],
                       settings: RiskSettings) -> Styler:
    """Each score column's cells in its band's colour; `columns` maps a shown column to its band column.

    `register` holds the band columns row by row as the table shows them (both indexed 0, 1, …).
    """
    colours = band_colours(settings.bands)

    def css(band: object) -> str:
        colour = colours.get(str(band), "#ffffff")
        return (f"background-color: {colour}; color: {text_colour_on(colour)}; text-align: center; "
                "white-space: nowrap")

    styles = pd.DataFrame({shown: [css(b) for b in register[band]] for shown, band in columns.items()},
                          index=register.index)
    return styler.apply(lambda _: styles, axis=None, subset=list(columns))


def key_figures(risk: RiskResult, years: Sequence[int], compared: ComparedRun | None) -> pd.DataFrame:
    """The handful of figures an approver looks for first (`Nøgletal`, `Værdi`)."""
    register, simulation = risk.register, risk.simulation
    open_risks = register[register["status"] == RiskStatus.OPEN]
    period = f"{min(years)}–{max(years)}"
    rows = [("Åbne risici", number(len(open_risks)))]
    rows += [(f"– heraf {band.name} (score {band.min_score}–{band.max_score} efter tiltag)",
              number(int((open_risks["band_residual"] == band.name).sum())))
             for band in sorted(risk.settings.bands, key=lambda b: -b.min_score)]
    rows += [
        ("Lukkede og indtrufne risici", number(int((register["status"] != RiskStatus.OPEN).sum()))),
        (f"Risikopulje ({len(risk.pool)} risici, forventet værdi af det, der endnu kan ske)",
         kr(risk.pool["expected_value_dkk"].sum())),
        (f"Basisbudget {period} (uden risikopulje)", kr(simulation.base)),
        (f"Budget {period} med risikopulje", kr(simulation.budget)),
        (f"P50 {period}", kr(simulation.percentiles["P50"])),
        (f"P80 {period}", kr(simulation.percentiles["P80"])),
        (f"P95 {period}", kr(simulation.percentiles["P95"])),
        (f"Reserve ved {percentile_name(simulation.confidence)} (over budgettet med risikopulje)",
         kr(simulation.contingency)),
        ("Udviklingen er målt mod", compared_text(compared)),
    ]
    return pd.DataFrame(rows, columns=[KEY_FIGURE, VALUE])


def band_legend(settings: RiskSettings) -> Styler:
    """The bands: name, scores and colour."""
    bands = sorted(settings.bands, key=lambda b: b.min_score)
    frame = pd.DataFrame({"Bånd": [b.name for b in bands],
                          "Score": [f"{b.min_score}–{b.max_score}" for b in bands]})
    register = pd.DataFrame({"band": frame["Bånd"]})
    return _with_band_colours(style_table(frame), register, {"Bånd": "band"}, settings)


def compared_text(compared: ComparedRun | None) -> str:
    """The run the trend compares with, as the pages name it, or that there is none."""
    if compared is None:
        return NO_PREVIOUS_RUN
    return f"senest godkendte kørsel {run_with_date(compared.run_id, compared.started)}"


def trend_note(compared: ComparedRun | None) -> HTML:
    """What the column *Udvikling* compares with: only ever an approved run."""
    if compared is None:
        return HTML("<p>Der er ingen tidligere godkendt kørsel at sammenligne med, så kolonnen "
                    "<em>Udvikling</em> er tom.</p>")
    return HTML(f"<p>Kolonnen <em>Udvikling</em> sammenligner scoren efter tiltag med den "
                f"<strong>{html.escape(compared_text(compared))}</strong>: ↑ højere, ↓ lavere, → uændret, "
                "<em>ny</em> ikke med sidst, <em>lukket</em> lukket siden.</p>")


def register_frame(register: pd.DataFrame) -> pd.DataFrame:
    """Every risk, sorted by score after mitigation, then expected value (Danish columns)."""
    shown = _by_score(register)
    return pd.DataFrame({
        ID: shown["id"],
        TITLE: shown["title"],
        "Kategori": shown["category"].str.capitalize(),
        OWNER: shown["owner"],
        STATUS: shown["status"].map(RISK_STATUS_LABELS),
        SCORE_BEFORE: shown["score_inherent"].astype(str),
        SCORE_AFTER: shown["score_residual"].astype(str),
        PROBABILITY: shown["probability_resolved"].where(shown["status"] == RiskStatus.OPEN),
        EXPECTED: shown["expected_value_dkk"].where(shown["status"] == RiskStatus.OPEN),
        "I puljen": ["Ja" if in_pool else "" for in_pool in shown["in_pool"]],
        "Udvikling": shown["trend"].map(TREND_LABELS),
        REVIEWED: [danish_date(d) + (f" ({OVERDUE})" if late else "") for d, late in zip(
            shown["last_reviewed"], shown.get("review_overdue", pd.Series(False, index=shown.index)), strict=True)],
    })


def review_note(risk: RiskResult, on: date) -> HTML:
    """How many risks are overdue for review on `on` (`risk.review_months`), and where that rule comes from."""
    register, months = risk.register, risk.settings.review_months
    overdue = register[register["review_overdue"].astype(bool)] if "review_overdue" in register else register.iloc[0:0]
    source = html.escape(f" ({risk.settings.review_months_source})" if risk.settings.review_months_source else "")
    if overdue.empty:
        return HTML(f"<p>Alle risici er vurderet inden for {months} måneder før {danish_date(on)}{source}.</p>")
    active = int((register["status"] != RiskStatus.CLOSED).sum())
    return HTML(f"<p><strong>{len(overdue)} af {active} risici er ikke vurderet i {months} måneder</strong> før "
                f"{danish_date(on)}{source}; den ældste vurdering er fra "
                f"{danish_date(overdue['last_reviewed'].min())}. De er markeret <em>{OVERDUE}</em> i registret "
                "og bør gennemgås med risikoejerne.</p>")


def pool_note(settings: RiskSettings) -> HTML:
    """The pool's size and where it comes from."""
    source = settings.pool_size_source or MISSING_SOURCE
    return HTML(f"<p>Puljen er højst {settings.pool_size} risici (kilde: {html.escape(source)}). Den forventede "
                "værdi er den del, der endnu kan ske: en risiko i et afsluttet år kan ikke længere indtræffe og "
                "er ikke med.</p>")


def register_table(risk: RiskResult) -> Styler:
    """The register as `register_frame`, the scores coloured by band."""
    frame = register_frame(risk.register)
    styler = style_table(frame, {PROBABILITY: lambda v: percent(v, 0), EXPECTED: kr, REVIEWED: str})
    bands = {SCORE_BEFORE: "band_inherent", SCORE_AFTER: "band_residual"}
    return _with_band_colours(styler, _by_score(risk.register), bands, risk.settings)


def top_by_expected_value(risk: RiskResult, n: int = 10) -> Styler:
    """The `n` open risks with the largest expected value, compact."""
    top = _by_expected_value(risk.register).head(n)
    frame = pd.DataFrame({
        "Rang": range(1, len(top) + 1),
        ID: top["id"],
        TITLE: top["title"],
        PROBABILITY: top["probability_resolved"],
        COST_IF_OCCURS: top["cost_mean"],
        EXPECTED: top["expected_value_dkk"],
        SCORE_AFTER: top["score_residual"].astype(str),
    })
    styler = style_table(frame, {"Rang": number, PROBABILITY: lambda v: percent(v, 0), COST_IF_OCCURS: kr,
                                 EXPECTED: kr})
    return _with_band_colours(styler, top, {SCORE_AFTER: "band_residual"}, risk.settings)


def pool_table(risk: RiskResult) -> Styler:
    """The pool: rank, risk, probability, cost if it occurs, expected value and year; with its total."""
    pool = risk.pool
    frame = pd.DataFrame({
        "Rang": pool["rank"].astype(str),
        ID: pool["id"],
        TITLE: pool["title"],
        OWNER: pool["owner"],
        PROBABILITY: pool["probability"],
        COST_IF_OCCURS: pool["cost_mean"],
        EXPECTED: pool["expected_value_dkk"],
        YEAR: pool["years"],
    })
    total = {"Rang": TOTAL, EXPECTED: float(pool["expected_value_dkk"].sum())}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    caption = f"Risikopuljen: de {len(pool)} åbne risici med størst forventet værdi (højst {risk.settings.pool_size})"
    return style_table(frame, {PROBABILITY: lambda v: percent(v, 0), COST_IF_OCCURS: kr, EXPECTED: kr, YEAR: str},
                       caption=caption, bold_last_row=True)


def pool_by_year_frame(costs: pd.DataFrame) -> pd.DataFrame:
    """*Risikopulje*, *Risikoreducerende tiltag* and *Indtrufne risici* as they enter the cost model:
    years across, totals."""
    lines = costs[costs["line_code"].isin(RISK_LINES)]
    wide = lines.pivot_table(index="line_code", columns="year", values="amount_dkk", aggfunc="sum", sort=False)
    wide = wide.reindex(list(RISK_LINES)).fillna(0.0)
    wide.index = [COST_LINE_LABELS[code] for code in RISK_LINES]
    wide.columns = [str(c) for c in wide.columns]
    wide[TOTAL] = wide.sum(axis=1)
    wide = wide.rename_axis(COST_LINE).reset_index()
    total = {COST_LINE: TOTAL, **wide.drop(columns=COST_LINE).sum().to_dict()}
    return pd.concat([wide, pd.DataFrame([total])], ignore_index=True)


def pool_by_year(costs: pd.DataFrame) -> Styler:
    frame = pool_by_year_frame(costs)
    return style_table(frame, {c: kr for c in frame.columns if c != COST_LINE}, bold_last_row=True)


def montecarlo_frame(risk: RiskResult) -> pd.DataFrame:
    """`risk.summary` with Danish statistic names and a line on what each means."""
    name = percentile_name(risk.simulation.confidence)
    labels = {**STATISTIC_LABELS, "contingency": f"Reserve ({name} − budget med risikopulje, mindst 0)"}
    share = percent(risk.simulation.confidence, 0 if float(name[1:]).is_integer() else 1)
    notes = {**STATISTIC_NOTES,
             "contingency": f"Det, der skal lægges oven i budgettet med risikopulje for at dække {share} af "
                            "udfaldene; 0, når budgettet allerede gør det"}
    summary = risk.summary
    return pd.DataFrame({
        "Størrelse": summary["statistic"].map(labels),
        "Beløb": summary["value_dkk"],
        "Forklaring": summary["statistic"].map(notes),
    })


def montecarlo_table(risk: RiskResult) -> Styler:
    return style_table(montecarlo_frame(risk), {"Beløb": kr})


def simulation_text(risk: RiskResult, monte_carlo: MonteCarlo) -> HTML:
    """Iterations, seed, and each correlation group with its target and achieved rank correlation."""
    simulation = risk.simulation
    named = with_input_labels(risk.sensitivity)
    labels = dict(zip(named["input"], named["label"], strict=True))
    text = (f"Simuleringen har {number(simulation.iterations)} udfald med startværdien (seed) "
            f"{simulation.seed}; samme startværdi giver de samme tal. Reserven sættes ved "
            f"{percentile_name(simulation.confidence)} (kilde: {monte_carlo.confidence_source or MISSING_SOURCE}). ")
    if not monte_carlo.correlations:
        return HTML(f"<p>{html.escape(text)}Alle input trækkes uafhængigt af hinanden.</p>")
    groups = []
    for group, spec in monte_carlo.correlations.items():
        achieved = simulation.achieved_rank_correlations.get(group)
        # an input out of the simulation (a risk that can no longer occur) is named by its id, and why
        members = "; ".join(labels.get(name) or f"{name.removeprefix(RISK_PREFIX)} (ikke i simuleringen)"
                            for name in spec.inputs)
        has_risk = any(name.startswith(RISK_PREFIX) for name in spec.inputs)
        short = has_risk and achieved is not None and abs(achieved - spec.rank_correlation) > TIES_NOTE_ABOVE
        note = (" (en risiko, der ofte ikke indtræffer, har mange ens udfald på 0 kr., og de ens udfald "
                "begrænser, hvor høj rangkorrelationen kan blive)") if short else ""
        source = html.escape(spec.rank_correlation_source or MISSING_SOURCE)
        got = (f"opnået {number(achieved, 2)}" if achieved is not None
               else "ikke brugt: færre end to af gruppens input er med i simuleringen")
        groups.append(f"<li><strong>{html.escape(group)}</strong> ({html.escape(members)}): ønsket "
                      f"rangkorrelation {number(spec.rank_correlation, 2)} (kilde: {source}), {got}{note}</li>")
    return HTML(f"<p>{html.escape(text)}Input, der følges ad, er trukket med rangkorrelation (Iman–Conover), "
                f"fordi de breder halen ud:</p><ul>{''.join(groups)}</ul>")


def variance_frame(sensitivity: pd.DataFrame) -> pd.DataFrame:
    """Every input's swing and share of the simulated variance, the largest share first."""
    shown = with_input_labels(sensitivity).sort_values(["variance_share", "swing_dkk"], ascending=False,
                                                        kind="stable")
    return pd.DataFrame({
        "Input": shown["label"],
        "Total ved lavt skøn": shown["low_total_dkk"],
        "Total ved højt skøn": shown["high_total_dkk"],
        "Udsving": shown["swing_dkk"],
        "Andel af variansen": shown["variance_share"],
    }).reset_index(drop=True)


def variance_table(risk: RiskResult) -> Styler:
    frame = variance_frame(risk.sensitivity)
    return style_table(frame, {"Total ved lavt skøn": kr, "Total ved højt skøn": kr, "Udsving": kr,
                               "Andel af variansen": percent})


def closed_and_occurred_frame(register: pd.DataFrame) -> pd.DataFrame:
    """Risks that are closed or have occurred: listed, not pooled."""
    shown = register[register["status"] != RiskStatus.OPEN].sort_values(["status", "id"], kind="stable")
    return pd.DataFrame({
        ID: shown["id"],
        TITLE: shown["title"],
        STATUS: shown["status"].map(RISK_STATUS_LABELS),
        "Udløst af": shown[TRIGGER_COLUMN].map(_trigger_label) if TRIGGER_COLUMN in shown else "",
        OWNER: shown["owner"],
        "Tiltag": shown["mitigation"],
        "Udgift til tiltag": shown["mitigation_cost"],
        "I budgettet som": booked_in(shown).map(_line_label),
        "Egen udgift": shown["cost_mean"].where(booked_in(shown) == str(CostLineCode.OCCURRED_RISKS)),
        REVIEWED: shown["last_reviewed"],
    }).reset_index(drop=True)


def _trigger_label(code: object) -> str:
    return KPI_TRIGGER_LABELS[KpiTrigger(code)] if isinstance(code, str) and code else ""


def closed_and_occurred(risk: RiskResult) -> Styler:
    return style_table(closed_and_occurred_frame(risk.register),
                       {"Udgift til tiltag": kr, "Egen udgift": kr, REVIEWED: danish_date})


def _line_label(code: object) -> str:
    return COST_LINE_LABELS[CostLineCode(code)] if isinstance(code, str) and code else ""


def assumptions_frame(register: pd.DataFrame) -> pd.DataFrame:
    """Each risk's probability and three-point cost, and where they come from. A probability the
    register leaves blank comes from the likelihood after mitigation and is marked `*`; a closed risk
    can no longer occur and shows none."""
    shown = register.sort_values("id", kind="stable", ignore_index=True)
    derived = shown["probability"].isna() & (shown["status"] != RiskStatus.CLOSED)
    probability = [
        "" if status == RiskStatus.CLOSED else percent(p, 0) + (" *" if mark else "")
        for p, status, mark in zip(shown["probability_resolved"], shown["status"], derived, strict=True)
    ]
    return pd.DataFrame({
        ID: shown["id"],
        TITLE: shown["title"],
        PROBABILITY: probability,
        THREE_POINT: [_three_point(*costs) for costs in zip(
            shown["cost_low"], shown["cost_mode"], shown["cost_high"], strict=True)],
        "Kilde": shown["source"],
        "Grundlag for skøn": shown["estimate_source"],
        REVIEWED: shown["last_reviewed"],
    })


def assumptions_table(risk: RiskResult) -> Styler:
    frame = assumptions_frame(risk.register)
    styler = style_table(frame, {PROBABILITY: str, THREE_POINT: str, REVIEWED: danish_date})
    return styler.set_properties(subset=["Grundlag for skøn"], **{"min-width": "16em"})


def _three_point(low: float, mode: float, high: float) -> str:
    """`100.000 / 250.000 / 600.000 kr.`; blank where the register gives no estimate."""
    if pd.isna(mode):
        return ""
    return " / ".join(number(v) for v in (low, mode, high)) + " kr."


def probability_note(settings: RiskSettings) -> HTML:
    """Where a risk gives no probability: the probability of its likelihood after mitigation."""
    mapping = ", ".join(f"{likelihood} → {percent(p, 0)}"
                        for likelihood, p in sorted(settings.probability_by_likelihood.items()))
    return HTML(f"<p>Sandsynligheder markeret * står ikke i registret; de er udledt af sandsynlighedsscoren "
                f"efter tiltag: {html.escape(mapping)}.</p>")


def books_notes(risk: RiskResult, costs: pd.DataFrame, decisions: Mapping[str, pd.DataFrame]) -> HTML:
    """What the books say about the risks: open risks of closed years (out of the pool), and occurred
    risks or the wave route whose year is closed, with what was booked or that nothing was."""
    tables: dict[str, pd.DataFrame] = {Table.RISK_REGISTER: risk.register,
                                       Table.COST_BY_YEAR: costs.assign(scenario=BASE_SCENARIO), **decisions}
    parts = [steering.closed_years_note(risk.register).data or "", steering.occurred_note(tables).data or ""]
    return HTML("".join(parts) or "<p>Ingen risici i afsluttede år.</p>")

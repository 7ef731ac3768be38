"""What each risk chart shows, in a sentence or two for its alt text (`ChartFigure.summary`): the largest
risks and inputs, the percentiles and what the budgets cover, from the frame or result it draws."""

from __future__ import annotations

import pandas as pd

from kpro_econ.report.charts import danish_and, sentences
from kpro_econ.report.formatting import kr, mio_kr, number, percent
from kpro_econ.risk.montecarlo import SimulationResult, percentile_name

LISTED = 3  # the largest risks and inputs named one by one


def top_risks_summary(top: pd.DataFrame) -> str:
    """The largest risks by expected value, the largest first, and what the risks shown add up to."""
    if top.empty:
        return ""
    ordered = top.sort_values(["expected_value_dkk", "id"], ascending=[False, True], kind="stable")
    named = [f"{r['id']} {r['title']} med {kr(r['expected_value_dkk'])}" for _, r in ordered.head(LISTED).iterrows()]
    return sentences(f"Størst: {danish_and(named)}", f"De {number(len(top))} viste risici har i alt en forventet "
                     f"værdi på {kr(ordered['expected_value_dkk'].sum())}")


BUDGET_MARKS = (("base", "basisbudgettet"), ("budget", "budgettet med risikopulje"),
                ("budget_with_reserve", "budgettet med pulje og reserve"))


def s_curve_summary(simulation: SimulationResult, levels: list[tuple[str, float]]) -> str:
    """The marked percentiles, then each budget's amount and the share of the outcomes it covers."""
    marks = danish_and([f"{name} {mio_kr(simulation.percentiles[name])}" for name, _ in levels])
    covers = simulation.coverage.set_index("mark")["share"]
    amounts = {"base": simulation.base, "budget": simulation.budget,
               "budget_with_reserve": simulation.budget + simulation.contingency}
    budgets = [f"{label} ({mio_kr(amounts[mark])}) {percent(float(covers[mark]), 0)}" for mark, label in BUDGET_MARKS]
    return sentences(marks, f"Af de simulerede udfald dækker {danish_and(budgets)}")


def histogram_summary(simulation: SimulationResult) -> str:
    """The outcomes' range and most frequent amount, the budgets and the reserve marked on it."""
    bins = simulation.histogram
    if bins.empty:
        return ""
    peak = bins.iloc[int(bins["count"].to_numpy().argmax())]
    middle = (float(peak["bin_low_dkk"]) + float(peak["bin_high_dkk"])) / 2
    name = percentile_name(simulation.confidence)
    return sentences(
        f"Udfaldene går fra {mio_kr(bins['bin_low_dkk'].iloc[0])} til {mio_kr(bins['bin_high_dkk'].iloc[-1])}, "
        f"flest omkring {mio_kr(middle)}",
        f"Basisbudget {mio_kr(simulation.base)}, budget med risikopulje {mio_kr(simulation.budget)}, {name} "
        f"{mio_kr(simulation.at_confidence)}; reserve {mio_kr(simulation.contingency)}")


def tornado_summary(shown: pd.DataFrame, centre: float) -> str:
    """The inputs that swing the total most (the largest first), each from its low to its high total."""
    if shown.empty:
        return ""
    ordered = shown.sort_values("swing_dkk", ascending=False, kind="stable").head(LISTED)
    named = [f"{r['label']} fra {number(r['low_total_dkk'] / 1e6, 1)} til {mio_kr(r['high_total_dkk'])}"
             for _, r in ordered.iterrows()]
    return sentences(f"Flytter totalen mest, omkring den forventede total på {mio_kr(centre)}: {danish_and(named)}")

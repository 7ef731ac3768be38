"""Presentation in Danish: labels, number formats, tables and charts per report, the steering summary."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
__all__ = [
    "budget", "charts", "cli_texts", "cost_tables", "dates", "decisions", "excel", "formatting", "kpi_charts",
    "kpi_tables", "labels", "params_listing", "risk_charts", "risk_tables", "run_compare", "run_overview", "steering",
    "times",
]

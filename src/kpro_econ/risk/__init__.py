"""The risk model: scores, bands, the risk pool, Monte Carlo, Iman–Conover and sensitivity. Pure, no I/O."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
__all__ = ["assessment", "columns", "iman_conover", "montecarlo", "sensitivity"]

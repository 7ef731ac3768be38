"""Parameters: the frozen pydantic models and the figures with their provenance (lowest layer above errors)."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
__all__ = ["approval", "codes", "decisions", "figures", "kpi", "models"]

"""The friendly edge: YAML params, register readers, municipalities, FOLK1A and earlier runs, with one-line errors."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
# Not listed, the package's own: registers, rows, municipalities, budget, kpi_registers and risk_register,
# all read through `load`.
__all__ = ["earlier", "files", "load", "messages", "overrides", "statbank", "tables", "yaml_params"]

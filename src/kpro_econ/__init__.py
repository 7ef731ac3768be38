"""kpro-econ: economy and risk workbook for Kommunal PRO."""

from importlib.metadata import PackageNotFoundError, version

# The layers (architecture.md), from the command line down to the errors, and the version. Importing the
# package loads none of the layers; each is imported where it is used.
__all__ = [
    "__version__", "cli", "errors", "inputs", "kpi", "model", "params", "records", "release", "report", "risk", "run",
    "tables", "workbook",
]

try:
    __version__ = version("kpro-econ")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

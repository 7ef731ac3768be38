"""kpro-econ: economy and risk workbook for Kommunal PRO."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kpro-econ")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

"""The cost model: prices, cost lines, allocation, the FUT fee and assumptions. Pure functions, no I/O."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
# Not listed, the package's own: phasing, the books' and the budget's.
__all__ = ["allocation", "assumptions", "books", "budget", "costs", "decisions", "fut_fee", "lines", "prices"]

"""The cost model: prices, cost lines, allocation, the FUT fee and assumptions. Pure functions, no I/O."""

"""The risk model: scores, bands, the risk pool, Monte Carlo, Iman–Conover and sensitivity. Pure, no I/O."""

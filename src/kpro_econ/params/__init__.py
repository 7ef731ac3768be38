"""Parameters: the frozen pydantic models and the figures with their provenance (lowest layer above errors)."""

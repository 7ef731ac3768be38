"""Operations, adoption and roadmap measures. Pure, no I/O."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
__all__ = ["measures", "tables"]

"""The archive of earlier runs: run records, the ledger, signatures and the rules for which approvals count."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
__all__ = ["approvals", "history", "ledger", "ledger_heads", "maker", "run_records", "signatures", "trust"]

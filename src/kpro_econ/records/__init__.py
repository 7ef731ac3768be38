"""The archive of earlier runs: run records, the ledger, signatures and the rules for which approvals count."""

"""Approval and release: the approval record, its checks and the steering pack."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
__all__ = ["approval", "approvers", "compare", "overview", "stamp", "status", "steering_pack", "verify"]

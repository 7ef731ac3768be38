"""Approval and release: the approval record, its checks and the steering pack."""

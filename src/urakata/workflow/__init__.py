"""Approval workflow engine. Other domains plug in with `register_subject`:

from urakata.workflow import register_subject
register_subject(ExpenseClaim, on_approved=..., on_rejected=..., fields_for_conditions=[...])
"""

from urakata.workflow.registry import register_subject

__all__ = ["register_subject"]

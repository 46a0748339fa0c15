"""Approval workflow engine. Other domains plug in through their manifest:

from urakata.workflow import subject_type
MANIFEST = DomainManifest(..., workflow_subjects=(
    subject_type(ExpenseClaim, on_approved=..., on_rejected=..., fields_for_conditions=[...]),
))
"""

from urakata.workflow.registry import subject_type

__all__ = ["subject_type"]

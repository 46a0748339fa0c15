"""Background tasks (django-tasks): reading the audit log for manual changes."""

from __future__ import annotations

from django_tasks import task

from urakata.core.permissions import SYSTEM
from urakata.dx.manuals import manual_drafts_scan


@task()
def manual_scan_task() -> int:
    """Draft manual updates for routes, forms and accounts changed since the last run."""
    return manual_drafts_scan(actor=SYSTEM)

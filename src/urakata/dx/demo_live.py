"""Demo: a few live writes so that every domain's process measures show a value.

Audit events carry the real time of the write, and some steps are never taken by the domains'
own demos (nobody clocks in "now", the 備品購入申請 wait in the inbox). The DX demo, seeded last,
takes them through the domains' services: a few employees clock in today, one asks for a clock
correction, and the pending supply requests are approved by their approver.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.apps import apps

from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.org.models import Employee
from urakata.workflow.models import ApprovalRequest, StepAssignment
from urakata.workflow.notifications import email_muted
from urakata.workflow.services_approver import request_approve

REFUSED = (Conflict, PermissionDenied, ValidationFailed)


def _attendance(today: dt.date) -> dict[str, int]:
    if not apps.is_installed("urakata.attendance"):
        return {}
    services = importlib.import_module("urakata.attendance.services")
    requests = importlib.import_module("urakata.attendance.requests")
    people = list(
        Employee.objects.filter(status=Employee.Status.ACTIVE, user__isnull=False)
        .select_related("user")
        .order_by("code")[10:18]
    )
    clocked = corrected = 0
    for employee in people:
        try:
            services.clock_in(actor=employee.user, location_note="デモ")
            clocked += 1
        except REFUSED:
            continue
    day = today - dt.timedelta(days=1)
    if people and day.month == today.month:
        try:
            requests.correction_submit(
                actor=people[0].user,
                work_date=day,
                start=9 * 60,
                end=18 * 60,
                break_minutes=60,
                reason="打刻漏れ(デモ)",
            )
            corrected = 1
        except REFUSED:
            pass
    return {"clock_ins": clocked, "corrections": corrected}


def _approve_pending(subject_type: str) -> int:
    """Approve each pending request of the type step by step, as each step's approver."""
    approved = 0
    pending = ApprovalRequest.objects.filter(
        subject_type=subject_type, status=ApprovalRequest.Status.IN_PROGRESS
    ).order_by("pk")
    for request in pending:
        for _step in range(6):
            request.refresh_from_db()
            slot = (
                StepAssignment.objects.filter(
                    step_id=request.current_step_id, status=StepAssignment.Status.PENDING
                )
                .select_related("approver")
                .first()
            )
            if request.status != ApprovalRequest.Status.IN_PROGRESS or slot is None:
                break
            try:
                request_approve(actor=slot.approver, request_id=request.pk)
            except REFUSED:
                break
        approved += request.status == ApprovalRequest.Status.APPROVED
    return approved


def live_measures(today: dt.date) -> dict[str, Any]:
    """The live writes (see the module docstring); what was done, for the demo's summary."""
    with email_muted():
        return {
            **_attendance(today),
            "supply_requests_approved": _approve_pending("facilities.supplyrequest"),
        }

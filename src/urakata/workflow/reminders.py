"""Reminders (督促) and escalation (エスカレーション) for steps that wait too long.

Run periodically: `urakata workflow remind` (cron) or the `workflow_remind_task` django-task.
Each step keeps `remind_at` / `escalate_at`, set from the frozen route when it starts, so the
periodic run only reads steps that are due (indexed), never the whole table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from urakata.core.audit import audit_record
from urakata.org.models import Employee
from urakata.workflow.models import Action, ApprovalRequest, RequestStep, StepAssignment
from urakata.workflow.notifications import notify

PENDING = StepAssignment.Status.PENDING


def _due(field: str, now: dt.datetime) -> list[int]:
    return list(
        RequestStep.objects.filter(
            status=RequestStep.Status.PENDING,
            request__status=ApprovalRequest.Status.IN_PROGRESS,
            **{f"{field}__lte": now},
        )
        .order_by("request_id")
        .values_list("pk", flat=True)
    )


def _locked_step(step_id: int, field: str, now: dt.datetime) -> RequestStep | None:
    """Lock the request, then re-check the step is still pending and due."""
    step = RequestStep.objects.select_related("request").get(pk=step_id)
    request = ApprovalRequest.objects.select_for_update().get(pk=step.request_id)
    step.refresh_from_db()
    due = getattr(step, field)
    if (
        request.status != ApprovalRequest.Status.IN_PROGRESS
        or request.current_step_id != step.pk
        or step.status != RequestStep.Status.PENDING
        or due is None
        or due > now
    ):
        return None
    step.request = request
    return step


def _remind(step_id: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        step = _locked_step(step_id, "remind_at", now)
        if step is None:
            return False
        request = step.request
        slots = list(step.assignments.filter(status=PENDING).select_related("approver"))
        waited = now - (step.activated_at or now)
        notify(
            users=[s.approver for s in slots],
            request=request,
            kind="remind",
            message=f"【督促】{request.number} {request.title} が {waited.days}日 承認待ちです({step.name})",
        )
        StepAssignment.objects.filter(pk__in=[s.pk for s in slots]).update(last_reminded_at=now)
        hours = request.route_snapshot.get("remind_after_hours", 48)
        step.remind_at = now + dt.timedelta(hours=hours)
        step.save(update_fields=["remind_at"])
        Action.objects.create(
            request=request,
            step=step,
            kind=Action.Kind.REMIND,
            at=now,
            comment=", ".join(s.approver.get_username() for s in slots),
        )
        audit_record(
            actor=None,
            action="workflow.request.remind",
            target=request,
            changes={"step": step.name, "approvers": [s.approver_id for s in slots]},
        )
    return True


def _manager_of(user_id: int) -> Any | None:
    employee = Employee.objects.select_related("manager__user").filter(user_id=user_id).first()
    manager = employee.manager if employee else None
    if manager is None or manager.user is None or not manager.user.is_active:
        return None
    return manager.user


def _escalate(step_id: int, now: dt.datetime) -> int:
    """Add the next manager up for every pending approver of the step; returns slots added."""
    added = 0
    with transaction.atomic():
        step = _locked_step(step_id, "escalate_at", now)
        if step is None:
            return 0
        request = step.request
        pending = list(step.assignments.filter(status=PENDING).order_by("pk"))
        on_step = {s.approver_id for s in step.assignments.all()}
        roots: dict[int, StepAssignment] = {}
        for slot in pending:  # the latest pending slot of each approver chain
            roots[slot.escalated_from_id or slot.pk] = slot
        for root_id, latest in roots.items():
            manager = _manager_of(latest.approver_id)
            if manager is None or manager.pk in on_step or manager.pk == request.applicant_id:
                continue
            StepAssignment.objects.create(
                step=step, approver=manager, status=PENDING, escalated_from_id=root_id
            )
            on_step.add(manager.pk)
            added += 1
            Action.objects.create(
                request=request,
                step=step,
                kind=Action.Kind.ESCALATE,
                at=now,
                on_behalf_of_id=latest.approver_id,
                comment=manager.get_username(),
            )
            notify(
                users=[manager],
                request=request,
                kind="escalate",
                message=f"【エスカレーション】{request.number} {request.title} の承認をお願いします({step.name})",
            )
        hours = request.route_snapshot.get("escalate_after_hours", 120)
        step.escalate_at = now + dt.timedelta(hours=hours)
        step.save(update_fields=["escalate_at"])
        if added:
            audit_record(
                actor=None,
                action="workflow.request.escalate",
                target=request,
                changes={"step": step.name, "added": added},
            )
    return added


def workflow_remind(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind approvers of overdue steps and escalate long-waiting ones to the next manager."""
    now = now or timezone.now()
    reminded = sum(_remind(step_id, now) for step_id in _due("remind_at", now))
    escalated = sum(_escalate(step_id, now) for step_id in _due("escalate_at", now))
    return {"reminded": reminded, "escalated": escalated}

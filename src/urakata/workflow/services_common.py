"""What the request services share: locking, the subject, building and activating a round,
and deciding a request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.workflow.conditions import conditions_match
from urakata.workflow.models import (
    Action,
    ApprovalRequest,
    Delegation,
    Quorum,
    RequestStep,
    StepAssignment,
)
from urakata.workflow.notifications import notify
from urakata.workflow.registry import get_subject_type
from urakata.workflow.resolution import RELATIVE_KINDS, applicant_employee, resolve_spec
from urakata.workflow.routes import route_seed as route_seed

Status = ApprovalRequest.Status
SStatus = RequestStep.Status
AStatus = StepAssignment.Status


# ---------------------------------------------------------------- helpers


def _visible(actor: Any, request_id: int) -> bool:
    return ApprovalRequest.objects.visible_to(actor).filter(pk=request_id).exists()


def _lock(*, actor: Any, request_id: int, check_visible: bool = True) -> ApprovalRequest:
    """Lock the request row; NotFound when it does not exist or the actor may not see it."""
    require(actor, "workflow.use")
    request = ApprovalRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("申請が見つかりません。"))
    if check_visible and request.applicant_id != actor.pk and not _visible(actor, request_id):
        raise NotFound(_("申請が見つかりません。"))
    return request


def _subject(request: ApprovalRequest) -> Any | None:
    subject_type = get_subject_type(request.subject_type)
    if subject_type is None:
        return None
    return subject_type.model._default_manager.filter(pk=request.subject_id).first()


def _activate(request: ApprovalRequest, step: RequestStep, now: dt.datetime) -> None:
    snapshot = request.route_snapshot
    step.status = SStatus.PENDING
    step.activated_at = now
    step.remind_at = now + dt.timedelta(hours=snapshot.get("remind_after_hours", 48))
    step.escalate_at = now + dt.timedelta(hours=snapshot.get("escalate_after_hours", 120))
    step.save(update_fields=["status", "activated_at", "remind_at", "escalate_at"])
    step.assignments.filter(status=AStatus.WAITING).update(status=AStatus.PENDING)
    request.current_step = step
    approvers = [a.approver for a in step.assignments.select_related("approver")]
    today = timezone.localdate(now)
    delegates = [
        d.delegate
        for d in Delegation.objects.filter(
            delegator__in=approvers,
            start_date__lte=today,
            end_date__gte=today,
            revoked_at__isnull=True,
        ).select_related("delegate")
    ]
    notify(
        # A delegation never hands the applicant their own request (職務分掌).
        users=[u for u in approvers + delegates if u.pk != request.applicant_id],
        request=request,
        kind="pending",
        message=f"承認依頼: {request.number} {request.title}({step.name})",
    )


def _build_round(request: ApprovalRequest, values: dict[str, Any], now: dt.datetime) -> None:
    """Create this round's steps and approver slots from the frozen route; start the first."""
    snapshot = request.route_snapshot
    errors: dict[str, list[str]] = {}
    plan: list[tuple[RequestStep, list[Any]]] = []
    employee = applicant_employee(request.applicant)
    for spec_step in snapshot["steps"]:
        if not conditions_match(spec_step.get("conditions") or [], values):
            continue
        users: dict[int, Any] = {}
        relative_missing: list[str] = []
        named_missing: list[str] = []
        for spec in spec_step["approvers"]:
            resolved = resolve_spec(
                spec, applicant=request.applicant, department=request.department, employee=employee
            )
            for user in resolved.users:
                users.setdefault(user.pk, user)
            if resolved.missing:
                target = relative_missing if spec.get("kind") in RELATIVE_KINDS else named_missing
                target.append(resolved.missing)
        step = RequestStep(
            request=request,
            round=request.round,
            order=spec_step["order"],
            name=spec_step["name"],
            quorum=spec_step.get("quorum", Quorum.ALL),
        )
        only_applicant = request.applicant.pk in users and len(users) == 1
        users.pop(request.applicant.pk, None)
        if not users:
            if named_missing and not only_applicant:
                errors.setdefault("route", []).append(f"{step.name}: {'、'.join(named_missing)}")
                continue
            step.status = SStatus.SKIPPED
            step.skip_reason = (
                "承認者が申請者本人のためスキップ"
                if only_applicant
                else "、".join(relative_missing) + "のためスキップ"
            )
            step.completed_at = now
        plan.append((step, list(users.values())))
    if errors:
        raise ValidationFailed(_("承認者を決められないステップがあります。"), errors=errors)
    RequestStep.objects.bulk_create([step for step, _users in plan])
    StepAssignment.objects.bulk_create(
        [StepAssignment(step=step, approver=user) for step, users in plan for user in users]
    )
    Action.objects.bulk_create(
        [
            Action(
                request=request, step=step, kind=Action.Kind.SKIP, comment=step.skip_reason, at=now
            )
            for step, _users in plan
            if step.status == SStatus.SKIPPED
        ]
    )
    first = next((step for step, _users in plan if step.status == SStatus.WAITING), None)
    if first is None:
        _decide(request, approved=True, actor=None, now=now)
    else:
        _activate(request, first, now)


def _decide(request: ApprovalRequest, *, approved: bool, actor: Any, now: dt.datetime) -> None:
    """Final decision: set the status, log it once, run the subject's hook, tell the applicant."""
    request.status = Status.APPROVED if approved else Status.REJECTED
    request.decided_at = now
    request.current_step = None
    kind = Action.Kind.COMPLETE if approved else Action.Kind.CLOSE_REJECTED
    Action.objects.create(request=request, kind=kind, actor=actor, at=now)
    subject_type = get_subject_type(request.subject_type)
    hook = (
        (subject_type.on_approved if approved else subject_type.on_rejected)
        if subject_type
        else None
    )
    subject = _subject(request)
    if hook is not None and subject is not None:
        hook(subject, request)
    word = "承認されました" if approved else "却下されました"
    notify(
        users=[request.applicant],
        request=request,
        kind="approved" if approved else "rejected",
        message=f"{request.number} {request.title} は{word}",
    )


def _close_open_slots(request: ApprovalRequest) -> None:
    """Close pending slots and cancel waiting steps of the current round."""
    StepAssignment.objects.filter(
        step__request=request, status__in=[AStatus.PENDING, AStatus.WAITING]
    ).update(status=AStatus.CLOSED)
    RequestStep.objects.filter(
        request=request, round=request.round, status__in=[SStatus.WAITING, SStatus.PENDING]
    ).update(status=SStatus.CANCELLED)


def _save(request: ApprovalRequest, now: dt.datetime) -> None:
    request.updated_at = now
    request.save(
        update_fields=["status", "decided_at", "current_step", "round", "updated_at", "title"]
    )

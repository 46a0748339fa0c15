"""Approver actions on a request: approve, reject, return, proxy approval and bulk approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.permissions import require
from urakata.workflow.delegations import active_delegator_ids
from urakata.workflow.models import (
    Action,
    ApprovalRequest,
    Quorum,
    RequestStep,
    StepAssignment,
)
from urakata.workflow.notifications import notify
from urakata.workflow.routes import route_seed as route_seed
from urakata.workflow.services_common import (
    AStatus,
    SStatus,
    Status,
    _activate,
    _close_open_slots,
    _decide,
    _lock,
    _save,
    _visible,
)

# ---------------------------------------------------------------- approver actions


def _forbid_own_request(request: ApprovalRequest, actor: Any) -> None:
    """職務分掌: the applicant never decides a step of their own request, by any path."""
    if request.applicant_id == actor.pk:
        raise PermissionDenied(_("自分の申請を承認・却下・差し戻しすることはできません。"))


def _forbid_second_step(request: ApprovalRequest, step: RequestStep, actor: Any) -> None:
    """With the route's `distinct_approvers`, one person approves at most one step."""
    if not request.route_snapshot.get("distinct_approvers"):
        return
    approved_elsewhere = (
        StepAssignment.objects.filter(
            step__request=request,
            step__round=request.round,
            acted_by=actor,
            status=AStatus.APPROVED,
        )
        .exclude(step=step)
        .exists()
    )
    if approved_elsewhere:
        raise PermissionDenied(_("この承認ルートでは、1人が承認できるのは1つのステップまでです。"))


def _pending_slot(request: ApprovalRequest, actor: Any) -> tuple[RequestStep, StepAssignment, str]:
    """The current step and the actor's pending slot on it (own, escalated, or as delegate)."""
    if request.status != Status.IN_PROGRESS or request.current_step_id is None:
        raise Conflict(_("この申請は既に処理されています。"))
    _forbid_own_request(request, actor)
    step = RequestStep.objects.get(pk=request.current_step_id)
    if step.status != SStatus.PENDING:
        raise Conflict(_("このステップは既に処理されています。"))
    pending = list(step.assignments.filter(status=AStatus.PENDING).order_by("pk"))
    for slot in pending:
        if slot.approver_id == actor.pk:
            acted_as = (
                StepAssignment.ActedAs.ESCALATION
                if slot.escalated_from_id
                else StepAssignment.ActedAs.SELF
            )
            return step, slot, acted_as
    delegators = set(active_delegator_ids(actor))
    for slot in pending:
        if slot.approver_id in delegators:
            return step, slot, StepAssignment.ActedAs.DELEGATE
    raise Conflict(
        _("このステップにあなたが処理できる承認はありません(処理済みの可能性があります)。")
    )


def _approver_slot(request: ApprovalRequest, actor: Any) -> tuple[RequestStep, StepAssignment, str]:
    """The actor's pending slot; NotFound (not Conflict) for someone who may not see the request.

    The visibility query runs only when the actor has no slot: an approver's own pending slot
    already proves they may see the request.
    """
    try:
        return _pending_slot(request, actor)
    except Conflict:
        if request.applicant_id != actor.pk and not _visible(actor, request.pk):
            raise NotFound(_("申請が見つかりません。")) from None
        raise


def _record_slot(
    slot: StepAssignment, *, status: str, actor: Any, acted_as: str, comment: str, now: dt.datetime
) -> None:
    slot.status = status
    slot.acted_by = actor
    slot.acted_as = acted_as
    slot.acted_at = now
    slot.comment = comment
    slot.save(update_fields=["status", "acted_by", "acted_as", "acted_at", "comment"])
    # The original slot and its escalations stand for one approver: once one acts, the rest close.
    root_id = slot.escalated_from_id or slot.pk
    StepAssignment.objects.filter(
        Q(pk=root_id) | Q(escalated_from_id=root_id), status=AStatus.PENDING
    ).exclude(pk=slot.pk).update(status=AStatus.CLOSED)


def _advance(request: ApprovalRequest, step: RequestStep, *, actor: Any, now: dt.datetime) -> None:
    step.status = SStatus.APPROVED
    step.completed_at = now
    step.save(update_fields=["status", "completed_at"])
    step.assignments.filter(status=AStatus.PENDING).update(status=AStatus.CLOSED)
    following = (
        request.steps.filter(round=request.round, order__gt=step.order, status=SStatus.WAITING)
        .order_by("order")
        .first()
    )
    if following is None:
        _decide(request, approved=True, actor=actor, now=now)
    else:
        _activate(request, following, now)


def request_approve(
    *, actor: Any, request_id: int, comment: str = "", now: dt.datetime | None = None
) -> ApprovalRequest:
    """Approve the current step for oneself (or as delegate); advances when the quorum is met."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(actor=actor, request_id=request_id, check_visible=False)
        step, slot, acted_as = _approver_slot(request, actor)
        _forbid_second_step(request, step, actor)
        _record_slot(
            slot, status=AStatus.APPROVED, actor=actor, acted_as=acted_as, comment=comment, now=now
        )
        on_behalf = slot.approver if acted_as == StepAssignment.ActedAs.DELEGATE else None
        Action.objects.create(
            request=request,
            step=step,
            kind=Action.Kind.APPROVE,
            actor=actor,
            on_behalf_of=on_behalf,
            comment=comment,
            at=now,
        )
        remaining = step.assignments.filter(status=AStatus.PENDING).exists()
        if step.quorum == Quorum.ANY or not remaining:
            _advance(request, step, actor=actor, now=now)
        _save(request, now)
        audit_record(
            actor=actor,
            action="workflow.request.approve",
            target=request,
            changes={"step": step.name, "acted_as": acted_as, "status": request.status},
        )
    return request


def _stop(
    *, actor: Any, request_id: int, comment: str, reject: bool, now: dt.datetime | None
) -> ApprovalRequest:
    now = now or timezone.now()
    if not comment.strip():
        raise ValidationFailed(
            _("理由を入力してください。"),
            errors={"comment": [_("却下・差し戻しには理由が必要です。")]},
        )
    with transaction.atomic():
        request = _lock(actor=actor, request_id=request_id, check_visible=False)
        step, slot, acted_as = _approver_slot(request, actor)
        slot_status = AStatus.REJECTED if reject else AStatus.RETURNED
        _record_slot(
            slot, status=slot_status, actor=actor, acted_as=acted_as, comment=comment, now=now
        )
        step.status = SStatus.REJECTED if reject else SStatus.RETURNED
        step.completed_at = now
        step.save(update_fields=["status", "completed_at"])
        on_behalf = slot.approver if acted_as == StepAssignment.ActedAs.DELEGATE else None
        Action.objects.create(
            request=request,
            step=step,
            kind=Action.Kind.REJECT if reject else Action.Kind.RETURN,
            actor=actor,
            on_behalf_of=on_behalf,
            comment=comment,
            at=now,
        )
        _close_open_slots(request)
        if reject:
            _decide(request, approved=False, actor=actor, now=now)
        else:
            request.status = Status.RETURNED
            request.current_step = None
            notify(
                users=[request.applicant],
                request=request,
                kind="returned",
                message=f"{request.number} {request.title} が差し戻されました: {comment[:100]}",
            )
        _save(request, now)
        audit_record(
            actor=actor,
            action="workflow.request.reject" if reject else "workflow.request.return",
            target=request,
            changes={"step": step.name, "acted_as": acted_as, "comment": comment},
        )
    return request


def request_reject(
    *, actor: Any, request_id: int, comment: str, now: dt.datetime | None = None
) -> ApprovalRequest:
    """Reject (却下): the request ends rejected; the reason is required."""
    return _stop(actor=actor, request_id=request_id, comment=comment, reject=True, now=now)


def request_return(
    *, actor: Any, request_id: int, comment: str, now: dt.datetime | None = None
) -> ApprovalRequest:
    """Return for correction (差し戻し): the applicant may fix it and resubmit."""
    return _stop(actor=actor, request_id=request_id, comment=comment, reject=False, now=now)


def request_proxy_approve(
    *, actor: Any, request_id: int, comment: str, now: dt.datetime | None = None
) -> ApprovalRequest:
    """Administrator approves the current step on behalf of its approvers (recorded as proxy)."""
    require(actor, "workflow.proxy_approve")
    if not comment.strip():
        raise ValidationFailed(
            _("理由を入力してください。"), errors={"comment": [_("代理承認の理由は必須です。")]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        request = _lock(actor=actor, request_id=request_id)
        if request.status != Status.IN_PROGRESS or request.current_step_id is None:
            raise Conflict(_("この申請は既に処理されています。"))
        if request.applicant_id == actor.pk:
            raise PermissionDenied(
                _("自分の申請は代理承認できません。申請者以外の管理者が行ってください。")
            )
        step = RequestStep.objects.get(pk=request.current_step_id)
        _forbid_second_step(request, step, actor)
        slots = list(step.assignments.filter(status=AStatus.PENDING))
        for slot in slots:
            if not StepAssignment.objects.filter(pk=slot.pk, status=AStatus.PENDING).exists():
                continue  # closed as the sibling of an escalation handled just before
            _record_slot(
                slot,
                status=AStatus.APPROVED,
                actor=actor,
                acted_as=StepAssignment.ActedAs.PROXY,
                comment=comment,
                now=now,
            )
        Action.objects.create(
            request=request,
            step=step,
            kind=Action.Kind.PROXY_APPROVE,
            actor=actor,
            on_behalf_of=slots[0].approver if len(slots) == 1 else None,
            comment=comment,
            at=now,
        )
        _advance(request, step, actor=actor, now=now)
        _save(request, now)
        audit_record(
            actor=actor,
            action="workflow.request.proxy_approve",
            target=request,
            changes={
                "step": step.name,
                "on_behalf_of": [s.approver_id for s in slots],
                "comment": comment,
            },
        )
    return request


def request_bulk_approve(
    *, actor: Any, request_ids: list[int], comment: str = ""
) -> dict[str, Any]:
    """Approve many requests (一括承認), each in its own transaction, in id order."""
    approved: list[int] = []
    failed: dict[int, str] = {}
    for request_id in sorted(set(request_ids)):
        try:
            request_approve(actor=actor, request_id=request_id, comment=comment)
            approved.append(request_id)
        except (Conflict, NotFound, PermissionDenied, ValidationFailed) as error:
            failed[request_id] = error.message
    return {"approved": approved, "failed": failed}

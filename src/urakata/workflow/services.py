"""Request lifecycle (申請・承認・却下・差し戻し・再申請・取り下げ・コメント・代理承認).

Every action locks the request row (`select_for_update`) and re-checks, under the lock, that the
step is still pending for this approver; two approvers acting at once therefore produce exactly
one transition, and a request is decided at most once (also a unique constraint on Action).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Department
from urakata.workflow.conditions import conditions_match
from urakata.workflow.delegations import active_delegator_ids
from urakata.workflow.models import (
    Action,
    ApprovalRequest,
    Delegation,
    Quorum,
    RequestStep,
    StepAssignment,
)
from urakata.workflow.notifications import notify
from urakata.workflow.registry import condition_values, get_subject_type, subject_key
from urakata.workflow.resolution import RELATIVE_KINDS, applicant_employee, resolve_spec
from urakata.workflow.routes import route_seed as route_seed
from urakata.workflow.routes import route_select, route_snapshot

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


# ---------------------------------------------------------------- submit


def request_submit(
    *,
    actor: Any,
    subject: Any,
    title: str,
    amount: int | None = None,
    department: Department | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> ApprovalRequest:
    """Route a registered subject for approval (申請); picks the route and freezes its version."""
    require(actor, "workflow.use")
    key = subject_key(subject)
    if get_subject_type(key) is None:
        raise ValidationFailed(_("%(key)s は承認対象として登録されていません。") % {"key": key})
    values = condition_values(subject)
    route = route_select(subject_type=key, values=values)
    if department is None:
        employee = applicant_employee(actor)
        department = employee.department if employee else None
    now = now or timezone.now()
    with transaction.atomic():
        request = ApprovalRequest.objects.create(
            number=uuid.uuid4().hex[:20],
            subject_type=key,
            subject_id=subject.pk,
            title=title[:200],
            amount=amount,
            applicant=actor,
            department=department,
            route=route,
            route_version=route.version,
            route_snapshot=route_snapshot(route),
            submitted_at=now,
            updated_at=now,
        )
        request.number = f"WF-{now:%Y}-{request.pk:06d}"
        request.save(update_fields=["number"])
        Action.objects.create(
            request=request, kind=Action.Kind.SUBMIT, actor=actor, comment=comment, at=now
        )
        _build_round(request, values, now)
        _save(request, now)
        audit_record(
            actor=actor,
            action="workflow.request.submit",
            target=request,
            changes={
                "subject": key,
                "subject_id": subject.pk,
                "route": route.pk,
                "version": route.version,
            },
        )
    return request


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


# ---------------------------------------------------------------- applicant actions


def _own_request(*, actor: Any, request_id: int) -> ApprovalRequest:
    request = _lock(actor=actor, request_id=request_id)
    if request.applicant_id != actor.pk:
        raise PermissionDenied(_("申請者本人だけが行える操作です。"))
    return request


def request_resubmit(
    *,
    actor: Any,
    request_id: int,
    comment: str = "",
    title: str | None = None,
    now: dt.datetime | None = None,
) -> ApprovalRequest:
    """Resubmit a returned request (再申請): a new round along the same frozen route."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _own_request(actor=actor, request_id=request_id)
        if request.status != Status.RETURNED:
            raise Conflict(_("差し戻された申請だけを再申請できます。"))
        if title:
            request.title = title[:200]
        request.status = Status.IN_PROGRESS
        request.round += 1
        Action.objects.create(
            request=request, kind=Action.Kind.RESUBMIT, actor=actor, comment=comment, at=now
        )
        subject = _subject(request)
        _build_round(request, condition_values(subject) if subject else {}, now)
        _save(request, now)
        audit_record(
            actor=actor,
            action="workflow.request.resubmit",
            target=request,
            changes={"round": request.round},
        )
    return request


def request_withdraw(
    *, actor: Any, request_id: int, comment: str = "", now: dt.datetime | None = None
) -> ApprovalRequest:
    """Withdraw one's own open request (取り下げ)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _own_request(actor=actor, request_id=request_id)
        if not request.is_open:
            raise Conflict(_("決裁済み・取り下げ済みの申請は取り下げられません。"))
        _close_open_slots(request)
        request.status = Status.WITHDRAWN
        request.current_step = None
        Action.objects.create(
            request=request, kind=Action.Kind.WITHDRAW, actor=actor, comment=comment, at=now
        )
        subject_type = get_subject_type(request.subject_type)
        subject = _subject(request)
        if subject_type and subject_type.on_withdrawn and subject is not None:
            subject_type.on_withdrawn(subject, request)
        _save(request, now)
        audit_record(
            actor=actor,
            action="workflow.request.withdraw",
            target=request,
            changes={"comment": comment},
        )
    return request


def request_comment(*, actor: Any, request_id: int, comment: str) -> Action:
    """Add a comment to a request anyone involved can read; the others are notified."""
    if not comment.strip():
        raise ValidationFailed(
            _("コメントを入力してください。"), errors={"comment": [_("必須です。")]}
        )
    with transaction.atomic():
        request = _lock(actor=actor, request_id=request_id)
        action = Action.objects.create(
            request=request,
            step_id=request.current_step_id,
            kind=Action.Kind.COMMENT,
            actor=actor,
            comment=comment.strip(),
        )
        others = [request.applicant]
        if request.current_step_id:
            others += [
                a.approver
                for a in StepAssignment.objects.filter(
                    step_id=request.current_step_id, status=AStatus.PENDING
                ).select_related("approver")
            ]
        notify(
            users=[u for u in others if u.pk != actor.pk],
            request=request,
            kind="comment",
            message=f"{request.number} にコメント: {comment[:100]}",
        )
        audit_record(
            actor=actor,
            action="workflow.request.comment",
            target=request,
            changes={"comment": comment},
        )
    return action

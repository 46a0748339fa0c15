"""Applicant actions on a request: resubmit, withdraw, and comments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.workflow.models import (
    Action,
    ApprovalRequest,
    StepAssignment,
)
from urakata.workflow.notifications import notify
from urakata.workflow.registry import condition_values, get_subject_type
from urakata.workflow.routes import route_seed as route_seed
from urakata.workflow.services_common import (
    AStatus,
    Status,
    _build_round,
    _close_open_slots,
    _lock,
    _save,
    _subject,
)

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

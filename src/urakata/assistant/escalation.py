"""Inquiries travel through the workflow engine (問い合わせの回付).

Escalating an inquiry submits it as a workflow request. Its route (one per desk, seeded here when
missing) puts every member of the desk's role on one step with quorum "any", so the inquiry shows
in their workflow inbox with the badge, gets reminders and escalation to the next manager, and
its lead time counts in the workflow KPIs. Answering approves the request with the answer as the
comment, closing without an answer rejects it, the asker may withdraw it. The hooks registered
below keep the inquiry in step when the decision is taken on the workflow's own pages, inside the
transaction that decides the request (lock order: request, then inquiry — the same on both paths).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.assistant.models import Desk, Inquiry, ReviewItem
from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.permissions import can
from urakata.workflow import selectors as workflow_selectors
from urakata.workflow import services as workflow_services
from urakata.workflow.registry import subject_key, subject_type

# Route names and titles are data (stored once), so they stay in the source language.
DESK_NAMES = {"general_affairs": "総務", "hr": "人事", "accounting": "経理"}
REMIND_AFTER_HOURS = 24
ESCALATE_AFTER_HOURS = 72
IN_PROGRESS = "in_progress"
RETURNED = "returned"

# Whether an answer given through `inquiry_answer` is proposed as an FAQ entry. The approval hook
# records the answer; the answer page's checkbox reaches it through this variable.
_PROPOSE_FAQ: ContextVar[bool] = ContextVar("assistant_inquiry_propose_faq", default=True)


@contextmanager
def _proposing(propose_faq: bool) -> Iterator[None]:
    token = _PROPOSE_FAQ.set(propose_faq)
    try:
        yield
    finally:
        _PROPOSE_FAQ.reset(token)


def subject_type_key() -> str:
    return subject_key(Inquiry)


def route_data(desk: str) -> dict[str, Any]:
    """The built-in route of a desk: its role's members, any one of them answers."""
    name = DESK_NAMES[desk]
    return {
        "name": f"問い合わせ({name})",
        "subject_type": subject_type_key(),
        "conditions": [{"field": "desk", "op": "==", "value": desk}],
        "priority": 0,
        "remind_after_hours": REMIND_AFTER_HOURS,
        "escalate_after_hours": ESCALATE_AFTER_HOURS,
        "is_active": True,
        "steps": [
            {
                "name": f"{name}の回答",
                "approvers": [{"kind": "role", "role": desk}],
                "quorum": "any",
            }
        ],
    }


def inquiry_routes_ensure(*, desks: list[str] | None = None) -> int:
    """Seed the per-desk inquiry routes that do not exist yet; returns how many were created."""
    return sum(
        workflow_services.route_seed(data=route_data(desk))[1] for desk in desks or Desk.values
    )


def inquiry_submit(*, actor: Any, inquiry: Inquiry, now: dt.datetime | None = None) -> Any:
    """Send a new inquiry to its desk as a workflow request (call inside the create transaction)."""
    inquiry_routes_ensure(desks=[inquiry.desk])
    try:
        request = workflow_services.request_submit(
            actor=actor,
            subject=inquiry,
            title=f"問い合わせ({DESK_NAMES[inquiry.desk]}): {inquiry.question[:80]}",
            now=now,
        )
    except ValidationFailed as error:
        raise ValidationFailed(
            _("%(desk)sの担当者に回付できません。管理者に連絡してください。")
            % {"desk": inquiry.get_desk_display()},
            errors=error.errors or {"desk": [error.message]},
        ) from error
    inquiry.workflow_request = request
    inquiry.save(update_fields=["workflow_request"])
    return request


# ---------------------------------------------------------------- answering and closing


def _pending_for(actor: Any, request_id: int) -> bool:
    """Does the request wait for the actor (own slot, escalation, or as a delegate)?"""
    if not can(actor, "workflow.use"):
        return False
    return workflow_selectors.inbox_list(actor=actor).filter(pk=request_id).exists()


def _conflict_if_decided(inquiry: Inquiry) -> None:
    """Someone acted on the request a moment ago: 409 rather than 403 for the slower one."""
    status = (
        Inquiry.objects.filter(pk=inquiry.pk)
        .values_list("workflow_request__status", flat=True)
        .first()
    )
    if status != IN_PROGRESS:
        raise Conflict(_("この問い合わせは既に処理されています。"))


def routed_can_answer(*, actor: Any, inquiry: Inquiry) -> bool:
    """Whoever the request waits for answers; an administrator may answer as proxy."""
    request = inquiry.workflow_request
    if request is None or request.status != IN_PROGRESS:
        return False
    return _pending_for(actor, request.pk) or can(actor, "workflow.proxy_approve")


def routed_answer(
    *, actor: Any, inquiry: Inquiry, answer: str, propose_faq: bool, now: dt.datetime | None
) -> None:
    """Approve the inquiry's request with the answer; the approval hook records the answer."""
    request_id = inquiry.workflow_request_id
    assert request_id is not None
    with _proposing(propose_faq), transaction.atomic():
        if _pending_for(actor, request_id):
            workflow_services.request_approve(
                actor=actor, request_id=request_id, comment=answer, now=now
            )
        elif can(actor, "workflow.proxy_approve"):
            workflow_services.request_proxy_approve(
                actor=actor, request_id=request_id, comment=answer, now=now
            )
        else:
            _conflict_if_decided(inquiry)
            raise PermissionDenied(
                _(
                    "この問い合わせに回答できるのは、回付先の担当者(代理・エスカレーション先を含む)です。"
                )
            )


def routed_can_close(*, actor: Any, inquiry: Inquiry) -> bool:
    """The asker may withdraw an open request; whoever it waits for may reject it."""
    request = inquiry.workflow_request
    if request is None or request.status not in (IN_PROGRESS, RETURNED):
        return False
    if inquiry.asked_by_id == actor.pk:
        return True
    return request.status == IN_PROGRESS and _pending_for(actor, request.pk)


def routed_close(*, actor: Any, inquiry: Inquiry, reason: str, now: dt.datetime | None) -> None:
    """Withdraw (the asker) or reject (the desk, reason required); the hooks close the inquiry."""
    request = inquiry.workflow_request
    assert request is not None
    if inquiry.asked_by_id == actor.pk:
        workflow_services.request_withdraw(
            actor=actor, request_id=request.pk, comment=reason, now=now
        )
        return
    if request.status != IN_PROGRESS:
        raise Conflict(_("質問者に差し戻し中です。再申請を待つか、質問者が取り下げます。"))
    if not reason:
        raise ValidationFailed(
            _("理由を入力してください。"),
            errors={"reason": [_("回答せずに終了する理由を入力してください。")]},
        )
    if not _pending_for(actor, request.pk):
        _conflict_if_decided(inquiry)
        raise PermissionDenied(_("この問い合わせを終了できるのは、回付先の担当者です。"))
    workflow_services.request_reject(actor=actor, request_id=request.pk, comment=reason, now=now)


# ---------------------------------------------------------------- workflow hooks


def _decision(request: Any, kinds: tuple[str, ...]) -> Any | None:
    """The latest action of the given kinds: the one that decided the request."""
    return workflow_selectors.request_actions(request=request).filter(kind__in=kinds).last()


def record_answer(
    *, inquiry: Inquiry, answer: str, by: Any, at: dt.datetime, propose_faq: bool
) -> None:
    """Store the answer and propose it as an FAQ entry (once per inquiry)."""
    old_status = inquiry.status
    inquiry.answer = answer
    inquiry.answered_by = by
    inquiry.answered_at = at
    inquiry.status = Inquiry.Status.ANSWERED
    inquiry.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    if propose_faq and not inquiry.review_items.exists():
        ReviewItem.objects.create(
            kind=ReviewItem.Kind.FAQ,
            title=inquiry.question[:200],
            question=inquiry.question[:500],
            body=answer,
            desk=inquiry.desk,
            inquiry=inquiry,
            proposed_by=by,
        )
    audit_record(
        actor=by,
        action="assistant.inquiry.answer",
        target=inquiry,
        changes={
            "status": [old_status, inquiry.status],
            "proposed_faq": propose_faq,
            "workflow_request": inquiry.workflow_request_id,
        },
    )


def record_close(*, inquiry: Inquiry, note: str, by: Any, at: dt.datetime) -> None:
    """Close the inquiry without an answer."""
    old_status = inquiry.status
    inquiry.status = Inquiry.Status.CLOSED
    inquiry.closed_at = at
    inquiry.close_note = note[:500]
    inquiry.save(update_fields=["status", "closed_at", "close_note"])
    audit_record(
        actor=by,
        action="assistant.inquiry.close",
        target=inquiry,
        changes={"status": [old_status, inquiry.status], "note": inquiry.close_note},
    )


def _open_locked(inquiry: Inquiry) -> Inquiry | None:
    locked = Inquiry.objects.select_for_update().filter(pk=inquiry.pk).first()
    return locked if locked is not None and locked.status == Inquiry.Status.OPEN else None


def on_approved(inquiry: Inquiry, request: Any) -> None:
    """The request was approved: its approval comment is the answer (required)."""
    locked = _open_locked(inquiry)
    if locked is None:
        return
    decision = _decision(request, ("approve", "proxy_approve"))
    if decision is None:  # every step skipped: the asker is the desk's only member
        raise ValidationFailed(
            _("この窓口には、あなたのほかに回答できる担当者がいません。"),
            errors={"desk": [_("別の窓口を選んでください。")]},
        )
    answer = decision.comment.strip()
    if not answer:
        raise ValidationFailed(
            _("回答を入力してください。"),
            errors={"comment": [_("問い合わせは、回答をコメントに書いて承認します。")]},
        )
    record_answer(
        inquiry=locked,
        answer=answer,
        by=decision.actor,
        at=decision.at,
        propose_faq=_PROPOSE_FAQ.get(),
    )


def on_rejected(inquiry: Inquiry, request: Any) -> None:
    """The desk closed the request without an answer: the reason is kept on the inquiry."""
    locked = _open_locked(inquiry)
    if locked is None:
        return
    decision = _decision(request, ("reject",))
    record_close(
        inquiry=locked,
        note=decision.comment if decision else "",
        by=decision.actor if decision else None,
        at=decision.at if decision else timezone.now(),
    )


def on_withdrawn(inquiry: Inquiry, request: Any) -> None:
    """The asker withdrew the request."""
    locked = _open_locked(inquiry)
    if locked is None:
        return
    decision = _decision(request, ("withdraw",))
    comment = decision.comment.strip() if decision else ""
    note = "質問者が取り下げました" + (f": {comment}" if comment else "")
    record_close(
        inquiry=locked,
        note=note,
        by=decision.actor if decision else None,
        at=decision.at if decision else timezone.now(),
    )


def describe(inquiry: Inquiry) -> list[tuple[str, str]]:
    """The inquiry as shown on the workflow request page."""
    return [
        (_("質問"), inquiry.question),
        (_("窓口"), str(inquiry.get_desk_display())),
        (_("AI確信度"), f"{inquiry.confidence}%"),
        (_("回答"), inquiry.answer or "-"),
    ]


def inquiry_url(inquiry: Inquiry) -> str:
    return reverse("assistant:inquiry_detail", args=[inquiry.pk])


# Inquiries are routed through the workflow engine: listed in the assistant manifest.
INQUIRY_SUBJECT = subject_type(
    Inquiry,
    label="問い合わせ",
    on_approved=on_approved,
    on_rejected=on_rejected,
    on_withdrawn=on_withdrawn,
    fields_for_conditions=["desk", "confidence"],
    describe=describe,
    url=inquiry_url,
)

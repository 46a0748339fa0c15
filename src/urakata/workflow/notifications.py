"""Notifications: an in-app row per user, and the same message by e-mail after commit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from urakata.core.audit import audit_record
from urakata.workflow.models import ApprovalRequest, Notification

_EMAIL_MUTED: ContextVar[bool] = ContextVar("workflow_email_muted", default=False)


@contextmanager
def email_muted() -> Iterator[None]:
    """Create in-app notifications only (used when seeding demo history, not for live actions)."""
    token = _EMAIL_MUTED.set(True)
    try:
        yield
    finally:
        _EMAIL_MUTED.reset(token)


def _send(messages: list[EmailMessage]) -> None:
    if messages:
        get_connection(fail_silently=True).send_messages(messages)


def notify(
    *, users: Iterable[Any], request: ApprovalRequest | None, kind: str, message: str
) -> list[Notification]:
    """Create in-app notifications and queue e-mails (sent only if the transaction commits)."""
    unique = {user.pk: user for user in users if user is not None}
    if not unique:
        return []
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user_id=pk, request=request, kind=kind, message=message[:300], created_at=now
            )
            for pk in unique
        ]
    )
    link = reverse("workflow:request_detail", args=[request.pk]) if request is not None else ""
    body = f"{message}\n\n{link}\n\n-- 裏方 Urakata"
    emails = [
        EmailMessage(
            subject=f"[裏方] {message[:80]}",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        for user in unique.values()
        if user.email and not _EMAIL_MUTED.get()
    ]
    if emails:
        transaction.on_commit(lambda: _send(emails))
    return rows


def notification_mark_read(*, actor: Any, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread when ids is None)."""
    queryset = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    with transaction.atomic():
        marked = queryset.update(read_at=timezone.now())
        if marked:
            audit_record(
                actor=actor,
                action="workflow.notification.mark_read",
                target_type="workflow.notification",
                changes={"count": marked, "ids": notification_ids},
            )
    return marked

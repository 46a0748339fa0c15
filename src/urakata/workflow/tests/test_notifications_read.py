"""Marking notifications read touches only the actor's rows and is audited."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.workflow.models import Notification
from urakata.workflow.notifications import notification_mark_read

pytestmark = pytest.mark.django_db


def test_mark_read_is_scoped_and_audited(make_user: Any) -> None:
    me, other = make_user(Role.EMPLOYEE), make_user(Role.EMPLOYEE)
    mine = [Notification.objects.create(user=me, kind="info", message=f"m{i}") for i in range(3)]
    theirs = Notification.objects.create(user=other, kind="info", message="x")

    assert notification_mark_read(actor=me, notification_ids=[mine[0].pk, theirs.pk]) == 1
    assert notification_mark_read(actor=me) == 2
    assert notification_mark_read(actor=me) == 0  # nothing left: no event either

    theirs.refresh_from_db()
    assert theirs.read_at is None
    events = AuditEvent.objects.filter(action="workflow.notification.mark_read").order_by("seq")
    assert [e.changes["count"] for e in events] == [1, 2]
    assert events[0].changes["ids"] == [mine[0].pk, theirs.pk]

"""Edits made in the Django admin are audited like any other write."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from urakata.core.audit import audit_verify
from urakata.core.models import AuditEvent, ScheduledJob

pytestmark = pytest.mark.django_db


def test_admin_create_and_delete_are_audited() -> None:
    admin_user = User.objects.create_superuser("root", "root@example.jp", "pw-123456789")
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/core/scheduledjob/add/",
        {"name": "nightly", "task_path": "x.y", "cron": "0 3 * * *", "enabled": "on"},
    )
    assert response.status_code == 302
    job = ScheduledJob.objects.get(name="nightly")
    event = AuditEvent.objects.get(action="admin.core.scheduledjob.create")
    assert event.target_id == str(job.pk) and event.changes["cron"] == [None, "0 3 * * *"]
    client.post(f"/admin/core/scheduledjob/{job.pk}/delete/", {"post": "yes"})
    assert not ScheduledJob.objects.exists()
    assert AuditEvent.objects.filter(action="admin.core.scheduledjob.delete").count() == 1
    assert audit_verify().ok

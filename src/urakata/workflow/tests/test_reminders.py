"""Reminders and escalation: periodic run, e-mail via Django's mail API, in-app notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from urakata.workflow import services
from urakata.workflow.forms import ringi_submit
from urakata.workflow.models import Action, Notification, StepAssignment
from urakata.workflow.reminders import workflow_remind
from urakata.workflow.tasks import workflow_remind_task
from urakata.workflow.tests.factories import RINGI, make_org, make_route

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def setup(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org = make_org()
    route = make_route()
    route.remind_after_hours = 24
    route.escalate_after_hours = 72
    route.save()
    request = ringi_submit(actor=org.applicant, data=RINGI, now=T0)
    return org, request


def test_nothing_due_before_the_time(setup: Any) -> None:
    assert workflow_remind(now=T0 + dt.timedelta(hours=23)) == {"reminded": 0, "escalated": 0}


def test_reminder_notifies_and_emails_once_per_period(
    setup: Any, django_capture_on_commit_callbacks: Any
) -> None:
    org, request = setup
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow_remind(now=T0 + dt.timedelta(hours=25)) == {"reminded": 1, "escalated": 0}
    assert [m.to for m in mail.outbox] == [[org.sales_manager.email]]
    assert "督促" in mail.outbox[0].subject
    assert Notification.objects.filter(user=org.sales_manager, kind="remind").count() == 1
    assert Action.objects.filter(request=request, kind="remind").count() == 1
    # not again within the next period
    assert workflow_remind(now=T0 + dt.timedelta(hours=30))["reminded"] == 0
    assert workflow_remind(now=T0 + dt.timedelta(hours=50))["reminded"] == 1


def test_escalation_adds_next_manager_who_can_approve(setup: Any) -> None:
    org, request = setup
    result = workflow_remind(now=T0 + dt.timedelta(hours=73))
    assert result["escalated"] == 1
    slot = StepAssignment.objects.get(step__request=request, approver=org.president)
    assert slot.escalated_from.approver == org.sales_manager and slot.status == "pending"
    assert Notification.objects.filter(user=org.president, kind="escalate").exists()
    # the president now sees it in the inbox and approving closes the original slot
    services.request_approve(actor=org.president, request_id=request.pk)
    original = StepAssignment.objects.get(step__request=request, approver=org.sales_manager)
    assert original.status == "closed"
    request.refresh_from_db()
    assert request.current_step.name == "経理確認"
    # escalation is not repeated for a finished step
    assert workflow_remind(now=T0 + dt.timedelta(hours=200))["escalated"] == 0


def test_command_and_task(setup: Any, capsys: Any) -> None:
    org, _request = setup
    call_command("workflow", "remind")  # now is long after T0: both due
    assert capsys.readouterr().out.strip() == '{"reminded": 1, "escalated": 1}'
    assert workflow_remind_task.call() == {"reminded": 0, "escalated": 0}
    ringi_submit(actor=org.colleague, data=RINGI, now=T0)
    assert workflow_remind_task.call() == {"reminded": 1, "escalated": 1}

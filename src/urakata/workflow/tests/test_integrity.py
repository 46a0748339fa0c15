"""`urakata audit verify` re-derives each request's status from its actions."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from urakata.workflow import services
from urakata.workflow.forms import ringi_submit
from urakata.workflow.integrity import workflow_verify
from urakata.workflow.models import ApprovalRequest
from urakata.workflow.tests.factories import RINGI, make_org, make_route

pytestmark = pytest.mark.django_db


def test_rejected_request_edited_to_approved_is_named() -> None:
    org = make_org()
    make_route()
    open_one = ringi_submit(actor=org.applicant, data=RINGI)
    rejected = ringi_submit(actor=org.colleague, data=RINGI)
    services.request_reject(actor=org.sales_manager, request_id=rejected.pk, comment="予算外")
    withdrawn = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_withdraw(actor=org.applicant, request_id=withdrawn.pk)
    assert workflow_verify() == []

    # a hand edit in the database: 却下 → 承認
    ApprovalRequest.objects.filter(pk=rejected.pk).update(status="approved")
    ApprovalRequest.objects.filter(pk=open_one.pk).update(status="withdrawn")
    problems = workflow_verify()
    assert problems == [
        f"workflow request {open_one.number} (id {open_one.pk}): status 'withdrawn', "
        "its actions say 'in_progress'",
        f"workflow request {rejected.number} (id {rejected.pk}): status 'approved', "
        "its actions say 'rejected'",
    ]
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", stdout=StringIO())
    assert f"workflow request {rejected.number}" in str(raised.value)

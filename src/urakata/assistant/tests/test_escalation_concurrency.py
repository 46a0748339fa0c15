"""Two desk members answer the same inquiry at once, one on the assistant page and one in the
workflow inbox: one answer, one approval, one FAQ proposal, no deadlock (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.assistant import services
from urakata.assistant.models import Inquiry, ReviewItem
from urakata.core.roles import Role
from urakata.workflow import services as wf_services
from urakata.workflow.models import Action
from urakata.workflow.tests.test_concurrency import _race, needs_postgres


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_answer_and_inbox_approval_race(make_user: Any) -> None:
    hr1, hr2 = make_user(Role.HR), make_user(Role.HR)
    asker = make_user(Role.EMPLOYEE)
    for attempt in range(5):
        inquiry = services.inquiry_create(actor=asker, question=f"質問{attempt}", desk="hr")
        request_id = inquiry.workflow_request_id or 0
        results = _race(
            [
                lambda i=inquiry: services.inquiry_answer(
                    actor=hr1, inquiry=i, answer="ページから"
                ),
                lambda r=request_id: wf_services.request_approve(
                    actor=hr2, request_id=r, comment="受信箱から"
                ),
            ]
        )
        assert results == ["Conflict", "ok"]
        assert Action.objects.filter(request_id=request_id, kind="approve").count() == 1
        inquiry = Inquiry.objects.get(pk=inquiry.pk)
        assert inquiry.status == "answered" and inquiry.answer in ("ページから", "受信箱から")
        assert ReviewItem.objects.filter(inquiry=inquiry).count() == 1

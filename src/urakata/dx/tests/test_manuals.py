"""Manuals that update themselves: a route changed through the workflow pages drafts a change;
only a person's approval publishes it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from urakata.core.errors import PermissionDenied
from urakata.core.permissions import SYSTEM
from urakata.dx.manuals import (
    manual_draft_review,
    manual_drafts_scan,
    manual_save,
    touched_sections,
)
from urakata.dx.models import ManualDraft
from urakata.dx.tests.factories import process_make
from urakata.workflow.models import Notification
from urakata.workflow.tests.factories import make_org, make_route

MANUAL = (
    "## 起票\n稟議システムで起票し、見積書を添付する。\n\n"
    "## 承認の流れ\n部署長承認 → 経理確認 の順に回る。\n\n"
    "## 保管\n決裁後は PDF で保存する。\n"
)
FORM = {
    "name": "稟議ルート",
    "subject_type": "workflow.ringi",
    "priority": "0",
    "remind_after_hours": "48",
    "escalate_after_hours": "120",
    "is_active": "on",
    "conditions": "",
    "step_count": "3",
    "step-0-name": "部署長承認",
    "step-0-approvers": "department_manager",
    "step-0-quorum": "all",
    "step-1-name": "経理確認",
    "step-1-approvers": "role:accounting",
    "step-1-quorum": "any",
    "step-2-name": "社長承認",
    "step-2-approvers": "user:president",
    "step-2-quorum": "all",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setup(db: Any) -> Any:
    org = make_org()
    route = make_route()
    process = process_make(actor=SYSTEM, owner=org.sales_manager.username)
    manual_save(actor=SYSTEM, process=process, title="稟議マニュアル", body=MANUAL)
    manual_drafts_scan(actor=SYSTEM)  # the setup's own changes are read once
    return org, route, process


def test_route_change_through_the_pages_drafts_and_a_person_publishes(setup: Any) -> None:
    org, route, process = setup
    response = _client(org.admin).post(f"/workflow/routes/{route.pk}/", FORM)
    assert response.status_code == 302
    assert manual_drafts_scan(actor=SYSTEM) == 1
    draft = ManualDraft.objects.get()
    assert "社長承認" in draft.summary and "追加" in draft.summary
    assert draft.sections == ["承認の流れ"]
    assert "社長承認" in draft.proposed_body
    # Nothing is published by the machine: the manual is still at version 1.
    assert process.manual.current.number == 1
    assert Notification.objects.filter(user=org.sales_manager, kind="dx.manual").exists()
    # Someone who is neither owner, AI operator nor DX manager cannot approve it.
    with pytest.raises(PermissionDenied):
        manual_draft_review(actor=org.applicant, draft=draft, decision="approve")
    page = _client(org.sales_manager).post(
        f"/dx/drafts/{draft.pk}/review/",
        {"decision": "approve", "body": draft.proposed_body + "\n社長承認は金曜に回る。"},
    )
    assert page.status_code == 302
    current = process.manual.current
    assert current.number == 2 and "金曜" in current.body and "社長承認" in current.note
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.reviewed_by == org.sales_manager
    # The same change is not drafted twice.
    assert manual_drafts_scan(actor=SYSTEM) == 0


def test_a_rejected_draft_publishes_nothing(setup: Any) -> None:
    org, route, process = setup
    _client(org.admin).post(f"/workflow/routes/{route.pk}/", {**FORM, "step-1-name": "経理承認"})
    manual_drafts_scan(actor=SYSTEM)
    draft = ManualDraft.objects.get()
    assert "「経理確認」を「経理承認」に変更" in draft.summary
    text = [line for line in draft.proposed_body.splitlines() if not line.startswith("> ")]
    assert "部署長承認 → 経理承認 の順に回る。" in text
    manual_draft_review(actor=org.sales_manager, draft=draft, decision="reject", note="誤り")
    assert process.manual.current.number == 1


def test_sections_found_by_retrieval() -> None:
    assert touched_sections(MANUAL, ["保存"]) == ["保管"]
    assert touched_sections(MANUAL, ["経理確認"]) == ["承認の流れ"]


def test_an_account_renamed_in_the_chart_drafts_the_manuals_naming_it(db: Any) -> None:
    from urakata.ledger.accounts import account_update
    from urakata.ledger.cache import chart_cache_clear
    from urakata.ledger.chart import chart_ensure_seeded
    from urakata.ledger.models import Account

    chart_ensure_seeded()
    chart_cache_clear()
    process = process_make(actor=SYSTEM, code="P-200", request_type="")
    body = "## 計上\n文房具は消耗品費で計上する。\n\n## 保管\n領収書を保管する。\n"
    manual_save(actor=SYSTEM, process=process, title="経費の計上", body=body)
    manual_drafts_scan(actor=SYSTEM)
    account_update(
        actor=SYSTEM, account=Account.objects.get(code="7290"), data={"name": "文具消耗品費"}
    )
    assert manual_drafts_scan(actor=SYSTEM) == 1
    draft = ManualDraft.objects.get()
    assert draft.sections == ["計上"] and "文具消耗品費で計上する" in draft.proposed_body

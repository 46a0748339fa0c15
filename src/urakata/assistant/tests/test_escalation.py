"""Inquiries through the workflow engine: routing, answer = approve, close = reject, withdraw,
return and resubmit, reminders and escalation, who sees what, and the workflow KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from urakata.assistant import selectors, services
from urakata.assistant.models import Inquiry, ReviewItem
from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org.models import Employee
from urakata.workflow import kpis
from urakata.workflow import selectors as wf_selectors
from urakata.workflow import services as wf_services
from urakata.workflow.delegations import delegation_create
from urakata.workflow.models import Action, ApprovalRequest, Notification, Route, StepAssignment
from urakata.workflow.reminders import workflow_remind

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def hr_desk(make_user: Any) -> dict[str, Any]:
    """Two 人事 staff, one 経理, an asker, a bystander, an AI operator and an auditor."""
    return {
        "hr1": make_user(Role.HR, username="hr1"),
        "hr2": make_user(Role.HR, username="hr2"),
        "accounting": make_user(Role.ACCOUNTING, username="acc"),
        "asker": make_user(Role.EMPLOYEE, username="asker"),
        "other": make_user(Role.EMPLOYEE, username="other"),
        "operator": make_user(Role.AI_OPERATOR, username="operator"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
    }


def _ask(people: dict[str, Any], **kwargs: Any) -> Inquiry:
    return services.inquiry_create(
        actor=people["asker"], question="育児休業は何歳まで取れますか?", desk="hr", **kwargs
    )


def test_escalation_submits_a_request_to_every_desk_member(hr_desk: dict[str, Any]) -> None:
    inquiry = _ask(hr_desk)
    request = inquiry.workflow_request
    assert request is not None and request.status == "in_progress"
    assert (request.subject_type, request.subject_id) == ("assistant.inquiry", inquiry.pk)
    assert request.applicant == hr_desk["asker"] and request.title.startswith("問い合わせ(人事)")
    slots = StepAssignment.objects.filter(step__request=request)
    assert sorted(s.approver.username for s in slots) == ["hr1", "hr2"]
    assert {s.status for s in slots} == {"pending"} and slots[0].step.quorum == "any"
    # It waits in both inboxes (the badge) and each got a notification; nobody else is asked.
    for name, expected in (("hr1", 1), ("hr2", 1), ("accounting", 0), ("other", 0)):
        assert wf_selectors.inbox_count(actor=hr_desk[name]) == expected, name
    assert set(Notification.objects.filter(kind="pending").values_list("user__username", flat=True))
    assert set(
        Notification.objects.filter(kind="pending").values_list("user__username", flat=True)
    ) == {"hr1", "hr2"}
    # The desk's route was seeded once (idempotent), with the desk's role and quorum "any".
    route = Route.objects.get(subject_type="assistant.inquiry")
    assert route.conditions == [{"field": "desk", "op": "==", "value": "hr"}]
    assert route.steps.get().approvers == [{"kind": "role", "role": "hr"}]
    _ask(hr_desk)
    services.inquiry_routes_ensure()
    assert services.inquiry_routes_ensure() == 0
    assert Route.objects.filter(subject_type="assistant.inquiry").count() == 3


def test_answer_approves_the_step_and_proposes_an_faq(hr_desk: dict[str, Any]) -> None:
    inquiry = _ask(hr_desk)
    answered = services.inquiry_answer(
        actor=hr_desk["hr2"], inquiry=inquiry, answer="原則1歳まで、最長2歳までです。"
    )
    assert (answered.status, answered.answered_by) == ("answered", hr_desk["hr2"])
    request = ApprovalRequest.objects.get(pk=inquiry.workflow_request_id)
    assert request.status == "approved" and request.decided_at is not None
    approve = Action.objects.get(request=request, kind="approve")
    assert (approve.actor, approve.comment) == (hr_desk["hr2"], "原則1歳まで、最長2歳までです。")
    assert StepAssignment.objects.get(step__request=request, approver=hr_desk["hr1"]).status == (
        "closed"
    )
    assert wf_selectors.inbox_count(actor=hr_desk["hr1"]) == 0
    item = ReviewItem.objects.get(inquiry=inquiry)
    assert (item.kind, item.body, item.proposed_by) == ("faq", answered.answer, hr_desk["hr2"])
    assert AuditEvent.objects.filter(action="assistant.inquiry.answer").count() == 1
    # The asker is told through the workflow's notifications.
    assert Notification.objects.filter(user=hr_desk["asker"], kind="approved").exists()
    # Desk staff may still correct the answer afterwards (no second approval, no second FAQ).
    services.inquiry_answer(actor=hr_desk["hr1"], inquiry=inquiry, answer="最長2歳までです。")
    inquiry.refresh_from_db()
    assert inquiry.answer == "最長2歳までです。"
    assert ReviewItem.objects.filter(inquiry=inquiry).count() == 1


def test_answer_and_approval_commit_together(hr_desk: dict[str, Any], monkeypatch: Any) -> None:
    inquiry = _ask(hr_desk)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr("urakata.assistant.escalation.audit_record", broken)
    with pytest.raises(RuntimeError):
        services.inquiry_answer(actor=hr_desk["hr1"], inquiry=inquiry, answer="2歳までです")
    assert ApprovalRequest.objects.get(pk=inquiry.workflow_request_id).status == "in_progress"
    assert not Action.objects.filter(kind="approve").exists()
    assert Inquiry.objects.get().status == "open" and not ReviewItem.objects.exists()


def test_answer_without_faq_proposal(hr_desk: dict[str, Any]) -> None:
    inquiry = _ask(hr_desk)
    services.inquiry_answer(
        actor=hr_desk["hr1"], inquiry=inquiry, answer="個別にご案内します。", propose_faq=False
    )
    assert not ReviewItem.objects.exists()
    assert Inquiry.objects.get().status == "answered"


def test_approving_in_the_workflow_inbox_records_the_answer(hr_desk: dict[str, Any]) -> None:
    inquiry = _ask(hr_desk)
    request_id = inquiry.workflow_request_id
    assert request_id is not None
    # An approval without a comment would leave the asker without an answer: refused, unchanged.
    with pytest.raises(ValidationFailed) as error:
        wf_services.request_approve(actor=hr_desk["hr1"], request_id=request_id)
    assert "comment" in error.value.errors
    assert ApprovalRequest.objects.get(pk=request_id).status == "in_progress"
    assert not Action.objects.filter(request_id=request_id, kind="approve").exists()
    wf_services.request_approve(actor=hr_desk["hr1"], request_id=request_id, comment="2歳までです")
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.answer, inquiry.answered_by) == (
        "answered",
        "2歳までです",
        hr_desk["hr1"],
    )
    assert ReviewItem.objects.filter(inquiry=inquiry).count() == 1


def test_close_without_answer_rejects(hr_desk: dict[str, Any]) -> None:
    inquiry = _ask(hr_desk)
    with pytest.raises(ValidationFailed) as error:
        services.inquiry_close(actor=hr_desk["hr1"], inquiry=inquiry, reason=" ")
    assert "reason" in error.value.errors
    assert Inquiry.objects.get().status == "open"
    with pytest.raises(NotFound):  # another desk does not even see it
        services.inquiry_close(actor=hr_desk["accounting"], inquiry=inquiry, reason="x")
    services.inquiry_close(actor=hr_desk["hr1"], inquiry=inquiry, reason="社内規程の照会窓口へ")
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.close_note) == ("closed", "社内規程の照会窓口へ")
    request = ApprovalRequest.objects.get(pk=inquiry.workflow_request_id)
    assert request.status == "rejected"
    assert Action.objects.get(request=request, kind="reject").comment == "社内規程の照会窓口へ"
    with pytest.raises(Conflict):
        services.inquiry_answer(actor=hr_desk["hr1"], inquiry=inquiry, answer="やはり回答")
    # Rejecting on the workflow page closes an inquiry the same way.
    second = _ask(hr_desk)
    wf_services.request_reject(
        actor=hr_desk["hr2"], request_id=second.workflow_request_id or 0, comment="重複"
    )
    second.refresh_from_db()
    assert (second.status, second.close_note) == ("closed", "重複")


def test_asker_withdraws(hr_desk: dict[str, Any]) -> None:
    inquiry = _ask(hr_desk)
    services.inquiry_close(actor=hr_desk["asker"], inquiry=inquiry, reason="自己解決しました")
    inquiry.refresh_from_db()
    assert inquiry.status == "closed" and "自己解決しました" in inquiry.close_note
    assert ApprovalRequest.objects.get(pk=inquiry.workflow_request_id).status == "withdrawn"
    assert wf_selectors.inbox_count(actor=hr_desk["hr1"]) == 0


def test_return_and_resubmit(hr_desk: dict[str, Any]) -> None:
    inquiry = _ask(hr_desk)
    request_id = inquiry.workflow_request_id or 0
    wf_services.request_return(
        actor=hr_desk["hr1"], request_id=request_id, comment="お子さんの年齢は?"
    )
    assert Inquiry.objects.get().status == "open"
    with pytest.raises(Conflict):
        services.inquiry_answer(actor=hr_desk["hr1"], inquiry=inquiry, answer="x")
    assert not selectors.inquiry_can_answer(actor=hr_desk["hr1"], inquiry=_reload(inquiry))
    wf_services.request_resubmit(actor=hr_desk["asker"], request_id=request_id, comment="1歳です")
    services.inquiry_answer(actor=hr_desk["hr2"], inquiry=inquiry, answer="1歳6か月まで延長可")
    assert Inquiry.objects.get().status == "answered"
    assert ApprovalRequest.objects.get(pk=request_id).round == 2


def _reload(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_related("workflow_request").get(pk=inquiry.pk)


def test_only_whom_it_waits_for_answers(hr_desk: dict[str, Any], make_user: Any) -> None:
    inquiry = _ask(hr_desk)
    late = make_user(Role.HR, username="hr_late")  # joined after the request was routed
    assert selectors.inquiry_get(actor=late, inquiry_id=inquiry.pk) == inquiry  # the desk rule
    assert not selectors.inquiry_can_answer(actor=late, inquiry=_reload(inquiry))
    with pytest.raises(PermissionDenied):
        services.inquiry_answer(actor=late, inquiry=inquiry, answer="x")
    with pytest.raises(PermissionDenied):  # the AI operator sees every inquiry but is not asked
        services.inquiry_answer(actor=hr_desk["operator"], inquiry=inquiry, answer="x")
    assert ApprovalRequest.objects.get(pk=inquiry.workflow_request_id).status == "in_progress"
    # An administrator answers as proxy (recorded as such in the workflow).
    admin = make_user(Role.ADMIN, username="boss")
    services.inquiry_answer(actor=admin, inquiry=inquiry, answer="代わりに回答します")
    assert Action.objects.filter(request_id=inquiry.workflow_request_id, kind="proxy_approve")
    assert Inquiry.objects.get().answered_by == admin


def test_no_one_to_ask_is_refused_and_leaves_nothing(make_user: Any) -> None:
    asker = make_user(Role.EMPLOYEE)
    with pytest.raises(ValidationFailed) as error:
        services.inquiry_create(actor=asker, question="経費の締め日は?", desk="accounting")
    assert "経理" in error.value.message
    only = make_user(Role.ACCOUNTING)
    with pytest.raises(ValidationFailed) as error:
        services.inquiry_create(actor=only, question="経費の締め日は?", desk="accounting")
    assert "desk" in error.value.errors
    assert not Inquiry.objects.exists() and not ApprovalRequest.objects.exists()


def test_administrator_edits_of_the_route_stand(hr_desk: dict[str, Any]) -> None:
    _ask(hr_desk)
    Route.objects.filter(subject_type="assistant.inquiry").update(is_active=False, name="旧")
    assert services.inquiry_routes_ensure(desks=["hr"]) == 0
    with pytest.raises(ValidationFailed):
        _ask(hr_desk)
    assert Inquiry.objects.count() == 1


def test_reminder_and_escalation_to_the_next_manager(
    hr_desk: dict[str, Any], make_user: Any
) -> None:
    chief = make_user(Role.MANAGER, username="hr_chief")
    Employee.objects.filter(user__in=[hr_desk["hr1"], hr_desk["hr2"]]).update(
        manager=Employee.objects.get(user=chief)
    )
    inquiry = _ask(hr_desk, now=T0)
    assert not Inquiry.objects.visible_to(chief).exists()
    assert workflow_remind(now=T0 + dt.timedelta(hours=25)) == {"reminded": 1, "escalated": 0}
    assert Notification.objects.filter(kind="remind").count() == 2
    assert workflow_remind(now=T0 + dt.timedelta(hours=73))["escalated"] == 1
    slot = StepAssignment.objects.get(approver=chief)
    assert slot.status == "pending" and slot.escalated_from is not None
    # The manager now sees the inquiry and may answer it, as an escalation.
    assert selectors.inquiry_get(actor=chief, inquiry_id=inquiry.pk) == inquiry
    assert selectors.inquiry_can_answer(actor=chief, inquiry=_reload(inquiry))
    services.inquiry_answer(actor=chief, inquiry=inquiry, answer="人事部長として回答します")
    slot.refresh_from_db()
    assert (slot.status, slot.acted_as) == ("approved", "escalation")
    assert Inquiry.objects.get().status == "answered"


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("asker", True),
        ("hr1", True),
        ("hr2", True),
        ("operator", True),
        ("auditor", True),  # auditors read every workflow request, so its inquiry too
        ("accounting", False),
        ("other", False),
        ("manager_of_asker", False),
    ],
)
def test_visibility_matrix(
    hr_desk: dict[str, Any], make_user: Any, client_for: Any, who: str, sees: bool
) -> None:
    manager = make_user(Role.MANAGER, username="mgr")
    asker_employee = Employee.objects.get(user=hr_desk["asker"])
    asker_employee.manager = Employee.objects.get(user=manager)
    asker_employee.save()
    hr_desk["manager_of_asker"] = manager
    inquiry = _ask(hr_desk)
    user = hr_desk[who]
    client = Client()
    client.force_login(user)
    expected = 200 if sees else 404
    assert client.get(f"/api/v1/assistant/inquiries/{inquiry.pk}").status_code == expected
    assert client.get(f"/assistant/inquiries/{inquiry.pk}/").status_code == expected
    listed = client.get("/api/v1/assistant/inquiries").json()["items"]
    assert [i["id"] for i in listed] == ([inquiry.pk] if sees else [])
    # The workflow request follows the workflow's own rule (the AI operator is not on it).
    on_request = who in ("asker", "hr1", "hr2", "auditor")
    status = client.get(f"/workflow/requests/{inquiry.workflow_request_id}/").status_code
    assert status == (200 if on_request else 404)
    if not sees:
        response = client.post(
            f"/api/v1/assistant/inquiries/{inquiry.pk}/answer",
            {"answer": "x"},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert Inquiry.objects.get().status == "open"


def test_pages_link_both_ways_and_answer_from_the_page(
    hr_desk: dict[str, Any], client_for: Any
) -> None:
    inquiry = _ask(hr_desk)
    request = inquiry.workflow_request
    assert request is not None
    staff = Client()
    staff.force_login(hr_desk["hr1"])
    inbox = staff.get("/workflow/").content.decode()
    assert request.number in inbox
    page = staff.get(f"/workflow/requests/{request.pk}/").content.decode()
    assert f"/assistant/inquiries/{inquiry.pk}/" in page and "育児休業は何歳まで" in page
    detail = staff.get(f"/assistant/inquiries/{inquiry.pk}/").content.decode()
    assert f"/workflow/requests/{request.pk}/" in detail and 'name="answer"' in detail
    assert "回答せずに終了" in detail
    response = staff.post(
        f"/assistant/inquiries/{inquiry.pk}/", {"answer": "2歳までです", "propose_faq": "on"}
    )
    assert response.status_code == 302
    assert ApprovalRequest.objects.get(pk=request.pk).status == "approved"
    asker = Client()
    asker.force_login(hr_desk["asker"])
    assert "2歳までです" in asker.get(f"/assistant/inquiries/{inquiry.pk}/").content.decode()
    listing = asker.get("/assistant/inquiries/").content.decode()
    assert request.number in listing


def test_close_from_page_and_api(hr_desk: dict[str, Any]) -> None:
    first, second = _ask(hr_desk), _ask(hr_desk)
    staff = Client()
    staff.force_login(hr_desk["hr1"])
    response = staff.post(f"/assistant/inquiries/{first.pk}/", {"action": "close", "reason": ""})
    assert response.status_code == 200 and Inquiry.objects.get(pk=first.pk).status == "open"
    staff.post(f"/assistant/inquiries/{first.pk}/", {"action": "close", "reason": "対象外"})
    assert Inquiry.objects.get(pk=first.pk).status == "closed"
    asker = Client()
    asker.force_login(hr_desk["asker"])
    assert (
        "問い合わせを取り下げる" in asker.get(f"/assistant/inquiries/{second.pk}/").content.decode()
    )
    response = asker.post(
        f"/api/v1/assistant/inquiries/{second.pk}/close",
        {"reason": "解決しました"},
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["workflow_status"]) == ("closed", "withdrawn")
    response = asker.post(
        f"/api/v1/assistant/inquiries/{second.pk}/close", {}, content_type="application/json"
    )
    assert response.status_code == 409


def test_inquiry_list_queries_stay_constant_with_routed_inquiries(
    hr_desk: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(hr_desk["hr1"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/assistant/inquiries").status_code == 200
            assert client.get("/assistant/inquiries/").status_code == 200
        return len(ctx.captured_queries)

    _ask(hr_desk)
    few = count()
    for _ in range(6):
        _ask(hr_desk)
    assert count() == few


def test_lead_time_and_waiting_show_in_the_workflow_kpis(
    hr_desk: dict[str, Any], make_user: Any
) -> None:
    inquiry = _ask(hr_desk, now=T0)
    services.inquiry_answer(
        actor=hr_desk["hr1"], inquiry=inquiry, answer="2歳までです", now=T0 + dt.timedelta(hours=6)
    )
    executive = make_user(Role.EXECUTIVE)
    lead = {d.key: d for d in kpis.kpi_lead_time(actor=executive)}
    assert lead["assistant.inquiry"].label == "問い合わせ"
    assert (lead["assistant.inquiry"].count, lead["assistant.inquiry"].mean_hours) == (1, 6.0)
    waiting = {d.label: d for d in kpis.kpi_step_waiting(actor=executive)}
    assert waiting["問い合わせ / 人事の回答"].median_hours == 6.0
    volume = kpis.kpi_volume(actor=executive)
    assert [(r["subject_type"], r["count"]) for r in volume] == [("assistant.inquiry", 1)]
    inquiry.refresh_from_db()
    assert inquiry.created_at == T0 and inquiry.answered_at == T0 + dt.timedelta(hours=6)


def test_a_delegate_sees_and_answers(hr_desk: dict[str, Any]) -> None:
    inquiry = _ask(hr_desk)
    stand_in = hr_desk["other"]
    assert not Inquiry.objects.visible_to(stand_in).exists()
    today = timezone.localdate()
    delegation_create(
        actor=hr_desk["hr1"], delegate=stand_in, start_date=today, end_date=today, reason="休暇"
    )
    assert selectors.inquiry_get(actor=stand_in, inquiry_id=inquiry.pk) == inquiry
    services.inquiry_answer(actor=stand_in, inquiry=inquiry, answer="代理で回答します")
    approve = Action.objects.get(kind="approve")
    assert (approve.actor, approve.on_behalf_of) == (stand_in, hr_desk["hr1"])
    assert Inquiry.objects.get().answered_by == stand_in

"""職務分掌 (segregation of duties): nobody decides a step of their own request, by any path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from urakata.core.errors import PermissionDenied
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.workflow import delegations, selectors, services
from urakata.workflow.forms import ringi_submit
from urakata.workflow.models import Action, ApprovalRequest, Notification, StepAssignment
from urakata.workflow.routes import route_create
from urakata.workflow.tests.factories import RINGI, make_org, make_route, person

pytestmark = pytest.mark.django_db
S = ApprovalRequest.Status


@pytest.fixture
def org() -> Any:
    return make_org()


def _delegated_to_applicant(org: Any) -> ApprovalRequest:
    """The applicant's manager delegated to the applicant, then the applicant submits."""
    make_route()
    today = timezone.localdate()
    delegations.delegation_create(
        actor=org.sales_manager,
        delegate=org.applicant,
        start_date=today,
        end_date=today + dt.timedelta(days=5),
    )
    return ringi_submit(actor=org.applicant, data=RINGI)


def _unchanged(request: ApprovalRequest) -> None:
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS and request.current_step.name == "部署長承認"
    assert not Action.objects.filter(request=request, kind="approve").exists()
    assert not AuditEvent.objects.filter(
        action="workflow.request.approve", target_id=str(request.pk)
    ).exists()


def test_delegate_who_is_the_applicant_cannot_approve_their_own(org) -> None:
    request = _delegated_to_applicant(org)
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=org.applicant, request_id=request.pk)
    _unchanged(request)


@pytest.mark.parametrize("kind", ["reject", "return"])
def test_applicant_as_delegate_cannot_reject_or_return_either(org, kind: str) -> None:
    request = _delegated_to_applicant(org)
    service = services.request_reject if kind == "reject" else services.request_return
    with pytest.raises(PermissionDenied):
        service(actor=org.applicant, request_id=request.pk, comment="自分で")
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS


def test_delegation_never_puts_own_request_in_inbox_or_notifies(org) -> None:
    request = _delegated_to_applicant(org)
    assert not selectors.inbox_list(actor=org.applicant).filter(pk=request.pk).exists()
    assert selectors.inbox_count(actor=org.applicant) == 0
    assert not Notification.objects.filter(user=org.applicant, kind="pending").exists()
    # the delegator still sees and can approve it
    assert selectors.inbox_list(actor=org.sales_manager).filter(pk=request.pk).exists()
    services.request_approve(actor=org.sales_manager, request_id=request.pk)


def test_bulk_approve_skips_own_request_and_approves_others(org) -> None:
    own = _delegated_to_applicant(org)
    others = ringi_submit(actor=org.colleague, data=RINGI)
    result = services.request_bulk_approve(actor=org.applicant, request_ids=[own.pk, others.pk])
    assert result["approved"] == [others.pk]
    assert own.pk in result["failed"] and "自分の申請" in result["failed"][own.pk]
    _unchanged(own)


def test_api_approve_and_bulk_refuse_own_request(org) -> None:
    request = _delegated_to_applicant(org)
    client = Client()
    client.force_login(org.applicant)
    base = "/api/v1/workflow"
    response = client.post(
        f"{base}/requests/{request.pk}/approve", {"comment": ""}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = client.post(
        f"{base}/inbox/bulk-approve", {"ids": [request.pk]}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["approved"] == []
    _unchanged(request)


def test_proxy_approval_needs_someone_other_than_the_applicant(org) -> None:
    make_route()
    request = ringi_submit(actor=org.admin, data={**RINGI, "amount": 5_000_000})
    with pytest.raises(PermissionDenied):
        services.request_proxy_approve(actor=org.admin, request_id=request.pk, comment="急ぎ")
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    assert not Action.objects.filter(request=request, kind="proxy_approve").exists()
    # another administrator may
    other_admin = make_org_admin(org)
    services.request_proxy_approve(actor=other_admin, request_id=request.pk, comment="社長不在")
    assert Action.objects.filter(request=request, kind="proxy_approve").count() == 1


def make_org_admin(org: Any) -> Any:
    return person(Role.ADMIN, department=org.hq, username="admin_two")


def test_proxy_button_hidden_on_own_request(org) -> None:
    make_route()
    request = ringi_submit(actor=org.admin, data=RINGI)
    client = Client()
    client.force_login(org.admin)
    page = client.get(f"/workflow/requests/{request.pk}/")
    assert page.status_code == 200
    assert b"/proxy_approve/" not in page.content


def _two_steps_same_person(org: Any, *, distinct: bool) -> ApprovalRequest:
    data = {
        "name": "同一人物ルート",
        "subject_type": "workflow.ringi",
        "distinct_approvers": distinct,
        "steps": [
            {"name": "一次", "approvers": [{"kind": "department_manager"}]},
            {
                "name": "二次",
                "approvers": [
                    {"kind": "user", "user": org.sales_manager.pk},
                    {"kind": "role", "role": "accounting"},
                ],
                "quorum": "any",
            },
        ],
    }
    route = route_create(actor=org.admin, data=data)
    assert route.distinct_approvers is distinct
    request = ringi_submit(actor=org.applicant, data=RINGI)
    assert request.route_snapshot["distinct_approvers"] is distinct
    services.request_approve(actor=org.sales_manager, request_id=request.pk)
    return request


def test_distinct_approvers_route_stops_a_second_step_by_the_same_person(org) -> None:
    request = _two_steps_same_person(org, distinct=True)
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=org.sales_manager, request_id=request.pk)
    request.refresh_from_db()
    assert request.current_step.name == "二次"
    services.request_approve(actor=org.accountant_a, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == S.APPROVED
    approvers = set(
        StepAssignment.objects.filter(step__request=request, status="approved").values_list(
            "acted_by_id", flat=True
        )
    )
    assert approvers == {org.sales_manager.pk, org.accountant_a.pk}


def test_distinct_approvers_also_binds_delegates_and_proxies(org) -> None:
    request = _two_steps_same_person(org, distinct=True)
    today = timezone.localdate()
    delegations.delegation_create(
        actor=org.accountant_a, delegate=org.sales_manager, start_date=today, end_date=today
    )
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=org.sales_manager, request_id=request.pk)
    # an administrator who approved step 1 by proxy may not proxy step 2
    make_route_request = ringi_submit(actor=org.colleague, data=RINGI)
    services.request_proxy_approve(actor=org.admin, request_id=make_route_request.pk, comment="a")
    with pytest.raises(PermissionDenied):
        services.request_proxy_approve(
            actor=org.admin, request_id=make_route_request.pk, comment="b"
        )


def test_without_the_option_one_person_may_approve_two_steps(org) -> None:
    request = _two_steps_same_person(org, distinct=False)
    services.request_approve(actor=org.sales_manager, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == S.APPROVED


def test_route_api_shows_and_accepts_the_option(org) -> None:
    client = Client()
    client.force_login(org.admin)
    payload = {
        "name": "分掌ルート",
        "subject_type": "workflow.ringi",
        "distinct_approvers": True,
        "steps": [{"name": "一次", "approvers": [{"kind": "department_manager"}]}],
    }
    response = client.post("/api/v1/workflow/routes", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["distinct_approvers"] is True

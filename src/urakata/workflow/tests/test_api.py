"""Workflow API: visibility matrix by role, actions with JSON errors, constant query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from urakata.core.roles import Role
from urakata.workflow import delegations, services
from urakata.workflow.forms import ringi_submit
from urakata.workflow.models import Action, ApprovalRequest
from urakata.workflow.tests.factories import RINGI, make_org, make_route, person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workflow"


@pytest.fixture
def world() -> dict[str, Any]:
    """A request at step 2 of 3: sales_manager approved, accountants pending, president waits."""
    org = make_org()
    make_route(
        steps=[
            {"name": "部署長", "approvers": [{"kind": "department_manager"}]},
            {
                "name": "経理",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "any",
            },
            {"name": "社長", "approvers": [{"kind": "user", "user": org.president.pk}]},
        ]
    )
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_approve(actor=org.sales_manager, request_id=request.pk)
    delegate = person(department=org.sales, username="delegate")
    today = timezone.localdate()
    delegations.delegation_create(
        actor=org.accountant_b,
        delegate=delegate,
        start_date=today,
        end_date=today + dt.timedelta(days=1),
    )
    users = {
        "applicant": org.applicant,
        "past_approver": org.sales_manager,
        "current_approver": org.accountant_a,
        "delegate": delegate,
        "auditor": org.auditor,
        "admin": org.admin,
        "future_approver": org.president,
        "outsider": org.outsider,
        "colleague": org.colleague,
        "hr": person(Role.HR, department=org.hq, username="hr_user"),
        "manager_elsewhere": person(Role.MANAGER, department=org.hq, username="other_mgr"),
    }
    return {"org": org, "request": request, "users": users}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


VISIBLE = {"applicant", "past_approver", "current_approver", "delegate", "auditor", "admin"}
HIDDEN = {"future_approver", "outsider", "colleague", "hr", "manager_elsewhere"}


@pytest.mark.parametrize("who", sorted(VISIBLE | HIDDEN))
def test_visibility_matrix(world: dict[str, Any], who: str) -> None:
    request = world["request"]
    client = _client(world["users"][who])
    detail = client.get(f"{BASE}/requests/{request.pk}")
    listed = {row["id"] for row in client.get(f"{BASE}/requests").json()["items"]}
    before = Action.objects.count()
    comment = client.post(
        f"{BASE}/requests/{request.pk}/comment",
        {"comment": "見ました"},
        content_type="application/json",
    )
    if who in VISIBLE:
        assert detail.status_code == 200 and detail.json()["number"] == request.number
        assert request.pk in listed
        assert comment.status_code == 201
    else:
        assert detail.status_code == 404 and detail.json()["code"] == "not_found"
        assert request.pk not in listed
        assert comment.status_code == 404
        assert Action.objects.count() == before
        for action in ("approve", "reject", "return", "withdraw", "resubmit"):
            response = client.post(
                f"{BASE}/requests/{request.pk}/{action}",
                {"comment": "x"},
                content_type="application/json",
            )
            assert response.status_code in (403, 404), (action, response.status_code)
        assert Action.objects.count() == before


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("applicant", "approve", 403),  # 職務分掌: never one's own request
        ("past_approver", "approve", 409),
        ("auditor", "approve", 409),
        ("current_approver", "withdraw", 403),
        ("current_approver", "proxy-approve", 403),
        ("auditor", "proxy-approve", 403),
        ("applicant", "resubmit", 409),
        ("current_approver", "approve", 200),
        ("delegate", "approve", 200),
        ("admin", "proxy-approve", 200),
        ("applicant", "withdraw", 200),
    ],
)
def test_action_matrix(world: dict[str, Any], who: str, action: str, status: int) -> None:
    request = world["request"]
    response = _client(world["users"][who]).post(
        f"{BASE}/requests/{request.pk}/{action}",
        {"comment": "理由"},
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert body["id"] == request.pk and body["steps"][1]["status"] in ("approved", "cancelled")
    else:
        assert response.json()["code"] in ("conflict", "permission_denied")


def test_anonymous_is_401(client: Client) -> None:
    assert client.get(f"{BASE}/inbox").status_code == 401
    assert client.post(f"{BASE}/ringi", {}, content_type="application/json").status_code == 401


def test_detail_draws_the_route(world: dict[str, Any]) -> None:
    request = world["request"]
    body = _client(world["users"]["applicant"]).get(f"{BASE}/requests/{request.pk}").json()
    assert [s["name"] for s in body["steps"]] == ["部署長", "経理", "社長"]
    first = body["steps"][0]["slots"][0]
    assert first["status"] == "approved" and first["acted_at"] and first["acted_as"] == "self"
    assert body["steps"][1]["status"] == "pending" and body["steps"][1]["activated_at"]
    assert body["current_step"] == "経理" and body["waiting_since"]
    assert [a["kind"] for a in body["actions"]] == ["submit", "approve"]
    assert {"label": "金額", "value": "300,000 円"} in body["subject"]


def test_submit_ringi_and_inbox_flow(make_user: Any) -> None:
    org = make_org()
    make_route()
    applicant = _client(org.applicant)
    bad = applicant.post(
        f"{BASE}/ringi", {"title": "", "purpose": "", "amount": -1}, content_type="application/json"
    )
    assert bad.status_code == 422 and {"title", "purpose", "amount"} <= set(bad.json()["errors"])
    created = applicant.post(f"{BASE}/ringi", RINGI, content_type="application/json")
    assert created.status_code == 201
    request_id = created.json()["id"]
    manager = _client(org.sales_manager)
    assert manager.get(f"{BASE}/inbox/count").json() == {"count": 1}
    assert [r["id"] for r in manager.get(f"{BASE}/inbox").json()["items"]] == [request_id]
    result = manager.post(
        f"{BASE}/inbox/bulk-approve", {"ids": [request_id, 999999]}, content_type="application/json"
    )
    assert result.json()["approved"] == [request_id] and "999999" in result.json()["failed"]
    assert manager.get(f"{BASE}/inbox/count").json() == {"count": 0}
    again = manager.post(
        f"{BASE}/requests/{request_id}/approve", {}, content_type="application/json"
    )
    assert again.status_code == 409
    notes = applicant.get(f"{BASE}/notifications?unread=true").json()
    assert notes["meta"]["count"] == 0  # nothing decided yet for the applicant
    accountant = _client(org.accountant_a)
    assert (
        accountant.post(
            f"{BASE}/requests/{request_id}/reject", {"comment": ""}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        accountant.post(
            f"{BASE}/requests/{request_id}/reject",
            {"comment": "NG"},
            content_type="application/json",
        ).json()["status"]
        == "rejected"
    )
    assert applicant.get(f"{BASE}/notifications?unread=true").json()["meta"]["count"] == 1
    assert applicant.post(
        f"{BASE}/notifications/read", {}, content_type="application/json"
    ).json() == {"count": 1}


def test_routes_api_is_admin_only_and_versions(world: dict[str, Any]) -> None:
    org = world["org"]
    payload = {
        "name": "高額稟議",
        "subject_type": "workflow.ringi",
        "priority": 5,
        "conditions": [{"field": "amount", "op": ">=", "value": "1000000"}],
        "steps": [{"name": "社長", "approvers": [{"kind": "user", "user": org.president.pk}]}],
    }
    assert (
        _client(org.applicant)
        .post(f"{BASE}/routes", payload, content_type="application/json")
        .status_code
        == 403
    )
    admin = _client(org.admin)
    bad = admin.post(
        f"{BASE}/routes",
        {**payload, "subject_type": "nope", "steps": [{"name": "", "approvers": [{"kind": "x"}]}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and {"subject_type", "steps.1.name", "steps.1.approvers"} <= set(
        bad.json()["errors"]
    )
    created = admin.post(f"{BASE}/routes", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["version"] == 1
    updated = admin.put(
        f"{BASE}/routes/{created.json()['id']}",
        {**payload, "name": "高額稟議2"},
        content_type="application/json",
    )
    assert updated.json()["version"] == 2


def test_forms_and_delegations_api(world: dict[str, Any]) -> None:
    org = world["org"]
    form = {
        "code": "address",
        "name": "住所変更届",
        "fields": [{"name": "new_address", "label": "新住所", "type": "text", "required": True}],
    }
    assert (
        _client(org.applicant)
        .post(f"{BASE}/forms", form, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        _client(org.admin).post(f"{BASE}/forms", form, content_type="application/json").status_code
        == 201
    )
    make_route(
        subject_type="workflow.formsubmission",
        steps=[{"name": "人事", "approvers": [{"kind": "role", "role": "hr"}]}],
    )
    applicant = _client(org.applicant)
    assert [f["code"] for f in applicant.get(f"{BASE}/forms").json()] == ["address"]
    missing = applicant.post(
        f"{BASE}/forms/address/submit", {"values": {}}, content_type="application/json"
    )
    assert missing.status_code == 422 and "new_address" in missing.json()["errors"]
    ok = applicant.post(
        f"{BASE}/forms/address/submit",
        {"values": {"new_address": "東京都港区1-1"}},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["title"] == "住所変更届: 東京都港区1-1"
    today = timezone.localdate().isoformat()
    delegation = applicant.post(
        f"{BASE}/delegations",
        {"delegate_id": org.applicant.pk, "start_date": today, "end_date": today},
        content_type="application/json",
    )
    assert delegation.status_code == 422


def test_kpis_api_permission(world: dict[str, Any]) -> None:
    assert _client(world["users"]["applicant"]).get(f"{BASE}/kpis").status_code == 403
    body = _client(world["users"]["auditor"]).get(f"{BASE}/kpis").json()
    assert body["volume"][0]["count"] == 1 and body["return_rate"][0]["submitted"] == 1


@pytest.mark.parametrize("url", [f"{BASE}/requests", f"{BASE}/inbox", f"{BASE}/requests?mine=true"])
def test_list_query_count_does_not_grow(url: str) -> None:
    org = make_org()
    make_route()
    client = _client(org.sales_manager if "inbox" in url else org.applicant)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            assert response.status_code == 200
        assert response.json()["meta"]["count"] > 0
        return len(ctx.captured_queries)

    for _ in range(2):
        ringi_submit(actor=org.applicant, data=RINGI)
    few = count_queries()
    for _ in range(15):
        ringi_submit(actor=org.applicant, data=RINGI)
    assert count_queries() == few
    assert ApprovalRequest.objects.count() == 17


def test_attachments_api(world: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from urakata.core.tests.samples import pdf_bytes

    pdf = pdf_bytes()
    request = world["request"]
    url = f"{BASE}/requests/{request.pk}/attachments"
    denied = _client(world["users"]["current_approver"]).post(
        url, {"files": SimpleUploadedFile("x.txt", b"x")}
    )
    assert denied.status_code == 403
    hidden = _client(world["users"]["outsider"]).post(
        url, {"files": SimpleUploadedFile("x.txt", b"x")}
    )
    assert hidden.status_code == 404
    applicant = _client(world["users"]["applicant"])
    created = applicant.post(
        url,
        {"files": [SimpleUploadedFile("見積.pdf", pdf), SimpleUploadedFile("b.txt", b"b")]},
    )
    assert created.status_code == 201 and [a["name"] for a in created.json()] == [
        "見積.pdf",
        "b.txt",
    ]
    detail = _client(world["users"]["current_approver"]).get(f"{BASE}/requests/{request.pk}").json()
    assert [a["name"] for a in detail["attachments"]] == ["見積.pdf", "b.txt"]
    download = _client(world["users"]["current_approver"]).get(detail["attachments"][0]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    assert download["Content-Type"] == "application/pdf"

"""Review queue (ai_operator approves/edits/rejects) and the usage page (AI活用率, backlog)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from urakata.assistant import selectors, services
from urakata.assistant.models import AICallLog, KnowledgeSource, ReviewItem
from urakata.assistant.tests.factories import make_source
from urakata.core.errors import Conflict, PermissionDenied
from urakata.core.roles import Role
from urakata.org.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def _faq_item(make_user: Any) -> ReviewItem:
    asker = make_user(Role.EMPLOYEE)
    staff = make_user(Role.GENERAL_AFFAIRS)
    inquiry = services.inquiry_create(
        actor=asker, question="社員食堂は何時まで?", desk="general_affairs"
    )
    services.inquiry_answer(actor=staff, inquiry=inquiry, answer="14時までです。")
    return ReviewItem.objects.get(inquiry=inquiry)


def test_approve_with_edit_creates_a_searchable_faq(make_user: Any, client_for: Any) -> None:
    item = _faq_item(make_user)
    operator = client_for(Role.AI_OPERATOR)
    response = operator.post(
        f"/assistant/review/{item.pk}/",
        {
            "decision": "approve",
            "title": "社員食堂の営業時間",
            "question": "社員食堂は何時まで営業していますか?",
            "body": "11時30分から14時までです。",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "approved" and item.result_source is not None
    source = item.result_source
    assert (source.kind, source.question, source.body) == (
        "faq",
        "社員食堂は何時まで営業していますか?",
        "11時30分から14時までです。",
    )
    employee = make_user(Role.EMPLOYEE)
    hits, confidence = selectors.kb_search(actor=employee, question="社員食堂の営業時間", k=3)
    assert hits[0].source == source and confidence >= 50
    with pytest.raises(Conflict):
        services.review_approve(actor=item.decided_by, item=item)


def test_reject_creates_nothing(make_user: Any, client_for: Any) -> None:
    item = _faq_item(make_user)
    response = client_for(Role.AI_OPERATOR).post(
        f"/api/v1/assistant/review/{item.pk}/reject",
        {"note": "既存FAQと重複"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert not KnowledgeSource.objects.exists()


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HR, Role.GENERAL_AFFAIRS, Role.MANAGER])
def test_only_ai_operator_reviews(make_user: Any, client_for: Any, role: Role) -> None:
    item = _faq_item(make_user)
    client = client_for(role)
    assert client.get("/api/v1/assistant/review").status_code == 403
    assert (
        client.post(
            f"/api/v1/assistant/review/{item.pk}/approve", {}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.get("/assistant/review/").status_code == 403
    item.refresh_from_db()
    assert item.status == "pending" and not KnowledgeSource.objects.exists()


def test_source_update_proposal(make_user: Any) -> None:
    source = make_source(title="ITヘルプ", body="# ITヘルプ\n\nVPNは社員番号で接続します。")
    item = services.review_propose(
        actor=make_user(Role.GENERAL_AFFAIRS),
        kind=ReviewItem.Kind.SOURCE_UPDATE,
        title="VPN手順の更新",
        body="# ITヘルプ\n\nVPNは社員番号とワンタイムコードで接続します。",
        target_source=source,
    )
    services.review_approve(actor=make_user(Role.AI_OPERATOR), item=item)
    source.refresh_from_db()
    assert "ワンタイムコード" in source.chunks.get().text


def test_knowledge_management_is_for_ai_operator_and_admin(client_for: Any) -> None:
    payload = {
        "kind": "faq",
        "question": "傘の貸し出しはありますか",
        "body": "受付で貸し出します。",
    }
    assert (
        client_for(Role.EMPLOYEE)
        .post("/api/v1/assistant/sources", payload, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        client_for(Role.HR)
        .post("/api/v1/assistant/sources", payload, content_type="application/json")
        .status_code
        == 403
    )
    assert not KnowledgeSource.objects.exists()
    response = client_for(Role.AI_OPERATOR).post(
        "/api/v1/assistant/sources", payload, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["title"] == "傘の貸し出しはありますか"
    bad = client_for(Role.ADMIN).post(
        "/api/v1/assistant/sources",
        {"kind": "faq", "body": "", "audience": "ghost"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and {"question", "body", "audience"} <= set(bad.json()["errors"])


def test_upload_via_api(client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(Role.AI_OPERATOR)
    response = client.post(
        "/api/v1/assistant/uploads",
        {
            "file": SimpleUploadedFile("wifi.md", "# Wi-Fi\n\nゲスト用は受付で。".encode()),
            "audience": "hr,general_affairs",
        },
    )
    assert response.status_code == 201 and response.json()["audience"] == "restricted"
    bad = client.post("/api/v1/assistant/uploads", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 422 and "file" in bad.json()["errors"]


def test_usage_by_department_and_month(make_user: Any, client_for: Any) -> None:
    sales = DepartmentFactory(name="営業部")
    users = []
    for _ in range(4):
        user = make_user(Role.EMPLOYEE, employee=False)
        EmployeeFactory(user=user, department=sales)
        users.append(user)
    for user in users[:2]:
        services.assistant_ask(actor=user, question="経費精算の期限")
    services.assistant_ask(actor=users[0], question="出張の日当")
    old = AICallLog.objects.create(
        user=users[3], department=sales, feature="kb_ask", provider="local"
    )
    AICallLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=62))
    executive = make_user(Role.EXECUTIVE)
    rows = selectors.usage_by_department(actor=executive, months=6)
    this_month = [
        r
        for r in rows
        if r.department == "営業部" and r.month == timezone.localdate().replace(day=1)
    ]
    assert len(this_month) == 1
    row = this_month[0]
    assert (row.calls, row.users, row.headcount, row.rate) == (3, 2, 4, 50)
    assert sum(r.calls for r in rows if r.department == "営業部") == 4
    page = client_for(Role.AI_OPERATOR).get("/assistant/usage/")
    assert (
        page.status_code == 200
        and "AI活用率" in page.content.decode()
        and "50%" in page.content.decode()
    )
    assert client_for(Role.EMPLOYEE).get("/assistant/usage/").status_code == 403
    with pytest.raises(PermissionDenied):
        selectors.usage_by_department(actor=make_user(Role.EMPLOYEE))


def test_review_backlog_and_page(make_user: Any, client_for: Any) -> None:
    _faq_item(make_user)
    ReviewItem.objects.update(created_at=timezone.now() - dt.timedelta(days=3))
    body = client_for(Role.AI_OPERATOR).get("/api/v1/assistant/usage").json()
    assert body["review_backlog"] == [
        {"kind": "faq", "label": "FAQ追加", "count": 1, "oldest_days": 3}
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/assistant/review",
        "/assistant/review/",
        "/api/v1/assistant/sources",
        "/assistant/kb/",
    ],
)
def test_lists_do_not_grow_queries(make_user: Any, client_for: Any, url: str) -> None:
    client = client_for(Role.AI_OPERATOR)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _faq_item(make_user)
    make_source(title="a", audience="hr")
    few = count()
    for i in range(8):
        item = _faq_item(make_user)
        item.question = f"q{i}"
        item.save()
        make_source(title=f"s{i}", audience="hr,general_affairs")
    assert count() == few


def test_month_start_crosses_years() -> None:
    assert selectors.month_start(dt.date(2026, 1, 15), 2) == dt.date(2025, 11, 1)
    assert selectors.month_start(dt.date(2026, 11, 30), 0) == dt.date(2026, 11, 1)
    assert selectors.month_start(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 1)

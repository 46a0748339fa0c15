"""Workflow pages: inbox with count and bulk approve, request page route, forms, route editor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from urakata.core.tests.samples import jpeg_bytes, pdf_bytes
from urakata.workflow import services
from urakata.workflow.forms import form_create, ringi_submit
from urakata.workflow.models import ApprovalRequest, Attachment, Delegation, RequestForm, Route
from urakata.workflow.tests.factories import RINGI, make_org, make_route

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Any:
    org = make_org()
    make_route()
    return org


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_inbox_shows_count_in_navigation_and_rows(org: Any) -> None:
    for _ in range(3):
        ringi_submit(actor=org.applicant, data=RINGI)
    page = _client(org.sales_manager).get("/workflow/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<span class="nav-badge">3</span>' in html
    assert html.count('name="ids"') == 3
    assert "展示会出展" in html
    # the applicant has nothing waiting: no badge
    assert "nav-badge" not in _client(org.applicant).get("/workflow/").content.decode()


def test_inbox_query_count_is_constant(org: Any) -> None:
    client = _client(org.sales_manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/workflow/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        ringi_submit(actor=org.applicant, data=RINGI)
    few = count()
    for _ in range(12):
        ringi_submit(actor=org.colleague, data=RINGI)
    assert count() == few


def test_bulk_approve_from_the_inbox(org: Any) -> None:
    ids = [ringi_submit(actor=org.applicant, data=RINGI).pk for _ in range(3)]
    response = _client(org.sales_manager).post(
        "/workflow/bulk-approve/", {"ids": [str(i) for i in ids[:2]], "comment": "OK"}
    )
    assert response.status_code == 302
    moved = ApprovalRequest.objects.filter(pk__in=ids, current_step__name="経理確認").count()
    assert moved == 2


def test_request_page_draws_route_and_waiting(org: Any) -> None:
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_approve(actor=org.sales_manager, request_id=request.pk, comment="良いです")
    html = _client(org.applicant).get(f"/workflow/requests/{request.pk}/").content.decode()
    assert "部署長承認" in html and "経理確認" in html
    assert "良いです" in html
    assert "から承認待ち" in html  # who is waiting now and since when
    assert html.count('class="slot"') == 3  # 1 manager + 2 accountants
    # the approver sees the decision buttons, the applicant does not
    assert f'action="/workflow/requests/{request.pk}/approve/"' not in html
    assert f'action="/workflow/requests/{request.pk}/withdraw/"' in html
    approver_html = (
        _client(org.accountant_a).get(f"/workflow/requests/{request.pk}/").content.decode()
    )
    assert f'action="/workflow/requests/{request.pk}/approve/"' in approver_html


def test_outsider_gets_404_on_request_page(org: Any) -> None:
    request = ringi_submit(actor=org.applicant, data=RINGI)
    assert _client(org.outsider).get(f"/workflow/requests/{request.pk}/").status_code == 404
    response = _client(org.outsider).post(f"/workflow/requests/{request.pk}/approve/", {})
    assert response.status_code == 404


def test_actions_by_post(org: Any) -> None:
    request = ringi_submit(actor=org.applicant, data=RINGI)
    manager = _client(org.sales_manager)
    manager.post(f"/workflow/requests/{request.pk}/return/", {"comment": "見積書を添付"})
    request.refresh_from_db()
    assert request.status == "returned"
    page = _client(org.applicant).get(f"/workflow/ringi/{request.pk}/resubmit/")
    assert page.status_code == 200 and "展示会出展" in page.content.decode()
    response = _client(org.applicant).post(
        f"/workflow/ringi/{request.pk}/resubmit/",
        {
            **RINGI,
            "amount": "350000",
            "comment": "見積書添付",
            "attachments": SimpleUploadedFile("見積.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "in_progress" and request.round == 2 and request.amount == 350000


def test_ringi_new_with_attachment_and_download_scope(org: Any) -> None:
    client = _client(org.applicant)
    bad = client.post("/workflow/new/ringi/", {"title": "", "purpose": "", "amount": "abc"})
    assert bad.status_code == 422 and "必須項目です" in bad.content.decode()
    response = client.post(
        "/workflow/new/ringi/",
        {
            **RINGI,
            "attachments": [
                SimpleUploadedFile("a.txt", b"hello"),
                SimpleUploadedFile("b.txt", b"hello"),
            ],
        },
    )
    assert response.status_code == 302
    attachments = list(Attachment.objects.order_by("pk"))
    assert (
        len(attachments) == 2 and attachments[0].stored.blob.name == attachments[1].stored.blob.name
    )  # same content
    download = client.get(f"/workflow/attachments/{attachments[0].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"hello"
    assert (
        _client(org.outsider).get(f"/workflow/attachments/{attachments[0].pk}/").status_code == 404
    )


def test_admin_defined_form_page(org: Any) -> None:
    form_create(
        actor=org.admin,
        data={
            "code": "badge",
            "name": "入館証発行",
            "fields": [
                {"name": "reason", "label": "理由", "type": "text", "required": True},
                {"name": "start", "label": "利用開始日", "type": "date", "required": True},
                {"name": "photo", "label": "写真", "type": "file", "required": True},
            ],
        },
    )
    make_route(
        subject_type="workflow.formsubmission",
        steps=[{"name": "総務", "approvers": [{"kind": "department", "department": org.hq.pk}]}],
    )
    client = _client(org.applicant)
    assert "入館証発行" in client.get("/workflow/new/").content.decode()
    bad = client.post("/workflow/new/form/badge/", {"reason": "", "start": "2026-13-01"})
    body = bad.content.decode()
    assert (
        bad.status_code == 422
        and "必須項目です" in body
        and "YYYY-MM-DD" in body
        and "ファイルを添付" in body
    )
    ok = client.post(
        "/workflow/new/form/badge/",
        {
            "reason": "新入社員",
            "start": "2026-04-01",
            "photo": SimpleUploadedFile("p.jpg", jpeg_bytes()),
        },
    )
    assert ok.status_code == 302
    request = ApprovalRequest.objects.get(subject_type="workflow.formsubmission")
    assert request.current_step.assignments.get().approver == org.president
    assert Attachment.objects.filter(submission__isnull=False, field="photo").count() == 1


def test_route_editor(org: Any) -> None:
    assert _client(org.applicant).get("/workflow/routes/new/").status_code == 403
    admin = _client(org.admin)
    assert admin.get("/workflow/routes/").status_code == 200
    form = {
        "name": "高額稟議",
        "subject_type": "workflow.ringi",
        "priority": "10",
        "remind_after_hours": "24",
        "escalate_after_hours": "72",
        "is_active": "on",
        "conditions": "amount >= 1000000",
        "step_count": "3",
        "step-0-name": "部長",
        "step-0-approvers": "department_manager",
        "step-0-quorum": "all",
        "step-1-name": "経理と社長",
        "step-1-approvers": "role:accounting\nuser:president",
        "step-1-quorum": "all",
        "step-2-name": "",
        "step-2-approvers": "",
    }
    bad = admin.post(
        "/workflow/routes/new/",
        {**form, "step-1-approvers": "role:nope\nuser:ghost", "conditions": "amount ≧ 1"},
    )
    assert bad.status_code == 422
    assert "ロール「nope」はありません" in bad.content.decode() and "ghost" in bad.content.decode()
    assert admin.post("/workflow/routes/new/", form).status_code == 302
    route = Route.objects.get(name="高額稟議")
    assert route.conditions == [{"field": "amount", "op": ">=", "value": "1000000"}]
    assert [s.approvers for s in route.steps.all()][1] == [
        {"kind": "role", "role": "accounting"},
        {"kind": "user", "user": org.president.pk},
    ]
    edit = admin.get(f"/workflow/routes/{route.pk}/").content.decode()
    assert "user:president" in edit and "amount &gt;= 1000000" in edit
    admin.post(f"/workflow/routes/{route.pk}/", {**form, "name": "高額稟議(改)"})
    route.refresh_from_db()
    assert route.version == 2 and route.name == "高額稟議(改)"
    assert "高額稟議(改)" in _client(org.auditor).get("/workflow/routes/").content.decode()


def test_form_editor(org: Any) -> None:
    assert _client(org.applicant).get("/workflow/forms/").status_code == 403
    admin = _client(org.admin)
    response = admin.post(
        "/workflow/forms/new/",
        {
            "code": "meishi",
            "name": "名刺発注",
            "is_active": "on",
            "field_count": "2",
            "field-0-name": "count",
            "field-0-label": "枚数",
            "field-0-type": "number",
            "field-0-required": "on",
            "field-1-name": "kind",
            "field-1-label": "種類",
            "field-1-type": "choice",
            "field-1-choices": "通常, 英語",
        },
    )
    assert response.status_code == 302
    form = RequestForm.objects.get(code="meishi")
    assert form.fields[1]["choices"] == ["通常", "英語"] and form.fields[0]["required"] is True
    assert "名刺発注" in admin.get("/workflow/forms/").content.decode()


def test_kpis_page_permissions(org: Any) -> None:
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_return(actor=org.sales_manager, request_id=request.pk, comment="x")
    assert _client(org.applicant).get("/workflow/kpis/").status_code == 403
    html = _client(org.auditor).get("/workflow/kpis/").content.decode()
    assert "100.0%" in html  # 差し戻し率 of the one request


def test_delegation_and_notification_pages(org: Any) -> None:
    client = _client(org.sales_manager)
    today = timezone.localdate()
    response = client.post(
        "/workflow/delegations/",
        {
            "delegate": "colleague",
            "start_date": today.isoformat(),
            "end_date": (today + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert (
        response.status_code == 302 and Delegation.objects.filter(delegate=org.colleague).exists()
    )
    ringi_submit(actor=org.applicant, data=RINGI)
    assert (
        '<span class="nav-badge">1</span>'
        in _client(org.colleague).get("/workflow/").content.decode()
    )
    page = client.get("/workflow/notifications/").content.decode()
    assert "承認依頼" in page
    client.post("/workflow/notifications/")
    assert "承認依頼" in client.get("/workflow/notifications/").content.decode()


def test_applicant_adds_attachment_on_the_page(org: Any) -> None:
    request = ringi_submit(actor=org.applicant, data=RINGI)
    page = _client(org.applicant).get(f"/workflow/requests/{request.pk}/").content.decode()
    assert f'action="/workflow/requests/{request.pk}/attach/"' in page
    response = _client(org.applicant).post(
        f"/workflow/requests/{request.pk}/attach/",
        {"files": SimpleUploadedFile("追加.txt", b"more")},
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(ringi_id=request.subject_id, stored__name="追加.txt").exists()
    other = _client(org.sales_manager).post(
        f"/workflow/requests/{request.pk}/attach/", {"files": SimpleUploadedFile("x.txt", b"x")}
    )
    assert other.status_code == 302 and Attachment.objects.count() == 1


def test_returned_form_request_is_corrected_and_resubmitted(org: Any) -> None:
    from urakata.workflow.forms import form_request_submit
    from urakata.workflow.models import FormSubmission

    form = form_create(
        actor=org.admin,
        data={
            "code": "purchase",
            "name": "購買申請",
            "fields": [
                {"name": "item", "label": "品名", "type": "text", "required": True},
                {"name": "amount", "label": "金額", "type": "number", "required": True},
                {"name": "quote", "label": "見積書", "type": "file", "required": True},
            ],
        },
    )
    make_route(
        subject_type="workflow.formsubmission",
        steps=[{"name": "部署長", "approvers": [{"kind": "department_manager"}]}],
    )
    request = form_request_submit(
        actor=org.applicant,
        form=form,
        data={"item": "モニター", "amount": "30000"},
        files={"quote": [SimpleUploadedFile("q.pdf", pdf_bytes())]},
    )
    services.request_return(actor=org.sales_manager, request_id=request.pk, comment="金額を確認")
    client = _client(org.applicant)
    assert (
        f"/workflow/forms/requests/{request.pk}/resubmit/"
        in client.get(f"/workflow/requests/{request.pk}/").content.decode()
    )
    page = client.get(f"/workflow/forms/requests/{request.pk}/resubmit/")
    assert page.status_code == 200 and 'value="30000"' in page.content.decode()
    bad = client.post(
        f"/workflow/forms/requests/{request.pk}/resubmit/", {"item": "モニター", "amount": "abc"}
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/workflow/forms/requests/{request.pk}/resubmit/",
        {"item": "モニター", "amount": "28000", "comment": "修正"},
    )
    assert ok.status_code == 302  # the quote already attached still counts
    request.refresh_from_db()
    assert request.status == "in_progress" and request.round == 2 and request.amount == 28000
    assert FormSubmission.objects.get(pk=request.subject_id).values["amount"] == "28000"
    assert (
        _client(org.sales_manager)
        .get(f"/workflow/forms/requests/{request.pk}/resubmit/")
        .status_code
        == 404
    )


def test_my_requests_names_who_it_waits_for_in_constant_queries(org: Any) -> None:
    client = _client(org.applicant)

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/workflow/requests/")
        assert page.status_code == 200
        return len(ctx.captured_queries), page.content.decode()

    ringi_submit(actor=org.applicant, data=RINGI)
    few, html = count()
    assert org.sales_manager.employee.full_name in html and "から(1時間未満)" in html
    for _ in range(8):
        request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_approve(actor=org.sales_manager, request_id=request.pk, comment="")
    many, html = count()
    assert many == few
    # the accounting step waits for either accountant: both are named
    assert org.accountant_a.employee.full_name in html
    assert org.accountant_b.employee.full_name in html


def test_returned_request_shows_the_reason_on_top(org: Any) -> None:
    request = ringi_submit(actor=org.applicant, data=RINGI)
    services.request_return(actor=org.sales_manager, request_id=request.pk, comment="見積書を添付")
    html = _client(org.applicant).get(f"/workflow/requests/{request.pk}/").content.decode()
    top = html.split('class="grid-2"')[0]
    assert "差し戻し理由" in top and "見積書を添付" in top

"""Workflow attachments go through core.files: bad files are refused on the API and the pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from urakata.core.models import AuditEvent, StoredFile
from urakata.core.tests import samples
from urakata.workflow.forms import ringi_submit
from urakata.workflow.models import ApprovalRequest, Attachment
from urakata.workflow.tests.factories import RINGI, make_org, make_route

pytestmark = pytest.mark.django_db

API = "/api/v1/workflow"


@pytest.fixture
def org() -> Any:
    org = make_org()
    make_route()
    return org


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _stored_state() -> tuple[int, int, int, list[Path]]:
    root = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return Attachment.objects.count(), StoredFile.objects.count(), AuditEvent.objects.count(), files


@pytest.mark.parametrize("case", samples.BAD_CASES)
def test_bad_file_on_the_api_is_refused_with_a_message(org: Any, case: str) -> None:
    name, content = samples.bad_upload(case)
    request = ringi_submit(actor=org.applicant, data=RINGI)
    before = _stored_state()
    response = _client(org.applicant).post(
        f"{API}/requests/{request.pk}/attachments", {"files": samples.upload(name, content)}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert any(f"「{name}」" in message for message in body["errors"]["files"])
    assert _stored_state() == before


@pytest.mark.parametrize("case", samples.BAD_CASES)
def test_bad_file_on_the_attach_page_is_refused_with_a_message(org: Any, case: str) -> None:
    name, content = samples.bad_upload(case)
    request = ringi_submit(actor=org.applicant, data=RINGI)
    before = _stored_state()
    client = _client(org.applicant)
    response = client.post(
        f"/workflow/requests/{request.pk}/attach/",
        {"files": samples.upload(name, content)},
        follow=True,
    )
    assert f"「{name}」" in response.content.decode()
    assert _stored_state() == before


@pytest.mark.parametrize("case", ["text renamed .png", "html", "empty"])
def test_new_ringi_with_a_bad_file_is_not_submitted(org: Any, case: str) -> None:
    name, content = samples.bad_upload(case)
    before = _stored_state()
    response = _client(org.applicant).post(
        "/workflow/new/ringi/", {**RINGI, "attachments": samples.upload(name, content)}
    )
    assert response.status_code == 422 and f"「{name}」" in response.content.decode()
    assert ApprovalRequest.objects.count() == 0 and _stored_state() == before


def test_real_png_and_pdf_are_attached_and_served_with_their_sniffed_type(org: Any) -> None:
    request = ringi_submit(actor=org.applicant, data=RINGI)
    png, pdf = samples.png_bytes(), samples.pdf_bytes()
    created = _client(org.applicant).post(
        f"{API}/requests/{request.pk}/attachments",
        {"files": [samples.upload("写真.png", png), samples.upload("見積.pdf", pdf)]},
    )
    assert created.status_code == 201
    assert AuditEvent.objects.filter(action="core.file.store").count() == 2
    assert AuditEvent.objects.filter(action="workflow.request.attach").count() == 1
    approver = _client(org.sales_manager)
    for item, content, content_type in zip(
        created.json(), (png, pdf), ("image/png", "application/pdf"), strict=True
    ):
        served = approver.get(item["url"])
        assert served.status_code == 200 and b"".join(served.streaming_content) == content
        assert served["Content-Type"] == content_type
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Content-Disposition"].startswith("inline;")
        download = approver.get(item["url"] + "?download=1")
        assert download["Content-Disposition"].startswith("attachment;")
    assert _client(org.outsider).get(created.json()[0]["url"]).status_code == 404


def test_text_attachment_is_served_as_a_download(org: Any) -> None:
    request = ringi_submit(actor=org.applicant, data=RINGI)
    created = _client(org.applicant).post(
        f"{API}/requests/{request.pk}/attachments",
        {"files": samples.upload("メモ.txt", samples.TEXT)},
    )
    served = _client(org.applicant).get(created.json()[0]["url"])
    assert served["Content-Type"] == "text/plain"
    assert served["Content-Disposition"].startswith('attachment; filename="')
    assert "filename*=UTF-8''%E3%83%A1%E3%83%A2.txt" in served["Content-Disposition"]

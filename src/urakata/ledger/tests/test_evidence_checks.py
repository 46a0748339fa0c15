"""Ledger evidence (証憑) goes through core.files: only JPEG/PNG/HEIC/PDF, checked by content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from urakata.core.models import AuditEvent, StoredFile
from urakata.core.roles import Role
from urakata.core.tests import samples
from urakata.ledger.models import Attachment
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db


def _stored_state() -> tuple[int, int, int, list[Path]]:
    root = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return Attachment.objects.count(), StoredFile.objects.count(), AuditEvent.objects.count(), files


@pytest.mark.parametrize("case", samples.BAD_CASES)
def test_bad_evidence_on_the_api_is_refused(client_for: Any, case: str) -> None:
    name, content = samples.bad_upload(case)
    client = client_for(Role.ACCOUNTING)
    entry = post_simple()
    before = _stored_state()
    response = client.post(
        f"/api/v1/ledger/entries/{entry.pk}/attachments", {"file": samples.upload(name, content)}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "証憑を添付できません。"
    assert any(f"「{name}」" in message for message in body["errors"]["file"])
    assert _stored_state() == before


@pytest.mark.parametrize("case", samples.BAD_CASES)
def test_bad_evidence_on_the_page_is_refused(client_for: Any, case: str) -> None:
    name, content = samples.bad_upload(case)
    client = client_for(Role.ACCOUNTING)
    entry = post_simple()
    before = _stored_state()
    response = client.post(
        f"/ledger/entries/{entry.pk}/attachments/",
        {"file": samples.upload(name, content)},
        follow=True,
    )
    page = response.content.decode()
    assert "証憑を添付できません。" in page and f"「{name}」" in page
    assert _stored_state() == before


def test_office_documents_and_text_are_not_evidence(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    entry = post_simple()
    for name, content in (("見積.docx", samples.docx_bytes()), ("memo.txt", samples.TEXT)):
        response = client.post(
            f"/api/v1/ledger/entries/{entry.pk}/attachments",
            {"file": samples.upload(name, content)},
        )
        assert response.status_code == 422
        assert "JPEG・PNG・HEIC・PDF" in response.json()["errors"]["file"][0]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "maker", "content_type"),
    [
        ("領収書.png", samples.png_bytes, "image/png"),
        ("領収書.jpg", samples.jpeg_bytes, "image/jpeg"),
        ("請求書.pdf", samples.pdf_bytes, "application/pdf"),
    ],
)
def test_real_evidence_is_attached_and_served_with_its_sniffed_type(
    client_for: Any, name: str, maker: Any, content_type: str
) -> None:
    client = client_for(Role.ACCOUNTING)
    entry = post_simple()
    content = maker()
    response = client.post(
        f"/api/v1/ledger/entries/{entry.pk}/attachments", {"file": samples.upload(name, content)}
    )
    assert response.status_code == 201 and response.json()["filename"] == name
    attachment = Attachment.objects.get()
    assert attachment.stored.content_type == content_type
    event = AuditEvent.objects.get(action="ledger.attachment.add")
    assert event.changes["sha256"] == attachment.sha256
    served = client.get(f"/ledger/attachments/{attachment.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == content
    assert served["Content-Type"] == content_type
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline;")
    assert client_for(Role.EMPLOYEE).get(f"/ledger/attachments/{attachment.pk}/").status_code == 403

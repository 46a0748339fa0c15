"""The document store: filing, versions that never overwrite, keys, evidence contract, retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.files import stored_file_create
from urakata.core.models import AuditEvent, StoredFile
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.documents import lifecycle, selectors, services
from urakata.documents.models import Document, DocumentVersion
from urakata.documents.tests.factories import docx_bytes, file_document, pdf_bytes, upload
from urakata.org.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


def test_upload_keeps_keys_text_and_audit() -> None:
    partner = CounterpartyFactory(name="株式会社国税商事")
    document = file_document(
        title="業務委託の見積書", counterparty_id=partner.pk, content=pdf_bytes("業務委託契約 見積")
    )
    version = document.versions.get()
    assert version.number == 1 and version.sha256 == version.stored_file.sha256
    assert "業務委託" in version.text and version.text_source == "pdf"
    assert document.retain_until == dt.date(2034, 5, 31)  # FY2026 (4月始まり) → 申告期限+7年
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"documents.document.create", "documents.version.add", "core.file.store"} <= actions


def test_new_version_never_overwrites(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    document = file_document(actor=user, content=pdf_bytes("first"))
    first = document.versions.get()
    services.version_add(
        actor=user,
        document=document,
        upload=upload("v2.pdf", pdf_bytes("second")),
        reason="金額訂正",
    )
    document.refresh_from_db()
    assert document.version_count == 2
    versions = list(DocumentVersion.objects.filter(document=document).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].stored_file_id == first.stored_file_id
    with versions[0].stored_file.blob.open("rb") as handle:
        assert handle.read() == pdf_bytes("first")
    assert versions[1].reason == "金額訂正"
    with pytest.raises(ValidationFailed):
        services.version_add(actor=user, document=document, upload=upload(), reason=" ")


def test_bad_files_are_refused_and_nothing_saved() -> None:
    before = (Document.objects.count(), StoredFile.objects.count(), AuditEvent.objects.count())
    broken = pdf_bytes()[:200] + b"garbage" * 10
    for name, content in (("empty.pdf", b""), ("broken.pdf", broken)):
        with pytest.raises(ValidationFailed) as caught:
            file_document(content=content, name=name)
        assert caught.value.errors["file"]
    after = (Document.objects.count(), StoredFile.objects.count(), AuditEvent.objects.count())
    assert before == after


def test_encrypted_pdf_is_refused() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ValidationFailed) as caught:
        file_document(content=buffer.getvalue())
    assert "暗号化" in caught.value.errors["file"][0]
    assert not Document.objects.exists()


def test_keys_are_validated_together() -> None:
    with pytest.raises(ValidationFailed) as caught:
        file_document(title="", doc_type="nope", amount=-1, registration_number="X1")
    assert set(caught.value.errors) == {"title", "doc_type", "amount", "registration_number"}


def test_docx_text_is_indexed() -> None:
    document = file_document(
        title="議事録",
        doc_type="minutes",
        content=docx_bytes("取締役会議事録\n新工場の建設を決議"),
        name="minutes.docx",
        amount=None,
    )
    assert "新工場" in document.versions.get().text
    result = selectors.document_search(
        actor=SYSTEM, filters=selectors.document_filters({"q": "工場 建設"})
    )
    assert [d.pk for d in result.documents] == [document.pk]
    assert "<mark>" in result.snippets[document.pk]


def test_update_records_old_and_new_values() -> None:
    document = file_document(amount=1000)
    services.document_update(
        actor=SYSTEM, document=document, changes={"amount": 1100, "tags": ["至急"]}, reason="誤記"
    )
    document.refresh_from_db()
    assert document.amount == 1100
    event = AuditEvent.objects.filter(action="documents.document.update").get()
    assert event.changes["amount"] == [1000, 1100] and event.changes["reason"][1] == "誤記"


def test_file_evidence_is_idempotent() -> None:
    stored = stored_file_create(
        actor=SYSTEM, upload=pdf_bytes("receipt"), name="r.pdf", purpose="evidence"
    )
    kwargs: dict[str, Any] = {
        "actor": SYSTEM,
        "stored_file": stored,
        "doc_type": "receipt",
        "title": "タクシー代",
        "transaction_date": dt.date(2026, 6, 1),
        "amount": 3200,
        "counterparty_id": None,
        "related": ("expenses.claim", 7),
    }
    first = services.document_file_evidence(**kwargs)
    again = services.document_file_evidence(**kwargs)
    assert first.pk == again.pk and Document.objects.count() == 1
    assert first.related_type == "expenses.claim" and first.related_id == 7
    other = services.document_file_evidence(**{**kwargs, "related": ("expenses.claim", 8)})
    assert other.pk != first.pk


def test_no_disposal_before_retain_until_or_under_hold() -> None:
    document = file_document(day=dt.date(2010, 5, 1))
    assert document.retain_until == dt.date(2018, 5, 31)
    with pytest.raises(Conflict):
        lifecycle.document_dispose(
            actor=SYSTEM, document=document, reason="期限", today=dt.date(2018, 5, 31)
        )
    lifecycle.document_hold(actor=SYSTEM, document=document, hold=True, reason="訴訟")
    document.refresh_from_db()
    with pytest.raises(Conflict):
        lifecycle.document_dispose(
            actor=SYSTEM, document=document, reason="期限", today=dt.date(2018, 6, 1)
        )
    lifecycle.document_hold(actor=SYSTEM, document=document, hold=False, reason="終結")
    document.refresh_from_db()
    lifecycle.document_dispose(
        actor=SYSTEM, document=document, reason="期限", today=dt.date(2018, 6, 1)
    )
    assert not selectors.document_search(actor=SYSTEM, filters=selectors.document_filters({})).count
    assert DocumentVersion.objects.filter(document=document).exists()  # rows and files stay


def test_loss_year_keeps_ten_years() -> None:
    document = file_document(day=dt.date(2026, 5, 10))
    lifecycle.loss_year_set(actor=SYSTEM, fiscal_year=2026, loss=True)
    document.refresh_from_db()
    assert document.retain_until == dt.date(2037, 5, 31)


def test_confidential_documents_stay_in_their_department(make_user: Any) -> None:
    owner = make_user(Role.EMPLOYEE)
    colleague = make_user(Role.EMPLOYEE)
    colleague.employee.department = owner.employee.department
    colleague.employee.save()
    accountant = make_user(Role.ACCOUNTING)
    auditor = make_user(Role.AUDITOR)
    stranger = make_user(Role.EMPLOYEE)
    secret = file_document(actor=owner, confidential=True)
    plain = file_document(actor=owner)

    def seen(user: Any) -> set[int]:
        return set(Document.objects.visible_to(user).values_list("pk", flat=True))

    assert seen(owner) == seen(colleague) == seen(auditor) == {secret.pk, plain.pk}
    assert seen(accountant) == {plain.pk}
    assert seen(stranger) == set()
    with pytest.raises(NotFound):
        selectors.document_get(actor=stranger, document_id=plain.pk)
    with pytest.raises(PermissionDenied):
        lifecycle.document_hold(actor=owner, document=plain, hold=True, reason="x")

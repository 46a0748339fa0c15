"""Audit verify catches a swapped or altered file; scans are checked on input."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from urakata.core.audit import audit_verify_all
from urakata.core.errors import ValidationFailed
from urakata.core.files import blob_key, stored_file_create
from urakata.core.models import StoredFile, files_storage
from urakata.core.permissions import SYSTEM
from urakata.documents.integrity import documents_verify
from urakata.documents.models import Document
from urakata.documents.tests.factories import file_document, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def test_verify_is_clean_then_names_a_swapped_file() -> None:
    document = file_document(content=pdf_bytes("original"))
    assert documents_verify() == []
    _chain, domains = audit_verify_all()
    assert domains["documents"] == []
    # Someone points the version at another stored file (with its own consistent hash).
    other = stored_file_create(
        actor=SYSTEM, upload=pdf_bytes("forged"), name="f.pdf", purpose="attachment"
    )
    version = document.versions.get()
    StoredFile.objects.filter(pk=version.stored_file_id).update(
        blob=other.blob.name, sha256=other.sha256
    )
    problems = documents_verify()
    assert any("not the file filed" in p for p in problems)
    assert any("SHA-256" in p for p in problems)


def test_verify_names_altered_content_on_disk() -> None:
    document = file_document(content=pdf_bytes("on disk"))
    version = document.versions.get()
    storage = files_storage()
    key = blob_key(version.sha256)
    storage.delete(key)
    storage.save(key, __import__("io").BytesIO(b"%PDF-1.4 tampered"))
    problems = documents_verify()
    assert problems and f"document {document.pk} version 1" in problems[0]
    with pytest.raises(SystemExit):
        call_command("documents", "verify")


@pytest.mark.parametrize(
    ("doc_type", "dpi", "mode", "ok", "message"),
    [
        ("receipt", 300, "RGB", True, ""),
        ("receipt", 100, "RGB", False, "100 dpi"),
        ("receipt", 300, "L", False, "カラー"),
        ("quotation", 300, "L", True, ""),  # 一般書類: grayscale allowed
        ("quotation", 300, "1", False, "白黒"),
    ],
)
def test_scan_checks(doc_type: str, dpi: int, mode: str, ok: bool, message: str) -> None:
    content = image_bytes(dpi=dpi, mode=mode)
    if ok:
        document = file_document(
            doc_type=doc_type, content=content, name="scan.png", capture="scan"
        )
        assert document.versions.get().scan_dpi == dpi
        return
    with pytest.raises(ValidationFailed) as caught:
        file_document(doc_type=doc_type, content=content, name="scan.png", capture="scan")
    assert message in " ".join(caught.value.errors["file"])
    assert not Document.objects.exists() and not StoredFile.objects.exists()


def test_scan_pdf_resolution_is_measured() -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    # A4 width 8.27 in at 100 dpi → 827 px wide: too coarse.
    Image.new("RGB", (827, 1169), (250, 250, 250)).save(buffer, format="PDF", resolution=100)
    with pytest.raises(ValidationFailed) as caught:
        file_document(content=buffer.getvalue(), name="scan.pdf", capture="scan")
    assert "dpi" in caught.value.errors["file"][0]

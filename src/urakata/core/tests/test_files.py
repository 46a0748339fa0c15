"""The one file store (core.files): upload checks, content addressing, serving, verification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from urakata.core.errors import ValidationFailed
from urakata.core.files import (
    Purpose,
    content_disposition,
    stored_file_create,
    stored_file_response,
    verify_stored_files,
)
from urakata.core.models import AuditEvent, StoredFile
from urakata.core.tests import samples

pytestmark = pytest.mark.django_db


def _files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("purpose", [Purpose.ATTACHMENT, Purpose.EVIDENCE])
@pytest.mark.parametrize("case", samples.BAD_CASES)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    make_user: Any, purpose: str, case: str
) -> None:
    name, content = samples.bad_upload(case)
    actor = make_user()
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        stored_file_create(actor=actor, upload=samples.upload(name, content), purpose=purpose)
    message = " ".join(refused.value.errors["file"])
    assert f"「{name}」" in message, case
    assert StoredFile.objects.count() == 0 and AuditEvent.objects.count() == events
    assert _files_on_disk() == []


def test_messages_name_the_problem(make_user: Any) -> None:
    actor = make_user()

    def problem(name: str, content: bytes, purpose: str = Purpose.EVIDENCE) -> str:
        with pytest.raises(ValidationFailed) as refused:
            stored_file_create(actor=actor, upload=samples.upload(name, content), purpose=purpose)
        return " ".join(refused.value.errors["file"])

    assert "テキスト" in problem("photo.png", samples.TEXT)
    assert "HTML" in problem("page.html", samples.HTML, Purpose.ATTACHMENT)
    assert "実行ファイル" in problem("tool.png", samples.elf_bytes())
    assert "空のファイル" in problem("empty.pdf", b"")
    # right content, wrong extension: the message says which extension fits
    mismatch = problem("scan.pdf", samples.png_bytes())
    assert ".pdf" in mismatch and "PNG" in mismatch and ".png" in mismatch
    # text is a fine attachment but not 証憑
    assert "JPEG・PNG・HEIC・PDF" in problem("memo.txt", samples.TEXT)


def test_size_limit_comes_from_settings(make_user: Any, settings: Any) -> None:
    settings.URAKATA_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationFailed) as refused:
        stored_file_create(
            actor=make_user(),
            upload=samples.upload("big.pdf", samples.pdf_bytes("x" * 2000) + b" " * 2048),
            purpose=Purpose.EVIDENCE,
        )
    assert "上限" in refused.value.errors["file"][0]
    assert StoredFile.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "maker", "purpose", "content_type"),
    [
        ("receipt.png", samples.png_bytes, Purpose.EVIDENCE, "image/png"),
        ("receipt.JPG", samples.jpeg_bytes, Purpose.EVIDENCE, "image/jpeg"),
        ("領収書.pdf", samples.pdf_bytes, Purpose.EVIDENCE, "application/pdf"),
        ("見積.docx", samples.docx_bytes, Purpose.ATTACHMENT, None),
        ("明細.xlsx", samples.xlsx_bytes, Purpose.ATTACHMENT, None),
        ("memo.txt", lambda: samples.TEXT, Purpose.ATTACHMENT, "text/plain"),
        ("list.csv", lambda: "品目,金額\n紙,100\n".encode(), Purpose.ATTACHMENT, None),
    ],
)
def test_real_files_are_stored_with_their_sniffed_type(
    make_user: Any, name: str, maker: Any, purpose: str, content_type: str | None
) -> None:
    actor = make_user()
    content = maker()
    stored = stored_file_create(actor=actor, upload=samples.upload(name, content), purpose=purpose)
    assert stored.name == name and stored.size == len(content) and stored.purpose == purpose
    if content_type:
        assert stored.content_type == content_type
    assert stored.blob.name == f"files/{stored.sha256[:2]}/{stored.sha256}"
    assert stored.blob.open("rb").read() == content
    event = AuditEvent.objects.get(action="core.file.store")
    assert event.changes["sha256"] == [None, stored.sha256] and event.actor == actor


def test_same_content_is_kept_once(make_user: Any) -> None:
    actor = make_user()
    content = samples.pdf_bytes()
    first = stored_file_create(
        actor=actor, upload=samples.upload("a.pdf", content), purpose=Purpose.EVIDENCE
    )
    second = stored_file_create(
        actor=actor, upload=samples.upload("b.pdf", content), purpose=Purpose.ATTACHMENT
    )
    assert first.pk != second.pk and first.blob.name == second.blob.name
    assert len(_files_on_disk()) == 1


def test_bytes_with_a_name_and_folder_parts_are_dropped(make_user: Any) -> None:
    stored = stored_file_create(
        actor=make_user(),
        upload=samples.png_bytes(),
        name="..\\..\\etc/receipt.png",
        purpose=Purpose.EVIDENCE,
    )
    assert stored.name == "receipt.png"


def test_response_carries_the_sniffed_type_nosniff_and_disposition(make_user: Any) -> None:
    actor = make_user()
    png = stored_file_create(
        actor=actor,
        upload=samples.upload("写真.png", samples.png_bytes()),
        purpose=Purpose.EVIDENCE,
    )
    response = stored_file_response(png)
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''%E5%86%99%E7%9C%9F.png" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == png.blob.open("rb").read()  # type: ignore[arg-type]
    assert stored_file_response(png, download=True)["Content-Disposition"].startswith("attachment;")
    text = stored_file_create(
        actor=actor, upload=samples.upload("memo.txt", samples.TEXT), purpose=Purpose.ATTACHMENT
    )
    response = stored_file_response(text)
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")


def test_content_disposition_has_an_ascii_fallback() -> None:
    header = content_disposition(filename='見積 "最終".pdf', inline=False)
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E8%A6%8B%E7%A9%8D%20%22%E6%9C%80%E7%B5%82%22.pdf" in header
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback.isascii() and fallback.endswith(".pdf")


def test_verify_stored_files_reports_altered_and_missing_content(make_user: Any) -> None:
    actor = make_user()
    good = stored_file_create(
        actor=actor, upload=samples.upload("a.png", samples.png_bytes()), purpose=Purpose.EVIDENCE
    )
    altered = stored_file_create(
        actor=actor, upload=samples.upload("b.pdf", samples.pdf_bytes()), purpose=Purpose.EVIDENCE
    )
    missing = stored_file_create(
        actor=actor,
        upload=samples.upload("c.png", samples.png_bytes("green")),
        purpose=Purpose.EVIDENCE,
    )
    assert verify_stored_files() == []
    Path(altered.blob.path).write_bytes(samples.pdf_bytes("altered"))
    Path(missing.blob.path).unlink()
    problems = {p.stored_file.pk: p for p in verify_stored_files()}
    assert set(problems) == {altered.pk, missing.pk} and good.pk not in problems
    assert (
        problems[altered.pk].problem == "mismatch" and len(problems[altered.pk].actual_sha256) == 64
    )
    assert problems[missing.pk].problem == "missing"


def test_heic_from_a_phone_is_evidence(make_user: Any) -> None:
    # The ISO-BMFF header an iPhone writes (ftyp box, brand heic); no HEIC encoder is installed here.
    header = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    stored = stored_file_create(
        actor=make_user(), upload=samples.upload("IMG_0001.HEIC", header), purpose=Purpose.EVIDENCE
    )
    assert stored.content_type == "image/heic"
    assert stored_file_response(stored)["Content-Disposition"].startswith("attachment;")

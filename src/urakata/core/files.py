"""Uploaded files (添付・証憑): one content-addressed store, one set of upload checks, safe serving.

Every upload goes through `stored_file_create`, which refuses empty and oversized files and sniffs
the content with libmagic (python-magic): the sniffed type must be on the purpose's allow-list
and agree with the file's extension, so a text file renamed `.png`, an HTML page or a program is
refused with a message naming the problem, before anything is written. Accepted content is
stored once under its SHA-256 (`files/ab/abcdef…`) in `STORAGES["files"]`; each upload is one
`StoredFile` row. Domains link their records to rows (workflow's attachments, ledger's 証憑) and
decide who may read them; `stored_file_response` serves a row with its sniffed type.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

import magic
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.models import StoredFile, files_storage

Purpose = StoredFile.Purpose

# Sniffed type → the extensions a file of that type may carry.
_IMAGES = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/png": (".png",),
    "image/heic": (".heic", ".heif"),
    "image/heif": (".heif", ".heic"),
}
_PDF = {"application/pdf": (".pdf",)}
_OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.ms-powerpoint": (".ppt",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
_TEXT = {
    "text/plain": (".txt", ".csv", ".tsv", ".md", ".log"),
    "text/csv": (".csv", ".txt"),
}
ALLOWED: dict[str, dict[str, tuple[str, ...]]] = {
    # 証憑 (receipts, invoices): what a scanner, a phone camera or an e-invoice produces.
    Purpose.EVIDENCE: {**_IMAGES, **_PDF},
    Purpose.ATTACHMENT: {
        **_IMAGES,
        "image/gif": (".gif",),
        "image/webp": (".webp",),
        **_PDF,
        **_OFFICE,
        **_TEXT,
    },
}
# Types a browser may show in the page without risk: no script runs inside them.
INLINE_SAFE = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})
# Readable names for the messages (the MIME type is shown for anything else).
_KIND_LABELS = {
    "text/plain": gettext_noop("テキスト"),
    "text/csv": "CSV",
    "text/html": "HTML",
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/svg+xml": "SVG",
    "application/octet-stream": gettext_noop("不明なバイナリ"),
    "application/x-executable": gettext_noop("実行ファイル"),
    "application/x-pie-executable": gettext_noop("実行ファイル"),
    "application/x-sharedlib": gettext_noop("実行ファイル"),
    "application/x-dosexec": gettext_noop("実行ファイル"),
    "application/zip": "ZIP",
}
_SNIFF_BYTES = 64 * 1024  # enough for libmagic to tell OOXML apart from a plain ZIP
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: its safe name, bytes, SHA-256 and sniffed type."""

    name: str
    content: bytes
    sha256: str
    content_type: str


def _purpose_label(purpose: str) -> str:
    return str(Purpose(purpose).label)


def _kind_label(content_type: str) -> str:
    label = _KIND_LABELS.get(content_type)
    return _(label) if label else content_type


def _allowed_label(purpose: str) -> str:
    if purpose == Purpose.EVIDENCE:
        return _("JPEG・PNG・HEIC・PDF")
    return _("PDF・Office 文書・画像・テキスト・CSV")


def safe_name(name: str) -> str:
    """The file's base name (no folders), NFC-normalised and at most 200 characters."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base).replace("\x00", "").strip()
    if len(base) > 200:
        stem, suffix = PurePath(base).stem, PurePath(base).suffix[:20]
        base = stem[: 200 - len(suffix)] + suffix
    return base


def sniff(content: bytes) -> str:
    """The MIME type libmagic reads from the content (never from the name)."""
    content_type = magic.from_buffer(content[:_SNIFF_BYTES], mime=True) or ""
    content_type = content_type.split(";")[0].strip().lower() or "application/octet-stream"
    if content_type == "application/octet-stream" and _is_short_text(content):
        return "text/plain"  # libmagic needs a few bytes to call something text
    return content_type


def _is_short_text(content: bytes) -> bool:
    if len(content) > 64:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(c.isprintable() or c in "\t\r\n" for c in text)
    return False


def _read(upload: Any) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        return b"".join(upload.chunks())
    data = upload.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def generated_file(name: str, content: bytes, content_type: str) -> CheckedUpload:
    """A file the system itself made (a 全銀 file, a demo receipt), ready for `stored_file_save`."""
    return CheckedUpload(
        safe_name(name), content, hashlib.sha256(content).hexdigest(), content_type
    )


def upload_check(
    *, upload: Any, purpose: str, name: str | None = None
) -> tuple[CheckedUpload | None, list[str]]:
    """Check one upload for a purpose; (the checked upload, []) or (None, messages naming the problem).

    Order: name, size (before reading), empty, content type against the allow-list, extension.
    """
    filename = safe_name(name if name is not None else getattr(upload, "name", "") or "")
    shown = filename or _("(名前なし)")
    if not filename:
        return None, [_("ファイル名がありません。")]
    too_big = upload_size_problem(name=filename, size=getattr(upload, "size", None))
    if too_big:
        return None, [too_big]
    content = _read(upload)
    too_big = upload_size_problem(name=filename, size=len(content))
    if too_big:
        return None, [too_big]
    if not content:
        return None, [_("「%(name)s」は空のファイルです。") % {"name": shown}]
    content_type = sniff(content)
    allowed = ALLOWED[purpose]
    if content_type not in allowed:
        return None, [
            _(
                "「%(name)s」の内容は%(kind)sです。%(purpose)sとして受け付けるのは"
                " %(allowed)s です。"
            )
            % {
                "name": shown,
                "kind": _kind_label(content_type),
                "purpose": _purpose_label(purpose),
                "allowed": _allowed_label(purpose),
            }
        ]
    suffix = PurePath(filename).suffix.lower()
    if suffix not in allowed[content_type]:
        return None, [
            _(
                "「%(name)s」の拡張子(%(suffix)s)が内容(%(kind)s)と一致しません。"
                "正しい拡張子は %(expected)s です。"
            )
            % {
                "name": shown,
                "suffix": suffix or _("なし"),
                "kind": _kind_label(content_type),
                "expected": "、".join(allowed[content_type]),
            }
        ]
    digest = hashlib.sha256(content).hexdigest()
    return CheckedUpload(filename, content, digest, content_type), []


def _too_big(name: str, size: int, limit: int) -> str:
    return _("「%(name)s」は大きすぎます(%(size)s、上限 %(limit)s)。") % {
        "name": name,
        "size": _size_label(size),
        "limit": _size_label(limit),
    }


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB"


def upload_size_problem(*, name: str, size: int | None) -> str | None:
    """The message for an upload over `URAKATA_MAX_UPLOAD_BYTES`, else None; check before reading.

    The one size check for every upload: stored files, table imports, knowledge sources.
    """
    limit = int(settings.URAKATA_MAX_UPLOAD_BYTES)
    if size is None or size <= limit:
        return None
    return _too_big(safe_name(name) or _("(名前なし)"), size, limit)


def upload_size_check(upload: Any, *, refusal: str, field: str = "file") -> None:
    """Raise ValidationFailed(refusal, errors={field: [...]}) when an upload is over the limit."""
    problem = upload_size_problem(
        name=getattr(upload, "name", "") or "", size=getattr(upload, "size", None)
    )
    if problem:
        raise ValidationFailed(refusal, errors={field: [problem]})


def blob_key(sha256: str) -> str:
    """Where content with this SHA-256 lives in the file store."""
    return f"files/{sha256[:2]}/{sha256}"


def _blob_save(checked: CheckedUpload) -> str:
    storage = files_storage()
    key = blob_key(checked.sha256)
    if storage.exists(key):
        return key
    return str(storage.save(key, ContentFile(checked.content)))


def stored_file_save(*, actor: Any, checked: CheckedUpload, purpose: str) -> StoredFile:
    """Store an upload that passed `upload_check` and record it in the audit chain."""
    with transaction.atomic():
        stored = StoredFile.objects.create(
            blob=_blob_save(checked),
            name=checked.name,
            sha256=checked.sha256,
            size=len(checked.content),
            content_type=checked.content_type,
            purpose=purpose,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="core.file.store",
            target=stored,
            changes={
                "name": [None, stored.name],
                "sha256": [None, stored.sha256],
                "size": [None, stored.size],
                "content_type": [None, stored.content_type],
                "purpose": [None, purpose],
            },
        )
    return stored


def stored_file_create(
    *,
    actor: Any,
    upload: Any,
    purpose: str,
    name: str | None = None,
    field: str = "file",
    refusal: str | None = None,
) -> StoredFile:
    """Check and store one upload (a Django upload, a File, or bytes with `name`).

    Raises ValidationFailed(`refusal`, errors={field: [what is wrong]}); nothing is written then.
    """
    checked, errors = upload_check(upload=upload, purpose=purpose, name=name)
    if checked is None:
        raise ValidationFailed(refusal or _("ファイルを保存できません。"), errors={field: errors})
    return stored_file_save(actor=actor, checked=checked, purpose=purpose)


def content_disposition(*, filename: str, inline: bool) -> str:
    """A Content-Disposition header with an ASCII fallback and the RFC 5987 UTF-8 name."""
    kind = "inline" if inline else "attachment"
    suffix = PurePath(filename).suffix
    fallback = filename.encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c for c in fallback if c.isprintable() and c not in '"\\;')
    if not fallback.strip(" .") or fallback == suffix:
        fallback = f"download{suffix.encode('ascii', 'ignore').decode('ascii')}"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def stored_file_response(stored: StoredFile, *, download: bool = False) -> FileResponse:
    """Serve a stored file with its sniffed type and `nosniff`; inline only when that is safe.

    The caller has already checked that the user may read the record that owns the file.
    """
    inline = not download and stored.content_type in INLINE_SAFE
    response = FileResponse(stored.blob.open("rb"), content_type=stored.content_type)
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition(filename=stored.name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    if stored.content_type != "application/pdf":  # browsers' PDF viewers refuse a sandbox
        # Even a file opened directly may not run script or reach other pages of the site.
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class FileProblem:
    """A stored file whose content is missing or no longer matches its SHA-256."""

    stored_file: StoredFile
    problem: str  # "missing" | "mismatch"
    actual_sha256: str = ""


def blob_sha256(name: str) -> str | None:
    """SHA-256 of a stored blob as it is now (None when the file is missing)."""
    storage = files_storage()
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        return None
    digest = hashlib.sha256()
    with handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_stored_files() -> list[FileProblem]:
    """Re-hash every stored file's content; the rows whose file is missing or altered.

    Each distinct blob is read once, however many rows share it.
    """
    seen: dict[str, str | None] = {}
    problems: list[FileProblem] = []
    for stored in StoredFile.objects.order_by("pk").iterator(chunk_size=500):
        name = str(stored.blob.name)
        if name not in seen:
            seen[name] = blob_sha256(name)
        actual = seen[name]
        if actual is None:
            problems.append(FileProblem(stored, "missing"))
        elif actual != stored.sha256:
            problems.append(FileProblem(stored, "mismatch", actual))
    return problems


def stored_files_verify() -> list[str]:
    """`urakata audit verify`'s check of the file store: each missing or altered file, by row."""
    return [
        f"stored file {problem.stored_file.pk} ({problem.stored_file.name}): "
        + (
            "content missing"
            if problem.problem == "missing"
            else f"SHA-256 {problem.actual_sha256} != {problem.stored_file.sha256}"
        )
        for problem in verify_stored_files()
    ]

"""Document writes: file a document, add a version (never overwrite), change its keys, legal hold,
dispose after retention, and file another domain's stored file as evidence (the contract)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import NotFound, PermissionDenied, ValidationFailed
from urakata.core.files import CheckedUpload, stored_file_save, upload_check
from urakata.core.models import StoredFile, files_storage
from urakata.core.permissions import can, require, same_user
from urakata.core.schema_types import DATE_MAX, DATE_MIN, YEN_LIMIT
from urakata.documents import extract, index, retention
from urakata.documents.models import (
    IMPORTANT_DOC_TYPES,
    Capture,
    DocType,
    Document,
    DocumentVersion,
    LossYear,
    Tag,
    _department_id,
)
from urakata.org.models import Counterparty, Department

REGISTRATION = re.compile(r"^T[1-9][0-9]{12}$")
MAX_TAGS = 10


@dataclass
class DocumentKeys:
    """The searchable keys of a document (電帳法: 取引年月日, 取引金額, 取引先) and its filing."""

    title: str
    doc_type: str
    transaction_date: dt.date | None = None
    amount: int | None = None
    counterparty_id: int | None = None
    registration_number: str = ""
    department_id: int | None = None
    confidential: bool = False
    capture: str = Capture.ELECTRONIC
    description: str = ""
    tags: tuple[str, ...] = ()
    related: tuple[str, int] | None = None


def _keys_check(keys: DocumentKeys) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    keys.title = (keys.title or "").strip()
    if not keys.title:
        errors["title"] = [_("件名を入力してください。")]
    elif len(keys.title) > 200:
        errors["title"] = [_("件名は200文字以内で入力してください。")]
    if keys.doc_type not in DocType.values:
        errors["doc_type"] = [_("書類区分を選んでください。")]
    if keys.capture not in Capture.values:
        errors["capture"] = [_("保存区分を選んでください。")]
    if keys.transaction_date is not None and not DATE_MIN <= keys.transaction_date <= DATE_MAX:
        errors["transaction_date"] = [_("取引年月日が範囲外です。")]
    if keys.amount is not None and not 0 <= keys.amount <= YEN_LIMIT:
        errors["amount"] = [_("取引金額は0円以上の整数で入力してください。")]
    keys.registration_number = (keys.registration_number or "").strip().upper()
    if keys.registration_number and not REGISTRATION.match(keys.registration_number):
        errors["registration_number"] = [_("登録番号は「T」と13桁の数字で入力してください。")]
    cp_id = keys.counterparty_id
    if cp_id is not None and not Counterparty.objects.filter(pk=cp_id).exists():
        errors["counterparty_id"] = [_("取引先が見つかりません。")]
    dep_id = keys.department_id
    if dep_id is not None and not Department.objects.filter(pk=dep_id).exists():
        errors["department_id"] = [_("部署が見つかりません。")]
    keys.tags = tuple(dict.fromkeys(t.strip()[:40] for t in keys.tags if t and t.strip()))
    if len(keys.tags) > MAX_TAGS:
        errors["tags"] = [_("タグは10個までです。")]
    if len(keys.description or "") > 20_000:
        errors["description"] = [_("備考が長すぎます。")]
    return errors


def _loss_years() -> frozenset[int]:
    return frozenset(LossYear.objects.values_list("fiscal_year", flat=True))


def _retain_until(document: Document, loss_years: frozenset[int] | None = None) -> dt.date:
    day = document.transaction_date or timezone.localdate(document.created_at)
    return retention.retain_until(
        day, loss_years=_loss_years() if loss_years is None else loss_years
    )


def _file_check(
    *, upload: Any, name: str | None, keys_capture: str, doc_type: str
) -> tuple[CheckedUpload, dict[str, Any]]:
    """Check an upload as a document file; (checked upload, scan facts) or ValidationFailed."""
    purpose = StoredFile.Purpose.EVIDENCE if keys_capture == Capture.SCAN else "attachment"
    checked, problems = upload_check(upload=upload, purpose=purpose, name=name)
    if checked is None:
        raise ValidationFailed(_("ファイルを保存できません。"), errors={"file": problems})
    if checked.content_type == extract.PDF:
        problem = extract.pdf_problem(checked.content)
        if problem:
            raise ValidationFailed(_("ファイルを保存できません。"), errors={"file": [problem]})
    facts: dict[str, Any] = {}
    if keys_capture == Capture.SCAN:
        info = extract.scan_measure(checked.content, checked.content_type)
        problems = extract.scan_problems(
            info, doc_type=doc_type, important=doc_type in IMPORTANT_DOC_TYPES
        )
        if problems:
            raise ValidationFailed(
                _("スキャナ保存の要件を満たしていません。"), errors={"file": problems}
            )
        facts = {"scan_dpi": info.dpi, "scan_colour": info.colour}
    return checked, facts


def _body(document: Document, text: str) -> str:
    counterparty = document.counterparty.name if document.counterparty else ""
    return "\n".join(part for part in (document.title, counterparty, text) if part)


def _version_create(
    *,
    actor: Any,
    document: Document,
    stored: StoredFile,
    reason: str,
    scan: dict[str, Any] | None = None,
    content: bytes | None = None,
    known_text: tuple[str, str] | None = None,
) -> DocumentVersion:
    """The next version of a document. `known_text`: (text, source) when the caller knows the
    file's text is a previous version's (a signature added to a PDF), so it is not extracted."""
    if known_text is not None:
        text, source = known_text
    else:
        if content is None:
            with stored.blob.open("rb") as handle:
                content = handle.read()
        text, source = extract.extract_text(content, stored.content_type)
    number = document.version_count + 1
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        stored_file=stored,
        sha256=stored.sha256,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
        text=text,
        text_source=source,
        **(scan or {}),
    )
    document.version_count = number
    body = _body(document, text)
    unchanged = body == document.body_text and document.term_count > 0
    document.body_text = body
    document.save(update_fields=["version_count", "body_text"])
    if not unchanged:  # the same text: the index rows stay right
        index.index_document(document)
    audit_record(
        actor=actor,
        action="documents.version.add",
        target=version,
        changes={
            "document": [None, document.pk],
            "number": [None, number],
            "file": [None, stored.name],
            "sha256": [None, stored.sha256],
            "reason": [None, reason],
        },
    )
    return version


def _document_create(*, actor: Any, keys: DocumentKeys, evidence_key: str | None) -> Document:
    document = Document(
        title=keys.title,
        doc_type=keys.doc_type,
        capture=keys.capture,
        transaction_date=keys.transaction_date,
        amount=keys.amount,
        counterparty_id=keys.counterparty_id,
        registration_number=keys.registration_number,
        department_id=keys.department_id,
        confidential=keys.confidential,
        description=keys.description,
        related_type=keys.related[0] if keys.related else "",
        related_id=keys.related[1] if keys.related else None,
        created_by=actor if getattr(actor, "pk", None) else None,
        evidence_key=evidence_key,
    )
    document.retain_until = _retain_until(document)
    document.save()
    if keys.tags:
        document.tags.set([Tag.objects.get_or_create(name=name)[0] for name in keys.tags])
    audit_record(
        actor=actor,
        action="documents.document.create",
        target=document,
        changes={
            "title": [None, document.title],
            "doc_type": [None, document.doc_type],
            "capture": [None, document.capture],
            "transaction_date": [None, document.transaction_date],
            "amount": [None, document.amount],
            "counterparty": [None, document.counterparty_id],
            "department": [None, document.department_id],
            "confidential": [None, document.confidential],
            "retain_until": [None, document.retain_until],
            "related": [None, f"{document.related_type}:{document.related_id or ''}"],
        },
    )
    return document


def _default_department(actor: Any, keys: DocumentKeys) -> None:
    if keys.department_id is None:
        keys.department_id = _department_id(actor)


def document_upload(
    *, actor: Any, upload: Any, keys: DocumentKeys, name: str | None = None
) -> Document:
    """File a new document with its first version; nothing is saved when anything is wrong."""
    require(actor, "documents.upload")
    _default_department(actor, keys)
    errors = _keys_check(keys)
    if errors:
        raise ValidationFailed(_("文書の内容に誤りがあります。"), errors=errors)
    checked, scan = _file_check(
        upload=upload, name=name, keys_capture=keys.capture, doc_type=keys.doc_type
    )
    with transaction.atomic():
        stored = stored_file_save(actor=actor, checked=checked, purpose=_purpose(keys.capture))
        document = _document_create(actor=actor, keys=keys, evidence_key=None)
        _version_create(
            actor=actor,
            document=document,
            stored=stored,
            reason=_("新規登録"),
            scan=scan,
            content=checked.content,
        )
    return document


def _purpose(capture: str) -> str:
    return StoredFile.Purpose.EVIDENCE if capture == Capture.SCAN else StoredFile.Purpose.ATTACHMENT


def document_file_evidence(
    *,
    actor: Any,
    stored_file: StoredFile,
    doc_type: str,
    title: str,
    transaction_date: dt.date | None,
    amount: int | None,
    counterparty_id: int | None,
    registration_number: str = "",
    related: tuple[str, int] | None = None,
    department_id: int | None = None,
    capture: str = "electronic",
) -> Document:
    """File an already stored file as a 電帳法 document (idempotent per stored file + related).

    Called by the domains above (expenses, invoicing, payments, …) for their 証憑.
    """
    require(actor, "documents.upload")
    key = f"{stored_file.pk}:{related[0]}:{related[1]}" if related else f"{stored_file.pk}::"
    existing = Document.objects.filter(evidence_key=key).first()
    if existing is not None:
        return existing
    keys = DocumentKeys(
        title=title,
        doc_type=doc_type,
        transaction_date=transaction_date,
        amount=amount,
        counterparty_id=counterparty_id,
        registration_number=registration_number,
        department_id=department_id,
        capture=capture,
        related=related,
    )
    _default_department(actor, keys)
    errors = _keys_check(keys)
    if keys.related and (len(keys.related[0]) > 40 or keys.related[1] < 1):
        errors["related"] = [_("関連記録の指定が正しくありません。")]
    if errors:
        raise ValidationFailed(_("文書の内容に誤りがあります。"), errors=errors)
    with transaction.atomic():
        document = _document_create(actor=actor, keys=keys, evidence_key=key)
        _version_create(
            actor=actor, document=document, stored=stored_file, reason=_("証憑として登録")
        )
    return document


def _may_edit(actor: Any, document: Document) -> bool:
    if can(actor, "documents.manage"):
        return True
    if not can(actor, "documents.upload"):
        return False
    if same_user(actor, document.created_by):
        return True
    department_id = _department_id(actor)
    return department_id is not None and department_id == document.department_id


def _edit_check(actor: Any, document: Document) -> None:
    if not Document.objects.visible_to(actor).filter(pk=document.pk).exists():
        raise NotFound(_("文書が見つかりません。"))
    if not _may_edit(actor, document):
        raise PermissionDenied(_("この文書を変更する権限がありません。"))


def version_add(
    *, actor: Any, document: Document, upload: Any, reason: str, name: str | None = None
) -> DocumentVersion:
    """Add a new version (差替え・訂正); the earlier versions stay readable."""
    require(actor, "documents.upload")
    _edit_check(actor, document)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("新しい版の理由を入力してください。"), errors={"reason": [_("理由は必須です。")]}
        )
    if len(reason) > 200:
        raise ValidationFailed(_("理由が長すぎます。"), errors={"reason": [_("200文字以内です。")]})
    checked, scan = _file_check(
        upload=upload, name=name, keys_capture=document.capture, doc_type=document.doc_type
    )
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        stored = stored_file_save(actor=actor, checked=checked, purpose=_purpose(locked.capture))
        version = _version_create(
            actor=actor,
            document=locked,
            stored=stored,
            reason=reason,
            scan=scan,
            content=checked.content,
        )
    document.refresh_from_db()
    return version


UPDATABLE = (
    "title",
    "doc_type",
    "transaction_date",
    "amount",
    "counterparty_id",
    "registration_number",
    "department_id",
    "confidential",
    "description",
)


def document_update(
    *, actor: Any, document: Document, changes: dict[str, Any], reason: str
) -> Document:
    """Change a document's keys; the old and new values and the reason go to the audit chain
    (訂正削除履歴 of the metadata)."""
    require(actor, "documents.upload")
    _edit_check(actor, document)
    unknown = set(changes) - {*UPDATABLE, "tags"}
    if unknown:
        raise ValidationFailed(
            _("変更できない項目です。"), errors={k: [_("変更不可")] for k in unknown}
        )
    keys = DocumentKeys(
        **{f: getattr(document, f) for f in UPDATABLE},
        capture=document.capture,
        tags=tuple(document.tags.values_list("name", flat=True)),
    )
    for field, value in changes.items():
        setattr(keys, field, tuple(value or ()) if field == "tags" else value)
    errors = _keys_check(keys)
    if not (reason or "").strip():
        errors["reason"] = [_("変更の理由を入力してください。")]
    if errors:
        raise ValidationFailed(_("文書の内容に誤りがあります。"), errors=errors)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        diff: dict[str, list[Any]] = {}
        for field in UPDATABLE:
            old, new = getattr(locked, field), getattr(keys, field)
            if old != new:
                diff[field] = [old, new]
                setattr(locked, field, new)
        old_tags = sorted(locked.tags.values_list("name", flat=True))
        if "tags" in changes and old_tags != sorted(keys.tags):
            diff["tags"] = [old_tags, sorted(keys.tags)]
            locked.tags.set([Tag.objects.get_or_create(name=name)[0] for name in keys.tags])
        if not diff:
            return locked
        new_retain = _retain_until(locked)
        if new_retain != locked.retain_until:
            diff["retain_until"] = [locked.retain_until, new_retain]
            locked.retain_until = new_retain
        latest = locked.versions.order_by("-number").first()
        locked.body_text = _body(locked, latest.text if latest else "")
        locked.save()
        index.index_document(locked)
        diff["reason"] = [None, reason.strip()[:200]]
        audit_record(actor=actor, action="documents.document.update", target=locked, changes=diff)
    return locked


def blob_read(version: DocumentVersion) -> bytes:
    """The bytes of a version's file (for exports)."""
    with files_storage().open(version.stored_file.blob.name, "rb") as handle:
        return bytes(handle.read())

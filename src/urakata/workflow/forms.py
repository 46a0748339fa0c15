"""Generic request types: 稟議 and administrator-defined 申請フォーム (fields validated server-side)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record, diff
from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.files import Purpose, stored_file_create, upload_check
from urakata.core.permissions import require
from urakata.org.models import Counterparty, Department, Employee
from urakata.workflow.models import ApprovalRequest, Attachment, FormSubmission, RequestForm, Ringi
from urakata.workflow.services import request_resubmit, request_submit

Errors = dict[str, list[str]]
FIELD_TYPES = ("text", "number", "date", "choice", "file", "employee", "department")
FIELD_TYPE_LABELS = {
    "text": "文字",
    "number": "数値",
    "date": "日付",
    "choice": "選択肢",
    "file": "ファイル",
    "employee": "従業員",
    "department": "部署",
}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


# ---------------------------------------------------------------- attachments


def _check_files(errors: Errors, field: str, files: Sequence[Any]) -> None:
    """Size, emptiness and sniffed type of every file (core.files); nothing is stored here."""
    for upload in files:
        _checked, problems = upload_check(upload=upload, purpose=Purpose.ATTACHMENT)
        for problem in problems:
            _add(errors, field, problem)


def _store(actor: Any, upload: Any, **owner: Any) -> Attachment:
    """Store an upload in the file store (the same content is kept once) and link it."""
    stored = stored_file_create(actor=actor, upload=upload, purpose=Purpose.ATTACHMENT)
    return Attachment.objects.create(stored=stored, **owner)


# ---------------------------------------------------------------- 稟議


def ringi_clean(*, data: Mapping[str, Any], actor: Any = None) -> tuple[dict[str, Any], Errors]:
    """Validate a 稟議: title and purpose required, amount a non-negative integer of yen."""
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    for field in ("title", "purpose"):
        cleaned[field] = str(data.get(field) or "").strip()
        if not cleaned[field]:
            _add(errors, field, _("必須項目です。"))
    cleaned["title"] = cleaned["title"][:200]
    raw_amount = str(data.get("amount") if data.get("amount") is not None else "0")
    raw_amount = raw_amount.replace(",", "").replace("円", "").strip() or "0"
    if not raw_amount.isdigit():
        _add(errors, "amount", _("金額は0以上の整数(円)で入力してください。"))
    else:
        cleaned["amount"] = int(raw_amount)
    for field, model, not_found in (
        ("department", Department, _("部署が見つかりません。")),
        ("counterparty", Counterparty, _("取引先が見つかりません。")),
    ):
        value = data.get(field)
        if isinstance(value, model):
            cleaned[field] = value
        elif value not in (None, ""):
            queryset: Any = model.objects.all()
            if model is Counterparty and actor is not None:
                queryset = Counterparty.objects.visible_to(actor)
            found = queryset.filter(pk=value).first() if str(value).isdigit() else None
            if found is None:
                _add(errors, field, not_found)
            cleaned[field] = found
        else:
            cleaned[field] = None
    return cleaned, errors


def ringi_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    files: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> ApprovalRequest:
    """Create a 稟議 with its attachments and route it for approval."""
    require(actor, "workflow.use")
    cleaned, errors = ringi_clean(data=data, actor=actor)
    _check_files(errors, "attachments", files)
    if errors:
        raise ValidationFailed(
            _("稟議を申請できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        if cleaned["department"] is None:
            employee = (
                Employee.objects.filter(user_id=actor.pk).select_related("department").first()
            )
            cleaned["department"] = employee.department if employee else None
        ringi = Ringi.objects.create(**cleaned)
        for upload in files:
            _store(actor, upload, ringi=ringi)
        return request_submit(
            actor=actor,
            subject=ringi,
            title=ringi.title,
            amount=ringi.amount,
            department=ringi.department,
            now=now,
        )


def request_attach(
    *, actor: Any, request: ApprovalRequest, files: Sequence[Any]
) -> list[Attachment]:
    """The applicant adds files to an open 稟議 or form request (添付の追加)."""
    if request.applicant_id != actor.pk:
        raise PermissionDenied(_("申請者本人だけが添付できます。"))
    errors: Errors = {}
    if not files:
        _add(errors, "files", _("ファイルを選んでください。"))
    _check_files(errors, "files", files)
    if errors:
        raise ValidationFailed(_("添付できません。"), errors=errors)
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.applicant_id != actor.pk:
            raise PermissionDenied(_("申請者本人だけが添付できます。"))
        if not locked.is_open:
            raise Conflict(_("決裁済み・取り下げ済みの申請には添付できません。"))
        if locked.subject_type == "workflow.ringi":
            owner: dict[str, Any] = {"ringi_id": locked.subject_id}
        elif locked.subject_type == "workflow.formsubmission":
            owner = {"submission_id": locked.subject_id}
        else:
            raise ValidationFailed(_("この種類の申請には添付できません。"))
        stored = [_store(actor, upload, **owner) for upload in files]
        audit_record(
            actor=actor,
            action="workflow.request.attach",
            target=locked,
            changes={"files": [[a.name, a.sha256] for a in stored]},
        )
    return stored


def ringi_resubmit(
    *,
    actor: Any,
    request: ApprovalRequest,
    data: Mapping[str, Any],
    comment: str = "",
    files: Sequence[Any] = (),
) -> ApprovalRequest:
    """Correct a returned 稟議 and resubmit it (差し戻し後の再申請)."""
    cleaned, errors = ringi_clean(data=data, actor=actor)
    _check_files(errors, "attachments", files)
    if errors:
        raise ValidationFailed(_("稟議を再申請できません。"), errors=errors)
    with transaction.atomic():
        ringi = Ringi.objects.select_for_update().get(pk=request.subject_id)
        if request.applicant_id != actor.pk or request.status != ApprovalRequest.Status.RETURNED:
            return request_resubmit(actor=actor, request_id=request.pk, comment=comment)
        changes = diff(ringi, ["title", "purpose", "amount", "department", "counterparty"], cleaned)
        for field in changes:
            setattr(ringi, field, cleaned[field])
        if changes:
            ringi.save(update_fields=list(changes))
            audit_record(actor=actor, action="workflow.ringi.update", target=ringi, changes=changes)
        for upload in files:
            _store(actor, upload, ringi=ringi)
        ApprovalRequest.objects.filter(pk=request.pk).update(amount=ringi.amount)
        return request_resubmit(
            actor=actor, request_id=request.pk, comment=comment, title=ringi.title
        )


# ---------------------------------------------------------------- administrator-defined forms


def form_fields_clean(raw_fields: Any) -> tuple[list[dict[str, Any]], Errors]:
    """Validate a form's field definitions (name, label, type, required, choices)."""
    errors: Errors = {}
    fields: list[dict[str, Any]] = []
    if not isinstance(raw_fields, list) or not raw_fields:
        return [], {"fields": [_("項目を1つ以上定義してください。")]}
    seen: set[str] = set()
    for index, raw in enumerate(raw_fields, start=1):
        key = f"fields.{index}"
        name = str(raw.get("name") or "").strip()
        if not NAME_RE.match(name):
            _add(
                errors,
                key,
                _("項目名「%(name)s」は英小文字で始まる英数字・_ で入力してください。")
                % {"name": name},
            )
        elif name in seen:
            _add(errors, key, _("項目名「%(name)s」が重複しています。") % {"name": name})
        seen.add(name)
        kind = raw.get("type")
        if kind not in FIELD_TYPES:
            _add(
                errors,
                key,
                _("種類は %(value)s のいずれかです。") % {"value": ", ".join(FIELD_TYPES)},
            )
        choices = [str(c).strip() for c in (raw.get("choices") or []) if str(c).strip()]
        if kind == "choice" and not choices:
            _add(errors, key, _("選択肢を1つ以上入力してください。"))
        label = str(raw.get("label") or "").strip() or name
        fields.append(
            {
                "name": name,
                "label": label[:100],
                "type": kind,
                "required": bool(raw.get("required")),
                "choices": choices,
            }
        )
    return fields, errors


def _form_save(*, actor: Any, form: RequestForm | None, data: Mapping[str, Any]) -> RequestForm:
    require(actor, "workflow.manage_forms")
    errors: Errors = {}
    code = str(data.get("code") or "").strip()
    name = str(data.get("name") or "").strip()
    if not re.match(r"^[a-z0-9][a-z0-9_-]{0,49}$", code):
        _add(errors, "code", _("フォームコードは英小文字・数字・-_ で入力してください。"))
    elif RequestForm.objects.filter(code=code).exclude(pk=form.pk if form else 0).exists():
        _add(errors, "code", _("フォームコード「%(code)s」は既に使われています。") % {"code": code})
    if not name:
        _add(errors, "name", _("必須項目です。"))
    fields, field_errors = form_fields_clean(data.get("fields"))
    errors.update(field_errors)
    if errors:
        raise ValidationFailed(_("申請フォームを保存できません。"), errors=errors)
    values = {
        "code": code,
        "name": name[:100],
        "description": str(data.get("description") or ""),
        "fields": fields,
        "is_active": bool(data.get("is_active", True)),
    }
    with transaction.atomic():
        if form is None:
            form = RequestForm.objects.create(**values)
            changes: dict[str, Any] = {k: [None, v] for k, v in values.items()}
        else:
            form = RequestForm.objects.select_for_update().get(pk=form.pk)
            changes = diff(form, list(values), values)
            for key, value in values.items():
                setattr(form, key, value)
            form.save()
        audit_record(actor=actor, action="workflow.form.save", target=form, changes=changes)
    return form


def form_create(*, actor: Any, data: Mapping[str, Any]) -> RequestForm:
    """Define a new 申請フォーム."""
    require(actor, "workflow.manage_forms")
    return _form_save(actor=actor, form=None, data=data)


def form_update(*, actor: Any, form: RequestForm, data: Mapping[str, Any]) -> RequestForm:
    """Change a 申請フォーム; past submissions keep the values they had."""
    require(actor, "workflow.manage_forms")
    return _form_save(actor=actor, form=form, data=data)


def _value(errors: Errors, spec: dict[str, Any], raw: Any) -> Any:
    name, kind = spec["name"], spec["type"]
    text = "" if raw is None else str(raw).strip()
    if kind == "text":
        return text[:2000]
    if kind == "number":
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            _add(errors, name, _("数値で入力してください。"))
            return None
        return str(number)
    if kind == "date":
        try:
            return dt.date.fromisoformat(text.replace("/", "-")).isoformat()
        except ValueError:
            _add(errors, name, _("日付は YYYY-MM-DD で入力してください。"))
            return None
    if kind == "choice":
        if text not in spec["choices"]:
            _add(
                errors,
                name,
                _("選択肢から選んでください: %(value)s") % {"value": "、".join(spec["choices"])},
            )
        return text
    model = Employee if kind == "employee" else Department
    found = model.objects.filter(pk=text).first() if text.isdigit() else None
    if found is None:
        _add(
            errors,
            name,
            _("従業員が見つかりません。") if kind == "employee" else _("部署が見つかりません。"),
        )
        return None
    return found.pk


def form_values_clean(
    *, form: RequestForm, data: Mapping[str, Any], files: Mapping[str, Sequence[Any]] | None = None
) -> tuple[dict[str, Any], Errors]:
    """Validate submitted values against the form definition; every problem is reported."""
    errors: Errors = {}
    values: dict[str, Any] = {}
    files = files or {}
    for spec in form.fields:
        name = spec["name"]
        if spec["type"] == "file":
            uploads = list(files.get(name) or [])
            if spec.get("required") and not uploads:
                _add(errors, name, _("ファイルを添付してください。"))
            _check_files(errors, name, uploads)
            continue
        raw = data.get(name)
        if raw in (None, "") or (isinstance(raw, str) and not raw.strip()):
            if spec.get("required"):
                _add(errors, name, _("必須項目です。"))
            continue
        values[name] = _value(errors, spec, raw)
    return values, errors


def _form_title_amount(form: RequestForm, values: dict[str, Any]) -> tuple[str, int | None]:
    """A request title from the form name and its first text value; `amount` if the form has one."""
    first_text = next(
        (
            str(values[f["name"]])
            for f in form.fields
            if f["type"] == "text" and values.get(f["name"])
        ),
        "",
    )
    title = form.name + (f": {first_text[:80]}" if first_text else "")
    amount = None
    if values.get("amount") not in (None, ""):
        amount = int(Decimal(values["amount"]))
    return title, amount


def form_request_submit(
    *,
    actor: Any,
    form: RequestForm,
    data: Mapping[str, Any],
    files: Mapping[str, Sequence[Any]] | None = None,
    now: dt.datetime | None = None,
) -> ApprovalRequest:
    """Submit an administrator-defined form (各種申請) and route it for approval."""
    require(actor, "workflow.use")
    if not form.is_active:
        raise ValidationFailed(_("この申請フォームは現在使えません。"))
    values, errors = form_values_clean(form=form, data=data, files=files)
    if errors:
        raise ValidationFailed(
            _("%(name)sを申請できません。入力内容を確認してください。") % {"name": form.name},
            errors=errors,
        )
    with transaction.atomic():
        submission = FormSubmission.objects.create(form=form, values=values)
        for name, uploads in (files or {}).items():
            for upload in uploads:
                _store(actor, upload, submission=submission, field=name)
        title, amount = _form_title_amount(form, values)
        return request_submit(actor=actor, subject=submission, title=title, amount=amount, now=now)


def form_resubmit(
    *,
    actor: Any,
    request: ApprovalRequest,
    data: Mapping[str, Any],
    files: Mapping[str, Sequence[Any]] | None = None,
    comment: str = "",
) -> ApprovalRequest:
    """Correct the values of a returned form request and resubmit it (差し戻し後の再申請)."""
    with transaction.atomic():
        submission = FormSubmission.objects.select_for_update().select_related("form")
        submission_row = submission.get(pk=request.subject_id)
        if request.applicant_id != actor.pk or request.status != ApprovalRequest.Status.RETURNED:
            return request_resubmit(actor=actor, request_id=request.pk, comment=comment)
        form = submission_row.form
        values, errors = form_values_clean(form=form, data=data, files=files)
        # files already attached satisfy a required file field
        for spec in form.fields:
            if spec["type"] == "file" and spec["name"] in errors:
                kept = Attachment.objects.filter(submission=submission_row, field=spec["name"])
                if kept.exists() and not (files or {}).get(spec["name"]):
                    errors.pop(spec["name"])
        if errors:
            raise ValidationFailed(
                _("%(name)sを再申請できません。") % {"name": form.name}, errors=errors
            )
        changes = {
            name: [submission_row.values.get(name), value]
            for name, value in values.items()
            if submission_row.values.get(name) != value
        }
        submission_row.values = values
        submission_row.save(update_fields=["values"])
        for name, uploads in (files or {}).items():
            for upload in uploads:
                _store(actor, upload, submission=submission_row, field=name)
        if changes:
            audit_record(
                actor=actor,
                action="workflow.form_submission.update",
                target=submission_row,
                changes=changes,
            )
        title, amount = _form_title_amount(form, values)
        ApprovalRequest.objects.filter(pk=request.pk).update(amount=amount)
        return request_resubmit(actor=actor, request_id=request.pk, comment=comment, title=title)

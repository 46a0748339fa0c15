"""Expense claim writes: drafts, lines, receipts (stored + OCR), submit with the policy checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.files import stored_file_save, upload_check
from urakata.core.japanese import normalise_digits
from urakata.core.models import StoredFile
from urakata.core.ocr import ReceiptReading, receipt_read
from urakata.core.permissions import can, require
from urakata.expenses import policy
from urakata.expenses.models import ClaimLine, CommuterPass, ExpenseClaim, ReceiptScan
from urakata.expenses.tasks import file_receipts_task
from urakata.org.models import Employee
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

LINE_FIELDS = (
    "kind", "date", "category", "payee", "purpose", "amount", "amount_8", "amount_exempt",
    "registration_number", "attendees", "attendee_count", "route_from", "route_to", "round_trip",
)  # fmt: skip


def _employee(actor: Any) -> Employee:
    employee = Employee.objects.select_related("department").filter(user_id=actor.pk).first()
    if employee is None:
        raise PermissionDenied(_("従業員として登録されていないため経費を申請できません。"))
    return employee


def claim_for_update(*, actor: Any, claim_id: int) -> ExpenseClaim:
    """The actor's own claim, locked, still editable (下書き or 差戻し)."""
    require(actor, "expenses.submit")
    claim = (
        ExpenseClaim.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound(_("経費精算が見つかりません。"))
    if claim.employee.user_id != actor.pk:
        raise PermissionDenied(_("本人の経費精算だけを編集できます。"))
    if not (claim.editable or is_returned(claim)):
        raise Conflict(_("申請中・承認済みの経費精算は編集できません。"))
    return claim


def is_returned(claim: ExpenseClaim) -> bool:
    """Submitted, and the approver sent it back for correction (差し戻し)."""
    if claim.status != ExpenseClaim.Status.SUBMITTED or not claim.request_id:
        return False
    return ApprovalRequest.objects.filter(
        pk=claim.request_id, status=ApprovalRequest.Status.RETURNED
    ).exists()


def claim_create(*, actor: Any, title: str) -> ExpenseClaim:
    """Start a draft claim for the actor (an employee)."""
    require(actor, "expenses.submit")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed(
            _("経費精算を作成できません。"),
            errors={"title": [_("件名を200文字以内で入力してください。")]},
        )
    employee = _employee(actor)
    with transaction.atomic():
        claim = ExpenseClaim.objects.create(
            number=f"TMP-{timezone.now():%H%M%S%f}",
            employee=employee,
            department=employee.department,
            title=title,
        )
        claim.number = f"EX-{timezone.localdate():%Y}-{claim.pk:06d}"
        claim.save(update_fields=["number"])
        audit_record(
            actor=actor, action="expenses.claim.create", target=claim, changes={"title": title}
        )
    return claim


def claim_delete(*, actor: Any, claim_id: int) -> None:
    """Delete a draft that was never submitted."""
    with transaction.atomic():
        claim = claim_for_update(actor=actor, claim_id=claim_id)
        if claim.request_id:
            raise Conflict(_("一度申請した経費精算は削除できません。"))
        audit_record(
            actor=actor,
            action="expenses.claim.delete",
            target=claim,
            changes={"title": claim.title},
        )
        claim.delete()


def _clean_line(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {k: values.get(k) for k in LINE_FIELDS if k in values}
    data["kind"] = data.get("kind") or ClaimLine.Kind.EXPENSE
    if data["kind"] not in ClaimLine.Kind.values:
        errors["kind"] = [_("経費か交通費を選んでください。")]
    if data["kind"] == ClaimLine.Kind.TRANSPORT:
        data["category"] = policy.TRANSPORT_CATEGORY
    if data.get("category") not in policy.CATEGORIES:
        errors["category"] = [_("費目を選んでください。")]
    day = data.get("date")
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, dt.date):
        errors["date"] = [_("利用日を YYYY-MM-DD で入力してください。")]
    elif day > timezone.localdate():
        errors["date"] = [_("未来の日付は入力できません。")]
    data["date"] = day
    for name in ("amount", "amount_8", "amount_exempt", "attendee_count"):
        raw = data.get(name)
        try:
            data[name] = int(raw) if raw not in (None, "") else 0
        except (TypeError, ValueError):
            errors[name] = [_("数字で入力してください。")]
            data[name] = 0
    amount = data["amount"]
    if amount <= 0 or amount > 100_000_000:
        errors["amount"] = [_("金額は1円以上1億円以下で入力してください。")]
    if data["amount_8"] < 0 or data["amount_exempt"] < 0:
        errors["amount_8"] = [_("内訳は0円以上で入力してください。")]
    elif data["amount_8"] + data["amount_exempt"] > max(amount, 0):
        errors["amount_8"] = [_("8%対象と非課税の合計が金額を超えています。")]
    if data["attendee_count"] < 0 or data["attendee_count"] > 1000:
        errors["attendee_count"] = [_("人数は0〜1000で入力してください。")]
    number = normalise_digits(str(data.get("registration_number") or ""))
    if number and not number.startswith("T"):
        number = "T" + number
    if number and len(number) != 14:
        errors["registration_number"] = [
            _("登録番号は「T」に続く13桁の数字で入力してください(例: T1234567890123)。")
        ]
    data["registration_number"] = number
    for name, limit in (("payee", 200), ("purpose", 300), ("route_from", 100), ("route_to", 100)):
        data[name] = str(data.get(name) or "").strip()
        if len(data[name]) > limit:
            errors[name] = [_("%(n)s文字以内で入力してください。") % {"n": limit}]
    data["attendees"] = str(data.get("attendees") or "").strip()[:5000]
    data["round_trip"] = bool(data.get("round_trip"))
    if data["kind"] == ClaimLine.Kind.TRANSPORT and not (data["route_from"] and data["route_to"]):
        errors["route_from"] = [_("交通費には出発と到着を入力してください。")]
    if data["kind"] == ClaimLine.Kind.EXPENSE and not data["payee"]:
        errors["payee"] = [_("支払先を入力してください。")]
    return data, errors


def _receipt(actor: Any, receipt_id: Any) -> StoredFile | None:
    if not receipt_id:
        return None
    stored = StoredFile.objects.filter(pk=receipt_id, purpose=StoredFile.Purpose.EVIDENCE).first()
    if stored is None or (
        stored.uploaded_by_id != actor.pk and not can(actor, "expenses.view_all")
    ):
        raise ValidationFailed(
            _("明細を保存できません。"), errors={"receipt_id": [_("領収書が見つかりません。")]}
        )
    return stored


def _total(claim: ExpenseClaim) -> None:
    claim.total = sum(claim.lines.values_list("amount", flat=True))
    claim.save(update_fields=["total"])


def line_save(
    *, actor: Any, claim_id: int, values: dict[str, Any], line_id: int | None = None
) -> ClaimLine:
    """Add a line to (or change a line of) an editable claim; `receipt_id` links a stored receipt."""
    data, errors = _clean_line(values)
    if errors:
        raise ValidationFailed(_("明細を保存できません。"), errors=errors)
    with transaction.atomic():
        claim = claim_for_update(actor=actor, claim_id=claim_id)
        receipt = _receipt(actor, values.get("receipt_id"))
        if line_id is None:
            line = ClaimLine(claim=claim)
            before: dict[str, Any] = {}
        else:
            found = claim.lines.filter(pk=line_id).first()
            if found is None:
                raise NotFound(_("明細が見つかりません。"))
            line = found
            before = {k: getattr(line, k) for k in data}
        for key, value in data.items():
            setattr(line, key, value)
        if receipt is not None:
            line.receipt = receipt
            line.receipt_sha256 = receipt.sha256
            scan = ReceiptScan.objects.filter(stored_file=receipt).first()
            line.ocr = scan.reading if scan and not scan.error else None
        line.save()
        _total(claim)
        changes = {
            k: [_plain(before.get(k)), _plain(v)] for k, v in data.items() if before.get(k) != v
        }
        if receipt is not None:
            changes["receipt_sha256"] = [None, receipt.sha256]
        audit_record(
            actor=actor,
            action="expenses.line.add" if line_id is None else "expenses.line.change",
            target=line,
            changes=changes,
        )
    return line


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def line_delete(*, actor: Any, claim_id: int, line_id: int) -> None:
    with transaction.atomic():
        claim = claim_for_update(actor=actor, claim_id=claim_id)
        line = claim.lines.filter(pk=line_id).first()
        if line is None:
            raise NotFound(_("明細が見つかりません。"))
        audit_record(
            actor=actor,
            action="expenses.line.delete",
            target=line,
            changes={"amount": [line.amount, None], "date": [line.date.isoformat(), None]},
        )
        line.delete()
        _total(claim)


def receipt_upload(*, actor: Any, upload: Any) -> tuple[StoredFile, ReceiptReading]:
    """Store a receipt as it came (SHA-256, 証憑) and read it; the reading pre-fills a line.

    OCR runs before the transaction (seconds of CPU must not hold a write lock); a file refused
    by the upload checks leaves nothing behind.
    """
    require(actor, "expenses.submit")
    checked, problems = upload_check(upload=upload, purpose=StoredFile.Purpose.EVIDENCE)
    if checked is None:
        raise ValidationFailed(_("領収書を保存できません。"), errors={"receipt": problems})
    reading = receipt_read(checked.content, content_type=checked.content_type)
    with transaction.atomic():
        stored = stored_file_save(actor=actor, checked=checked, purpose=StoredFile.Purpose.EVIDENCE)
        scan = ReceiptScan.objects.create(
            stored_file=stored,
            reading=reading.as_json(),
            error=reading.error[:300],
            seconds=reading.seconds,
        )
        audit_record(
            actor=actor,
            action="expenses.receipt.read",
            target=scan,
            changes={"sha256": stored.sha256, "reading": reading.as_json(), "error": reading.error},
        )
    return stored, reading


def receipt_preview(*, actor: Any, upload: Any) -> ReceiptReading:
    """Read a receipt without storing it (the upload checks still apply)."""
    require(actor, "expenses.submit")
    checked, problems = upload_check(upload=upload, purpose=StoredFile.Purpose.EVIDENCE)
    if checked is None:
        raise ValidationFailed(_("領収書を読み取れません。"), errors={"file": problems})
    return receipt_read(checked.content, content_type=checked.content_type)


def claim_check(*, actor: Any, claim: ExpenseClaim) -> list[dict[str, Any]]:
    """Every policy finding for the claim (no writes): what submit would say."""
    require(actor, "expenses.submit")
    lines = list(claim.lines.select_related("receipt").order_by("date", "pk"))
    findings: list[dict[str, Any]] = []
    if not lines:
        findings.append(
            {"code": "empty", "severity": "error", "line": None,
             "message": _("明細が1行もありません。")}
        )  # fmt: skip
    for position, line in enumerate(lines, start=1):
        findings += policy.line_findings(line, position=position)
    hashes = [ln.receipt_sha256 for ln in lines if ln.receipt_sha256]
    dates = {ln.date for ln in lines}
    others = list(
        ClaimLine.objects.exclude(claim=claim)
        .filter(claim__status__in=_COUNTED)
        .filter(receipt_sha256__in=hashes)
        .select_related("claim")
    ) + list(
        ClaimLine.objects.exclude(claim=claim)
        .filter(claim__status__in=_COUNTED, date__in=dates, amount__in={ln.amount for ln in lines})
        .select_related("claim")
    )
    findings += policy.duplicate_findings(lines, others=others)
    commuter_pass = CommuterPass.objects.filter(employee_id=claim.employee_id).first()
    findings += policy.commuter_findings(lines, commuter_pass)
    return findings


# Claims whose lines count for duplicates: everything that was or is being paid.
_COUNTED = (
    ExpenseClaim.Status.SUBMITTED,
    ExpenseClaim.Status.APPROVED,
    ExpenseClaim.Status.PAID,
)


def claim_submit(*, actor: Any, claim_id: int, comment: str = "") -> ExpenseClaim:
    """Run the policy checks; errors refuse the submit, warnings go with it to the approvers."""
    from urakata.expenses.approval import route_data

    refused: ValidationFailed | None = None
    with transaction.atomic():
        claim = claim_for_update(actor=actor, claim_id=claim_id)
        workflow_services.route_seed(
            data=route_data()
        )  # after the checks: a refusal writes nothing
        findings = claim_check(actor=actor, claim=claim)
        errors = [f for f in findings if f["severity"] == "error"]
        if errors:
            refused = ValidationFailed(
                _("規程チェックでエラーがあります。修正してから申請してください。"),
                errors={"claim": [f["message"] for f in errors]},
            )
            transaction.set_rollback(True)  # a refusal writes nothing…
        else:
            return _submit_checked(actor=actor, claim=claim, findings=findings, comment=comment)
    # …but is itself recorded (the DX policy-error rate counts these against the submits).
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="expenses.claim.policy_refused",
            target=claim,
            changes={"errors": [f["code"] for f in errors]},
        )
    assert refused is not None
    raise refused


def _submit_checked(
    *, actor: Any, claim: ExpenseClaim, findings: list[dict[str, Any]], comment: str
) -> ExpenseClaim:
    """The submit itself, in claim_submit's transaction, once the policy checks passed."""
    before = claim.status
    was_returned = is_returned(claim)
    claim.status = ExpenseClaim.Status.SUBMITTED
    claim.findings = findings
    claim.submitted_at = timezone.now()
    claim.save(update_fields=["status", "findings", "submitted_at"])
    # Filing reads the receipts' text (OCR): a task committed with the submit does it.
    file_receipts_task.enqueue(claim_id=claim.pk)
    audit_record(
        actor=actor,
        action="expenses.claim.submit",
        target=claim,
        changes={
            "status": [before, claim.status],
            "total": claim.total,
            "warnings": [f["code"] for f in findings if f["severity"] == "warning"],
        },
    )
    title = _("経費精算 %(number)s %(title)s") % {"number": claim.number, "title": claim.title}
    if was_returned and claim.request_id:
        workflow_services.request_resubmit(
            actor=actor, request_id=claim.request_id, comment=comment, title=title
        )
        return claim
    request = workflow_services.request_submit(
        actor=actor,
        subject=claim,
        title=title,
        amount=claim.total,
        department=claim.department,
        comment=comment,
    )
    claim.request_id = request.pk
    claim.save(update_fields=["request_id"])
    return claim


def commuter_pass_save(
    *, actor: Any, stations: str, valid_from: dt.date, valid_until: dt.date
) -> CommuterPass:
    """Set the actor's own commuter pass (通勤定期): its stations and validity."""
    require(actor, "expenses.submit")
    employee = _employee(actor)
    names = [s.strip() for s in (stations or "").replace("、", ",").split(",") if s.strip()]
    errors: dict[str, list[str]] = {}
    if len(names) < 2 or len(",".join(names)) > 2000:
        errors["stations"] = [_("定期区間の駅を2つ以上、読点区切りで入力してください。")]
    if valid_until < valid_from:
        errors["valid_until"] = [_("有効終了日は開始日以降にしてください。")]
    if errors:
        raise ValidationFailed(_("通勤定期を保存できません。"), errors=errors)
    with transaction.atomic():
        found = (
            CommuterPass.objects.select_for_update(of=("self",)).filter(employee=employee).first()
        )
        before = (
            {"stations": found.stations, "valid_from": found.valid_from.isoformat(),
             "valid_until": found.valid_until.isoformat()}
            if found else {}
        )  # fmt: skip
        row, _created = CommuterPass.objects.update_or_create(
            employee=employee,
            defaults={"stations": ",".join(names), "valid_from": valid_from,
                      "valid_until": valid_until},
        )  # fmt: skip
        after = {"stations": row.stations, "valid_from": valid_from.isoformat(),
                 "valid_until": valid_until.isoformat()}  # fmt: skip
        audit_record(
            actor=actor,
            action="expenses.commuter_pass.save",
            target=row,
            changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
        )
    return row

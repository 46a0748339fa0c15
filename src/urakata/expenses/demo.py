"""Demo expense claims: a year of them in every state, with receipt images rendered on the fly.

Claims go through the real services (draft → lines → submit with the policy checks → manager →
accounting → journal and payment request), so every write leaves its audit event. Receipts are
synthetic images (core.ocr.synth) stored as 証憑; to stay fast the seeder reads only two of them
with OCR (one entered with a different amount, to show the mismatch warning). Approved claims
of the past months are paid through a payments batch (全銀 file, journal, hook → paid).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from urakata.core.files import generated_file, stored_file_save
from urakata.core.models import StoredFile
from urakata.core.ocr.synth import receipt
from urakata.expenses import services
from urakata.expenses.approval import next_payday
from urakata.expenses.models import ExpenseClaim
from urakata.org.models import Employee
from urakata.workflow import services as workflow_services
from urakata.workflow.notifications import email_muted

CLAIMS_PER_MONTH = 2
PURPOSES = {
    "supplies": ["会議用文具", "プリンタトナー", "梱包資材"],
    "books": ["技術書", "業界誌"],
    "meeting": ["社外打合せ(昼食)", "取引先との打合せ"],
    "entertainment": ["取引先との会食"],
    "communication": ["出張先での通信費"],
}


def _claimants() -> list[Employee]:
    rows = Employee.objects.filter(
        status=Employee.Status.ACTIVE, user__isnull=False, department__manager__user__isnull=False
    ).exclude(department__manager=F("pk"))
    return list(rows.select_related("user", "department__manager__user").order_by("pk")[:8])


def _accountants() -> list[Any]:
    users = get_user_model().objects.filter(groups__name="accounting", is_active=True)
    return list(users.order_by("pk").distinct()[:2])


def _stored(user: Any, rng: random.Random) -> tuple[StoredFile, Any]:
    sample = receipt(rng, split="dev", jpeg=True)
    checked = generated_file("receipt.jpg", sample.data, "image/jpeg")
    return stored_file_save(
        actor=user, checked=checked, purpose=StoredFile.Purpose.EVIDENCE
    ), sample


def _expense_line(
    user: Any, claim: ExpenseClaim, day: dt.date, rng: random.Random, *, ocr: bool
) -> None:
    category = rng.choice(list(PURPOSES))
    if ocr:
        sample = receipt(rng, split="dev", layout="A")
        stored, _reading = services.receipt_upload(
            actor=user, upload=SimpleUploadedFile("receipt.png", sample.data)
        )
    else:
        stored, sample = _stored(user, rng)
    truth = sample.truth
    amount = truth.total + (500 if ocr else 0)  # the OCR'd one is entered wrong on purpose
    reduced = round(truth.tax["8"] * 108 / 8) if truth.tax["8"] else 0
    values: dict[str, Any] = {
        "kind": "expense",
        "date": day,
        "category": category,
        "payee": truth.payee,
        "purpose": rng.choice(PURPOSES[category]),
        "amount": amount,
        "amount_8": min(reduced, amount),
        "registration_number": truth.registration_number or "",
        "receipt_id": stored.pk,
    }
    if category in ("meeting", "entertainment"):
        count = rng.randint(2, 4)
        values["attendee_count"] = count
        values["attendees"] = "自社 1名、株式会社青葉商事 営業部 " + f"{count - 1}名"
    services.line_save(actor=user, claim_id=claim.pk, values=values)


def _transport_line(user: Any, claim: ExpenseClaim, day: dt.date, rng: random.Random) -> None:
    route = rng.choice([("東京", "新大阪", 14_720), ("品川", "横浜", 310), ("新宿", "立川", 490)])
    services.line_save(
        actor=user,
        claim_id=claim.pk,
        values={
            "kind": "transport",
            "date": day,
            "route_from": route[0],
            "route_to": route[1],
            "amount": route[2] * 2,
            "round_trip": True,
            "purpose": "顧客訪問",
        },
    )


def _manager(employee: Employee) -> Any:
    assert employee.department and employee.department.manager  # _claimants() has them
    return employee.department.manager.user


def _approve(claim: ExpenseClaim, accountant: Any, *, steps: int) -> None:
    assert claim.request_id
    if steps >= 1:
        workflow_services.request_approve(
            actor=_manager(claim.employee), request_id=claim.request_id
        )
    if steps >= 2:
        workflow_services.request_approve(actor=accountant, request_id=claim.request_id)


def _pay(claims: list[ExpenseClaim], accountants: list[Any], today: dt.date) -> int:
    """One batch for the approved claims of the past months: approved, file written, paid."""
    from urakata.payments import batches, settle
    from urakata.payments.models import PaymentRequest
    from urakata.workflow.models import ApprovalRequest

    maker, checker = accountants
    ids = list(
        PaymentRequest.objects.filter(
            source="expenses", source_id__in=[c.pk for c in claims]
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    batch, _skipped = batches.batch_create(
        actor=maker, transfer_date=next_payday(today), request_ids=ids
    )
    batches.batch_submit(actor=maker, batch_id=batch.pk)
    approval = ApprovalRequest.objects.get(
        subject_type="payments.paymentbatch", subject_id=batch.pk
    )
    workflow_services.request_approve(actor=checker, request_id=approval.pk, comment="確認済")
    settle.batch_file(actor=maker, batch_id=batch.pk)
    settle.batch_mark_paid(actor=maker, batch_id=batch.pk)
    return len(ids)


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """About two claims a month for a year, in every state; the older ones paid (no e-mails)."""
    with email_muted():
        return _seed(today, rng)


def _seed(today: dt.date, rng: random.Random) -> dict[str, Any]:
    claimants = _claimants()
    accountants = _accountants()
    if not claimants or len(accountants) < 2:
        return {"claims": 0}
    made: dict[str, int] = {}
    to_pay: list[ExpenseClaim] = []
    ocr_left = 2
    for months_ago in range(11, -1, -1):
        for n in range(CLAIMS_PER_MONTH):
            employee = rng.choice(claimants)
            user = employee.user
            first = (today.replace(day=1) - dt.timedelta(days=30 * months_ago)).replace(day=1)
            day = min(first + dt.timedelta(days=rng.randint(0, 27)), today)
            claim = services.claim_create(actor=user, title=f"{day:%Y年%m月} 経費精算 {n + 1}")
            _expense_line(user, claim, day, rng, ocr=months_ago == 0 and ocr_left > 0)
            ocr_left -= 1 if months_ago == 0 else 0
            if rng.random() < 0.5:
                _transport_line(user, claim, day, rng)
            state = _state(months_ago, n, rng)
            made[state] = made.get(state, 0) + 1
            if state == "draft":
                continue
            claim = services.claim_submit(actor=user, claim_id=claim.pk)
            if state == "rejected":
                workflow_services.request_reject(
                    actor=_manager(employee),
                    request_id=claim.request_id or 0,
                    comment="領収書の内容と金額を確認してください。",
                )
            elif state in ("approved", "paid", "manager_approved"):
                _approve(claim, accountants[n % 2], steps=1 if state == "manager_approved" else 2)
                if state == "paid":
                    to_pay.append(claim)
    paid = _pay(to_pay, accountants, today)
    return {"claims": sum(made.values()), **made, "paid": paid}


def _state(months_ago: int, n: int, rng: random.Random) -> str:
    if months_ago == 0:
        return ("draft", "submitted")[n % 2]
    if months_ago == 1:
        return ("manager_approved", "approved")[n % 2]
    if rng.random() < 0.1:
        return "rejected"
    return "paid"

"""Claims through the services: drafts, lines, receipts with OCR, submit → manager → accounting
→ journal and payment request → batch paid → claim paid."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.ocr.synth import receipt, t_number
from urakata.documents.models import Document
from urakata.expenses import services
from urakata.expenses.approval import claim_settled
from urakata.expenses.models import ExpenseClaim
from urakata.expenses.tasks import file_receipts_task
from urakata.expenses.tests.factories import WEEKDAY, claim_with_line, team
from urakata.payments.models import PaymentRequest
from urakata.workflow import services as workflow_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, Any]:
    return team()


def _line(**values: Any) -> dict[str, Any]:
    base = {
        "date": WEEKDAY.isoformat(),
        "category": "supplies",
        "payee": "株式会社ミドリ商店",
        "purpose": "文具",
        "amount": 3_300,
        "amount_8": 1_080,
        "registration_number": t_number(random.Random(5)),
    }
    base.update(values)
    return base


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_receipt_upload_stores_the_file_and_prefills(people: dict[str, Any]) -> None:
    member = people["member"]
    sample = receipt(random.Random(4), split="dev", layout="A")
    stored, reading = services.receipt_upload(
        actor=member, upload=SimpleUploadedFile("r.png", sample.data, content_type="image/png")
    )
    assert stored.sha256 and stored.size == len(sample.data)
    assert reading.total == sample.truth.total
    claim = services.claim_create(actor=member, title="文具購入")
    line = services.line_save(
        actor=member,
        claim_id=claim.pk,
        values=_line(amount=sample.truth.total, amount_8=0, receipt_id=stored.pk),
    )
    assert line.ocr["total"] == sample.truth.total
    assert line.receipt_sha256 == stored.sha256


def test_bad_receipt_upload_saves_nothing(people: dict[str, Any]) -> None:
    from urakata.core.models import StoredFile

    with pytest.raises(ValidationFailed) as error:
        services.receipt_upload(
            actor=people["member"], upload=SimpleUploadedFile("r.png", b"not an image at all")
        )
    assert error.value.errors["receipt"]
    assert not StoredFile.objects.exists()


def test_line_validation_names_every_problem(people: dict[str, Any]) -> None:
    claim = services.claim_create(actor=people["member"], title="x")
    with pytest.raises(ValidationFailed) as error:
        services.line_save(
            actor=people["member"],
            claim_id=claim.pk,
            values={"date": "2999-01-01", "category": "nope", "amount": "abc", "amount_8": -1},
        )
    assert {"date", "category", "amount", "payee"} <= set(error.value.errors)


def test_only_the_owner_edits(people: dict[str, Any]) -> None:
    claim = services.claim_create(actor=people["member"], title="x")
    with pytest.raises(PermissionDenied):
        services.line_save(actor=people["boss"], claim_id=claim.pk, values=_line())
    with pytest.raises(NotFound):
        services.claim_delete(actor=people["accountant"], claim_id=claim.pk + 999)


def test_full_cycle_posts_pays_and_files(people: dict[str, Any]) -> None:
    member, boss, accountant = people["member"], people["boss"], people["accountant"]
    claim = claim_with_line(member, amount=3_300, amount_8=1_080)
    services.line_save(
        actor=member,
        claim_id=claim.pk,
        values=_line(kind="transport", route_from="東京", route_to="大宮", amount=1_140,
                     amount_8=0, round_trip=True, registration_number="", payee=""),
    )  # fmt: skip
    submitted = services.claim_submit(actor=member, claim_id=claim.pk)
    assert submitted.status == ExpenseClaim.Status.SUBMITTED
    # the receipts are filed by a task committed with the submit (filing reads them: OCR)
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="file_receipts_task").count() == 1
    assert file_receipts_task.call(claim_id=claim.pk) == 1
    assert file_receipts_task.call(claim_id=claim.pk) == 1  # again: still one document
    document = Document.objects.get(doc_type="receipt")
    assert document.amount == 3_300
    with pytest.raises(Conflict):
        services.line_save(actor=member, claim_id=claim.pk, values=_line())
    workflow_services.request_approve(actor=boss, request_id=submitted.request_id)
    workflow_services.request_approve(actor=accountant, request_id=submitted.request_id)
    claim.refresh_from_db()
    assert claim.status == ExpenseClaim.Status.APPROVED
    entry = claim.journal_entry
    lines = list(entry.lines.select_related("account", "tax_code"))
    debits = {
        (ln.account.code, ln.tax_code.code if ln.tax_code else None): ln.debit for ln in lines
    }
    # supplies: 10% part 2,220 and 8% part 1,080 (registered); transport under 30,000: P10
    assert debits[("7290", "P10")] + debits[("7290", "P08")] + debits[("7260", "P10")] > 0
    credit = [ln for ln in lines if ln.account.code == "3150"]
    assert credit[0].credit == 3_300 + 1_140
    request = PaymentRequest.objects.get(source="expenses", source_id=claim.pk)
    assert request.amount == claim.total and request.payee_employee_id == member.employee.pk
    from urakata.core.permissions import SYSTEM

    claim_settled(actor=SYSTEM, source_id=claim.pk, paid_on=dt.date(2025, 7, 1), batch_id=7)
    claim.refresh_from_db()
    assert claim.status == ExpenseClaim.Status.PAID and claim.paid_on == dt.date(2025, 7, 1)


def test_unregistered_payee_posts_the_transitional_code(people: dict[str, Any]) -> None:
    from urakata.expenses.approval import journal_lines

    claim = claim_with_line(people["member"], registration_number="", amount=2_200)
    codes = {line.get("tax_code") for line in journal_lines(claim)}
    assert "P10U" in codes


def test_rejected_claim_is_editable_again(people: dict[str, Any]) -> None:
    claim = claim_with_line(people["member"])
    submitted = services.claim_submit(actor=people["member"], claim_id=claim.pk)
    workflow_services.request_reject(
        actor=people["boss"], request_id=submitted.request_id, comment="金額を確認"
    )
    claim.refresh_from_db()
    assert claim.status == ExpenseClaim.Status.REJECTED
    services.line_save(actor=people["member"], claim_id=claim.pk, values=_line())

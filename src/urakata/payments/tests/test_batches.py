"""Batches: gathering requests, business days, maker → checker, the file, paid → journal → hooks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.ledger.models import JournalEntry
from urakata.org.tests.factories import EmployeeFactory
from urakata.payments import batches, settle, zengin
from urakata.payments.models import PaymentBatch, PaymentRequest
from urakata.payments.services import payment_request_add, payment_request_cancel
from urakata.payments.tests.factories import (
    CompanyBankAccountFactory,
    counterparty_with_account,
    employee_with_account,
)
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 10)  # a Thursday


def _request(source_id: int, **kwargs: Any) -> PaymentRequest:
    values: dict[str, Any] = {
        "actor": SYSTEM,
        "source": "payments",
        "source_id": source_id,
        "amount": 10_000 * source_id,
        "due_date": DAY,
        "description": f"依頼{source_id}",
        "liability_account_code": "3150",
    }
    values.update(kwargs)
    if "payee_counterparty_id" not in values and "payee_employee_id" not in values:
        values["payee_employee_id"] = employee_with_account().pk
    return payment_request_add(**values)


@pytest.fixture
def company() -> Any:
    return CompanyBankAccountFactory(bank_code="0001", fee_same_bank=110, fee_other_bank=330)


def _approve(batch: PaymentBatch, maker: Any, checker: Any) -> None:
    batches.batch_submit(actor=maker, batch_id=batch.pk)
    approval = ApprovalRequest.objects.get(
        subject_type="payments.paymentbatch", subject_id=batch.pk
    )
    workflow_services.request_approve(actor=checker, request_id=approval.pk)
    batch.refresh_from_db()


def test_business_days() -> None:
    assert batches.is_bank_business_day(DAY)
    assert not batches.is_bank_business_day(dt.date(2026, 12, 12))  # Saturday
    assert not batches.is_bank_business_day(dt.date(2026, 11, 23))  # 勤労感謝の日
    assert not batches.is_bank_business_day(dt.date(2026, 12, 31))  # 銀行休業日
    assert not batches.is_bank_business_day(dt.date(2027, 1, 4 - 1))
    assert batches.next_business_day(dt.date(2026, 12, 31)) == dt.date(2027, 1, 4)
    assert batches.previous_business_day(dt.date(2026, 9, 22)) == dt.date(2026, 9, 18)


def test_create_gathers_due_requests_and_skips_payees_without_account(
    accountant: Any, company: Any
) -> None:
    first = _request(1)
    second = _request(2, payee_employee_id=employee_with_account(bank_code="0001").pk)
    later = _request(3, due_date=DAY + dt.timedelta(days=5))
    no_account = _request(4, payee_employee_id=EmployeeFactory().pk)
    salary = _request(5, kind="salary")
    batch, skipped = batches.batch_create(actor=accountant, transfer_date=DAY)
    items = {i.request_id: i for i in batch.items.all()}
    assert set(items) == {first.pk, second.pk}
    assert [s.request.pk for s in skipped] == [no_account.pk]
    assert items[first.pk].fee == 330 and items[second.pk].fee == 110  # other bank / same bank
    assert batch.total_amount == 30_000 and batch.total_fee == 440 and batch.item_count == 2
    assert items[first.pk].bank_name_kana == "ﾐﾂｲｽﾐﾄﾓ"
    assert items[first.pk].branch_name_kana == "ｼﾞﾝﾎﾞｳﾁﾖｳ"
    for request, status in ((first, "batched"), (later, "open"), (salary, "open")):
        request.refresh_from_db()
        assert request.status == status


def test_payee_bears_the_fee(accountant: Any, company: Any) -> None:
    request = _request(1)
    PaymentRequest.objects.filter(pk=request.pk).update(fee_bearer="payee")
    batch, _skipped = batches.batch_create(actor=accountant, transfer_date=DAY)
    item = batch.items.get()
    assert (item.amount, item.fee) == (10_000 - 330, 0)


def test_create_refuses_holidays_and_empty_batches(accountant: Any, company: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        batches.batch_create(actor=accountant, transfer_date=dt.date(2026, 11, 23))
    assert "2026-11-24" in error.value.errors["transfer_date"][0]
    with pytest.raises(ValidationFailed) as error:
        batches.batch_create(actor=accountant, transfer_date=DAY)
    assert "requests" in error.value.errors
    assert PaymentBatch.objects.count() == 0


def test_only_accounting_makes_batches(make_user: Any, company: Any) -> None:
    from urakata.core.roles import Role

    _request(1)
    with pytest.raises(PermissionDenied):
        batches.batch_create(actor=make_user(Role.MANAGER), transfer_date=DAY)


def test_maker_cannot_check_and_rejection_releases(
    accountant: Any, checker: Any, company: Any
) -> None:
    request = _request(1)
    batch, _skipped = batches.batch_create(actor=accountant, transfer_date=DAY)
    batches.batch_submit(actor=accountant, batch_id=batch.pk)
    approval = ApprovalRequest.objects.get(
        subject_type="payments.paymentbatch", subject_id=batch.pk
    )
    with pytest.raises(PermissionDenied):
        workflow_services.request_approve(actor=accountant, request_id=approval.pk)
    with pytest.raises(Conflict):  # pending: not cancellable from the source side
        payment_request_cancel(actor=SYSTEM, source="payments", source_id=1)
    workflow_services.request_reject(actor=checker, request_id=approval.pk, comment="口座誤り")
    batch.refresh_from_db()
    request.refresh_from_db()
    assert batch.status == "rejected" and request.status == "open"


def test_cancel_request_in_draft_batch_removes_the_item(accountant: Any, company: Any) -> None:
    _request(1)
    _request(2)
    batch, _skipped = batches.batch_create(actor=accountant, transfer_date=DAY)
    payment_request_cancel(actor=SYSTEM, source="payments", source_id=1)
    batch.refresh_from_db()
    assert batch.item_count == 1 and batch.total_amount == 20_000


def test_file_parses_back_and_paid_posts_journal_and_calls_hooks(
    accountant: Any, checker: Any, company: Any, monkeypatch: Any
) -> None:
    employee_request = _request(1)
    supplier = counterparty_with_account(account_holder_kana="ｶ)ﾃｽﾄｼﾖｳｼﾞ")
    supplier_request = _request(2, payee_counterparty_id=supplier.pk, liability_account_code="3150")
    batch, _skipped = batches.batch_create(actor=accountant, transfer_date=DAY)
    with pytest.raises(Conflict):  # not approved yet
        settle.batch_file(actor=accountant, batch_id=batch.pk)
    _approve(batch, accountant, checker)
    assert batch.status == "approved" and batch.approved_by == checker
    stored = settle.batch_file(actor=accountant, batch_id=batch.pk)
    assert settle.batch_file(actor=accountant, batch_id=batch.pk).pk == stored.pk  # once
    parsed = zengin.zengin_parse(stored.blob.open("rb").read())
    assert parsed["header"]["kind_code"] == "21"
    assert parsed["header"]["consignor_code"] == company.consignor_code
    assert parsed["header"]["transfer_date"] == "1210"
    assert [(t["payee_name"], t["amount"]) for t in parsed["transfers"]] == [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", 10_000),
        ("ｶ)ﾃｽﾄｼﾖｳｼﾞ", 20_000),
    ]
    assert parsed["trailer"]["total"] == 30_000

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        settle, "hook_targets", lambda name: {"payments": lambda **kw: calls.append(kw)}
    )
    settle.batch_mark_paid(actor=accountant, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "paid" and batch.paid_on == DAY
    entry = JournalEntry.objects.get(pk=batch.journal_entry_id)
    assert entry.source == "payment"
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.all()}
    assert ("3150", 10_000, 0) in lines and ("3150", 20_000, 0) in lines
    assert ("1140", 0, 30_660) in lines  # amounts + two fees of 330
    fee_lines = [line for line in entry.lines.all() if line.account.code == "7380"]
    assert sum(line.debit for line in entry.lines.all()) == 30_660
    assert fee_lines  # the fee (tax split off to 仮払消費税 when the books are 税抜)
    assert sorted(c["source_id"] for c in calls) == [1, 2]
    assert all(c["batch_id"] == batch.pk and c["paid_on"] == DAY for c in calls)
    for request in (employee_request, supplier_request):
        request.refresh_from_db()
        assert request.status == "paid" and request.paid_on == DAY
    with pytest.raises(Conflict):
        settle.batch_mark_paid(actor=accountant, batch_id=batch.pk)


def test_failing_hook_rolls_the_payment_back(
    accountant: Any, checker: Any, company: Any, monkeypatch: Any
) -> None:
    _request(1)
    batch, _skipped = batches.batch_create(actor=accountant, transfer_date=DAY)
    _approve(batch, accountant, checker)
    settle.batch_file(actor=accountant, batch_id=batch.pk)

    def boom(**kwargs: Any) -> None:
        raise Conflict("source refuses")

    monkeypatch.setattr(settle, "hook_targets", lambda name: {"payments": boom})
    with pytest.raises(Conflict):
        settle.batch_mark_paid(actor=accountant, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.journal_entry_id is None
    assert not JournalEntry.objects.filter(source="payment").exists()


def test_salary_batch_uses_kind_code_11(accountant: Any, checker: Any, company: Any) -> None:
    _request(1, kind="salary", liability_account_code="3160")
    batch, _skipped = batches.batch_create(actor=accountant, transfer_date=DAY, kind="salary")
    _approve(batch, accountant, checker)
    data = settle.batch_file(actor=accountant, batch_id=batch.pk).blob.open("rb").read()
    assert data[1:3] == b"11"

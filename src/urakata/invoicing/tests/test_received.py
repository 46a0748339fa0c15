"""Received invoices: 登録番号 check, purchase journal with 経過措置, workflow routing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import Conflict
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.invoicing.models import ReceivedInvoice
from urakata.invoicing.received import received_approve, received_create, registration_check
from urakata.invoicing.received_workflow import received_submit
from urakata.ledger.models import JournalLine
from urakata.workflow.models import ApprovalRequest
from urakata.workflow.services_approver import request_approve, request_reject

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 10)


def _item(number: str = "") -> ReceivedInvoice:
    return received_create(
        actor=SYSTEM,
        data={
            "issuer_name": "有限会社仕入先",
            "registration_number": number,
            "number": "S-1",
            "issue_date": DAY,
            "due_date": DAY + dt.timedelta(days=30),
            "taxable_10": 100000,
            "tax_10": 10000,
        },
    )


def _sums(entry_id: int) -> dict[str, int]:
    sums: dict[str, int] = {}
    for line in JournalLine.objects.filter(entry_id=entry_id).select_related("account"):
        sums[line.account.code] = sums.get(line.account.code, 0) + line.debit - line.credit
    return sums


def test_registration_numbers_are_checked() -> None:
    assert registration_check("T7123456789012")[1] is True
    assert registration_check("T1234567890123")[1] is False  # check digit
    assert registration_check("")[1] is False


def test_registered_supplier_full_credit_unregistered_transitional() -> None:
    registered = received_approve(actor=SYSTEM, received=_item("T7123456789012"))
    assert _sums(registered.journal_entry_id) == {"7290": 100000, "1570": 10000, "3150": -110000}
    unregistered = received_approve(actor=SYSTEM, received=_item(""))
    sums = _sums(unregistered.journal_entry_id)
    # 経過措置 from 2026-10-01: 70% of the tax is creditable, the rest stays in the expense
    assert sums == {"7290": 103000, "1570": 7000, "3150": -110000}


def test_routed_through_the_workflow(make_user: Any) -> None:
    clerk = make_user(Role.ACCOUNTING)
    boss = make_user(Role.EXECUTIVE)
    approved = received_submit(actor=clerk, received=_item("T7123456789012"))
    assert approved.status == ReceivedInvoice.Status.SUBMITTED
    with pytest.raises(Conflict):
        received_approve(actor=clerk, received=approved)
    request = ApprovalRequest.objects.get(subject_id=approved.pk)
    request_approve(actor=boss, request_id=request.pk)
    approved.refresh_from_db()
    assert approved.status == ReceivedInvoice.Status.APPROVED and approved.approved_by == boss
    assert approved.journal_entry_id is not None
    rejected = received_submit(actor=clerk, received=_item(""))
    request = ApprovalRequest.objects.get(subject_id=rejected.pk)
    request_reject(actor=boss, request_id=request.pk, comment="金額相違")
    rejected.refresh_from_db()
    assert rejected.status == ReceivedInvoice.Status.REJECTED and rejected.journal_entry_id is None


def test_typed_in_with_its_pdf(client_for: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(Role.ACCOUNTING)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(
        "/invoicing/received/new/",
        {
            "issuer_name": "山本商店",
            "registration_number": "T7123456789012",
            "issue_date": "2026-11-01",
            "taxable_10": "2,000",
            "tax_10": "200",
            "file": SimpleUploadedFile("bill.pdf", pdf, "application/pdf"),
        },
    )
    assert response.status_code == 302
    item = ReceivedInvoice.objects.get()
    assert item.source == ReceivedInvoice.Source.PDF and item.stored_file is not None
    assert (item.total, item.registration_ok) == (2200, True)

"""`urakata payments batch` and `parse`: create and send for approval, then write; read back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from urakata.core.permissions import SYSTEM
from urakata.payments.models import PaymentBatch
from urakata.payments.services import payment_request_add
from urakata.payments.tests.factories import CompanyBankAccountFactory, employee_with_account
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

pytestmark = pytest.mark.django_db


def test_batch_then_parse(accountant: Any, checker: Any, tmp_path: Path, capsys: Any) -> None:
    CompanyBankAccountFactory()
    payment_request_add(
        actor=SYSTEM,
        source="payments",
        source_id=1,
        payee_employee_id=employee_with_account().pk,
        amount=250_000,
        due_date=dt.date(2026, 12, 10),
        description="賞与",
        kind="bonus",
        liability_account_code="3160",
    )
    out = tmp_path / "zengin.txt"
    args = ["payments", "batch", "--date", "2026-12-10", "--out", str(out), "--kind", "bonus"]
    call_command(*args, "--as", accountant.username)
    assert not out.exists()  # sent for approval first
    with pytest.raises(CommandError, match="承認待ち"):
        call_command(*args)
    batch = PaymentBatch.objects.get()
    approval = ApprovalRequest.objects.get(
        subject_type="payments.paymentbatch", subject_id=batch.pk
    )
    workflow_services.request_approve(actor=checker, request_id=approval.pk)
    call_command(*args)
    assert out.read_bytes()[1:3] == b"12"
    capsys.readouterr()
    call_command("payments", "parse", str(out), "--json")
    records = json.loads(capsys.readouterr().out)
    assert [r["data_kind"] for r in records] == ["1", "2", "8", "9"]
    assert records[1]["payee_name"] == "ﾔﾏﾀﾞ ﾀﾛｳ" and records[1]["amount"] == 250_000


def test_parse_refuses_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(b"1" * 119 + b"\r\n")
    with pytest.raises(CommandError, match="120バイト"):
        call_command("payments", "parse", str(path))

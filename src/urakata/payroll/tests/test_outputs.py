"""CLI pay run and payslip PDF; the 賃金台帳 totals equal the journal."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from urakata.core.roles import Role
from urakata.payroll import outputs, selectors
from urakata.payroll.models import PayRun
from urakata.payroll.tests.factories import PayProfileFactory

pytestmark = pytest.mark.django_db


def test_cli_run_approve_and_payslip(tmp_path: Path, make_user: Any) -> None:
    PayProfileFactory(employee__code="E0100")
    PayProfileFactory()
    out = StringIO()
    call_command("payroll", "run", "2026-05", "--approve", stdout=out)
    assert "2名" in out.getvalue() and "確定" in out.getvalue()
    run = PayRun.objects.get(month=dt.date(2026, 5, 1))
    assert run.status == PayRun.Status.FIXED and run.pay_date == dt.date(2026, 6, 25)
    target = tmp_path / "slip.pdf"
    call_command("payroll", "payslip", "E0100", "2026-05", "--out", str(target), stdout=out)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    from urakata.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="payroll.payslip.export").count() == 1

    hr = make_user(Role.HR)
    rows = selectors.wage_ledger_rows(actor=hr, year=2026)
    totals = selectors.wage_ledger_totals(rows)
    assert totals["gross"] == run.totals["gross"] and totals["net"] == run.totals["net"]
    from urakata.ledger.models import JournalEntry

    entry = JournalEntry.objects.get(pk=run.journal_entry_id)
    salary_debits = sum(entry.lines.filter(account__code="7120").values_list("debit", flat=True))
    assert salary_debits == totals["gross"]
    for fmt, magic in (("csv", "社員番号".encode()), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        content, _type, name = outputs.wage_ledger_file(rows, year=2026, fmt=fmt)
        assert magic in content[:20] and name.endswith(fmt)

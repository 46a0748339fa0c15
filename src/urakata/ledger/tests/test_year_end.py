"""決算: 決算整理 period, year-end close and lock, reopening with a second person's approval."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.ledger import closing, reports, services
from urakata.ledger.models import FiscalYearClose, JournalEntry, Period, ReopenRequest
from urakata.ledger.tests.factories import post_simple
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

pytestmark = pytest.mark.django_db


def _adjustment(day: dt.date, amount: int = 1_000) -> JournalEntry:
    return post_simple(
        day=day, debit="7410", credit="2190", amount=amount, source=JournalEntry.Source.ADJUSTMENT
    )


def test_adjustments_post_into_the_closed_last_month_until_the_year_closes(
    accountant: Any,
) -> None:
    post_simple(day=dt.date(2026, 3, 10), debit="1140", credit="5110", amount=500_000)
    services.period_close(actor=accountant, period="2026-03")
    services.period_close(actor=accountant, period="2026-02")
    with pytest.raises(ValidationFailed):
        post_simple(day=dt.date(2026, 3, 31))
    entry = _adjustment(dt.date(2026, 3, 31), 100_000)
    assert entry.fiscal_year == 2025 and entry.source == "adjustment"
    with pytest.raises(ValidationFailed):
        _adjustment(dt.date(2026, 2, 28))  # a closed month that is not the 決算整理 period
    row = closing.fiscal_year_close(actor=accountant, fiscal_year=2025)
    assert row.is_closed and row.net_income == 400_000
    assert (
        Period.objects.filter(period__gte=202504, period__lte=202603, is_closed=True).count() == 12
    )
    with pytest.raises(ValidationFailed):
        _adjustment(dt.date(2026, 3, 31))
    with pytest.raises(ValidationFailed):
        post_simple(day=dt.date(2025, 8, 1))
    event = AuditEvent.objects.get(action="ledger.fiscal_year.close")
    assert event.actor_id == accountant.pk and event.changes["net_income"] == 400_000
    # next year opens with the carried profit
    tb = reports.trial_balance(actor=accountant, from_period=202604, to_period=202604)
    assert {r["account_code"]: r["opening"] for r in tb.rows}["4150"] == 400_000
    with pytest.raises(Conflict):
        closing.fiscal_year_close(actor=accountant, fiscal_year=2025)


def test_reopening_needs_a_second_accountant(accountant: Any, make_user: Any) -> None:
    services.period_close(actor=accountant, period="2025-05")
    with pytest.raises(Conflict):  # alone: nobody else can approve
        closing.reopen_request_submit(
            actor=accountant, kind="month", period="2025-05", reason="修正"
        )
    assert ReopenRequest.objects.count() == 0
    colleague = make_user(Role.ACCOUNTING)
    request = closing.reopen_request_submit(
        actor=accountant, kind="month", period="2025-05", reason="請求書の計上漏れ"
    )
    assert request.status == "pending" and Period.objects.get(period=202505).is_closed
    approval = ApprovalRequest.objects.get(subject_id=request.pk)
    with pytest.raises(PermissionDenied):  # nobody approves their own request
        workflow_services.request_approve(actor=accountant, request_id=approval.pk)
    workflow_services.request_approve(actor=colleague, request_id=approval.pk)
    request.refresh_from_db()
    assert request.status == "approved"
    row = Period.objects.get(period=202505)
    assert not row.is_closed and row.changed_by == colleague
    event = AuditEvent.objects.get(action="ledger.period.reopen")
    assert event.actor_id == colleague.pk and "請求書の計上漏れ" in event.changes["reason"]


def test_closed_year_reopens_only_through_approval(accountant: Any, make_user: Any) -> None:
    colleague = make_user(Role.ACCOUNTING)
    closing.fiscal_year_close(actor=accountant, fiscal_year=2025)
    with pytest.raises(Conflict):  # months of a closed year stay closed
        closing.reopen_request_submit(actor=accountant, kind="month", period="2025-05", reason="x")
    with pytest.raises(Conflict):
        services.period_reopen(actor=accountant, period="2025-05", reason="x")
    request = closing.reopen_request_submit(
        actor=accountant, kind="year", period=2025, reason="税務調査の修正"
    )
    approval = ApprovalRequest.objects.get(subject_id=request.pk)
    workflow_services.request_reject(actor=colleague, request_id=approval.pk, comment="不要")
    request.refresh_from_db()
    assert request.status == "rejected"
    assert FiscalYearClose.objects.get(fiscal_year=2025).is_closed
    request = closing.reopen_request_submit(
        actor=accountant, kind="year", period=2025, reason="税務調査の修正"
    )
    approval = ApprovalRequest.objects.get(subject_id=request.pk)
    workflow_services.request_approve(actor=colleague, request_id=approval.pk)
    assert not FiscalYearClose.objects.get(fiscal_year=2025).is_closed
    _adjustment(dt.date(2026, 3, 31))  # the 決算整理 period is open again


def test_cli_needs_a_named_person_and_generate_keeps_real_books_apart(
    accountant: Any,
) -> None:
    with pytest.raises(CommandError, match="--as"):
        call_command("ledger", "year-close", "2025", stdout=StringIO())
    with pytest.raises(CommandError, match="nobody"):
        call_command("ledger", "year-close", "2025", "--as", "nobody", stdout=StringIO())
    out = StringIO()
    call_command("ledger", "year-close", "2025", "--as", accountant.username, stdout=out)
    assert FiscalYearClose.objects.get(fiscal_year=2025).changed_by == accountant
    post_simple(day=dt.date(2026, 5, 1))
    with pytest.raises(CommandError, match="--sandbox"):
        call_command(
            "ledger", "generate", "--lines", "50", "--as", accountant.username, stdout=StringIO()
        )
    assert JournalEntry.objects.count() == 1
    call_command(
        "ledger",
        "generate",
        "--lines",
        "50",
        "--fiscal-year",
        "2026",
        "--sandbox",
        "--as",
        accountant.username,
        stdout=StringIO(),
    )
    assert JournalEntry.objects.filter(source="generated").count() > 5

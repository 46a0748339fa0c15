"""Reports: trial balance (month/range/department), P/L, B/S, general ledger, tax summary, CLI."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from urakata.ledger import reports, services
from urakata.ledger.models import Period
from urakata.ledger.tests.factories import post_simple
from urakata.org.tests.factories import CompanyFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(accountant: Any) -> dict[str, Any]:
    CompanyFactory(fiscal_year_start_month=4)
    sales = DepartmentFactory(code="S1", name="営業")
    post_simple(
        day=dt.date(2025, 4, 1),
        debit="1140",
        credit="4110",
        amount=1_000_000,
        description="資本金払込",
    )
    services.journal_entry_post(
        actor=accountant,
        date=dt.date(2025, 4, 10),
        description="売上",
        lines=[
            {"account": "1220", "debit": 110_000, "department_id": sales.pk},
            {"account": "5110", "credit": 110_000, "tax_code": "S10", "department_id": sales.pk},
        ],
        tax_entry="inclusive",
    )
    services.journal_entry_post(
        actor=accountant,
        date=dt.date(2025, 5, 20),
        description="家賃",
        lines=[
            {"account": "7330", "debit": 220_000, "tax_code": "P10"},
            {"account": "1140", "credit": 220_000},
        ],
        tax_entry="inclusive",
    )
    post_simple(
        day=dt.date(2024, 6, 1),
        debit="7290",
        credit="1110",
        amount=5_000,
        description="前期の消耗品",
    )
    return {"sales": sales, "user": accountant}


def test_trial_balance_range_and_totals(books: dict[str, Any]) -> None:
    tb = reports.trial_balance(actor=books["user"], from_period=202504, to_period=202505)
    rows = {r["account_code"]: r for r in tb.rows}
    assert rows["5110"]["credit"] == 100_000 and rows["5110"]["balance"] == 100_000
    assert rows["3240"]["balance"] == 10_000
    assert rows["7330"]["debit"] == 200_000 and rows["1570"]["balance"] == 20_000
    assert rows["1140"]["balance"] == 1_000_000 - 220_000
    assert tb.totals["debit"] == tb.totals["credit"]
    # prior-year expense is not in this year's P/L accounts but the cash opening includes it
    assert "7290" not in rows
    assert rows["1110"]["opening"] == -5_000


def test_trial_balance_month_and_department(books: dict[str, Any]) -> None:
    may = reports.trial_balance(actor=books["user"], from_period=202505, to_period=202505)
    rows = {r["account_code"]: r for r in may.rows}
    assert rows["5110"]["opening"] == 100_000 and rows["5110"]["credit"] == 0
    dept = reports.trial_balance(
        actor=books["user"], from_period=202504, to_period=202505, department_code="S1"
    )
    assert {r["account_code"] for r in dept.rows} == {"1220", "5110", "3240"}
    matrix = reports.trial_balance_by_department(
        actor=books["user"], from_period=202504, to_period=202505
    )
    assert "営業" in [c["name"] for c in matrix["columns"]]


def test_profit_and_loss_and_balance_sheet_agree(books: dict[str, Any]) -> None:
    pl = reports.profit_and_loss(actor=books["user"], from_period=202504, to_period=202603)
    assert pl["gross_profit"] == 100_000
    assert pl["operating_income"] == 100_000 - 200_000
    assert pl["net_income"] == -100_000
    bs = reports.balance_sheet(actor=books["user"], as_of=202603)
    assert bs["balanced"], bs
    equity = {
        r["account_name"]: r["amount"] for s in bs["blocks"][2]["sections"] for r in s["rows"]
    }
    assert equity["当期純利益"] == -100_000
    assert equity["繰越利益剰余金"] == -5_000  # last year's loss carried forward


def test_general_ledger_running_balance(books: dict[str, Any]) -> None:
    gl = reports.general_ledger(
        actor=books["user"], account_code="1140", from_period=202504, to_period=202505
    )
    assert gl["opening"] == 0
    assert [r["balance"] for r in gl["rows"]] == [1_000_000, 780_000]
    assert gl["rows"][0]["counter_account"] == "資本金"
    assert gl["closing"] == 780_000


def test_tax_summary_by_code(books: dict[str, Any]) -> None:
    rows = {
        r["tax_code"]: r
        for r in reports.tax_summary(actor=books["user"], from_period=202504, to_period=202603)
    }
    assert rows["S10"]["base"] == 100_000 and rows["S10"]["tax"] == 10_000
    assert rows["P10"]["base"] == 200_000 and rows["P10"]["tax"] == 20_000


def test_reports_need_the_capability(make_user: Any) -> None:
    from urakata.core.errors import PermissionDenied
    from urakata.core.roles import Role

    with pytest.raises(PermissionDenied):
        reports.trial_balance(actor=make_user(Role.EMPLOYEE), from_period=202504, to_period=202504)
    reports.trial_balance(actor=make_user(Role.EXECUTIVE), from_period=202504, to_period=202504)


def test_cli_trial_balance_json_and_close(books: dict[str, Any], accountant: Any) -> None:
    out = StringIO()
    call_command(
        "ledger", "trial-balance", "--from", "2025-04", "--to", "2025-05", "--json", stdout=out
    )
    body = json.loads(out.getvalue())
    assert body["totals"]["debit"] == body["totals"]["credit"]
    first = body["rows"][0]
    assert set(first) >= {"account_code", "account_name", "debit", "credit", "balance"}
    with pytest.raises(CommandError, match="--as"):
        call_command("ledger", "close", "2025-05", stdout=StringIO())
    call_command("ledger", "close", "2025-05", "--as", accountant.username, stdout=StringIO())
    row = Period.objects.get(period=202505)
    assert row.is_closed and row.changed_by == accountant
    with pytest.raises(CommandError):
        call_command("ledger", "close", "2025-13", "--as", accountant.username, stdout=StringIO())
    out = StringIO()
    call_command(
        "ledger",
        "trial-balance",
        "--from",
        "2025-04",
        "--to",
        "2025-04",
        "--department",
        "S1",
        "--json",
        stdout=out,
    )
    assert {r["account_code"] for r in json.loads(out.getvalue())["rows"]} == {
        "1220",
        "5110",
        "3240",
    }


def test_cli_generate_posts_balanced_bulk_entries(accountant: Any) -> None:
    CompanyFactory(fiscal_year_start_month=4)
    out = StringIO()
    call_command(
        "ledger",
        "generate",
        "--lines",
        "500",
        "--seed",
        "3",
        "--fiscal-year",
        "2025",
        "--as",
        accountant.username,
        stdout=out,
    )
    assert "lines" in out.getvalue()
    tb = reports.trial_balance(actor=_system(), from_period=202504, to_period=202603)
    assert tb.totals["debit"] == tb.totals["credit"] >= 500
    from urakata.ledger.integrity import ledger_verify

    assert ledger_verify() == []
    call_command("ledger", "verify", stdout=StringIO())


def _system() -> Any:
    from urakata.ledger.permissions import SYSTEM

    return SYSTEM


def test_bulk_balances_equal_a_fresh_aggregate(accountant: Any) -> None:
    from urakata.ledger.tests.test_properties import _fresh_aggregate, _maintained
    from urakata.org.tests.factories import DepartmentFactory

    DepartmentFactory.create_batch(3)
    call_command(
        "ledger",
        "generate",
        "--lines",
        "3000",
        "--seed",
        "9",
        "--fiscal-year",
        "2025",
        "--as",
        accountant.username,
        stdout=StringIO(),
    )
    post_simple(day=dt.date(2025, 6, 1))
    assert _maintained() == _fresh_aggregate()

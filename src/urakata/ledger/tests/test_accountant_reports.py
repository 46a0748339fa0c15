"""Reports accountants recognise: 総勘定元帳 (相手科目, 月計/累計), 部門別損益, B/S parts,
月次推移表, 補助科目残高, and the tax-return page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.roles import Role
from urakata.ledger import monthly, reports, services
from urakata.ledger.tests.factories import post_simple
from urakata.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(accountant: Any) -> dict[str, Any]:
    dept = DepartmentFactory(code="S1", name="営業")
    post_simple(day=dt.date(2024, 5, 1), debit="1140", credit="5110", amount=70_000)  # FY2024
    post_simple(day=dt.date(2025, 4, 1), debit="1140", credit="4110", amount=1_000_000)
    post_simple(day=dt.date(2025, 4, 2), debit="2210", credit="1140", amount=300_000)
    post_simple(day=dt.date(2025, 4, 3), debit="2315", credit="1140", amount=100_000)
    post_simple(day=dt.date(2025, 4, 4), debit="4160", credit="1140", amount=50_000)
    for day in (dt.date(2025, 5, 10), dt.date(2025, 5, 20), dt.date(2025, 6, 5)):
        services.journal_entry_post(
            actor=accountant,
            date=day,
            description="消耗品",
            lines=[
                {"account": "7290", "debit": 11_000, "tax_code": "P10", "department_id": dept.pk},
                {"account": "1140", "sub_account": "01", "credit": 11_000},
            ],
            tax_entry="inclusive",
        )
    post_simple(
        day=dt.date(2025, 6, 6), debit="1140", credit="5110", amount=200_000, department_id=dept.pk
    )
    return {"dept": dept}


def test_general_ledger_counter_account_and_month_totals(books: Any, accountant: Any) -> None:
    gl = reports.general_ledger(
        actor=accountant, account_code="1140", from_period=202505, to_period=202506
    )
    assert gl["opening_label"] == "前月繰越"
    assert gl["opening"] == 70_000 + 1_000_000 - 300_000 - 100_000 - 50_000
    assert [r["counter_account"] for r in gl["rows"]] == ["消耗品費"] * 3 + ["売上高"]
    may = gl["rows"][1]["month_end"]
    assert gl["rows"][0]["month_end"] is None
    assert may["debit"] == 0 and may["credit"] == 22_000
    assert may["cumulative_debit"] == 1_000_000 and may["cumulative_credit"] == 472_000
    june = gl["rows"][3]["month_end"]
    assert june["cumulative_credit"] == 483_000 and june["balance"] == gl["closing"]
    tax = reports.general_ledger(
        actor=accountant, account_code="1570", from_period=202504, to_period=202506
    )
    assert {r["counter_account"] for r in tax["rows"]} == {"普通預金"}
    fy = reports.general_ledger(
        actor=accountant, account_code="4150", from_period=202504, to_period=202504
    )
    assert fy["opening_label"] == "前期繰越" and fy["opening"] == 70_000


def test_department_report_is_profit_and_loss_only(books: Any, accountant: Any) -> None:
    matrix = reports.trial_balance_by_department(
        actor=accountant, from_period=202504, to_period=202603
    )
    codes = {r["account_code"] for r in matrix["rows"]}
    assert codes == {"5110", "7290"}
    sales = next(r for r in matrix["rows"] if r["account_code"] == "5110")
    assert sales["total"] == 200_000


def test_balance_sheet_parts_follow_the_companies_accounting_ordinance(
    books: Any, accountant: Any
) -> None:
    bs = reports.balance_sheet(actor=accountant, as_of=202606)
    assert bs["balanced"]
    fixed = next(s for s in bs["blocks"][0]["sections"] if s["key"] == "fixed_asset")
    assert [(g["label"], g["total"]) for g in fixed["groups"]] == [
        ("無形固定資産", 300_000),
        ("投資その他の資産", 100_000),
    ]
    equity = bs["blocks"][2]["sections"][0]["groups"]
    labels = {g["label"]: g["total"] for g in equity}
    assert labels["資本金"] == 1_000_000 and labels["自己株式"] == -50_000
    assert labels["利益剰余金"] == 70_000 + 200_000 - 30_000


def test_monthly_trend_and_sub_account_balances(books: Any, accountant: Any) -> None:
    trend = monthly.monthly_trend(actor=accountant, fiscal_year=2025)
    assert trend["months"][0] == "2025-04" and len(trend["months"]) == 12
    expenses = next(r for r in trend["profit_and_loss"] if r["account_code"] == "7290")
    assert expenses["months"][:3] == [0, 20_000, 10_000] and expenses["total"] == 30_000
    assert trend["net_income"][:3] == [0, -20_000, 190_000]
    retained = next(r for r in trend["balance_sheet"] if r["account_code"] == "4150")
    assert retained["opening"] == 70_000
    bank = next(r for r in trend["balance_sheet"] if r["account_code"] == "1140")
    assert bank["months"][0] == 70_000 + 1_000_000 - 450_000
    subs = monthly.sub_account_balances(
        actor=accountant, account_code="1140", from_period=202505, to_period=202506
    )
    by_name = {r["sub_account_name"]: r for r in subs["rows"]}
    assert by_name["三菱UFJ銀行 渋谷支店"]["credit"] == 33_000
    assert by_name["(補助科目なし)"]["opening"] == 620_000
    assert subs["totals"]["balance"] == 620_000 + 200_000 - 33_000


def test_report_pages_render(books: Any, client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    for url, text in (
        ("/ledger/reports/monthly-trend/?fy=2025", "月次推移表"),
        (
            "/ledger/reports/sub-account-balances/?account=1140&from=2025-04&to=2025-06",
            "補助科目残高一覧",
        ),
        ("/ledger/reports/tax-return/?from=2025-04&to=2026-03", "控除対象仕入税額"),
        ("/ledger/reports/general-ledger/?account=1140&from=2025-05&to=2025-06", "累計"),
        ("/ledger/reports/balance-sheet/?as_of=2025-06", "投資その他の資産"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert text in page.content.decode(), url
    csv = client.get("/ledger/reports/monthly-trend/?fy=2025&format=csv")
    assert csv.status_code == 200 and "当期純利益" in csv.content.decode("utf-8-sig")
    bad = client.get("/ledger/reports/tax-return/?from=2025-04&to=2026-03&method=xx")
    assert bad.status_code == 400
    assert client_for(Role.EMPLOYEE).get("/ledger/reports/tax-return/").status_code == 403

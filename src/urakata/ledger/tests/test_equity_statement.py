"""株主資本等変動計算書: opening, changes by kind, closing = the B/S 純資産の部."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.ledger import equity_statement, reports, services
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db


def _post(day: dt.date, lines: list[dict[str, Any]]) -> None:
    services.journal_entry_post(
        actor=SYSTEM, date=day, description="資本取引", lines=lines, tax_entry="none"
    )


@pytest.fixture
def books() -> None:
    # FY2024: capital 3,000,000 and a profit of 70,000 (carried into 繰越利益剰余金).
    post_simple(day=dt.date(2024, 4, 1), debit="1140", credit="4110", amount=3_000_000)
    post_simple(day=dt.date(2024, 5, 1), debit="1140", credit="5110", amount=70_000)
    post_simple(day=dt.date(2024, 6, 1), debit="4160", credit="1140", amount=40_000)
    # FY2025
    post_simple(day=dt.date(2025, 4, 1), debit="1140", credit="4110", amount=1_000_000)  # 増資
    _post(  # 剰余金の配当 50,000 with 利益準備金 5,000
        dt.date(2025, 6, 20),
        [
            {"account": "4150", "debit": 55_000},
            {"account": "3150", "credit": 50_000},
            {"account": "4130", "credit": 5_000},
        ],
    )
    post_simple(day=dt.date(2025, 6, 21), debit="4150", credit="4140", amount=10_000)  # 別途積立金
    post_simple(day=dt.date(2025, 7, 1), debit="4160", credit="1140", amount=50_000)  # 取得
    _post(  # 処分: cost 20,000 sold at 25,000, the gain to 資本剰余金
        dt.date(2025, 8, 1),
        [
            {"account": "1140", "debit": 25_000},
            {"account": "4160", "credit": 20_000},
            {"account": "4120", "credit": 5_000},
        ],
    )
    post_simple(day=dt.date(2025, 9, 1), debit="1140", credit="5110", amount=200_000)
    post_simple(day=dt.date(2025, 9, 2), debit="7290", credit="1140", amount=11_000)


def _cells(row: dict[str, Any], statement: dict[str, Any]) -> dict[str, int]:
    return {c["code"]: v for c, v in zip(statement["columns"], row["cells"], strict=True)}


def test_changes_by_kind_and_closing_equals_balance_sheet(books: None, accountant: Any) -> None:
    s = equity_statement.equity_statement(actor=accountant, fiscal_year=2025)
    assert (s["from"], s["to"]) == ("2025-04", "2026-03")
    opening = _cells(s["opening"], s)
    assert opening["4110"] == 3_000_000
    assert opening["4150"] == 70_000  # last year's profit, carried forward
    assert opening["4160"] == -40_000  # 自己株式 deducted
    assert s["opening"]["net_assets"] == 3_030_000
    kinds = {row["kind"]: _cells(row, s) for row in s["changes"]}
    assert list(kinds) == [
        "issue",
        "dividend",
        "reserve",
        "net_income",
        "treasury_acquired",
        "treasury_disposed",
    ]
    assert kinds["issue"]["4110"] == 1_000_000
    assert kinds["dividend"]["4150"] == -55_000 and kinds["dividend"]["4130"] == 5_000
    assert kinds["reserve"]["4140"] == 10_000 and kinds["reserve"]["4150"] == -10_000
    assert kinds["net_income"]["4150"] == 189_000 == s["net_income"]
    assert kinds["treasury_acquired"]["4160"] == -50_000
    assert kinds["treasury_disposed"]["4160"] == 20_000
    assert kinds["treasury_disposed"]["4120"] == 5_000
    closing = _cells(s["closing"], s)
    assert closing["4150"] == 70_000 - 55_000 - 10_000 + 189_000
    assert closing["4160"] == -70_000
    for code, value in opening.items():
        changed = sum(_cells(row, s)[code] for row in s["changes"])
        assert closing[code] == value + changed == value + _cells(s["total_change"], s)[code]
    assert s["closing"]["groups"]["利益剰余金"] == 5_000 + 10_000 + 194_000

    bs = reports.balance_sheet(actor=accountant, as_of=202603)
    assert bs["balanced"]
    assert s["closing"]["net_assets"] == bs["equity"] == 4_000_000 + 5_000 + 209_000 - 70_000
    # Per account too: the B/S rows (当期純利益 belongs to 繰越利益剰余金).
    equity_rows = [row for section in bs["blocks"][2]["sections"] for row in section["rows"]]
    by_code: dict[str, int] = {}
    for row in equity_rows:
        key = row["account_code"] or "4150"
        by_code[key] = by_code.get(key, 0) + row["amount"]
    assert {k: v for k, v in closing.items() if v} == by_code


def test_year_without_capital_movements(accountant: Any) -> None:
    s = equity_statement.equity_statement(actor=accountant, fiscal_year=2030)
    assert s["changes"] == []
    assert s["closing"]["net_assets"] == 0
    assert {c["code"] for c in s["columns"]} >= {"4110", "4120", "4130", "4150", "4160"}


def test_retiring_treasury_shares_and_transfers(accountant: Any) -> None:
    post_simple(day=dt.date(2025, 4, 1), debit="1140", credit="4110", amount=500_000)
    post_simple(day=dt.date(2025, 4, 2), debit="4160", credit="1140", amount=30_000)
    post_simple(day=dt.date(2025, 4, 3), debit="4120", credit="4160", amount=30_000)  # 消却
    post_simple(day=dt.date(2025, 4, 4), debit="4110", credit="4120", amount=100_000)  # 減資
    s = equity_statement.equity_statement(actor=accountant, fiscal_year=2025)
    kinds = {row["kind"]: _cells(row, s) for row in s["changes"]}
    assert kinds["treasury_retired"]["4160"] == 30_000
    assert kinds["treasury_retired"]["4120"] == -30_000
    assert kinds["transfer"]["4110"] == -100_000 and kinds["transfer"]["4120"] == 100_000
    assert s["closing"]["net_assets"] == 470_000


def test_page_exports_and_api(books: None, client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    page = client.get("/ledger/reports/equity-statement/?fy=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "株主資本等変動計算書" in html and "自己株式の取得" in html and "当期末残高" in html
    csv = client.get("/ledger/reports/equity-statement/?fy=2025&format=csv")
    text = csv.content.decode("utf-8-sig")
    assert csv.status_code == 200
    assert "株主資本合計" in text and "純資産合計" in text and "4144000" in text.replace(",", "")
    xlsx = client.get("/ledger/reports/equity-statement/?fy=2025&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get("/ledger/reports/equity-statement/?fy=2025&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    api = client.get("/api/v1/ledger/reports/equity-statement?fy=2025")
    assert api.status_code == 200
    assert api.json()["closing"]["net_assets"] == 4_144_000
    assert client.get("/api/v1/ledger/reports/equity-statement?fy=x").status_code in (400, 422)
    assert client_for(Role.EMPLOYEE).get("/ledger/reports/equity-statement/").status_code == 403


def test_table_layout_has_group_totals(books: None, accountant: Any) -> None:
    s = equity_statement.equity_statement(actor=accountant, fiscal_year=2025)
    headers, table = equity_statement.equity_statement_table(s)
    assert headers[0] == "項目" and headers[-1] == "純資産合計"
    assert "利益剰余金合計" in headers and "株主資本合計" in headers
    assert table[0][0] == "当期首残高" and table[-1][0] == "当期末残高"
    closing = dict(zip(headers, table[-1], strict=True))
    assert closing["純資産合計"] == s["closing"]["net_assets"]
    assert closing["利益剰余金合計"] == s["closing"]["groups"]["利益剰余金"]

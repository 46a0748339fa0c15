"""消費税申告 on a small book, every figure computed by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.ledger import services, tax_return
from urakata.ledger.models import JournalEntry

pytestmark = pytest.mark.django_db
FROM, TO = 202504, 202603


def _post(day: dt.date, account: str, side: str, amount: int, code: str) -> None:
    other = "credit" if side == "debit" else "debit"
    services.journal_entry_post(
        actor=SYSTEM,
        date=day,
        description=f"{account} {code}",
        lines=[
            {"account": account, side: amount, "tax_code": code},
            {"account": "1140", other: amount},
        ],
        tax_entry="inclusive",
    )


@pytest.fixture
def book() -> None:
    # 課税売上10% 1,234,567 (税込): tax 1,234,567×10/110 = 112,233.36 → 112,233
    _post(dt.date(2025, 5, 1), "5110", "credit", 1_234_567, "S10")
    # 課税売上8% 54,321: tax 54,321×8/108 = 4,023.78 → 4,023
    _post(dt.date(2025, 6, 1), "5110", "credit", 54_321, "S08")
    # 課税仕入10% 330,000: tax 30,000; 課税仕入8% 10,800: tax 800
    _post(dt.date(2025, 7, 1), "6120", "debit", 330_000, "P10")
    _post(dt.date(2025, 8, 1), "6120", "debit", 10_800, "P08")


@pytest.fixture
def mixed_book(book: None) -> None:
    # 非課税売上 1,000,000; 共通対応 110,000 (tax 10,000); 非課税売上対応 55,000 (tax 5,000)
    _post(dt.date(2025, 9, 1), "8110", "credit", 1_000_000, "SNT")
    _post(dt.date(2025, 10, 1), "7330", "debit", 110_000, "P10C")
    _post(dt.date(2025, 11, 1), "7380", "debit", 55_000, "P10N")


def test_general_full_credit(book: None, accountant: Any) -> None:
    r = tax_return.tax_return(actor=accountant, from_period=FROM, to_period=TO, method="general")
    by_rate = {row["rate"]: row for row in r["sales_by_rate"]}
    # 課税標準額: 1,234,567×100/110 = 1,122,333.6 → 1,122,000; 54,321×100/108 = 50,297 → 50,000
    assert by_rate["10"]["taxable_base"] == 1_122_000
    assert by_rate["8"]["taxable_base"] == 50_000
    # 消費税額(国税): 1,122,000×7.8% = 87,516; 50,000×6.24% = 3,120
    assert by_rate["10"]["national_tax"] == 87_516
    assert by_rate["8"]["national_tax"] == 3_120
    assert r["national_tax"] == 90_636
    assert r["taxable_sales_ratio"] == "1.0000" and r["full_credit_allowed"]
    # 控除対象仕入税額: (30,000 + 800) × 78/100 = 24,024
    assert r["credit_method"] == "full" and r["deductible_input_tax"] == 24_024
    # 差引税額 90,636 − 24,024 = 66,612 → 66,600; 地方 66,600×22/78 = 18,784 → 18,700
    assert r["national_due"] == 66_600 and r["local_due"] == 18_700
    assert r["payable_total"] == 85_300
    # settlement: 仮受 116,256 / 仮払 30,800 / 未払 85,300 / 雑収入 156
    lines = {line["account"]: (line["debit"], line["credit"]) for line in r["settlement"]}
    assert lines == {
        "3240": (116_256, 0),
        "1570": (0, 30_800),
        "3180": (0, 85_300),
        "8130": (0, 156),
    }


def test_general_individual_and_proportional(mixed_book: None, accountant: Any) -> None:
    r = tax_return.tax_return(
        actor=accountant, from_period=FROM, to_period=TO, credit_method="individual"
    )
    # 課税売上(税抜) 1,122,333.6 + 50,297.2 = 1,172,630; ratio 1,172,630 / 2,172,630 = 53.97%
    assert r["taxable_sales"] == 1_172_630 and r["non_taxable_sales"] == 1_000_000
    assert r["taxable_sales_ratio"] == "0.5397" and not r["full_credit_allowed"]
    assert r["input_tax_national"] == {
        "taxable_sales": 24_024,
        "common": 7_800,
        "non_taxable_sales": 3_900,
    }
    # 個別対応: 24,024 + 7,800 × 53.97…% (4,209.8 → 4,209) = 28,233
    assert r["credit_method"] == "individual" and r["deductible_input_tax"] == 28_233
    # 90,636 − 28,233 = 62,403 → 62,400; 地方 62,400×22/78 = 17,600
    assert (r["national_due"], r["local_due"]) == (62_400, 17_600)
    r = tax_return.tax_return(
        actor=accountant, from_period=FROM, to_period=TO, credit_method="proportional"
    )
    # 一括比例配分: 35,724 × 53.97…% = 19,281.4 → 19,281; 90,636 − 19,281 = 71,355 → 71,300
    assert r["deductible_input_tax"] == 19_281
    assert (r["national_due"], r["local_due"]) == (71_300, 20_100)  # 71,300×22/78 = 20,110


def test_simplified_and_two_tenths(mixed_book: None, accountant: Any) -> None:
    r = tax_return.tax_return(
        actor=accountant, from_period=FROM, to_period=TO, method="simplified", category=3
    )
    # 簡易課税 第三種 70%: 90,636 × 70% = 63,445; 27,191 → 27,100; 地方 7,643 → 7,600
    assert r["deductible_input_tax"] == 63_445
    assert (r["national_due"], r["local_due"]) == (27_100, 7_600)
    r = tax_return.tax_return(actor=accountant, from_period=FROM, to_period=TO, method="two_tenths")
    # 2割特例: 90,636 × 80% = 72,508; 18,128 → 18,100; 地方 5,105 → 5,100
    assert r["deductible_input_tax"] == 72_508
    assert (r["national_due"], r["local_due"]) == (18_100, 5_100)
    with pytest.raises(ValidationFailed):
        tax_return.tax_return(
            actor=accountant, from_period=202610, to_period=202703, method="two_tenths"
        )


def test_returns_and_interim_payments(book: None, accountant: Any) -> None:
    # 売上返還 11,000 (税込): 返還等対価に係る税額 11,000×7.8/110 = 780
    _post(dt.date(2025, 12, 1), "5140", "debit", 11_000, "SR10")
    r = tax_return.tax_return(
        actor=accountant,
        from_period=FROM,
        to_period=TO,
        interim_national=30_000,
        interim_local=8_400,
    )
    assert r["returns_including_tax"] == 11_000 and r["return_tax"] == 780
    # 90,636 − 24,024 − 780 = 65,832 → 65,800; 地方 65,800×22/78 = 18,558 → 18,500
    assert (r["national_due"], r["local_due"]) == (65_800, 18_500)
    assert (r["payable_national"], r["payable_local"]) == (35_800, 10_100)


def test_cli_json_and_settlement_post(book: None, accountant: Any) -> None:
    out = StringIO()
    call_command(
        "ledger",
        "tax-return",
        "--from",
        "2025-04",
        "--to",
        "2026-03",
        "--json",
        "--as",
        accountant.username,
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["payable_total"] == 85_300 and data["credit_method"] == "full"
    entry = tax_return.tax_settlement_post(
        actor=accountant, from_period=FROM, to_period=TO, date=dt.date(2026, 3, 31)
    )
    assert entry.amount == 116_256 and entry.posted_by == accountant
    assert JournalEntry.objects.filter(description__contains="消費税").count() == 1
    after = tax_return.tax_return(actor=accountant, from_period=FROM, to_period=TO)
    assert after["settlement"] == []  # 仮受/仮払 are cleared

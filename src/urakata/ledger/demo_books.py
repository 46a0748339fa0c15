"""The demo's bulk-built books (株式会社みどり精工): the opening balances and, month by month,
sales, purchases, subcontracting, payroll, fixed costs, bank and card expenses and the year-end
income taxes, as BulkEntry rows for ``demo.seed`` to post."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from urakata.ledger import cache
from urakata.ledger.bulk import BulkEntry, BulkLine
from urakata.ledger.tax import deductible, rate_on
from urakata.ledger.validation import registered_counterparties

# (description on the statement, account, feed, typical amount, per month)
BANK_EXPENSES = [
    ("デンキダイ トウキョウデンリヨク", "7280", "bank", 180_000, 1),
    ("ガスダイ トウキヨウガス", "7280", "bank", 42_000, 1),
    ("スイドウダイ トウキヨウト", "7280", "bank", 25_000, 1),
    ("NTTコミュニケーションズ", "7270", "bank", 88_000, 1),
    ("ソフトバンク ケイタイ", "7270", "bank", 126_000, 1),
    ("フリコミテスウリヨウ", "7380", "bank", 660, 6),
    ("ワカバカイケイジムシヨ", "7390", "bank", 165_000, 1),
    ("JR東日本 モバイルSUICA", "7260", "card", 9_800, 6),
    ("ANA 航空券", "7260", "card", 48_000, 2),
    ("東横イン", "7260", "card", 8_900, 3),
    ("日本交通 タクシー", "7260", "card", 3_400, 5),
    ("アスクル", "7290", "card", 24_000, 3),
    ("Amazon.co.jp", "7290", "card", 15_000, 4),
    ("モノタロウ", "7290", "card", 32_000, 3),
    ("スターバックス", "7250", "card", 2_800, 3),
    ("ドトールコーヒー", "7250", "card", 1_900, 2),
    ("銀座 割烹 きくち", "7240", "card", 68_000, 2),
    ("ゴルフ倶楽部 富士", "7240", "card", 42_000, 1),
    ("ヤマト運輸", "7210", "card", 12_000, 3),
    ("日本経済新聞", "7420", "card", 4_900, 1),
    ("Google Workspace", "7270", "card", 40_800, 1),
    ("AWS", "7270", "card", 95_000, 1),
]
# Some shops are booked to another account now and then (books for the office, coffee for staff,
# a taxi after a client dinner): the learned suggestions are not always right, like real life.
AMBIGUOUS = {"Amazon.co.jp": "7420", "スターバックス": "7170", "日本交通 タクシー": "7240"}


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _taxed(gross: int) -> tuple[int, int]:
    tax = gross * 10 // 110
    return gross - tax, tax


class _Books:
    """Builds BulkEntry rows with resolved ids."""

    def __init__(self) -> None:
        chart = cache.chart(reload=True)
        self.acc = {code: a.pk for code, a in chart.accounts_by_code.items()}
        self.tax = {code: t.id for code, t in chart.tax_by_code.items()}
        self.sub = dict(chart.sub_accounts)
        self.entries: list[BulkEntry] = []
        self.bank_lines: list[tuple[int, str, int, str]] = []  # entry index, feed, amount, text

    def add(self, day: dt.date, text: str, lines: list[BulkLine], source: str = "manual") -> int:
        self.entries.append(BulkEntry(day, text, lines, source=source))
        return len(self.entries) - 1

    def line(self, code: str, debit: int = 0, credit: int = 0, **extra: Any) -> BulkLine:
        return BulkLine(self.acc[code], debit=debit, credit=credit, **extra)

    def purchase(
        self, code: str, gross: int, day: dt.date, supplier: int | None, dept: int | None
    ) -> list[BulkLine]:
        """Expense and 仮払消費税等 lines of a taxable purchase; a supplier without インボイス
        registration on the day gets the 経過措置 code and only its creditable part (80%/70%)."""
        net, tax = _taxed(gross)
        code_used = "P10"
        if supplier is not None and supplier not in registered_counterparties({supplier}, day):
            chart = cache.chart()
            code_used = "P10U"
            _rate, ratio = rate_on(chart.tax_by_code["P10U"].rates, day)
            credit = deductible(tax, ratio, chart.rounding)
            net, tax = net + tax - credit, credit
        return [
            self.line(
                code,
                debit=net,
                tax_code_id=self.tax[code_used],
                tax_amount=tax,
                counterparty_id=supplier,
                department_id=dept,
            ),
            self.line("1570", debit=tax, department_id=dept),
        ]

    def bank_sub(self) -> int:
        return self.sub[(self.acc["1140"], "01")]

    def card_sub(self) -> int:
        return self.sub[(self.acc["3150"], "01")]

    def taxed_expense(
        self, day: dt.date, text: str, code: str, gross: int, pay: str, dept: int | None
    ) -> int:
        net, tax = _taxed(gross)
        pay_line = (
            self.line("1140", credit=gross, sub_account_id=self.bank_sub())
            if pay == "bank"
            else self.line("3150", credit=gross, sub_account_id=self.card_sub())
        )
        return self.add(
            day,
            text,
            [
                self.line(
                    code, debit=net, tax_code_id=self.tax["P10"], tax_amount=tax, department_id=dept
                ),
                self.line("1570", debit=tax, department_id=dept),
                pay_line,
            ],
            source="bank",
        )


def _opening(books: _Books, day: dt.date) -> None:
    b = books
    lines = [
        b.line("1140", debit=86_000_000, sub_account_id=b.bank_sub()),
        b.line("1110", debit=300_000),
        b.line("1220", debit=58_000_000),
        b.line("1430", debit=12_500_000),
        b.line("2120", debit=18_000_000),
        b.line("2140", debit=64_000_000),
        b.line("2160", debit=7_400_000),
        b.line("2330", debit=6_000_000),
        b.line("2190", credit=31_000_000),
        b.line("3120", credit=21_000_000),
        b.line("3150", credit=3_900_000),
        b.line("3310", credit=60_000_000),
        b.line("4110", credit=30_000_000),
        b.line("4130", credit=5_000_000),
    ]
    balance = sum(x.debit for x in lines) - sum(x.credit for x in lines)
    lines.append(b.line("4150", credit=balance))
    b.add(day, "期首残高(開始仕訳)", lines)
    b.add(
        day.replace(day=30),
        "前期売掛金の回収",
        [
            b.line("1140", debit=58_000_000, sub_account_id=b.bank_sub()),
            b.line("1220", credit=58_000_000),
        ],
        source="bank",
    )
    b.add(
        day.replace(day=30),
        "前期買掛金の支払",
        [
            b.line("3120", debit=21_000_000),
            b.line("1140", credit=21_000_000, sub_account_id=b.bank_sub()),
        ],
        source="bank",
    )


def _sales(
    b: _Books,
    rng: random.Random,
    month: dt.date,
    season: float,
    customers: list[int],
    depts: dict[str, int],
) -> None:
    """Sales on credit to a sample of customers, collected at the end of the next month."""
    end = _end(month)
    for customer in rng.sample(customers, k=min(len(customers), 18)):
        gross = int(rng.uniform(1.6, 5.0) * season * 1_000_000) // 1100 * 1100
        net, tax = _taxed(gross)
        dept = depts["D510"] if customer % 2 else depts["D520"]
        day = month.replace(day=rng.randint(5, 28))
        b.add(
            day,
            "製品売上",
            [
                b.line("1220", debit=gross, counterparty_id=customer, department_id=dept),
                b.line(
                    "5110",
                    credit=net,
                    tax_code_id=b.tax["S10"],
                    tax_amount=tax,
                    counterparty_id=customer,
                    department_id=dept,
                ),
                b.line("3240", credit=tax, department_id=dept),
            ],
            source="invoice",
        )
        collect_day = _end(end + dt.timedelta(days=1))
        b.add(
            collect_day,
            "売掛金入金",
            [
                b.line("1140", debit=gross, sub_account_id=b.bank_sub()),
                b.line("1220", credit=gross, counterparty_id=customer),
            ],
            source="bank",
        )


def _purchases(
    b: _Books,
    rng: random.Random,
    month: dt.date,
    season: float,
    suppliers: list[int],
    depts: dict[str, int],
) -> None:
    """Material purchases (paid at the end of the next month) and subcontracting."""
    end = _end(month)
    for supplier in rng.sample(suppliers, k=min(len(suppliers), 10)):
        gross = int(rng.uniform(1.5, 4.0) * season * 1_000_000) // 1100 * 1100
        day = month.replace(day=rng.randint(3, 25))
        b.add(
            day,
            "材料仕入",
            [
                *b.purchase("6120", gross, day, supplier, depts["D300"]),
                b.line("3120", credit=gross, counterparty_id=supplier),
            ],
            source="invoice",
        )
        b.add(
            _end(end + dt.timedelta(days=1)),
            "買掛金支払",
            [
                b.line("3120", debit=gross, counterparty_id=supplier),
                b.line("1140", credit=gross, sub_account_id=b.bank_sub()),
            ],
            source="bank",
        )
    for _ in range(3):
        gross = int(rng.uniform(0.6, 1.4) * 1_000_000) // 1100 * 1100
        supplier = rng.choice(suppliers)
        b.add(
            month.replace(day=20),
            "外注加工費",
            [
                *b.purchase("6150", gross, month.replace(day=20), supplier, depts["D300"]),
                b.line("1140", credit=gross, sub_account_id=b.bank_sub()),
            ],
            source="bank",
        )


def _payroll(b: _Books, month: dt.date) -> None:
    # Payroll on the 25th: gross pay, withholdings, net transfer; social insurance next month.
    payday = month.replace(day=25)
    salary, officers = 15_600_000, 2_400_000
    withholding = (salary + officers) * 4 // 100
    resident = (salary + officers) * 3 // 100
    social = (salary + officers) * 15 // 100
    net_pay = salary + officers - withholding - resident - social
    b.add(
        payday,
        "給与支給",
        [
            b.line("7120", debit=salary, tax_code_id=b.tax["NT"]),
            b.line("7110", debit=officers, tax_code_id=b.tax["NT"]),
            b.line("3210", credit=withholding, sub_account_id=b.sub[(b.acc["3210"], "01")]),
            b.line("3210", credit=resident, sub_account_id=b.sub[(b.acc["3210"], "02")]),
            b.line("3210", credit=social, sub_account_id=b.sub[(b.acc["3210"], "03")]),
            b.line("1140", credit=net_pay, sub_account_id=b.bank_sub()),
        ],
        source="payroll",
    )
    company_share = social + (salary + officers) // 100
    b.add(
        _end(month),
        "社会保険料納付",
        [
            b.line("3210", debit=social, sub_account_id=b.sub[(b.acc["3210"], "03")]),
            b.line("7160", debit=company_share, tax_code_id=b.tax["NT"]),
            b.line("1140", credit=social + company_share, sub_account_id=b.bank_sub()),
        ],
        source="payroll",
    )
    b.add(
        (month + dt.timedelta(days=40)).replace(day=10),
        "源泉所得税・住民税納付",
        [
            b.line("3210", debit=withholding, sub_account_id=b.sub[(b.acc["3210"], "01")]),
            b.line("3210", debit=resident, sub_account_id=b.sub[(b.acc["3210"], "02")]),
            b.line("1140", credit=withholding + resident, sub_account_id=b.bank_sub()),
        ],
        source="bank",
    )


def _fixed_costs(b: _Books, month: dt.date, depts: dict[str, int]) -> None:
    """Rent, monthly depreciation, loan repayment and interest."""
    end = _end(month)
    b.add(
        month.replace(day=27),
        "本社家賃",
        [
            b.line(
                "7330",
                debit=1_500_000,
                tax_code_id=b.tax["P10"],
                tax_amount=150_000,
                department_id=depts["D200"],
            ),
            b.line("1570", debit=150_000, department_id=depts["D200"]),
            b.line("1140", credit=1_650_000, sub_account_id=b.bank_sub()),
        ],
        source="bank",
    )
    b.add(
        end,
        "減価償却費(月次)",
        [
            b.line("7410", debit=980_000, tax_code_id=b.tax["OUT"]),
            b.line("2190", credit=980_000),
        ],
        source="asset",
    )
    b.add(
        end,
        "借入金返済・利息",
        [
            b.line("3310", debit=1_000_000),
            b.line("8210", debit=48_000, tax_code_id=b.tax["PNT"]),
            b.line("1140", credit=1_048_000, sub_account_id=b.bank_sub()),
        ],
        source="bank",
    )


def _bank_and_card(b: _Books, rng: random.Random, month: dt.date, depts: dict[str, int]) -> None:
    """Utilities and small expenses from the bank and the card, and the card's settlement."""
    end = _end(month)
    card_total = 0
    for text, code, feed, typical, per_month in BANK_EXPENSES:
        for _ in range(per_month):
            gross = max(110, int(typical * rng.uniform(0.7, 1.3)) // 10 * 10)
            day = month.replace(day=rng.randint(1, 28))
            spender: int | None = rng.choice([depts["D510"], depts["D520"], depts["D200"], None])
            booked = AMBIGUOUS[text] if text in AMBIGUOUS and rng.random() < 0.2 else code
            index = b.taxed_expense(day, text, booked, gross, feed, spender)
            b.bank_lines.append((index, feed, -gross, text))
            if feed == "card":
                card_total += gross
    settle = _end(end + dt.timedelta(days=1)).replace(day=10)
    index = b.add(
        settle,
        "法人カード引落",
        [
            b.line("3150", debit=card_total, sub_account_id=b.card_sub()),
            b.line("1140", credit=card_total, sub_account_id=b.bank_sub()),
        ],
        source="bank",
    )
    b.bank_lines.append((index, "bank", -card_total, "カ-ドヒキオトシ ミドリカード"))


def _income_taxes(b: _Books, end: dt.date) -> None:
    b.add(
        end,
        "法人税、住民税及び事業税(見積)",
        [
            b.line("9310", debit=14_800_000, tax_code_id=b.tax["OUT"]),
            b.line("3170", credit=14_800_000),
        ],
    )
    b.add(
        (end + dt.timedelta(days=40)).replace(day=31),
        "法人税等の納付",
        [
            b.line("3170", debit=14_800_000),
            b.line("1140", credit=14_800_000, sub_account_id=b.bank_sub()),
        ],
        source="bank",
    )


def _month(
    books: _Books,
    rng: random.Random,
    month: dt.date,
    customers: list[int],
    suppliers: list[int],
    depts: dict[str, int],
    year_end: bool,
    *,
    salaries: bool = True,
) -> None:
    b = books
    season = 1.0 + 0.12 * (month.month in (3, 9, 12)) - 0.08 * (month.month in (5, 8))
    _sales(b, rng, month, season, customers, depts)
    _purchases(b, rng, month, season, suppliers, depts)
    if salaries:  # else the payroll domain posts this month's salaries from its pay run
        _payroll(b, month)
    _fixed_costs(b, month, depts)
    _bank_and_card(b, rng, month, depts)
    if year_end:
        _income_taxes(b, _end(month))

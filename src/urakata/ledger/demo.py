"""Demo books for 株式会社みどり精工 (期首4月): the last full fiscal year and this year to date.

Sales on credit and their collection, material purchases and payments, subcontracting, monthly
payroll with withholdings and social insurance, rent, utilities and small expenses from the bank
and the corporate card (as confirmed statement lines, so the suggestion model has history),
depreciation, loan interest, and year-end income taxes. Last year's months are closed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from urakata.core.permissions import SYSTEM
from urakata.ledger import bank_import, cache, services
from urakata.ledger.bulk import BulkEntry, BulkLine, bulk_post
from urakata.ledger.chart import chart_ensure_seeded
from urakata.ledger.models import BankRule, BankTransaction, JournalEntry
from urakata.ledger.tax import deductible, rate_on
from urakata.ledger.validation import registered_counterparties
from urakata.org.models import Counterparty, Department

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
RULES = [
    ("振込手数料", "contains", "テスウリヨウ", "7380", "P10"),
    ("法人カード引落", "contains", "カ-ドヒキオトシ", "3150", None),
]


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


def _month(
    books: _Books,
    rng: random.Random,
    month: dt.date,
    customers: list[int],
    suppliers: list[int],
    depts: dict[str, int],
    year_end: bool,
) -> None:
    b = books
    end = _end(month)
    season = 1.0 + 0.12 * (month.month in (3, 9, 12)) - 0.08 * (month.month in (5, 8))
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
    if year_end:
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


def _tax_settlement(actor: Any, fiscal_year: int, today: dt.date) -> None:
    """The year's 消費税 settlement from the return's figures (百円未満切捨て, the rounding
    difference to 雑収入), then its payment two months later."""
    from urakata.ledger import tax_return

    first, last = cache.fiscal_year_bounds(fiscal_year)
    entry = tax_return.tax_settlement_post(actor=actor, from_period=first, to_period=last)
    payable = entry.lines.filter(account__code="3180").values_list("credit", flat=True).first()
    due = (entry.date + dt.timedelta(days=40)).replace(day=31)
    if payable and due <= today:
        services.journal_entry_post(
            actor=actor,
            date=due,
            description="消費税等の納付",
            lines=[
                {"account": "3180", "debit": payable},
                {"account": "1140", "sub_account": "01", "credit": payable},
            ],
            source="bank",
            tax_entry="none",
        )


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """Two fiscal years of books (last full year closed, this year to last month)."""
    actor = _system() if actor is None else actor  # the demo command runs as the system
    chart_ensure_seeded()
    cache.chart_cache_clear()
    feeds = {
        "bank": bank_import.bank_feed_create(
            actor=actor,
            name="普通預金 三菱UFJ銀行",
            account_code="1140",
            sub_account_code="01",
            preset="mufg",
        ),
        "card": bank_import.bank_feed_create(
            actor=actor,
            name="法人カード",
            account_code="3150",
            sub_account_code="01",
            preset="card",
        ),
    }
    chart = cache.chart(reload=True)
    for name, match, pattern, account, tax in RULES:
        BankRule.objects.create(
            name=name,
            match=match,
            pattern=pattern,
            account=chart.accounts_by_code[account],
            tax_code_id=chart.tax_by_code[tax].id if tax else None,
        )
    depts = dict(Department.objects.values_list("code", "pk"))
    customers = list(Counterparty.objects.filter(is_customer=True).values_list("pk", flat=True))
    suppliers = list(Counterparty.objects.filter(is_supplier=True).values_list("pk", flat=True))
    this_year = cache.fiscal_year_of(today)
    first_month, _ = cache.fiscal_year_bounds(this_year - 1)
    start = dt.date(first_month // 100, first_month % 100, 1)
    last_complete = today.replace(day=1) - dt.timedelta(days=1)
    books = _Books()
    _opening(books, start)
    months = _months(start, last_complete)
    for month in months:
        fy_end = cache.fiscal_year_bounds(cache.fiscal_year_of(month))[1]
        _month(
            books, rng, month, customers, suppliers, depts, month.year * 100 + month.month == fy_end
        )
    # nothing after today (payments scheduled next month for the last month stay unpaid)
    due = [e for e in books.entries if e.date <= today]
    entry_ids = bulk_post(actor=actor, entries=due)
    by_object = {id(source): pk for source, pk in zip(due, entry_ids, strict=True)}
    _statement_lines(books, feeds, by_object, today)
    _tax_settlement(_system(), this_year - 1, today)
    _closing_and_corrections(actor, this_year, today)
    accuracy = bank_import.suggestion_accuracy(holdout=0.2)
    suggested = bank_import.suggestions_refresh(actor=_system())
    return {
        "entries": JournalEntry.objects.count(),
        "bank_lines": BankTransaction.objects.count(),
        "suggestions": suggested,
        "suggestion_accuracy_holdout": accuracy,
    }


def _system() -> Any:
    return SYSTEM


def _statement_lines(
    books: _Books, feeds: dict[str, Any], by_object: dict[int, int], today: dt.date
) -> None:
    """Confirmed statement lines for every bank/card expense; last month's left to confirm."""
    cutoff = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rows = []
    for position, (index, feed, amount, text) in enumerate(books.bank_lines):
        source = books.entries[index]
        entry_id = by_object.get(id(source))
        if entry_id is None:
            continue
        pending = source.date >= cutoff and position % 2 == 0
        account_line = source.lines[0]
        rows.append(
            BankTransaction(
                feed=feeds[feed],
                date=source.date,
                description=text,
                amount=amount,
                fingerprint=f"demo-{entry_id}",
                status="new" if pending else "confirmed",
                account_id=None if pending else account_line.account_id,
                tax_code_id=None if pending else account_line.tax_code_id,
                department_id=None if pending else account_line.department_id,
                entry_id=None if pending else entry_id,
            )
        )
    BankTransaction.objects.bulk_create(rows, batch_size=1000)


def _closing_and_corrections(actor: Any, this_year: int, today: dt.date) -> None:
    """Close last year's months; show one correction (訂正削除履歴) in this year's books."""
    first, last = cache.fiscal_year_bounds(this_year - 1)
    period = first
    while period <= last:
        services.period_close(actor=actor, period=period)
        year, month = period // 100, period % 100
        period = (year + 1) * 100 + 1 if month == 12 else period + 1
    day = today.replace(day=1) - dt.timedelta(days=1)
    original = services.journal_entry_post(
        actor=actor,
        date=day,
        description="会議用弁当代",
        lines=[
            {"account": "7250", "debit": 16_200, "tax_code": "P08"},
            {"account": "1110", "credit": 16_200},
        ],
        tax_entry="inclusive",
    )
    services.journal_entry_correct(
        actor=actor,
        entry=original,
        reason="科目誤り(社内会議ではなく取引先との会食)",
        lines=[
            {"account": "7240", "debit": 16_200, "tax_code": "P08"},
            {"account": "1110", "credit": 16_200},
        ],
        tax_entry="inclusive",
    )

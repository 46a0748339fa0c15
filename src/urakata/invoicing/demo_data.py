"""Demo invoices: monthly invoices to the demo customers since the first open month (at most a
year back), with payments — on time, short by the transfer fee, partial, overdue — one credit
note, a few unmatched deposits on the statement for the matching page, and received invoices from
suppliers (one unregistered: 経過措置)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import jaconv

from urakata.core.permissions import SYSTEM
from urakata.invoicing import received, services
from urakata.invoicing.models import Invoice
from urakata.ledger import bank_import, cache
from urakata.ledger.services import period_is_closed
from urakata.org.models import Company, Counterparty

ITEMS = [
    ("精密部品 加工", "個", 1200, "S"),
    ("試作品 製作", "式", 180000, "S"),
    ("保守サービス 月額", "月", 55000, "S"),
    ("技術支援", "時間", 8500, "S"),
    ("会議用弁当", "個", 864, "AA"),
    ("梱包資材", "箱", 2300, "S"),
]
FEED = "普通預金 入金確認"
FEES = (440, 660, 880)


def _months(today: dt.date) -> list[dt.date]:
    """The 20th of each month from a year ago to last month, skipping closed months."""
    found = []
    for back in range(12, 0, -1):
        month_index = today.year * 12 + today.month - 1 - back
        day = dt.date(month_index // 12, month_index % 12 + 1, 20)
        if not period_is_closed(cache.period_of(day)):
            found.append(day)
    return found


def _lines(rng: random.Random) -> list[dict[str, Any]]:
    chosen = rng.sample(ITEMS, rng.randint(1, 3))
    return [
        {
            "description": name,
            "unit": unit,
            "unit_price": price,
            "tax_category": category,
            "quantity": str(rng.randint(1, 40) if unit in ("個", "時間", "箱") else 1),
        }
        for name, unit, price, category in chosen
    ]


def _issue(actor: Any, cp: Counterparty, day: dt.date, rng: random.Random) -> Invoice:
    invoice = services.invoice_create(
        actor=actor,
        data={
            "counterparty_id": cp.pk,
            "issue_date": day,
            "period_start": day.replace(day=1),
            "transaction_date": day,
            "due_date": (day.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
            - dt.timedelta(days=1),
            "subject": f"{day.month}月分",
            "lines": _lines(rng),
        },
    )
    return services.invoice_issue(actor=actor, invoice=invoice)


def _pay(actor: Any, invoice: Invoice, today: dt.date, rng: random.Random) -> None:
    assert invoice.due_date is not None
    pay_day = invoice.due_date - dt.timedelta(days=rng.randint(0, 5))
    if pay_day >= today or period_is_closed(cache.period_of(pay_day)):
        return
    invoice.refresh_from_db()
    due = invoice.open_amount
    roll = rng.random()
    if roll < 0.12 or due <= 0:
        return  # overdue: nothing came in
    if roll < 0.3:
        fee = rng.choice(FEES)
        allocations = [(invoice, due - fee, fee)]  # 振込手数料 deducted by the customer
    elif roll < 0.38:
        allocations = [(invoice, due // 2, 0)]  # partial
    else:
        allocations = [(invoice, due, 0)]
    services.payment_apply(actor=actor, date=pay_day, allocations=allocations)


def _statement(
    actor: Any, open_invoices: list[Invoice], today: dt.date, rng: random.Random
) -> None:
    """A few deposits not yet matched: the matching page proposes them."""
    rows, balance = [], 5_000_000
    day = today - dt.timedelta(days=2)
    for invoice in open_invoices[:4]:
        cp = invoice.counterparty
        assert cp is not None
        fee = rng.choice((0, 660))
        amount = invoice.open_amount - fee
        balance += amount
        payer = "ﾌﾘｺﾐ ｶ)" + jaconv.z2h(cp.name_kana, kana=True)
        rows.append(f"{day:%Y/%m/%d},{payer[:40]},{amount},,{balance}")
    if not rows or period_is_closed(cache.period_of(day)):
        return
    bank_import.bank_feed_create(actor=actor, name=FEED, account_code="1140", sub_account_code="01")
    data = "日付,摘要,入金,出金,残高\n" + "\n".join(rows) + "\n"
    bank_import.statement_import(actor=actor, feed_name=FEED, preset="generic", data=data.encode())


def _received(actor: Any, suppliers: list[Counterparty], today: dt.date) -> None:
    for index, cp in enumerate(suppliers[:4]):
        day = today - dt.timedelta(days=20 + index * 7)
        if period_is_closed(cache.period_of(day)):
            continue
        registration = cp.registration_number if index != 3 else ""
        item = received.received_create(
            actor=actor,
            data={
                "counterparty": cp,
                "issuer_name": cp.name,
                "registration_number": registration,
                "number": f"S-{day:%Y%m}-{index + 1:03d}",
                "issue_date": day,
                "due_date": day + dt.timedelta(days=30),
                "description": "材料仕入" if index % 2 == 0 else "外注加工",
                "expense_account": "6210" if index % 2 == 0 else "6230",
                "taxable_10": 100_000 * (index + 1),
                "tax_10": 10_000 * (index + 1),
            },
        )
        if index < 2:
            received.received_approve(actor=actor, received=item)


def _credit_note(actor: Any, invoice: Invoice) -> None:
    """適格返還請求書: a 10% discount for a quality problem on the first invoice."""
    note = services.credit_note_create(
        actor=actor,
        original=invoice,
        data={
            "issue_date": invoice.issue_date + dt.timedelta(days=7),
            "notes": "検品不良による値引",
            "lines": [
                {
                    "description": "値引(検品不良)",
                    "unit_price": max(1, invoice.subtotal // 10),
                    "tax_category": invoice.lines.all()[0].tax_category,
                }
            ],
        },
    )
    services.invoice_issue(actor=actor, invoice=note)


def seed_invoices(*, actor: Any, today: dt.date, rng: random.Random) -> None:
    actor = SYSTEM if actor is None else actor
    company = Company.objects.order_by("pk").first()
    customers = list(
        Counterparty.objects.filter(is_customer=True, is_active=True).order_by("code")[:5]
    )
    if company is None or not company.registration_number or not customers:
        return
    months = _months(today)
    invoices: list[Invoice] = []
    for day in months:
        for cp in customers:
            invoice = _issue(actor, cp, day, rng)
            if not invoices:
                _credit_note(actor, invoice)
            _pay(actor, invoice, today, rng)
            invoices.append(invoice)
    open_now = [
        i
        for i in Invoice.objects.filter(status=Invoice.Status.ISSUED, due_date__gte=today)
        .select_related("counterparty")
        .order_by("due_date")
    ]
    _statement(actor, open_now, today, rng)
    suppliers = list(
        Counterparty.objects.filter(is_supplier=True, is_active=True).order_by("code")[:4]
    )
    _received(actor, suppliers, today)
    _new_features(actor, customers, today)


def _new_features(actor: Any, customers: list[Counterparty], today: dt.date) -> None:
    """A 税込 invoice with a 値引き and a 送料, and two 定期請求 (one paused)."""
    from urakata.invoicing import recurring

    draft = services.invoice_create(
        actor=actor,
        data={
            "counterparty_id": customers[0].pk,
            "issue_date": today,
            "subject": "店頭販売分(税込)",
            "prices_include_tax": True,
            "lines": [
                {
                    "description": "贈答用菓子折り",
                    "quantity": "10",
                    "unit": "個",
                    "unit_price": 3240,
                    "tax_category": "AA",
                },
                {
                    "description": "包装資材",
                    "quantity": "5",
                    "unit": "式",
                    "unit_price": 1100,
                    "tax_category": "S",
                },
            ],
            "allowances": [
                {"reason": "まとめ買い値引き", "amount": 1080, "tax_category": "AA"},
                {"reason": "送料", "amount": 1100, "tax_category": "S", "is_charge": True},
            ],
        },
    )
    services.invoice_issue(actor=actor, invoice=draft)
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=5)
    for cp, subject, price, active in (
        (customers[0], "システム保守料", 50000, True),
        (customers[-1], "クラウド利用料", 12000, False),
    ):
        item = recurring.recurring_create(
            actor=actor,
            data={
                "counterparty_id": cp.pk,
                "subject": subject,
                "next_date": first,
                "lines": [{"description": subject, "unit": "月", "unit_price": price}],
            },
        )
        if not active:
            recurring.recurring_set_active(actor=actor, item=item, active=False)

"""Invoice writes: drafts, issue (numbering + journal), sending, credit notes and payments (消込).

Every function takes keyword-only arguments, checks the actor's capability, runs in one
transaction and records an audit event. An issued invoice is never edited: it is corrected by a
credit note (適格返還請求書). Journals are posted by the ledger's `journal_entry_post` with the
SYSTEM actor after the human's own capability was checked; the audit event names the human.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record, audit_record_many
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.japanese import invoice_registration_number_error
from urakata.core.permissions import SYSTEM, require
from urakata.invoicing.calc import RETURN_TAX_CODE, SALES_TAX_CODE, rate_totals, totals
from urakata.invoicing.models import (
    Invoice,
    InvoiceAllowance,
    InvoiceLine,
    InvoicePayment,
    InvoiceTaxTotal,
    NumberSequence,
)
from urakata.invoicing.validation import (
    Errors,
    add,
    clean_allowances,
    clean_header,
    clean_lines,
)
from urakata.ledger.models import JournalEntry
from urakata.ledger.services import journal_entry_post
from urakata.org.models import Company, Counterparty

RECEIVABLE = "1220"  # 売掛金
SALES = "5110"  # 売上高
EXPORT_SALES = "5130"  # 輸出売上高
SALES_RETURNS = "5140"  # 売上戻り高
BANK = "1140"  # 普通預金
FEE = "7380"  # 支払手数料
PREFIX = {
    Invoice.Kind.INVOICE: "INV",
    Invoice.Kind.SIMPLIFIED: "RCP",
    Invoice.Kind.CREDIT_NOTE: "CN",
}
OPEN_STATES = (Invoice.Status.ISSUED, Invoice.Status.SENT, Invoice.Status.PARTLY_PAID)


def _counterparty(errors: Errors, data: Mapping[str, Any]) -> Counterparty | None:
    raw = data.get("counterparty_id")
    if raw in (None, ""):
        return None
    try:
        return Counterparty.objects.get(pk=int(raw))
    except (Counterparty.DoesNotExist, TypeError, ValueError, OverflowError):
        add(errors, "counterparty_id", _("取引先がありません。"))
        return None


def _amounts(
    lines: list[dict[str, Any]], allowances: list[dict[str, Any]]
) -> list[tuple[str, int]]:
    """(category, signed amount) of every line, allowance (−) and charge (+)."""
    pairs = [(x["tax_category"], x["amount"]) for x in lines]
    pairs += [
        (a["tax_category"], a["amount"] if a["is_charge"] else -a["amount"]) for a in allowances
    ]
    return pairs


def _write_lines(
    invoice: Invoice, lines: list[dict[str, Any]], allowances: list[dict[str, Any]]
) -> None:
    """Replace the lines, allowances / charges and per-rate totals (one rounding per rate)."""
    invoice.lines.all().delete()
    invoice.allowances.all().delete()
    invoice.tax_totals.all().delete()
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, **line) for line in lines])
    InvoiceAllowance.objects.bulk_create(
        [InvoiceAllowance(invoice=invoice, **item) for item in allowances]
    )
    blocks = rate_totals(
        _amounts(lines, allowances), invoice.rounding, inclusive=invoice.prices_include_tax
    )
    InvoiceTaxTotal.objects.bulk_create(
        [
            InvoiceTaxTotal(invoice=invoice, tax_category=b.category, taxable=b.taxable, tax=b.tax)
            for b in blocks
        ]
    )
    invoice.subtotal, invoice.tax_total, invoice.total = totals(blocks)


def _check_amounts(
    errors: Errors,
    lines: list[dict[str, Any]],
    header: dict[str, Any],
    allowances: list[dict[str, Any]],
) -> None:
    pairs = _amounts(lines, allowances)
    for block in rate_totals(pairs, header["rounding"], inclusive=header["prices_include_tax"]):
        if block.taxable < 0:
            add(
                errors,
                "lines",
                _("%(rate)s%%対象の合計がマイナスです。値引きは返還請求書で行ってください。")
                % {"rate": block.percent},
            )


def invoice_create(
    *, actor: Any, data: Mapping[str, Any], original: Invoice | None = None
) -> Invoice:
    """Create a draft invoice (or credit note when `original` is given) from plain data."""
    require(actor, "invoicing.manage")
    errors: Errors = {}
    header = clean_header(errors, data)
    counterparty = _counterparty(errors, data)
    lines = clean_lines(errors, list(data.get("lines") or []))
    allowances = clean_allowances(errors, list(data.get("allowances") or []))
    if original is not None:
        header["kind"] = Invoice.Kind.CREDIT_NOTE
        counterparty = original.counterparty
        header["recipient_name"] = header["recipient_name"] or original.recipient_name
        if original.kind == Invoice.Kind.CREDIT_NOTE or original.status == Invoice.Status.DRAFT:
            add(errors, "original", _("発行済みの請求書にだけ返還請求書を作成できます。"))
    elif header["kind"] == Invoice.Kind.CREDIT_NOTE:
        add(errors, "kind", _("返還請求書は元の請求書から作成してください。"))
    if (
        header["kind"] == Invoice.Kind.INVOICE
        and counterparty is None
        and not header["recipient_name"]
    ):
        add(errors, "counterparty_id", _("適格請求書には宛先(取引先)が必要です。"))
    _check_amounts(errors, lines, header, allowances)
    if errors:
        raise ValidationFailed(
            _("請求書を保存できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        invoice = Invoice.objects.create(
            counterparty=counterparty,
            original=original,
            created_by=actor if getattr(actor, "pk", None) else None,
            **header,
        )
        if not invoice.recipient_name and counterparty is not None:
            invoice.recipient_name = counterparty.name
        _write_lines(invoice, lines, allowances)
        invoice.save()
        audit_record(
            actor=actor,
            action="invoicing.invoice.create",
            target=invoice,
            changes={"kind": invoice.kind, "total": invoice.total, "lines": len(lines)},
        )
    return invoice


def invoice_update(*, actor: Any, invoice: Invoice, data: Mapping[str, Any]) -> Invoice:
    """Change a draft: header and lines (an issued invoice is corrected by a credit note)."""
    require(actor, "invoicing.manage")
    errors: Errors = {}
    header = clean_header(errors, {"kind": invoice.kind, **data})
    counterparty = _counterparty(errors, data) if "counterparty_id" in data else None
    lines = clean_lines(errors, list(data.get("lines") or []))
    allowances = clean_allowances(errors, list(data.get("allowances") or []))
    _check_amounts(errors, lines, header, allowances)
    if errors:
        raise ValidationFailed(
            _("請求書を保存できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != Invoice.Status.DRAFT:
            raise Conflict(_("発行済みの請求書は変更できません。返還請求書で訂正してください。"))
        old_total = locked.total
        header.pop("kind")
        for key, value in header.items():
            setattr(locked, key, value)
        if counterparty is not None:
            locked.counterparty = counterparty
        _write_lines(locked, lines, allowances)
        locked.save()
        audit_record(
            actor=actor,
            action="invoicing.invoice.update",
            target=locked,
            changes={"total": [old_total, locked.total]},
        )
    return locked


def _next_number(kind: str, year: int) -> str:
    prefix = PREFIX[Invoice.Kind(kind)]
    NumberSequence.objects.get_or_create(prefix=prefix, year=year)
    seq = NumberSequence.objects.select_for_update().get(prefix=prefix, year=year)
    NumberSequence.objects.filter(pk=seq.pk).update(last_number=F("last_number") + 1)
    return f"{prefix}-{year}-{seq.last_number + 1:05d}"


def issuer_problems(company: Company | None) -> Errors:
    """What keeps the company from issuing a 適格請求書 (name and a valid 登録番号)."""
    errors: Errors = {}
    if company is None or not company.name:
        add(errors, "company", _("自社情報(会社名)を登録してください。"))
        return errors
    problem = invoice_registration_number_error(company.registration_number)
    if problem:
        add(errors, "registration_number", _("自社の登録番号: %(p)s") % {"p": problem})
    return errors


def journal_lines(invoice: Invoice) -> list[dict[str, Any]]:
    """The entry of an issued invoice: 売掛金 / 売上高 per rate (+ 仮受消費税等 by the ledger).

    A credit note reverses it: 売上戻り高 (返還 tax codes) / 売掛金.
    """
    credit_note = invoice.kind == Invoice.Kind.CREDIT_NOTE
    side, other = ("debit", "credit") if credit_note else ("credit", "debit")
    codes = RETURN_TAX_CODE if credit_note else SALES_TAX_CODE
    cp = invoice.counterparty_id
    lines: list[dict[str, Any]] = []
    for block in invoice.tax_totals.all():
        if block.taxable == 0 and block.tax == 0:
            continue
        account = (
            SALES_RETURNS if credit_note else (EXPORT_SALES if block.tax_category == "G" else SALES)
        )
        lines.append(
            {
                "account": account,
                side: block.taxable,
                "tax_code": codes[block.tax_category],
                "tax_amount": block.tax,
                "counterparty_id": cp,
                "memo": invoice.number,
            }
        )
    lines.append(
        {"account": RECEIVABLE, other: invoice.total, "counterparty_id": cp, "memo": invoice.number}
    )
    return lines


def invoice_issue(*, actor: Any, invoice: Invoice) -> Invoice:
    """Issue a draft: number it, post 売掛金 / 売上高 + 仮受消費税等, freeze it."""
    require(actor, "invoicing.manage")
    company = Company.objects.order_by("pk").first()
    errors = issuer_problems(company)
    if invoice.total <= 0:
        add(errors, "total", _("請求金額が0円以下の請求書は発行できません。"))
    if errors:
        raise ValidationFailed(_("請求書を発行できません。"), errors=errors)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != Invoice.Status.DRAFT:
            raise Conflict(_("この請求書はすでに発行されています。"))
        if locked.original_id is not None:
            original = Invoice.objects.select_for_update().get(pk=locked.original_id)
            if locked.total > original.open_amount:
                raise ValidationFailed(
                    _("返還額が元の請求書の未入金額を超えています。"),
                    errors={
                        "total": [
                            _("返還額は %(n)s 円以下です。") % {"n": f"{original.open_amount:,}"}
                        ]
                    },
                )
        locked.number = _next_number(locked.kind, locked.issue_date.year)
        locked.status = Invoice.Status.ISSUED
        locked.issued_at = timezone.now()
        entry = journal_entry_post(
            actor=SYSTEM,
            date=locked.issue_date,
            description=f"{locked.get_kind_display()} {locked.number} {locked.recipient_name}"[
                :200
            ],
            lines=journal_lines(locked),
            source=JournalEntry.Source.INVOICE,
            source_ref=locked.number,
            tax_entry="exclusive",
        )
        locked.journal_entry = entry
        locked.save()
        if locked.original_id is not None:
            _refresh_status(original)
        audit_record(
            actor=actor,
            action="invoicing.invoice.issue",
            target=locked,
            changes={
                "number": locked.number,
                "total": locked.total,
                "tax_total": locked.tax_total,
                "journal_entry": entry.pk,
            },
        )
    return locked


def _refresh_status(invoice: Invoice) -> None:
    """Paid / partly paid / credited from the payments and credit notes so far."""
    if invoice.kind == Invoice.Kind.CREDIT_NOTE or invoice.status == Invoice.Status.DRAFT:
        return
    invoice.__dict__.pop("_credited", None)
    credited = invoice.credited_amount
    if invoice.open_amount <= 0:
        paid = invoice.paid_amount > 0
        invoice.status = Invoice.Status.CREDITED if credited and not paid else Invoice.Status.PAID
    elif invoice.paid_amount > 0:
        invoice.status = Invoice.Status.PARTLY_PAID
    elif invoice.sent_at:
        invoice.status = Invoice.Status.SENT
    else:
        invoice.status = Invoice.Status.ISSUED
    invoice.save(update_fields=["status"])


def credit_note_create(*, actor: Any, original: Invoice, data: Mapping[str, Any]) -> Invoice:
    """A draft 適格返還請求書 against an issued invoice (issue it with `invoice_issue`)."""
    payload = dict(data)
    payload.setdefault("transaction_date", original.transaction_date)
    payload.setdefault("rounding", original.rounding)
    return invoice_create(actor=actor, data=payload, original=original)


def invoice_mark_sent(*, actor: Any, invoice: Invoice, to: str, channel: str = "email") -> Invoice:
    """Record that the invoice was sent (e-mail with the PDF, post, portal)."""
    require(actor, "invoicing.manage")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status == Invoice.Status.DRAFT:
            raise Conflict(_("下書きの請求書は送付できません。先に発行してください。"))
        locked.sent_at = timezone.now()
        locked.sent_to = to[:254]
        if locked.status == Invoice.Status.ISSUED:
            locked.status = Invoice.Status.SENT
        locked.save(update_fields=["sent_at", "sent_to", "status"])
        audit_record(
            actor=actor,
            action="invoicing.invoice.send",
            target=locked,
            changes={"to": locked.sent_to, "channel": channel},
        )
    return locked


def _check_allocations(allocations: Sequence[tuple[Invoice, int, int]]) -> None:
    errors: Errors = {}
    if not allocations:
        add(errors, "allocations", _("消し込む請求書を選んでください。"))
    for index, (_invoice, amount, fee) in enumerate(allocations):
        if amount < 0 or fee < 0 or amount + fee <= 0:
            add(errors, f"allocations.{index}", _("入金額・手数料は0以上で入力してください。"))
    if errors:
        raise ValidationFailed(_("入金を消し込めません。"), errors=errors)


def _clearing_lines(
    locked: dict[int, Invoice],
    allocations: Sequence[tuple[Invoice, int, int]],
    bank_account: str,
    bank_sub_account: str | None,
) -> list[dict[str, Any]]:
    """普通預金 (received) + 支払手数料 (fee, tax-inclusive) / 売掛金 per invoice (applied)."""
    received = sum(a for _i, a, _f in allocations)
    fees = sum(f for _i, _a, f in allocations)
    lines: list[dict[str, Any]] = []
    if received:
        bank_line: dict[str, Any] = {"account": bank_account, "debit": received}
        if bank_sub_account:
            bank_line["sub_account"] = bank_sub_account
        lines.append(bank_line)
    if fees:
        lines.append({"account": FEE, "debit": fees, "tax_code": "P10", "memo": _("振込手数料")})
    for index, (invoice, amount, fee) in enumerate(allocations):
        current = locked.get(invoice.pk)
        if current is None or current.status not in OPEN_STATES:
            raise Conflict(_("請求書 %(n)s は入金待ちではありません。") % {"n": invoice.number})
        if amount + fee > current.open_amount:
            message = _("%(n)s の未入金額 %(open)s 円を超えています。") % {
                "n": current.number,
                "open": f"{current.open_amount:,}",
            }
            raise ValidationFailed(
                _("入金を消し込めません。"), errors={f"allocations.{index}": [message]}
            )
        lines.append(
            {
                "account": RECEIVABLE,
                "credit": amount + fee,
                "counterparty_id": current.counterparty_id,
                "memo": current.number,
            }
        )
    return lines


def _record_payments(
    locked: dict[int, Invoice],
    allocations: Sequence[tuple[Invoice, int, int]],
    date: dt.date,
    entry: JournalEntry,
    bank_transaction: Any,
) -> list[InvoicePayment]:
    """The payment rows, the invoices' paid amounts and states, the statement line confirmed."""
    payments = []
    for invoice, amount, fee in allocations:
        current = locked[invoice.pk]
        payments.append(
            InvoicePayment.objects.create(
                invoice=current,
                date=date,
                amount=amount,
                fee=fee,
                bank_transaction=bank_transaction,
                journal_entry=entry,
            )
        )
        current.paid_amount += amount + fee
        current.save(update_fields=["paid_amount"])
        _refresh_status(current)
    if bank_transaction is not None:
        from urakata.ledger.models import BankTransaction

        BankTransaction.objects.filter(pk=bank_transaction.pk).update(
            status=BankTransaction.Status.CONFIRMED, entry=entry
        )
    return payments


def payment_apply(
    *,
    actor: Any,
    date: dt.date,
    allocations: Sequence[tuple[Invoice, int, int]],
    bank_account: str = BANK,
    bank_sub_account: str | None = None,
    bank_transaction: Any = None,
) -> list[InvoicePayment]:
    """Apply one receipt to invoices (消込): [(invoice, amount received, fee borne)].

    Posts 普通預金 (received) + 支払手数料 (fee, tax-inclusive) / 売掛金 (applied) in one entry.
    """
    require(actor, "invoicing.manage")
    _check_allocations(allocations)
    with transaction.atomic():
        ids = [inv.pk for inv, _a, _f in allocations]
        locked = {i.pk: i for i in Invoice.objects.select_for_update().filter(pk__in=ids)}
        lines = _clearing_lines(locked, allocations, bank_account, bank_sub_account)
        numbers = [locked[i].number for i in ids]
        source = (
            JournalEntry.Source.BANK
            if bank_transaction is not None
            else JournalEntry.Source.INVOICE
        )
        entry = journal_entry_post(
            actor=SYSTEM,
            date=date,
            description=_("入金消込 %(n)s") % {"n": ", ".join(numbers)[:150]},
            lines=lines,
            source=source,
            source_ref=",".join(numbers)[:100],
            tax_entry="inclusive",
        )
        unpaid = sorted(pk for pk, inv in locked.items() if inv.status != Invoice.Status.PAID)
        payments = _record_payments(locked, allocations, date, entry, bank_transaction)
        paid = [locked[pk] for pk in unpaid if locked[pk].status == Invoice.Status.PAID]
        audit_record_many(actor=actor, entries=[("invoicing.invoice.paid", i, {}) for i in paid])
        audit_record(
            actor=actor,
            action="invoicing.payment.apply",
            target=entry,
            changes={
                "invoices": numbers,
                "received": sum(a for _i, a, _f in allocations),
                "fees": sum(f for _i, _a, f in allocations),
                "bank_transaction": getattr(bank_transaction, "pk", None),
            },
        )
    return payments


def invoice_get_for_update(pk: int) -> Invoice:
    try:
        return Invoice.objects.get(pk=pk)
    except Invoice.DoesNotExist as exc:
        raise NotFound(_("請求書が見つかりません。")) from exc

"""Received invoices (受領請求書): JP PINT import or PDF/image upload, 登録番号 check, approval
with the purchase journal (経過措置 for unregistered issuers), payment scheduling, 電帳法 filing.

Payments and the document store are sibling domains built in parallel: they are called through
their contracts (`payments.services.payment_request_add`, `documents.services.
document_file_evidence`) only when those apps are installed.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.domains import hook_targets
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.files import stored_file_create
from urakata.core.japanese import invoice_registration_number_error, normalise_digits
from urakata.core.models import StoredFile
from urakata.core.permissions import SYSTEM, require
from urakata.invoicing.calc import PURCHASE_TAX_CODE, RATES
from urakata.invoicing.models import ReceivedInvoice, ReceivedTaxTotal
from urakata.invoicing.pint_read import pint_read
from urakata.invoicing.registry import RegistryAnswer, registry_enabled, registry_lookup
from urakata.invoicing.validation import Errors, add
from urakata.ledger.models import JournalEntry
from urakata.ledger.services import journal_entry_post
from urakata.org.models import Counterparty

PAYABLE = "3150"  # 未払金
INPUT_TAX_ACCOUNT = "1570"  # 仮払消費税等
CATEGORY_BY_PERCENT = {Decimal(10): "S", Decimal(8): "AA"}


def registration_check(number: str) -> tuple[str, bool, Counterparty | None, list[str]]:
    """(normalised number, registered?, counterparty with that number, problems).

    Format and check digit (facts.md §1.5, §8.1) and the counterparty master; the public
    registry (公表サイト) is asked by `_store` when configured (`registry.registry_lookup`).
    """
    value = normalise_digits(number or "")
    if not value:
        return "", False, None, [_("登録番号がありません(免税事業者等: 経過措置で仕入税額控除)。")]
    problem = invoice_registration_number_error(value)
    if problem:
        return value, False, None, [problem]
    counterparty = Counterparty.objects.filter(registration_number=value).first()
    return value, True, counterparty, []


def _registry_answer(
    number: str, well_formed: bool, issue_date: dt.date, problems: list[str]
) -> RegistryAnswer | None:
    """The public registry's answer (when configured, §5); 取消・失効・未登録 on the issue date
    adds a problem and the issuer is treated as unregistered (経過措置)."""
    if not well_formed or not registry_enabled():
        return None
    answer = registry_lookup(number)
    if answer.checked and not answer.registered_on_day(issue_date):
        problems.append(answer.message)
    return answer


def _store(
    *,
    actor: Any,
    data: dict[str, Any],
    totals: list[tuple[str, int, int]],
    source: str,
    stored_file: StoredFile | None = None,
    xml: str = "",
) -> ReceivedInvoice:
    number, registered, counterparty, problems = registration_check(
        data.get("registration_number", "")
    )
    registry = _registry_answer(number, registered, data["issue_date"], problems)
    if registry is not None and registry.checked:
        registered = registry.registered_on_day(data["issue_date"])
    if data.get("counterparty") is not None:
        counterparty = data["counterparty"]
    received = ReceivedInvoice.objects.create(
        counterparty=counterparty,
        issuer_name=(data.get("issuer_name") or (counterparty.name if counterparty else ""))[:200],
        registration_number=number[:14],
        registration_ok=registered,
        number=str(data.get("number") or "")[:60],
        issue_date=data["issue_date"],
        due_date=data.get("due_date"),
        description=str(data.get("description") or "")[:200],
        expense_account=str(data.get("expense_account") or "7290")[:10],
        subtotal=sum(t for _c, t, _x in totals),
        tax_total=sum(x for _c, _t, x in totals),
        total=sum(t + x for _c, t, x in totals),
        source=source,
        stored_file=stored_file,
        source_xml=xml,
    )
    ReceivedTaxTotal.objects.bulk_create(
        [
            ReceivedTaxTotal(received=received, tax_category=c, taxable=t, tax=x)
            for c, t, x in totals
        ]
    )
    audit_record(
        actor=actor,
        action="invoicing.received.create",
        target=received,
        changes={
            "source": source,
            "issuer": received.issuer_name,
            "registration_number": number,
            "registered": registered,
            "problems": problems,
            "registry": registry.as_dict() if registry else None,
            "total": received.total,
        },
    )
    _file_evidence(actor, received)
    fields = ("id", "counterparty_id", "number", "issue_date", "description", "subtotal")
    data = {f: getattr(received, f) for f in (*fields, "tax_total", "total", "source_xml")}
    for hook in hook_targets("invoicing.received_invoice_recorded").values():
        hook(actor=actor, received_invoice_data=data)  # facilities: three-way match
    return received


def _jpy_totals(doc: Any) -> list[tuple[str, int, int]]:
    """Per-rate (category, taxable, tax) in yen; a foreign-currency invoice uses its JPY tax
    (ibt-190) and the taxable amount that tax implies (tax ÷ rate)."""
    if doc.currency == "JPY":
        merged: dict[str, list[int]] = {}
        for sub in doc.subtotals:
            category = sub.category if sub.category in RATES else "E"
            pair = merged.setdefault(category, [0, 0])
            pair[0] += int(sub.taxable)
            pair[1] += int(sub.tax)
        return [(c, t, x) for c, (t, x) in merged.items()]
    result = []
    for sub in doc.tax_currency_subtotals:
        rate = sub.percent / 100
        taxable = int((sub.tax / rate).to_integral_value(rounding=ROUND_FLOOR)) if rate else 0
        result.append((sub.category if sub.category in RATES else "E", taxable, int(sub.tax)))
    return result


def received_import_pint(*, actor: Any, data: bytes) -> ReceivedInvoice:
    """Import a JP PINT invoice a supplier sent; any validation error refuses it (nothing saved)."""
    require(actor, "invoicing.manage")
    doc, problems, _warnings = pint_read(data)
    if doc is None or problems:
        raise ValidationFailed(
            _("JP PINT の請求書を取り込めません。"),
            errors={"file": [f"[{p.id}] {p.message} ({p.location})" for p in problems]},
        )
    if doc.kind != "invoice":
        raise ValidationFailed(
            _("JP PINT の請求書を取り込めません。"),
            errors={"file": [_("受領請求書として取り込めるのは請求書 (Invoice) だけです。")]},
        )
    assert doc.issue_date is not None
    with transaction.atomic():
        return _store(
            actor=actor,
            data={
                "issuer_name": doc.seller_name,
                "registration_number": doc.seller_tax_id,
                "number": doc.number,
                "issue_date": doc.issue_date,
                "due_date": doc.due_date,
                "description": (doc.lines[0].name if doc.lines else "")[:200],
            },
            totals=_jpy_totals(doc),
            source=ReceivedInvoice.Source.PINT,
            xml=data.decode("utf-8", errors="replace"),
        )


def received_create(*, actor: Any, data: dict[str, Any], upload: Any = None) -> ReceivedInvoice:
    """A received invoice typed in (with its PDF / image as evidence when uploaded)."""
    require(actor, "invoicing.manage")
    errors: Errors = {}
    issue_date = data.get("issue_date")
    if not isinstance(issue_date, dt.date):
        add(errors, "issue_date", _("発行日を入力してください。"))
    totals = []
    for category, suffix in (("S", "10"), ("AA", "8"), ("E", "exempt")):
        taxable = int(data.get(f"taxable_{suffix}") or 0)
        tax = int(data.get(f"tax_{suffix}") or 0)
        if taxable < 0 or tax < 0:
            add(errors, f"taxable_{suffix}", _("金額は0以上で入力してください。"))
        elif taxable or tax:
            totals.append((category, taxable, tax))
    if not totals:
        add(errors, "taxable_10", _("金額を入力してください。"))
    if not str(data.get("issuer_name") or "").strip():
        add(errors, "issuer_name", _("発行者を入力してください。"))
    stored = None
    if upload is None and data.get("evidence_token"):
        from urakata.invoicing.received_ocr import evidence_from_token

        stored = evidence_from_token(str(data["evidence_token"]))
        if stored is None:
            add(
                errors,
                "file",
                _("読み取ったファイルの期限が切れました。もう一度添付してください。"),
            )
    if errors:
        raise ValidationFailed(_("受領請求書を登録できません。"), errors=errors)
    with transaction.atomic():
        if upload is not None:
            stored = stored_file_create(
                actor=actor, upload=upload, purpose=StoredFile.Purpose.EVIDENCE
            )
        return _store(
            actor=actor,
            data=data,
            totals=totals,
            source=ReceivedInvoice.Source.PDF if stored else ReceivedInvoice.Source.MANUAL,
            stored_file=stored,
        )


def purchase_lines(
    received: ReceivedInvoice, booked: dict[str, list[int]] | None = None
) -> list[dict[str, Any]]:
    """費用 (per rate, purchase tax codes; 経過措置 codes when the issuer is not registered)
    / 未払金. The ledger splits the creditable part of the tax onto 仮払消費税等.

    `booked` ({"0.10": [net, tax]}): what the goods receipt already posted for this purchase
    (facilities, 固定資産 / 未払金); only the difference per rate is booked here — nothing when the
    invoice equals the receipt, a debit when it is higher, a credit when lower.
    """
    remaining = {key: list(pair) for key, pair in (booked or {}).items()}
    lines: list[dict[str, Any]] = []
    cp = received.counterparty_id
    blocks = [(b.tax_category, b.taxable, b.tax) for b in received.tax_totals.all()]
    for key in list(remaining):  # a rate the invoice does not carry
        if not any(f"{RATES[c]:.2f}" == key for c, _t, _x in blocks):
            blocks.append(("S" if key == "0.10" else "AA" if key == "0.08" else "E", 0, 0))
    for category, taxable, tax in blocks:
        before = remaining.pop(f"{RATES[category]:.2f}", [0, 0])
        taxable, tax = taxable - before[0], tax - before[1]
        code = PURCHASE_TAX_CODE[category]
        if not received.registration_ok and code in ("P10", "P08"):
            code += "U"
        side = "debit" if taxable >= 0 else "credit"
        line: dict[str, Any] = {
            "account": received.expense_account,
            side: abs(taxable),
            "tax_code": code,
            "counterparty_id": cp,
            "memo": received.number,
        }
        if not RATES[category]:
            line[side] += tax if side == "debit" else -tax
        elif taxable:
            line["tax_amount"] = abs(tax)
        elif tax:  # same net, a different tax (rounding): straight to 仮払消費税等
            line = {
                "account": INPUT_TAX_ACCOUNT,
                "debit" if tax > 0 else "credit": abs(tax),
                "counterparty_id": cp,
                "memo": received.number,
            }
        lines.append(line)
    already = sum(n + t for n, t in (booked or {}).values())
    payable = received.total - already
    lines.append(
        {
            "account": PAYABLE,
            "credit" if payable >= 0 else "debit": abs(payable),
            "counterparty_id": cp,
            "memo": received.number,
        }
    )
    return [x for x in lines if x.get("debit", 0) or x.get("credit", 0)]


def _booked_elsewhere(actor: Any, received: ReceivedInvoice) -> dict[str, Any] | None:
    """What another domain already posted for this purchase (facilities: the goods receipt of a
    capitalised item), through the hook `invoicing.received_invoice_booking`."""
    found: dict[str, Any] | None = None
    for hook in hook_targets("invoicing.received_invoice_booking").values():
        result = hook(actor=actor, received_invoice_id=received.pk)
        if result:
            found = result
    return found


DECIDABLE = (ReceivedInvoice.Status.RECEIVED, ReceivedInvoice.Status.SUBMITTED)


def received_approve(*, actor: Any, received: ReceivedInvoice) -> ReceivedInvoice:
    """Approve: post the purchase entry and schedule the payment by its due date."""
    require(actor, "invoicing.approve")
    if received.status != ReceivedInvoice.Status.RECEIVED:  # routed ones are decided there
        raise Conflict(_("この受領請求書は承認済みか差戻し済みです。"))
    return approve_now(actor=actor, received=received)


def approve_now(*, actor: Any, received: ReceivedInvoice) -> ReceivedInvoice:
    """The approval itself (the caller checked who may approve: capability or workflow step)."""
    with transaction.atomic():
        locked = ReceivedInvoice.objects.select_for_update().get(pk=received.pk)
        if locked.status not in DECIDABLE:
            raise Conflict(_("この受領請求書は承認済みか差戻し済みです。"))
        booked = _booked_elsewhere(actor, locked)
        lines = purchase_lines(locked, booked["booked"] if booked else None)
        if lines:
            entry = journal_entry_post(
                actor=SYSTEM,
                date=locked.issue_date,
                description=f"受領請求書 {locked.issuer_name} {locked.number}"[:200],
                lines=lines,
                source=JournalEntry.Source.INVOICE,
                source_ref=f"R{locked.pk}",
                tax_entry="exclusive",
            )
        else:  # the receipt's entry is the whole purchase: link it, book nothing more
            assert booked is not None
            entry = JournalEntry.objects.get(pk=booked["entry_ids"][0])
        locked.journal_entry = entry
        locked.status = ReceivedInvoice.Status.APPROVED
        locked.approved_by = actor if getattr(actor, "pk", None) else None
        scheduled = _schedule_payment(actor, locked)
        if scheduled:
            locked.status = ReceivedInvoice.Status.SCHEDULED
        locked.save()
        audit_record(
            actor=actor,
            action="invoicing.received.approve",
            target=locked,
            changes={
                "journal_entry": entry.pk,
                "scheduled": scheduled,
                "booked_at_receipt": booked,
            },
        )
    return locked


def received_reject(*, actor: Any, received: ReceivedInvoice, reason: str) -> ReceivedInvoice:
    require(actor, "invoicing.approve")
    with transaction.atomic():
        locked = ReceivedInvoice.objects.select_for_update().get(pk=received.pk)
        if locked.status != ReceivedInvoice.Status.RECEIVED:
            raise Conflict(_("この受領請求書は承認済みか差戻し済みです。"))
        locked.status = ReceivedInvoice.Status.REJECTED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="invoicing.received.reject",
            target=locked,
            changes={"reason": reason[:200]},
        )
    return locked


def _schedule_payment(actor: Any, received: ReceivedInvoice) -> bool:
    """Into a payment batch through the payments contract, when that domain is installed."""
    if not apps.is_installed("urakata.payments") or received.due_date is None:
        return False
    if received.counterparty_id is None:
        return False  # an issuer outside the 取引先 master has no payee account: paid by hand
    from urakata.payments.services import payment_request_add

    payment_request_add(
        actor=actor,
        source="invoicing",
        source_id=received.pk,
        payee_counterparty_id=received.counterparty_id,
        amount=received.total,
        due_date=received.due_date,
        description=f"{received.issuer_name} {received.number}"[:100],
        liability_account_code=PAYABLE,
    )
    return True


def _file_evidence(actor: Any, received: ReceivedInvoice) -> None:
    """The original (PDF / image) filed as 電帳法 evidence, when the document store is installed."""
    if not apps.is_installed("urakata.documents") or received.stored_file is None:
        return
    from urakata.documents.services import document_file_evidence

    document_file_evidence(
        actor=actor,
        stored_file=received.stored_file,
        doc_type="invoice",
        title=f"{received.issuer_name} {received.number}"[:200],
        transaction_date=received.issue_date,
        amount=received.total,
        counterparty_id=received.counterparty_id,
        registration_number=received.registration_number,
        related=("invoicing.received", received.pk),
    )


def payment_settled(*, actor: Any, source_id: int, paid_on: dt.date, batch_id: int) -> None:
    """`payments.settled` hook: the supplier was paid (payments posted the entry)."""
    with transaction.atomic():
        received = ReceivedInvoice.objects.select_for_update().filter(pk=source_id).first()
        if received is None or received.status == ReceivedInvoice.Status.PAID:
            return
        received.status = ReceivedInvoice.Status.PAID
        received.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="invoicing.received.paid",
            target=received,
            changes={"paid_on": paid_on, "batch_id": batch_id},
        )

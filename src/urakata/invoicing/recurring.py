"""Recurring invoices (月額の定期請求) and dunning reminders (督促) for overdue invoices.

Both run as periodic jobs (`invoicing.recurring` daily, `invoicing.dunning` on weekdays) with the
SYSTEM actor; each invoice they write goes through the invoice services and is audited.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.invoicing import services
from urakata.invoicing.models import Invoice, RecurringInvoice, Rounding
from urakata.invoicing.validation import Errors, add, clean_lines
from urakata.org.models import Counterparty

REMIND_EVERY = timedelta(days=7)


def _next_month(day: dt.date, day_of_month: int) -> dt.date:
    index = day.year * 12 + day.month  # the month after `day`
    return dt.date(index // 12, index % 12 + 1, min(day_of_month, 28))


def _clean(data: dict[str, Any]) -> tuple[list[dict[str, Any]], Counterparty, dt.date]:
    errors: Errors = {}
    lines = clean_lines(errors, list(data.get("lines") or []))
    counterparty = Counterparty.objects.filter(pk=data.get("counterparty_id") or 0).first()
    if counterparty is None:
        add(errors, "counterparty_id", _("取引先がありません。"))
    start = data.get("next_date")
    if not isinstance(start, dt.date) or start.day > 28:
        add(errors, "next_date", _("初回発行日は各月1〜28日の日付で入力してください。"))
    if str(data.get("rounding") or "floor") not in Rounding.values:
        add(errors, "rounding", _("端数処理は floor / half_up / ceiling のいずれかです。"))
    due_days = str(data.get("due_days") or "30")
    if not due_days.isdigit() or int(due_days) > 365:
        add(errors, "due_days", _("支払期限は0〜365日で入力してください。"))
    if errors:
        raise ValidationFailed(_("定期請求を登録できません。"), errors=errors)
    assert isinstance(start, dt.date) and counterparty is not None
    return lines, counterparty, start


def recurring_update(
    *, actor: Any, item: RecurringInvoice, data: dict[str, Any]
) -> RecurringInvoice:
    """Change a recurring invoice: customer, subject, lines, next issue date, due days."""
    require(actor, "invoicing.manage")
    lines, counterparty, start = _clean(data)
    with transaction.atomic():
        locked = RecurringInvoice.objects.select_for_update().get(pk=item.pk)
        old = {"next_date": locked.next_date, "lines": len(locked.lines)}
        locked.counterparty = counterparty
        locked.subject = str(data.get("subject") or "")[:200]
        locked.lines = [{**line, "quantity": str(line["quantity"])} for line in lines]
        locked.rounding = str(data.get("rounding") or "floor")
        locked.next_date = start
        locked.due_days = int(data.get("due_days") or 30)
        locked.save()
        audit_record(
            actor=actor,
            action="invoicing.recurring.update",
            target=locked,
            changes={"next_date": [old["next_date"], start], "lines": [old["lines"], len(lines)]},
        )
    return locked


def recurring_set_active(*, actor: Any, item: RecurringInvoice, active: bool) -> RecurringInvoice:
    """Pause (一時停止) or resume (再開) a recurring invoice; a resumed one restarts at its next
    date (missed months are caught up by the next run)."""
    require(actor, "invoicing.manage")
    with transaction.atomic():
        locked = RecurringInvoice.objects.select_for_update().get(pk=item.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                action="invoicing.recurring.resume" if active else "invoicing.recurring.pause",
                target=locked,
                changes={"is_active": [not active, active]},
            )
    return locked


def recurring_create(*, actor: Any, data: dict[str, Any]) -> RecurringInvoice:
    """A monthly invoice template: customer, lines, first issue date (day 1–28), due days."""
    require(actor, "invoicing.manage")
    lines, counterparty, start = _clean(data)
    with transaction.atomic():
        item = RecurringInvoice.objects.create(
            counterparty=counterparty,
            subject=str(data.get("subject") or "")[:200],
            lines=[{**line, "quantity": str(line["quantity"])} for line in lines],
            rounding=str(data.get("rounding") or "floor"),
            next_date=start,
            due_days=int(data.get("due_days") or 30),
        )
        audit_record(
            actor=actor,
            action="invoicing.recurring.create",
            target=item,
            changes={"counterparty": counterparty.pk, "next_date": start},
        )
    return item


def recurring_run(*, actor: Any, today: dt.date) -> list[Invoice]:
    """Issue every due recurring invoice (catching up missed months), each once."""
    require(actor, "invoicing.manage")
    issued = []
    for pk in RecurringInvoice.objects.filter(is_active=True, next_date__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            item = RecurringInvoice.objects.select_for_update().get(pk=pk)
            while item.is_active and item.next_date <= today:
                day = item.next_date
                invoice = services.invoice_create(
                    actor=actor,
                    data={
                        "counterparty_id": item.counterparty_id,
                        "issue_date": day,
                        "period_start": day.replace(day=1),
                        "transaction_date": day,
                        "due_date": day + timedelta(days=item.due_days),
                        "subject": item.subject or _("%(m)s月分") % {"m": day.month},
                        "rounding": item.rounding,
                        "lines": item.lines,
                    },
                )
                invoice.recurring = item
                invoice.save(update_fields=["recurring"])
                invoice = services.invoice_issue(actor=actor, invoice=invoice)
                issued.append(invoice)
                item.last_invoice = invoice
                item.next_date = _next_month(day, day.day)
            item.save(update_fields=["next_date", "last_invoice"])
    return issued


def dunning_send(*, actor: Any, today: dt.date) -> list[Invoice]:
    """E-mail a reminder (督促) for each overdue open invoice, at most once a week; logged."""
    require(actor, "invoicing.manage")
    now = timezone.now()
    reminded = []
    overdue = (
        Invoice.objects.filter(status__in=services.OPEN_STATES, due_date__lt=today)
        .exclude(kind=Invoice.Kind.CREDIT_NOTE)
        .select_related("counterparty")
    )
    for invoice in overdue:
        email = invoice.counterparty.email if invoice.counterparty else ""
        if not email or (invoice.reminded_at and now - invoice.reminded_at < REMIND_EVERY):
            continue
        if invoice.open_amount <= 0:
            continue
        with transaction.atomic():
            Invoice.objects.filter(pk=invoice.pk).update(reminded_at=now)
            audit_record(
                actor=actor,
                action="invoicing.invoice.remind",
                target=invoice,
                changes={
                    "to": email,
                    "open_amount": invoice.open_amount,
                    "due_date": invoice.due_date,
                },
            )
            EmailMessage(
                subject=_("【お支払いのお願い】請求書 %(n)s") % {"n": invoice.number},
                body=_(
                    "%(to)s 御中\n\n請求書 %(n)s(お支払期限 %(due)s)のご入金が確認できておりません。"
                    "未入金額 %(amount)s 円のお支払いをお願いいたします。行き違いの際はご容赦ください。"
                )
                % {
                    "to": invoice.recipient_name,
                    "n": invoice.number,
                    "due": invoice.due_date,
                    "amount": f"{invoice.open_amount:,}",
                },
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email],
            ).send()
        reminded.append(invoice)
    return reminded

"""Documents of an invoice: the PDF, the JP PINT XML, and sending it by e-mail (logged)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.invoicing import services
from urakata.invoicing.models import Invoice
from urakata.invoicing.pdf import TITLES, invoice_pdf
from urakata.invoicing.pint import invoice_xml
from urakata.org.models import Company


def company() -> Company | None:
    return Company.objects.order_by("pk").first()


def pdf_bytes(invoice: Invoice) -> bytes:
    return invoice_pdf(invoice, company())


def pint_bytes(invoice: Invoice) -> bytes:
    return invoice_xml(invoice, company())


def filename(invoice: Invoice, ext: str) -> str:
    return f"{invoice.number or f'draft-{invoice.pk}'}.{ext}"


def invoice_send(*, actor: Any, invoice: Invoice, to: str = "") -> Invoice:
    """E-mail the PDF (and the JP PINT XML) to the customer; the sending is audited."""
    require(actor, "invoicing.manage")
    address = (to or (invoice.counterparty.email if invoice.counterparty else "")).strip()
    if not address or "@" not in address or len(address) > 254:
        raise ValidationFailed(
            _("請求書を送付できません。"),
            errors={"to": [_("送付先のメールアドレスを入力してください。")]},
        )
    if invoice.status == Invoice.Status.DRAFT:
        raise ValidationFailed(
            _("請求書を送付できません。"), errors={"status": [_("先に発行してください。")]}
        )
    own = company()
    title = TITLES[Invoice.Kind(invoice.kind)]
    message = EmailMessage(
        subject=f"{title} {invoice.number} ({own.name if own else ''})",
        body=_(
            "%(to)s 御中\n\n%(title)s %(number)s をお送りします。ご確認のほどよろしくお願いいたします。\n\n%(company)s"
        )
        % {
            "to": invoice.recipient_name,
            "title": title,
            "number": invoice.number,
            "company": own.name if own else "",
        },
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    message.attach(filename(invoice, "pdf"), pdf_bytes(invoice), "application/pdf")
    message.attach(filename(invoice, "xml"), pint_bytes(invoice), "application/xml")
    sent = services.invoice_mark_sent(actor=actor, invoice=invoice, to=address)
    message.send()
    return sent

"""Sending a purchase order: the 発注書 PDF e-mailed to the vendor (after commit, logged) and
filed in the document store as 注文書 (電帳法: an order sent by e-mail is an 電子取引)."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.files import generated_file, stored_file_save
from urakata.core.permissions import require
from urakata.facilities.models import PurchaseOrder
from urakata.facilities.order_pdf import order_tax, purchase_order_pdf
from urakata.facilities.supplies import order_get
from urakata.org.selectors import company_get

log = logging.getLogger(__name__)


def order_pdf_get(*, actor: Any, order_id: int) -> tuple[PurchaseOrder, bytes]:
    """The 発注書 PDF of an order (総務)."""
    order = order_get(actor=actor, order_id=order_id)
    return order, purchase_order_pdf(order, company_get())


def _mail(order: PurchaseOrder, to: str, pdf: bytes, sender: str) -> None:
    company = company_get()
    name = company.name if company else "裏方"
    body = (
        f"{order.vendor.name} 御中\n\nいつもお世話になっております。{name}です。\n"
        f"添付の発注書({order.number})のとおり発注いたします。\n"
        f"納期: {order.due_on.isoformat() if order.due_on else '別途ご相談'}\n"
        f"納品先: {order.delivery_address}\n\nご確認のほどよろしくお願いいたします。\n{sender}"
    )
    message = EmailMessage(
        subject=f"[{name}] 発注書 {order.number}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach(f"{order.number}.pdf", pdf, "application/pdf")
    try:
        message.send(fail_silently=False)
        log.info("purchase order %s sent to %s", order.number, to)
    except Exception:  # a mail server being down must not undo the order; it can be re-sent
        log.exception("purchase order %s e-mail to %s failed", order.number, to)


def purchase_order_send(*, actor: Any, order_id: int, email: str = "") -> PurchaseOrder:
    """E-mail the 発注書 to the vendor (their master address unless `email` is given) and file
    the PDF as 注文書; each send files the PDF it sent (電子取引: what was sent is kept)."""
    require(actor, "facilities.manage_supplies")
    order, pdf = order_pdf_get(actor=actor, order_id=order_id)
    if order.status == PurchaseOrder.Status.CANCELLED:
        raise Conflict(_("取り消された発注は送付できません。"))
    to = (email or order.vendor.email or "").strip()
    if not to or "@" not in to or len(to) > 254:
        raise ValidationFailed(
            _("発注書を送付できません。"),
            errors={
                "email": [_("発注先のメールアドレスを入力してください(取引先マスタに未登録)。")]
            },
        )
    total = order.total + sum(r.tax for r in order_tax(list(order.lines.all())))
    with transaction.atomic():
        locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
        stored = stored_file_save(
            actor=actor,
            checked=generated_file(f"{order.number}.pdf", pdf, "application/pdf"),
            purpose="evidence",
        )
        if apps.is_installed("urakata.documents"):
            from urakata.documents.services import document_file_evidence

            document = document_file_evidence(
                actor=actor,
                stored_file=stored,
                doc_type="purchase_order",
                title=f"発注書 {order.number} {order.vendor.name}"[:200],
                transaction_date=order.ordered_on,
                amount=total,
                counterparty_id=order.vendor_id,
                related=("facilities.order", order.pk),
            )
            locked.document_id = document.pk
        old = locked.sent_at.isoformat() if locked.sent_at else None
        locked.sent_at, locked.sent_to = timezone.now(), to
        locked.save(update_fields=["sent_at", "sent_to", "document_id"])
        audit_record(
            actor=actor,
            action="facilities.order.send",
            target=locked,
            changes={
                "sent_at": [old, locked.sent_at.isoformat()],
                "to": [None, to],
                "document": [None, locked.document_id],
                "total_with_tax": total,
            },
        )
        sender = getattr(actor, "get_full_name", lambda: "")() or ""
        transaction.on_commit(lambda: _mail(locked, to, pdf, sender))
    return locked

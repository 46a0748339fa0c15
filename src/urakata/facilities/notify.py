"""Messages about visitors: the invitation with its QR code, the host's arrival notice (in-app,
e-mail, and a Slack/Teams incoming webhook when configured). Network calls run after commit."""

from __future__ import annotations

import io
import json
import logging
import urllib.request
from typing import Any

import qrcode
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from urakata.facilities.models import Visit
from urakata.org.selectors import company_get
from urakata.workflow.notifications import notify

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT = 5.0


def qr_png(payload: str) -> bytes:
    """A QR code image (PNG) of the payload."""
    image = qrcode.make(payload, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def send_invitation(visit: Visit) -> None:
    """The visitor's invitation: date, place, directions and the QR code to show at reception."""
    from urakata.facilities.visitors import qr_payload

    company = company_get()
    when = visit.visit_date.isoformat() + (
        f" {visit.expected_time:%H:%M}" if visit.expected_time else ""
    )
    body = (
        f"{visit.visitor_company} {visit.visitor_name} 様\n\n"
        f"ご来訪をお待ちしております。\n日時: {when}\n場所: {visit.place}\n"
        f"ご来訪先: {company.name if company else ''} {company.address if company else ''}\n"
        f"受付コード: {visit.code}\n\n受付で添付のQRコードをかざすか、受付コードを入力してください。"
    )
    message = EmailMessage(
        subject=f"[{company.name if company else '裏方'}] ご来訪のご案内 {when}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[visit.visitor_email],
    )
    message.attach(f"visit-{visit.code}.png", qr_png(qr_payload(visit)), "image/png")
    try:
        message.send(fail_silently=False)
    except Exception:  # a mail server being down must not undo the registration
        log.exception("invitation e-mail for visit %s failed", visit.pk)


def arrival_text(visit: Visit) -> str:
    party = f" ほか{visit.party_size - 1}名" if visit.party_size > 1 else ""
    return (
        f"来客: {visit.visitor_company} {visit.visitor_name} 様{party}が受付に到着しました"
        f"(入館証 {visit.badge_number}番)。"
    )


def host_arrival(visit: Visit) -> None:
    """Tell the host now: an in-app notice (and its e-mail), then the chat webhook after commit."""
    text = arrival_text(visit)
    notify(users=[visit.host], request=None, kind="visitor", message=text)
    url = settings.URAKATA_VISITOR_WEBHOOK_URL
    if url:
        host = visit.host.get_full_name() or visit.host.get_username()
        transaction.on_commit(lambda: webhook_post(url, f"{text} 担当: {host}"))


def webhook_body(text: str, kind: str) -> dict[str, Any]:
    """Slack incoming webhooks take {"text"}; Teams (Workflows/Office connectors) take a card."""
    if kind == "teams":
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
                    },
                }
            ],
            "text": text,
        }
    return {"text": text}


def webhook_post(url: str, text: str) -> bool:
    """POST the message; failures are logged, never raised (the check-in is already done)."""
    body = json.dumps(webhook_body(text, settings.URAKATA_VISITOR_WEBHOOK_KIND)).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is the administrator's setting)
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
            return 200 <= response.status < 300
    except Exception:
        log.exception("visitor webhook failed")
        return False

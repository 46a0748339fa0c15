"""入館証 (visitor badge) as a small PDF: visitor number, name, company, host, date."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict
from urakata.core.permissions import require
from urakata.facilities.models import Visit
from urakata.facilities.notify import qr_png
from urakata.facilities.visitors import qr_payload, visit_get

FONT = "HeiseiKakuGo-W5"  # a CID font PDF readers provide: nothing to embed


def visit_badge_pdf(*, actor: Any, visit_id: int) -> bytes:
    """The badge of a checked-in visitor (reception prints it); printing is an audit event."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    require(actor, "facilities.reception")
    visit = visit_get(actor=actor, visit_id=visit_id)
    if visit.status != Visit.Status.ARRIVED or visit.badge_number is None:
        raise Conflict(_("入館中の来客だけ入館証を発行できます。"))
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(91 * mm, 55 * mm))  # a business card
    page.setTitle(f"VISITOR {visit.badge_number}")
    page.setFont(FONT, 10)
    page.drawString(6 * mm, 47 * mm, "VISITOR / 来訪者")
    page.setFont(FONT, 26)
    page.drawString(6 * mm, 34 * mm, f"No. {visit.badge_number}")
    page.setFont(FONT, 11)
    page.drawString(6 * mm, 25 * mm, f"{visit.visitor_company}"[:30])
    page.drawString(6 * mm, 19 * mm, f"{visit.visitor_name} 様"[:30])
    host = visit.host.get_full_name() or visit.host.get_username()
    page.setFont(FONT, 8)
    page.drawString(6 * mm, 11 * mm, f"担当: {host}"[:40])
    page.drawString(6 * mm, 6 * mm, visit.visit_date.isoformat())
    page.drawImage(
        ImageReader(io.BytesIO(qr_png(qr_payload(visit)))), 66 * mm, 6 * mm, 20 * mm, 20 * mm
    )
    page.showPage()
    page.save()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="facilities.visit.badge",
            target=visit,
            changes={"badge_number": visit.badge_number},
        )
    return buffer.getvalue()

"""Test data for documents: small PDFs, DOCX, scans, and documents filed through the service."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.permissions import SYSTEM
from urakata.documents import services
from urakata.documents.models import Document


def pdf_bytes(text: str = "Quotation 2026", *, pages: int = 1) -> bytes:
    """A small valid PDF with a text layer (reportlab, Japanese CID font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for _page in range(pages):
        pdf.setFont("HeiseiKakuGo-W5", 12)
        for number, line in enumerate(text.splitlines() or [""]):
            pdf.drawString(72, 770 - 16 * number, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_bytes(*, dpi: int = 300, mode: str = "RGB", fmt: str = "PNG") -> bytes:
    """A small scan image with the given resolution and colour mode."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, (40, 30), color=200 if mode in ("L", "1") else (200, 180, 160)).save(
        buffer, format=fmt, dpi=(dpi, dpi)
    )
    return buffer.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name: str = "doc.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content)


def file_document(
    *,
    actor: Any = SYSTEM,
    title: str = "見積書",
    doc_type: str = "quotation",
    day: dt.date | None = dt.date(2026, 5, 10),
    amount: int | None = 110_000,
    counterparty_id: int | None = None,
    content: bytes | None = None,
    name: str = "doc.pdf",
    **extra: Any,
) -> Document:
    keys = services.DocumentKeys(
        title=title,
        doc_type=doc_type,
        transaction_date=day,
        amount=amount,
        counterparty_id=counterparty_id,
        **extra,
    )
    return services.document_upload(actor=actor, upload=upload(name, content), keys=keys)

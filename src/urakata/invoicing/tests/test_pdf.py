"""The invoice PDF: embedded Japanese font, and every 適格請求書 field (facts.md §1.1) extractable."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from urakata.core.permissions import SYSTEM
from urakata.invoicing import delivery, services
from urakata.invoicing.tests.factories import issued

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    found = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            obj = font.get_object()
            descriptor = obj.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                found.add(str(obj["/BaseFont"]))
    return found


def test_every_qualified_invoice_field_is_in_the_pdf() -> None:
    invoice = issued()
    data = delivery.pdf_bytes(invoice)
    assert data.startswith(b"%PDF")
    text = _text(data)
    compact = "".join(text.split())
    # ① issuer and 登録番号
    assert "株式会社裏方テスト" in text and "T7123456789012" in text
    # ② 取引年月日
    assert "取引年月日" in compact and "2026年5月15日" in compact
    # ③ items, reduced-rate items marked, and the note saying what the mark means
    for item in ("コンサルティング", "保守", "資料"):
        assert item in text
    assert "弁当※" in compact and "お茶※" in compact and "コンサルティング※" not in compact
    assert "※印は軽減税率(8%)対象" in compact
    # ④ ⑤ per-rate totals and tax with the rate
    assert "10%対象¥4,146¥414" in compact
    assert "8%対象(軽減税率)¥2,110¥168" in compact
    assert "¥6,838" in compact
    # ⑥ recipient
    assert "株式会社山田商事御中" in compact
    # layout items an accountant looks for
    assert "請求書" in text and "振込先" in text and "請求書番号INV-2026-00001" in compact
    # the Japanese font is embedded (a TrueType subset), not left to the reader
    assert _fonts(data)


def test_credit_note_pdf_names_the_original_sale() -> None:
    invoice = issued()
    note = services.credit_note_create(
        actor=SYSTEM,
        original=invoice,
        data={
            "issue_date": dt.date(2026, 5, 25),
            "lines": [{"description": "値引", "unit_price": 1000}],
        },
    )
    note = services.invoice_issue(actor=SYSTEM, invoice=note)
    compact = "".join(_text(delivery.pdf_bytes(note)).split())
    assert "適格返還請求書" in compact and "T7123456789012" in compact
    assert "返還等の年月日2026年5月25日" in compact
    assert "元の取引年月日2026年5月15日" in compact and invoice.number in compact
    assert "10%対象¥1,000¥100" in compact

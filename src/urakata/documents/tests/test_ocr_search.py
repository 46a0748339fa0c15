"""The OCR path: a scanned page with Japanese text and no text layer (a 300 dpi PNG, and the same
page as an image-only PDF), rendered with Pillow and Noto CJK → real Tesseract (jpn) →
indexed → found by the full-text search with a highlighted snippet."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from urakata.core.permissions import SYSTEM
from urakata.documents import selectors
from urakata.documents.models import Capture, Document
from urakata.documents.tests.factories import file_document

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed"),
]
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LINES = ("御見積書", "株式会社国税商事 御中", "耐震補強工事 一式", "合計金額 1,250,000円")


def _page() -> Image.Image:
    """A colour scan at 300 dpi: black text on a slightly warm white, 14 × 6 cm."""
    font = ImageFont.truetype(FONT, 56, index=0)  # about 13 pt at 300 dpi
    image = Image.new("RGB", (1654, 720), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(LINES):
        draw.text((90, 70 + number * 150), line, font=font, fill=(20, 20, 20))
    return image


def _png() -> bytes:
    buffer = io.BytesIO()
    _page().save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


def _image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    _page().save(buffer, "PDF", resolution=300.0)
    data = buffer.getvalue()
    assert PdfReader(io.BytesIO(data)).pages[0].extract_text().strip() == ""  # no text layer
    return data


@pytest.mark.parametrize(("name", "content"), [("scan.png", _png), ("scan.pdf", _image_only_pdf)])
def test_scanned_japanese_text_is_ocr_indexed_and_found(name: str, content: object) -> None:
    document = file_document(
        title="見積(スキャン)",
        doc_type="quotation",
        capture=Capture.SCAN,
        content=content(),  # type: ignore[operator]
        name=name,
    )
    version = document.versions.get()
    assert version.text_source == "ocr" and version.scan_dpi == 300
    text = version.text.replace(" ", "")
    # Tesseract reads this page well but not perfectly (it has read 耐震 as 耐岩), so the test
    # searches words it reads reliably at this size; OCR accuracy is core.ocr's benchmark.
    assert "補強工事" in text and "国税商事" in text
    other = file_document(title="別の見積", content=None)
    result = selectors.document_search(
        actor=SYSTEM, filters=selectors.document_filters({"q": "補強工事"})
    )
    assert [d.pk for d in result.documents] == [document.pk]
    assert other.pk not in result.scores
    snippet = str(result.snippets[document.pk])
    assert "<mark>補強</mark>" in snippet or "<mark>補強工事</mark>" in snippet
    assert Document.objects.get(pk=document.pk).term_count > 0

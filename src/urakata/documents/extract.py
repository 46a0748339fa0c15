"""What a document's file says: text (PDF text layer, DOCX, XLSX, plain text; OCR when there is no
text layer), and whether a PDF opens and a scan meets the スキャナ保存 reading requirements."""

from __future__ import annotations

import io
import logging
import shutil
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_TEXT = 200_000  # characters kept per version: enough for any contract
SCAN_MIN_DPI = 200  # 解像度 200dpi 相当以上 (規則2条6項2号, facts.md §2.2)
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGES = frozenset({"image/jpeg", "image/png"})


@dataclass(frozen=True)
class ScanInfo:
    """What a scan measured: its lowest resolution (dpi) and colour mode ("colour" | "gray" | …)."""

    dpi: int | None
    colour: str


def pdf_problem(content: bytes) -> str | None:
    """A message when a PDF cannot be kept readable (見読性): encrypted or broken; else None."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return _(
                "暗号化(パスワード保護)された PDF は保存できません。見読性を保つため、"
                "保護を解除してからアップロードしてください。"
            )
        if len(reader.pages) < 1:
            return _("PDF にページがありません。")
        reader.pages[0].extract_text()
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        logger.info("unreadable PDF: %s", error)
        return _("PDF が壊れているため読み込めません。元のファイルを確認してください。")
    return None


def extract_text(content: bytes, content_type: str) -> tuple[str, str]:
    """(text, source) of a file; source is pdf | docx | xlsx | text | ocr | "" (none found)."""
    try:
        if content_type == PDF:
            text = _pdf_text(content)
            if text.strip():
                return text[:MAX_TEXT], "pdf"
            return _ocr_pdf(content)[:MAX_TEXT], "ocr" if _ocr_available() else ""
        if content_type == DOCX:
            return _docx_text(content)[:MAX_TEXT], "docx"
        if content_type == XLSX:
            return _xlsx_text(content)[:MAX_TEXT], "xlsx"
        if content_type.startswith("text/"):
            return _decode(content)[:MAX_TEXT], "text"
        if content_type in IMAGES and _ocr_available():
            return _ocr_image(content)[:MAX_TEXT], "ocr"
    except Exception as error:  # a file we cannot read is still stored; its text is empty
        logger.info("text extraction failed (%s): %s", content_type, error)
    return "", ""


def _decode(content: bytes) -> str:
    for encoding in ("utf-8", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("utf-8", "replace")


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content), strict=False)
    return "\n".join((page.extract_text() or "") for page in reader.pages[:200])


def _docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    parts: list[str] = []
    for sheet in book.worksheets:
        parts.append(str(sheet.title))
        for row in sheet.iter_rows(values_only=True):
            cells = [str(v) for v in row if v is not None]
            if cells:
                parts.append("\t".join(cells))
    book.close()
    return "\n".join(parts)


def _ocr_available() -> bool:
    return shutil.which("tesseract") is not None


def _ocr_image(content: bytes) -> str:
    import pytesseract
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        return str(pytesseract.image_to_string(image, lang="jpn+eng", timeout=60))


def _ocr_pdf(content: bytes) -> str:
    """OCR of the images of a PDF without a text layer (the first 10 pages)."""
    if not _ocr_available():
        return ""
    import pytesseract
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content), strict=False)
    parts = []
    for page in reader.pages[:10]:
        for picture in page.images:
            parts.append(
                str(pytesseract.image_to_string(picture.image, lang="jpn+eng", timeout=60))
            )
    return "\n".join(parts)


def scan_measure(content: bytes, content_type: str) -> ScanInfo:
    """The resolution and colour of a scanned image or of the images in a scanned PDF."""
    from PIL import Image

    if content_type in IMAGES:
        with Image.open(io.BytesIO(content)) as image:
            dpi = image.info.get("dpi")
            value = round(min(float(dpi[0]), float(dpi[1]))) if dpi else None
            return ScanInfo(value, _colour(image.mode))
    if content_type == PDF:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content), strict=False)
        lowest: int | None = None
        colour = ""
        for page in reader.pages[:20]:
            width_inches = float(page.mediabox.width) / 72.0
            for picture in page.images:
                found: Any = picture.image
                if found is None or width_inches <= 0:
                    continue
                dpi = int(found.width / width_inches)
                lowest = dpi if lowest is None else min(lowest, dpi)
                colour = colour if colour == "gray" else _colour(found.mode)
        return ScanInfo(lowest, colour)
    return ScanInfo(None, "")


def _colour(mode: str) -> str:
    if mode in ("RGB", "RGBA", "CMYK", "YCbCr", "P"):
        return "colour"
    if mode in ("L", "LA", "I;16"):
        return "gray"
    return "mono" if mode == "1" else mode.lower()


def scan_problems(info: ScanInfo, *, doc_type: str, important: bool) -> list[str]:
    """The スキャナ保存 reading requirements a scan misses (facts.md §2.2): 200 dpi or more, and
    colour (24 bit) for 重要書類; grayscale is allowed for 一般書類 such as 見積書・注文書."""
    problems = []
    if info.dpi is None:
        problems.append(
            _(
                "スキャン画像の解像度が読み取れません。200dpi 以上で読み取った JPEG・PNG・PDF を"
                "アップロードしてください。"
            )
        )
    elif info.dpi < SCAN_MIN_DPI:
        problems.append(
            _(
                "スキャンの解像度が %(dpi)s dpi です。電子帳簿保存法のスキャナ保存では 200dpi"
                " 以上が必要です。読み取り設定を変えてもう一度スキャンしてください。"
            )
            % {"dpi": info.dpi}
        )
    if info.colour == "mono" or (important and info.colour == "gray"):
        problems.append(
            _(
                "スキャンがカラーではありません(%(mode)s)。契約書・領収書・請求書・納品書などの"
                "重要書類はカラー(RGB 各256階調以上)で読み取ってください。"
            )
            % {"mode": _("白黒") if info.colour == "mono" else _("グレースケール")}
        )
    return problems

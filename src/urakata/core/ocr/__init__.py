"""Receipt OCR (領収書の読み取り) shared by expenses and invoicing.

`receipt_read(data, content_type=...)` cleans the image up (`image.clean`: scale, even light,
denoise, deskew, threshold), runs Tesseract (jpn+eng) through pytesseract, and extracts the
fields (`parse`): 日付, 合計, 消費税 per rate, 登録番号 and payee, each with a confidence 0..1.
A PDF with a text layer is read from its text; a PDF of a scan is not rasterised (no renderer is
installed) and comes back empty with a note. Nothing here raises for bad input: the reading
carries `error` instead, so a caller can show it next to the upload.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from urakata.core.ocr import parse

FIELDS = ("date", "total", "tax", "registration_number", "payee")
LANGUAGES = "jpn+eng"
TESSERACT_CONFIG = "--psm 6 -c preserve_interword_spaces=1"


@dataclass
class ReceiptReading:
    """What OCR found on a receipt; None for a field not found."""

    date: dt.date | None = None
    total: int | None = None
    tax: dict[str, int | None] = field(default_factory=lambda: {"10": None, "8": None})
    registration_number: str | None = None
    payee: str | None = None
    confidence: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0.0))
    text: str = ""
    error: str = ""
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The shape of `urakata ocr receipt IMAGE --json` (issue 12 §8)."""
        return {
            "date": self.date.isoformat() if self.date else None,
            "total": self.total,
            "tax": dict(self.tax),
            "registration_number": self.registration_number,
            "payee": self.payee,
            "confidence": dict(self.confidence),
        }


def engine_available() -> bool:
    """True when OCR is on (`URAKATA_OCR` is not "off") and the tesseract binary is installed."""
    from django.conf import settings

    if getattr(settings, "URAKATA_OCR", "tesseract") == "off":
        return False
    return shutil.which("tesseract") is not None


def read_lines(lines: list[parse.Line]) -> ReceiptReading:
    """Fields from OCR lines (or a PDF's text lines)."""
    lines = [parse.Line(parse.normalise(ln.text), ln.confidence) for ln in lines]
    lines = [ln for ln in lines if ln.text]
    reading = ReceiptReading(text="\n".join(ln.text for ln in lines))
    reading.date, date_conf = parse.find_date(lines)
    reading.tax, base, tax_conf = parse.find_taxes(lines)
    reading.total, total_conf = parse.find_total(lines, base)
    parse.complete_taxes(reading.tax, base, reading.total)
    reading.registration_number, reg_conf = parse.find_registration(lines)
    reading.payee, payee_conf = parse.find_payee(lines)
    reading.confidence = {
        "date": date_conf,
        "total": total_conf,
        "tax": tax_conf,
        "registration_number": reg_conf,
        "payee": payee_conf,
    }
    return reading


def _tesseract_lines(pixels: Any) -> list[parse.Line]:
    import pytesseract

    data = pytesseract.image_to_data(
        pixels, lang=LANGUAGES, config=TESSERACT_CONFIG, output_type=pytesseract.Output.DICT
    )
    grouped: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for i, word in enumerate(data["text"]):
        if not str(word).strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        grouped.setdefault(key, []).append((str(word), float(data["conf"][i])))
    lines = []
    for words in grouped.values():
        confs = [max(0.0, c) for _, c in words]
        lines.append(parse.Line(" ".join(w for w, _ in words), sum(confs) / len(confs) / 100))
    return lines


SCALAR_FIELDS = ("date", "total", "registration_number", "payee")
DOUBT = 0.5


def _doubtful(reading: ReceiptReading) -> bool:
    """A field missing or read with little confidence: worth a second look."""
    return any(
        getattr(reading, name) is None or reading.confidence[name] < DOUBT for name in SCALAR_FIELDS
    )


def _merged(first: ReceiptReading, second: ReceiptReading) -> ReceiptReading:
    """Per field, the reading with the higher confidence (the first wins ties)."""
    for name in SCALAR_FIELDS:
        if second.confidence[name] > first.confidence[name]:
            setattr(first, name, getattr(second, name))
            first.confidence[name] = second.confidence[name]
    if second.confidence["tax"] > first.confidence["tax"]:
        first.tax, first.confidence["tax"] = second.tax, second.confidence["tax"]
    first.text = f"{first.text}\n---\n{second.text}"
    return first


def _pdf_lines(data: bytes) -> list[parse.Line]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join((page.extract_text() or "") for page in reader.pages[:3])
    return [parse.Line(t, 1.0) for t in text.splitlines() if t.strip()]


def receipt_read(data: bytes, *, content_type: str) -> ReceiptReading:
    """Read a receipt (JPEG/PNG/HEIC image or PDF); never raises for bad input."""
    started = time.perf_counter()
    if content_type == "application/pdf":
        try:
            lines = _pdf_lines(data)
        except Exception:  # pypdf raises many types for damaged files
            return ReceiptReading(error=_("PDF を読み取れません。"))
        if not lines:
            return ReceiptReading(
                error=_("PDF に文字がありません(スキャンした PDF です)。画像で撮り直してください。")
            )
        reading = read_lines(lines)
    else:
        if not engine_available():
            return ReceiptReading(error=_("OCR エンジン(Tesseract)が使えません。"))
        from urakata.core.ocr import image

        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        try:
            binary, even = image.clean_pair(image.decode(data))
        except image.ImageUnreadable:
            return ReceiptReading(error=_("画像として読み取れないファイルです。"))
        reading = read_lines(_tesseract_lines(binary))
        if _doubtful(reading):
            reading = _merged(reading, read_lines(_tesseract_lines(image.enlarged(even))))
    reading.seconds = round(time.perf_counter() - started, 3)
    return reading

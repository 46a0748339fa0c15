"""Receipt OCR with the real Tesseract on receipts the test renders (clean and degraded)."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from urakata.core.ocr import receipt_read
from urakata.core.ocr.synth import DEGRADATIONS, receipt_set

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def _right_fields(receipts: list) -> tuple[int, int]:
    right = total = 0
    for receipt in receipts:
        got = receipt_read(receipt.data, content_type=receipt.content_type).as_json()
        want = receipt.truth.as_dict()
        for name in ("date", "total", "registration_number", "payee"):
            right += got[name] == want[name]
            total += 1
        for rate in ("10", "8"):
            right += got["tax"][rate] == want["tax"][rate]
            total += 1
    return right, total


def test_clean_held_out_receipts_are_read() -> None:
    """Layouts and payees the reader was not tuned on (a seed of its own, not the benchmark's)."""
    right, total = _right_fields(receipt_set("heldout", 3, seed=7))
    assert right / total >= 0.8, (right, total)


def test_degraded_receipts_are_read() -> None:
    receipts = receipt_set("dev", len(DEGRADATIONS), seed=7, degraded=True)
    assert {r.degradation for r in receipts} == set(DEGRADATIONS)
    right, total = _right_fields(receipts)
    assert right / total >= 0.75, (right, total)


def test_heic_photo_is_read() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    from PIL import Image

    pillow_heif.register_heif_opener()
    receipt = receipt_set("dev", 1, seed=5)[0]
    buffer = io.BytesIO()
    Image.open(io.BytesIO(receipt.data)).convert("RGB").save(buffer, "HEIF", quality=90)
    reading = receipt_read(buffer.getvalue(), content_type="image/heic")
    assert not reading.error
    assert reading.total == receipt.truth.total


def test_not_an_image_gives_a_message() -> None:
    reading = receipt_read(b"hello, this is text", content_type="image/png")
    assert reading.error and reading.total is None


def test_pdf_without_text_gives_a_message() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    reading = receipt_read(buffer.getvalue(), content_type="application/pdf")
    assert "PDF" in reading.error


def test_cli_prints_the_issue_json(tmp_path) -> None:
    receipt = receipt_set("dev", 1, seed=3)[0]
    path = tmp_path / "receipt.png"
    path.write_bytes(receipt.data)
    out = io.StringIO()
    call_command("ocr", "receipt", str(path), "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert set(body) == {"date", "total", "tax", "registration_number", "payee", "confidence"}
    assert body["total"] == receipt.truth.total
    assert set(body["tax"]) == {"10", "8"}
    with pytest.raises(CommandError):
        call_command("ocr", "receipt", str(tmp_path / "missing.png"))

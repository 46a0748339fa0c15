"""Real sample files for upload tests: made by the libraries that make them in real life."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile


def png_bytes(color: str = "red") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes(text: str = "receipt") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("見積書")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["品目", "金額"])  # type: ignore[union-attr]
    book.save(buffer)
    return buffer.getvalue()


def elf_bytes() -> bytes:
    """A real program of this machine (the ELF binary of `true`)."""
    path = shutil.which("true") or "/bin/true"
    return Path(path).read_bytes()


HTML = b"<!DOCTYPE html>\n<html><head><script>alert(1)</script></head><body>x</body></html>\n"
TEXT = "これはテキストです。\nplain text, not an image\n".encode()


BAD_CASES = ("text renamed .png", "html", "elf binary", "random 10 MB .bin", "empty")


def bad_upload(case: str) -> tuple[str, bytes]:
    """(file name, content) of an upload that must be refused everywhere."""
    return {
        "text renamed .png": lambda: ("photo.png", TEXT),
        "html": lambda: ("page.html", HTML),
        "elf binary": lambda: ("tool.png", elf_bytes()),
        "random 10 MB .bin": lambda: ("data.bin", os.urandom(10 * 1024 * 1024)),
        "empty": lambda: ("empty.pdf", b""),
    }[case]()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")

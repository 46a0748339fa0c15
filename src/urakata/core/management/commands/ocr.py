"""`urakata ocr receipt IMAGE [--json]`: read a receipt with Tesseract and print its fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.files import sniff
from urakata.core.ocr import receipt_read


class Command(BaseCommand):
    help = "Receipt OCR. `receipt IMAGE [--json]` prints 日付, 合計, 消費税, 登録番号, payee."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["receipt"])
        parser.add_argument("image", help="JPEG, PNG, HEIC or PDF file")
        parser.add_argument("--json", action="store_true", help="print the reading as JSON")
        parser.add_argument("--text", action="store_true", help="also print the recognised text")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["image"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}", returncode=2)
        data = path.read_bytes()
        reading = receipt_read(data, content_type=sniff(data))
        if reading.error:
            raise CommandError(reading.error, returncode=1)
        body = reading.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        else:
            for name, value in body.items():
                if name != "confidence":
                    conf = body["confidence"].get(name, 0.0)
                    self.stdout.write(f"{name:<20} {value}  ({conf:.2f})")
            self.stdout.write(f"{'seconds':<20} {reading.seconds}")
        if options["text"]:
            self.stdout.write(reading.text)

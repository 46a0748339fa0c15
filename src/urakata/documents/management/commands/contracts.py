"""`urakata contracts verify FILE --json`: check every signature of a signed PDF."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.documents.signing import verify_pdf


class Command(BaseCommand):
    help = "E-contracts (電子契約): verify the signatures of a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="署名の検証 (valid, signer, time, modified?)")
        verify.add_argument("file")
        verify.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        report = verify_pdf(path.read_bytes())
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            for item in report["signatures"]:
                state = "OK" if item["intact"] and item["trusted"] else "NG"
                self.stdout.write(
                    f"{state} {item['field']}: {item['signer']} {item['signing_time']}"
                    f" modified_after_signing={item['modified_after_signing']}"
                )
            if report.get("error"):
                self.stdout.write(report["error"])
            self.stdout.write("valid" if report["valid"] else "NOT valid")
        if not report["valid"]:
            sys.exit(1)

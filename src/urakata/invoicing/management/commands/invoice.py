"""`urakata invoice …`: list, pdf, pint, import-pint, validate-pint, match, registry."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.errors import DomainError
from urakata.core.labels import error_text
from urakata.core.permissions import SYSTEM


def _actor(options: dict[str, Any], *, write: bool) -> Any:
    """The user named by --as (active), or SYSTEM for read-only commands without --as."""
    from django.contrib.auth import get_user_model

    username = options.get("as_user")
    if not username:
        if write:
            raise CommandError("--as USERNAME を指定してください(監査ログに記録する担当者)。")
        return SYSTEM
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"ユーザー「{username}」が見つからないか無効です。")
    return user


def _default(value: Any) -> Any:
    return str(value)


class Command(BaseCommand):
    help = "Invoices (請求書): list, pdf, pint, import-pint, validate-pint, match."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="請求書の一覧")
        listing.add_argument(
            "--status", default="", help="draft|issued|sent|partly_paid|paid|credited|open"
        )
        listing.add_argument("--json", action="store_true")
        for name, help_text in (("pdf", "請求書PDF"), ("pint", "JP PINT (UBL 2.1) XML")):
            cmd = sub.add_parser(name, help=help_text)
            cmd.add_argument("number")
            cmd.add_argument("--out", required=True, help="file to write")
        imp = sub.add_parser("import-pint", help="受領した JP PINT 請求書を取り込む")
        imp.add_argument("file")
        imp.add_argument("--json", action="store_true")
        imp.add_argument("--as", dest="as_user", default="")
        val = sub.add_parser("validate-pint", help="JP PINT の検証 (exit 1 when invalid)")
        val.add_argument("file")
        val.add_argument("--json", action="store_true")
        match = sub.add_parser("match", help="入金消込の候補")
        match.add_argument("--json", action="store_true")
        registry = sub.add_parser("registry", help="登録番号を国税庁の公表サイトで照会")
        registry.add_argument("number")
        registry.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "_" + action.replace("-", "_"))(options)
        except DomainError as error:
            raise CommandError(error_text(error)) from error

    def _emit(self, data: Any, as_json: bool, lines: list[str]) -> None:
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default))
        else:
            for line in lines:
                self.stdout.write(line)

    def _registry(self, options: dict[str, Any]) -> None:
        """Exit 1 when the number could not be checked or is not registered today."""
        from django.utils import timezone

        from urakata.invoicing.registry import registry_lookup

        answer = registry_lookup(options["number"])
        data = {**answer.as_dict(), "registered": answer.registered_on_day(timezone.localdate())}
        lines = [f"{answer.number}: {answer.message}"]
        if answer.found:
            lines.append(f"  {answer.name} 登録 {answer.registered_on}")
        self._emit(data, options["json"], lines)
        if not data["registered"]:
            sys.exit(1)

    def _list(self, options: dict[str, Any]) -> None:
        from urakata.invoicing import selectors

        rows = [
            {
                "number": inv.number,
                "kind": inv.kind,
                "status": inv.status,
                "recipient": inv.recipient_name,
                "issue_date": inv.issue_date,
                "due_date": inv.due_date,
                "subtotal": inv.subtotal,
                "tax_total": inv.tax_total,
                "total": inv.total,
                "open_amount": inv.open_amount if inv.kind != "credit_note" else 0,
            }
            for inv in selectors.invoice_list(
                actor=_actor(options, write=False), status=options["status"]
            )
        ]
        self._emit(
            rows,
            options["json"],
            [
                f"{r['number'] or '(draft)':16} {r['status']:12} {r['total']:>12,} {r['recipient']}"
                for r in rows
            ],
        )

    def _document(self, options: dict[str, Any], kind: str) -> None:
        from urakata.invoicing import delivery, selectors

        invoice = selectors.invoice_get(
            actor=_actor(options, write=False), number=options["number"]
        )
        data = delivery.pdf_bytes(invoice) if kind == "pdf" else delivery.pint_bytes(invoice)
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"{options['out']}: {len(data):,} bytes")

    def _pdf(self, options: dict[str, Any]) -> None:
        self._document(options, "pdf")

    def _pint(self, options: dict[str, Any]) -> None:
        self._document(options, "pint")

    def _import_pint(self, options: dict[str, Any]) -> None:
        from urakata.invoicing.received import received_import_pint

        data = Path(options["file"]).read_bytes()
        item = received_import_pint(actor=_actor(options, write=True), data=data)
        result = {
            "id": item.pk,
            "issuer": item.issuer_name,
            "registration_number": item.registration_number,
            "registered": item.registration_ok,
            "number": item.number,
            "subtotal": item.subtotal,
            "tax_total": item.tax_total,
            "total": item.total,
            "tax_totals": [
                {"tax_category": t.tax_category, "taxable": t.taxable, "tax": t.tax}
                for t in item.tax_totals.all()
            ],
        }
        self._emit(
            result,
            options["json"],
            [f"取り込みました: {item.issuer_name} {item.number} {item.total:,}円"],
        )

    def _validate_pint(self, options: dict[str, Any]) -> None:
        from urakata.invoicing.pint_read import pint_validate

        report = pint_validate(Path(options["file"]).read_bytes())
        lines = ["valid" if report["valid"] else "invalid"] + [
            f"[{e['id']}] {e['message']} ({e['location']})" for e in report["errors"]
        ]
        self._emit(report, options["json"], lines)
        if not report["valid"]:
            sys.exit(1)

    def _match(self, options: dict[str, Any]) -> None:
        from urakata.invoicing.reconcile import match_proposals

        proposals = match_proposals(actor=_actor(options, write=False))
        self._emit(
            proposals,
            options["json"],
            [
                f"{p['date']} {p['amount']:>10,} {p['description']} → {', '.join(p['invoices'])} ({p['kind']}, {p['score']:.2f})"
                for p in proposals
            ],
        )

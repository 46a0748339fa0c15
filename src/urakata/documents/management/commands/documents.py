"""`urakata documents …`: search (電帳法 conditions, --json), export (税務調査用 ZIP), verify,
reindex (refresh the BM25 impacts when the mean document length drifted)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.errors import DomainError
from urakata.core.labels import error_text
from urakata.core.permissions import SYSTEM
from urakata.documents import exports, reindex, selectors
from urakata.documents.integrity import documents_verify


def _actor(username: str | None) -> Any:
    """The user named by --as (their access scope applies), else SYSTEM (every document)."""
    if not username:
        return SYSTEM
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"ユーザー「{username}」が見つからないか無効です。")
    return user


def _add_filters(parser: CommandParser) -> None:
    parser.add_argument("--from", dest="date_from", default="", help="取引年月日 YYYY-MM-DD から")
    parser.add_argument("--to", dest="date_to", default="", help="取引年月日 YYYY-MM-DD まで")
    parser.add_argument("--amount-min", default="", help="取引金額(以上)")
    parser.add_argument("--amount-max", default="", help="取引金額(以下)")
    parser.add_argument("--counterparty", default="", help="取引先名の一部またはコード")
    parser.add_argument(
        "--type", dest="doc_type", default="", help="書類区分 (invoice, receipt, …)"
    )
    parser.add_argument("--query", "-q", dest="q", default="", help="全文検索の語")
    parser.add_argument("--as", dest="as_user", default=None, help="この利用者の閲覧範囲で")


def _document_json(document: Any, snippet: str = "") -> dict[str, Any]:
    return {
        "id": document.pk,
        "title": document.title,
        "doc_type": document.doc_type,
        "capture": document.capture,
        "transaction_date": document.transaction_date.isoformat()
        if document.transaction_date
        else None,
        "amount": document.amount,
        "counterparty": document.counterparty.name if document.counterparty else None,
        "registration_number": document.registration_number,
        "department": document.department.name if document.department else None,
        "versions": document.version_count,
        "retain_until": document.retain_until.isoformat() if document.retain_until else None,
        **({"snippet": snippet} if snippet else {}),
    }


class Command(BaseCommand):
    help = "Documents (文書管理): search, export (ZIP for a tax examination), verify."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        search = sub.add_parser("search", help="電帳法の検索 (取引年月日・金額の範囲, 取引先)")
        _add_filters(search)
        search.add_argument("--limit", type=int, default=200)
        search.add_argument("--json", action="store_true")
        export = sub.add_parser("export", help="検索結果の索引 CSV とファイルを ZIP に")
        _add_filters(export)
        export.add_argument("--out", required=True, help="FILE.zip")
        export.add_argument("--latest-only", action="store_true", help="最新の版だけ")
        sub.add_parser("verify", help="各版のファイルを登録時のハッシュで検証")
        again = sub.add_parser(
            "reindex", help="平均文書長がずれた文書の全文索引 (BM25) の重みを更新"
        )
        again.add_argument("--all", action="store_true", help="ずれにかかわらず全文書")
        again.add_argument(
            "--tolerance",
            type=float,
            default=reindex.TOLERANCE,
            help="許容するずれ (割合, 既定 0.05)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "verify":
                self._verify()
                return
            if action == "reindex":
                self._reindex(options)
                return
            actor = _actor(options.get("as_user"))
            filters = selectors.document_filters(options)
            if action == "search":
                self._search(actor, filters, options)
            else:
                self._export(actor, filters, options)
        except DomainError as error:
            raise CommandError(error_text(error)) from error

    def _search(self, actor: Any, filters: selectors.DocumentFilters, options: Any) -> None:
        limit = max(1, min(int(options["limit"]), 10_000))
        result = selectors.document_search(actor=actor, filters=filters, limit=limit)
        rows = [_document_json(d, str(result.snippets.get(d.pk, ""))) for d in result.documents]
        if options["json"]:
            payload = {"count": result.count, "filters": filters.as_query(), "documents": rows}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['id']:>6} {row['transaction_date'] or '-':10} "
                f"{row['amount'] if row['amount'] is not None else '':>12} "
                f"{row['counterparty'] or '':20} {row['title']}"
            )
        self.stdout.write(f"{result.count} 件")

    def _export(self, actor: Any, filters: selectors.DocumentFilters, options: Any) -> None:
        data, count = exports.tax_examination_zip(
            actor=actor, filters=filters, all_versions=not options["latest_only"]
        )
        target = Path(options["out"])
        target.write_bytes(data)
        self.stdout.write(f"{count} 件の文書を {target} に出力しました ({len(data)} bytes)")

    def _verify(self) -> None:
        problems = documents_verify()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            sys.exit(1)
        self.stdout.write("OK: every version's file matches the hash recorded when it was filed")

    def _reindex(self, options: Any) -> None:
        if options["tolerance"] < 0:
            raise CommandError("--tolerance は 0 以上で指定してください。")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done}/{total} 件 ({done * 100 // max(1, total)}%)")

        result = reindex.documents_reindex(
            actor=SYSTEM,
            all_documents=options["all"],
            tolerance=options["tolerance"],
            progress=progress,
        )
        self.stdout.write(
            f"再索引: {result.documents}/{result.total} 件の文書, {result.rows} 行の重みを更新 "
            f"(平均文書長 {result.average:.1f} 語)"
        )

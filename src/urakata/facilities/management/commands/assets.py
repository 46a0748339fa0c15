"""`urakata assets …`: depreciation schedules, monthly posting, disposal, 固定資産台帳 export."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.errors import DomainError
from urakata.core.labels import error_text
from urakata.core.permissions import SYSTEM
from urakata.facilities import depreciation as dep
from urakata.facilities.exports import register_export


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日付は YYYY-MM-DD で指定してください: {value}") from exc


def _actor(username: str | None) -> Any:
    from django.contrib.auth import get_user_model

    if not username:
        raise CommandError("--as USERNAME を指定してください(監査ログに記録する担当者)。")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"ユーザー「{username}」が見つからないか無効です。")
    return user


class Command(BaseCommand):
    help = "Fixed assets (固定資産): depreciation schedule, post a month, dispose, export the register."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sched = sub.add_parser("depreciation", help="償却スケジュール (no database)")
        sched.add_argument("--cost", type=int, required=True, help="取得価額 (円)")
        sched.add_argument("--life", type=int, default=0, help="耐用年数")
        sched.add_argument(
            "--method",
            choices=[m.value for m in dep.Method],
            required=True,
            help="straight=定額法 declining=定率法 lump_sum=一括償却資産 immediate=少額",
        )
        sched.add_argument("--acquired", required=True, help="取得日 YYYY-MM-DD")
        sched.add_argument("--fiscal-year-start", type=int, default=4, help="期首月 (1-12)")
        sched.add_argument("--category", choices=[c.value for c in dep.Category], default=None)
        sched.add_argument("--disposed", default=None, help="除売却日 YYYY-MM-DD")
        sched.add_argument("--sme", action="store_true", help="中小企業者等の少額特例 (30万円未満)")
        sched.add_argument("--json", action="store_true")
        post = sub.add_parser("post", help="月次の減価償却を仕訳に計上")
        post.add_argument("--month", required=True, help="YYYY-MM")
        post.add_argument("--as", dest="as_user", required=True)
        dispose = sub.add_parser("dispose", help="除却・売却")
        dispose.add_argument("asset_id", type=int)
        dispose.add_argument("--date", required=True)
        dispose.add_argument("--proceeds", type=int, default=0)
        dispose.add_argument("--as", dest="as_user", required=True)
        export = sub.add_parser("export", help="固定資産台帳・減価償却明細 (CSV/Excel)")
        export.add_argument("--fiscal-year", type=int, required=True)
        export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        export.add_argument("--output", default="-")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except DomainError as exc:
            raise CommandError(error_text(exc)) from exc

    def _depreciation(self, options: dict[str, Any]) -> None:
        start = options["fiscal_year_start"]
        if not 1 <= start <= 12:
            raise CommandError("--fiscal-year-start は 1〜12 です。")
        rows = dep.schedule(
            cost=options["cost"],
            life=options["life"],
            method=options["method"],
            acquired=_date(options["acquired"]),
            fiscal_year_start=start,
            category=options["category"],
            disposed=_date(options["disposed"]) if options["disposed"] else None,
            sme=options["sme"],
        )
        if options["json"]:
            data = {"schedule": [row.as_dict() for row in rows]}
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write("年度\t月数\t期首簿価\t償却費\t期末簿価")
        for row in rows:
            mark = " (改定償却率)" if row.revised else ""
            self.stdout.write(
                f"{row.fiscal_year}\t{row.months}\t{row.opening:,}\t{row.depreciation:,}\t"
                f"{row.book_value_end:,}{mark}"
            )

    def _post(self, options: dict[str, Any]) -> None:
        from urakata.facilities.assets import depreciation_post

        try:
            year, month = (int(part) for part in options["month"].split("-"))
        except ValueError as exc:
            raise CommandError("--month は YYYY-MM です。") from exc
        run = depreciation_post(actor=_actor(options["as_user"]), year=year, month=month)
        self.stdout.write(
            f"{options['month']}: {run.assets} 件 {run.total:,} 円 (仕訳 {run.entry_id})"
        )

    def _dispose(self, options: dict[str, Any]) -> None:
        from urakata.facilities.assets import asset_dispose

        asset = asset_dispose(
            actor=_actor(options["as_user"]),
            asset_id=options["asset_id"],
            disposed_on=_date(options["date"]),
            proceeds=options["proceeds"],
        )
        self.stdout.write(f"{asset.number}: 除売却済み (仕訳 {asset.disposal_entry_id})")

    def _export(self, options: dict[str, Any]) -> None:
        file = register_export(
            actor=SYSTEM, fiscal_year=options["fiscal_year"], file_format=options["format"]
        )
        if options["output"] == "-":
            sys.stdout.buffer.write(file.content)
        else:
            with open(options["output"], "wb") as handle:
                handle.write(file.content)

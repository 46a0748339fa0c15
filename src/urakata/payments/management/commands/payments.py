"""`urakata payments …`: write a batch's 全銀 file, read a 全銀 file back.

    urakata payments batch --date 2026-12-10 --out zengin.txt [--kind transfer|salary|bonus]
        [--account ID] --as USER
    urakata payments parse zengin.txt --json

`batch` writes the file of the approved batch of that date and kind. When there is none, it
gathers the open requests due by the date into a new batch and sends it for approval (maker →
checker): the file is written once another accountant has approved it (run the command again).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.errors import DomainError
from urakata.core.labels import error_text
from urakata.core.permissions import SYSTEM
from urakata.payments import batches, settle, zengin
from urakata.payments.models import PaymentBatch

_KINDS = {"transfer": "transfer", "salary": "salary", "bonus": "bonus"}


def _actor(username: str | None) -> Any:
    from django.contrib.auth import get_user_model

    if not username:
        raise CommandError("--as USERNAME を指定してください(監査ログに記録する担当者)。")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"ユーザー「{username}」が見つからないか無効です。")
    return user


class Command(BaseCommand):
    help = "Payments (振込): batch (write a 全銀 file), parse (read one back)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        batch = sub.add_parser("batch", help="振込バッチの全銀ファイル (作成・承認申請)")
        batch.add_argument("--date", required=True, help="振込指定日 YYYY-MM-DD")
        batch.add_argument("--out", required=True, help="file to write")
        batch.add_argument("--kind", choices=sorted(_KINDS), default="transfer")
        batch.add_argument("--account", type=int, help="自社口座 id (default: the default account)")
        batch.add_argument("--as", dest="as_user", help="the accountant (maker) to record")
        parse = sub.add_parser("parse", help="全銀ファイルを読み戻す (record by record)")
        parse.add_argument("file")
        parse.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "parse":
                self._parse(options)
            else:
                self._batch(options)
        except DomainError as error:
            raise CommandError(error_text(error)) from error

    def _parse(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイル {path} がありません。")
        parsed = zengin.zengin_parse(path.read_bytes())
        if options["json"]:
            json.dump(parsed["records"], sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return
        header, trailer = parsed["header"], parsed["trailer"]
        self.stdout.write(
            f"種別 {header['kind_code']} 委託者 {header['consignor_code']} {header['consignor_name']}"
            f" 振込指定日 {header['transfer_date']}"
        )
        for row in parsed["transfers"]:
            self.stdout.write(
                f"  {row['bank_code']}-{row['branch_code']} {row['account_type']} "
                f"{row['account_number']} {row['payee_name']:<30} {row['amount']:>12,}"
            )
        self.stdout.write(f"合計 {trailer['count']} 件 {trailer['total']:,} 円")

    def _batch(self, options: dict[str, Any]) -> None:
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("--date は YYYY-MM-DD で指定してください。") from None
        kind = _KINDS[options["kind"]]
        ready = (
            PaymentBatch.objects.filter(
                transfer_date=day,
                kind=kind,
                status__in=(PaymentBatch.Status.APPROVED, PaymentBatch.Status.PAID),
            )
            .order_by("-pk")
            .first()
        )
        if ready is None:
            pending = PaymentBatch.objects.filter(
                transfer_date=day, kind=kind, status=PaymentBatch.Status.PENDING
            ).first()
            if pending is not None:
                raise CommandError(
                    f"振込バッチ #{pending.pk} は承認待ちです。承認後に再実行してください。"
                )
            actor = _actor(options.get("as_user"))
            batch, skipped = batches.batch_create(
                actor=actor,
                transfer_date=day,
                kind=kind,
                company_account_id=options.get("account"),
            )
            for item in skipped:
                self.stderr.write(
                    f"除外: 支払依頼 #{item.request.pk} {item.request.payee}: {item.reason}"
                )
            batches.batch_submit(actor=actor, batch_id=batch.pk)
            self.stdout.write(
                f"振込バッチ #{batch.pk} ({batch.item_count}件 {batch.total_amount:,}円) を作成し、"
                "承認を申請しました。作成者以外の経理担当者の承認後に再実行するとファイルを書き出します。"
            )
            return
        actor = _actor(options.get("as_user")) if options.get("as_user") else SYSTEM
        stored = ready.file or settle.batch_file(actor=actor, batch_id=ready.pk)
        with stored.blob.open("rb") as handle:
            data = handle.read()
        Path(options["out"]).write_bytes(data)
        self.stdout.write(
            f"{options['out']}: 振込バッチ #{ready.pk} {ready.item_count}件 "
            f"{ready.total_amount:,}円 ({len(data)} bytes)"
        )

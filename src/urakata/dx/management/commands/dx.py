"""`urakata dx kpis --request-type TYPE [--department CODE] --from D --to D [--json]` and
`urakata dx scan` (draft manual updates from the audit log now)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date

from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.dx.kpis import request_kpis
from urakata.dx.manuals import manual_drafts_scan


class Command(BaseCommand):
    help = "DX tools: KPIs of a request type from the event log; draft manual updates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["kpis", "scan"])
        parser.add_argument("--request-type", help="workflow.ringi, form:<code>, expenses.claim …")
        parser.add_argument("--department", default="", help="department code")
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD (submitted on or after)")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD (submitted on or before)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "scan":
            made = manual_drafts_scan(actor=SYSTEM)
            self.stdout.write(json.dumps({"drafts": made}))
            return
        date_from = parse_date(options["date_from"] or "")
        date_to = parse_date(options["date_to"] or "")
        if not options["request_type"] or date_from is None or date_to is None:
            raise CommandError("--request-type, --from and --to (YYYY-MM-DD) are required")
        try:
            result = request_kpis(
                request_type=options["request_type"],
                department_code=options["department"] or None,
                date_from=date_from,
                date_to=date_to,
            )
        except ValidationFailed as error:
            raise CommandError(error.message) from error
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        lead = result["lead_time_hours"]
        self.stdout.write(
            f"requests {result['requests']}  lead time median {lead['median']} h, p90 {lead['p90']} h  "
            f"return rate {result['return_rate']}  rejection rate {result['rejection_rate']}  "
            f"step wait median {result['step_wait_hours']['median']} h"
        )

"""`urakata workflow export --format xes|ocel --out FILE` and `urakata workflow remind`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.audit import audit_record
from urakata.workflow.eventlog import export_ocel, export_xes
from urakata.workflow.reminders import workflow_remind


class Command(BaseCommand):
    help = "Workflow tools: export the event log for process mining; send reminders/escalations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "remind"])
        parser.add_argument("--format", choices=["xes", "ocel"], default="xes")
        parser.add_argument("--out", help="output file (export)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            result = workflow_remind()
            self.stdout.write(json.dumps(result))
            return
        if not options["out"]:
            raise CommandError("--out FILE is required for export")
        writer = export_xes if options["format"] == "xes" else export_ocel
        with open(options["out"], "w", encoding="utf-8") as out:
            count = writer(out)
        audit_record(
            actor=None,
            actor_label="cli",
            action="workflow.eventlog.export",
            target_type="workflow.eventlog",
            changes={"format": options["format"], "events": count, "file": options["out"]},
        )
        self.stdout.write(self.style.SUCCESS(f"{count} events written to {options['out']}"))

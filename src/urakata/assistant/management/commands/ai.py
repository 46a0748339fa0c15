"""`urakata ai mask|mask-eval|mask-bench|check|summarize|monthly-report`: the masker, providers and minutes from the shell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.assistant import services
from urakata.assistant.directory import directory_masker
from urakata.assistant.eval.mask_bench import BENCH_TEXT, bench
from urakata.assistant.eval.masking_eval import HERE, evaluate, load_cases, roster_masker
from urakata.assistant.eval.minutes_eval import evaluate_minutes
from urakata.assistant.health import provider_health
from urakata.assistant.management.commands._common import acting_user, dumps
from urakata.assistant.masking import ENTITY_TYPES
from urakata.core.errors import DomainError
from urakata.ledger.selectors import parse_month


class Command(BaseCommand):
    help = "AI assistant tools: mask TEXT, mask-eval, mask-bench, check, summarize FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        mask = sub.add_parser("mask", help="mask personal data in TEXT")
        mask.add_argument("text")
        mask.add_argument("--json", action="store_true")
        evaluation = sub.add_parser(
            "mask-eval", help="precision/recall per type on the labelled set"
        )
        evaluation.add_argument("--verbose", action="store_true", help="list every mistake")
        mask_bench = sub.add_parser(
            "mask-bench", help="masking time, 2,000 characters, N employees (rolled back)"
        )
        mask_bench.add_argument("--employees", type=int, nargs="+", default=[60, 10000])
        mask_bench.add_argument("--reps", type=int, default=20)
        sub.add_parser("check", help="which provider answers, and whether it works")
        sub.add_parser(
            "minutes-eval",
            help="score minutes extraction on eval/minutes_cases.json (decisions, actions, "
            "owners, due dates)",
        )
        monthly = sub.add_parser(
            "monthly-report", help="月次報告 of a closed month YYYY-MM (goes to the review queue)"
        )
        monthly.add_argument("period")
        monthly.add_argument("--as", dest="username")
        monthly.add_argument("--json", action="store_true")
        summarize = sub.add_parser("summarize", help="minutes from a transcript file")
        summarize.add_argument("file")
        summarize.add_argument("--date", help="meeting date YYYY-MM-DD (default: today)")
        summarize.add_argument("--as", dest="username")
        summarize.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _mask(self, options: dict[str, Any]) -> None:
        result = directory_masker().mask(options["text"])
        if options["json"]:
            self.stdout.write(dumps(result.as_dict()))
        else:
            self.stdout.write(result.masked)

    def _mask_eval(self, options: dict[str, Any]) -> None:
        masker = roster_masker()
        for label, path in (
            ("development set (the masker was tuned on it)", HERE / "mask_cases.txt"),
            (
                "held-out set 1 (its misses were fixed on 2026-11-24)",
                HERE / "mask_cases_holdout.txt",
            ),
            (
                "held-out set 2 (written before the changes of 2026-11-24, never used for tuning)",
                HERE / "mask_cases_holdout2.txt",
            ),
            (
                "held-out set 3 (written before the changes of 2026-12-03, never used for tuning)",
                HERE / "mask_cases_holdout3.txt",
            ),
        ):
            cases = load_cases(path)
            scores, mistakes = evaluate(cases, masker)
            self.stdout.write(f"PII masking, {label}: {len(cases)} sentences, exact span match")
            self.stdout.write(f"{'type':<14}{'gold':>6}{'found':>7}{'precision':>11}{'recall':>8}")
            for kind in (*ENTITY_TYPES, "ALL"):
                s = scores[kind]
                self.stdout.write(
                    f"{kind:<14}{s.tp + s.fn:>6}{s.tp + s.fp:>7}"
                    f"{s.precision:>11.3f}{s.recall:>8.3f}"
                )
            if options["verbose"]:
                for kind, sentence, span in mistakes:
                    self.stdout.write(f"  {kind} {span}  in  {sentence}")
            self.stdout.write("")

    def _mask_bench(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"masking a {len(BENCH_TEXT)}-character text, median ms per call")
        self.stdout.write(
            f"{'employees':>10}{'cached call':>13}{'after change':>14}{'mask only':>11}"
            f"{'fingerprint':>13}"
        )
        for count in options["employees"]:
            r = bench(count, reps=options["reps"])
            self.stdout.write(
                f"{r.employees:>10}{r.cached_ms:>13.2f}{r.rebuild_ms:>14.2f}"
                f"{r.mask_only_ms:>11.2f}{r.fingerprint_ms:>13.3f}"
            )

    def _check(self, options: dict[str, Any]) -> None:
        health = provider_health()
        self.stdout.write(f"provider: {health.provider} (URAKATA_AI_PROVIDER={health.setting})")
        if health.provider == "openai":
            self.stdout.write(f"  base URL: {health.base_url or '(not set)'}")
            self.stdout.write(f"  model: {health.model}")
        if not health.ok:
            self.stdout.write(self.style.ERROR(f"NG  {health.provider}: {health.detail}"))
            if health.fallback_ok:
                self.stdout.write("OK  local provider works; answers will fall back to it.")
            elif health.fallback_ok is False:
                self.stdout.write(self.style.ERROR("NG  the local provider fails too."))
            raise SystemExit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"OK  {health.provider} answered in {health.latency_ms} ms: {health.detail!r}"
            )
        )

    def _minutes_eval(self, options: dict[str, Any]) -> None:
        score = evaluate_minutes()
        self.stdout.write(
            f"minutes: {score.decisions_expected} decisions, {score.actions_expected} action items"
        )
        for name, value in score.figures().items():
            self.stdout.write(f"{name:20} {value:.3f}")
        for problem in score.problems:
            self.stdout.write(f"  {problem}")

    def _monthly_report(self, options: dict[str, Any]) -> None:
        try:
            period = parse_month(options["period"])
            report = services.monthly_report_generate(
                actor=acting_user(options["username"]), period=period
            )
        except DomainError as error:
            raise CommandError(f"{error.message} {error.errors}") from error
        if options["json"]:
            self.stdout.write(
                dumps(
                    {
                        "id": report.pk,
                        "period": options["period"],
                        "provider": report.provider,
                        "note": report.note,
                        "status": "pending_review",
                        "body": report.body,
                        "figures": report.figures,
                    }
                )
            )
            return
        if report.note:
            self.stderr.write(f"注意: {report.note}")
        self.stdout.write(report.body)

    def _summarize(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} not found")
        meeting_date = dt.date.fromisoformat(options["date"]) if options["date"] else None
        try:
            result = services.minutes_generate(
                actor=acting_user(options["username"]),
                transcript=path.read_text(encoding="utf-8-sig"),
                name=path.name,
                meeting_date=meeting_date,
            )
        except DomainError as error:
            raise CommandError(f"{error.message} {error.errors}") from error
        data = {
            "summary": result["summary"],
            "decisions": result["decisions"],
            "action_items": [
                {"text": a["text"], "owner": a["owner"], "due": a["due"]}
                | (
                    {"owner_candidates": [c["name"] for c in a["owner_candidates"]]}
                    if a["owner_candidates"]
                    else {}
                )
                for a in result["action_items"]
            ],
        }
        if result["warnings"]:
            data["warnings"] = result["warnings"]
        if options["json"]:
            self.stdout.write(dumps(data))
            return
        for warning in result["warnings"]:
            self.stderr.write(f"注意: {warning}")
        self.stdout.write("要約:\n" + data["summary"])
        self.stdout.write("決定事項:\n" + "\n".join(f"- {d}" for d in data["decisions"]))
        self.stdout.write("アクションアイテム:")
        for item in data["action_items"]:
            self.stdout.write(f"- {item['text']} (担当: {item['owner']}, 期限: {item['due']})")

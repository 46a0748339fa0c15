"""`urakata kb ingest|ask|eval`: the knowledge base from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.assistant import services
from urakata.assistant.eval.kb_answer_eval import (
    SETS,
    calibrate,
    evaluate_answers,
    format_report,
    load_set,
    scratch_knowledge_base,
)
from urakata.assistant.eval.kb_eval import evaluate_retrieval, load_questions
from urakata.assistant.management.commands._common import acting_user, dumps
from urakata.core.errors import DomainError
from urakata.core.permissions import SYSTEM


class Command(BaseCommand):
    help = "Knowledge base: ingest PATH..., ask QUESTION, eval (retrieval accuracy)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="add files (PDF, DOCX, Markdown, text, HTML)")
        ingest.add_argument("paths", nargs="+")
        ingest.add_argument(
            "--audience",
            default="all",
            help="all, or role names / department codes (comma separated)",
        )
        ingest.add_argument("--desk", default="", help="owning desk: general_affairs|hr|accounting")
        ask = sub.add_parser("ask", help="ask a question as a user")
        ask.add_argument("question")
        ask.add_argument("--as", dest="username")
        ask.add_argument("--json", action="store_true")
        evaluation = sub.add_parser(
            "eval",
            help="top-1 / top-3 source accuracy and MRR; with --set, answer-or-decline rates "
            "and the reliability table on the fixture 規程 (a scratch knowledge base, rolled back)",
        )
        evaluation.add_argument("--as", dest="username")
        evaluation.add_argument("--set", dest="question_set", choices=sorted(SETS))
        evaluation.add_argument("--verbose", action="store_true")
        calibration = sub.add_parser(
            "calibrate",
            help="fit the answer-or-decline confidence model on the development set "
            "(prints coefficients for selectors.CONFIDENCE_MODEL)",
        )
        calibration.add_argument("--as", dest="username")
        calibration.add_argument("--set", dest="question_set", default="dev", choices=["dev"])
        reindex = sub.add_parser(
            "reindex", help="re-chunk and re-index every source (after editing synonyms.txt)"
        )
        reindex.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _ingest(self, options: dict[str, Any]) -> None:
        files: list[Path] = []
        for raw in options["paths"]:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} not found")
        failed = 0
        for path in files:
            try:
                source = services.knowledge_file_ingest(
                    actor=SYSTEM,
                    name=path.name,
                    data=path.read_bytes(),
                    audience=options["audience"],
                    desk=options["desk"],
                )
            except DomainError as error:
                failed += 1
                problems = "; ".join(m for msgs in error.errors.values() for m in msgs)
                self.stderr.write(f"NG  {path}: {error.message} {problems}")
                continue
            self.stdout.write(
                f"OK  {path} → #{source.pk} {source.title} ({source.chunks.count()} chunks, "
                f"audience {options['audience']})"
            )
        if failed:
            raise SystemExit(1)

    def _ask(self, options: dict[str, Any]) -> None:
        try:
            result = services.assistant_ask(
                actor=acting_user(options["username"]), question=options["question"]
            )
        except DomainError as error:
            details = " ".join(m for msgs in error.errors.values() for m in msgs)
            raise CommandError(f"{error.message} {details}".strip()) from error
        if options["json"]:
            self.stdout.write(
                dumps(
                    {
                        "found": result.found,
                        "answer": result.answer,
                        "confidence": result.confidence,
                        "cited": result.cited,
                        "sources": [
                            {k: s[k] for k in ("title", "url", "excerpt", "score")}
                            for s in result.sources
                        ],
                    }
                )
            )
            return
        self.stdout.write(result.answer)
        self.stdout.write(
            f"({'found' if result.found else 'not found'}, 確信度 {result.confidence}%)"
        )
        for source in result.sources:
            self.stdout.write(f"  - {source['title']} {source['url']}")

    def _calibrate(self, options: dict[str, Any]) -> None:
        user = acting_user(options["username"])
        with scratch_knowledge_base():
            model = calibrate(user, load_set(options["question_set"]))
        self.stdout.write(dumps(model))

    def _reindex(self, options: dict[str, Any]) -> None:
        count = services.knowledge_reindex(actor=SYSTEM)
        if not options["quiet"]:
            self.stdout.write(f"re-indexed {count} sources")

    def _eval(self, options: dict[str, Any]) -> None:
        if options["question_set"]:
            user = acting_user(options["username"])
            questions = load_set(options["question_set"])
            with scratch_knowledge_base():
                answers = evaluate_answers(user, questions)
            for line in format_report(options["question_set"], answers, options["verbose"]):
                self.stdout.write(line)
            return
        questions = load_questions()
        report = evaluate_retrieval(acting_user(options["username"]), questions)
        self.stdout.write(f"KB retrieval: {report.total} questions")
        self.stdout.write(f"top-1 accuracy: {report.top1:.3f}")
        self.stdout.write(f"top-3 accuracy: {report.top3:.3f}")
        self.stdout.write(f"MRR: {report.mrr:.3f}")
        if report.missing_sources:
            self.stdout.write(f"missing sources: {', '.join(sorted(report.missing_sources))}")
        if options["verbose"]:
            for question, expected, got in report.misses:
                self.stdout.write(f"  MISS {question} expected={expected} got={got}")

"""Demo data for the assistant: 株式会社みどり精工's policies, FAQ, inquiries, minutes, AI use."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from urakata.assistant import accounting, selectors, services
from urakata.assistant.models import AICallLog, KnowledgeSource, ReviewItem
from urakata.core.permissions import SYSTEM
from urakata.ledger.models import Period
from urakata.org.models import Employee
from urakata.workflow.notifications import email_muted

DATA = Path(__file__).resolve().parent / "demo_data"

# slug -> (desk, audience)
POLICIES: dict[str, tuple[str, str]] = {
    "shugyo-kisoku": ("hr", "all"),
    "keihi-seisan": ("accounting", "all"),
    "ryohi": ("accounting", "all"),
    "security": ("general_affairs", "all"),
    "it-help": ("general_affairs", "all"),
    "hr-hyoka": ("hr", "hr"),  # the HR-only document
}

DEMO_QUESTIONS = [
    "経費精算の締め切りは?",
    "出張の日当はいくら?",
    "有給休暇は何日もらえますか",
    "VPNにつながらない",
    "パスワードを忘れた",
    "在宅勤務は週何日まで?",
    "ホテル代の上限",
    "名刺を作りたい",
    "会議室の予約方法",
    "領収書をなくした",
    "年末調整の提出期限",
    "不審なメールが来た",
]

# (asker username, question, desk, outcome, days ago, hours until the desk acted).
# outcome: the answer, "close:<reason>" (closed without an answer) or None (still waiting).
# Every inquiry goes through the workflow: open ones wait in the desk's inbox.
INQUIRIES: list[tuple[str, str, str, str | None, int, int]] = [
    (
        "employee",
        "社員食堂のメニューに意見を出したいのですが、どこに出せばよいですか?",
        "general_affairs",
        "食堂委員会(事務局: 総務部)の意見箱、またはワークフローの「総務への提案」から提出してください。",
        40,
        5,
    ),
    (
        "employee",
        "引っ越しで通勤経路が変わります。定期代の差額はいつ精算されますか?",
        "hr",
        "住所変更届を提出すると、翌月の給与で通勤手当の差額を精算します。",
        33,
        20,
    ),
    (
        "manager",
        "部下の海外出張で現地のSIMカード代は経費になりますか?",
        "accounting",
        "業務に必要な通信費として経費精算できます。領収書と利用期間を添付してください。",
        26,
        3,
    ),
    (
        "manager",
        "営業車で駐車違反をした場合の反則金は会社負担ですか?",
        "general_affairs",
        "反則金は運転者本人の負担です(就業規則第42条)。車両管理規程もあわせて確認してください。",
        19,
        30,
    ),
    (
        "employee",
        "健康診断を受け忘れました。個別に受診できますか?",
        "hr",
        "指定の医療機関で個別受診できます。受診後に結果の写しを人事部へ提出してください。",
        12,
        8,
    ),
    (
        "manager_d600",
        "開発部のサーバー費用の請求書が英語ですが、そのまま処理できますか?",
        "accounting",
        "close:請求書の扱いは経費精算ではなく購買申請で確認します。購買申請を出してください。",
        9,
        26,
    ),
    (
        "manager_d600",
        "開発部で有料のAPIサービスを試したいのですが、クレジットカード払いしかできません。",
        "accounting",
        None,
        4,
        0,
    ),
    ("employee", "子どもの看護休暇は有給ですか?", "hr", None, 2, 0),
    ("manager", "来客用の駐車場は予約できますか?", "general_affairs", None, 1, 0),
]


def _policy_title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def _users() -> dict[str, Any]:
    return {u.username: u for u in get_user_model().objects.all()}


def seed_monthly_reports(*, actor: Any, today: dt.date) -> int:
    """月次報告 of the last two closed months, once the ledger's demo books exist (the ledger's
    seeder calls this through its "ledger.demo_books_seeded" hook): the older one reviewed and
    shared, the newer one waiting in the review queue."""
    users = _users()
    accountant, operator = users.get("accounting"), users.get("ai_operator")
    if accountant is None:
        return 0
    closed = Period.objects.filter(is_closed=True).order_by("-period")
    periods = sorted(closed.values_list("period", flat=True)[:2])
    reports = [
        accounting.monthly_report_generate(actor=accountant, period=period) for period in periods
    ]
    if len(reports) == 2 and operator is not None:
        first = ReviewItem.objects.get(monthly_report=reports[0])
        services.review_approve(actor=operator, item=first)
    return len(reports)


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """Policies (one HR-only), 52 FAQ entries, inquiries and answers, two sets of minutes, AI use."""
    actor = SYSTEM if actor is None else actor  # the demo command runs as the system
    for slug, (desk, audience) in POLICIES.items():
        body = (DATA / "policies" / f"{slug}.md").read_text(encoding="utf-8")
        services.knowledge_source_create(
            actor=actor,
            data={
                "kind": KnowledgeSource.Kind.POLICY,
                "slug": slug,
                "title": _policy_title(body, slug),
                "body": body,
                "desk": desk,
                "audience": audience,
            },
        )
    for entry in json.loads((DATA / "faq.json").read_text(encoding="utf-8")):
        services.knowledge_source_create(
            actor=actor,
            data={
                "kind": KnowledgeSource.Kind.FAQ,
                "slug": entry["slug"],
                "question": entry["q"],
                "title": entry["q"],
                "body": entry["a"],
                "desk": entry["desk"],
                "audience": "all",
            },
        )

    users = _users()
    inquiries = _seed_inquiries(users=users, today=today)
    operator = users.get("ai_operator")
    first_faq = ReviewItem.objects.filter(kind=ReviewItem.Kind.FAQ).order_by("pk").first()
    if operator is not None and first_faq is not None:
        services.review_approve(actor=operator, item=first_faq)

    summaries = 0
    for file_name, title, username, days_ago in (
        ("soumu-teirei.vtt", "総務部 定例会議", "general_affairs", 3),
        ("keihi-system.md", "経費精算システム刷新 検討会議", "accounting", 1),
    ):
        author = users.get(username)
        if author is None:
            continue
        summary = services.meeting_summary_create(
            actor=author,
            title=title,
            meeting_date=today - dt.timedelta(days=days_ago),
            transcript=(DATA / "transcripts" / file_name).read_text(encoding="utf-8"),
            name=file_name,
        )
        services.tasks_from_action_items(actor=author, summary=summary)
        summaries += 1
        if username == "accounting":
            services.minutes_propose_share(actor=author, summary=summary)

    _seed_usage(today=today, rng=rng)
    return {
        "knowledge_sources": KnowledgeSource.objects.count(),
        "inquiries": inquiries,
        "minutes": summaries,
        "ai_calls": AICallLog.objects.count(),
    }


def _seed_inquiries(*, users: dict[str, Any], today: dt.date) -> int:
    """Inquiries routed through the workflow with realistic times: answered, closed, waiting."""
    services.inquiry_routes_ensure()
    count = 0
    with email_muted():
        for username, question, desk, outcome, days_ago, hours in INQUIRIES:
            asker, staff = users.get(username), users.get(desk)
            if asker is None or staff is None:
                continue
            asked_at = timezone.make_aware(
                dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9, 30))
            )
            inquiry = services.inquiry_create(
                actor=asker, question=question, desk=desk, confidence=12, now=asked_at
            )
            count += 1
            acted_at = asked_at + dt.timedelta(hours=hours)
            if outcome is None or acted_at >= timezone.now():
                continue
            if outcome.startswith("close:"):
                services.inquiry_close(
                    actor=staff, inquiry=inquiry, reason=outcome[len("close:") :], now=acted_at
                )
            else:
                services.inquiry_answer(actor=staff, inquiry=inquiry, answer=outcome, now=acted_at)
    return count


def _seed_usage(*, today: dt.date, rng: random.Random) -> None:
    """Questions asked by a share of each department over the last six months (AI活用率)."""
    employees = list(
        Employee.objects.filter(status=Employee.Status.ACTIVE, user__isnull=False)
        .select_related("user", "department")
        .order_by("pk")
    )
    adoption = {"D200": 0.8, "D300": 0.6, "D400": 0.7, "D500": 0.35, "D510": 0.35, "D520": 0.3}
    created: list[int] = []
    for months_ago in range(5, -1, -1):
        for employee in employees:
            code = employee.department.code if employee.department else ""
            share = min(0.9, adoption.get(code, 0.45) * (1 + (5 - months_ago) * 0.12))
            if rng.random() > share:
                continue
            for _ in range(rng.randint(1, 2)):
                services.assistant_ask(actor=employee.user, question=rng.choice(DEMO_QUESTIONS))
                log = AICallLog.objects.order_by("-pk").values_list("pk", flat=True).first()
                if log is not None:
                    created.append(log)
            if created:
                day = rng.randint(1, 27)
                month_start = selectors.month_start(today, months_ago)
                moment = timezone.make_aware(
                    dt.datetime.combine(min(month_start.replace(day=day), today), dt.time(10))
                )
                AICallLog.objects.filter(pk__in=created).update(created_at=moment)
                created.clear()

"""The AI assistant in one place: capabilities, pages, inquiries as workflow subjects, API, demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.assistant.escalation import INQUIRY_SUBJECT
from urakata.core.domains import DomainManifest, NavEntry
from urakata.core.roles import Role

SECTION = _("AIアシスタント")
DESK_ROLES: tuple[Role, ...] = (Role.GENERAL_AFFAIRS, Role.HR, Role.ACCOUNTING)

MANIFEST = DomainManifest(
    label="assistant",
    order=300,
    depends_on=("core", "org", "workflow"),
    # Everyone may ask; the desks answer inquiries; ai_operator reviews; admin configures.
    capabilities={
        "assistant.ask": tuple(Role),
        "assistant.summarize": tuple(Role),
        "assistant.answer_inquiries": (*DESK_ROLES, Role.AI_OPERATOR),
        "assistant.manage_knowledge": (Role.AI_OPERATOR,),
        # 月次報告 from the ledger's reports (the ledger's own checks apply as well).
        "assistant.monthly_report": (Role.ACCOUNTING,),
        "assistant.review": (Role.AI_OPERATOR,),
        "assistant.view_usage": (Role.AI_OPERATOR, Role.EXECUTIVE),
        "assistant.configure": (),
        # Row scope (visible_to): who sees every row rather than their own.
        "assistant.view_all_knowledge": (),  # every source, whatever its audience
        "assistant.view_all_inquiries": (Role.AI_OPERATOR,),
        "assistant.view_all_minutes": (Role.AI_OPERATOR,),
        "assistant.view_all_tasks": (Role.AI_OPERATOR,),
        # A desk's staff see the inquiries sent to that desk (models.desk_capability); desks are
        # named after the roles that staff them.
        **{f"assistant.desk_{role.value}": (role,) for role in DESK_ROLES},
    },
    navigation=(
        NavEntry(SECTION, _("質問する"), "assistant:chat", "assistant.ask", "💬", 400),
        NavEntry(SECTION, _("ナレッジ"), "assistant:source_list", "assistant.ask", "📚", 410),
        NavEntry(SECTION, _("問い合わせ"), "assistant:inquiry_list", "assistant.ask", "📨", 420),
        NavEntry(SECTION, _("議事録"), "assistant:summary_list", "assistant.summarize", "📝", 430),
        NavEntry(
            SECTION,
            _("月次報告"),
            "assistant:monthly_report_list",
            "assistant.monthly_report",
            "📊",
            435,
        ),
        NavEntry(SECTION, _("タスク"), "assistant:task_list", "assistant.ask", "✅", 440),
        NavEntry(SECTION, _("レビュー"), "assistant:review_list", "assistant.review", "🔍", 450),
        NavEntry(SECTION, _("AI活用状況"), "assistant:usage", "assistant.view_usage", "📈", 460),
        NavEntry(SECTION, _("AI設定"), "assistant:settings", "assistant.configure", "⚙", 470),
    ),
    # Questions the AI cannot answer go to a desk as workflow requests.
    workflow_subjects=(INQUIRY_SUBJECT,),
    demo_seeder="urakata.assistant.demo.seed",
    # The demo 月次報告 need the ledger's books, which are seeded after this domain's.
    hooks={"ledger.demo_books_seeded": "urakata.assistant.demo.seed_monthly_reports"},
    api_router="urakata.assistant.api.router",
    api_prefix="/assistant",
    urls="urakata.assistant.urls",
    url_prefix="assistant/",
)

"""The workflow domain in one place: capabilities, pages, subjects, reminders, API, demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DefaultJob, DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.workflow.integrity import workflow_verify
from urakata.workflow.selectors import inbox_count, notification_unread_count
from urakata.workflow.subjects import FORM_SUBJECT, RINGI_SUBJECT

SECTION = _("ワークフロー")
ADMIN = _("管理")

MANIFEST = DomainManifest(
    label="workflow",
    order=200,
    depends_on=("core", "org"),
    capabilities={
        "workflow.use": tuple(Role),  # submit, approve what is assigned, comment
        "workflow.view_all": (Role.AUDITOR,),  # read every request (監査)
        "workflow.proxy_approve": (),  # admin only: 代理承認(管理者)
        "workflow.manage_routes": (),  # admin only: 承認ルート設定
        "workflow.manage_forms": (Role.GENERAL_AFFAIRS,),  # 申請フォーム定義
        "workflow.view_kpis": (Role.EXECUTIVE, Role.AUDITOR, Role.GENERAL_AFFAIRS),
    },
    navigation=(
        NavEntry(
            SECTION,
            _("承認待ち"),
            "workflow:inbox",
            "workflow.use",
            "✅",
            100,
            badge=lambda user: inbox_count(actor=user),
        ),
        NavEntry(SECTION, _("申請一覧"), "workflow:my_requests", "workflow.use", "📝", 110),
        NavEntry(SECTION, _("新規申請"), "workflow:new_request", "workflow.use", "➕", 120),
        NavEntry(
            SECTION,
            _("お知らせ"),
            "workflow:notifications",
            "workflow.use",
            "🔔",
            130,
            badge=lambda user: notification_unread_count(actor=user),
        ),
        NavEntry(SECTION, _("代理承認"), "workflow:delegations", "workflow.use", "🤝", 140),
        NavEntry(SECTION, _("KPI"), "workflow:kpis", "workflow.view_kpis", "📈", 150),
        # The administration section appears here, right after the workflow pages.
        NavEntry(
            ADMIN, _("承認ルート"), "workflow:route_list", "workflow.manage_routes", "🧭", 160
        ),
        NavEntry(ADMIN, _("申請フォーム"), "workflow:form_list", "workflow.manage_forms", "🗂", 170),
    ),
    # 稟議 and administrator-defined forms are the workflow app's own subjects.
    workflow_subjects=(RINGI_SUBJECT, FORM_SUBJECT),
    # Each request's status and decision time re-derived from its action log.
    audit_verifiers={"workflow": workflow_verify},
    # Hourly 督促 and escalation of overdue approvals, run by `urakata worker`'s scheduler.
    periodic_jobs=(
        DefaultJob("workflow.remind", "urakata.workflow.tasks.workflow_remind_task", "0 * * * *"),
    ),
    hooks={"dx.process_measures": "urakata.workflow.dx_measures.measures"},
    demo_seeder="urakata.workflow.demo.seed",
    api_router="urakata.workflow.api.router",
    api_prefix="/workflow",
    urls="urakata.workflow.urls",
    url_prefix="workflow/",
)

"""The left navigation: an explicit registry; each entry names the capability it needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can
from urakata.workflow.selectors import inbox_count, notification_unread_count


@dataclass(frozen=True)
class NavItem:
    """One link in the navigation; shown only to users holding `capability`."""

    section: str | Promise
    label: str | Promise
    url_name: str
    capability: str | None = None
    icon: str = "•"
    badge: Callable[[Any], int | None] | None = None  # a count shown next to the label


NAV_ITEMS: list[NavItem] = [
    NavItem(_("ホーム"), _("ホーム"), "web:home", None, "⌂"),
    NavItem(
        _("ワークフロー"),
        _("承認待ち"),
        "workflow:inbox",
        "workflow.use",
        "✅",
        lambda user: inbox_count(actor=user),
    ),
    NavItem(_("ワークフロー"), _("申請一覧"), "workflow:my_requests", "workflow.use", "📝"),
    NavItem(_("ワークフロー"), _("新規申請"), "workflow:new_request", "workflow.use", "➕"),
    NavItem(
        _("ワークフロー"),
        _("お知らせ"),
        "workflow:notifications",
        "workflow.use",
        "🔔",
        lambda user: notification_unread_count(actor=user),
    ),
    NavItem(_("ワークフロー"), _("代理承認"), "workflow:delegations", "workflow.use", "🤝"),
    NavItem(_("ワークフロー"), _("KPI"), "workflow:kpis", "workflow.view_kpis", "📈"),
    NavItem(_("管理"), _("承認ルート"), "workflow:route_list", "workflow.manage_routes", "🧭"),
    NavItem(_("管理"), _("申請フォーム"), "workflow:form_list", "workflow.manage_forms", "🗂"),
    NavItem(_("組織"), _("従業員"), "org:employee_list", "org.view_directory", "👥"),
    NavItem(_("組織"), _("部署"), "org:department_list", "org.view_directory", "🏢"),
    NavItem(_("組織"), _("取引先"), "org:counterparty_list", "org.view_counterparties", "🤝"),
    NavItem(_("経理"), _("仕訳帳"), "ledger:entry_list", "ledger.view", "📒"),
    NavItem(_("経理"), _("仕訳入力"), "ledger:entry_new", "ledger.post", "✏"),
    NavItem(_("経理"), _("試算表"), "ledger:trial_balance", "ledger.view_reports", "📊"),
    NavItem(_("経理"), _("損益計算書"), "ledger:profit_and_loss", "ledger.view_reports", "📈"),
    NavItem(_("経理"), _("貸借対照表"), "ledger:balance_sheet", "ledger.view_reports", "⚖"),
    NavItem(_("経理"), _("消費税集計"), "ledger:tax_summary", "ledger.view_reports", "🧾"),
    NavItem(_("経理"), _("銀行明細"), "ledger:bank_list", "ledger.bank_import", "🏦"),
    NavItem(_("経理"), _("月次締め"), "ledger:period_list", "ledger.view", "🔐"),
    NavItem(_("経理"), _("勘定科目"), "ledger:chart_list", "ledger.view_reports", "🗃"),
    NavItem(_("AIアシスタント"), _("質問する"), "assistant:chat", "assistant.ask", "💬"),
    NavItem(_("AIアシスタント"), _("ナレッジ"), "assistant:source_list", "assistant.ask", "📚"),
    NavItem(_("AIアシスタント"), _("問い合わせ"), "assistant:inquiry_list", "assistant.ask", "📨"),
    NavItem(
        _("AIアシスタント"), _("議事録"), "assistant:summary_list", "assistant.summarize", "📝"
    ),
    NavItem(_("AIアシスタント"), _("タスク"), "assistant:task_list", "assistant.ask", "✅"),
    NavItem(_("AIアシスタント"), _("レビュー"), "assistant:review_list", "assistant.review", "🔍"),
    NavItem(_("AIアシスタント"), _("AI活用状況"), "assistant:usage", "assistant.view_usage", "📈"),
    NavItem(_("AIアシスタント"), _("AI設定"), "assistant:settings", "assistant.configure", "⚙"),
    NavItem(_("管理"), _("監査ログ"), "web:audit_list", "core.view_audit", "🔒"),
    NavItem(_("管理"), _("APIトークン"), "web:token_list", "core.manage_tokens", "🔑"),
    NavItem(_("管理"), _("ログインロック"), "web:login_locks", "core.manage_logins", "🚪"),
    NavItem(_("管理"), _("ロール管理"), "web:role_list", "core.manage_roles", "🛡"),
    NavItem(_("管理"), _("アカウント設定"), "web:account", None, "⚙"),
    NavItem(_("管理"), _("自社情報"), "org:company_settings", "org.manage_company", "🏭"),
]


def register_nav_item(item: NavItem) -> None:
    """Later domains add their pages here from their AppConfig.ready()."""
    NAV_ITEMS.append(item)


def nav_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """Sections with the links this user may open, current one marked."""
    sections: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    for item in NAV_ITEMS:
        if item.capability is not None and not can(user, item.capability):
            continue
        url = reverse(item.url_name)
        section = sections.setdefault(str(item.section), {"title": item.section, "items": []})
        badge = item.badge(user) if item.badge is not None else None
        link = {"label": item.label, "url": url, "icon": item.icon, "active": False, "badge": badge}
        section["items"].append(link)
        links.append(link)
    # Only the most specific match is current (/accounts/tokens/ is not also /accounts/).
    matches = [
        link
        for link in links
        if current_path == link["url"]
        or (link["url"] != "/" and current_path.startswith(link["url"]))
    ]
    if matches:
        max(matches, key=lambda link: len(link["url"]))["active"] = True
    return list(sections.values())

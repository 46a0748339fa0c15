"""The left navigation: an explicit registry; each entry names the capability it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can


@dataclass(frozen=True)
class NavItem:
    """One link in the navigation; shown only to users holding `capability`."""

    section: str | Promise
    label: str | Promise
    url_name: str
    capability: str | None = None
    icon: str = "•"


NAV_ITEMS: list[NavItem] = [
    NavItem(_("ホーム"), _("ホーム"), "web:home", None, "⌂"),
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
    NavItem(_("管理"), _("監査ログ"), "web:audit_list", "core.view_audit", "🔒"),
    NavItem(_("管理"), _("APIトークン"), "web:token_list", "core.manage_tokens", "🔑"),
]


def register_nav_item(item: NavItem) -> None:
    """Later domains add their pages here from their AppConfig.ready()."""
    NAV_ITEMS.append(item)


def nav_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """Sections with the links this user may open, current one marked."""
    sections: dict[str, dict[str, Any]] = {}
    for item in NAV_ITEMS:
        if item.capability is not None and not can(user, item.capability):
            continue
        url = reverse(item.url_name)
        section = sections.setdefault(str(item.section), {"title": item.section, "items": []})
        active = current_path == url or (url != "/" and current_path.startswith(url))
        section["items"].append(
            {"label": item.label, "url": url, "icon": item.icon, "active": active}
        )
    return list(sections.values())

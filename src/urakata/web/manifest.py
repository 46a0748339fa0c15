"""The web shell in one place: home, account and administration pages (mounted last, at /)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DomainManifest, NavEntry

ADMIN = _("管理")

MANIFEST = DomainManifest(
    label="web",
    order=900,
    depends_on=("core", "org", "workflow", "assistant", "ledger"),
    navigation=(
        NavEntry(_("ホーム"), _("ホーム"), "web:home", None, "⌂", 0),
        NavEntry(ADMIN, _("監査ログ"), "web:audit_list", "core.view_audit", "🔒", 900),
        NavEntry(ADMIN, _("APIトークン"), "web:token_list", "core.manage_tokens", "🔑", 910),
        NavEntry(ADMIN, _("ログインロック"), "web:login_locks", "core.manage_logins", "🚪", 920),
        NavEntry(ADMIN, _("ロール管理"), "web:role_list", "core.manage_roles", "🛡", 925),
        NavEntry(ADMIN, _("アカウント設定"), "web:account", None, "⚙", 930),
    ),
    urls="urakata.web.urls",
    url_prefix="",
)

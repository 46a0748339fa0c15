"""Roles are Django groups; these are their names and what each is for."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    """The built-in roles (ロール)."""

    EMPLOYEE = "employee"
    MANAGER = "manager"
    ACCOUNTING = "accounting"
    HR = "hr"
    GENERAL_AFFAIRS = "general_affairs"
    EXECUTIVE = "executive"
    ADMIN = "admin"
    AI_OPERATOR = "ai_operator"
    AUDITOR = "auditor"


ROLE_LABELS: dict[Role, Any] = {
    Role.EMPLOYEE: _("一般社員"),
    Role.MANAGER: _("管理職"),
    Role.ACCOUNTING: _("経理"),
    Role.HR: _("人事"),
    Role.GENERAL_AFFAIRS: _("総務"),
    Role.EXECUTIVE: _("経営層"),
    Role.ADMIN: _("システム管理者"),
    Role.AI_OPERATOR: _("AI運用担当"),
    Role.AUDITOR: _("監査担当"),
}


def user_roles(user: Any) -> frozenset[str]:
    """The role names of a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_urakata_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN.value)
        cached = frozenset(names)
        user._urakata_roles = cached
    return cached


def has_any_role(user: Any, *roles: Role) -> bool:
    """True when the user holds at least one of the roles (admin holds all)."""
    held = user_roles(user)
    if Role.ADMIN.value in held:
        return True
    return any(role.value in held for role in roles)

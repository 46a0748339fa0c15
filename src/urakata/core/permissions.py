"""Capabilities: which roles may use which feature. One table, checked at the interface.

Row scope lives in each domain's `QuerySet.visible_to(user)`; business rules live in services.
"""

from __future__ import annotations

from typing import Any

import rules

from urakata.core.errors import PermissionDenied
from urakata.core.roles import Role, has_any_role

# capability name -> roles allowed (admin is always allowed)
CAPABILITIES: dict[str, tuple[Role, ...]] = {
    "org.view_directory": tuple(Role),
    "org.manage_employees": (Role.HR,),
    "org.view_employee_private": (Role.HR,),
    "org.manage_departments": (Role.HR, Role.GENERAL_AFFAIRS),
    "org.manage_company": (),
    "org.view_counterparties": (
        Role.ACCOUNTING,
        Role.GENERAL_AFFAIRS,
        Role.EXECUTIVE,
        Role.AUDITOR,
        Role.MANAGER,
    ),
    "org.manage_counterparties": (Role.ACCOUNTING, Role.GENERAL_AFFAIRS),
    "org.import_export": (Role.HR, Role.ACCOUNTING, Role.GENERAL_AFFAIRS),
    "core.view_audit": (Role.AUDITOR,),
    "core.manage_tokens": tuple(Role),
}


def register_capability(name: str, roles: tuple[Role, ...]) -> None:
    """Later domains add their capabilities here at import time."""
    CAPABILITIES[name] = roles


def can(user: Any, capability: str) -> bool:
    """May this user use the feature?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = CAPABILITIES.get(capability)
    if roles is None:
        raise KeyError(f"unknown capability {capability!r}")
    return has_any_role(user, *roles)


def require(user: Any, capability: str) -> None:
    """Raise PermissionDenied unless the user may use the feature."""
    if not can(user, capability):
        raise PermissionDenied("この操作を行う権限がありません。")


@rules.predicate
def is_admin(user: Any) -> bool:
    return has_any_role(user)


def _capability_predicate(capability: str) -> Any:
    @rules.predicate(name=capability)
    def predicate(user: Any) -> bool:
        return can(user, capability)

    return predicate


def sync_rules() -> None:
    """Expose every capability as a django-rules permission (`user.has_perm(capability)`)."""
    for name in CAPABILITIES:
        if not rules.perm_exists(name):
            rules.add_perm(name, _capability_predicate(name))

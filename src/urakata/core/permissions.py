"""Capabilities: which roles may use which feature, checked at the interface.

Each domain declares its capabilities in its manifest (`<app>/manifest.py`, see `core.domains`).

Row scope lives in each domain's `QuerySet.visible_to(user)`; business rules live in services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import rules
from django.utils.translation import gettext as _

from urakata.core.domains import capability_table
from urakata.core.errors import PermissionDenied
from urakata.core.roles import Role, has_any_role


def can(user: Any, capability: str) -> bool:
    """May this user use the feature?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = capability_table().get(capability)
    if roles is None:
        raise KeyError(f"unknown capability {capability!r}")
    return has_any_role(user, *roles)


def require(user: Any, capability: str) -> None:
    """Raise PermissionDenied unless the user may use the feature."""
    if not can(user, capability):
        raise PermissionDenied(_("この操作を行う権限がありません。"))


class SystemActor:
    """The operator behind a CLI command, a scheduled job or the demo seeder.

    Holds every capability and is recorded in the audit chain as "system". Services check their
    capability against the actor they are given; code that runs without a signed-in user passes
    `SYSTEM` explicitly, so `actor=None` is refused like any other actor without the capability.
    """

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    _urakata_roles = frozenset({Role.ADMIN.value})

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


# ---------------------------------------------------------------- object rules
#
# Generic predicates for "whose record is this?" questions. The kernel knows nothing about
# employees or departments, so each domain passes small functions that answer, for its object,
# "which user owns it" and "which users manage it". Combine them with `|` / `&` and register
# them with `rules.add_perm("expenses.view_claim", owns(...) | manages(...) | capability(...))`.


def same_user(a: Any, b: Any) -> bool:
    """True when both are saved users with the same primary key (None never matches)."""
    a_pk = getattr(a, "pk", None)
    return a_pk is not None and a_pk == getattr(b, "pk", None)


def _signed_in(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def owns(owner_user: Callable[[Any], Any], *, name: str = "owns") -> Any:
    """Predicate(user, obj): the user is the record's owner, e.g. `lambda claim: claim.employee.user`."""

    @rules.predicate(name=name)
    def predicate(user: Any, obj: Any) -> bool:
        if obj is None or not _signed_in(user):
            return False
        return same_user(owner_user(obj), user)

    return predicate


def manages(manager_users: Callable[[Any], Iterable[Any]], *, name: str = "manages") -> Any:
    """Predicate(user, obj): the user is among the record's managers (部署長, 上長 chain)."""

    @rules.predicate(name=name)
    def predicate(user: Any, obj: Any) -> bool:
        if obj is None or not _signed_in(user):
            return False
        return any(same_user(manager, user) for manager in manager_users(obj))

    return predicate


def chain(start: Any, parent: Callable[[Any], Any], *, max_depth: int = 50) -> Iterable[Any]:
    """`start`, its parent, the parent's parent, … (stops at None, a cycle or max_depth)."""
    seen: set[tuple[type, Any]] = set()
    node = start
    while node is not None and len(seen) < max_depth:
        # Rows fetched twice are different Python objects: identify them by primary key.
        pk = getattr(node, "pk", None)
        key = (type(node), pk if pk is not None else id(node))
        if key in seen:
            return
        seen.add(key)
        yield node
        node = parent(node)


def capability(name: str) -> Any:
    """Predicate(user[, obj]) for a capability declared in a manifest (the object is ignored)."""

    @rules.predicate(name=f"capability:{name}")
    def predicate(user: Any) -> bool:
        return can(user, name)

    return predicate


def _capability_predicate(capability: str) -> Any:
    @rules.predicate(name=capability)
    def predicate(user: Any) -> bool:
        return can(user, capability)

    return predicate


def sync_rules() -> None:
    """Expose every capability as a django-rules permission (`user.has_perm(capability)`)."""
    for name in capability_table():
        if not rules.perm_exists(name):
            rules.add_perm(name, _capability_predicate(name))

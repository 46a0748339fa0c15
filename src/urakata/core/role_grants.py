"""Granting roles (ロール付与): the one audited way a user gains or loses a role.

Roles are Django groups named after `Role`; Django's own User/Group admin is read-only for them
(see core/admin.py), so every change goes through `user_roles_set` and leaves an audit event.
Groups that are not roles are left untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.core.roles import Role

ROLE_VALUES: frozenset[str] = frozenset(role.value for role in Role)


@dataclass(frozen=True)
class UserRoles:
    """A user and the roles it holds, for the role administration page."""

    user: Any
    roles: frozenset[str]

    @property
    def is_superuser(self) -> bool:
        return bool(self.user.is_superuser)


def _role_groups() -> Prefetch[Any]:
    return Prefetch(
        "groups", queryset=Group.objects.filter(name__in=ROLE_VALUES), to_attr="role_groups"
    )


def user_role_list(*, actor: Any, q: str = "") -> QuerySet[Any]:
    """Users with their role groups prefetched (`user.role_groups`), administrators only."""
    require(actor, "core.manage_roles")
    queryset = get_user_model().objects.order_by("username").prefetch_related(_role_groups())
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(
            Q(username__icontains=q) | Q(last_name__icontains=q) | Q(first_name__icontains=q)
        )
    return queryset


def user_roles_get(*, actor: Any, user_id: int) -> UserRoles:
    """One user and its roles (NotFound when there is no such user)."""
    require(actor, "core.manage_roles")
    user = get_user_model().objects.prefetch_related(_role_groups()).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("ユーザーが見つかりません。"))
    groups = getattr(user, "role_groups", [])  # prefetched by _role_groups
    return UserRoles(user=user, roles=frozenset(g.name for g in groups))


def _clean_roles(roles: Iterable[Any]) -> tuple[frozenset[str], list[str]]:
    names = {str(getattr(role, "value", role)).strip() for role in roles}
    names.discard("")
    unknown = sorted(names - ROLE_VALUES)
    return frozenset(names & ROLE_VALUES), unknown


def user_roles_set(*, actor: Any, user: Any, roles: Iterable[Role | str]) -> frozenset[str]:
    """Make `roles` exactly the user's roles; records `core.user.roles_set` (old → new).

    An administrator cannot take the admin role away from themselves (so the last person able
    to grant roles cannot lock everyone out by mistake). Returns the roles now held.
    """
    require(actor, "core.manage_roles")
    wanted, unknown = _clean_roles(roles)
    if unknown:
        raise ValidationFailed(
            _("不明なロールです: %(names)s") % {"names": ", ".join(unknown)},
            errors={"roles": [_("不明なロールです: %(names)s") % {"names": ", ".join(unknown)}]},
        )
    user_model = get_user_model()
    with transaction.atomic():
        locked = user_model.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:
            raise NotFound(_("ユーザーが見つかりません。"))
        held = frozenset(locked.groups.filter(name__in=ROLE_VALUES).values_list("name", flat=True))
        if (
            getattr(actor, "pk", None) == locked.pk
            and Role.ADMIN.value in held
            and Role.ADMIN.value not in wanted
        ):
            message = _("自分自身からシステム管理者ロールを外すことはできません。")
            raise ValidationFailed(message, errors={"roles": [message]})
        if held == wanted:
            return held
        removed = held - wanted
        if removed:
            locked.groups.remove(*Group.objects.filter(name__in=removed))
        for name in sorted(wanted - held):
            locked.groups.add(Group.objects.get_or_create(name=name)[0])
        audit_record(
            actor=actor,
            action="core.user.roles_set",
            target=locked,
            changes={"roles": [sorted(held), sorted(wanted)]},
        )
    for obj in (user, locked):  # the per-request role cache is stale now
        obj.__dict__.pop("_urakata_roles", None)
    return wanted

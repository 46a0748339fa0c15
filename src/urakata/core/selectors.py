"""Core reads: the audit log (for auditors), API tokens, login locks, two-factor state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from urakata.core.errors import NotFound
from urakata.core.models import ApiToken, AuditEvent, LoginThrottle
from urakata.core.permissions import require
from urakata.core.roles import user_roles


@dataclass
class AuditFilters:
    """Filters for the audit log page and its CSV export."""

    actor: str = ""
    target: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_event_list(*, actor: Any, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    """Audit events, newest first; only auditors (and admins) may read them."""
    require(actor, "core.view_audit")
    filters = filters or AuditFilters()
    queryset = AuditEvent.objects.all()
    if filters.actor:
        queryset = queryset.filter(actor_label__icontains=filters.actor)
    if filters.target:
        queryset = queryset.filter(
            Q(target_type__icontains=filters.target)
            | Q(target_repr__icontains=filters.target)
            | Q(target_id=filters.target)
        )
    if filters.action:
        queryset = queryset.filter(action__icontains=filters.action)
    # Dates are days in the site's time zone (JST); compare as a datetime range so `at`'s index works.
    if filters.date_from:
        queryset = queryset.filter(at__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(at__lt=_start_of_day(filters.date_to + dt.timedelta(days=1)))
    return queryset.order_by("-seq")


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def api_token_list(*, actor: Any) -> QuerySet[ApiToken]:
    """The actor's own tokens."""
    require(actor, "core.manage_tokens")
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def login_lock_list(*, actor: Any) -> QuerySet[LoginThrottle]:
    """Usernames with failed logins counted, locked ones first (administrators only)."""
    require(actor, "core.manage_logins")
    return LoginThrottle.objects.order_by(
        F("locked_until").desc(nulls_last=True), F("last_failure_at").desc(nulls_last=True)
    )


def two_factor_required_by_role(user: Any) -> bool:
    """True when one of the user's roles is in URAKATA_2FA_REQUIRED_ROLES."""
    required = set(settings.URAKATA_2FA_REQUIRED_ROLES)
    return bool(required and required & user_roles(user))


def two_factor_enabled(user: Any) -> bool:
    """True when the user has a confirmed TOTP device (set up by policy or voluntarily)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_by_username(*, actor: Any, username: str) -> Any:
    """A user by login name, for administrators' security pages (NotFound if none)."""
    require(actor, "core.manage_logins")
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None:
        raise NotFound(_("ユーザーが見つかりません。"))
    return user


# ---------------------------------------------------------------- roles (see role_grants)

from urakata.core.role_grants import UserRoles as UserRoles  # noqa: E402
from urakata.core.role_grants import user_role_list as user_role_list  # noqa: E402
from urakata.core.role_grants import user_roles_get as user_roles_get  # noqa: E402

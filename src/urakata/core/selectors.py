"""Core reads: the audit log (for auditors) and a user's API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from urakata.core.models import ApiToken, AuditEvent
from urakata.core.permissions import require


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
    if filters.date_from:
        queryset = queryset.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(at__date__lte=filters.date_to)
    return queryset.order_by("-seq")


def api_token_list(*, actor: Any) -> QuerySet[ApiToken]:
    """The actor's own tokens."""
    require(actor, "core.manage_tokens")
    return ApiToken.objects.filter(user=actor).order_by("-created_at")

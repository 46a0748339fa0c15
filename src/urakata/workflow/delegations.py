"""代理承認 (delegation): who may act for whom, and when. Each change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import NotFound, PermissionDenied, ValidationFailed
from urakata.core.permissions import can, require
from urakata.workflow.models import Delegation


def active_delegator_ids(user: Any, on: dt.date | None = None) -> list[int]:
    """Users for whom `user` may act today (代理承認の委任を受けている相手)."""
    on = on or timezone.localdate()
    return list(
        Delegation.objects.filter(
            delegate=user, start_date__lte=on, end_date__gte=on, revoked_at__isnull=True
        ).values_list("delegator_id", flat=True)
    )


def delegation_create(
    *,
    actor: Any,
    delegate: Any,
    start_date: dt.date,
    end_date: dt.date,
    reason: str = "",
    delegator: Any | None = None,
) -> Delegation:
    """Let `delegate` approve for the delegator during a period (代理承認の委任)."""
    require(actor, "workflow.use")
    delegator = delegator or actor
    if delegator.pk != actor.pk and not can(actor, "workflow.proxy_approve"):
        raise PermissionDenied(_("他の人の代理を設定できるのは管理者だけです。"))
    errors: dict[str, list[str]] = {}
    if delegate is None or not delegate.is_active:
        errors.setdefault("delegate", []).append(_("代理人が見つかりません。"))
    elif delegate.pk == delegator.pk:
        errors.setdefault("delegate", []).append(_("自分自身を代理人にはできません。"))
    if start_date and end_date and end_date < start_date:
        errors.setdefault("end_date", []).append(_("終了日は開始日以降にしてください。"))
    if errors:
        raise ValidationFailed(_("代理承認を設定できません。"), errors=errors)
    with transaction.atomic():
        delegation = Delegation.objects.create(
            delegator=delegator,
            delegate=delegate,
            start_date=start_date,
            end_date=end_date,
            reason=reason[:200],
        )
        audit_record(
            actor=actor,
            action="workflow.delegation.create",
            target=delegation,
            changes={
                "delegator": delegator.pk,
                "delegate": delegate.pk,
                "start_date": start_date,
                "end_date": end_date,
            },
        )
    return delegation


def delegation_revoke(*, actor: Any, delegation_id: int) -> Delegation:
    """End a delegation now."""
    with transaction.atomic():
        queryset = Delegation.objects.select_for_update().filter(
            pk=delegation_id, revoked_at__isnull=True
        )
        if not can(actor, "workflow.proxy_approve"):
            queryset = queryset.filter(delegator=actor)
        delegation = queryset.first()
        if delegation is None:
            raise NotFound(_("代理設定が見つかりません。"))
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="workflow.delegation.revoke", target=delegation)
    return delegation

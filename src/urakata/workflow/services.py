"""Request lifecycle (申請・承認・却下・差し戻し・再申請・取り下げ・コメント・代理承認).

Every action locks the request row (`select_for_update`) and re-checks, under the lock, that the
step is still pending for this approver; two approvers acting at once therefore produce exactly
one transition, and a request is decided at most once (also a unique constraint on Action).

This module holds submission and re-exports the rest: approver actions (`services_approver`),
applicant actions (`services_applicant`), shared helpers (`services_common`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Department
from urakata.workflow.models import (
    Action,
    ApprovalRequest,
)
from urakata.workflow.registry import condition_values, get_subject_type, subject_key
from urakata.workflow.resolution import applicant_employee
from urakata.workflow.routes import route_seed as route_seed
from urakata.workflow.routes import route_select, route_snapshot
from urakata.workflow.services_applicant import request_comment as request_comment
from urakata.workflow.services_applicant import request_resubmit as request_resubmit
from urakata.workflow.services_applicant import request_withdraw as request_withdraw
from urakata.workflow.services_approver import request_approve as request_approve
from urakata.workflow.services_approver import request_bulk_approve as request_bulk_approve
from urakata.workflow.services_approver import request_proxy_approve as request_proxy_approve
from urakata.workflow.services_approver import request_reject as request_reject
from urakata.workflow.services_approver import request_return as request_return
from urakata.workflow.services_common import AStatus as AStatus
from urakata.workflow.services_common import SStatus as SStatus
from urakata.workflow.services_common import Status as Status
from urakata.workflow.services_common import (
    _build_round,
    _save,
)

# ---------------------------------------------------------------- submit


def request_submit(
    *,
    actor: Any,
    subject: Any,
    title: str,
    amount: int | None = None,
    department: Department | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> ApprovalRequest:
    """Route a registered subject for approval (申請); picks the route and freezes its version."""
    require(actor, "workflow.use")
    key = subject_key(subject)
    if get_subject_type(key) is None:
        raise ValidationFailed(_("%(key)s は承認対象として登録されていません。") % {"key": key})
    values = condition_values(subject)
    route = route_select(subject_type=key, values=values)
    if department is None:
        employee = applicant_employee(actor)
        department = employee.department if employee else None
    now = now or timezone.now()
    with transaction.atomic():
        request = ApprovalRequest.objects.create(
            number=uuid.uuid4().hex[:20],
            subject_type=key,
            subject_id=subject.pk,
            title=title[:200],
            amount=amount,
            applicant=actor,
            department=department,
            route=route,
            route_version=route.version,
            route_snapshot=route_snapshot(route),
            submitted_at=now,
            updated_at=now,
        )
        request.number = f"WF-{now:%Y}-{request.pk:06d}"
        request.save(update_fields=["number"])
        Action.objects.create(
            request=request, kind=Action.Kind.SUBMIT, actor=actor, comment=comment, at=now
        )
        _build_round(request, values, now)
        _save(request, now)
        audit_record(
            actor=actor,
            action="workflow.request.submit",
            target=request,
            changes={
                "subject": key,
                "subject_id": subject.pk,
                "route": route.pk,
                "version": route.version,
            },
        )
    return request

"""Received invoices routed through the workflow (承認ルート): submit, and the decision hooks.

The built-in route asks one 経営層 member to approve; administrators may change it (amount
conditions, more steps) on the workflow's route pages. Approval posts the purchase entry as the
approver (`received.approve_now`), rejection marks the invoice 差戻し.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict
from urakata.core.permissions import require
from urakata.invoicing.models import ReceivedInvoice
from urakata.invoicing.received import approve_now
from urakata.workflow import services as workflow_services
from urakata.workflow.registry import subject_key, subject_type


def route_data() -> dict[str, Any]:
    return {
        "name": "受領請求書の承認",
        "subject_type": subject_key(ReceivedInvoice),
        "conditions": [],
        "priority": 0,
        "is_active": True,
        "steps": [
            {
                "name": "経営層の承認",
                "approvers": [{"kind": "role", "role": "executive"}],
                "quorum": "any",
            }
        ],
    }


def received_submit(*, actor: Any, received: ReceivedInvoice) -> ReceivedInvoice:
    """Send a received invoice for approval along its route (支払の承認申請)."""
    require(actor, "invoicing.manage")
    workflow_services.route_seed(data=route_data())
    with transaction.atomic():
        locked = ReceivedInvoice.objects.select_for_update().get(pk=received.pk)
        if locked.status != ReceivedInvoice.Status.RECEIVED:
            raise Conflict(_("この受領請求書は申請済みか処理済みです。"))
        locked.status = ReceivedInvoice.Status.SUBMITTED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="invoicing.received.submit",
            target=locked,
            changes={"status": [ReceivedInvoice.Status.RECEIVED, ReceivedInvoice.Status.SUBMITTED]},
        )
        workflow_services.request_submit(
            actor=actor,
            subject=locked,
            title=_("受領請求書: %(issuer)s %(number)s")
            % {"issuer": locked.issuer_name, "number": locked.number},
            amount=locked.total,
        )
    return locked


def _approver(request: Any) -> Any:
    action = request.actions.filter(kind="approve").order_by("-at", "-pk").first()
    return action.actor if action is not None else None


def _on_approved(subject: ReceivedInvoice, request: Any) -> None:
    approve_now(actor=_approver(request), received=subject)


def _on_rejected(subject: ReceivedInvoice, request: Any) -> None:
    _back(subject, ReceivedInvoice.Status.REJECTED)


def _on_withdrawn(subject: ReceivedInvoice, request: Any) -> None:
    _back(subject, ReceivedInvoice.Status.RECEIVED)


def _back(subject: ReceivedInvoice, status: str) -> None:
    old = subject.status
    subject.status = status
    subject.save(update_fields=["status"])
    audit_record(
        actor=None,
        action="invoicing.received.decided",
        target=subject,
        changes={"status": [old, status]},
    )


def _describe(subject: ReceivedInvoice) -> list[tuple[str, str]]:
    return [
        (_("発行者"), subject.issuer_name),
        (_("登録番号"), subject.registration_number or "—"),
        (_("請求金額"), f"{subject.total:,}"),
        (_("支払期限"), str(subject.due_date or "")),
    ]


RECEIVED_SUBJECT = subject_type(
    ReceivedInvoice,
    label=gettext_noop("受領請求書"),
    on_approved=_on_approved,
    on_rejected=_on_rejected,
    on_withdrawn=_on_withdrawn,
    fields_for_conditions=("total",),
    describe=_describe,
)

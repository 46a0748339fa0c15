"""購買申請: a supply request routed through the workflow engine (by amount and category); when
approved, a purchase order goes to the item's vendor."""

from __future__ import annotations

from decimal import ROUND_FLOOR
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM, require
from urakata.facilities.models import SupplyItem, SupplyRequest
from urakata.facilities.supplies import _quantity, purchase_order_create
from urakata.workflow import services as workflow_services
from urakata.workflow.registry import subject_key, subject_type

LARGE_AMOUNT = 100_000  # from here 経営層 approves too


def request_routes() -> list[dict[str, Any]]:
    """Built-in routes: the department manager, then 総務; large amounts also 経営層."""
    key = subject_key(SupplyRequest)
    manager = {"name": "部署長承認", "approvers": [{"kind": "department_manager"}]}
    soumu = {
        "name": "総務確認",
        "approvers": [{"kind": "role", "role": "general_affairs"}],
        "quorum": "any",
    }
    executive = {
        "name": "経営層承認",
        "approvers": [{"kind": "role", "role": "executive"}],
        "quorum": "any",
    }
    return [
        {
            "name": "購買申請",
            "subject_type": key,
            "conditions": [],
            "priority": 0,
            "is_active": True,
            "steps": [manager, soumu],
        },
        {
            "name": "購買申請(10万円以上)",
            "subject_type": key,
            "priority": 10,
            "is_active": True,
            "conditions": [{"field": "amount", "op": ">=", "value": str(LARGE_AMOUNT)}],
            "steps": [manager, soumu, executive],
        },
    ]


def supply_request_submit(
    *, actor: Any, item_id: int, quantity: Any, reason: str = ""
) -> SupplyRequest:
    """Ask for an item from the catalogue (購買申請); routed for approval at once."""
    require(actor, "facilities.view_supplies")
    require(actor, "workflow.use")
    errors: dict[str, list[str]] = {}
    item = SupplyItem.objects.filter(pk=item_id, is_active=True).first()
    if item is None:
        errors["item_id"] = [_("品目が見つかりません。")]
    amount_quantity = _quantity(quantity, "quantity", errors)
    if errors or item is None:
        raise ValidationFailed(_("購買申請できません。"), errors=errors)
    amount = int((amount_quantity * item.unit_price).to_integral_value(rounding=ROUND_FLOOR))
    for data in request_routes():
        workflow_services.route_seed(data=data)
    with transaction.atomic():
        request = SupplyRequest.objects.create(
            requested_by=actor,
            item=item,
            category=item.category,
            quantity=amount_quantity,
            amount=amount,
            reason=reason.strip()[:300],
        )
        audit_record(
            actor=actor,
            action="facilities.request.submit",
            target=request,
            changes={"item": item.code, "quantity": str(amount_quantity), "amount": amount},
        )
        workflow_services.request_submit(
            actor=actor,
            subject=request,
            title=_("購買申請: %(name)s × %(quantity)s")
            % {"name": item.name, "quantity": amount_quantity},
            amount=amount,
            comment=request.reason,
        )
    return request


def supply_request_list(*, actor: Any) -> QuerySet[SupplyRequest]:
    require(actor, "facilities.view_supplies")
    return SupplyRequest.objects.visible_to(actor).select_related("item", "order")


def _decided(subject: SupplyRequest, status: str, actor: Any) -> None:
    old = subject.status
    subject.status = status
    subject.save(update_fields=["status", "order"])
    audit_record(
        actor=actor,
        action=f"facilities.request.{status}",
        target=subject,
        changes={"status": [old, status], "order": subject.order_id},
    )


def _on_approved(subject: SupplyRequest, request: Any) -> None:
    """Approved: order from the item's vendor (as the system: the approver need not be 総務)."""
    vendor = subject.item.vendor_id
    if vendor is not None:
        subject.order = purchase_order_create(
            actor=SYSTEM,
            vendor_id=vendor,
            lines=[{"item_id": subject.item_id, "quantity": subject.quantity}],
            delivery_address=_("申請者: %(user)s") % {"user": subject.requested_by},
        )
    last = request.actions.filter(kind="approve").order_by("-at", "-pk").first()
    _decided(subject, SupplyRequest.Status.APPROVED, last.actor if last else None)


def _on_rejected(subject: SupplyRequest, request: Any) -> None:
    _decided(subject, SupplyRequest.Status.REJECTED, None)


def _on_withdrawn(subject: SupplyRequest, request: Any) -> None:
    _decided(subject, SupplyRequest.Status.WITHDRAWN, subject.requested_by)


def _describe(subject: SupplyRequest) -> list[tuple[str, str]]:
    return [
        (_("品目"), f"{subject.item.code} {subject.item.name}"),
        (_("数量"), f"{subject.quantity} {subject.item.unit}"),
        (_("金額"), f"{subject.amount:,}"),
        (_("理由"), subject.reason),
        (_("状態"), str(subject.get_status_display())),
    ]


# Listed in the facilities manifest: routes may use the amount and the item's category.
REQUEST_SUBJECT = subject_type(
    SupplyRequest,
    label=gettext_noop("購買申請"),
    on_approved=_on_approved,
    on_rejected=_on_rejected,
    on_withdrawn=_on_withdrawn,
    fields_for_conditions=("amount", "category"),
    describe=_describe,
)

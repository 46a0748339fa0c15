"""購買申請 through the workflow engine: routed by amount, ordered when approved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from urakata.core.errors import ValidationFailed
from urakata.core.roles import Role
from urakata.facilities import supply_requests
from urakata.facilities.models import PurchaseOrder, SupplyRequest
from urakata.facilities.tests import factories
from urakata.org.models import Counterparty
from urakata.workflow.models import ApprovalRequest
from urakata.workflow.services_approver import request_approve, request_reject
from urakata.workflow.tests.factories import make_org, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> dict[str, object]:
    org = make_org()
    soumu = person(Role.GENERAL_AFFAIRS, department=org.hq, username="soumu")
    vendor = Counterparty.objects.create(code="V7", name="オフィス商会", is_supplier=True)
    paper = factories.item(vendor_id=vendor.pk)
    chair = factories.item(code="CHAIR", name="事務椅子", unit_price=38_000, vendor_id=vendor.pk)
    return {"org": org, "soumu": soumu, "paper": paper, "chair": chair}


def _approve_all(request: ApprovalRequest, approvers: list[object]) -> ApprovalRequest:
    for approver in approvers:
        request = request_approve(actor=approver, request_id=request.pk)
    return request


def test_small_request_is_approved_by_manager_and_soumu_then_ordered(setup: dict) -> None:
    org = setup["org"]
    request = supply_requests.supply_request_submit(
        actor=org.applicant, item_id=setup["paper"].pk, quantity="10", reason="在庫切れ"
    )
    assert request.amount == 4_500
    flow = ApprovalRequest.objects.get(
        subject_id=request.pk, subject_type="facilities.supplyrequest"
    )
    assert [s["name"] for s in flow.route_snapshot["steps"]] == ["部署長承認", "総務確認"]
    _approve_all(flow, [org.sales_manager, setup["soumu"]])
    request.refresh_from_db()
    assert request.status == SupplyRequest.Status.APPROVED
    order = PurchaseOrder.objects.get(pk=request.order_id)
    line = order.lines.get()
    assert (line.item_id, line.quantity, order.total) == (setup["paper"].pk, Decimal(10), 4_500)


def test_large_request_also_needs_an_executive(setup: dict) -> None:
    org = setup["org"]
    request = supply_requests.supply_request_submit(
        actor=org.applicant, item_id=setup["chair"].pk, quantity="3"
    )
    assert request.amount == 114_000
    flow = ApprovalRequest.objects.get(
        subject_id=request.pk, subject_type="facilities.supplyrequest"
    )
    assert [s["name"] for s in flow.route_snapshot["steps"]] == [
        "部署長承認",
        "総務確認",
        "経営層承認",
    ]
    request_reject(actor=org.sales_manager, request_id=flow.pk, comment="予算外")
    request.refresh_from_db()
    assert request.status == SupplyRequest.Status.REJECTED and request.order_id is None
    assert not PurchaseOrder.objects.exists()


def test_bad_request_is_refused(setup: dict) -> None:
    with pytest.raises(ValidationFailed) as failed:
        supply_requests.supply_request_submit(
            actor=setup["org"].applicant, item_id=999_999, quantity="-2"
        )
    assert {"item_id", "quantity"} <= set(failed.value.errors)
    assert not SupplyRequest.objects.exists()

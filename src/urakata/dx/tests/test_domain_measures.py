"""Every business domain's process measures (hook `dx.process_measures`) on hand-made events.

Each test writes a few audit events at chosen moments (through the domain's services where
that is practical, else `audit_record` on the domain's own targets) and checks the measure
against the value computed by hand. The clock is set with `mock.patch` on
`django.utils.timezone.now`: audit events carry the time of the write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from unittest import mock

import pytest
from django.db import models
from django.utils import timezone

from urakata.core.audit import audit_record
from urakata.core.domains import manifests
from urakata.core.permissions import SYSTEM
from urakata.dx.kpis import measure_definitions, measure_value

pytestmark = pytest.mark.django_db

# Platform apps, not business processes: they declare no measures of their own.
PLATFORM = {"core", "org", "web", "dx", "assistant"}
T0 = timezone.make_aware(dt.datetime(2025, 10, 6, 9, 0))  # a Monday, 09:00 local
WINDOW = {"date_from": dt.date(2025, 10, 1), "date_to": dt.date(2025, 12, 31)}


@contextmanager
def clock(moment: dt.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


class _Target:
    """A stand-in audit target: the model's type and a primary key (no row needed)."""

    def __init__(self, model: type[models.Model], pk: int) -> None:
        self._meta = model._meta
        self.pk = pk

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


def event(action: str, hours: float, target: Any = None, **changes: Any) -> None:
    with clock(at(hours)):
        audit_record(
            actor=SYSTEM, action=action, target=cast(models.Model, target), changes=changes
        )


def value(key: str) -> float | None:
    return measure_value(key, **WINDOW)


def test_every_business_domain_declares_measures() -> None:
    definitions = measure_definitions()
    domains = {m.label for m in manifests()} - PLATFORM
    assert domains >= {"expenses", "invoicing", "payroll", "attendance", "documents"}
    assert domains >= {"facilities", "payments", "ledger", "workflow"}
    declared = {d["domain"] for d in definitions.values()}
    assert domains <= declared, sorted(domains - declared)
    for key, definition in definitions.items():
        assert key.startswith(definition["domain"] + ".")
        assert definition["label"] and definition["label"] != key
        if definition["kind"] == "count":
            assert definition["actions"]
        elif definition["kind"] == "ratio":
            assert definition["numerator"] and definition["denominator"]
        else:
            assert definition["end"] and (definition.get("start") or definition.get("start_key"))
        for name in ("actions", "numerator", "denominator", "start", "end"):
            for action in definition.get(name, []):
                assert action.startswith(definition["domain"] + "."), action


def test_expenses_measures_through_the_services() -> None:
    from urakata.core.errors import ValidationFailed
    from urakata.expenses import services
    from urakata.expenses.approval import claim_settled
    from urakata.expenses.tests.factories import claim_with_line, team

    member = team()["member"]
    first = claim_with_line(member, seed=11)
    second = claim_with_line(member, seed=12, payee="株式会社アオバ")
    refused = claim_with_line(member, seed=13, category="meeting", amount=5_000)
    with clock(at(0)):
        services.claim_submit(actor=member, claim_id=first.pk)
        services.claim_submit(actor=member, claim_id=second.pk)
        with pytest.raises(ValidationFailed):
            services.claim_submit(actor=member, claim_id=refused.pk)  # 参加者なし: error
    with clock(at(30)):
        claim_settled(actor=SYSTEM, source_id=first.pk, paid_on=at(30).date(), batch_id=1)
    with clock(at(50)):
        claim_settled(actor=SYSTEM, source_id=second.pk, paid_on=at(50).date(), batch_id=2)
    assert value("expenses.claims_submitted") == 2.0
    assert value("expenses.submit_to_paid") == 40.0  # median of 30 h and 50 h
    assert value("expenses.policy_error_rate") == round(1 / 3, 4)  # 1 refused of 3 attempts


def test_invoicing_measures() -> None:
    from urakata.invoicing import services
    from urakata.invoicing.models import ReceivedInvoice
    from urakata.invoicing.recurring import dunning_send
    from urakata.invoicing.tests.factories import customer, issued

    with clock(at(0)):
        paid_fast = issued()
        paid_slow = issued(cp=customer(name="株式会社川田", email="ap@kawada.example"))
        open_one = issued(cp=customer(name="株式会社森", email="ap@mori.example"))
    with clock(at(24)):
        services.payment_apply(
            actor=SYSTEM, date=at(24).date(), allocations=[(paid_fast, paid_fast.total, 0)]
        )
    with clock(at(48)):  # partly, then the rest: paid only once, at 72 h
        services.payment_apply(actor=SYSTEM, date=at(48).date(), allocations=[(paid_slow, 1, 0)])
    paid_slow.refresh_from_db()
    with clock(at(72)):
        services.payment_apply(
            actor=SYSTEM, date=at(72).date(), allocations=[(paid_slow, paid_slow.open_amount, 0)]
        )
    # 督促 twice (a week apart) for the one still open: one overdue invoice of three issued.
    for hours in (100, 100 + 8 * 24):
        with clock(at(hours)):
            late = open_one.due_date + dt.timedelta(days=1 + hours // 24)
            assert dunning_send(actor=SYSTEM, today=late) == [open_one]
    received_a, received_b = _Target(ReceivedInvoice, 9001), _Target(ReceivedInvoice, 9002)
    event("invoicing.received.create", 0, received_a)  # approved directly: from its registration
    event("invoicing.received.approve", 5, received_a)
    event("invoicing.received.create", 1, received_b)
    event("invoicing.received.submit", 2, received_b)  # through the route: still from registration
    event("invoicing.received.approve", 8, received_b)
    assert value("invoicing.invoices_issued") == 3.0
    assert value("invoicing.issue_to_paid") == 48.0  # median of 24 h and 72 h
    assert value("invoicing.overdue_share") == round(1 / 3, 4)
    assert value("invoicing.received_approval") == 6.0  # median of 5 h and 7 h


def test_payroll_measures() -> None:
    from urakata.payroll.models import PayRun

    october, revision, unfixed = (_Target(PayRun, pk) for pk in (9001, 9002, 9003))
    event("payroll.pay_run.calculate", 0, october)
    event("payroll.pay_run.approve", 4, october, status=["submitted", "fixed"])
    event("payroll.pay_run.calculate", 100, revision, reason=[None, "通勤手当の訂正"])
    event(
        "payroll.pay_run.approve",
        108,
        revision,
        status=["checked", "fixed"],
        superseded=[None, 9001],
    )
    event("payroll.pay_run.calculate", 200, unfixed)  # never fixed: not in the median
    assert value("payroll.runs_fixed") == 2.0
    assert value("payroll.draft_to_fixed") == 6.0  # median of 4 h and 8 h
    assert value("payroll.correction_share") == 0.5  # one of the two fixes corrected a fixed run


def test_attendance_measures_through_the_services() -> None:
    from urakata.attendance import services
    from urakata.attendance.models import ClockRecord
    from urakata.attendance.models_leave import ClockCorrection

    records = [_Target(ClockRecord, pk) for pk in (9001, 9002, 9003, 9004)]
    for i, record in enumerate(records[:3]):
        event("attendance.clock.in", i, record)
    event("attendance.record.add", 5, records[3])
    event("attendance.correction.request", 6, _Target(ClockCorrection, 9001))
    # October closed 1 day 9 h after its end (Nov 1 00:00 → Nov 2 09:00), November 12 h after.
    with clock(timezone.make_aware(dt.datetime(2025, 11, 2, 9, 0))):
        services.month_close(actor=SYSTEM, year=2025, month=10)
    with clock(timezone.make_aware(dt.datetime(2025, 12, 1, 12, 0))):
        services.month_close(actor=SYSTEM, year=2025, month=11)
    assert value("attendance.correction_share") == 0.25  # 1 request / (3 clock-ins + 1 added)
    assert value("attendance.close_lead_time") == 22.5  # median of 33 h and 12 h


def test_documents_measures() -> None:
    from urakata.documents.contract_models import Contract
    from urakata.documents.models import Document

    for pk in (9001, 9002, 9003):
        event("documents.document.create", pk - 9000, _Target(Document, pk))
    concluded, pending = _Target(Contract, 9001), _Target(Contract, 9002)
    event("documents.contract.create", 0, concluded)
    event("documents.contract.company_sign", 20, concluded)
    event("documents.contract.counterparty_sign", 72, concluded)
    event("documents.contract.create", 10, pending)  # not signed yet: no duration
    assert value("documents.filed") == 3.0
    assert value("documents.contract_to_concluded") == 72.0


def test_facilities_measures() -> None:
    from urakata.facilities.models import PurchaseOrder, SupplyRequest, Visit

    request, order = _Target(SupplyRequest, 9001), _Target(PurchaseOrder, 9001)
    event("facilities.request.submit", 0, request)
    event("facilities.request.approved", 3, request)
    event("facilities.order.create", 3, order)
    event("facilities.order.receive", 53, order)
    for pk in (9001, 9002):
        event("facilities.visit.check_in", 60, _Target(Visit, pk))
    assert value("facilities.request_to_order") == 3.0
    assert value("facilities.order_to_receipt") == 50.0
    assert value("facilities.visitor_check_ins") == 2.0


def test_payments_measures() -> None:
    from urakata.payments.models import PaymentBatch

    quick, withdrawn = _Target(PaymentBatch, 9001), _Target(PaymentBatch, 9002)
    event("payments.batch.submit", 0, quick)
    event("payments.batch.approve", 1.5, quick)
    event("payments.batch.submit", 0, withdrawn)
    event("payments.batch.withdraw", 1, withdrawn)
    event("payments.batch.submit", 2, withdrawn)
    event("payments.batch.approve", 4.5, withdrawn)  # first submit → last approval: 4.5 h
    assert value("payments.batch_approval") == 3.0  # median of 1.5 h and 4.5 h

"""算定基礎 and 随時改定 detection on fixed pay runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.roles import Role
from urakata.payroll import insurance_events, services
from urakata.payroll.tests.factories import PayProfileFactory

pytestmark = pytest.mark.django_db


def _fix(hr: Any, month: dt.date) -> None:
    run = services.pay_run_calculate(actor=hr, month=month)
    services.pay_run_check(actor=hr, run=run)
    services.pay_run_approve(actor=hr, run=run)


def test_raise_is_listed_for_revision_and_regular_determination(make_user: Any) -> None:
    hr = make_user(Role.HR)
    raised = PayProfileFactory(health_grade=22)  # 300,000
    steady = PayProfileFactory(health_grade=22)
    _fix(hr, dt.date(2026, 2, 1))  # paid 2026-03-25
    raised.base_pay = 360_000  # 固定的賃金 up from the April pay
    raised.save()
    for month in (3, 4, 5):  # paid April, May, June
        _fix(hr, dt.date(2026, month, 1))
    revisions = insurance_events.occasional_revision(actor=hr)
    assert [
        (r["employee_code"], r["changed_in"], r["new_grade"], r["applies_from"]) for r in revisions
    ] == [(raised.employee.code, "2026-04", 25, "2026-07")]
    regular = insurance_events.regular_determination(actor=hr, year=2026)
    assert [(r["employee_code"], r["average"], r["new_standard"]) for r in regular] == [
        (raised.employee.code, 360_000, 360_000)
    ]
    assert steady.employee.code not in {r["employee_code"] for r in regular}

"""斉一的付与 (company-wide grant date 4/1), hand-computed per hire month (平6.1.4 基発1号)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from urakata.attendance import leave
from urakata.attendance.figures import default_rule
from urakata.attendance.grant_dates import GrantDate, grant_dates
from urakata.attendance.models import LeaveGrant
from urakata.attendance.setup import leave_settings_save
from urakata.attendance.tests.factories import ClockRecordFactory
from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

D = dt.date
APRIL = (4, 1)


def test_hired_in_april_first_grant_on_the_legal_date_then_every_april() -> None:
    # Hired 2025-04-01: the legal date 10/1 comes before the next 4/1, so the first grant is on
    # 10/1 (not brought forward); the second on 2026-04-01, six months early (≤ 1 year after the
    # first): its 8割 period 2025-10-01–2026-03-31 is deemed attended up to 2026-09-30.
    assert grant_dates(D(2025, 4, 1), D(2027, 4, 1), APRIL) == [
        GrantDate(D(2025, 10, 1), 6, D(2025, 4, 1), D(2025, 10, 1)),
        GrantDate(D(2026, 4, 1), 18, D(2025, 10, 1), D(2026, 10, 1)),
        GrantDate(D(2027, 4, 1), 30, D(2026, 4, 1), D(2027, 4, 1)),
    ]


def test_hired_in_january_the_first_grant_comes_forward_to_april() -> None:
    # Hired 2025-01-10: legal date 2025-07-10; 4/1 is between → first grant 2025-04-01 (10
    # days), the shortened part 4/1–7/9 deemed attended; then 2026-04-01 (11 days).
    assert grant_dates(D(2025, 1, 10), D(2026, 4, 1), APRIL) == [
        GrantDate(D(2025, 4, 1), 6, D(2025, 1, 10), D(2025, 7, 10)),
        GrantDate(D(2026, 4, 1), 18, D(2025, 4, 1), D(2026, 4, 1)),
    ]


def test_hired_in_october_and_september() -> None:
    # 2024-10-01: the legal date is 4/1 itself. 2025-09-15: legal 2026-03-15, before 4/1 →
    # granted on 3/15, then already on 4/1 (17 days later, within a year; 11 days).
    assert [g.on for g in grant_dates(D(2024, 10, 1), D(2026, 4, 1), APRIL)] == [
        D(2025, 4, 1),
        D(2026, 4, 1),
    ]
    assert [(g.on, g.tenure_months) for g in grant_dates(D(2025, 9, 15), D(2026, 4, 1), APRIL)] == [
        (D(2026, 3, 15), 6),
        (D(2026, 4, 1), 18),
    ]


@pytest.mark.parametrize("hire_month", range(1, 13))
def test_the_legal_minimum_is_always_met(hire_month: int) -> None:
    # By every legal date (hire + 6 months + n years) at least n+1 grants, each of the table's
    # days for its rank, and each grant within a year of the previous one.
    hire = D(2020, hire_month, 20)
    grants = grant_dates(hire, D(2030, 1, 1), APRIL)
    for n in range(8):
        legal = leave.add_months(hire, 6 + 12 * n)
        given = [g for g in grants if g.on <= legal]
        assert len(given) >= n + 1
        assert given[n].tenure_months == 6 + 12 * n
    for before, after in itertools.pairwise(grants):
        assert after.on <= leave.add_months(before.on, 12)


@pytest.mark.django_db
def test_grant_run_with_the_company_date_deems_the_shortened_part_attended(
    make_user: Any,
) -> None:
    leave_settings_save(actor=SYSTEM, uniform_grant_month=4, uniform_grant_day=1)
    employee = EmployeeFactory(hire_date=D(2025, 1, 10))
    # Scheduled (Mon–Fri without national holidays) 2025-01-10 … 3-31: January 15 (1/13 成人の日),
    # February 18 (2/11, 2/24), March 20 (3/20) = 53. Worked 1/10 … 2/21: 15 + 14 = 29 → 55 %.
    # 4/1 … 7/9 deemed attended: April 21 (4/29), May 20 (5/5, 5/6), June 21, July 7 = 69:
    # (29 + 69) ÷ (53 + 69) = 98/122 ≈ 80.3 % ≥ 80 %.
    day = D(2025, 1, 10)
    while day <= D(2025, 2, 21):
        if day.weekday() < 5 and day not in (D(2025, 1, 13), D(2025, 2, 11)):
            ClockRecordFactory(employee=employee, work_date=day)
        day += dt.timedelta(days=1)
    rule = default_rule()
    actual = leave.attendance_rate(employee, rule, D(2025, 1, 10), D(2025, 3, 31))
    deemed = leave.attendance_rate(employee, rule, D(2025, 1, 10), D(2025, 3, 31), D(2025, 7, 9))
    assert actual == Decimal(29) / Decimal(53)
    assert deemed == Decimal(98) / Decimal(122)
    assert deemed >= Decimal("0.8")
    leave.leave_grants_run(actor=SYSTEM, on=D(2026, 4, 1))
    assert list(LeaveGrant.objects.filter(employee=employee).values_list("granted_on", "days")) == [
        (D(2025, 4, 1), 10),
        (D(2026, 4, 1), 11),
    ]
    with pytest.raises(ValidationFailed):
        leave_settings_save(actor=SYSTEM, uniform_grant_month=2, uniform_grant_day=30)
    with pytest.raises(PermissionDenied):
        leave_settings_save(actor=make_user(Role.EMPLOYEE), uniform_grant_month=None)

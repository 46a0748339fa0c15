"""The pay master: validation, 個人番号 (check digit, encrypted, masked, every view logged)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory
from urakata.payroll import crypto
from urakata.payroll.services_profiles import my_number_reveal, pay_profile_save

VALID = dict(
    pay_type="monthly",
    base_pay=280_000,
    scheduled_hours=Decimal("160"),
    scheduled_days=Decimal("20"),
    commute_allowance=12_000,
    commute_nontaxable=12_000,
    declaration_submitted=True,
    dependents=2,
    health_grade=21,
    employment_insurance="general",
    birth_date=dt.date(1985, 6, 1),
)


def test_check_digit_follows_the_ordinance() -> None:
    assert crypto.my_number_check_digit("12345678901") == 8  # facts.md §8.2
    assert crypto.my_number_valid("123456789018")
    assert not crypto.my_number_valid("123456789017")
    assert crypto.my_number_check_digit("00000000000") == 0
    assert crypto.mask("9018") == "****-****-9018"


@pytest.mark.django_db
def test_profile_stores_the_number_encrypted_and_logs_each_view(make_user: Any) -> None:
    hr = make_user(Role.HR)
    employee = EmployeeFactory()
    profile = pay_profile_save(actor=hr, employee=employee, my_number="1234 5678 9018", **VALID)
    assert profile.my_number_last4 == "9018"
    assert "123456789018" not in profile.my_number_encrypted
    saved = AuditEvent.objects.filter(action="payroll.profile.save").last()
    assert saved is not None and "123456789018" not in str(saved.changes)
    assert my_number_reveal(actor=hr, profile=profile, purpose="源泉徴収票") == "123456789018"
    assert AuditEvent.objects.filter(action="payroll.my_number.view").count() == 1
    with pytest.raises(PermissionDenied):
        my_number_reveal(actor=make_user(Role.ACCOUNTING), profile=profile, purpose="x")
    with pytest.raises(ValidationFailed):
        my_number_reveal(actor=hr, profile=profile, purpose=" ")


@pytest.mark.django_db
def test_profile_validation_returns_every_problem(make_user: Any) -> None:
    hr = make_user(Role.HR)
    bad = {
        **VALID,
        "commute_nontaxable": 160_000,
        "commute_allowance": 160_000,
        "health_grade": 51,
        "scheduled_hours": Decimal(0),
    }
    with pytest.raises(ValidationFailed) as exc:
        pay_profile_save(actor=hr, employee=EmployeeFactory(), my_number="123456789017", **bad)
    assert set(exc.value.errors) == {
        "commute_nontaxable",
        "health_grade",
        "scheduled_hours",
        "my_number",
    }

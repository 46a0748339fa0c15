"""Effective-dated pay master: a raise from a pay month, history, corrections audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from urakata.core.audit import AuditEvent
from urakata.core.errors import ValidationFailed
from urakata.core.roles import Role
from urakata.payroll import services, versions
from urakata.payroll.models import PayProfile
from urakata.payroll.services_profiles import pay_profile_save
from urakata.payroll.tests.factories import PayProfileFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


def _base_paid(hr: Any, month: dt.date, profile: PayProfile) -> int:
    run = services.pay_run_calculate(actor=hr, month=month)
    slip = run.payslips.get(employee=profile.employee)
    return dict(slip.lines["pay"])["基本給"]


def test_raise_applies_from_its_pay_month_and_history_is_kept(make_user: Any) -> None:
    hr = make_user(Role.HR)
    profile = PayProfileFactory(base_pay=300_000, commute_allowance=10_000)
    versions.pay_profile_change_schedule(
        actor=hr,
        profile=profile,
        effective_month=dt.date(2026, 5, 1),
        reason="定期昇給",
        today=TODAY,
        base_pay=330_000,
    )
    # attendance March → paid 2026-04-25: before the raise; April → paid 2026-05-25: the raise
    assert _base_paid(hr, dt.date(2026, 3, 1), profile) == 300_000
    assert _base_paid(hr, dt.date(2026, 4, 1), profile) == 330_000
    history = versions.profile_history(profile)
    assert [(v.effective_month, v.values["base_pay"], v.reason) for v in history] == [
        (versions.BEGINNING, 300_000, ""),
        (dt.date(2026, 5, 1), 330_000, "定期昇給"),
    ]
    assert history[1].values["commute_allowance"] == 10_000  # each version is whole
    profile.refresh_from_db()
    assert profile.base_pay == 330_000  # the row shows what is in force this month
    event = AuditEvent.objects.filter(action="payroll.profile.schedule").get()
    assert event.changes["base_pay"] == [300_000, 330_000]
    assert event.changes["effective_month"] == [None, "2026-05"]


def test_correction_of_a_month_is_audited_and_future_changes_wait(make_user: Any) -> None:
    hr = make_user(Role.HR)
    profile = PayProfileFactory(base_pay=300_000)
    may = dt.date(2026, 5, 1)
    versions.pay_profile_change_schedule(
        actor=hr, profile=profile, effective_month=may, today=TODAY, base_pay=330_000
    )
    versions.pay_profile_change_schedule(
        actor=hr,
        profile=profile,
        effective_month=may,
        reason="金額の訂正",
        today=TODAY,
        base_pay=325_000,
    )
    event = AuditEvent.objects.filter(action="payroll.profile.correct").get()
    assert event.changes["base_pay"] == [330_000, 325_000]
    assert event.changes["reason"] == ["", "金額の訂正"]
    # a change from next year is kept but the row stays on this month's values
    versions.pay_profile_change_schedule(
        actor=hr,
        profile=profile,
        effective_month=dt.date(2027, 1, 1),
        today=TODAY,
        scheduled_hours=Decimal("150"),
    )
    profile.refresh_from_db()
    assert (profile.base_pay, profile.scheduled_hours) == (325_000, Decimal("160"))
    in_force = versions.values_in_force([profile.pk], dt.date(2027, 1, 1))[profile.pk]
    assert (in_force["base_pay"], in_force["scheduled_hours"]) == (325_000, Decimal("150"))
    assert len(versions.profile_history(profile)) == 3


def test_bad_changes_are_refused_with_messages(make_user: Any) -> None:
    hr = make_user(Role.HR)
    profile = PayProfileFactory()
    with pytest.raises(ValidationFailed) as bad:
        versions.pay_profile_change_schedule(
            actor=hr, profile=profile, effective_month=dt.date(2026, 5, 1), base_pay=-1
        )
    assert "base_pay" in bad.value.errors
    with pytest.raises(ValidationFailed) as bad:
        versions.pay_profile_change_schedule(
            actor=hr, profile=profile, effective_month=dt.date(2026, 5, 1), municipality="X"
        )
    assert "municipality" in bad.value.errors
    assert not profile.versions.exists()  # nothing written


def test_profile_save_with_a_month_goes_through_the_versions(make_user: Any) -> None:
    hr = make_user(Role.HR)
    profile = PayProfileFactory(base_pay=300_000)
    pay_profile_save(
        actor=hr,
        employee=profile.employee,
        effective_month=dt.date(2026, 9, 1),
        reason="随時改定",
        health_grade=25,
        municipality="東京都港区",
    )
    profile.refresh_from_db()
    assert profile.municipality == "東京都港区"  # not dated: at once
    grades = [v.values["health_grade"] for v in versions.profile_history(profile)]
    assert grades == [22, 25]


def test_api_put_with_a_month_and_history(client_for: Any) -> None:
    client = client_for(Role.HR)
    profile = PayProfileFactory(base_pay=300_000)
    body = {
        "pay_type": "monthly",
        "base_pay": 315_000,
        "scheduled_hours": "160",
        "scheduled_days": "20",
        "declaration_submitted": True,
        "birth_date": "1990-01-15",
        "effective_month": "2026-07",
        "reason": "昇格",
    }
    url = f"/api/v1/payroll/profiles/{profile.employee_id}"
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    history = client.get(url + "/history").json()
    assert [(h["effective_month"], h["values"]["base_pay"], h["reason"]) for h in history] == [
        ("2000-01-01", 300_000, ""),
        ("2026-07-01", 315_000, "昇格"),
    ]
    bad = client.put(url, {**body, "effective_month": "2026-7"}, content_type="application/json")
    assert bad.status_code == 422

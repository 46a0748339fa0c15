"""Dated allowances and deductions: a change from a pay month, history, audit, page and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.audit import AuditEvent
from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.roles import Role
from urakata.payroll import item_versions, services
from urakata.payroll.models import PayItem, PayProfile
from urakata.payroll.services_profiles import pay_item_save
from urakata.payroll.tests.factories import PayItemFactory, PayProfileFactory
from urakata.payroll.versions import BEGINNING

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)  # attendance months → paid Apr / May


def _slip(hr: Any, month: dt.date, profile: PayProfile, reason: str = "") -> dict[str, Any]:
    run = services.pay_run_calculate(actor=hr, month=month, reason=reason)
    slip = run.payslips.get(employee=profile.employee)
    return {
        "pay": dict(slip.lines["pay"]),
        "deductions": dict(slip.lines["deductions"]),
        "gross": slip.gross,
        "net": slip.net,
    }


@pytest.fixture
def hr(make_user: Any) -> Any:
    return make_user(Role.HR)


@pytest.fixture
def profile() -> PayProfile:
    profile = PayProfileFactory(base_pay=300_000)
    PayItemFactory(profile=profile, name="役職手当", amount=20_000, in_overtime_base=True)
    PayItemFactory(profile=profile, kind=PayItem.Kind.DEDUCTION, name="財形貯蓄", amount=5_000)
    return profile


def test_a_change_from_may_does_not_alter_a_rerun_of_march(hr: Any, profile: PayProfile) -> None:
    march = _slip(hr, MARCH, profile)  # paid 2026-04-25
    assert march["pay"]["役職手当"] == 20_000 and "住宅手当" not in march["pay"]
    may = dt.date(2026, 5, 1)
    for kind, name, amount in (
        ("allowance", "住宅手当", 15_000),
        ("allowance", "役職手当", 30_000),
        ("deduction", "財形貯蓄", 8_000),
    ):
        item_versions.pay_item_change_schedule(
            actor=hr,
            profile=profile,
            effective_month=may,
            kind=kind,
            name=name,
            amount=amount,
            in_overtime_base=name == "役職手当",
            reason="昇格",
            today=TODAY,
        )
    again = _slip(hr, MARCH, profile)  # the draft of March recalculated: the same items
    assert again == march
    april = _slip(hr, APRIL, profile)  # paid 2026-05-25: the new items
    assert april["pay"]["住宅手当"] == 15_000
    assert april["pay"]["役職手当"] == 30_000
    assert april["deductions"]["財形貯蓄"] == 8_000
    assert april["gross"] == march["gross"] + 15_000 + 10_000
    history = item_versions.item_history(profile)
    assert [v.effective_month for v in history] == [BEGINNING, may]
    assert [(i["name"], i["amount"]) for i in history[0].items] == [
        ("役職手当", 20_000),
        ("財形貯蓄", 5_000),
    ]
    assert [(i["name"], i["amount"]) for i in history[1].items] == [
        ("住宅手当", 15_000),
        ("役職手当", 30_000),
        ("財形貯蓄", 8_000),
    ]
    assert history[1].reason == "昇格"
    current = dict(profile.items.values_list("name", "amount"))  # in force in December
    assert current == {"住宅手当": 15_000, "役職手当": 30_000, "財形貯蓄": 8_000}
    events = AuditEvent.objects.filter(action="payroll.item.schedule").order_by("seq")
    assert events.count() == 3
    first = events.first()
    assert first is not None
    assert first.changes["value"][0] is None and first.changes["value"][1]["amount"] == 15_000
    assert first.changes["effective_month"] == [None, "2026-05"]


def test_a_fixed_month_is_not_altered_by_a_correction_run(hr: Any, profile: PayProfile) -> None:
    run = services.pay_run_calculate(actor=hr, month=MARCH)
    services.pay_run_check(actor=hr, run=run)
    services.pay_run_approve(actor=hr, run=run)
    fixed_gross = run.payslips.get(employee=profile.employee).gross
    item_versions.pay_item_change_schedule(
        actor=hr,
        profile=profile,
        effective_month=dt.date(2026, 5, 1),
        kind="allowance",
        name="役職手当",
        amount=50_000,
        today=TODAY,
    )
    rerun = _slip(hr, MARCH, profile, reason="勤怠の訂正")
    assert rerun["gross"] == fixed_gross and rerun["pay"]["役職手当"] == 20_000


def test_stopping_an_item_and_later_versions_follow(hr: Any, profile: PayProfile) -> None:
    june, sept = dt.date(2026, 6, 1), dt.date(2026, 9, 1)
    item_versions.pay_item_change_schedule(
        actor=hr, profile=profile, effective_month=sept, kind="allowance", name="役職手当",
        amount=25_000, today=TODAY,
    )  # fmt: skip
    item_versions.pay_item_change_schedule(
        actor=hr, profile=profile, effective_month=june, kind="deduction", name="財形貯蓄",
        remove=True, reason="財形の解約", today=TODAY,
    )  # fmt: skip
    history = item_versions.item_history(profile)
    by_month = {v.effective_month: {i["name"]: i["amount"] for i in v.items} for v in history}
    assert by_month == {
        BEGINNING: {"役職手当": 20_000, "財形貯蓄": 5_000},
        june: {"役職手当": 20_000},
        sept: {"役職手当": 25_000},  # the stop from June holds in the later version too
    }
    # a change scheduled later for an earlier month is not lost by the September version
    assert "財形貯蓄" not in dict(_slip(hr, dt.date(2026, 8, 1), profile)["deductions"])
    assert _slip(hr, dt.date(2026, 4, 1), profile)["deductions"]["財形貯蓄"] == 5_000
    with pytest.raises(ValidationFailed) as caught:
        item_versions.pay_item_change_schedule(
            actor=hr, profile=profile, effective_month=june, kind="deduction", name="財形貯蓄",
            remove=True, today=TODAY,
        )  # fmt: skip
    assert "name" in caught.value.errors


def test_bad_input_and_permissions(hr: Any, profile: PayProfile, make_user: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        item_versions.pay_item_change_schedule(
            actor=hr, profile=profile, effective_month=APRIL, kind="bonus", name=" ", amount=-1
        )
    assert set(caught.value.errors) == {"kind", "name", "amount"}
    with pytest.raises(PermissionDenied):
        item_versions.pay_item_change_schedule(
            actor=make_user(Role.EMPLOYEE),
            profile=profile,
            effective_month=APRIL,
            kind="allowance",
            name="住宅手当",
            amount=1,
        )
    assert not profile.item_versions.exists()


def test_undated_save_after_dated_items_is_a_change_from_this_month(
    hr: Any, profile: PayProfile
) -> None:
    future = (dt.date.today().replace(day=1) + dt.timedelta(days=400)).replace(day=1)
    item_versions.pay_item_change_schedule(
        actor=hr, profile=profile, effective_month=future, kind="allowance", name="役職手当",
        amount=40_000,
    )  # fmt: skip
    pay_item_save(actor=hr, profile=profile, kind="allowance", name="家族手当", amount=10_000)
    history = item_versions.item_history(profile)
    this_month = dt.date.today().replace(day=1)
    assert [v.effective_month for v in history] == [BEGINNING, this_month, future]
    assert {i["name"] for i in history[-1].items} == {"役職手当", "家族手当", "財形貯蓄"}
    assert dict(profile.items.values_list("name", "amount"))["役職手当"] == 20_000


def test_page_schedules_an_item_and_shows_the_history(client_for: Any, profile: PayProfile) -> None:
    client = client_for(Role.HR)
    url = f"/payroll/profiles/{profile.employee_id}/items/"
    response = client.post(
        url,
        {
            "kind": "allowance",
            "name": "住宅手当",
            "amount": "12,000",
            "taxable": "on",
            "effective_month": "2026-05",
            "reason": "転居",
        },
    )
    assert response.status_code == 302
    (version,) = profile.item_versions.filter(effective_month=dt.date(2026, 5, 1))
    assert {"kind": "allowance", "name": "住宅手当", "amount": 12_000, "taxable": True,
            "in_overtime_base": False} in version.items  # fmt: skip
    page = client.get(f"/payroll/profiles/{profile.employee_id}/").content.decode()
    assert "手当・控除の改定履歴" in page and "住宅手当 12,000" in page and "転居" in page
    bad = client.post(
        url, {"kind": "allowance", "name": "x", "amount": "1", "effective_month": "5"}
    )
    assert bad.status_code == 302
    assert profile.item_versions.count() == 2  # the bad month changed nothing
    followed = client.get(f"/payroll/profiles/{profile.employee_id}/").content.decode()
    assert "YYYY-MM" in followed


def test_api_change_and_history(client_for: Any, profile: PayProfile) -> None:
    client = client_for(Role.HR)
    url = f"/api/v1/payroll/profiles/{profile.employee_id}/items"
    body = {"effective_month": "2026-07", "kind": "deduction", "name": "社宅", "amount": 20_000}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert {"社宅", "財形貯蓄", "役職手当"} == {i["name"] for i in response.json()["items"]}
    history = client.get(url + "/history").json()
    assert [h["effective_month"] for h in history] == ["2000-01-01", "2026-07-01"]
    bad = client.post(url, {**body, "kind": "other"}, content_type="application/json")
    assert bad.status_code == 422
    removed = client.post(
        url, {**body, "name": "ない手当", "remove": True}, content_type="application/json"
    )
    assert removed.status_code == 422
    assert "ない手当" in str(removed.json())
    employee = client_for(Role.EMPLOYEE)
    assert employee.post(url, body, content_type="application/json").status_code == 403


def test_a_change_before_the_first_version_is_refused(client_for: Any, profile: PayProfile) -> None:
    """The fuzzer's find: a pay month before 2000-01 had no version in force (a 500)."""
    client = client_for(Role.HR)
    items = f"/api/v1/payroll/profiles/{profile.employee_id}/items"
    body = {"effective_month": "1900-01", "kind": "allowance", "name": "事務椅子", "amount": 1}
    response = client.post(items, body, content_type="application/json")
    assert response.status_code == 422
    assert "effective_month" in response.json()["errors"]
    before = AuditEvent.objects.count()
    master = f"/api/v1/payroll/profiles/{profile.employee_id}"
    response = client.put(
        master,
        {"effective_month": "1999-12", "reason": "x", "base_pay": 300_000},
        content_type="application/json",
    )
    assert response.status_code in (404, 422), response.content
    assert AuditEvent.objects.count() == before
    assert not profile.item_versions.exists()

"""The pay run in a real browser: HR calculates, checks and fixes; the employee reads the payslip
on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot

pytestmark = BROWSER_MARKS
PASSWORD = "payroll-test-password-1"


@pytest.fixture
def world(transactional_db: Any, make_user: Any) -> dict[str, Any]:
    from urakata.core.roles import Role
    from urakata.ledger.cache import chart_cache_clear
    from urakata.ledger.chart import chart_ensure_seeded
    from urakata.payroll.tests.factories import PayProfileFactory

    chart_ensure_seeded()
    chart_cache_clear()
    hr = make_user(Role.HR, username="payroll_hr")
    staff = make_user(Role.EMPLOYEE, username="payroll_staff")
    for user in (hr, staff):
        user.set_password(PASSWORD)
        user.save()
    PayProfileFactory(employee=staff.employee)
    return {"staff": staff}


@pytest.fixture
def browser(world: dict[str, Any]) -> Any:
    with launch_chromium() as chromium:
        yield chromium


def test_hr_fixes_the_month_and_the_employee_reads_the_payslip(
    browser: Any, live_server: Any, world: dict[str, Any]
) -> None:
    base = live_server.url
    page = browser.new_context(locale="ja-JP").new_page()
    log_in(page, base, "payroll_hr", PASSWORD)
    page.goto(f"{base}/payroll/")
    page.fill("input[name=month]", "2026-04")
    page.click("form[action$='/payroll/runs/new/'] button")
    page.wait_for_url("**/payroll/runs/*/")
    assert "計算済み" in page.inner_text("h1")
    shoot(page, "payroll-run")
    page.click("form[action$='/check/'] button")
    page.click("form[action$='/approve/'] button")
    assert "確定" in page.inner_text("h1")

    from urakata.payroll.models import Payslip

    net = orm(lambda: Payslip.objects.get(employee__user=world["staff"]).net)
    phone = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    mine = phone.new_page()
    log_in(mine, base, "payroll_staff", PASSWORD)
    mine.goto(f"{base}/payroll/my/")
    mine.click("ul.list a")
    assert f"{net:,}" in mine.inner_text("main")
    shoot(mine, "payroll-payslip")

"""My timecard in headless Chromium: clock in, take a break, see the buttons change; the month
table and figures render on desktop and phone (screenshots in var/screenshots/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot

pytestmark = BROWSER_MARKS

PASSWORD = "pass-word-123"  # UserFactory's password


@pytest.fixture
def chromium(transactional_db: Any) -> Iterator[Any]:
    from django.contrib.auth.models import Group

    from urakata.core.roles import Role
    from urakata.org.tests.factories import EmployeeFactory, UserFactory

    user = UserFactory(username="clocker")
    user.groups.add(Group.objects.get_or_create(name=Role.EMPLOYEE.value)[0])
    EmployeeFactory(user=user, code="B001")
    with launch_chromium() as browser:
        yield browser


def test_clock_in_and_break_from_the_timecard(chromium: Any, live_server: Any) -> None:
    from urakata.attendance.models import ClockRecord

    base = live_server.url
    errors: list[str] = []
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "clocker", PASSWORD)
    page.click("nav.sidenav a[href='/attendance/']")
    page.wait_for_url(f"{base}/attendance/")
    assert page.locator("#clock button[value='in']").is_visible()
    shoot(page, "attendance-timecard")
    page.fill("input[name='location_note']", "本社")
    page.click("#clock button[value='in']")
    page.wait_for_url(f"{base}/attendance/")
    assert "出勤を記録しました" in page.locator(".content").inner_text()
    record = orm(lambda: ClockRecord.objects.get(employee__code="B001"))
    assert record.end_minute is None and record.location_note == "本社"
    page.click("#clock button[value='break_start']")
    page.wait_for_url(f"{base}/attendance/")
    assert page.locator("#clock button[value='break_end']").is_visible()
    assert page.locator("#clock button[value='out']").is_visible()
    shoot(page, "attendance-timecard-working")
    assert errors == []

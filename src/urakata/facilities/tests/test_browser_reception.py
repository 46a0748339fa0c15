"""Reception kiosk in headless Chromium: a generated QR image read by the page (vendored jsQR),
the check-in recorded, the host notified, the badge issued and the visitor checked out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot

pytestmark = BROWSER_MARKS

PASSWORD = "pass-word-123"  # UserFactory's password


def _user(username: str, *roles: Any) -> Any:
    from django.contrib.auth.models import Group

    from urakata.core.roles import Role
    from urakata.org.tests.factories import EmployeeFactory, UserFactory

    user = UserFactory(username=username)
    for role in (Role.EMPLOYEE, *roles):
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    EmployeeFactory(user=user)
    return user


@pytest.fixture
def world(transactional_db: Any, tmp_path: Any) -> dict[str, Any]:
    from django.utils import timezone

    from urakata.core.roles import Role
    from urakata.facilities import visitors
    from urakata.facilities.notify import qr_png

    host = _user("host")
    _user("reception", Role.GENERAL_AFFAIRS)
    visit = visitors.visit_register(
        actor=host,
        visitor_name="読取 太郎",
        visitor_company="QR商事",
        visit_date=timezone.localdate(),
    )
    image = tmp_path / "invitation-qr.png"
    image.write_bytes(qr_png(visitors.qr_payload(visit)))
    return {"visit": visit.pk, "host": host.pk, "image": str(image)}


@pytest.fixture
def chromium(world: dict[str, Any]) -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def test_qr_check_in_notifies_the_host(
    chromium: Any, live_server: Any, world: dict[str, Any]
) -> None:
    from urakata.facilities.models import Visit
    from urakata.workflow.models import Notification

    base = live_server.url
    errors: list[str] = []
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "reception", PASSWORD)
    page.goto(f"{base}/facilities/reception/")
    assert "QR商事" in page.locator("#board-expected").inner_text()
    shoot(page, "facilities-reception")

    # The kiosk decodes the QR image in the page and submits the code it read.
    with page.expect_navigation(url=f"{base}/facilities/reception/"):
        page.set_input_files("#qr-file", world["image"])
    assert "受付が完了しました" in page.locator(".messages").inner_text()
    assert "QR商事" in page.locator("#board-arrived").inner_text()
    shoot(page, "facilities-reception-arrived")
    visit = orm(lambda: Visit.objects.get(pk=world["visit"]))
    assert visit.status == "arrived" and visit.badge_number == 1
    notice = orm(lambda: Notification.objects.get(user_id=world["host"], kind="visitor"))
    assert "読取 太郎" in notice.message

    # The same QR again is refused: the code has been used.
    with page.expect_navigation(url=f"{base}/facilities/reception/"):
        page.set_input_files("#qr-file", world["image"])
    assert "使用済み" in page.locator(".messages").inner_text()

    badge = page.request.get(f"{base}/facilities/visits/{world['visit']}/badge.pdf")
    assert badge.status == 200 and badge.body().startswith(b"%PDF")
    page.click("#board-arrived button")
    page.wait_for_url(f"{base}/facilities/reception/")
    assert orm(lambda: Visit.objects.get(pk=world["visit"]).status) == "left"
    assert errors == []

"""Visitor self-registration in headless Chromium: the host makes a link, an anonymous visitor
opens it, mistypes the check code once, then registers; the host sees the visit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot
from urakata.facilities.tests.test_browser_reception import PASSWORD, _user

pytestmark = BROWSER_MARKS


@pytest.fixture
def chromium(transactional_db: Any) -> Iterator[Any]:
    _user("host")
    with launch_chromium() as browser:
        yield browser


def test_visitor_registers_through_the_link(chromium: Any, live_server: Any) -> None:
    from django.utils import timezone

    from urakata.facilities.models import Visit

    base = live_server.url
    day = timezone.localdate() + dt.timedelta(days=3)
    errors: list[str] = []
    host_context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = host_context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "host", PASSWORD)
    page.goto(f"{base}/facilities/visits/invites/")
    page.fill("input[name=title]", "製品デモ")
    page.fill("input[name=date_from]", day.isoformat())
    page.fill("input[name=date_to]", day.isoformat())
    page.fill("input[name=time_from]", "13:00")
    page.fill("input[name=time_to]", "17:00")
    page.click("form.form-grid button[type=submit]")
    link = page.locator("#invite-link").inner_text().strip()
    code = page.locator("#invite-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code) and "/facilities/invite/" in link

    visitor = chromium.new_context(viewport={"width": 800, "height": 900}, locale="ja-JP")
    form = visitor.new_page()
    form.on("pageerror", lambda error: errors.append(str(error)))
    form.goto(link)
    assert "製品デモ" in form.content()
    form.fill("input[name=visitor_name]", "来訪 次郎")
    form.fill("input[name=visitor_company]", "デモ株式会社")
    form.fill("input[name=visitor_email]", "jiro@example.com")
    form.fill("input[name=visit_date]", day.isoformat())
    form.fill("input[name=expected_time]", "14:00")
    form.fill("input[name=code]", "000000" if code != "000000" else "111111")
    form.click("#invite-form button[type=submit]")
    assert "確認コードが正しくありません" in form.locator("[role=alert]").inner_text()
    form.fill("input[name=code]", code)
    form.click("#invite-form button[type=submit]")
    assert "ご来訪を登録しました" in form.locator("h1").inner_text()
    shoot(form, "facilities-invite-done")

    visit = orm(lambda: Visit.objects.get())
    assert (visit.visitor_company, visit.expected_time, visit.invite_id is not None) == (
        "デモ株式会社",
        dt.time(14, 0),
        True,
    )
    page.goto(f"{base}/facilities/visits/")
    assert "デモ株式会社" in page.content()
    assert errors == []

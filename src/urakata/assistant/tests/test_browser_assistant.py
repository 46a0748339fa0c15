"""AI assistant in headless Chromium: an answer with its sources, "not found", escalation.

An employee asks on the chat page (HTMX swaps the answer in), escalates what the knowledge base
cannot answer, and 総務 staff find the inquiry in their list. Screenshots (desktop and phone) of
every page visited land in var/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot

pytestmark = BROWSER_MARKS

PASSWORD = "pass-word-123"  # UserFactory's password
FOUND = "経費精算の締め切りは?"
NOT_FOUND = "社員食堂のメニューを変更したい"


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
def world(transactional_db: Any) -> dict[str, Any]:
    from urakata.assistant.tests.factories import make_faq, make_source
    from urakata.core.roles import Role

    expenses = make_faq(
        "経費精算の締め切りはいつですか",
        "経費精算は翌月10日までに申請してください。",
        desk="accounting",
    )
    make_faq("有給休暇は何日ありますか", "入社6か月後に10日付与されます。", desk="hr")
    make_source(
        title="経費精算規程",
        body="# 経費精算規程\n\n## 締め切り\n\n経費精算は翌月10日までに申請する。",
        desk="accounting",
    )
    _user("asker")
    _user("soumu", Role.GENERAL_AFFAIRS)
    _user("keiri", Role.ACCOUNTING)
    _user("operator", Role.AI_OPERATOR)
    return {"expenses": expenses.pk}


@pytest.fixture
def chromium(world: dict[str, Any]) -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def _page(browser: Any, errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def _ask(page: Any, question: str) -> Any:
    page.fill("#q", question)
    with page.expect_response("**/assistant/ask/"):
        page.click("form.card button.primary")
    card = page.locator("#answer-card")
    card.wait_for()
    return card


def test_ask_answer_sources_and_escalation(
    chromium: Any, live_server: Any, world: dict[str, Any]
) -> None:
    from urakata.assistant.models import Inquiry

    base = live_server.url
    errors: list[str] = []
    asker = _page(chromium, errors)
    log_in(asker, base, "asker", PASSWORD)
    asker.click("nav.sidenav a[href='/assistant/']")
    asker.wait_for_url(f"{base}/assistant/")
    shoot(asker, "assistant-chat")

    # A question the knowledge base answers: the answer, then its sources as links.
    asker.evaluate("window.__sameDocument = true")
    card = _ask(asker, FOUND)
    assert card.locator("h2").first.inner_text() == "回答"
    assert "翌月10日" in card.locator(".answer-text").inner_text()
    links = card.locator("ol a")
    assert links.count() >= 1
    hrefs = links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert f"/assistant/kb/{world['expenses']}/#chunk-0" in hrefs
    assert asker.evaluate("window.__sameDocument") is True  # HTMX swapped only the answer
    shoot(asker, "assistant-answer")
    asker.click(f"#answer-card a[href^='/assistant/kb/{world['expenses']}/']")
    asker.wait_for_url(f"{base}/assistant/kb/{world['expenses']}/#chunk-0")
    assert "翌月10日" in asker.locator(".content").inner_text()
    shoot(asker, "assistant-source")
    asker.go_back()
    asker.wait_for_url(f"{base}/assistant/")

    # One it cannot answer: "not found" and the escalation button, with the desk suggested.
    card = _ask(asker, NOT_FOUND)
    assert card.locator("h2").first.inner_text() == "見つかりませんでした"
    button = card.locator("button.primary")
    assert button.inner_text() == "担当部署に問い合わせる"
    assert card.locator("#desk").input_value() == "general_affairs"
    shoot(asker, "assistant-not-found")
    button.click()
    asker.wait_for_url(f"{base}/assistant/inquiries/*/")
    inquiry = orm(Inquiry.objects.get)
    assert (inquiry.question, inquiry.desk, inquiry.status) == (
        NOT_FOUND,
        "general_affairs",
        "open",
    )
    assert NOT_FOUND in asker.locator(".content").inner_text()
    shoot(asker, "assistant-inquiry-asker")
    asker.goto(f"{base}/assistant/inquiries/")
    assert NOT_FOUND in asker.locator(".content").inner_text()
    shoot(asker, "assistant-inquiries-asker")

    # 総務 staff see it in their inquiries and can open it; 経理 staff do not see it.
    staff = _page(chromium, errors)
    log_in(staff, base, "soumu", PASSWORD)
    staff.goto(f"{base}/assistant/inquiries/")
    row = staff.locator(".content", has_text=NOT_FOUND)
    assert row.count() == 1
    shoot(staff, "assistant-inquiries-staff")
    staff.click(f"a[href='/assistant/inquiries/{inquiry.pk}/']")
    staff.wait_for_url(f"{base}/assistant/inquiries/{inquiry.pk}/")
    assert staff.locator("textarea[name=answer]").count() == 1
    shoot(staff, "assistant-inquiry-staff")

    other = _page(chromium, errors)
    log_in(other, base, "keiri", PASSWORD)
    other.goto(f"{base}/assistant/inquiries/")
    assert NOT_FOUND not in other.locator(".content").inner_text()
    assert errors == []


def test_assistant_operator_pages(chromium: Any, live_server: Any, world: dict[str, Any]) -> None:
    """Knowledge base, review queue, minutes, tasks and usage render on desktop and phone."""
    base = live_server.url
    errors: list[str] = []
    operator = _page(chromium, errors)
    log_in(operator, base, "operator", PASSWORD)
    pages = {
        "assistant-kb": "/assistant/kb/",
        "assistant-kb-new": "/assistant/kb/new/",
        "assistant-kb-upload": "/assistant/kb/upload/",
        "assistant-kb-edit": f"/assistant/kb/{world['expenses']}/edit/",
        "assistant-inquiries-empty": "/assistant/inquiries/",
        "assistant-review": "/assistant/review/",
        "assistant-minutes": "/assistant/minutes/",
        "assistant-tasks": "/assistant/tasks/",
        "assistant-usage": "/assistant/usage/",
    }
    for name, url in pages.items():
        response = operator.goto(f"{base}{url}")
        assert response is not None and response.status == 200, url
        assert operator.locator("h1").inner_text(), url
        shoot(operator, name)
    assert errors == []

"""Content-Security-Policy in a real browser: every page works with no inline script allowed."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.middleware import CONTENT_SECURITY_POLICY
from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in

pytestmark = BROWSER_MARKS
PASSWORD = "csp-test-password-1"


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    """An applicant with an open 稟議 waiting for their manager (who logs in)."""
    from urakata.workflow.forms import ringi_submit
    from urakata.workflow.tests.factories import RINGI, make_org, make_route

    org = make_org()
    make_route()
    request = ringi_submit(actor=org.applicant, data=RINGI)
    for user in (org.sales_manager, org.applicant):
        user.set_password(PASSWORD)
        user.save()
    return {"request": request.pk}


@pytest.fixture
def browser(world: dict[str, Any]) -> Any:
    with launch_chromium() as chromium:
        yield chromium


def test_pages_run_under_the_policy(browser: Any, live_server: Any, world: dict[str, Any]) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    response = page.goto(f"{base}/accounts/login/")
    assert response is not None
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]

    log_in(page, base, "sales_manager", PASSWORD)
    # The ☰ button (was an inline onclick) still opens the navigation on a phone.
    page.click("button.nav-toggle")
    assert page.evaluate("document.body.classList.contains('nav-open')") is True

    # Inbox: the select-all box (was inline) checks every row.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/workflow/")
    page.check("input[data-check-all]")
    assert (
        page.locator("input[name=ids]:checked").count() == page.locator("input[name=ids]").count()
    )
    assert page.locator("input[name=ids]").count() >= 1

    # The language selector (was inline onchange) submits its form.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()

    # The applicant's withdraw button asks first (was an inline onsubmit); dismissing keeps it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "applicant", PASSWORD)
    page.goto(f"{base}/workflow/requests/{world['request']}/")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("form[data-confirm] button[type=submit]")
    page.wait_for_timeout(300)
    assert asked == ["取り下げますか?"]
    assert f"/workflow/requests/{world['request']}/" in page.url
    context.close()
    assert violations == []
    assert errors == []

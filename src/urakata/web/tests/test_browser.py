"""The real thing in headless Chromium: log in, home numbers, HTMX search, English, phone layout.

Screenshots land in var/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, SCREENSHOTS, launch_chromium

pytestmark = BROWSER_MARKS


@pytest.fixture
def demo_company(transactional_db: Any) -> dict[str, Any]:
    """The org demo data (60 employees, logins) and the numbers the home page must show."""
    from django.contrib.auth.models import User

    from urakata.org import selectors
    from urakata.org.demo import DEMO_PASSWORD, seed
    from urakata.org.models import Employee

    seed(actor=None, today=dt.date(2026, 11, 24), rng=random.Random(7))
    admin = User.objects.get(username="admin")
    sato = Employee.objects.filter(last_name="佐藤")
    return {
        "password": DEMO_PASSWORD,
        "active": selectors.employee_count(actor=admin),
        "departments": selectors.department_list(actor=admin).count(),
        "total": Employee.objects.count(),
        "sato_codes": sorted(sato.values_list("code", flat=True)),
    }


@pytest.fixture
def browser(demo_company: dict[str, Any]) -> Any:
    # Playwright's sync API runs an event loop in this thread, where Django refuses ORM calls:
    # every database read happens in demo_company, before the browser starts.
    with launch_chromium() as chromium:
        yield chromium


def _log_in(page: Any, base_url: str, password: str) -> None:
    page.goto(f"{base_url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    page.click("button.primary")
    page.wait_for_url(f"{base_url}/")


def _boxes(locator: Any) -> list[dict[str, float]]:
    return [box for box in (item.bounding_box() for item in locator.all()) if box is not None]


def _card(page: Any, label: str) -> str:
    card = page.locator(".card.stat", has=page.locator(".stat-label", has_text=label))
    return str(card.locator(".stat-value").inner_text())


def test_desktop_journey(browser: Any, live_server: Any, demo_company: dict[str, Any]) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    _log_in(page, base, demo_company["password"])
    assert page.locator("h1").inner_text() == "ホーム"
    assert page.locator("html").get_attribute("lang") == "ja"
    assert _card(page, "在籍者数").startswith(str(demo_company["active"]))
    assert _card(page, "部署数") == str(demo_company["departments"])
    assert _card(page, "取引先数").startswith("30")
    assert page.locator(".bar-row").count() >= 6
    # Bars share one baseline: every bar starts where the others do.
    starts = {round(box["x"]) for box in _boxes(page.locator(".bar"))}
    assert len(starts) == 1
    page.screenshot(path=str(SCREENSHOTS / "home-ja.png"), full_page=True)

    page.click("nav.sidenav a:has-text('従業員')")
    page.wait_for_url(f"{base}/org/employees/")
    assert page.locator("#employee-table tbody tr").count() == 50
    assert f"全 {demo_company['total']} 件" in page.locator("#employee-table").inner_text()

    # Typing in the search box swaps only the table (HTMX), no full page load.
    page.evaluate("window.__sameDocument = true")
    page.fill("#f-q", "佐藤")
    page.wait_for_url("**/org/employees/?q=*")
    rows = page.locator("#employee-table tbody tr")
    rows.first.wait_for()
    page.wait_for_function(
        "n => document.querySelectorAll('#employee-table tbody tr').length === n",
        arg=len(demo_company["sato_codes"]),
    )
    codes = sorted(rows.locator("td:first-child").all_inner_texts())
    assert codes == demo_company["sato_codes"]
    assert all("佐藤" in text for text in rows.locator("td:nth-child(2)").all_inner_texts())
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(SCREENSHOTS / "employees-search-ja.png"), full_page=True)

    # The language selector switches the whole UI to English and stays on this page.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "/org/employees/" in page.url
    assert page.locator("h1").inner_text() == "Employees"
    assert page.locator("label[for=f-q]").inner_text() == "Search (name, kana, employee no.)"
    assert "Hire date" in page.locator("#employee-table thead").inner_text()

    page.click("nav.sidenav a:has-text('Home')")
    page.wait_for_url(f"{base}/")
    assert page.locator("h1").inner_text() == "Home"
    assert "Headcount by department" in page.content()
    assert _card(page, "Employees").startswith(str(demo_company["active"]))
    page.screenshot(path=str(SCREENSHOTS / "home-en.png"), full_page=True)
    assert errors == []
    context.close()


def test_phone_layout(browser: Any, live_server: Any, demo_company: dict[str, Any]) -> None:
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ja-JP",
    )
    page = context.new_page()
    _log_in(page, base, demo_company["password"])
    # The side menu folds away behind the ☰ button; the page itself does not scroll sideways.
    assert not page.locator("nav.sidenav").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "home-phone.png"), full_page=True)
    page.click("button.nav-toggle")
    assert page.locator("nav.sidenav").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "menu-phone.png"))
    page.click("nav.sidenav a:has-text('従業員')")
    page.wait_for_url(f"{base}/org/employees/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The wide table scrolls inside its box instead of wrapping every cell letter by letter.
    table = page.locator("#employee-table table")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    row = page.locator("#employee-table tbody tr").first.bounding_box()
    header = page.locator("#employee-table thead tr").bounding_box()
    assert row is not None and header is not None
    assert row["height"] < 60 and header["height"] < 60
    page.screenshot(path=str(SCREENSHOTS / "employees-phone.png"))
    context.close()

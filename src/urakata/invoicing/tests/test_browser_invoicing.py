"""Invoicing in headless Chromium: an accountant drafts an invoice on the form, issues it and
finds the per-rate totals, the number and the PDF link on its page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot

pytestmark = BROWSER_MARKS

PASSWORD = "pass-word-123"  # UserFactory's password


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    from django.contrib.auth.models import Group

    from urakata.core.roles import Role
    from urakata.invoicing.tests.factories import company, customer
    from urakata.ledger.chart import chart_ensure_seeded
    from urakata.org.tests.factories import EmployeeFactory, UserFactory

    chart_ensure_seeded()
    company()
    cp = customer()
    user = UserFactory(username="keiri")
    user.groups.add(Group.objects.get_or_create(name=Role.ACCOUNTING.value)[0])
    EmployeeFactory(user=user)
    return {"customer": cp.pk}


@pytest.fixture
def chromium(world: dict[str, Any]) -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def test_draft_issue_and_totals(chromium: Any, live_server: Any, world: dict[str, Any]) -> None:
    from urakata.invoicing.models import Invoice

    base = live_server.url
    errors: list[str] = []
    page = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP").new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "keiri", PASSWORD)
    page.goto(f"{base}/invoicing/invoices/new/")
    page.select_option("#counterparty_id", str(world["customer"]))
    page.fill("#issue_date", "2026-05-15")
    page.fill("#due_date", "2026-06-30")
    page.fill("[name=description_0]", "コンサルティング")
    page.fill("[name=quantity_0]", "1")
    page.fill("[name=unit_price_0]", "4146")
    page.fill("[name=description_1]", "弁当")
    page.fill("[name=quantity_1]", "2")
    page.fill("[name=unit_price_1]", "1055")
    page.select_option("[name=tax_category_1]", "AA")
    page.click("form.card button.primary")
    page.wait_for_url("**/invoicing/invoices/*/")
    page.click("text=発行する(売上計上)")
    page.wait_for_selector("text=INV-2026-00001")
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "弁当 ※" in body and "414" in body and "168" in body
    assert page.locator("a", has_text="PDF").count() == 1
    shoot(page, "invoicing-invoice")
    invoice = orm(lambda: Invoice.objects.get())
    assert invoice.status == "issued" and invoice.total == 4146 + 414 + 2110 + 168
    assert errors == []

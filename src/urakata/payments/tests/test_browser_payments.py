"""Payments in headless Chromium: an accountant gathers the due requests into a batch, a second
accountant approves it in the workflow, the first writes the 全銀 file and marks it paid.
Screenshots (desktop and phone) land in var/screenshots/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot

pytestmark = BROWSER_MARKS

PASSWORD = "pass-word-123"  # UserFactory's password
DAY = dt.date(2026, 12, 10)


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    from django.contrib.auth.models import Group

    from urakata.core.permissions import SYSTEM
    from urakata.core.roles import Role
    from urakata.ledger.chart import chart_ensure_seeded
    from urakata.org.tests.factories import EmployeeFactory, UserFactory
    from urakata.payments.services import payment_request_add
    from urakata.payments.tests.factories import CompanyBankAccountFactory, employee_with_account

    chart_ensure_seeded()
    for name in ("maker", "checker"):
        user = UserFactory(username=name)
        user.groups.add(Group.objects.get_or_create(name=Role.ACCOUNTING.value)[0])
        EmployeeFactory(user=user)
    CompanyBankAccountFactory()
    for n in range(1, 4):
        payment_request_add(
            actor=SYSTEM,
            source="payments",
            source_id=n,
            payee_employee_id=employee_with_account().pk,
            amount=10_000 * n,
            due_date=DAY,
            description=f"立替経費 {n}",
            liability_account_code="3150",
        )
    return {}


@pytest.fixture
def chromium(world: dict[str, Any]) -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def _page(browser: Any, errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def test_batch_made_checked_filed_and_paid(chromium: Any, live_server: Any) -> None:
    from urakata.payments.models import PaymentBatch

    base = live_server.url
    errors: list[str] = []
    maker = _page(chromium, errors)
    log_in(maker, base, "maker", PASSWORD)
    maker.click("nav.sidenav a[href='/payments/batches/']")
    maker.wait_for_url(f"{base}/payments/batches/")
    maker.fill("#transfer_date", DAY.isoformat())
    maker.click("form.card button.primary")
    maker.wait_for_url(f"{base}/payments/batches/*/")
    assert maker.locator("#items tbody tr").count() == 3
    shoot(maker, "payments-batch-draft")
    maker.click("text=承認を申請")
    maker.wait_for_load_state()
    batch = orm(lambda: PaymentBatch.objects.get())
    assert batch.status == "pending" and batch.total_amount == 60_000

    checker = _page(chromium, errors)
    log_in(checker, base, "checker", PASSWORD)
    from urakata.workflow.models import ApprovalRequest

    approval = orm(lambda: ApprovalRequest.objects.get(subject_id=batch.pk))
    checker.goto(f"{base}/workflow/requests/{approval.pk}/")
    checker.click("button:has-text('承認')")
    checker.wait_for_load_state()
    assert orm(lambda: PaymentBatch.objects.get().status) == "approved"

    maker.goto(f"{base}/payments/batches/{batch.pk}/")
    maker.click("text=全銀ファイルを作成")
    maker.wait_for_load_state()
    with maker.expect_download() as download:
        maker.click("text=全銀ファイルをダウンロード")
    data = Path(download.value.path()).read_bytes()
    assert len(data) == 6 * 122 and data[1:3] == b"21"
    maker.click("text=支払済みにする")
    maker.wait_for_load_state()
    shoot(maker, "payments-batch-paid")
    paid = orm(lambda: PaymentBatch.objects.get())
    assert paid.status == "paid" and paid.journal_entry_id is not None
    assert errors == []

"""Documents in headless Chromium: 総務 files a PDF on the form, searches a Japanese word and sees
the highlighted snippet, opens the folder of the document, then checks a signed contract on the
signature verification page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot

pytestmark = BROWSER_MARKS

PASSWORD = "pass-word-123"  # UserFactory's password


@pytest.fixture
def world(transactional_db: Any, tmp_path: Path) -> dict[str, Any]:
    from django.contrib.auth.models import Group

    from urakata.core.roles import Role
    from urakata.documents import signing
    from urakata.documents.contract_models import Contract
    from urakata.documents.tests.factories import pdf_bytes
    from urakata.org.tests.factories import CounterpartyFactory, EmployeeFactory, UserFactory

    user = UserFactory(username="soumu")
    user.groups.add(Group.objects.get_or_create(name=Role.GENERAL_AFFAIRS.value)[0])
    employee = EmployeeFactory(user=user)
    party = CounterpartyFactory(name="国税商事")
    upload = tmp_path / "mitsumori.pdf"
    upload.write_bytes(pdf_bytes("空調設備の定期点検 お見積り 一式 330,000円"))
    contract = Contract(
        title="保守業務委託契約書",
        counterparty=party,
        amount=1_200_000,
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2027, 3, 31),
        body="第1条 乙は甲の設備を保守する。",
        signer_name="山田 花子",
        signer_email="hanako@example.jp",
    )
    pdf = signing.contract_pdf(contract, "裏方商事株式会社")
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(signing.sign_pdf(pdf, purpose="company", field="Company", reason="甲"))
    return {
        "upload": upload,
        "signed": signed,
        "party": party.pk,
        "department": employee.department_id,
    }


@pytest.fixture
def chromium(world: dict[str, Any]) -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def test_upload_search_snippet_and_verify(
    chromium: Any, live_server: Any, world: dict[str, Any]
) -> None:
    from urakata.documents.models import Document

    base = live_server.url
    errors: list[str] = []
    page = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP").new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "soumu", PASSWORD)

    page.goto(f"{base}/documents/new/")
    page.set_input_files("#k-file", str(world["upload"]))
    page.fill("#k-title", "空調点検の見積書")
    page.select_option("#k-type", "quotation")
    page.fill("#k-date", "2026-05-10")
    page.fill("#k-amount", "330000")
    page.select_option("#k-cp", str(world["party"]))
    page.click("form button.primary")
    page.wait_for_url("**/documents/*/")
    document = orm(lambda: Document.objects.get())
    assert document.title == "空調点検の見積書" and document.amount == 330_000

    page.goto(f"{base}/documents/")
    page.fill("#f-q", "定期点検")
    page.click("form.toolbar button.primary")
    page.wait_for_selector("#document-table mark")
    marks = page.locator("#document-table mark").all_inner_texts()
    assert any("点検" in m or "定期" in m for m in marks), marks
    assert "空調点検の見積書" in page.inner_text("#document-table")
    assert "見積書" not in page.inner_text("#folder-tree")  # folded
    page.click("#folder-tree summary .muted")  # unfold the department
    assert "見積書 (1)" in page.inner_text("#folder-tree")
    page.click("#folder-tree details a:has-text('見積書')")
    page.wait_for_url("**doc_type=quotation**")
    assert "q=" in page.url and "<mark>" in page.inner_html("#document-table")
    shoot(page, "documents-search")

    page.goto(f"{base}/documents/contracts/verify/")
    page.set_input_files("#v-file", str(world["signed"]))
    page.click("form button.primary")
    page.wait_for_selector("text=有効")
    table = page.inner_text("table")
    assert "Company" in table and "✓" in table and "なし" in table
    shoot(page, "documents-verify")
    assert errors == []

"""Expense claim in headless Chromium: a phone-sized page, a receipt picked with the camera input,
the line form filled in by OCR, saved and submitted. Screenshots land in var/screenshots/."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from urakata.core.tests.browser import BROWSER_MARKS, launch_chromium, log_in, orm, shoot

pytestmark = [
    *BROWSER_MARKS,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed"),
]
PASSWORD = "pass-word-123"  # UserFactory's password


@pytest.fixture
def people(transactional_db: Any) -> dict[str, Any]:
    from urakata.expenses.tests.factories import team

    made = team()
    member = made["member"]
    member.username = "tabibito"
    member.save(update_fields=["username"])
    return made


@pytest.fixture
def chromium(people: dict[str, Any]) -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser


def test_photograph_a_receipt_and_submit(
    chromium: Any, live_server: Any, people: dict[str, Any], tmp_path: Any
) -> None:
    from urakata.core.ocr.synth import receipt

    sample = receipt(random.Random(21), split="dev", layout="A")
    photo = tmp_path / "receipt.png"
    photo.write_bytes(sample.data)
    errors: list[str] = []
    page = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP").new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    log_in(page, base, "tabibito", PASSWORD)
    page.goto(f"{base}/expenses/")
    page.fill("#title", "11月 文具")
    page.click("form.card button.primary")
    page.wait_for_selector("#receipt")
    assert page.get_attribute("#receipt", "capture") == "environment"
    page.set_input_files("#receipt", str(photo))
    page.click("form[action$='/receipt/'] button")
    page.wait_for_selector("input[name=receipt_id][value]:not([value=''])", state="attached")
    assert page.input_value("#amount") == str(sample.truth.total)
    assert page.input_value("#payee") == sample.truth.payee
    shoot(page, "expenses-receipt-read")
    page.fill("#purpose", "文具")
    page.click("form.form-grid button.primary")
    page.wait_for_selector("text=明細を追加しました")
    page.click("form[action$='/submit/'] button.primary")
    page.wait_for_selector("text=申請しました")
    shoot(page, "expenses-claim-submitted")
    from urakata.expenses.models import ExpenseClaim

    claim = orm(lambda: ExpenseClaim.objects.get(title="11月 文具"))
    assert claim.status == ExpenseClaim.Status.SUBMITTED
    assert claim.total == sample.truth.total
    assert errors == []

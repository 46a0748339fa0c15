"""OCR of a received invoice: a Pillow-rendered Japanese 請求書 (Noto CJK) read by the real
Tesseract pre-fills the form; the confirmed registration keeps the same file as evidence."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.models import StoredFile
from urakata.core.ocr import ReceiptReading, engine_available
from urakata.core.roles import Role
from urakata.invoicing.models import ReceivedInvoice
from urakata.invoicing.received_ocr import prefill
from urakata.invoicing.tests.ocr_invoice import TRUTH, invoice_png

pytestmark = pytest.mark.django_db


def test_prefill_from_one_rate_and_from_both() -> None:
    one = ReceiptReading(total=11000, tax={"10": 1000, "8": None}, payee="山本商店")
    assert prefill(one) == {
        "issuer_name": "山本商店",
        "registration_number": "",
        "issue_date": "",
        "taxable_10": "10000",
        "tax_10": "1000",
        "taxable_8": "",
        "tax_8": "",
    }
    # 10%: 1,200 tax → 12,000 base; 8%: 18,600 − 1,200 − 400 − 12,000 = 5,000
    both = ReceiptReading(date=dt.date(2026, 5, 15), total=18600, tax={"10": 1200, "8": 400})
    values = prefill(both)
    assert (values["taxable_10"], values["taxable_8"], values["issue_date"]) == (
        "12000",
        "5000",
        "2026-05-15",
    )
    assert prefill(ReceiptReading())["taxable_10"] == ""


@pytest.mark.skipif(not engine_available(), reason="Tesseract is not installed")
def test_invoice_image_is_read_confirmed_and_stored_once(
    client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(Role.ACCOUNTING)
    image = SimpleUploadedFile("bill.png", invoice_png(), "image/png")
    page = client.post("/invoicing/received/read/", {"file": image})
    assert page.status_code == 200
    html = page.content.decode()
    for field in ("issuer_name", "registration_number", "issue_date", "taxable_10", "tax_10",
                  "taxable_8", "tax_8"):  # fmt: skip
        assert f'name="{field}" value="{TRUTH[field]}"' in html, field
    token = re.search(r'name="evidence_token" value="([^"]+)"', html)
    assert token is not None and StoredFile.objects.count() == 1
    form = {k: v for k, v in TRUTH.items() if k != "total"}
    response = client.post("/invoicing/received/new/", {**form, "evidence_token": token.group(1)})
    assert response.status_code == 302
    item = ReceivedInvoice.objects.get()
    assert (item.total, item.tax_total, item.registration_number) == (
        TRUTH["total"],
        1600,
        TRUTH["registration_number"],
    )
    assert item.source == ReceivedInvoice.Source.PDF and item.stored_file is not None
    assert StoredFile.objects.count() == 1  # the read file is the evidence, not a copy


def test_a_forged_token_saves_nothing(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    form = {k: v for k, v in TRUTH.items() if k != "total"}
    response = client.post("/invoicing/received/new/", {**form, "evidence_token": "x:y:z"})
    assert response.status_code == 302
    assert not ReceivedInvoice.objects.exists()


def test_reading_needs_the_manage_capability(client_for: Any) -> None:
    client = client_for(Role.EMPLOYEE)
    image = SimpleUploadedFile("bill.png", invoice_png(), "image/png")
    response = client.post("/invoicing/received/read/", {"file": image})
    assert response.status_code == 403 and not StoredFile.objects.exists()

"""Report PDFs are really rendered: parsed back, they hold the title, accounts and amounts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from urakata.core.roles import Role
from urakata.ledger import services

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_trial_balance_and_statements_as_pdf(make_user: Any) -> None:
    import datetime as dt

    accountant = make_user(Role.ACCOUNTING)
    services.journal_entry_post(
        actor=accountant,
        date=dt.date(2026, 5, 10),
        description="売上計上",
        lines=[{"account": "1220", "debit": 1_234_567}, {"account": "5110", "credit": 1_234_567}],
        tax_entry="none",
    )
    client = Client()
    client.force_login(accountant)
    response = client.get("/ledger/reports/trial-balance/?from=2026-04&to=2026-06&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    text = _text(response.content)
    assert "試算表 2026-04〜2026-06" in text
    assert "売上高" in text and "1,234,567" in text
    pl = _text(
        client.get("/ledger/reports/profit-and-loss/?from=2026-04&to=2026-06&format=pdf").content
    )
    assert "損益計算書" in pl and "1,234,567" in pl
    bs = _text(client.get("/ledger/reports/balance-sheet/?as_of=2026-06&format=pdf").content)
    assert "貸借対照表 2026-06" in bs and "売掛金" in bs


def test_pdf_export_is_denied_to_employees(client_for: Any) -> None:
    response = client_for(Role.EMPLOYEE).get("/ledger/reports/trial-balance/?format=pdf")
    assert response.status_code == 403


def test_pdf_embeds_a_japanese_font_and_names_company_date_and_pages(make_user: Any) -> None:
    from urakata.org.tests.factories import CompanyFactory

    CompanyFactory(name="株式会社裏方製作所")
    accountant = make_user(Role.ACCOUNTING)
    client = Client()
    client.force_login(accountant)
    content = client.get(
        "/ledger/reports/trial-balance/?from=2026-04&to=2026-06&format=pdf"
    ).content
    reader = PdfReader(io.BytesIO(content))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object() for font in fonts.values()]
    embedded = [
        f
        for f in descriptors
        if "IPAexGothic" in str(f["/BaseFont"])
        and "/FontFile2" in f["/FontDescriptor"].get_object()
    ]
    assert embedded, [str(f["/BaseFont"]) for f in descriptors]
    text = _text(content)
    assert "株式会社裏方製作所" in text and "印刷日時" in text and "1 / 1 ページ" in text

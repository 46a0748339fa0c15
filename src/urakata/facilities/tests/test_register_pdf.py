"""固定資産台帳 as PDF: parsed back (assets, this year's depreciation, totals), audited, scoped."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.facilities.tests import factories

pytestmark = pytest.mark.django_db


def test_register_pdf_reads_back(client_for: Any, make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    factories.asset(actor=accountant)  # 1,200,000, 5 years straight from 2025-04: 240,000
    factories.asset(
        actor=accountant,
        name="社用車",
        category="vehicle",
        life=6,
        method="declining",
        acquired_on=dt.date(2025, 10, 1),
        cost=3_000_000,
    )  # 200%定率法 6年 0.333: 3,000,000 × 0.333 × 6/12 = 499,500
    client = client_for(Role.ACCOUNTING)
    response = client.get("/facilities/assets/export/", {"fy": 2025, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    compact = "".join(text.split())
    for expected in (
        "固定資産台帳・減価償却明細2025年度",
        "FA-00001",
        "複合機",
        "社用車",
        "240,000",
        "960,000",
        "499,500",
        "2,500,500",
        "合計",
        "4,200,000",  # cost
        "739,500",  # the year's depreciation
        "3,460,500",  # closing book value
    ):
        assert expected in compact, expected
    event = AuditEvent.objects.filter(action="facilities.asset.export").get()
    assert event.changes["format"] == "pdf" or "pdf" in str(event.changes)
    denied = client_for(Role.EMPLOYEE).get(
        "/facilities/assets/export/", {"fy": 2025, "format": "pdf"}
    )
    assert denied.status_code == 403

"""The recurring-invoice page (定期請求): list with the next run, create, edit, pause / resume,
and the history of the invoices it issued."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.invoicing.models import RecurringInvoice
from urakata.invoicing.recurring import recurring_run
from urakata.invoicing.tests.factories import company, customer

pytestmark = pytest.mark.django_db


def _form(cp_id: int, next_date: str = "2026-06-10", **extra: str) -> dict[str, str]:
    return {
        "counterparty_id": str(cp_id),
        "subject": "保守料",
        "next_date": next_date,
        "due_days": "30",
        "rounding": "floor",
        "description_0": "システム保守",
        "quantity_0": "1",
        "unit_0": "式",
        "unit_price_0": "50000",
        "tax_category_0": "S",
        **extra,
    }


def test_create_edit_pause_resume_and_history(client_for: Any) -> None:
    company()
    cp = customer()
    client = client_for(Role.ACCOUNTING)
    response = client.post("/invoicing/recurring/", _form(cp.pk))
    item = RecurringInvoice.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{item.pk}/")
    page = client.get("/invoicing/recurring/").content.decode()
    assert "保守料" in page and "50,000" in page and "2026-06-10" in page

    client.post(
        f"/invoicing/recurring/{item.pk}/", _form(cp.pk, "2026-06-20", unit_price_0="55000")
    )
    item.refresh_from_db()
    assert item.next_date == dt.date(2026, 6, 20) and item.lines[0]["unit_price"] == 55000

    client.post(f"/invoicing/recurring/{item.pk}/toggle/")
    item.refresh_from_db()
    assert not item.is_active
    assert recurring_run(actor=SYSTEM, today=dt.date(2026, 7, 31)) == []  # paused: nothing
    client.post(f"/invoicing/recurring/{item.pk}/toggle/")
    issued = recurring_run(actor=SYSTEM, today=dt.date(2026, 7, 31))
    # June 20 and July 20, each once: 55,000 + 10% = 60,500
    assert [(i.issue_date, i.total) for i in issued] == [
        (dt.date(2026, 6, 20), 60500),
        (dt.date(2026, 7, 20), 60500),
    ]
    detail = client.get(f"/invoicing/recurring/{item.pk}/").content.decode()
    assert all(i.number in detail for i in issued) and "2026-08-20" in detail


def test_bad_input_is_shown_not_saved(client_for: Any) -> None:
    cp = customer()
    client = client_for(Role.ACCOUNTING)
    response = client.post("/invoicing/recurring/", _form(cp.pk, "2026-06-30"))
    assert response.status_code == 200 and "1〜28" in response.content.decode()
    assert not RecurringInvoice.objects.exists()


def test_readers_see_managers_change(client_for: Any) -> None:
    cp = customer()
    item = RecurringInvoice.objects.create(counterparty=cp, lines=[], next_date=dt.date(2026, 6, 1))
    auditor = client_for(Role.AUDITOR)
    assert auditor.get("/invoicing/recurring/").status_code == 200
    assert auditor.post(f"/invoicing/recurring/{item.pk}/toggle/").status_code == 403
    assert client_for(Role.EMPLOYEE).get("/invoicing/recurring/").status_code == 403
    item.refresh_from_db()
    assert item.is_active

"""Every ledger export holds exactly what its page shows: the journal's CSV and 弥生 downloads
read the page's filters through the same function and selector; reports export their own table."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.ledger import services
from urakata.ledger.models import JournalEntry
from urakata.ledger.tests.factories import post_simple
from urakata.org.tests.factories import CounterpartyFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def _post(day: dt.date, counterparty: Any, description: str, amount: int = 11_000) -> None:
    services.journal_entry_post(
        actor=SYSTEM,
        date=day,
        description=description,
        lines=[
            {"account": "7290", "debit": amount, "counterparty_id": counterparty.pk},
            {"account": "1140", "credit": amount},
        ],
        tax_entry="none",
    )


@pytest.fixture
def books() -> dict[str, Any]:
    """April and May entries with two 取引先 and some with none."""
    partner, other = CounterpartyFactory(name="桜商事"), CounterpartyFactory(name="梅工業")
    _post(dt.date(2025, 4, 3), partner, "桜 4月 その1")
    _post(dt.date(2025, 4, 20), partner, "=桜 4月 その2", amount=5_500)
    _post(dt.date(2025, 4, 21), other, "梅 4月")
    post_simple(day=dt.date(2025, 4, 25), description="取引先なし 4月")
    _post(dt.date(2025, 5, 2), partner, "桜 5月")
    _post(dt.date(2025, 3, 31), partner, "桜 3月")
    return {"partner": partner, "other": other}


QUERY = {"date_from": "2025-04-01", "date_to": "2025-04-30"}


def _page_entries(client: Client, query: dict[str, str]) -> list[JournalEntry]:
    page = client.get("/ledger/entries/", query)
    assert page.status_code == 200
    return list(page.context["page_obj"])


def _download(client: Client, query: dict[str, str], fmt: str, encoding: str) -> list[list[str]]:
    response = client.get("/ledger/entries/", {**query, "format": fmt})
    assert response.status_code == 200 and response.streaming
    text = response.getvalue().decode(encoding)
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_journal_csv_with_a_date_range_and_a_counterparty_holds_exactly_the_page(
    client_for: Any, books: dict[str, Any]
) -> None:
    client = client_for(Role.ACCOUNTING)
    query = {**QUERY, "counterparty": str(books["partner"].pk)}
    shown = _page_entries(client, query)
    assert sorted(e.description for e in shown) == ["=桜 4月 その2", "桜 4月 その1"]
    rows = _download(client, query, "csv", "utf-8")
    assert rows[0][:3] == ["entry", "date", "description"]
    body = rows[1:]
    expected = [
        (entry.display_number, entry.date.isoformat(), line.account.code)
        for entry in sorted(shown, key=lambda e: (e.date, e.number))
        for line in entry.lines.all()
    ]
    assert [(r[0], r[1], r[3]) for r in body] == expected
    assert "'=桜 4月 その2" in {r[2] for r in body}  # formula-escaped on the way out
    event = AuditEvent.objects.filter(action="ledger.journal.export").latest("seq")
    assert event.changes["rows"] == len(body) == 4
    assert event.changes["filters"] == {
        "date_from": "2025-04-01",
        "date_to": "2025-04-30",
        "counterparty_id": books["partner"].pk,
    }


def test_journal_yayoi_download_holds_exactly_the_page(
    client_for: Any, books: dict[str, Any]
) -> None:
    client = client_for(Role.ACCOUNTING)
    query = {**QUERY, "counterparty": str(books["other"].pk)}
    shown = _page_entries(client, query)
    rows = _download(client, query, "yayoi", "cp932")
    assert {int(r[1]) for r in rows} == {e.number for e in shown}
    # one two-line entry: 弥生's single 2000 row
    assert [r[16] for r in rows] == ["梅 4月"]
    assert {r[3] for r in rows} == {"2025/04/21"}


@pytest.mark.parametrize(
    "extra",
    [{}, {"q": "桜"}, {"amount_min": "6000"}, {"account": "7290", "amount_max": "6000"}],
)
def test_every_journal_filter_is_honoured_by_the_download(
    client_for: Any, books: dict[str, Any], extra: dict[str, str]
) -> None:
    client = client_for(Role.ACCOUNTING)
    query = {**QUERY, **extra}
    shown = {e.display_number for e in _page_entries(client, query)}
    assert shown
    downloaded = {r[0] for r in _download(client, query, "csv", "utf-8")[1:]}
    assert downloaded == shown


def test_general_ledger_export_honours_the_department_filter(client_for: Any) -> None:
    sales, factory = DepartmentFactory(code="S1"), DepartmentFactory(code="F1")
    post_simple(day=dt.date(2025, 4, 5), description="営業の仕訳", department_id=sales.pk)
    post_simple(day=dt.date(2025, 4, 6), description="=工場の仕訳", department_id=factory.pk)
    client = client_for(Role.ACCOUNTING)
    url = "/ledger/reports/general-ledger/"
    query = {"account": "7290", "from": "2025-04", "to": "2025-04", "department": "F1"}
    page = client.get(url, query)
    shown = [row["description"] for row in page.context["gl"]["rows"]]
    response = client.get(url, {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    summary = ("前期繰越", "前月繰越", "累計")
    postings = [r[2] for r in rows[1:] if r[2] not in summary and not r[2].endswith("月計")]
    assert postings == ["'" + d for d in shown] == ["'=工場の仕訳"]
    event = AuditEvent.objects.filter(action="ledger.report.export").latest("seq")
    assert event.changes["rows"] == len(rows) - 1
    assert event.changes["filters"]["department"] == "F1"

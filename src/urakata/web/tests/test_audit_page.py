"""The auditor's page: filters, pagination, HTMX partial, streamed CSV export (audited itself)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from urakata.core.audit import audit_record, audit_verify
from urakata.core.models import AuditEvent
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def auditor(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user(Role.AUDITOR, username="kansa"))
    return client


@pytest.fixture
def events(make_user: Any) -> dict[str, Any]:
    """Three events by two people on two days (JST)."""
    alice = make_user(Role.HR, username="alice")
    bob = make_user(Role.ACCOUNTING, username="bob")
    # The first event at 2025-04-01 23:30 JST (14:30 UTC): a day boundary case.
    with mock.patch(
        "django.utils.timezone.now", return_value=dt.datetime(2025, 4, 1, 23, 30, tzinfo=JST)
    ):
        first = audit_record(
            actor=alice, action="org.employee.update", target=alice, changes={"a": 1}
        )
    second = audit_record(actor=bob, action="org.counterparty.create", target=bob)
    third = audit_record(actor=alice, action="org.department.create", target_type="org.department")
    return {"alice": alice, "bob": bob, "first": first, "second": second, "third": third}


def _seqs(response: Any) -> list[int]:
    return [ev.seq for ev in response.context["page_obj"]]


def test_filters(auditor: Client, events: dict[str, Any]) -> None:
    first, second, third = events["first"], events["second"], events["third"]
    assert _seqs(auditor.get("/audit/", {"actor": "ALICE"})) == [third.seq, first.seq]
    assert _seqs(auditor.get("/audit/", {"action": "counterparty"})) == [second.seq]
    assert _seqs(auditor.get("/audit/", {"target": "org.department"})) == [third.seq]
    assert _seqs(auditor.get("/audit/", {"target": str(events["bob"].pk)})) == [second.seq]
    # Dates are JST days: 23:30 JST on 1 April belongs to 1 April, not 2 April.
    assert _seqs(auditor.get("/audit/", {"date_to": "2025-04-01"})) == [first.seq]
    assert _seqs(auditor.get("/audit/", {"date_from": "2025-04-02", "actor": "alice"})) == [
        third.seq
    ]
    assert _seqs(auditor.get("/audit/", {"date_from": "2025-04-01", "date_to": "2025-04-01"})) == [
        first.seq
    ]
    # A malformed date is ignored rather than an error.
    assert auditor.get("/audit/", {"date_from": "2025-13-45"}).status_code == 200


def test_pagination_and_constant_query_count(auditor: Client, make_user: Any) -> None:
    actor = make_user(Role.HR)
    for i in range(60):
        audit_record(actor=actor, action="test.bulk", changes={"i": i})
    page1 = auditor.get("/audit/", {"action": "test.bulk"})
    page2 = auditor.get("/audit/", {"action": "test.bulk", "page": 2})
    assert len(_seqs(page1)) == 50 and len(_seqs(page2)) == 10
    assert set(_seqs(page1)).isdisjoint(_seqs(page2))
    assert "action=test.bulk&amp;page=2" in page1.content.decode()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert auditor.get("/audit/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(30):
        audit_record(actor=actor, action="test.more", changes={"i": i})
    assert count() == before


def test_htmx_gets_the_table_only(auditor: Client, events: dict[str, Any]) -> None:
    response = auditor.get("/audit/", {"actor": "bob"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<table" in body
    assert "org.counterparty.create" in body and "org.employee.update" not in body
    full = auditor.get("/audit/", {"actor": "bob"}).content.decode()
    assert "<html" in full and 'id="audit-table"' in full


def test_csv_export(auditor: Client, events: dict[str, Any]) -> None:
    response = auditor.get("/audit/", {"actor": "alice", "format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff"))))
    assert rows[0] == [
        "seq",
        "at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target",
        "changes",
        "ip_address",
        "prev_hash",
        "hash",
    ]
    body = rows[1:]
    assert [int(r[0]) for r in body] == [events["third"].seq, events["first"].seq]
    first = body[1]
    assert first[1] == "2025-04-01T23:30:00+09:00"  # local time with its offset
    assert first[2] == "alice" and first[3] == "org.employee.update"
    assert json.loads(first[7]) == {"a": 1}
    stored = AuditEvent.objects.get(pk=events["first"].pk)
    assert first[9:] == [stored.prev_hash, stored.hash]


def test_export_is_audited(auditor: Client, events: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    response = auditor.get("/audit/", {"action": "org.", "format": "csv"}, REMOTE_ADDR="192.0.2.7")
    b"".join(response.streaming_content)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "core.audit.export"
    assert event.actor_label == "kansa" and event.ip_address == "192.0.2.7"
    assert event.changes == {"format": "csv", "rows": 3, "filters": {"action": "org."}}
    assert audit_verify().ok


def test_csv_cells_cannot_become_formulas(auditor: Client, db: Any) -> None:
    audit_record(actor=None, actor_label='=HYPERLINK("http://evil")', action="core.login.failed")
    response = auditor.get("/audit/", {"format": "csv"})
    raw = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff"))))
    labels = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in labels
    assert not any(label.startswith("=") for label in labels)


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.AUDITOR, Role.ADMIN)])
def test_non_auditors_get_403(make_user: Any, role: Role, events: dict[str, Any]) -> None:
    client = Client()
    client.force_login(make_user(role))
    before = AuditEvent.objects.count()
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/", {"format": "csv"}).status_code == 403
    assert client.get("/audit/", headers={"HX-Request": "true"}).status_code == 403
    assert AuditEvent.objects.count() == before  # a refused export is not an export


def test_event_times_are_shown_in_jst(auditor: Client, events: dict[str, Any]) -> None:
    body = auditor.get("/audit/", {"actor": "alice"}).content.decode()
    assert "2025-04-01 23:30:00" in body
    assert timezone.get_current_timezone_name() == "Asia/Tokyo"


@pytest.mark.parametrize(
    "query",
    [{}, {"actor": "bob"}, {"action": "org.", "date_from": "2025-04-02"}, {"target": "org."}],
)
def test_export_holds_exactly_the_events_the_page_lists(
    auditor: Client, events: dict[str, Any], query: dict[str, str]
) -> None:
    shown = _seqs(auditor.get("/audit/", query))
    response = auditor.get("/audit/", {**query, "format": "csv"})
    raw = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff"))))
    assert [int(row[0]) for row in rows[1:]] == shown
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.changes["rows"] == len(shown)

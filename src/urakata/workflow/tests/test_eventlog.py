"""Event log: KPIs from timestamps, and XES / OCEL 2.0 exports parsed back."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from urakata.core.models import AuditEvent
from urakata.workflow import kpis, services
from urakata.workflow.forms import ringi_submit
from urakata.workflow.models import Action
from urakata.workflow.tests.factories import RINGI, make_org, make_route

pytestmark = pytest.mark.django_db
XES = "{http://www.xes-standard.org/}"
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def history() -> Any:
    """Three requests with known timestamps: approved, returned+resubmitted+rejected, open."""
    org = make_org()
    make_route()
    h = dt.timedelta(hours=1)
    first = ringi_submit(actor=org.applicant, data=RINGI, now=T0)
    services.request_approve(actor=org.sales_manager, request_id=first.pk, now=T0 + 2 * h)
    services.request_approve(actor=org.accountant_a, request_id=first.pk, now=T0 + 6 * h)
    second = ringi_submit(actor=org.colleague, data=RINGI, now=T0 + h)
    services.request_return(
        actor=org.sales_manager, request_id=second.pk, comment="見積不足", now=T0 + 5 * h
    )
    services.request_resubmit(actor=org.colleague, request_id=second.pk, now=T0 + 7 * h)
    services.request_approve(actor=org.sales_manager, request_id=second.pk, now=T0 + 8 * h)
    services.request_reject(
        actor=org.accountant_b, request_id=second.pk, comment="予算外", now=T0 + 11 * h
    )
    third = ringi_submit(actor=org.applicant, data=RINGI, now=T0 + dt.timedelta(days=40))
    return {"org": org, "requests": [first, second, third]}


def test_kpis_from_the_event_log(history: Any) -> None:
    auditor = history["org"].auditor
    lead = kpis.kpi_lead_time(actor=auditor)
    assert [(d.key, d.count, d.mean_hours, d.median_hours) for d in lead] == [
        ("workflow.ringi", 2, 8.0, 8.0)
    ]
    rates = kpis.kpi_return_rate(actor=auditor)[0]
    assert (rates.submitted, rates.returned, rates.rejected) == (3, 1, 1)
    assert rates.return_rate == 33.3 and rates.rejection_rate == 33.3
    steps = {d.label.split(" / ")[1]: d for d in kpis.kpi_step_waiting(actor=auditor)}
    # 部署長: 2h, 4h (returned), 1h (round 2) ; 経理確認: 4h, 3h
    assert steps["部署長承認"].count == 3 and steps["部署長承認"].median_hours == 2.0
    assert steps["経理確認"].count == 2 and steps["経理確認"].mean_hours == 3.5
    approvers = {d.label: d for d in kpis.kpi_approver_waiting(actor=auditor)}
    manager = history["org"].sales_manager.employee.full_name
    assert approvers[manager].count == 3
    volume = kpis.kpi_volume(actor=auditor)
    assert [(v["month"].month, v["count"]) for v in volume] == [(1, 2), (2, 1)]
    only_feb = kpis.kpi_volume(actor=auditor, date_from=dt.date(2026, 2, 1))
    assert [v["count"] for v in only_feb] == [1]


def test_xes_export_parses_back(history: Any, tmp_path: Path) -> None:
    out = tmp_path / "log.xes"
    call_command("workflow", "export", "--format", "xes", "--out", str(out))
    root = ET.parse(out).getroot()  # noqa: S314 - our own file
    assert root.tag == f"{XES}log" and root.get("xes.version") == "1849-2016"
    prefixes = {e.get("prefix") for e in root.findall(f"{XES}extension")}
    assert {"concept", "time", "lifecycle", "org"} <= prefixes
    traces = root.findall(f"{XES}trace")
    assert len(traces) == 3
    names = [t.find(f"{XES}string[@key='concept:name']").get("value") for t in traces]
    assert names == [r.number for r in history["requests"]]
    second = traces[1]
    events = second.findall(f"{XES}event")
    activities = [e.find(f"{XES}string[@key='concept:name']").get("value") for e in events]
    assert activities == [
        "申請",
        "差し戻し: 部署長承認",
        "再申請",
        "承認: 部署長承認",
        "却下: 経理確認",
        "決裁(却下)",
    ]
    stamps = [
        dt.datetime.fromisoformat(e.find(f"{XES}date[@key='time:timestamp']").get("value"))
        for e in events
    ]
    assert stamps == sorted(stamps) and stamps[0] == T0 + dt.timedelta(hours=1)
    resources = [e.find(f"{XES}string[@key='org:resource']").get("value") for e in events]
    assert resources[1] == "sales_manager" and resources[-1] == "accountant_b".replace(
        "accountant", "acc"
    )
    total = sum(len(t.findall(f"{XES}event")) for t in traces)
    assert total == Action.objects.count()
    assert AuditEvent.objects.filter(action="workflow.eventlog.export").exists()


def test_ocel_export_parses_back(history: Any, tmp_path: Path) -> None:
    out = tmp_path / "log.json"
    call_command("workflow", "export", "--format", "ocel", "--out", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) == {"objectTypes", "eventTypes", "objects", "events"}
    assert {t["name"] for t in doc["objectTypes"]} == {"request", "step", "user"}
    ids = {o["id"] for o in doc["objects"]}
    types = {t["name"] for t in doc["eventTypes"]}
    assert len(doc["events"]) == Action.objects.count()
    for event in doc["events"]:
        assert event["type"] in types
        dt.datetime.fromisoformat(event["time"])
        for rel in event["relationships"]:
            assert rel["objectId"] in ids  # every reference resolves
    for obj in doc["objects"]:
        for rel in obj.get("relationships", []):
            assert rel["objectId"] in ids
    requests = [o for o in doc["objects"] if o["type"] == "request"]
    assert len(requests) == 3
    reject = next(e for e in doc["events"] if e["type"] == "reject")
    qualifiers = {r["qualifier"] for r in reject["relationships"]}
    assert qualifiers == {"request", "step", "actor"}
    assert reject["attributes"] == [{"name": "comment", "value": "予算外"}]


def test_export_needs_out(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("workflow", "export", "--format", "xes")


def test_timestamps_use_local_offset(history: Any, tmp_path: Path) -> None:
    out = tmp_path / "log.xes"
    call_command("workflow", "export", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert timezone.localtime(T0).isoformat(timespec="milliseconds") in text

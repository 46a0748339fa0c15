"""PoC KPIs from the event log equal an independent computation over the XES export."""

from __future__ import annotations

import datetime as dt
import io
import statistics
from typing import Any

import pytest
from defusedxml import ElementTree
from django.core.management import call_command
from django.utils import timezone

from urakata.core.permissions import SYSTEM
from urakata.dx.kpis import measure_definitions, measure_value, percentile, request_kpis
from urakata.dx.pocs import poc_create, poc_decide, poc_results
from urakata.dx.tests.factories import process_make
from urakata.workflow.eventlog import export_xes
from urakata.workflow.forms import ringi_submit
from urakata.workflow.services_applicant import request_resubmit
from urakata.workflow.services_approver import request_approve, request_reject, request_return
from urakata.workflow.tests.factories import RINGI, make_org, make_route

NS = {"x": "http://www.xes-standard.org/"}
FLOW = {"submit", "resubmit", "approve", "reject", "return", "proxy_approve"}
STEP_DECISIONS = {"approve", "reject", "return", "proxy_approve"}
WINDOW = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def _at(day: int, hour: float, month: int = 3) -> dt.datetime:
    base = dt.datetime(2025, month, day, 9, 0)
    return timezone.make_aware(base + dt.timedelta(hours=hour))


def _history(org: Any) -> None:
    """Ringi in and around March 2025: approved, returned and resubmitted, rejected, open."""
    acc = org.accountant_a
    plans: list[tuple[int, int, list[tuple[str, Any, float]]]] = [
        (3, 3, [("approve", org.sales_manager, 5), ("approve", acc, 30)]),
        (4, 3, [("approve", org.sales_manager, 1), ("approve", acc, 2)]),
        (
            5,
            3,
            [
                ("return", org.sales_manager, 4),
                ("resubmit", org.applicant, 20),
                ("approve", org.sales_manager, 25),
                ("approve", acc, 50),
            ],
        ),
        (10, 3, [("approve", org.sales_manager, 7), ("reject", acc, 9)]),
        (12, 3, [("approve", org.sales_manager, 70)]),  # still at 経理確認
        (20, 3, [("return", org.sales_manager, 3)]),  # returned, not resubmitted
        (25, 2, [("approve", org.sales_manager, 2), ("approve", acc, 4)]),  # February: outside
        (28, 3, [("approve", org.sales_manager, 100), ("approve", acc, 120)]),  # decided in April
    ]
    for day, month, steps in plans:
        start = _at(day, 0, month)
        request = ringi_submit(actor=org.applicant, data=RINGI, now=start)
        for kind, who, hours in steps:
            now = start + dt.timedelta(hours=hours)
            if kind == "approve":
                request_approve(actor=who, request_id=request.pk, now=now)
            elif kind == "return":
                request_return(actor=who, request_id=request.pk, comment="金額の根拠", now=now)
            elif kind == "reject":
                request_reject(actor=who, request_id=request.pk, comment="予算外", now=now)
            else:
                request_resubmit(actor=who, request_id=request.pk, now=now)


@pytest.fixture
def history(db: Any) -> Any:
    org = make_org()
    make_route()
    _history(org)
    return org


def _xes_kpis(xes: str, subject_type: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The same KPIs from the XES file alone (standard library XML, no Django model)."""
    root = ElementTree.fromstring(xes)
    count = returned = rejected = 0
    leads: list[float] = []
    waits: list[float] = []
    for trace in root.findall("x:trace", NS):
        attrs = {a.get("key"): a.get("value") for a in trace.findall("x:string", NS)}
        if attrs.get("urakata:subject_type") != subject_type:
            continue
        events = []
        for event in trace.findall("x:event", NS):
            values = {a.get("key"): a.get("value") for a in event}
            events.append(
                (values["urakata:kind"], dt.datetime.fromisoformat(values["time:timestamp"]))
            )
        submitted = next(at for kind, at in events if kind == "submit")
        if not start <= submitted.date() <= end:
            continue
        count += 1
        returned += any(kind == "return" for kind, _at in events)
        rejected += attrs.get("urakata:status") == "rejected"
        decided = [at for kind, at in events if kind in ("complete", "close_rejected")]
        if decided:
            leads.append((decided[0] - submitted).total_seconds() / 3600)
        previous = None
        for kind, at in events:
            if kind in STEP_DECISIONS and previous is not None:
                waits.append((at - previous).total_seconds() / 3600)
            if kind in FLOW:
                previous = at
    return {
        "requests": count,
        "lead_median": round(statistics.median(leads), 2),
        "lead_p90": round(percentile(leads, 0.9), 2),
        "return_rate": round(returned / count, 4),
        "rejection_rate": round(rejected / count, 4),
        "wait_median": round(statistics.median(waits), 2),
    }


def test_kpis_equal_an_independent_computation_over_the_xes_export(history: Any) -> None:
    out = io.StringIO()
    export_xes(out)
    expected = _xes_kpis(out.getvalue(), "workflow.ringi", *WINDOW)
    got = request_kpis(request_type="workflow.ringi", date_from=WINDOW[0], date_to=WINDOW[1])
    assert got["requests"] == expected["requests"] == 7
    assert got["lead_time_hours"] == {
        "median": expected["lead_median"],
        "p90": expected["lead_p90"],
    }
    assert got["return_rate"] == expected["return_rate"]
    assert got["rejection_rate"] == expected["rejection_rate"]
    assert got["step_wait_hours"]["median"] == expected["wait_median"]
    # By hand: 7 submitted in March, 2 returned, 1 rejected; decided lead times 30, 2, 50, 9, 120.
    assert (got["return_rate"], got["rejection_rate"]) == (round(2 / 7, 4), round(1 / 7, 4))
    assert got["lead_time_hours"]["median"] == 30.0


def test_department_scope_and_empty_windows(history: Any) -> None:
    sales = request_kpis(
        request_type="workflow.ringi",
        department_code="D500",
        date_from=WINDOW[0],
        date_to=WINDOW[1],
    )
    assert sales["requests"] == 7
    other = request_kpis(
        request_type="workflow.ringi",
        department_code="D400",
        date_from=WINDOW[0],
        date_to=WINDOW[1],
    )
    assert other["requests"] == 0 and other["return_rate"] is None
    assert other["lead_time_hours"] == {"median": None, "p90": None}


def test_cli_prints_the_kpis_as_json(history: Any) -> None:
    out = io.StringIO()
    call_command(
        "dx",
        "kpis",
        "--request-type",
        "workflow.ringi",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--json",
        stdout=out,
    )
    import json

    data = json.loads(out.getvalue())
    assert set(data) >= {
        "requests",
        "lead_time_hours",
        "return_rate",
        "rejection_rate",
        "step_wait_hours",
    }
    assert data["requests"] == 7 and data["lead_time_hours"]["median"] == 30.0


def test_poc_measures_baseline_against_trial_and_freezes_on_decision(history: Any) -> None:
    process = process_make(actor=SYSTEM)
    leader = history.president  # executive: dx.manage
    poc = poc_create(
        actor=leader,
        process=process,
        data={
            "title": "稟議ルート短縮",
            "baseline_from": "2025-02-01",
            "baseline_to": "2025-02-28",
            "trial_from": "2025-03-01",
            "trial_to": "2025-03-31",
            "measures": ["workflow.submissions"],
        },
    )
    result = poc_results(poc)
    assert result["baseline"]["requests"] == 1 and result["trial"]["requests"] == 7
    assert result["baseline"]["lead_time_hours"]["median"] == 4.0
    assert result["lead_time_reduction"] == round((4.0 - 30.0) / 4.0, 4)
    decided = poc_decide(actor=leader, poc=poc, decision="stopped", reason="待ち時間が延びた")
    assert decided.result["trial"]["requests"] == 7 and decided.hours_saved_per_year == 0


def test_process_measures_come_from_the_manifests(history: Any) -> None:
    definitions = measure_definitions()
    assert {"workflow.submissions", "ledger.correction_rate"} <= set(definitions)
    assert definitions["workflow.submissions"]["domain"] == "workflow"
    today = timezone.localdate()
    # Audit events carry the real time of the write: all 8 submissions were recorded today.
    assert measure_value("workflow.submissions", date_from=today, date_to=today) == 8.0
    assert measure_value("workflow.return_share", date_from=today, date_to=today) == round(2 / 9, 4)
    assert measure_value("workflow.submit_to_decision", date_from=today, date_to=today) is not None

"""変形労働時間制 end to end: a rule, its shift calendar (CLI and service), the month figures."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from urakata.attendance import selectors
from urakata.attendance.models import ScheduledDay
from urakata.attendance.schedule import schedule_parse, variable_schedule_save
from urakata.attendance.setup import work_rule_assign, work_rule_save
from urakata.attendance.tests.factories import ClockRecordFactory
from urakata.attendance.variable import PlannedDay
from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
D = dt.date


def test_month_figures_follow_the_rule_calendar_then_the_employee_calendar(
    tmp_path: Path,
) -> None:
    rule = work_rule_save(actor=SYSTEM, code="VAR", name="変形", kind="variable")
    employee = EmployeeFactory(code="V1")
    work_rule_assign(actor=SYSTEM, employee=employee, rule_code="VAR")
    plan = tmp_path / "march.csv"
    plan.write_text("# 3月\n2026-03-02,8:00,19:00,60\n2026-03-04,9:00,18:00,60\n")
    out = StringIO()
    call_command("attendance", "schedule", "VAR", "2026-03-01", str(plan), stdout=out)
    assert "2 days saved" in out.getvalue()
    # Mon 3/2 (scheduled 10 h) 8:00–20:00: 1 h over the schedule (step 1). Tue 3/3 is not on
    # the calendar: a 所定休日, 9:00–13:00 within 8 h and 40 h. Wed 3/4 scheduled, no record:
    # absent.
    ClockRecordFactory(
        employee=employee,
        work_date=D(2026, 3, 2),
        start_minute=480,
        end_minute=1200,
        break_minutes=60,
    )
    ClockRecordFactory(
        employee=employee,
        work_date=D(2026, 3, 3),
        start_minute=540,
        end_minute=780,
        break_minutes=0,
    )
    out = StringIO()
    call_command("attendance", "month", "V1", "2026-03", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["worked_minutes"] == 15 * 60
    assert figures["scheduled_minutes"] == 600
    assert figures["within_statutory_overtime_minutes"] == 240
    assert figures["legal_overtime_minutes"] == 60
    assert figures["scheduled_holiday_minutes"] == 240
    assert figures["scheduled_days"] == 2
    assert figures["absence_days"] == 1
    # The employee's own March calendar replaces the rule's: 3/3 9:00–18:00 only. 3/2 is now a
    # 所定休日: 11 h, 3 h over 8 h; 3/3 9:00–13:00 is 所定内 9–12 and 12–13 outside the schedule.
    variable_schedule_save(
        actor=SYSTEM,
        rule=rule,
        period_start=D(2026, 3, 1),
        days={D(2026, 3, 3): PlannedDay(540, 1080, 60)},
        employee=employee,
    )
    own = selectors.month_figures(employee_id=employee.pk, year=2026, month=3)
    assert own.legal_overtime_minutes == 180
    assert own.scheduled_holiday_minutes == 660
    assert own.scheduled_minutes == 180
    assert own.absence_days == 0
    assert ScheduledDay.objects.filter(rule=rule).count() == 2
    assert AuditEvent.objects.filter(action="attendance.schedule.save").count() == 2


def test_a_calendar_over_the_frame_is_refused_with_every_problem(make_user: Any) -> None:
    rule = work_rule_save(actor=SYSTEM, code="VAR", name="変形", kind="variable")
    # 2026-02 (28 days): 総枠 160 h. 20 days of 8 h 30 min = 170 h.
    days = {
        D(2026, 2, 2) + dt.timedelta(days=i): PlannedDay(540, 1110, 0)
        for i in range(27)
        if (D(2026, 2, 2) + dt.timedelta(days=i)).weekday() < 5
    }
    days[D(2026, 2, 8)] = PlannedDay(540, 600)  # a Sunday, the 法定休日
    with pytest.raises(ValidationFailed) as exc:
        variable_schedule_save(actor=SYSTEM, rule=rule, period_start=D(2026, 2, 1), days=days)
    assert "160時間0分" in exc.value.errors["total"][0]
    assert "2026-02-08" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        variable_schedule_save(actor=SYSTEM, rule=rule, period_start=D(2026, 2, 2), days={})
    assert "period_start" in exc.value.errors
    assert not ScheduledDay.objects.exists()
    with pytest.raises(PermissionDenied):
        variable_schedule_save(
            actor=make_user(Role.EMPLOYEE), rule=rule, period_start=D(2026, 2, 1), days={}
        )
    with pytest.raises(ValidationFailed) as exc:
        work_rule_save(actor=SYSTEM, code="VAR", period_start_day=31)
    assert "period_start_day" in exc.value.errors


def test_schedule_text_reports_each_bad_line(tmp_path: Path) -> None:
    assert schedule_parse("2026-03-02,22:00,7:00,60\n") == {
        D(2026, 3, 2): PlannedDay(1320, 1860, 60)
    }
    with pytest.raises(ValidationFailed) as exc:
        schedule_parse("2026-03-02,9:00\n2026-02-30,9:00,18:00\n2026-03-03,9:00,18:00,60\n")
    assert [m[:4] for m in exc.value.errors["text"]] == ["1行目:", "2行目:"]
    bad = tmp_path / "bad.csv"
    bad.write_text("x")
    work_rule_save(actor=SYSTEM, code="VAR", name="変形", kind="variable")
    with pytest.raises(CommandError, match="1行目"):
        call_command("attendance", "schedule", "VAR", "2026-03-01", str(bad), stdout=StringIO())


def test_cli_schedule_for_one_employee(tmp_path: Path) -> None:
    """`attendance schedule … --employee`: the employee's own calendar; unknown code refused."""
    work_rule_save(actor=SYSTEM, code="VAR", name="変形", kind="variable")
    employee = EmployeeFactory(code="V2")
    plan = tmp_path / "own.csv"
    plan.write_text("2026-03-02,7:00,16:00,60\n2026-03-05,13:00,22:00,60\n")
    out = StringIO()
    call_command(
        "attendance", "schedule", "VAR", "2026-03-01", str(plan), "--employee", "V2", stdout=out
    )
    assert "2 days saved" in out.getvalue()
    rows = ScheduledDay.objects.filter(employee=employee).order_by("date")
    assert [(r.date, r.start_minute, r.end_minute) for r in rows] == [
        (D(2026, 3, 2), 420, 960),
        (D(2026, 3, 5), 780, 1320),
    ]
    assert not ScheduledDay.objects.filter(rule__code="VAR").exists()
    with pytest.raises(CommandError):
        call_command("attendance", "schedule", "VAR", "2026-03-01", str(plan), "--employee", "NOPE")
    assert ScheduledDay.objects.count() == 2

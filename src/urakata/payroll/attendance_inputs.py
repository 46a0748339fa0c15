"""The attendance figures a pay run needs, behind one function (the contract with attendance).

`urakata.attendance.selectors.month_figures(*, employee_id, year, month)` returns a frozen dataclass
with the keys of `urakata attendance month … --json` plus `closed`. Until that domain is installed
here, an employee's month is their schedule (no overtime, no absence) and every month counts as
closed; wiring the real figures is the one `import_string` below.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Protocol

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MonthFigures:
    """One employee's closed attendance month, in minutes and days."""

    worked_minutes: int = 0
    scheduled_minutes: int = 0
    within_statutory_overtime_minutes: int = 0
    legal_overtime_minutes: int = 0  # every 法定外 minute, the part over 60 h included
    overtime_over_60h_minutes: int = 0
    late_night_minutes: int = 0
    legal_holiday_minutes: int = 0
    scheduled_holiday_minutes: int = 0
    absence_days: Decimal = Decimal(0)
    paid_leave_days: Decimal = Decimal(0)
    worked_days: int = 0  # days with work (支払基礎日数 of 時給 staff, with paid leave)
    scheduled_days: int = 0  # the month's 所定労働日数 (支払基礎日数 of 日給月給 after absence)
    closed: bool = True

    @classmethod
    def from_any(cls, value: Any) -> MonthFigures:
        """Copy the known keys from attendance's dataclass (or a dict) into this shape."""
        names = [f.name for f in fields(cls)]
        if isinstance(value, dict):
            data = {n: value[n] for n in names if n in value}
        else:
            data = {n: getattr(value, n) for n in names if hasattr(value, n)}
        for key in ("absence_days", "paid_leave_days"):
            if key in data:
                data[key] = Decimal(str(data[key]))
        return cls(**data)


class FiguresSource(Protocol):
    def __call__(self, *, employee_id: int, year: int, month: int) -> Any: ...


def attendance_source() -> FiguresSource | None:
    """The attendance domain's `month_figures`, when it is installed."""
    if apps.is_installed("urakata.attendance"):
        source: FiguresSource = import_string("urakata.attendance.selectors.month_figures")
        return source
    return None


def month_is_closed(*, year: int, month: int) -> bool:
    """Has HR closed the attendance month? (Always, when attendance is not installed.)"""
    if apps.is_installed("urakata.attendance"):
        closed = import_string("urakata.attendance.selectors.month_is_closed")
        return bool(closed(year=year, month=month))
    return True


def month_figures(
    *, employee_id: int, year: int, month: int, scheduled_minutes: int
) -> MonthFigures:
    """The month's figures from attendance, or the schedule when attendance is not installed."""
    source = attendance_source()
    if source is None:
        return MonthFigures(worked_minutes=scheduled_minutes, scheduled_minutes=scheduled_minutes)
    return MonthFigures.from_any(source(employee_id=employee_id, year=year, month=month))

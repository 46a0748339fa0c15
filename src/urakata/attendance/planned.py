"""計画的付与 (労基法39条6項, by 労使協定): HR books a paid-leave day for many employees at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.attendance.models import LeaveRequest, RequestStatus
from urakata.attendance.requests import _leave_problems, leave_book
from urakata.attendance.selectors import month_is_closed
from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Employee


def leave_planned_assign(
    *, actor: Any, date: dt.date, employees: list[Employee], reason: str = "計画的付与"
) -> list[LeaveRequest]:
    """計画的付与 (労使協定): HR books a paid-leave day for many employees at once.

    Each gets an approved annual leave on `date` (oldest grant first); employees without the
    balance, a day off that date or leave already on it are skipped. Counts toward the 5 days.
    """
    require(actor, "attendance.manage")
    if month_is_closed(year=date.year, month=date.month):
        raise ValidationFailed(_("締め済みの月です。"), errors={"date": [_("締め済みの月です。")]})
    booked: list[LeaveRequest] = []
    now = timezone.now()
    with transaction.atomic():
        for employee in employees:
            if _leave_problems(employee, date, LeaveRequest.Unit.FULL, 0, LeaveRequest.Kind.ANNUAL):
                continue
            request = LeaveRequest.objects.create(
                employee=employee,
                date=date,
                reason=reason[:200],
                planned=True,
                status=RequestStatus.APPROVED,
                requested_by=actor if getattr(actor, "pk", None) else None,
                requested_at=now,
                decided_at=now,
            )
            leave_book(request)
            booked.append(request)
        audit_record(
            actor=actor,
            action="attendance.leave.planned",
            target_type="attendance.leaverequest",
            changes={"planned_date": date, "employees": [r.employee_id for r in booked]},
        )
    return booked


def leave_planned_for_codes(
    *, actor: Any, date: dt.date, codes: list[str], reason: str = "計画的付与"
) -> tuple[list[LeaveRequest], int]:
    """計画的付与 for employee codes (none: everyone employed on `date`). An unknown or not
    employed code refuses the whole booking. Returns the bookings and how many were skipped."""
    require(actor, "attendance.manage")
    employed = Employee.objects.filter(hire_date__lte=date).filter(
        Q(retire_date__isnull=True) | Q(retire_date__gte=date)
    )
    employees = list(employed.filter(code__in=codes) if codes else employed)
    missing = sorted(set(codes) - {e.code for e in employees})
    if missing:
        message = _("在籍していない社員番号: %(c)s") % {"c": " ".join(missing)}
        raise ValidationFailed(message, errors={"employee_codes": [message]})
    booked = leave_planned_assign(actor=actor, date=date, employees=employees, reason=reason)
    return booked, len(employees) - len(booked)

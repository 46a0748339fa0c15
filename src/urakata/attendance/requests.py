"""Requests through the workflow engine: leave (休暇申請) and clock corrections (打刻修正申請).

Approval runs inside the workflow's deciding transaction: a leave books its days on the grants,
oldest first; a correction adds a new version of the day's record (the original is kept) and,
for a closed month, reopens it first (HR closes it again).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.attendance import leave
from urakata.attendance.calendar import day_kinds
from urakata.attendance.compute import WORKDAY
from urakata.attendance.figures import rules_for
from urakata.attendance.models import (
    AttendanceMonth,
    ClockCorrection,
    ClockRecord,
    LeaveRequest,
    LeaveUse,
    RequestStatus,
    SpecialLeaveType,
)
from urakata.attendance.selectors import month_is_closed, own_employee
from urakata.attendance.services import minute_text, record_problems
from urakata.attendance.special import special_problems
from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Employee
from urakata.workflow import services as workflow_services
from urakata.workflow.registry import subject_key, subject_type

FAR = dt.date(9999, 12, 31)


def _route(model: Any, name: str) -> dict[str, Any]:
    """The built-in route: the applicant's manager, or HR."""
    return {
        "name": name,
        "subject_type": subject_key(model),
        "conditions": [],
        "priority": 0,
        "is_active": True,
        "steps": [
            {
                "name": "上長または人事の承認",
                "approvers": [{"kind": "manager_up", "levels": 1}, {"kind": "role", "role": "hr"}],
                "quorum": "any",
            }
        ],
    }


def _approver(request: Any, applicant_id: int | None) -> Any:
    for action in request.actions.filter(kind="approve").order_by("-at", "-pk"):
        if action.actor_id and action.actor_id != applicant_id:
            return action.actor
    return None


# ---------------------------------------------------------------- leave


def _needed_hours(unit: str, hours: int, per_day: int) -> Decimal:
    if unit == LeaveRequest.Unit.HOURS:
        return Decimal(hours)
    return (Decimal("1") if unit == LeaveRequest.Unit.FULL else Decimal("0.5")) * per_day


def _reserved_hours(employee: Employee, per_day: int) -> Decimal:
    pending = LeaveRequest.objects.filter(
        employee=employee, kind=LeaveRequest.Kind.ANNUAL, status=RequestStatus.PENDING
    ).values_list("unit", "hours")
    return sum((_needed_hours(u, h, per_day) for u, h in pending), Decimal("0"))


def _leave_problems(
    employee: Employee, date: dt.date, unit: str, hours: int, kind: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    rule = rules_for([employee.pk])[employee.pk]
    per_day = leave.day_hours(rule)
    if unit not in LeaveRequest.Unit.values:
        errors["unit"] = [_("単位が正しくありません。")]
    if kind not in LeaveRequest.Kind.values:
        errors["kind"] = [_("種類が正しくありません。")]
    if unit == LeaveRequest.Unit.HOURS and not 1 <= hours < per_day:
        errors["hours"] = [_("時間数は 1〜%(max)s で指定してください。") % {"max": per_day - 1}]
    if errors:
        return errors
    if day_kinds(rule, date, date)[date] != WORKDAY:
        errors["date"] = [_("休日には休暇を申請できません。")]
    if month_is_closed(year=date.year, month=date.month):
        errors["date"] = [_("締め済みの月です。")]
    if LeaveRequest.objects.filter(
        employee=employee, date=date, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]
    ).exists():
        errors["date"] = [_("この日の休暇は既に申請されています。")]
    if kind == LeaveRequest.Kind.ANNUAL and not errors:
        grants = leave.grant_balances(employee, date, through=FAR)
        available = sum((g.remaining_hours(per_day) for g in grants), Decimal("0"))
        needed = _needed_hours(unit, hours, per_day)
        if available - _reserved_hours(employee, per_day) < needed:
            errors["date"] = [_("有給休暇の残日数が足りません。")]
        if unit == LeaveRequest.Unit.HOURS and grants:
            start = grants[-1].grant.granted_on
            used = sum(
                LeaveRequest.objects.filter(
                    employee=employee,
                    unit=LeaveRequest.Unit.HOURS,
                    status__in=[RequestStatus.PENDING, RequestStatus.APPROVED],
                    date__gte=start,
                    date__lt=leave.add_months(start, 12),
                ).values_list("hours", flat=True)
            )
            if used + hours > leave.HOURLY_DAYS_PER_YEAR * per_day:
                errors["hours"] = [_("時間単位の年休は年5日分までです。")]
    return errors


def leave_request_submit(
    *,
    actor: Any,
    date: dt.date,
    unit: str = "full",
    hours: int = 0,
    kind: str = "annual",
    reason: str = "",
    special_type: str = "",
    evidence: str = "",
) -> LeaveRequest:
    """休暇申請: checked against the balance (pending requests reserve theirs), then routed.
    A special leave names its type (特別休暇の種類) when HR has defined any."""
    require(actor, "attendance.clock")
    employee = own_employee(actor)
    errors = _leave_problems(employee, date, unit, hours, kind)
    special = None
    if kind == LeaveRequest.Kind.SPECIAL and (special_type or SpecialLeaveType.objects.exists()):
        special, problems = special_problems(employee, special_type, date, unit, evidence)
        errors = {**problems, **errors}
    if errors:
        raise ValidationFailed(_("休暇を申請できません。"), errors=errors)
    workflow_services.route_seed(data=_route(LeaveRequest, "休暇申請の承認"))
    with transaction.atomic():
        Employee.objects.select_for_update().filter(pk=employee.pk).first()
        request = LeaveRequest.objects.create(
            employee=employee,
            date=date,
            unit=unit,
            hours=hours if unit == LeaveRequest.Unit.HOURS else 0,
            kind=kind,
            reason=reason[:200],
            special_type=special,
            evidence=evidence[:200],
            requested_by=actor,
            requested_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="attendance.leave.request",
            target=request,
            changes={
                "date": date,
                "unit": unit,
                "hours": request.hours,
                "kind": kind,
                "special_type": special_type,
            },
        )
        workflow_services.request_submit(
            actor=actor,
            subject=request,
            title=_("休暇申請: %(date)s %(unit)s")
            % {"date": date.isoformat(), "unit": request.get_unit_display()},
            comment=reason,
        )
    return request


def leave_book(request: LeaveRequest) -> list[LeaveUse]:
    """Book an approved annual leave on the grants valid that day, oldest first."""
    rule = rules_for([request.employee_id])[request.employee_id]
    per_day = leave.day_hours(rule)
    grants = leave.grant_balances(request.employee, request.date, through=FAR)
    needed = _needed_hours(request.unit, request.hours, per_day)
    uses = []
    for g in grants:
        if needed <= 0:
            break
        free = g.remaining_hours(per_day)
        if request.unit != LeaveRequest.Unit.HOURS:
            half = Decimal(per_day) / 2
            free = (free // half) * half  # whole half days only
        take = min(free, needed)
        if take <= 0:
            continue
        if request.unit == LeaveRequest.Unit.HOURS:
            uses.append(
                LeaveUse(request=request, grant=g.grant, date=request.date, hours=int(take))
            )
        else:
            uses.append(
                LeaveUse(request=request, grant=g.grant, date=request.date, days=take / per_day)
            )
        needed -= take
    if needed > 0:
        raise Conflict(_("有給休暇の残日数が足りないため承認できません。"))
    LeaveUse.objects.bulk_create(uses)
    return uses


def _leave_decided(subject: LeaveRequest, status: str, actor: Any) -> None:
    subject.status = status
    subject.decided_at = timezone.now()
    subject.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action=f"attendance.leave.{status}",
        target=subject,
        changes={"status": [RequestStatus.PENDING, status]},
    )


def _leave_approved(subject: LeaveRequest, request: Any) -> None:
    if month_is_closed(year=subject.date.year, month=subject.date.month):
        raise Conflict(_("締め済みの月の休暇は承認できません。"))
    if subject.kind == LeaveRequest.Kind.ANNUAL:
        leave_book(subject)
    _leave_decided(subject, RequestStatus.APPROVED, _approver(request, subject.requested_by_id))


def _leave_rejected(subject: LeaveRequest, request: Any) -> None:
    _leave_decided(subject, RequestStatus.REJECTED, None)


def _leave_withdrawn(subject: LeaveRequest, request: Any) -> None:
    _leave_decided(subject, RequestStatus.WITHDRAWN, subject.requested_by)


def _leave_describe(subject: LeaveRequest) -> list[tuple[str, str]]:
    unit = str(subject.get_unit_display())
    if subject.unit == LeaveRequest.Unit.HOURS:
        unit = f"{unit} {subject.hours}h"
    return [
        (_("従業員"), str(subject.employee)),
        (_("取得日"), subject.date.isoformat()),
        (_("種類"), str(subject.get_kind_display())),
        (_("単位"), unit),
        (_("理由"), subject.reason),
    ]


LEAVE_SUBJECT = subject_type(
    LeaveRequest,
    label=gettext_noop("休暇申請"),
    on_approved=_leave_approved,
    on_rejected=_leave_rejected,
    on_withdrawn=_leave_withdrawn,
    describe=_leave_describe,
)


# ---------------------------------------------------------------- corrections


def _correction_problems(
    employee: Employee,
    work_date: dt.date,
    times: tuple[int, int, int],
    original: ClockRecord | None,
) -> dict[str, list[str]]:
    start, end, break_minutes = times
    errors = record_problems(
        employee=employee,
        work_date=work_date,
        start=start,
        end=end,
        break_minutes=break_minutes,
        ignore=original,
        check_closed=False,
    )
    if ClockCorrection.objects.filter(
        employee=employee, work_date=work_date, status=RequestStatus.PENDING
    ).exists():
        errors["work_date"] = [_("この日の修正は既に申請中です。")]
    return errors


def correction_submit(
    *,
    actor: Any,
    work_date: dt.date,
    start: int,
    end: int,
    break_minutes: int,
    reason: str,
) -> ClockCorrection:
    """打刻修正申請 for one's own day (also for a closed month: approval reopens it)."""
    require(actor, "attendance.clock")
    employee = own_employee(actor)
    reason = (reason or "").strip()
    original = ClockRecord.objects.filter(
        employee=employee, work_date=work_date, is_current=True
    ).first()
    errors = _correction_problems(employee, work_date, (start, end, break_minutes), original)
    if not reason:
        errors["reason"] = [_("修正の理由を入力してください。")]
    if errors:
        raise ValidationFailed(_("修正を申請できません。"), errors=errors)
    workflow_services.route_seed(data=_route(ClockCorrection, "打刻修正の承認"))
    with transaction.atomic():
        correction = ClockCorrection.objects.create(
            employee=employee,
            work_date=work_date,
            start_minute=start,
            end_minute=end,
            break_minutes=break_minutes,
            reason=reason[:200],
            original=original,
            requested_by=actor,
            requested_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="attendance.correction.request",
            target=correction,
            changes={
                "work_date": work_date,
                "start": minute_text(start),
                "end": minute_text(end),
                "break_minutes": break_minutes,
                "reason": reason,
            },
        )
        workflow_services.request_submit(
            actor=actor,
            subject=correction,
            title=_("打刻修正: %(date)s") % {"date": work_date.isoformat()},
            comment=reason,
        )
    return correction


def _reopen_for(correction: ClockCorrection, approver: Any) -> None:
    day = correction.work_date
    row = (
        AttendanceMonth.objects.select_for_update()
        .filter(year=day.year, month=day.month, is_closed=True)
        .first()
    )
    if row is None:
        return
    row.is_closed = False
    row.save(update_fields=["is_closed"])
    audit_record(
        actor=approver,
        action="attendance.month.reopen",
        target=row,
        changes={"is_closed": [True, False], "reason": f"打刻修正 {correction.pk}"},
    )


def _correction_approved(subject: ClockCorrection, request: Any) -> None:
    approver = _approver(request, subject.requested_by_id)
    current = (
        ClockRecord.objects.select_for_update()
        .filter(employee_id=subject.employee_id, work_date=subject.work_date, is_current=True)
        .first()
    )
    errors = record_problems(
        employee=subject.employee,
        work_date=subject.work_date,
        start=subject.start_minute,
        end=subject.end_minute,
        break_minutes=subject.break_minutes,
        ignore=current,
        check_closed=False,
    )
    if errors:
        raise ValidationFailed(_("この修正は現在の記録と矛盾します。"), errors=errors)
    _reopen_for(subject, approver)
    version = 1
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
        version = current.version + 1
    record = ClockRecord.objects.create(
        employee_id=subject.employee_id,
        work_date=subject.work_date,
        start_minute=subject.start_minute,
        end_minute=subject.end_minute,
        break_minutes=subject.break_minutes,
        source=ClockRecord.Source.CORRECTION,
        version=version,
        supersedes=current,
        reason=subject.reason,
        created_by=subject.requested_by,
        approved_by=approver,
    )
    subject.result = record
    subject.status = RequestStatus.APPROVED
    subject.decided_at = timezone.now()
    subject.save(update_fields=["result", "status", "decided_at"])
    audit_record(
        actor=approver,
        action="attendance.correction.approved",
        target=subject,
        changes={
            "record": record.pk,
            "supersedes": getattr(current, "pk", None),
            "start": [
                minute_text(getattr(current, "start_minute", None)),
                minute_text(record.start_minute),
            ],
            "end": [
                minute_text(getattr(current, "end_minute", None)),
                minute_text(record.end_minute),
            ],
        },
    )


def _correction_decided(subject: ClockCorrection, status: str, actor: Any) -> None:
    subject.status = status
    subject.decided_at = timezone.now()
    subject.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action=f"attendance.correction.{status}",
        target=subject,
        changes={"status": [RequestStatus.PENDING, status]},
    )


def _correction_rejected(subject: ClockCorrection, request: Any) -> None:
    _correction_decided(subject, RequestStatus.REJECTED, None)


def _correction_withdrawn(subject: ClockCorrection, request: Any) -> None:
    _correction_decided(subject, RequestStatus.WITHDRAWN, subject.requested_by)


def _correction_describe(subject: ClockCorrection) -> list[tuple[str, str]]:
    original = subject.original
    before = (
        f"{minute_text(original.start_minute)}〜{minute_text(original.end_minute)}"
        if original
        else _("(記録なし)")
    )
    return [
        (_("従業員"), str(subject.employee)),
        (_("勤務日"), subject.work_date.isoformat()),
        (_("修正前"), before),
        (
            _("修正後"),
            f"{minute_text(subject.start_minute)}〜{minute_text(subject.end_minute)}"
            f" (休憩 {subject.break_minutes}分)",
        ),
        (_("理由"), subject.reason),
    ]


CORRECTION_SUBJECT = subject_type(
    ClockCorrection,
    label=gettext_noop("打刻修正申請"),
    on_approved=_correction_approved,
    on_rejected=_correction_rejected,
    on_withdrawn=_correction_withdrawn,
    describe=_correction_describe,
)

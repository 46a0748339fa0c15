"""Attendance and leave (勤怠・休暇): work rules, calendar, clock records, closes, leave, 36協定."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can


class WorkRule(models.Model):
    """就業規則 of an employee group: schedule, days off, the working-time system."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("固定時間制")
        FLEX = "flex", _("フレックスタイム制")
        VARIABLE = "variable", _("1か月単位の変形労働時間制")

    code = models.CharField(_("コード"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("労働時間制"), max_length=10, choices=Kind.choices, default="fixed")
    start_time = models.TimeField(_("始業時刻"), default=dt.time(9, 0))
    end_time = models.TimeField(_("終業時刻"), default=dt.time(18, 0))
    break_start = models.TimeField(_("休憩開始"), default=dt.time(12, 0))
    break_minutes = models.PositiveSmallIntegerField(_("休憩(分)"), default=60)
    # Python weekdays (Mon=0 … Sun=6) that are scheduled working days.
    workdays = models.CharField(_("所定労働日(曜日)"), max_length=7, default="01234")
    legal_holiday_weekday = models.PositiveSmallIntegerField(_("法定休日(曜日)"), default=6)
    week_start = models.PositiveSmallIntegerField(_("週の起算曜日"), default=6)
    national_holidays_off = models.BooleanField(_("祝日を所定休日とする"), default=True)
    core_start = models.TimeField(_("コアタイム開始"), null=True, blank=True)
    core_end = models.TimeField(_("コアタイム終了"), null=True, blank=True)
    is_supervisor = models.BooleanField(_("管理監督者"), default=False)
    is_default = models.BooleanField(_("既定"), default=False)
    # 1か月単位の変形労働時間制: each period starts on this day of the month (変形期間の起算日).
    period_start_day = models.PositiveSmallIntegerField(_("変形期間の起算日"), default=1)

    class Meta:
        ordering = ["code"]
        verbose_name = _("就業規則")
        verbose_name_plural = _("就業規則")
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_holiday_weekday__lte=6, week_start__lte=6)
                & Q(period_start_day__gte=1, period_start_day__lte=28),
                name="attendance_rule_weekdays",
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkRuleAssignment(models.Model):
    """Which work rule an employee follows (none: the default rule)."""

    employee = models.OneToOneField(
        "org.Employee", on_delete=models.CASCADE, related_name="work_rule_assignment"
    )
    rule = models.ForeignKey(WorkRule, on_delete=models.PROTECT, related_name="assignments")

    class Meta:
        verbose_name = _("就業規則の適用")
        verbose_name_plural = _("就業規則の適用")

    def __str__(self) -> str:
        return f"{self.employee_id} → {self.rule_id}"


class CompanyDay(models.Model):
    """A company calendar exception: a day off (会社休日) or a working day on a holiday."""

    date = models.DateField(_("日付"), unique=True)
    is_day_off = models.BooleanField(_("休日"), default=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("会社カレンダー")
        verbose_name_plural = _("会社カレンダー")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ScheduledDay(models.Model):
    """A working day of a 1か月単位の変形労働時間制 shift calendar, for a rule or one employee."""

    rule = models.ForeignKey(
        WorkRule, null=True, blank=True, on_delete=models.CASCADE, related_name="scheduled_days"
    )
    employee = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("日付"))
    start_minute = models.PositiveIntegerField(_("始業(分)"))
    end_minute = models.PositiveIntegerField(_("終業(分)"))
    break_minutes = models.PositiveIntegerField(_("休憩(分)"), default=0)

    class Meta:
        ordering = ["date"]
        verbose_name = _("シフト表")
        verbose_name_plural = _("シフト表")
        constraints = [
            models.CheckConstraint(
                condition=Q(rule__isnull=True, employee__isnull=False)
                | Q(rule__isnull=False, employee__isnull=True),
                name="attendance_scheduled_day_owner",
            ),
            models.UniqueConstraint(
                fields=["rule", "date"], name="attendance_scheduled_day_rule_date"
            ),
            models.UniqueConstraint(
                fields=["employee", "date"], name="attendance_scheduled_day_employee_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id or self.employee_id} {self.date}"


class ClockRecordQuerySet(models.QuerySet["ClockRecord"]):
    def visible_to(self, user: Any) -> ClockRecordQuerySet:
        """Own records; a manager's department (and reports); HR all."""
        return self.filter(employee__in=visible_employee_ids(user))

    def current(self) -> ClockRecordQuerySet:
        return self.filter(is_current=True)


def visible_employee_ids(user: Any) -> Any:
    """Employee ids whose attendance the user may see (a subquery or a list)."""
    from urakata.org.models import Employee

    if can(user, "attendance.view_all"):
        return Employee.objects.values("pk")
    employee = getattr(user, "employee", None) if getattr(user, "pk", None) else None
    if employee is None:
        return []
    if can(user, "attendance.view_team"):
        return Employee.objects.filter(
            Q(pk=employee.pk) | Q(manager=employee) | Q(department__manager=employee)
        ).values("pk")
    return [employee.pk]


class ClockRecord(models.Model):
    """One day's work (出退勤): minutes from the work date's 0:00; an end past 24:00 is overnight.

    A correction never edits a record: it adds a new version and marks the old one not current.
    """

    class Source(models.TextChoices):
        WEB = "web", _("Web打刻")
        PHONE = "phone", _("スマホ打刻")
        IMPORT = "import", _("取込")
        MANUAL = "manual", _("手入力")
        CORRECTION = "correction", _("修正申請")

    employee = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="clock_records"
    )
    work_date = models.DateField(_("勤務日"))
    start_minute = models.PositiveIntegerField(_("出勤(分)"))
    end_minute = models.PositiveIntegerField(_("退勤(分)"), null=True, blank=True)
    break_minutes = models.PositiveIntegerField(_("休憩(分)"), default=0)
    break_started_minute = models.PositiveIntegerField(null=True, blank=True)
    location_note = models.CharField(_("場所メモ"), max_length=200, blank=True)
    source = models.CharField(_("登録元"), max_length=12, choices=Source.choices, default="web")
    version = models.PositiveSmallIntegerField(_("版"), default=1)
    is_current = models.BooleanField(_("最新"), default=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("修正理由"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClockRecordQuerySet.as_manager()

    class Meta:
        ordering = ["work_date", "start_minute"]
        verbose_name = _("打刻記録")
        verbose_name_plural = _("打刻記録")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "work_date"],
                condition=Q(is_current=True),
                name="attendance_one_current_record_per_day",
            ),
            models.CheckConstraint(
                condition=Q(end_minute__isnull=True) | Q(end_minute__gt=models.F("start_minute")),
                name="attendance_record_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["work_date", "employee"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.work_date} v{self.version}"


class AttendanceMonth(models.Model):
    """A month's attendance state: open, or closed by HR (locked; payroll reads it)."""

    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    is_closed = models.BooleanField(_("締め済み"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("勤怠月次")
        verbose_name_plural = _("勤怠月次")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="attendance_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class DepartmentConfirmation(models.Model):
    """A manager's confirmation (確認) of the department's month before HR closes it."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("部署の月次確認")
        verbose_name_plural = _("部署の月次確認")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "department"], name="attendance_confirmation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.year}-{self.month:02d}"


class MonthSummary(models.Model):
    """The figures of a closed month per employee (what payroll reads)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    worked_minutes = models.PositiveIntegerField(default=0)
    scheduled_minutes = models.PositiveIntegerField(default=0)
    within_statutory_overtime_minutes = models.PositiveIntegerField(default=0)
    legal_overtime_minutes = models.PositiveIntegerField(default=0)
    overtime_over_60h_minutes = models.PositiveIntegerField(default=0)
    late_night_minutes = models.PositiveIntegerField(default=0)
    legal_holiday_minutes = models.PositiveIntegerField(default=0)
    scheduled_holiday_minutes = models.PositiveIntegerField(default=0)
    absence_days = models.PositiveSmallIntegerField(default=0)
    paid_leave_days = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    worked_days = models.PositiveSmallIntegerField(default=0)
    scheduled_days = models.PositiveSmallIntegerField(default=0)
    late_minutes = models.PositiveIntegerField(default=0)
    early_leave_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("月次勤怠集計")
        verbose_name_plural = _("月次勤怠集計")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "year", "month"], name="attendance_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}-{self.month:02d}"


from urakata.attendance.models_leave import (  # noqa: E402,F401  (one app, two model modules)
    Agreement36,
    AlertNotice,
    ClockCorrection,
    LeaveGrant,
    LeaveRequest,
    LeaveSettings,
    LeaveUse,
    RequestStatus,
    SpecialLeaveType,
)

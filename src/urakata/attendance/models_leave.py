"""Leave (年次有給休暇・特別休暇), clock corrections and the 36協定 — models."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("承認待ち")
    APPROVED = "approved", _("承認済み")
    REJECTED = "rejected", _("却下")
    WITHDRAWN = "withdrawn", _("取下げ")


class LeaveGrant(models.Model):
    """A grant of annual paid leave (年休付与) on a 基準日; usable for two years (115条)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    granted_on = models.DateField(_("付与日(基準日)"))
    expires_on = models.DateField(_("失効日"))
    days = models.DecimalField(_("付与日数"), max_digits=4, decimal_places=1)
    tenure_months = models.PositiveSmallIntegerField(_("勤続(月)"), default=0)
    weekly_days = models.PositiveSmallIntegerField(_("週所定日数"), default=5)
    note = models.CharField(_("備考"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["employee", "granted_on"]
        verbose_name = _("年休付与")
        verbose_name_plural = _("年休付与")
        constraints = [
            models.UniqueConstraint(fields=["employee", "granted_on"], name="attendance_grant_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.granted_on} {self.days}"


class SpecialLeaveType(models.Model):
    """特別休暇 by company rule (慶弔, 夏季, リフレッシュ …): not in 労基法, defined by HR.

    `per_year`: `days` a calendar year (balance kept); else `days` per event (each request is
    one event's day; the evidence note names the event). `counts_as_attendance`: whether the
    days count as 出勤 for the 8割 check of 年休 — a company rule (労基法 does not require it).
    """

    code = models.CharField(_("コード"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    per_year = models.BooleanField(_("年間の日数"), default=False)
    days = models.DecimalField(_("日数"), max_digits=4, decimal_places=1)
    paid = models.BooleanField(_("有給"), default=True)
    evidence_required = models.BooleanField(_("証明が必要"), default=False)
    min_tenure_months = models.PositiveSmallIntegerField(_("取得できる勤続(月)"), default=0)
    counts_as_attendance = models.BooleanField(_("8割出勤の算定で出勤扱い"), default=True)
    active = models.BooleanField(_("有効"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("特別休暇の種類")
        verbose_name_plural = _("特別休暇の種類")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LeaveRequest(models.Model):
    """A leave request (休暇申請) routed through the workflow; approval books the use."""

    class Unit(models.TextChoices):
        FULL = "full", _("全日")
        AM = "am", _("午前半休")
        PM = "pm", _("午後半休")
        HOURS = "hours", _("時間単位")

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("年次有給休暇")
        SPECIAL = "special", _("特別休暇")

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("取得日"))
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices, default="annual")
    unit = models.CharField(_("単位"), max_length=10, choices=Unit.choices, default="full")
    hours = models.PositiveSmallIntegerField(_("時間数"), default=0)
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    planned = models.BooleanField(_("計画的付与"), default=False)
    special_type = models.ForeignKey(
        SpecialLeaveType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("特別休暇の種類"),
    )
    evidence = models.CharField(_("証明・事由"), max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=RequestStatus.choices, default="pending"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("休暇申請")
        verbose_name_plural = _("休暇申請")
        indexes = [models.Index(fields=["employee", "date"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.date} {self.unit}"

    @property
    def days(self) -> Any:
        from decimal import Decimal

        return {"full": Decimal("1"), "am": Decimal("0.5"), "pm": Decimal("0.5")}.get(
            self.unit, Decimal("0")
        )


class LeaveUse(models.Model):
    """Days (or hours) of one grant used by an approved request (oldest grant first)."""

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="uses")
    grant = models.ForeignKey(LeaveGrant, on_delete=models.PROTECT, related_name="uses")
    date = models.DateField()
    days = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    hours = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("年休の使用")
        verbose_name_plural = _("年休の使用")

    def __str__(self) -> str:
        return f"{self.grant_id} {self.date} {self.days}"


class ClockCorrection(models.Model):
    """A request to correct (or add) a day's clock record; approval adds a new version."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    work_date = models.DateField(_("勤務日"))
    start_minute = models.PositiveIntegerField(_("出勤(分)"))
    end_minute = models.PositiveIntegerField(_("退勤(分)"))
    break_minutes = models.PositiveIntegerField(_("休憩(分)"), default=0)
    reason = models.CharField(_("理由"), max_length=200)
    original = models.ForeignKey(
        "attendance.ClockRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.ForeignKey(
        "attendance.ClockRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=RequestStatus.choices, default="pending"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("打刻修正申請")
        verbose_name_plural = _("打刻修正申請")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_minute__gt=models.F("start_minute")),
                name="attendance_correction_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.work_date}"


class LeaveSettings(models.Model):
    """Company-wide paid-leave settings (one row): the 斉一的付与 date, none by default."""

    uniform_grant_month = models.PositiveSmallIntegerField(
        _("斉一的付与の月"), null=True, blank=True
    )
    uniform_grant_day = models.PositiveSmallIntegerField(_("斉一的付与の日"), default=1)

    class Meta:
        verbose_name = _("年次有給休暇の設定")
        verbose_name_plural = _("年次有給休暇の設定")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(uniform_grant_month__isnull=True)
                    | Q(uniform_grant_month__gte=1, uniform_grant_month__lte=12)
                )
                & Q(uniform_grant_day__gte=1, uniform_grant_day__lte=31),
                name="attendance_leave_settings_date",
            )
        ]

    def __str__(self) -> str:
        month = self.uniform_grant_month
        return f"{month}/{self.uniform_grant_day}" if month else "基準日"

    @property
    def uniform(self) -> tuple[int, int] | None:
        month = self.uniform_grant_month
        return (month, self.uniform_grant_day) if month else None


class Agreement36(models.Model):
    """The company's 36協定 (時間外・休日労働に関する協定) for the year starting `effective_from`."""

    effective_from = models.DateField(_("起算日"), unique=True)
    monthly_limit_minutes = models.PositiveIntegerField(_("月の限度時間(分)"), default=45 * 60)
    annual_limit_minutes = models.PositiveIntegerField(_("年の限度時間(分)"), default=360 * 60)
    special_clause = models.BooleanField(_("特別条項"), default=False)
    special_monthly_limit_minutes = models.PositiveIntegerField(
        _("特別条項の月の上限(分)"), default=80 * 60
    )
    special_annual_limit_minutes = models.PositiveIntegerField(
        _("特別条項の年の上限(分)"), default=720 * 60
    )
    special_months_allowed = models.PositiveSmallIntegerField(
        _("限度時間を超えられる月数"), default=6
    )
    warn_percent = models.PositiveSmallIntegerField(_("警告の閾値(%)"), default=80)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("36協定")
        verbose_name_plural = _("36協定")
        constraints = [
            models.CheckConstraint(
                condition=Q(special_monthly_limit_minutes__lt=100 * 60)
                & Q(special_annual_limit_minutes__lte=720 * 60)
                & Q(special_months_allowed__lte=6)
                & Q(warn_percent__gte=1, warn_percent__lte=100),
                name="attendance_agreement_legal_caps",
            )
        ]

    def __str__(self) -> str:
        return f"36協定 {self.effective_from}"


class AlertNotice(models.Model):
    """A 36協定 alert already sent (one notice per employee, month and kind)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30)
    value = models.PositiveIntegerField()
    limit = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("36協定アラート")
        verbose_name_plural = _("36協定アラート")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "year", "month", "kind"], name="attendance_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}-{self.month:02d} {self.kind}"

"""Expense claims (経費精算): a claim per employee with expense and transport lines and receipts."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can


class ClaimQuerySet(models.QuerySet["ExpenseClaim"]):
    def visible_to(self, user: Any) -> ClaimQuerySet:
        """Own claims; the claims of departments the user manages (and their direct reports);
        every claim for accounting and auditors."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if can(user, "expenses.view_all"):
            return self
        scope = Q(employee__user=user)
        if can(user, "expenses.view_department"):
            scope |= Q(department__manager__user=user) | Q(employee__manager__user=user)
        return self.filter(scope)


class ExpenseClaim(models.Model):
    """One expense claim (経費精算書): lines, status and what its approval produced."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        SUBMITTED = "submitted", _("承認待ち")
        APPROVED = "approved", _("承認済み(支払待ち)")
        REJECTED = "rejected", _("差戻し")
        PAID = "paid", _("支払済み")

    number = models.CharField(_("精算番号"), max_length=20, unique=True)
    employee = models.ForeignKey(
        "org.Employee", verbose_name=_("申請者"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部署"), null=True, blank=True, on_delete=models.PROTECT
    )
    title = models.CharField(_("件名"), max_length=200)
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    total = models.BigIntegerField(_("合計金額"), default=0)
    findings = models.JSONField(_("規程チェックの結果"), default=list, blank=True)
    request_id = models.BigIntegerField(_("承認申請"), null=True, blank=True)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry",
        verbose_name=_("仕訳"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("申請日時"), null=True, blank=True)
    approved_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    paid_on = models.DateField(_("支払日"), null=True, blank=True)
    payment_batch_id = models.BigIntegerField(_("支払バッチ"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("経費精算")
        verbose_name_plural = _("経費精算")
        indexes = [models.Index(fields=["employee", "status"]), models.Index(fields=["status"])]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="claim_total_gte_0")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.REJECTED)


class ClaimLine(models.Model):
    """One expense (経費) or transport (交通費) line; amounts are tax-inclusive yen."""

    class Kind(models.TextChoices):
        EXPENSE = "expense", _("経費")
        TRANSPORT = "transport", _("交通費")

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices, default=Kind.EXPENSE)
    date = models.DateField(_("利用日"))
    category = models.CharField(_("費目"), max_length=30)
    payee = models.CharField(_("支払先"), max_length=200, blank=True)
    purpose = models.CharField(_("目的・内容"), max_length=300, blank=True)
    amount = models.BigIntegerField(_("金額(税込)"))
    amount_8 = models.BigIntegerField(_("うち8%対象(税込)"), default=0)
    amount_exempt = models.BigIntegerField(_("うち非課税・不課税"), default=0)
    registration_number = models.CharField(_("登録番号"), max_length=14, blank=True)
    attendees = models.TextField(_("参加者(氏名・所属)"), blank=True)
    attendee_count = models.PositiveIntegerField(_("人数"), default=0)
    route_from = models.CharField(_("出発"), max_length=100, blank=True)
    route_to = models.CharField(_("到着"), max_length=100, blank=True)
    round_trip = models.BooleanField(_("往復"), default=False)
    receipt = models.ForeignKey(
        "core.StoredFile",
        verbose_name=_("領収書"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_sha256 = models.CharField(_("領収書の SHA-256"), max_length=64, blank=True)
    ocr = models.JSONField(_("OCR の読み取り結果"), null=True, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("精算明細")
        verbose_name_plural = _("精算明細")
        indexes = [
            models.Index(fields=["receipt_sha256"]),
            models.Index(fields=["date", "amount"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_line_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(amount_8__gte=0) & Q(amount_exempt__gte=0),
                name="claim_line_parts_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.payee or self.route_to} {self.amount}"

    @property
    def amount_10(self) -> int:
        """The 10% part (tax-inclusive): what is neither 8% nor exempt."""
        return self.amount - self.amount_8 - self.amount_exempt


class ReceiptScan(models.Model):
    """A receipt as uploaded (the StoredFile keeps the bytes unchanged) and what OCR read on it."""

    stored_file = models.OneToOneField(
        "core.StoredFile", verbose_name=_("ファイル"), on_delete=models.PROTECT, related_name="+"
    )
    reading = models.JSONField(_("読み取り結果"), default=dict)
    error = models.CharField(_("読み取りエラー"), max_length=300, blank=True)
    seconds = models.FloatField(_("読み取り時間(秒)"), default=0)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("領収書の読み取り")
        verbose_name_plural = _("領収書の読み取り")

    def __str__(self) -> str:
        return f"{self.stored_file_id} {self.reading.get('total')}"


class CommuterPass(models.Model):
    """An employee's commuter pass (通勤定期): transport lines inside it are not refunded."""

    employee = models.OneToOneField(
        "org.Employee", verbose_name=_("従業員"), on_delete=models.CASCADE, related_name="+"
    )
    stations = models.TextField(_("定期区間の駅(経路順、読点区切り)"))
    valid_from = models.DateField(_("有効開始日"))
    valid_until = models.DateField(_("有効終了日"))

    class Meta:
        verbose_name = _("通勤定期")
        verbose_name_plural = _("通勤定期")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="commuter_pass_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.stations}"

    def station_set(self) -> set[str]:
        return {s.strip() for s in self.stations.replace("、", ",").split(",") if s.strip()}

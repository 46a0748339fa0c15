"""Approval workflow (ワークフロー): routes, requests, steps, approver slots, actions, delegation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urakata.core.models import StoredFile
from urakata.core.permissions import can

USER = settings.AUTH_USER_MODEL


class Quorum(models.TextChoices):
    ALL = "all", _("全員の承認")
    ANY = "any", _("いずれか1名の承認")


class Route(models.Model):
    """An approval route (承認ルート) for one subject type, chosen by conditions and priority."""

    name = models.CharField(_("ルート名"), max_length=100)
    subject_type = models.CharField(_("対象の種類"), max_length=100, db_index=True)
    conditions = models.JSONField(_("適用条件"), default=list, blank=True)
    priority = models.IntegerField(_("優先度"), default=0)
    is_active = models.BooleanField(_("有効"), default=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    remind_after_hours = models.PositiveIntegerField(_("督促までの時間"), default=48)
    escalate_after_hours = models.PositiveIntegerField(_("エスカレーションまでの時間"), default=120)
    # 職務分掌: when set, one person approves at most one step of a request.
    distinct_approvers = models.BooleanField(_("1人が承認できるのは1ステップまで"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject_type", "-priority", "pk"]
        verbose_name = _("承認ルート")
        verbose_name_plural = _("承認ルート")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class RouteStep(models.Model):
    """One step of a route: who approves (one or more approver specs), quorum, optional condition."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(_("順序"))
    name = models.CharField(_("ステップ名"), max_length=100)
    approvers = models.JSONField(_("承認者"), default=list)
    quorum = models.CharField(_("定足数"), max_length=3, choices=Quorum.choices, default=Quorum.ALL)
    conditions = models.JSONField(_("実行条件"), default=list, blank=True)

    class Meta:
        ordering = ["route", "order"]
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="workflow_routestep_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class RequestForm(models.Model):
    """An administrator-defined application form (申請フォーム): e.g. 名刺発注, 住所変更届."""

    code = models.SlugField(_("フォームコード"), max_length=50, unique=True)
    name = models.CharField(_("フォーム名"), max_length=100)
    description = models.TextField(_("説明"), blank=True)
    fields = models.JSONField(_("項目"), default=list)
    is_active = models.BooleanField(_("有効"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("申請フォーム")
        verbose_name_plural = _("申請フォーム")

    def __str__(self) -> str:
        return self.name

    @property
    def field_names(self) -> list[str]:
        return [spec["name"] for spec in self.fields]


class Ringi(models.Model):
    """A 稟議 (generic approval request for a decision or expenditure)."""

    title = models.CharField(_("件名"), max_length=200)
    purpose = models.TextField(_("目的・内容"))
    amount = models.BigIntegerField(_("金額(円)"), default=0)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部署"), null=True, on_delete=models.PROTECT
    )
    counterparty = models.ForeignKey(
        "org.Counterparty",
        verbose_name=_("関連取引先"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("稟議")
        verbose_name_plural = _("稟議")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="ringi_amount_ge0")]

    def __str__(self) -> str:
        return self.title


class FormSubmission(models.Model):
    """The values entered in an administrator-defined form (申請内容)."""

    form = models.ForeignKey(RequestForm, on_delete=models.PROTECT, related_name="submissions")
    values = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("申請内容")
        verbose_name_plural = _("申請内容")

    def __str__(self) -> str:
        return f"{self.form.name} #{self.pk}"


class Attachment(models.Model):
    """Links a stored file (core.StoredFile) to a 稟議 or a form's file field."""

    ringi = models.ForeignKey(
        Ringi, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    submission = models.ForeignKey(
        FormSubmission, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    field = models.CharField(max_length=50, blank=True)
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.stored.name

    @property
    def size(self) -> int:
        return self.stored.size

    @property
    def sha256(self) -> str:
        return self.stored.sha256


class RequestQuerySet(models.QuerySet["ApprovalRequest"]):
    def visible_to(self, user: Any) -> RequestQuerySet:
        """Applicant, approvers (current or past), active delegates, auditors and admins."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if can(user, "workflow.view_all"):
            return self
        today = timezone.localdate()
        delegators = Delegation.objects.filter(
            delegate=user, start_date__lte=today, end_date__gte=today, revoked_at__isnull=True
        ).values("delegator")
        # Uncorrelated IN-subquery: evaluated once, not once per request row.
        involved = StepAssignment.objects.filter(
            Q(approver=user, step__activated_at__isnull=False)
            | Q(acted_by=user)
            | Q(approver__in=delegators, status=StepAssignment.Status.PENDING)
        ).values("step__request_id")
        return self.filter(Q(applicant=user) | Q(pk__in=involved))


class ApprovalRequest(models.Model):
    """A request travelling along a frozen copy of its route (申請)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("承認中")
        RETURNED = "returned", _("差し戻し")
        APPROVED = "approved", _("承認済")
        REJECTED = "rejected", _("却下")
        WITHDRAWN = "withdrawn", _("取り下げ")

    number = models.CharField(_("申請番号"), max_length=20, unique=True)
    subject_type = models.CharField(_("種類"), max_length=100, db_index=True)
    subject_id = models.BigIntegerField()
    title = models.CharField(_("件名"), max_length=200)
    amount = models.BigIntegerField(_("金額(円)"), null=True, blank=True)
    applicant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="workflow_requests")
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    route = models.ForeignKey(Route, null=True, blank=True, on_delete=models.SET_NULL)
    route_version = models.PositiveIntegerField(default=1)
    route_snapshot = models.JSONField(default=dict)
    round = models.PositiveIntegerField(default=1)
    current_step = models.ForeignKey(
        "RequestStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("申請日時"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("決裁日時"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("申請")
        verbose_name_plural = _("申請")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["applicant", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.IN_PROGRESS, self.Status.RETURNED)


class RequestStep(models.Model):
    """A step of one request in one round (再申請で新しい回)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("未着手")
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("却下")
        RETURNED = "returned", _("差し戻し")
        SKIPPED = "skipped", _("スキップ")
        CANCELLED = "cancelled", _("中止")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    quorum = models.CharField(max_length=3, choices=Quorum.choices, default=Quorum.ALL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    skip_reason = models.CharField(max_length=200, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalate_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["request", "round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "round", "order"], name="workflow_requeststep_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.round}/{self.order} {self.name}"


class StepAssignment(models.Model):
    """One approver's slot on a step (承認者); escalation adds a slot for the approver's manager."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("未着手")
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("却下")
        RETURNED = "returned", _("差し戻し")
        CLOSED = "closed", _("対応不要")

    class ActedAs(models.TextChoices):
        SELF = "self", _("本人")
        DELEGATE = "delegate", _("代理(委任)")
        PROXY = "proxy", _("管理者代理")
        ESCALATION = "escalation", _("エスカレーション")

    step = models.ForeignKey(RequestStep, on_delete=models.CASCADE, related_name="assignments")
    approver = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    escalated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    acted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_as = models.CharField(max_length=10, choices=ActedAs.choices, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["step", "pk"]
        indexes = [models.Index(fields=["approver", "status"])]

    def __str__(self) -> str:
        return f"{self.step} → {self.approver_id} [{self.status}]"


class Action(models.Model):
    """The event log (イベントログ): every submit, decision, comment, reminder, with its time."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", _("申請")
        APPROVE = "approve", _("承認")
        REJECT = "reject", _("却下")
        RETURN = "return", _("差し戻し")
        RESUBMIT = "resubmit", _("再申請")
        WITHDRAW = "withdraw", _("取り下げ")
        COMMENT = "comment", _("コメント")
        PROXY_APPROVE = "proxy_approve", _("管理者代理承認")
        SKIP = "skip", _("スキップ")
        REMIND = "remind", _("督促")
        ESCALATE = "escalate", _("エスカレーション")
        COMPLETE = "complete", _("決裁(承認)")
        CLOSE_REJECTED = "close_rejected", _("決裁(却下)")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="actions")
    step = models.ForeignKey(
        RequestStep, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            # A request is decided at most once: belt and braces under the row lock.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(kind__in=["complete", "close_rejected"]),
                name="workflow_action_one_decision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Delegation(models.Model):
    """代理承認: `delegate` may act for `delegator` between the dates (inclusive)."""

    delegator = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    delegate = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("開始日"))
    end_date = models.DateField(_("終了日"))
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("代理承認の委任")
        verbose_name_plural = _("代理承認の委任")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="delegation_dates"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator_id}→{self.delegate_id} {self.start_date}〜{self.end_date}"


class Notification(models.Model):
    """An in-app notification (お知らせ); the same message may also go out by e-mail."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="workflow_notifications")
    request = models.ForeignKey(
        ApprovalRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message

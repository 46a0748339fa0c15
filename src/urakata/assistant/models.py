"""AI assistant data: knowledge base, call log, inquiries, review queue, minutes and tasks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can
from urakata.core.roles import user_roles


class Desk(models.TextChoices):
    """The departments that own knowledge and answer inquiries (窓口)."""

    GENERAL_AFFAIRS = "general_affairs", _("総務")
    HR = "hr", _("人事")
    ACCOUNTING = "accounting", _("経理")


def desk_capability(desk: str) -> str:
    """The capability of a desk's staff: they see and answer the inquiries sent to that desk."""
    return f"assistant.desk_{desk}"


def user_department_codes(user: Any) -> list[str]:
    """The codes of the user's department and all its parents (a member of 東日本営業課 is in 営業部)."""
    cached: list[str] | None = getattr(user, "_urakata_dept_codes", None)
    if cached is not None:
        return cached
    codes: list[str] = []
    employee = getattr(user, "employee", None) if user is not None else None
    department = employee.department if employee is not None else None
    seen: set[int] = set()
    while department is not None and department.pk not in seen:
        seen.add(department.pk)
        codes.append(department.code)
        department = department.parent
    user._urakata_dept_codes = codes
    return codes


class KnowledgeSourceQuerySet(models.QuerySet["KnowledgeSource"]):
    def visible_to(self, user: Any) -> KnowledgeSourceQuerySet:
        """Sources the user may read: audience 'all', one of the user's roles or departments.

        The audience is data (a source addressed to the 経理 role), not an access rule in code:
        matching it against the user's roles is the one place role names are compared.
        """
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if can(user, "assistant.view_all_knowledge"):
            return self
        roles = list(user_roles(user))
        depts = user_department_codes(user)
        restricted = KnowledgeAudience.objects.filter(
            Q(kind=KnowledgeAudience.Kind.ROLE, value__in=roles)
            | Q(kind=KnowledgeAudience.Kind.DEPARTMENT, value__in=depts)
        ).values("source_id")
        return self.filter(Q(audience=KnowledgeSource.Audience.ALL) | Q(pk__in=restricted))


class KnowledgeSource(models.Model):
    """A document in the knowledge base: an uploaded file, an FAQ entry or a policy page."""

    class Kind(models.TextChoices):
        FILE = "file", _("ファイル")
        FAQ = "faq", _("FAQ")
        POLICY = "policy", _("規程・ページ")
        MINUTES = "minutes", _("議事録")

    class Audience(models.TextChoices):
        ALL = "all", _("全員")
        RESTRICTED = "restricted", _("限定(ロール・部署)")

    slug = models.SlugField(_("識別子"), max_length=80, blank=True, default="")
    title = models.CharField(_("タイトル"), max_length=200)
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    question = models.CharField(_("質問(FAQ)"), max_length=500, blank=True)
    body = models.TextField(_("本文"), blank=True)
    file_name = models.CharField(_("ファイル名"), max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    desk = models.CharField(_("所管"), max_length=20, choices=Desk.choices, blank=True)
    audience = models.CharField(
        _("公開範囲"), max_length=12, choices=Audience.choices, default=Audience.ALL
    )
    is_active = models.BooleanField(_("有効"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KnowledgeSourceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("ナレッジ")
        verbose_name_plural = _("ナレッジ")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=~Q(slug=""), name="knowledge_source_unique_slug"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def audience_label(self) -> str:
        if self.audience == self.Audience.ALL:
            return str(_("全員"))
        return ", ".join(f"{a.kind}:{a.value}" for a in self.audiences.all())


class KnowledgeAudience(models.Model):
    """One role or department code that may read a restricted source."""

    class Kind(models.TextChoices):
        ROLE = "role", _("ロール")
        DEPARTMENT = "dept", _("部署コード")

    source = models.ForeignKey(KnowledgeSource, on_delete=models.CASCADE, related_name="audiences")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "value"], name="knowledge_audience_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class KnowledgeChunkQuerySet(models.QuerySet["KnowledgeChunk"]):
    def visible_to(self, user: Any) -> KnowledgeChunkQuerySet:
        """Chunks of active sources the user may read."""
        return self.filter(
            source__in=KnowledgeSource.objects.visible_to(user).filter(is_active=True)
        )


class KnowledgeChunk(models.Model):
    """A passage of a source (by heading/paragraph) with its precomputed BM25 term counts."""

    source = models.ForeignKey(KnowledgeSource, on_delete=models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField()
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    term_freqs = models.JSONField(default=dict)
    length = models.PositiveIntegerField(default=0)
    embedding = models.JSONField(null=True, blank=True)

    objects = KnowledgeChunkQuerySet.as_manager()

    class Meta:
        ordering = ["source_id", "ordinal"]
        indexes = [models.Index(fields=["source", "ordinal"])]

    def __str__(self) -> str:
        return f"{self.source_id}#{self.ordinal} {self.heading}"


class KnowledgeIndexState(models.Model):
    """Single row: bumped on every knowledge change so in-process BM25 caches rebuild."""

    version = models.BigIntegerField(default=0)
    # A fresh random token per bump: a restored or rolled-back database never matches a cache.
    token = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return f"index v{self.version}"


class AICallLog(models.Model):
    """One AI call: who, which feature, which provider, how much was masked, how long it took."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feature = models.CharField(max_length=40, db_index=True)
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100, blank=True)
    masked_entities = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(default=True)
    fallback = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("AI利用ログ")
        verbose_name_plural = _("AI利用ログ")

    def __str__(self) -> str:
        return f"{self.feature} {self.provider} {self.latency_ms}ms"


class InquiryQuerySet(models.QuerySet["Inquiry"]):
    def visible_to(self, user: Any) -> InquiryQuerySet:
        """Own inquiries; the desk's staff; those on its workflow request; ai_operator, admin."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if can(user, "assistant.view_all_inquiries"):
            return self
        desks = [desk for desk in Desk.values if can(user, desk_capability(desk))]
        # Whoever the workflow puts on the request (an approver's manager after escalation, a
        # delegate) sees the inquiry too; the workflow's own scope rule decides who that is.
        from urakata.workflow.selectors import request_ids_visible_to

        return self.filter(
            Q(asked_by=user)
            | Q(desk__in=desks)
            | Q(workflow_request__in=request_ids_visible_to(user))
        )


class Inquiry(models.Model):
    """A question the assistant could not answer, escalated to a desk (問い合わせ).

    Escalating submits it as a workflow request routed to the desk's staff; answering approves
    that request, closing without an answer rejects it (see `assistant.escalation`).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("未回答")
        ANSWERED = "answered", _("回答済み")
        CLOSED = "closed", _("回答なしで終了")

    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assistant_inquiries"
    )
    question = models.TextField(_("質問"))
    desk = models.CharField(_("窓口"), max_length=20, choices=Desk.choices)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("回答"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(_("AI確信度(%)"), default=0)
    workflow_request = models.ForeignKey(
        "workflow.ApprovalRequest",
        verbose_name=_("ワークフロー申請"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.CharField(_("終了の理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("問い合わせ")
        verbose_name_plural = _("問い合わせ")
        indexes = [models.Index(fields=["desk", "status"])]

    def __str__(self) -> str:
        return self.question[:50]


class MeetingSummaryQuerySet(models.QuerySet["MeetingSummary"]):
    def visible_to(self, user: Any) -> MeetingSummaryQuerySet:
        """The author's own summaries; ai_operator and admin see all."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if can(user, "assistant.view_all_minutes"):
            return self
        return self.filter(created_by=user)


class MeetingSummary(models.Model):
    """Minutes produced from a transcript: summary, decisions and action items (議事録)."""

    title = models.CharField(_("会議名"), max_length=200)
    meeting_date = models.DateField(_("開催日"))
    transcript = models.TextField(_("文字起こし"))
    summary = models.TextField(_("要約"), blank=True)
    decisions = models.JSONField(default=list)
    action_items = models.JSONField(default=list)
    provider = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_date", "-pk"]
        verbose_name = _("議事録")
        verbose_name_plural = _("議事録")

    def __str__(self) -> str:
        return self.title


class AssistantTaskQuerySet(models.QuerySet["AssistantTask"]):
    def visible_to(self, user: Any) -> AssistantTaskQuerySet:
        """Tasks assigned to the user or created by them; ai_operator and admin see all."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if can(user, "assistant.view_all_tasks"):
            return self
        return self.filter(Q(assignee__user=user) | Q(created_by=user))


class AssistantTask(models.Model):
    """An action item turned into a task for an employee (タスク)."""

    class Status(models.TextChoices):
        OPEN = "open", _("未完了")
        DONE = "done", _("完了")

    title = models.CharField(_("内容"), max_length=300)
    assignee = models.ForeignKey(
        "org.Employee",
        verbose_name=_("担当者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistant_tasks",
    )
    due = models.DateField(_("期限"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    summary = models.ForeignKey(
        MeetingSummary, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = AssistantTaskQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due", "pk"]
        verbose_name = _("タスク")
        verbose_name_plural = _("タスク")

    def __str__(self) -> str:
        return self.title


class MonthlyReportQuerySet(models.QuerySet["MonthlyReport"]):
    def visible_to(self, user: Any) -> MonthlyReportQuerySet:
        """Those who write monthly reports see them all; readers of the ledger's reports see the
        shared ones (approved in the review queue); nobody else sees any."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if can(user, "assistant.monthly_report"):
            return self
        if can(user, "ledger.view_reports"):
            return self.filter(shared_at__isnull=False)
        return self.none()


class MonthlyReport(models.Model):
    """月次報告 of a closed month: the text and the ledger figures it quotes."""

    period = models.PositiveIntegerField(_("年月"))  # yyyymm
    body = models.TextField(_("本文"))
    figures = models.JSONField(default=dict)
    provider = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    shared_at = models.DateTimeField(_("共有日時"), null=True, blank=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "-pk"]
        verbose_name = _("月次報告")
        verbose_name_plural = _("月次報告")

    def __str__(self) -> str:
        return f"{self.period // 100}-{self.period % 100:02d}"

    @property
    def period_label(self) -> str:
        return f"{self.period // 100}年{self.period % 100}月"


class ReviewItem(models.Model):
    """AI output waiting for an ai_operator before it becomes shared knowledge (レビュー待ち)."""

    class Kind(models.TextChoices):
        FAQ = "faq", _("FAQ追加")
        SOURCE_UPDATE = "source_update", _("マニュアル更新")
        MINUTES = "minutes", _("議事録の共有")
        MONTHLY_REPORT = "monthly_report", _("月次報告の共有")

    class Status(models.TextChoices):
        PENDING = "pending", _("レビュー待ち")
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("却下")

    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    title = models.CharField(_("タイトル"), max_length=200)
    question = models.CharField(_("質問"), max_length=500, blank=True)
    body = models.TextField(_("本文"))
    desk = models.CharField(_("所管"), max_length=20, choices=Desk.choices, blank=True)
    target_source = models.ForeignKey(
        KnowledgeSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inquiry = models.ForeignKey(
        Inquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_items"
    )
    summary = models.ForeignKey(
        MeetingSummary, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    monthly_report = models.ForeignKey(
        "MonthlyReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result_source = models.ForeignKey(
        KnowledgeSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "created_at"]
        verbose_name = _("レビュー")
        verbose_name_plural = _("レビュー")
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

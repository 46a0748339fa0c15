"""DX推進: 業務棚卸し, priority scores, PoCs with measured KPIs, manuals, training, proposals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Frequency(models.TextChoices):
    DAILY = "daily", _("毎日")
    WEEKLY = "weekly", _("毎週")
    MONTHLY = "monthly", _("毎月")
    QUARTERLY = "quarterly", _("四半期ごと")
    YEARLY = "yearly", _("毎年")


# Occurrences per year of one "per period" count (毎日 = 営業日 245 days a year).
PER_YEAR = {"daily": 245, "weekly": 52, "monthly": 12, "quarterly": 4, "yearly": 1}


def _score_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
        name=f"dx_process_{name}_1_5",
    )


class ProcessQuerySet(models.QuerySet["Process"]):
    def visible_to(self, user: Any) -> ProcessQuerySet:
        """Every signed-in user sees the inventory (現場の声 comes from anyone)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self


class Process(models.Model):
    """One business process of the 業務棚卸し表 (As-Is)."""

    code = models.CharField(_("業務コード"), max_length=20, unique=True)
    name = models.CharField(_("業務名"), max_length=100)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部署"), null=True, blank=True, on_delete=models.PROTECT
    )
    owner = models.ForeignKey(
        USER, verbose_name=_("業務責任者"), null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.TextField(_("業務内容"), blank=True)
    frequency = models.CharField(
        _("頻度"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    count_per_period = models.PositiveIntegerField(_("回数(頻度あたり)"), default=1)
    minutes = models.PositiveIntegerField(_("1回あたりの時間(分)"), default=0)
    people = models.PositiveIntegerField(_("関わる人数"), default=1)
    siloed = models.BooleanField(_("属人化"), default=False)
    paper = models.BooleanField(_("紙・押印"), default=False)
    double_entry = models.BooleanField(_("二重入力"), default=False)
    transcription = models.BooleanField(_("転記"), default=False)
    systems = models.CharField(_("使用システム"), max_length=200, blank=True)
    pain_points = models.TextField(_("課題・困りごと"), blank=True)
    impact = models.PositiveSmallIntegerField(_("影響度"), null=True, blank=True)
    frequency_score = models.PositiveSmallIntegerField(_("頻度スコア"), null=True, blank=True)
    room = models.PositiveSmallIntegerField(_("改善余地"), null=True, blank=True)
    is_candidate = models.BooleanField(_("DX候補"), default=False)
    # The workflow request type the process runs through (workflow.ringi, form:<code>, …).
    request_type = models.CharField(_("申請の種類"), max_length=100, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("業務")
        verbose_name_plural = _("業務")
        constraints = [
            _score_check("impact"),
            _score_check("frequency_score"),
            _score_check("room"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def per_year(self) -> int:
        return PER_YEAR.get(self.frequency, 0) * self.count_per_period

    @property
    def hours_per_year(self) -> float:
        return round(self.per_year * self.minutes * self.people / 60, 1)

    @property
    def score(self) -> int | None:
        if self.impact is None or self.frequency_score is None or self.room is None:
            return None
        return self.impact * self.frequency_score * self.room

    @property
    def flags(self) -> list[str]:
        names = ("siloed", "paper", "double_entry", "transcription")
        fields = {f.name: f for f in self._meta.fields}
        return [str(fields[n].verbose_name) for n in names if getattr(self, n)]


class Voice(models.Model):
    """現場の声: a remark by any employee on a process."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="voices")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("現場の声")
        verbose_name_plural = _("現場の声")

    def __str__(self) -> str:
        return self.text[:40]


class Supporter(models.Model):
    """A DX leader of a department or a 社内サポーター (the roster shown on each process)."""

    class Kind(models.TextChoices):
        LEADER = "leader", _("DXリーダー")
        SUPPORTER = "supporter", _("社内サポーター")

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("役割"), max_length=10, choices=Kind.choices)
    skills = models.CharField(_("得意分野"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("DX推進メンバー")
        verbose_name_plural = _("DX推進メンバー")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "kind"], name="dx_supporter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user}"


class Poc(models.Model):
    """A small trial (PoC) on one process, its KPIs measured from the event log."""

    class Status(models.TextChoices):
        RUNNING = "running", _("実施中")
        ROLLED_OUT = "rolled_out", _("横展開")
        CONTINUED = "continued", _("継続")
        STOPPED = "stopped", _("中止")

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="pocs")
    title = models.CharField(_("PoC名"), max_length=200)
    request_type = models.CharField(_("申請の種類"), max_length=100)
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    baseline_from = models.DateField(_("ベースライン開始"))
    baseline_to = models.DateField(_("ベースライン終了"))
    trial_from = models.DateField(_("試行開始"))
    trial_to = models.DateField(_("試行終了"))
    measures = models.JSONField(_("追加の測定項目"), default=list, blank=True)
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    notes_usability = models.TextField(_("操作性"), blank=True)
    notes_burden = models.TextField(_("現場負担"), blank=True)
    notes_measurability = models.TextField(_("効果測定のしやすさ"), blank=True)
    decision_reason = models.TextField(_("判断の理由"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # KPIs frozen when the decision was made (until then they are computed live).
    result = models.JSONField(default=dict, blank=True)
    hours_saved_per_year = models.FloatField(_("年間削減時間"), default=0)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("PoC")
        verbose_name_plural = _("PoC")
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_to__gte=models.F("baseline_from"))
                & Q(trial_to__gte=models.F("trial_from"))
                & (
                    Q(trial_from__gt=models.F("baseline_to"))
                    | Q(baseline_from__gt=models.F("trial_to"))
                ),
                name="dx_poc_periods",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Manual(models.Model):
    """The manual of one process; its text lives in versions."""

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="manual")
    title = models.CharField(_("マニュアル名"), max_length=200)

    class Meta:
        ordering = ["process__code"]
        verbose_name = _("マニュアル")
        verbose_name_plural = _("マニュアル")

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> ManualVersion | None:
        return self.versions.order_by("-number").first()


class ManualVersion(models.Model):
    """One published version of a manual: who changed what, and why."""

    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    body = models.TextField(_("本文"))
    note = models.CharField(_("変更内容"), max_length=300, blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["manual", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["manual", "number"], name="dx_manualversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.manual} v{self.number}"


class ManualDraft(models.Model):
    """A drafted manual change from an audited change (route, form, account): reviewed by a person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        APPROVED = "approved", _("承認・公開済")
        REJECTED = "rejected", _("却下")

    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="drafts")
    source_seq = models.BigIntegerField(_("監査ログ番号"))
    source_action = models.CharField(max_length=100)
    summary = models.TextField(_("変更の内容"))
    sections = models.JSONField(_("影響する節"), default=list)
    proposed_body = models.TextField(_("新しい本文(案)"))
    base_number = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("確認メモ"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("マニュアル更新案")
        verbose_name_plural = _("マニュアル更新案")
        constraints = [
            models.UniqueConstraint(fields=["manual", "source_seq"], name="dx_draft_once")
        ]

    def __str__(self) -> str:
        return f"{self.manual} #{self.source_seq}"


class ScanMark(models.Model):
    """How far the audit log has been read for manual changes (one row)."""

    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last_seq)


class Course(models.Model):
    """A training course (AI リテラシー, tool training) with its material and a short quiz."""

    title = models.CharField(_("講座名"), max_length=200)
    category = models.CharField(_("分類"), max_length=50, blank=True)
    material = models.TextField(_("教材"), blank=True)
    process = models.ForeignKey(
        Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    # [{"question": str, "choices": [str, ...], "answer": index}]
    quiz = models.JSONField(_("確認テスト"), default=list, blank=True)
    pass_score = models.PositiveSmallIntegerField(_("合格点(%)"), default=60)

    class Meta:
        ordering = ["title"]
        verbose_name = _("研修")
        verbose_name_plural = _("研修")

    def __str__(self) -> str:
        return self.title


class Enrollment(models.Model):
    """A person assigned to a course, and when they completed it (with the quiz score)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["course", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="dx_enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course} / {self.user}"


class Proposal(models.Model):
    """An improvement proposal (改善提案): 提案 → 検討 → 試行 → 採用 / 不採用."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("提案")
        REVIEWING = "reviewing", _("検討中")
        TRIAL = "trial", _("試行中")
        ADOPTED = "adopted", _("採用")
        DECLINED = "declined", _("不採用")

    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    process = models.ForeignKey(
        Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    problem = models.TextField(_("困っていること"))
    idea = models.TextField(_("改善案"))
    expected_effect = models.TextField(_("期待する効果"), blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    poc = models.ForeignKey(Poc, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("判断の理由"), blank=True)
    hours_saved_per_year = models.FloatField(_("年間削減時間"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("改善提案")
        verbose_name_plural = _("改善提案")

    def __str__(self) -> str:
        return self.idea[:40]


class Thanks(models.Model):
    """称賛: thanks to a person for an improvement."""

    sender = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="thanks"
    )
    message = models.CharField(_("メッセージ"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("称賛")
        verbose_name_plural = _("称賛")
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")), name="dx_thanks_not_self"
            )
        ]

    def __str__(self) -> str:
        return self.message[:40]


class Review(models.Model):
    """A monthly or quarterly KPI review of a process: the KPI snapshot, minutes, action items."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="reviews")
    period_from = models.DateField(_("対象期間(開始)"))
    period_to = models.DateField(_("対象期間(終了)"))
    kpis = models.JSONField(default=dict)
    minutes = models.TextField(_("議事録"), blank=True)
    actions = models.JSONField(_("アクション"), default=list, blank=True)
    held_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_to", "-pk"]
        verbose_name = _("KPIレビュー")
        verbose_name_plural = _("KPIレビュー")

    def __str__(self) -> str:
        return f"{self.process} {self.period_from}〜{self.period_to}"

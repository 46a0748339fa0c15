"""Shared kernel models: the audit chain, API tokens and login throttling."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditChainHead(models.Model):
    """The single row that holds the last seq and hash; locked to append to the chain."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class AuditEvent(models.Model):
    """One link of the tamper-evident audit chain (監査証跡)."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    # Few indexes on purpose: every posting appends here, and each index is another page to write.
    # Filters use the seq, time and (target_type, target_id) indexes; actor and action filters are
    # text searches that no B-tree index serves.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_repr}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名前"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("有効期限"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginThrottle(models.Model):
    """Failed-login counter per username, for lock-out (アカウントロック)."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class ScheduledJob(models.Model):
    """A periodic background job: a task path run on a cron expression (定期実行)."""

    name = models.CharField(max_length=100, unique=True)
    task_path = models.CharField(max_length=200)
    cron = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} [{self.cron}]"


def files_storage() -> Any:
    """The storage that holds uploaded files: `STORAGES["files"]` (local or S3-compatible)."""
    from django.core.files.storage import storages

    return storages["files"]


class StoredFile(models.Model):
    """One uploaded file (添付・証憑): the content lives once under its SHA-256 in the file store."""

    class Purpose(models.TextChoices):
        ATTACHMENT = "attachment", _("添付ファイル")
        EVIDENCE = "evidence", _("証憑")

    blob = models.FileField(storage=files_storage, max_length=200)
    name = models.CharField(_("ファイル名"), max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("保存ファイル")
        verbose_name_plural = _("保存ファイル")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A running `urakata worker` (its lease): refreshed every few seconds, deleted at exit."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} ({self.host}:{self.pid})"


class TaskEffect(models.Model):
    """A side effect a task has committed, by key: a re-run after a crash skips it (冪等)."""

    key = models.CharField(max_length=200, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class RateWindow(models.Model):
    """Hits of one key (an IP address, a link, an account) in one fixed time window: the
    database-backed counter behind `core.ratelimit`, shared by every worker process."""

    key = models.CharField(max_length=150)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("アクセス回数")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="core_rate_once")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start} {self.hits}"

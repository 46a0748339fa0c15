"""Visitor self-registration links (来訪者による事前登録) and the public pages' rate windows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VisitInvite(models.Model):
    """A link a host shares so that visitors register themselves (with a check code)."""

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Only hashes are stored: a copy of the database does not open the links.
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    title = models.CharField(_("用件"), max_length=200)
    place = models.CharField(_("面談場所"), max_length=100, blank=True)
    date_from = models.DateField(_("受付開始日"))
    date_to = models.DateField(_("受付終了日"))
    time_from = models.TimeField(_("開始時刻"))
    time_to = models.TimeField(_("終了時刻"))
    max_uses = models.PositiveSmallIntegerField(_("登録できる回数"), default=1)
    uses = models.PositiveSmallIntegerField(_("登録された回数"), default=0)
    failed_attempts = models.PositiveSmallIntegerField(_("確認コードの誤り"), default=0)
    expires_at = models.DateTimeField(_("リンクの有効期限"))
    locked_at = models.DateTimeField(_("ロック日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("無効化日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("来訪者登録リンク")
        verbose_name_plural = _("来訪者登録リンク")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_from__lte=models.F("date_to")),
                name="facilities_invite_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(uses__lte=models.F("max_uses")), name="facilities_invite_uses_capped"
            ),
        ]
        indexes = [models.Index(fields=["host", "created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date_from}–{self.date_to})"

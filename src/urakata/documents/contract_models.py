"""E-contracts (電子契約): the register, one-time signing links, and the encrypted signing keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urakata.documents.stamp_duty import StampCategory


class Contract(models.Model):
    """A contract in the register: parties, amount, term, renewal; its PDF is signed twice."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        APPROVING = "approving", _("社内承認中")
        APPROVED = "approved", _("承認済み")
        AWAITING = "awaiting", _("相手方の署名待ち")
        SIGNED = "signed", _("締結済み")
        REJECTED = "rejected", _("差戻し・却下")

    title = models.CharField(_("契約名"), max_length=200)
    contract_type = models.CharField(_("契約の種類"), max_length=40, default="業務委託")
    counterparty = models.ForeignKey(
        "org.Counterparty", verbose_name=_("取引先"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(_("契約金額"), default=0)
    # The line of 印紙税法 別表第一 a paper original would fall under (stamp_duty.py).
    stamp_category = models.CharField(
        _("印紙税の区分"), max_length=20, choices=StampCategory.choices, default=StampCategory.NONE
    )
    start_date = models.DateField(_("契約開始日"))
    end_date = models.DateField(_("契約終了日"))
    auto_renew = models.BooleanField(_("自動更新"), default=False)
    notice_days = models.PositiveIntegerField(_("解約予告期間(日)"), default=30)
    body = models.TextField(_("契約条項"))
    signer_name = models.CharField(_("相手方署名者"), max_length=100)
    signer_email = models.EmailField(_("相手方署名者のメール"))
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    company_signed_at = models.DateTimeField(_("当社署名日時"), null=True, blank=True)
    counterparty_signed_at = models.DateTimeField(_("相手方署名日時"), null=True, blank=True)
    # The last reminder sent ("notice:<date>" or "expiry:<date>"): one per deadline.
    reminded = models.CharField(max_length=40, blank=True)
    # The PDF as it stands (draft → company-signed → both signed), kept in the document store.
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("契約")
        verbose_name_plural = _("契約")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="documents_contract_term_order",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="documents_contract_amount"),
        ]

    def __str__(self) -> str:
        return self.title


class SigningLink(models.Model):
    """A one-time link for the counterparty's signature (立会人型): the token and the e-mailed
    code are stored only as hashes; a few wrong codes lock it; using it ends it."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    email = models.EmailField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("署名リンク")
        verbose_name_plural = _("署名リンク")

    def __str__(self) -> str:
        return f"{self.contract} → {self.email}"


class SigningKey(models.Model):
    """A certificate and its private key (encrypted with the installation's secret)."""

    class Purpose(models.TextChoices):
        CA = "ca", _("認証局(デモ)")
        COMPANY = "company", _("当社署名")
        WITNESS = "witness", _("立会人署名(プラットフォーム)")
        TSA = "tsa", _("タイムスタンプ局(テスト・デモ)")

    purpose = models.CharField(max_length=20, choices=Purpose.choices, unique=True)
    certificate_pem = models.TextField()
    encrypted_key = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("署名鍵")
        verbose_name_plural = _("署名鍵")

    def __str__(self) -> str:
        return self.get_purpose_display()

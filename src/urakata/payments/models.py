"""Payments (振込): bank accounts, payment requests from other domains, batches and their 全銀 files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urakata.core.models import StoredFile
from urakata.org.models import BankAccountFields, Counterparty, Employee


class Kind(models.TextChoices):
    """What a transfer pays; each kind goes in its own file (種別コード 21 / 11 / 12)."""

    TRANSFER = "transfer", _("総合振込")
    SALARY = "salary", _("給与振込")
    BONUS = "bonus", _("賞与振込")


class CompanyBankAccount(BankAccountFields):
    """One of the company's own accounts that pays (振込依頼人), with its 委託者コード."""

    class LineEnding(models.TextChoices):
        CRLF = "crlf", _("改行あり (CR LF)")
        NONE = "none", _("改行なし")

    label = models.CharField(_("表示名"), max_length=60)
    consignor_code = models.CharField(_("委託者コード"), max_length=10)
    consignor_name_kana = models.CharField(_("振込依頼人名(カナ)"), max_length=40)
    line_ending = models.CharField(
        _("改行"), max_length=4, choices=LineEnding.choices, default=LineEnding.CRLF
    )
    fee_same_bank = models.BigIntegerField(_("振込手数料(同一銀行)"), default=0)
    fee_other_bank = models.BigIntegerField(_("振込手数料(他行)"), default=0)
    ledger_sub_account = models.CharField(_("普通預金の補助科目コード"), max_length=20, blank=True)
    is_default = models.BooleanField(_("既定の口座"), default=False)
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("自社口座")
        verbose_name_plural = _("自社口座")
        ordering = ["-is_default", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_same_bank__gte=0, fee_other_bank__gte=0),
                name="payments_company_account_fees_non_negative",
            ),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="payments_one_default_company_account",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class PayeeBankAccount(BankAccountFields):
    """The account an employee's or a counterparty's transfers go to (振込先口座)."""

    employee = models.OneToOneField(
        Employee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="payee_account",
        verbose_name=_("社員"),
    )
    counterparty = models.OneToOneField(
        Counterparty,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="payee_account",
        verbose_name=_("取引先"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("振込先口座")
        verbose_name_plural = _("振込先口座")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(employee__isnull=False, counterparty__isnull=True)
                    | Q(employee__isnull=True, counterparty__isnull=False)
                ),
                name="payments_payee_account_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.bank_name} {self.branch_name}"

    @property
    def owner(self) -> Any:
        return self.employee or self.counterparty


class PaymentRequestQuerySet(models.QuerySet["PaymentRequest"]):
    def open(self) -> PaymentRequestQuerySet:
        return self.filter(status=PaymentRequest.Status.OPEN)


class PaymentRequest(models.Model):
    """Something another domain owes and asks payments to transfer (支払依頼), one per source row."""

    class Status(models.TextChoices):
        OPEN = "open", _("未処理")
        BATCHED = "batched", _("振込予定")
        PAID = "paid", _("支払済")
        CANCELLED = "cancelled", _("取消")

    class FeeBearer(models.TextChoices):
        COMPANY = "company", _("当方負担")
        PAYEE = "payee", _("先方負担")

    source = models.CharField(_("発生元"), max_length=30)
    source_id = models.BigIntegerField(_("発生元ID"))
    payee_employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_requests",
        verbose_name=_("受取人(社員)"),
    )
    payee_counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_requests",
        verbose_name=_("受取人(取引先)"),
    )
    amount = models.BigIntegerField(_("金額"))
    due_date = models.DateField(_("支払期日"))
    description = models.CharField(_("摘要"), max_length=200)
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices, default=Kind.TRANSFER)
    liability_account_code = models.CharField(_("債務の勘定科目"), max_length=10)
    fee_bearer = models.CharField(
        _("手数料負担"), max_length=8, choices=FeeBearer.choices, default=FeeBearer.COMPANY
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    paid_on = models.DateField(_("支払日"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = PaymentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("支払依頼")
        verbose_name_plural = _("支払依頼")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="payments_request_one_per_source"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payments_request_amount_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(payee_employee__isnull=False, payee_counterparty__isnull=True)
                    | Q(payee_employee__isnull=True, payee_counterparty__isnull=False)
                ),
                name="payments_request_one_payee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}#{self.source_id} {self.amount:,}円"

    @property
    def payee(self) -> Any:
        return self.payee_employee or self.payee_counterparty


class PaymentBatch(models.Model):
    """Transfers paid together on one date from one company account (振込バッチ)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認済")
        REJECTED = "rejected", _("差戻し")
        PAID = "paid", _("支払済")
        CANCELLED = "cancelled", _("取消")

    company_account = models.ForeignKey(
        CompanyBankAccount,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("振込元口座"),
    )
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices, default=Kind.TRANSFER)
    transfer_date = models.DateField(_("振込指定日"))
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    total_amount = models.BigIntegerField(_("振込合計"), default=0)
    total_fee = models.BigIntegerField(_("手数料合計(当方負担)"), default=0)
    item_count = models.PositiveIntegerField(_("件数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作成者"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承認者"),
    )
    file = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("全銀ファイル"),
    )
    paid_on = models.DateField(_("支払日"), null=True, blank=True)
    journal_entry_id = models.BigIntegerField(_("仕訳"), null=True, blank=True)

    class Meta:
        verbose_name = _("振込バッチ")
        verbose_name_plural = _("振込バッチ")
        ordering = ["-transfer_date", "-pk"]
        indexes = [models.Index(fields=["status", "transfer_date"])]

    def __str__(self) -> str:
        return f"{self.transfer_date:%Y-%m-%d} {self.get_kind_display()} #{self.pk}"


class PaymentBatchItem(models.Model):
    """One transfer in a batch: the request and the payee's account as sent (snapshot)."""

    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.CASCADE, related_name="items", verbose_name=_("バッチ")
    )
    request = models.ForeignKey(
        PaymentRequest,
        on_delete=models.PROTECT,
        related_name="batch_items",
        verbose_name=_("支払依頼"),
    )
    bank_code = models.CharField(_("銀行コード"), max_length=4)
    bank_name_kana = models.CharField(_("銀行名(カナ)"), max_length=15)
    branch_code = models.CharField(_("支店コード"), max_length=3)
    branch_name_kana = models.CharField(_("支店名(カナ)"), max_length=15)
    account_type = models.CharField(_("預金種目"), max_length=1)
    account_number = models.CharField(_("口座番号"), max_length=7)
    payee_name_kana = models.CharField(_("受取人名(カナ)"), max_length=30)
    amount = models.BigIntegerField(_("振込金額"))
    fee = models.BigIntegerField(_("振込手数料"), default=0)
    customer_code = models.CharField(_("顧客コード"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("振込明細")
        verbose_name_plural = _("振込明細")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "request"], name="payments_item_once_per_batch"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_item_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payee_name_kana} {self.amount:,}円"

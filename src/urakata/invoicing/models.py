"""Invoices (請求書): sales invoices with per-rate totals, payments (消込), received invoices."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can


class Rounding(models.TextChoices):
    """消費税額等の端数処理 (once per rate per invoice)."""

    FLOOR = "floor", _("切捨て")
    HALF_UP = "half_up", _("四捨五入")
    CEILING = "ceiling", _("切上げ")


class TaxCategory(models.TextChoices):
    """A line's tax rate: 10%, 8% (軽減), 0% (輸出免税) or 非課税; codes follow JP PINT (UNCL5305)."""

    STANDARD = "S", _("10%")
    REDUCED = "AA", _("8%(軽減)")
    ZERO = "G", _("0%(輸出免税)")
    EXEMPT = "E", _("非課税")


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def visible_to(self, user: Any) -> InvoiceQuerySet:
        """Invoices are visible to the roles that bill or audit."""
        if can(user, "invoicing.view"):
            return self
        return self.none()


class Invoice(models.Model):
    """A sales invoice (適格請求書), simplified invoice (適格簡易請求書) or credit note (適格返還請求書)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("適格請求書")
        SIMPLIFIED = "simplified", _("適格簡易請求書")
        CREDIT_NOTE = "credit_note", _("適格返還請求書")

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        ISSUED = "issued", _("発行済")
        SENT = "sent", _("送付済")
        PARTLY_PAID = "partly_paid", _("一部入金")
        PAID = "paid", _("入金済")
        CREDITED = "credited", _("返還済")

    kind = models.CharField(_("種類"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    number = models.CharField(_("請求書番号"), max_length=30, blank=True)
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    counterparty = models.ForeignKey(
        "org.Counterparty",
        verbose_name=_("取引先"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_name = models.CharField(_("宛名"), max_length=200, blank=True)
    issue_date = models.DateField(_("発行日"))
    transaction_date = models.DateField(_("取引年月日"))
    period_start = models.DateField(_("対象期間(開始)"), null=True, blank=True)
    due_date = models.DateField(_("支払期限"), null=True, blank=True)
    rounding = models.CharField(
        _("端数処理"), max_length=10, choices=Rounding.choices, default=Rounding.FLOOR
    )
    original = models.ForeignKey(
        "self",
        verbose_name=_("元の請求書"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    subject = models.CharField(_("件名"), max_length=200, blank=True)
    notes = models.TextField(_("備考"), blank=True)
    # 税込表示: unit prices and line amounts include tax; the tax of each rate is then
    # round(Σ tax-inclusive amounts × r/(100+r)) once (facts.md §1.4).
    prices_include_tax = models.BooleanField(_("税込価格"), default=False)
    subtotal = models.BigIntegerField(_("税抜合計"), default=0)
    tax_total = models.BigIntegerField(_("消費税額等"), default=0)
    total = models.BigIntegerField(_("請求金額"), default=0)
    paid_amount = models.BigIntegerField(_("入金済額"), default=0)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recurring = models.ForeignKey(
        "invoicing.RecurringInvoice",
        verbose_name=_("定期請求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.CharField(_("送付先"), max_length=254, blank=True)
    reminded_at = models.DateTimeField(_("督促日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-pk"]
        verbose_name = _("請求書")
        verbose_name_plural = _("請求書")
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="invoicing_invoice_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.number or f"draft-{self.pk}"

    @property
    def open_amount(self) -> int:
        """What is still to be received (a credit note lowers the original's total)."""
        return self.total - self.paid_amount - self.credited_amount

    @property
    def credited_amount(self) -> int:
        cached = getattr(self, "_credited", None)
        if cached is not None:
            return int(cached)
        if self.kind == self.Kind.CREDIT_NOTE or self.pk is None:
            return 0
        found = self.credit_notes.exclude(status=self.Status.DRAFT).aggregate(
            s=models.Sum("total")
        )["s"]
        return int(found or 0)


class RecurringInvoice(models.Model):
    """A monthly invoice (月額の保守料など) generated and issued on its day each month."""

    counterparty = models.ForeignKey(
        "org.Counterparty", verbose_name=_("取引先"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("件名"), max_length=200, blank=True)
    lines = models.JSONField(_("明細"), default=list)
    rounding = models.CharField(
        _("端数処理"), max_length=10, choices=Rounding.choices, default=Rounding.FLOOR
    )
    next_date = models.DateField(_("次回発行日"))
    due_days = models.PositiveSmallIntegerField(_("支払期限(発行日から日数)"), default=30)
    is_active = models.BooleanField(_("有効"), default=True)
    last_invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_date", "pk"]
        verbose_name = _("定期請求")
        verbose_name_plural = _("定期請求")

    def __str__(self) -> str:
        return f"{self.counterparty_id} {self.subject} {self.next_date}"


class InvoiceLine(models.Model):
    """One line (明細) of an invoice: item, quantity × unit price, tax category."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=1)
    description = models.CharField(_("品目"), max_length=200)
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("単位"), max_length=20, blank=True)
    unit_price = models.BigIntegerField(_("単価"))
    amount = models.BigIntegerField(_("金額"))  # 税込 when the invoice's prices include tax
    tax_category = models.CharField(
        _("税率"), max_length=2, choices=TaxCategory.choices, default=TaxCategory.STANDARD
    )

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"

    @property
    def reduced(self) -> bool:
        return self.tax_category == TaxCategory.REDUCED


class InvoiceAllowance(models.Model):
    """A document-level allowance (値引き) or charge (送料など) of one tax rate (JP PINT ibg-20/21).

    The amount is on the invoice's price basis (税込 when its prices include tax) and enters the
    per-rate totals before the tax is rounded.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="allowances")
    position = models.PositiveIntegerField(default=1)
    is_charge = models.BooleanField(_("請求(送料等)"), default=False)
    reason = models.CharField(_("理由"), max_length=100)
    amount = models.BigIntegerField(_("金額"))
    tax_category = models.CharField(
        _("税率"), max_length=2, choices=TaxCategory.choices, default=TaxCategory.STANDARD
    )

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="invoicing_allowance_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{'+' if self.is_charge else '-'}{self.amount} {self.reason}"

    @property
    def signed(self) -> int:
        """The amount as it enters the totals: − for an allowance, + for a charge."""
        return self.amount if self.is_charge else -self.amount


class InvoiceTaxTotal(models.Model):
    """The per-rate totals of an invoice: taxable amount and its tax, rounded once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="tax_totals")
    tax_category = models.CharField(max_length=2, choices=TaxCategory.choices)
    taxable = models.BigIntegerField(_("対象金額(税抜)"))
    tax = models.BigIntegerField(_("消費税額等"))

    class Meta:
        ordering = ["invoice", "pk"]  # written 10%, 8%, 0%, 非課税
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "tax_category"], name="invoicing_taxtotal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tax_category}: {self.taxable} / {self.tax}"


class NumberSequence(models.Model):
    """The last number handed out per prefix and year (gapless within a year)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="invoicing_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.last_number}"


class InvoicePayment(models.Model):
    """A receipt applied to an invoice (消込): amount, fee borne, statement line and entry."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("入金日"))
    amount = models.BigIntegerField(_("入金額"))
    fee = models.BigIntegerField(_("振込手数料"), default=0)
    bank_transaction = models.ForeignKey(
        "ledger.BankTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice} {self.date} {self.amount}+{self.fee}"


class ReceivedInvoiceQuerySet(models.QuerySet["ReceivedInvoice"]):
    def visible_to(self, user: Any) -> ReceivedInvoiceQuerySet:
        if can(user, "invoicing.view"):
            return self
        return self.none()


class ReceivedInvoice(models.Model):
    """An invoice received from a supplier (支払請求書): PDF/image or JP PINT, approved, posted."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("受領")
        SUBMITTED = "submitted", _("承認待ち")
        APPROVED = "approved", _("承認済")
        SCHEDULED = "scheduled", _("支払予定")
        PAID = "paid", _("支払済")
        REJECTED = "rejected", _("差戻し")

    class Source(models.TextChoices):
        MANUAL = "manual", _("手入力")
        PDF = "pdf", _("PDF・画像")
        PINT = "pint", _("JP PINT")

    counterparty = models.ForeignKey(
        "org.Counterparty",
        verbose_name=_("仕入先"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer_name = models.CharField(_("発行者"), max_length=200)
    registration_number = models.CharField(_("登録番号"), max_length=14, blank=True)
    registration_ok = models.BooleanField(_("登録番号確認済"), default=False)
    number = models.CharField(_("請求書番号"), max_length=60, blank=True)
    issue_date = models.DateField(_("発行日"))
    due_date = models.DateField(_("支払期限"), null=True, blank=True)
    description = models.CharField(_("内容"), max_length=200, blank=True)
    expense_account = models.CharField(_("費用科目"), max_length=10, default="7290")
    subtotal = models.BigIntegerField(_("税抜合計"), default=0)
    tax_total = models.BigIntegerField(_("消費税額等"), default=0)
    total = models.BigIntegerField(_("請求金額"), default=0)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    stored_file = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_xml = models.TextField(blank=True)
    journal_entry = models.ForeignKey(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReceivedInvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-pk"]
        verbose_name = _("受領請求書")
        verbose_name_plural = _("受領請求書")

    def __str__(self) -> str:
        return f"{self.issuer_name} {self.number}"


class ReceivedTaxTotal(models.Model):
    """Per-rate totals of a received invoice as the issuer stated them."""

    received = models.ForeignKey(
        ReceivedInvoice, on_delete=models.CASCADE, related_name="tax_totals"
    )
    tax_category = models.CharField(max_length=2, choices=TaxCategory.choices)
    taxable = models.BigIntegerField()
    tax = models.BigIntegerField()

    class Meta:
        ordering = ["received", "pk"]

    def __str__(self) -> str:
        return f"{self.tax_category}: {self.taxable} / {self.tax}"

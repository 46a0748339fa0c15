"""Three-way match (発注・検収・請求の照合): a vendor's invoice recorded by invoicing, tied to an
order (the figures are copied: facilities does not import invoicing)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceMatch(models.Model):
    """A received invoice matched to a purchase order (by order number, else by amount)."""

    class By(models.TextChoices):
        ORDER_NUMBER = "order_number", _("発注番号")
        AMOUNT = "amount", _("金額")

    order = models.ForeignKey(
        "facilities.PurchaseOrder", on_delete=models.CASCADE, related_name="invoice_matches"
    )
    received_invoice_id = models.BigIntegerField(_("受領請求書"), unique=True)
    invoice_number = models.CharField(_("請求書番号"), max_length=60, blank=True)
    issue_date = models.DateField(_("発行日"))
    subtotal = models.BigIntegerField(_("税抜合計"))
    tax_total = models.BigIntegerField(_("消費税額等"))
    total = models.BigIntegerField(_("請求金額"))
    matched_by = models.CharField(_("照合方法"), max_length=20, choices=By.choices)
    created_at = models.DateTimeField(_("照合日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("請求書の照合")
        verbose_name_plural = _("請求書の照合")
        ordering = ["order", "issue_date", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} ← {self.invoice_number}"


class ReceiptBooking(models.Model):
    """What a goods receipt of capitalised items already posted (固定資産 + 仮払消費税等 / 未払金),
    per tax rate: the vendor's invoice for the order books only the difference (no double count).
    `claimed_by` is the received invoice whose approval took it over."""

    order = models.ForeignKey(
        "facilities.PurchaseOrder", on_delete=models.CASCADE, related_name="receipt_bookings"
    )
    entry_id = models.BigIntegerField(_("取得仕訳"))
    tax_rate = models.DecimalField(_("税率"), max_digits=4, decimal_places=3)
    net = models.BigIntegerField(_("税抜金額"))
    tax = models.BigIntegerField(_("消費税額"))
    claimed_by = models.BigIntegerField(_("受領請求書"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("検収時の計上")
        verbose_name_plural = _("検収時の計上")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.tax_rate} {self.net}+{self.tax}"

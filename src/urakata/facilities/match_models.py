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

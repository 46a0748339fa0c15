"""Invoicing in one place: capabilities, pages, API, demo invoices."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DefaultJob, DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.invoicing.received_workflow import RECEIVED_SUBJECT

SECTION = _("請求")

MANIFEST = DomainManifest(
    label="invoicing",
    order=650,
    depends_on=("core", "org", "workflow", "ledger"),
    # Accounting bills and collects; auditors and executives read; approvers pass received ones.
    capabilities={
        "invoicing.view": (Role.ACCOUNTING, Role.AUDITOR, Role.EXECUTIVE),
        "invoicing.manage": (Role.ACCOUNTING,),
        "invoicing.approve": (Role.ACCOUNTING, Role.EXECUTIVE),
    },
    navigation=(
        NavEntry(SECTION, _("請求書"), "invoicing:invoice_list", "invoicing.view", "🧾", 650),
        NavEntry(SECTION, _("売掛金年齢表"), "invoicing:aging", "invoicing.view", "⏳", 652),
        NavEntry(SECTION, _("入金消込"), "invoicing:matching", "invoicing.manage", "🔗", 654),
        NavEntry(SECTION, _("受領請求書"), "invoicing:received_list", "invoicing.view", "📥", 656),
        NavEntry(SECTION, _("定期請求"), "invoicing:recurring_list", "invoicing.view", "🔁", 658),
    ),
    # Received invoices may be routed for approval (受領請求書の承認申請).
    workflow_subjects=(RECEIVED_SUBJECT,),
    periodic_jobs=(
        DefaultJob("invoicing.recurring", "urakata.invoicing.tasks.recurring_task", "0 6 * * *"),
        DefaultJob("invoicing.dunning", "urakata.invoicing.tasks.dunning_task", "0 9 * * 1-5"),
    ),
    demo_seeder="urakata.invoicing.demo.seed",
    hooks={
        # A supplier paid through a payment batch: the received invoice becomes paid.
        "payments.settled": "urakata.invoicing.received.payment_settled",
        "dx.process_measures": "urakata.invoicing.dx_measures.measures",
        # Facilities' demo asks for the vendor's invoice of its capitalised server order.
        "facilities.demo_order_received": "urakata.invoicing.demo.vendor_invoice_for_order",
    },
    api_router="urakata.invoicing.api.router",
    api_prefix="/invoicing",
    urls="urakata.invoicing.urls",
    url_prefix="invoicing/",
)

"""Payments (振込) in one place: capabilities, pages, the batch approval subject, API, demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.payments.subjects import BATCH_SUBJECT

SECTION = _("振込")

MANIFEST = DomainManifest(
    label="payments",
    order=500,
    depends_on=("core", "org", "workflow", "ledger"),
    capabilities={
        # Batches, requests and company accounts: accounting makes and checks, auditors read.
        "payments.view": (Role.ACCOUNTING, Role.AUDITOR),
        "payments.manage": (Role.ACCOUNTING,),
        # Payees' accounts (employees', counterparties'): accounting keeps them; numbers are
        # shown to accounting and to the account's owner only.
        "payments.manage_payees": (Role.ACCOUNTING,),
        "payments.view_account_numbers": (Role.ACCOUNTING,),
        "payments.own_account": tuple(Role),
        # Other domains' services ask for transfers with their own actor (or SYSTEM).
        "payments.request": tuple(Role),
    },
    navigation=(
        NavEntry(SECTION, _("振込バッチ"), "payments:batch_list", "payments.view", "🏦", 500),
        NavEntry(SECTION, _("支払依頼"), "payments:request_list", "payments.view", "📤", 505),
        NavEntry(
            SECTION, _("振込先口座"), "payments:payee_list", "payments.manage_payees", "👛", 510
        ),
        NavEntry(SECTION, _("自社口座"), "payments:company_list", "payments.view", "🏢", 515),
        NavEntry(
            SECTION, _("自分の振込口座"), "payments:my_account", "payments.own_account", "💳", 520
        ),
    ),
    workflow_subjects=(BATCH_SUBJECT,),
    hooks={"dx.process_measures": "urakata.payments.dx_measures.measures"},
    demo_seeder="urakata.payments.demo.seed",
    api_router="urakata.payments.api.router",
    api_prefix="/payments",
    urls="urakata.payments.urls",
    url_prefix="payments/",
)

"""Expense claims in one place: capabilities, pages, approval route, payments hook, demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.expenses.approval import CLAIM_SUBJECT

MANIFEST = DomainManifest(
    label="expenses",
    order=600,
    depends_on=("core", "org", "workflow", "ledger"),
    # Every employee claims their own; managers see their department's; accounting sees all.
    capabilities={
        "expenses.submit": tuple(Role),
        "expenses.view_department": (Role.MANAGER,),
        "expenses.view_all": (Role.ACCOUNTING, Role.AUDITOR),
    },
    navigation=(
        NavEntry(_("経費"), _("経費精算"), "expenses:claim_list", "expenses.submit", "💴", 600),
    ),
    workflow_subjects=(CLAIM_SUBJECT,),
    # payments calls this when the batch holding a claim's payment is marked paid.
    hooks={
        "payments.settled": "urakata.expenses.approval.claim_settled",
        "dx.process_measures": "urakata.expenses.dx_measures.measures",
    },
    demo_seeder="urakata.expenses.demo.seed",
    api_router="urakata.expenses.api.router",
    api_prefix="/expenses",
    urls="urakata.expenses.urls",
    url_prefix="expenses/",
)

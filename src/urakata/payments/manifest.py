"""Payments (振込) in one place: capabilities, pages, the batch approval subject, API, demo."""

from __future__ import annotations

from urakata.core.domains import DomainManifest
from urakata.core.roles import Role
from urakata.payments.subjects import BATCH_SUBJECT

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
    workflow_subjects=(BATCH_SUBJECT,),
)

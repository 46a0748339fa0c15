"""Documents in one place: capabilities, pages, file integrity check, API, demo documents."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DefaultJob, DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.documents.contracts import CONTRACT_SUBJECT
from urakata.documents.integrity import documents_verify

SECTION = _("文書")
WRITERS = tuple(r for r in Role if r not in (Role.AUDITOR, Role.AI_OPERATOR))

MANIFEST = DomainManifest(
    label="documents",
    order=450,
    depends_on=("core", "org", "workflow", "ledger"),
    # Everyone files and reads their department's documents; 経理・総務・監査・経営層 read every
    # document that is not confidential; 監査 also reads confidential ones (税務調査).
    capabilities={
        "documents.view": tuple(Role),
        "documents.upload": WRITERS,
        "documents.view_all": (
            Role.ACCOUNTING,
            Role.GENERAL_AFFAIRS,
            Role.AUDITOR,
            Role.EXECUTIVE,
        ),
        "documents.view_confidential": (Role.AUDITOR,),
        "documents.manage": (Role.GENERAL_AFFAIRS, Role.ACCOUNTING),
        "documents.export": (Role.ACCOUNTING, Role.AUDITOR),
        # E-contracts: 総務 drafts and routes them; the executive signs for the company.
        "documents.contract_view": (
            Role.GENERAL_AFFAIRS,
            Role.ACCOUNTING,
            Role.EXECUTIVE,
            Role.AUDITOR,
        ),
        "documents.contract_manage": (Role.GENERAL_AFFAIRS,),
        "documents.contract_sign": (Role.EXECUTIVE,),
    },
    navigation=(
        NavEntry(SECTION, _("文書"), "documents:document_list", "documents.view", "📁", 450),
        NavEntry(SECTION, _("文書の登録"), "documents:document_new", "documents.upload", "📤", 452),
        NavEntry(
            SECTION, _("電子契約"), "documents:contract_list", "documents.contract_view", "✍", 454
        ),
        NavEntry(SECTION, _("署名の検証"), "documents:contract_verify", None, "🔏", 456),
        NavEntry(SECTION, _("事務処理規程"), "documents:regulation", "documents.manage", "📜", 458),
    ),
    workflow_subjects=(CONTRACT_SUBJECT,),
    periodic_jobs=(
        DefaultJob(
            "documents.remind", "urakata.documents.reminders.contracts_remind_task", "0 8 * * *"
        ),
    ),
    # Each version's file against the hash recorded when it was filed.
    audit_verifiers={"documents": documents_verify},
    hooks={"dx.process_measures": "urakata.documents.dx_measures.measures"},
    demo_seeder="urakata.documents.demo.seed",
    api_router="urakata.documents.api.router",
    api_prefix="/documents",
    urls="urakata.documents.urls",
    url_prefix="documents/",
)

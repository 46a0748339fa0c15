"""Documents in one place: capabilities, pages, file integrity check, API, demo documents."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DomainManifest, NavEntry
from urakata.core.roles import Role
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
    },
    navigation=(
        NavEntry(SECTION, _("文書"), "documents:document_list", "documents.view", "📁", 450),
        NavEntry(SECTION, _("文書の登録"), "documents:document_new", "documents.upload", "📤", 452),
    ),
    # Each version's file against the hash recorded when it was filed.
    audit_verifiers={"documents": documents_verify},
    demo_seeder="urakata.documents.demo.seed",
    api_router="urakata.documents.api.router",
    api_prefix="/documents",
    urls="urakata.documents.urls",
    url_prefix="documents/",
)

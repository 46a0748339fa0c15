"""総務 (facilities) in one place: capabilities, pages, API, jobs, demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DomainManifest
from urakata.core.roles import Role

SECTION = _("総務")

MANIFEST = DomainManifest(
    label="facilities",
    order=750,
    depends_on=("core", "org", "workflow", "ledger"),
    capabilities={
        # Every employee may invite visitors and see their own; 総務 runs reception and the log.
        "facilities.host_visitors": tuple(Role),
        "facilities.reception": (Role.GENERAL_AFFAIRS,),
        "facilities.manage_visitors": (Role.GENERAL_AFFAIRS,),
        # The catalogue is visible to everyone; 総務 orders and receives.
        "facilities.view_supplies": tuple(Role),
        "facilities.manage_supplies": (Role.GENERAL_AFFAIRS,),
        # Accounting owns the books of the register; 総務 keeps it; auditors read it.
        "facilities.view_assets": (Role.ACCOUNTING, Role.GENERAL_AFFAIRS, Role.AUDITOR),
        "facilities.manage_assets": (Role.ACCOUNTING, Role.GENERAL_AFFAIRS),
        "facilities.post_depreciation": (Role.ACCOUNTING,),
    },
)

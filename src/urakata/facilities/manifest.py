"""総務 (facilities) in one place: capabilities, pages, API, jobs, demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DefaultJob, DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.facilities.supply_requests import REQUEST_SUBJECT

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
    navigation=(
        NavEntry(
            SECTION, _("来客予定"), "facilities:visit_mine", "facilities.host_visitors", "🛎", 750
        ),
        NavEntry(SECTION, _("受付"), "facilities:reception", "facilities.reception", "📷", 752),
        NavEntry(
            SECTION, _("来客記録"), "facilities:visit_log", "facilities.manage_visitors", "📖", 754
        ),
        NavEntry(
            SECTION,
            _("備品・消耗品"),
            "facilities:item_list",
            "facilities.view_supplies",
            "📦",
            756,
        ),
        NavEntry(
            SECTION, _("発注"), "facilities:order_list", "facilities.manage_supplies", "🧾", 758
        ),
        NavEntry(
            SECTION, _("貸与品"), "facilities:loan_list", "facilities.manage_supplies", "💻", 759
        ),
        NavEntry(
            SECTION, _("固定資産台帳"), "facilities:asset_list", "facilities.view_assets", "🏢", 760
        ),
    ),
    # 購買申請 are approved through the workflow engine (routes by amount and category).
    workflow_subjects=(REQUEST_SUBJECT,),
    # 個人情報の保存期間: visitors' personal fields are erased daily once past the retention.
    periodic_jobs=(
        DefaultJob(
            "facilities.visitor_retention",
            "urakata.facilities.tasks.visitor_retention_task",
            "30 2 * * *",
        ),
        # 月次償却: on the 1st at 04:00, last month's depreciation (idempotent per asset and month).
        DefaultJob(
            "facilities.depreciation_monthly",
            "urakata.facilities.tasks.depreciation_monthly_task",
            "0 4 1 * *",
        ),
    ),
    # Three-way match: invoicing reports each received invoice; facilities ties it to an order.
    hooks={
        "invoicing.received_invoice_recorded": (
            "urakata.facilities.matching.received_invoice_recorded"
        ),
        "dx.process_measures": "urakata.facilities.dx_measures.measures",
        "invoicing.received_invoice_booking": (
            "urakata.facilities.matching.received_invoice_booking"
        ),
    },
    demo_seeder="urakata.facilities.demo.seed",
    api_router="urakata.facilities.api.router",
    api_prefix="/facilities",
    urls="urakata.facilities.urls",
    url_prefix="facilities/",
)

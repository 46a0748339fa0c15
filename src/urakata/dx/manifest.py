"""The DX loop in one place: 業務棚卸し, priorities, PoCs, manuals, training, proposals, 称賛."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DefaultJob, DomainManifest, NavEntry
from urakata.core.roles import Role

SECTION = _("DX推進")

MANIFEST = DomainManifest(
    label="dx",
    order=800,
    depends_on=("core", "org", "workflow", "assistant", "ledger"),
    capabilities={
        # Everyone inventories with 現場の声, proposes, thanks and learns.
        "dx.use": tuple(Role),
        # DX推進担当: the inventory itself, scores, import/export, courses, the roster, PoCs.
        "dx.manage": (Role.GENERAL_AFFAIRS, Role.EXECUTIVE),
        # Manual changes drafted from the audit log are approved by a person.
        "dx.review_manuals": (Role.AI_OPERATOR, Role.GENERAL_AFFAIRS, Role.EXECUTIVE),
    },
    navigation=(
        NavEntry(SECTION, _("DXダッシュボード"), "dx:dashboard", "dx.use", "🚀", 800),
        NavEntry(SECTION, _("業務棚卸し"), "dx:process_list", "dx.use", "🗂", 810),
        NavEntry(SECTION, _("優先順位"), "dx:priority", "dx.use", "🎯", 820),
        NavEntry(SECTION, _("プロセス指標"), "dx:measures", "dx.use", "📈", 825),
        NavEntry(SECTION, _("PoC"), "dx:poc_list", "dx.use", "🧪", 830),
        NavEntry(SECTION, _("マニュアル更新案"), "dx:draft_list", "dx.use", "📘", 840),
        NavEntry(SECTION, _("研修"), "dx:course_list", "dx.use", "🎓", 850),
        NavEntry(SECTION, _("改善提案・称賛"), "dx:proposal_list", "dx.use", "💡", 860),
    ),
    periodic_jobs=(
        DefaultJob("dx.manual_scan", "urakata.dx.tasks.manual_scan_task", "*/15 * * * *"),
    ),
    demo_seeder="urakata.dx.demo.seed",
    api_router="urakata.dx.api.router",
    api_prefix="/dx",
    urls="urakata.dx.urls",
    url_prefix="dx/",
)

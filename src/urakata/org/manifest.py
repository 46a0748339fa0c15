"""The org domain in one place: capabilities, pages, API, demo company."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.org.integrity import org_verify

MANIFEST = DomainManifest(
    label="org",
    order=100,
    depends_on=("core",),
    capabilities={
        "org.view_directory": tuple(Role),
        "org.manage_employees": (Role.HR,),
        "org.view_employee_private": (Role.HR,),
        "org.manage_departments": (Role.HR, Role.GENERAL_AFFAIRS),
        "org.manage_company": (),
        "org.view_counterparties": (
            Role.ACCOUNTING,
            Role.GENERAL_AFFAIRS,
            Role.EXECUTIVE,
            Role.AUDITOR,
            Role.MANAGER,
        ),
        "org.manage_counterparties": (Role.ACCOUNTING, Role.GENERAL_AFFAIRS),
        "org.import_export": (Role.HR, Role.ACCOUNTING, Role.GENERAL_AFFAIRS),
    },
    navigation=(
        NavEntry(_("組織"), _("従業員"), "org:employee_list", "org.view_directory", "👥", 200),
        NavEntry(_("組織"), _("部署"), "org:department_list", "org.view_directory", "🏢", 210),
        NavEntry(
            _("組織"), _("取引先"), "org:counterparty_list", "org.view_counterparties", "🤝", 220
        ),
        NavEntry(_("管理"), _("自社情報"), "org:company_settings", "org.manage_company", "🏭", 990),
    ),
    # Employees, departments and counterparties checked against their latest audited change.
    audit_verifiers={"org": org_verify},
    demo_seeder="urakata.org.demo.seed",
    api_router="urakata.org.api.router",
    api_prefix="/",
    urls="urakata.org.urls",
    url_prefix="org/",
)

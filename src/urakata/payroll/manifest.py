"""Payroll (給与計算) in one place: capabilities, pages, API, demo."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.payroll.approval import PAY_RUN_SUBJECT

SECTION = _("給与")

MANIFEST = DomainManifest(
    label="payroll",
    order=700,
    depends_on=("core", "org", "workflow", "ledger"),
    capabilities={
        # HR keeps the pay master and runs payroll; salary is visible only to HR and the employee.
        "payroll.manage": (Role.HR,),
        "payroll.approve": (Role.HR,),
        # Accounting and executives see totals (journal, departments), never individual pay.
        "payroll.view_totals": (Role.ACCOUNTING, Role.EXECUTIVE, Role.HR),
        # Anyone may use the tax / premium calculators (no personal data involved).
        "payroll.calculate": tuple(Role),
    },
    navigation=(
        NavEntry(SECTION, _("給与明細"), "payroll:my_payslips", "payroll.calculate", "💴", 700),
        NavEntry(SECTION, _("給与計算"), "payroll:run_list", "payroll.view_totals", "🧮", 710),
        NavEntry(SECTION, _("給与マスタ"), "payroll:profile_list", "payroll.manage", "🗂", 720),
    ),
    # A checked run may go through the workflow: another HR member approves, which fixes it.
    workflow_subjects=(PAY_RUN_SUBJECT,),
    demo_seeder="urakata.payroll.demo.seed",
    # The demo books leave the salaries of the months payroll posts to it (counted once).
    hooks={
        "ledger.demo_salary_periods": "urakata.payroll.demo.salary_periods",
        "dx.process_measures": "urakata.payroll.dx_measures.measures",
    },
    api_router="urakata.payroll.api.router",
    api_prefix="/payroll",
    urls="urakata.payroll.urls",
    url_prefix="payroll/",
)

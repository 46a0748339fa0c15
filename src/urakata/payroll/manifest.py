"""Payroll (給与計算) in one place: capabilities, pages, API, demo."""

from __future__ import annotations

from urakata.core.domains import DomainManifest
from urakata.core.roles import Role

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
)

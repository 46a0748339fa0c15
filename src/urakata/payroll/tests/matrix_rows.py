"""Permission-matrix rows for payroll: calculators, pay runs, payslips, 賃金台帳."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from urakata.attendance import services as attendance_services
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, NO_ROLE, Endpoint, MatrixWorld, expect
from urakata.ledger.cache import chart_cache_clear
from urakata.ledger.chart import chart_ensure_seeded
from urakata.payroll import crypto, services
from urakata.payroll.models import Payslip
from urakata.payroll.tests.factories import PayProfileFactory

API = "/api/v1/payroll"
HR = expect(Role.HR)
TOTALS = expect(Role.HR, Role.ACCOUNTING, Role.EXECUTIVE)
OWN = expect(Role.HR, Role.EMPLOYEE)  # the employee subject's own payslip
ANY_ROLE = expect(*ALL_ROLES)


def _u(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(
        fixed=ctx["payroll_fixed"].pk,
        draft=ctx["payroll_draft"].pk,
        checked=ctx["payroll_checked"].pk,
        slip=ctx["payroll_slip"].pk,
        employee=ctx["payroll_slip"].employee_id,
    )


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    chart_ensure_seeded()
    chart_cache_clear()
    PayProfileFactory(
        employee=world.users[Role.EMPLOYEE.value].employee,
        my_number_encrypted=crypto.encrypt("123456789018"),
        my_number_last4="9018",
    )
    PayProfileFactory()
    # A pay run takes a closed attendance month (the attendance domain's monthly close).
    for month in (4, 5, 6, 7):
        attendance_services.month_close(actor=SYSTEM, year=2026, month=month)
    fixed = services.pay_run_calculate(actor=SYSTEM, month=dt.date(2026, 4, 1))
    services.pay_run_check(actor=SYSTEM, run=fixed)
    fixed = services.pay_run_approve(actor=SYSTEM, run=fixed)
    checked = services.pay_run_calculate(actor=SYSTEM, month=dt.date(2026, 5, 1))
    services.pay_run_check(actor=SYSTEM, run=checked)
    draft = services.pay_run_calculate(actor=SYSTEM, month=dt.date(2026, 6, 1))
    # Workflow approval needs a second HR member (the applicant never approves their own run).
    make_user(Role.HR, username="matrix_second_hr")
    chart_cache_clear()
    return {
        "payroll_fixed": fixed,
        "payroll_checked": checked,
        "payroll_draft": draft,
        "payroll_slip": Payslip.objects.get(
            run=fixed, employee=world.users[Role.EMPLOYEE.value].employee
        ),
    }


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API: calculators
    Endpoint(
        "api-payroll-withholding",
        "GET",
        f"{API}/withholding?taxable=300000&dependents=1&date=2026-06-25",
        ANY_ROLE,
    ),
    Endpoint(
        "api-payroll-social-insurance",
        "GET",
        f"{API}/social-insurance?remuneration=300000&age=45&prefecture=13&month=2026-04",
        ANY_ROLE,
    ),
    # ------------------------------------------------------------ API: runs
    Endpoint("api-payroll-runs", "GET", f"{API}/runs", TOTALS),
    Endpoint("api-payroll-run-create", "POST", f"{API}/runs", HR, payload={"month": "2026-07"}),
    Endpoint("api-payroll-run", "GET", _u(API + "/runs/{fixed}"), TOTALS),
    Endpoint("api-payroll-run-check", "POST", _u(API + "/runs/{draft}/check"), HR),
    Endpoint("api-payroll-run-submit", "POST", _u(API + "/runs/{checked}/submit"), HR),
    Endpoint("api-payroll-run-approve", "POST", _u(API + "/runs/{checked}/approve"), HR),
    Endpoint("api-payroll-run-departments", "GET", _u(API + "/runs/{fixed}/departments"), TOTALS),
    Endpoint("api-payroll-run-payslips", "GET", _u(API + "/runs/{fixed}/payslips"), HR),
    Endpoint("api-payroll-my-payslips", "GET", f"{API}/my/payslips", expect(NO_ROLE)),
    Endpoint("api-payroll-payslip", "GET", _u(API + "/payslips/{slip}"), OWN),
    Endpoint("api-payroll-payslip-pdf", "GET", _u(API + "/payslips/{slip}/pdf"), OWN),
    # ------------------------------------------------------------ API: pay master
    Endpoint("api-payroll-profile", "GET", _u(API + "/profiles/{employee}"), OWN),
    Endpoint(
        "api-payroll-profile-put",
        "PUT",
        _u(API + "/profiles/{employee}"),
        HR,
        payload={
            "pay_type": "monthly",
            "base_pay": 310000,
            "scheduled_hours": "160",
            "scheduled_days": "20",
            "declaration_submitted": True,
            "birth_date": "1990-01-15",
        },
    ),
    Endpoint(
        "api-payroll-my-number",
        "POST",
        _u(API + "/profiles/{employee}/my-number"),
        HR,
        payload={"purpose": "源泉徴収票の作成"},
    ),
    Endpoint("api-payroll-profile-history", "GET", _u(API + "/profiles/{employee}/history"), OWN),
    Endpoint(
        "api-payroll-item-history", "GET", _u(API + "/profiles/{employee}/items/history"), OWN
    ),
    Endpoint(
        "api-payroll-item-change",
        "POST",
        _u(API + "/profiles/{employee}/items"),
        HR,
        payload={
            "effective_month": "2026-08",
            "kind": "allowance",
            "name": "住宅手当",
            "amount": 1,
        },
    ),
    Endpoint(
        "api-payroll-acquisition",
        "POST",
        _u(API + "/profiles/{employee}/acquisition"),
        HR,
        payload={"overtime_estimate": 20000},
    ),
    Endpoint("api-payroll-settings", "GET", f"{API}/settings", HR),
    Endpoint(
        "api-payroll-settings-patch",
        "PATCH",
        f"{API}/settings",
        HR,
        payload={"tax_method": "formula"},
    ),
    Endpoint("api-payroll-insurance-events", "GET", f"{API}/insurance-events?year=2026", HR),
    # ------------------------------------------------------------ pages
    Endpoint("page-payroll-runs", "GET", "/payroll/", TOTALS),
    Endpoint(
        "page-payroll-run-create",
        "POST",
        "/payroll/runs/new/",
        HR,
        payload={"month": "2026-07"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-payroll-run", "GET", _u("/payroll/runs/{fixed}/"), TOTALS),
    Endpoint(
        "page-payroll-run-check",
        "POST",
        _u("/payroll/runs/{draft}/check/"),
        HR,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-payroll-run-submit",
        "POST",
        _u("/payroll/runs/{checked}/submit/"),
        HR,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-payroll-run-approve",
        "POST",
        _u("/payroll/runs/{checked}/approve/"),
        HR,
        payload={},
        form=True,
        redirects=True,
    ),
    # ------------------------------------------------------------ pages: pay master, bonus (HR)
    Endpoint("page-payroll-profiles", "GET", "/payroll/profiles/", HR),
    Endpoint("page-payroll-profile", "GET", _u("/payroll/profiles/{employee}/"), HR),
    Endpoint(
        "page-payroll-profile-pay",
        "POST",
        _u("/payroll/profiles/{employee}/pay/"),
        HR,
        payload={
            "effective_month": "2026-09",
            "pay_type": "monthly",
            "base_pay": "320000",
            "scheduled_hours": "160",
            "scheduled_days": "20",
            "health_grade": "23",
            "reason": "昇給",
        },
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-payroll-profile-item",
        "POST",
        _u("/payroll/profiles/{employee}/items/"),
        HR,
        payload={"kind": "allowance", "name": "資格手当", "amount": "5000", "taxable": "on"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-payroll-profile-declaration",
        "POST",
        _u("/payroll/profiles/{employee}/declaration/"),
        HR,
        payload={"tax_column": "kou", "dependents": "1", "insured_kind": "general"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-payroll-profile-resident-tax",
        "POST",
        _u("/payroll/profiles/{employee}/resident-tax/"),
        HR,
        payload={"fiscal_year": "2026", "june_amount": "9000", "monthly_amount": "8800"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-payroll-profile-acquisition",
        "POST",
        _u("/payroll/profiles/{employee}/acquisition/"),
        HR,
        payload={"overtime_estimate": "15000"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-payroll-bonus-create",
        "POST",
        "/payroll/bonus/new/",
        HR,
        payload=lambda ctx: {
            "pay_date": "2026-07-10",
            "amounts": f"{ctx['payroll_slip'].employee.code},300000",
        },
        form=True,
        redirects=True,
    ),
    Endpoint("page-payroll-my", "GET", "/payroll/my/", expect(NO_ROLE)),
    Endpoint("page-payroll-payslip", "GET", _u("/payroll/payslips/{slip}/"), OWN),
    Endpoint("page-payroll-payslip-pdf", "GET", _u("/payroll/payslips/{slip}/pdf/"), OWN),
    Endpoint("page-payroll-wage-ledger", "GET", "/payroll/wage-ledger/2026.csv", HR),
]

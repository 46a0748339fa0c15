"""Payroll API: calculators, pay runs (HR), totals (accounting), the employee's own payslips."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.permissions import require
from urakata.core.schema_types import (
    BusinessDate,
    Month,
    NonNegativeYen,
    PageNumber,
    PageSize,
    RowId,
)
from urakata.payroll import outputs, selectors, services, social_insurance, withholding
from urakata.payroll.api_master import router as master_router

router = Router(tags=["payroll"])
ERRORS = API_ERRORS


def _month(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)


class WithholdingQuery(Schema):
    taxable: NonNegativeYen
    dependents: Annotated[int, Field(ge=0, le=99)] = 0
    column: Literal["kou", "otsu"] = "kou"
    method: Literal["table", "formula"] = "table"
    date: BusinessDate | None = None


class TaxOut(Schema):
    tax: int


@router.get("/withholding", response={200: TaxOut, **ERRORS})
def withholding_calc(request: HttpRequest, q: Query[WithholdingQuery]) -> Any:
    """源泉所得税 for one month's pay (月額表 or 電算機計算の特例)."""
    require(request.user, "payroll.calculate")
    tax = withholding.monthly_tax(
        q.taxable,
        dependents=q.dependents,
        column=q.column,
        method=q.method,
        on=q.date or dt.date.today(),
    )
    return {"tax": tax}


class PremiumQuery(Schema):
    remuneration: NonNegativeYen
    age: Annotated[int, Field(ge=0, le=150)]
    prefecture: Annotated[int, Field(ge=1, le=47)]
    month: Month | None = None


class PremiumOut(Schema):
    standard_remuneration_health: int
    standard_remuneration_pension: int
    health: int
    care: int
    child_support: int
    pension: int


@router.get("/social-insurance", response={200: PremiumOut, **ERRORS})
def social_insurance_calc(request: HttpRequest, q: Query[PremiumQuery]) -> Any:
    """Employee shares of 健保・介護・支援金・厚年 for 報酬月額, age, prefecture and 〇月分."""
    require(request.user, "payroll.calculate")
    month = _month(q.month) if q.month else dt.date.today().replace(day=1)
    return social_insurance.monthly_premiums(
        remuneration=q.remuneration, age=q.age, prefecture=q.prefecture, month=month
    ).as_dict()


class PayRunOut(Schema):
    id: int
    kind: str
    month: dt.date
    pay_date: dt.date
    status: str
    revision: int
    reason: str
    totals: dict[str, int]
    journal_entry_id: int | None


class RunPage(Schema):
    items: list[PayRunOut]
    meta: PageMeta


class RunIn(Schema):
    month: Month
    reason: Annotated[str, Field(max_length=200)] = ""


@router.get("/runs", response={200: RunPage, **ERRORS})
def run_list(request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 50) -> Any:
    """Pay runs (HR all; accounting and executives the fixed ones, totals only)."""
    items, meta = paginate(
        selectors.pay_run_list(actor=request.user), page=page, page_size=page_size
    )
    return {"items": items, "meta": meta}


@router.post("/runs", response={201: PayRunOut, **ERRORS})
def run_calculate(request: HttpRequest, payload: RunIn) -> Any:
    """Calculate (or recalculate) the salary run of an attendance month."""
    run = services.pay_run_calculate(
        actor=request.user, month=_month(payload.month), reason=payload.reason
    )
    return 201, run


@router.get("/runs/{run_id}", response={200: PayRunOut, **ERRORS})
def run_get(request: HttpRequest, run_id: RowId) -> Any:
    return selectors.pay_run_get(actor=request.user, run_id=run_id)


@router.post("/runs/{run_id}/check", response={200: PayRunOut, **ERRORS})
def run_check(request: HttpRequest, run_id: RowId) -> Any:
    run = selectors.pay_run_get(actor=request.user, run_id=run_id)
    return services.pay_run_check(actor=request.user, run=run)


@router.post("/runs/{run_id}/approve", response={200: PayRunOut, **ERRORS})
def run_approve(request: HttpRequest, run_id: RowId) -> Any:
    run = selectors.pay_run_get(actor=request.user, run_id=run_id)
    return services.pay_run_approve(actor=request.user, run=run)


@router.post("/runs/{run_id}/submit", response={200: PayRunOut, **ERRORS})
def run_submit(request: HttpRequest, run_id: RowId) -> Any:
    """Submit a checked run for approval by another HR member (workflow)."""
    from urakata.payroll.approval import pay_run_submit

    run = selectors.pay_run_get(actor=request.user, run_id=run_id)
    return pay_run_submit(actor=request.user, run=run)


class DepartmentTotalOut(Schema):
    department__code: str | None
    department__name: str | None
    gross: int
    net: int
    employer_cost: int
    income_tax: int


@router.get("/runs/{run_id}/departments", response={200: list[DepartmentTotalOut], **ERRORS})
def run_departments(request: HttpRequest, run_id: RowId) -> Any:
    """Totals per department (no individual pay)."""
    run = selectors.pay_run_get(actor=request.user, run_id=run_id)
    return selectors.department_totals(actor=request.user, run=run)


class PayslipOut(Schema):
    id: int
    run_id: int
    employee_code: str
    employee_name: str
    month: dt.date
    pay_date: dt.date
    gross: int
    taxable: int
    social_insurance: int
    employment_insurance: int
    income_tax: int
    resident_tax: int
    other_deductions: int
    net: int
    lines: dict[str, Any]
    flags: list[str]

    @staticmethod
    def resolve_employee_code(obj: Any) -> str:
        return str(obj.employee.code)

    @staticmethod
    def resolve_employee_name(obj: Any) -> str:
        return str(obj.employee.full_name)

    @staticmethod
    def resolve_month(obj: Any) -> dt.date:
        return obj.run.month  # type: ignore[no-any-return]

    @staticmethod
    def resolve_pay_date(obj: Any) -> dt.date:
        return obj.run.pay_date  # type: ignore[no-any-return]


class PayslipPage(Schema):
    items: list[PayslipOut]
    meta: PageMeta


@router.get("/runs/{run_id}/payslips", response={200: PayslipPage, **ERRORS})
def run_payslips(
    request: HttpRequest, run_id: RowId, page: PageNumber = 1, page_size: PageSize = 50
) -> Any:
    """Every payslip of a run (HR)."""
    run = selectors.pay_run_get(actor=request.user, run_id=run_id)
    slips = selectors.payslip_list(actor=request.user, run=run).select_related("run")
    items, meta = paginate(slips, page=page, page_size=page_size)
    return {"items": items, "meta": meta}


@router.get("/my/payslips", response={200: PayslipPage, **ERRORS})
def my_payslips(request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 50) -> Any:
    """The signed-in employee's own fixed payslips."""
    items, meta = paginate(
        selectors.my_payslips(actor=request.user), page=page, page_size=page_size
    )
    return {"items": items, "meta": meta}


@router.get("/payslips/{payslip_id}", response={200: PayslipOut, **ERRORS})
def payslip_get(request: HttpRequest, payslip_id: RowId) -> Any:
    return selectors.payslip_get(actor=request.user, payslip_id=payslip_id)


@router.get("/payslips/{payslip_id}/pdf", response={200: None, **ERRORS})
def payslip_pdf(request: HttpRequest, payslip_id: RowId) -> Any:
    """The payslip as a PDF."""
    slip = selectors.payslip_get(actor=request.user, payslip_id=payslip_id)
    data = outputs.payslip_pdf(slip)
    services.export_log(
        actor=request.user, action="payroll.payslip.export", target=slip, details={"format": "pdf"}
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="payslip-{slip.pk}.pdf"'
    return response


router.add_router("", master_router)

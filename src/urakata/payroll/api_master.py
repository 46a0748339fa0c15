"""Payroll API: the pay master (HR; the employee reads their own), 個人番号, insurance events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from urakata.core.api import API_ERRORS
from urakata.core.schema_types import BusinessDate, Month, NonNegativeYen, RowId, Year
from urakata.org import selectors as org_selectors
from urakata.payroll import crypto, insurance_events, selectors
from urakata.payroll.services_profiles import my_number_reveal, pay_profile_save

router = Router(tags=["payroll"])
ERRORS = API_ERRORS
Hours = Annotated[Decimal, Field(gt=0, le=744, max_digits=6, decimal_places=2)]
Days = Annotated[Decimal, Field(gt=0, le=31, max_digits=5, decimal_places=2)]
Count = Annotated[int, Field(ge=0, le=99)]


class PayrollDependant(Schema):
    """One 扶養親族 on the 扶養控除等申告書 (`disability`: "", general, special,
    special_cohabiting)."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    relation: Annotated[str, Field(min_length=1, max_length=20)]
    birth_date: dt.date
    disability: Literal["", "general", "special", "special_cohabiting"] = ""


class ProfileIn(Schema):
    pay_type: Literal["monthly", "daily_monthly", "hourly"]
    base_pay: NonNegativeYen
    scheduled_hours: Hours
    scheduled_days: Days
    commute_allowance: NonNegativeYen = 0
    commute_nontaxable: NonNegativeYen = 0
    declaration_submitted: bool = False
    has_tax_spouse: bool = False
    dependents: Count = 0
    extra_dependents: Count = 0
    secondary_dependents: Count = 0  # 従たる給与についての扶養控除等申告書 (乙欄)
    health_insured: bool = True
    pension_insured: bool = True
    health_grade: Annotated[int, Field(ge=1, le=50)] = 22
    employment_insurance: Literal["general", "agriculture", "construction", "none"] = "general"
    insured_kind: Literal["general", "part_time", "short_time"] = "general"
    birth_date: BusinessDate
    municipality: Annotated[str, Field(max_length=60)] = ""
    address: Annotated[str, Field(max_length=300)] = ""
    my_number: Annotated[str | None, Field(max_length=20)] = None
    dependant_details: Annotated[list[PayrollDependant], Field(max_length=20)] | None = (
        None  # kept if None
    )
    # pay fields change from this pay month (YYYY-MM); audited, kept in the history
    effective_month: Month | None = None
    reason: Annotated[str, Field(max_length=200)] = ""


class ProfileOut(Schema):
    employee_id: int
    pay_type: str
    base_pay: int
    scheduled_hours: Decimal
    scheduled_days: Decimal
    commute_allowance: int
    commute_nontaxable: int
    declaration_submitted: bool
    tax_column: str
    dependant_count: int
    has_tax_spouse: bool
    dependents: int
    extra_dependents: int
    dependant_details: list[dict[str, Any]]
    secondary_dependents: int
    health_insured: bool
    pension_insured: bool
    health_grade: int
    employment_insurance: str
    insured_kind: str
    birth_date: dt.date
    municipality: str
    my_number_masked: str

    @staticmethod
    def resolve_my_number_masked(obj: Any) -> str:
        return crypto.mask(obj.my_number_last4)


@router.get("/profiles/{employee_id}", response={200: ProfileOut, **ERRORS})
def profile_get(request: HttpRequest, employee_id: RowId) -> Any:
    """A pay master: HR any, an employee their own (個人番号 masked)."""
    return selectors.profile_for(actor=request.user, employee_id=employee_id)


@router.put("/profiles/{employee_id}", response={200: ProfileOut, **ERRORS})
def profile_put(request: HttpRequest, employee_id: RowId, payload: ProfileIn) -> Any:
    """Create or change a pay master (HR); every change is audited."""
    from urakata.core.permissions import require

    require(request.user, "payroll.manage")
    employee = org_selectors.employee_get(actor=request.user, employee_id=employee_id)
    data = payload.model_dump()
    my_number = data.pop("my_number")
    if data["dependant_details"] is None:
        data.pop("dependant_details")
    else:
        data["dependant_details"] = [
            {**d, "birth_date": d["birth_date"].isoformat()} for d in data["dependant_details"]
        ]
    month = data.pop("effective_month")
    effective = dt.date(int(month[:4]), int(month[5:7]), 1) if month else None
    return pay_profile_save(
        actor=request.user,
        employee=employee,
        my_number=my_number,
        effective_month=effective,
        **data,
    )


class PayrollVersionOut(Schema):
    effective_month: dt.date
    values: dict[str, Any]
    reason: str
    changed_at: dt.datetime


@router.get("/profiles/{employee_id}/history", response={200: list[PayrollVersionOut], **ERRORS})
def profile_history(request: HttpRequest, employee_id: RowId) -> Any:
    """The dated versions of a pay master (HR any, an employee their own), oldest first."""
    from urakata.payroll.versions import profile_history as history

    return history(selectors.profile_for(actor=request.user, employee_id=employee_id))


class PayrollItemVersionOut(Schema):
    effective_month: dt.date
    items: list[dict[str, Any]]
    reason: str
    changed_at: dt.datetime


class PayrollItemChangeIn(Schema):
    effective_month: Month
    kind: Literal["allowance", "deduction"]
    name: Annotated[str, Field(min_length=1, max_length=40)]
    amount: NonNegativeYen = 0
    taxable: bool = True
    in_overtime_base: bool = False
    remove: bool = False
    reason: Annotated[str, Field(max_length=200)] = ""


@router.get(
    "/profiles/{employee_id}/items/history", response={200: list[PayrollItemVersionOut], **ERRORS}
)
def item_history(request: HttpRequest, employee_id: RowId) -> Any:
    """The dated allowances and deductions (HR any, an employee their own), oldest first."""
    from urakata.payroll.item_versions import item_history as history

    return history(selectors.profile_for(actor=request.user, employee_id=employee_id))


@router.post("/profiles/{employee_id}/items", response={200: PayrollItemVersionOut, **ERRORS})
def item_change(request: HttpRequest, employee_id: RowId, payload: PayrollItemChangeIn) -> Any:
    """Add, change or stop an allowance or deduction from a pay month (HR; audited)."""
    from urakata.core.permissions import require
    from urakata.payroll.item_versions import pay_item_change_schedule

    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    data = payload.model_dump()
    month = dt.datetime.strptime(data.pop("effective_month"), "%Y-%m").date()
    return pay_item_change_schedule(
        actor=request.user, profile=profile, effective_month=month, **data
    )


class RevealIn(Schema):
    purpose: Annotated[str, Field(min_length=1, max_length=100)]


class RevealOut(Schema):
    my_number: str


@router.post("/profiles/{employee_id}/my-number", response={200: RevealOut, **ERRORS})
def my_number_view(request: HttpRequest, employee_id: RowId, payload: RevealIn) -> Any:
    """The 個人番号 in clear for a lawful purpose (HR); the view is logged."""
    from urakata.core.permissions import require

    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    return {
        "my_number": my_number_reveal(actor=request.user, profile=profile, purpose=payload.purpose)
    }


class PayrollAcquisitionIn(Schema):
    overtime_estimate: NonNegativeYen = 0


class PayrollAcquisitionOut(Schema):
    remuneration: int
    health_grade: int
    health_standard: int
    pension_standard: int
    valid_until: str


@router.post("/profiles/{employee_id}/acquisition", response={200: PayrollAcquisitionOut, **ERRORS})
def acquisition_decide(
    request: HttpRequest, employee_id: RowId, payload: PayrollAcquisitionIn
) -> Any:
    """資格取得時決定 (HR): the grade from the expected monthly pay incl. an overtime estimate."""
    from urakata.core.permissions import require
    from urakata.payroll.services_profiles import pay_profile_acquisition_decide

    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    return pay_profile_acquisition_decide(
        actor=request.user, profile=profile, overtime_estimate=payload.overtime_estimate
    )


@router.get("/insurance-events", response={200: dict[str, list[dict[str, Any]]], **ERRORS})
def insurance_events_list(request: HttpRequest, year: Year) -> Any:
    """算定基礎 (new grades from September of `year`) and 随時改定 candidates, for HR to confirm."""
    return {
        "regular": insurance_events.regular_determination(actor=request.user, year=year),
        "revision": insurance_events.occasional_revision(actor=request.user),
    }


class PayrollSettingsOut(Schema):
    pay_day: int
    pay_month_offset: int
    collection: str
    tax_method: str
    prefecture: int
    employment_kind: str


class PayrollSettingsPatch(Schema):
    pay_day: Annotated[int, Field(ge=1, le=31)] | None = None
    pay_month_offset: Annotated[int, Field(ge=0, le=1)] | None = None
    collection: Literal["next", "same"] | None = None
    tax_method: Literal["table", "formula"] | None = None
    prefecture: Annotated[int, Field(ge=1, le=47)] | None = None
    employment_kind: Literal["general", "agriculture", "construction"] | None = None


@router.get("/settings", response={200: PayrollSettingsOut, **ERRORS})
def settings_get(request: HttpRequest) -> Any:
    """The company's payroll rules (HR)."""
    from urakata.core.permissions import require
    from urakata.payroll.runs import settings_get as current

    require(request.user, "payroll.manage")
    return current()


@router.patch("/settings", response={200: PayrollSettingsOut, **ERRORS})
def settings_patch(request: HttpRequest, payload: PayrollSettingsPatch) -> Any:
    """Change the payroll rules (HR; audited)."""
    from urakata.payroll.services_profiles import payroll_settings_update

    return payroll_settings_update(actor=request.user, **payload.model_dump(exclude_none=True))

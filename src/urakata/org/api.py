"""Org REST endpoints: departments, employees, counterparties (list, detail, create, update),
and CSV/XLSX import and export of employees and counterparties."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.permissions import require
from urakata.core.schema_types import BusinessDate, PageNumber, PageSize, SortOrder
from urakata.org import import_export, selectors, services
from urakata.org.models import Counterparty, Department, Employee

router = Router(tags=["org"])
ERRORS = API_ERRORS


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    manager_id: int | None
    sort_order: int
    is_active: bool
    headcount: int = 0


class DepartmentIn(Schema):
    code: Annotated[str, Field(max_length=20, min_length=1)]
    name: Annotated[str, Field(max_length=100)]
    parent_id: int | None = None
    manager_id: int | None = None
    sort_order: SortOrder = 0
    is_active: bool = True


class DepartmentPatch(Schema):
    code: Annotated[str, Field(max_length=20, min_length=1)] | None = None
    name: Annotated[str, Field(max_length=100)] | None = None
    parent_id: int | None = None
    manager_id: int | None = None
    sort_order: SortOrder | None = None
    is_active: bool | None = None


class DepartmentPage(Schema):
    meta: PageMeta
    items: list[DepartmentOut]


class EmployeeOut(Schema):
    id: int
    code: str
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    email: str
    department_id: int | None
    department_name: str | None
    position_id: int | None
    position_name: str | None
    manager_id: int | None
    employment_type: str
    hire_date: dt.date
    retire_date: dt.date | None
    status: str

    @staticmethod
    def resolve_department_name(obj: Employee) -> str | None:
        return obj.department.name if obj.department else None

    @staticmethod
    def resolve_position_name(obj: Employee) -> str | None:
        return obj.position.name if obj.position else None


class EmployeeIn(Schema):
    code: Annotated[str, Field(max_length=20, min_length=1)]
    last_name: Annotated[str, Field(max_length=50)]
    first_name: Annotated[str, Field(max_length=50)]
    last_name_kana: Annotated[str, Field(max_length=50)]
    first_name_kana: Annotated[str, Field(max_length=50)]
    email: Annotated[str, Field(max_length=254)] = ""
    department_id: int | None = None
    position_id: int | None = None
    manager_id: int | None = None
    employment_type: Annotated[str, Field(max_length=20)] = Employee.EmploymentType.REGULAR
    hire_date: BusinessDate
    status: Annotated[str, Field(max_length=20)] = Employee.Status.ACTIVE


class EmployeePatch(Schema):
    code: Annotated[str, Field(max_length=20, min_length=1)] | None = None
    last_name: Annotated[str, Field(max_length=50)] | None = None
    first_name: Annotated[str, Field(max_length=50)] | None = None
    last_name_kana: Annotated[str, Field(max_length=50)] | None = None
    first_name_kana: Annotated[str, Field(max_length=50)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    department_id: int | None = None
    position_id: int | None = None
    manager_id: int | None = None
    employment_type: Annotated[str, Field(max_length=20)] | None = None
    hire_date: BusinessDate | None = None
    retire_date: BusinessDate | None = None
    status: Annotated[str, Field(max_length=20)] | None = None


class EmployeePage(Schema):
    meta: PageMeta
    items: list[EmployeeOut]


class CounterpartyOut(Schema):
    id: int
    code: str
    name: str
    name_kana: str
    corporate_number: str
    registration_number: str
    is_customer: bool
    is_supplier: bool
    postal_code: str
    address: str
    phone: str
    email: str
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str
    account_holder_kana: str
    is_active: bool


class CounterpartyIn(Schema):
    code: Annotated[str, Field(max_length=20, min_length=1)]
    name: Annotated[str, Field(max_length=200)]
    name_kana: Annotated[str, Field(max_length=200)] = ""
    corporate_number: Annotated[str, Field(max_length=13)] = ""
    registration_number: Annotated[str, Field(max_length=14)] = ""
    is_customer: bool = False
    is_supplier: bool = False
    postal_code: Annotated[str, Field(max_length=8)] = ""
    address: Annotated[str, Field(max_length=300)] = ""
    phone: Annotated[str, Field(max_length=20)] = ""
    email: Annotated[str, Field(max_length=254)] = ""
    bank_code: Annotated[str, Field(max_length=4)] = ""
    bank_name: Annotated[str, Field(max_length=60)] = ""
    branch_code: Annotated[str, Field(max_length=3)] = ""
    branch_name: Annotated[str, Field(max_length=60)] = ""
    account_type: Annotated[str, Field(max_length=1)] = ""
    account_number: Annotated[str, Field(max_length=7)] = ""
    account_holder_kana: Annotated[str, Field(max_length=60)] = ""
    is_active: bool = True


class CounterpartyPatch(Schema):
    code: Annotated[str, Field(max_length=20, min_length=1)] | None = None
    name: Annotated[str, Field(max_length=200)] | None = None
    name_kana: Annotated[str, Field(max_length=200)] | None = None
    corporate_number: Annotated[str, Field(max_length=13)] | None = None
    registration_number: Annotated[str, Field(max_length=14)] | None = None
    is_customer: bool | None = None
    is_supplier: bool | None = None
    postal_code: Annotated[str, Field(max_length=8)] | None = None
    address: Annotated[str, Field(max_length=300)] | None = None
    phone: Annotated[str, Field(max_length=20)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    bank_code: Annotated[str, Field(max_length=4)] | None = None
    bank_name: Annotated[str, Field(max_length=60)] | None = None
    branch_code: Annotated[str, Field(max_length=3)] | None = None
    branch_name: Annotated[str, Field(max_length=60)] | None = None
    account_type: Annotated[str, Field(max_length=1)] | None = None
    account_number: Annotated[str, Field(max_length=7)] | None = None
    account_holder_kana: Annotated[str, Field(max_length=60)] | None = None
    is_active: bool | None = None


class CounterpartyPage(Schema):
    meta: PageMeta
    items: list[CounterpartyOut]


def _patch(payload: Schema) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


# ---------------------------------------------------------------- import / export
# Registered before `/employees/{employee_id}` so that `export` and `import` are not taken
# for an id.


class EmployeeQuery(Schema):
    q: str = ""
    department_id: int | None = None
    status: str = ""
    employment_type: str = ""
    page: PageNumber = 1
    page_size: PageSize = 50


class CounterpartyQuery(Schema):
    q: str = ""
    kind: str = ""
    active: bool | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


class ImportOut(Schema):
    total: int
    created: int
    updated: int
    unchanged: int


class ImportRowError(Schema):
    row: int
    column: str
    message: str


class ImportErrorOut(Schema):
    """422 for a rejected file: nothing was written; `rows` lists every problem."""

    detail: str
    code: str
    errors: dict[str, list[str]] | None = None
    rows: list[ImportRowError] = []


IMPORT_ERRORS: dict[int, type[Schema]] = {**ERRORS, 422: ImportErrorOut}


def _download(export: import_export.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def _rejected(error: import_export.ImportRejected) -> JsonResponse:
    """422 with the row report (same shape as every API error, plus `rows`)."""
    body = {
        "detail": error.message,
        "code": error.code,
        "errors": error.errors,
        "rows": [{"row": e.row, "column": e.column, "message": e.message} for e in error.rows],
    }
    return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})


@router.get(
    "/employees/export",
    response={200: None, **ERRORS},
    summary="Export employees (CSV with BOM or XLSX)",
)
def export_employees(
    request: HttpRequest, query: Query[EmployeeQuery], format: str = "csv"
) -> HttpResponse:
    filters = selectors.EmployeeFilters(
        q=query.q,
        department_id=query.department_id,
        status=query.status,
        employment_type=query.employment_type,
    )
    return _download(
        import_export.employee_export(actor=request.user, filters=filters, file_format=format)
    )


@router.post("/employees/import", response={200: ImportOut, **IMPORT_ERRORS})
def import_employees(
    request: HttpRequest, file: File[UploadedFile], create_logins: bool = True
) -> Any:
    """Create or update employees by 社員番号 from CSV/XLSX; any bad row → 422, nothing written."""
    try:
        result = import_export.employee_import(
            actor=request.user, upload=file, create_logins=create_logins
        )
    except import_export.ImportRejected as error:
        return _rejected(error)
    return result.as_dict()


@router.get(
    "/counterparties/export",
    response={200: None, **ERRORS},
    summary="Export counterparties (CSV with BOM or XLSX)",
)
def export_counterparties(
    request: HttpRequest, query: Query[CounterpartyQuery], format: str = "csv"
) -> HttpResponse:
    filters = selectors.CounterpartyFilters(q=query.q, kind=query.kind, active=query.active)
    return _download(
        import_export.counterparty_export(actor=request.user, filters=filters, file_format=format)
    )


@router.post("/counterparties/import", response={200: ImportOut, **IMPORT_ERRORS})
def import_counterparties(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Create or update 取引先 by 取引先コード from CSV/XLSX; any bad row → 422, nothing written."""
    try:
        result = import_export.counterparty_import(actor=request.user, upload=file)
    except import_export.ImportRejected as error:
        return _rejected(error)
    return result.as_dict()


# ---------------------------------------------------------------- departments


@router.get("/departments", response={200: DepartmentPage, **ERRORS})
def list_departments(
    request: HttpRequest, q: str = "", page: PageNumber = 1, page_size: PageSize = 50
) -> dict[str, Any]:
    items, meta = paginate(
        selectors.department_list(actor=request.user, q=q), page=page, page_size=page_size
    )
    return {"meta": meta, "items": items}


@router.get("/departments/{department_id}", response={200: DepartmentOut, **ERRORS})
def get_department(request: HttpRequest, department_id: int) -> Department:
    return selectors.department_get(actor=request.user, department_id=department_id)


@router.post("/departments", response={201: DepartmentOut, **ERRORS})
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status[Department]:
    require(request.user, "org.manage_departments")
    department = services.department_create(actor=request.user, data=payload.model_dump())
    return Status(201, selectors.department_get(actor=request.user, department_id=department.pk))


@router.patch("/departments/{department_id}", response={200: DepartmentOut, **ERRORS})
def update_department(
    request: HttpRequest, department_id: int, payload: DepartmentPatch
) -> Department:
    require(request.user, "org.manage_departments")
    department = selectors.department_get(actor=request.user, department_id=department_id)
    services.department_update(actor=request.user, department=department, data=_patch(payload))
    return selectors.department_get(actor=request.user, department_id=department_id)


# ---------------------------------------------------------------- employees


@router.get("/employees", response={200: EmployeePage, **ERRORS})
def list_employees(request: HttpRequest, query: Query[EmployeeQuery]) -> dict[str, Any]:
    filters = selectors.EmployeeFilters(
        q=query.q,
        department_id=query.department_id,
        status=query.status,
        employment_type=query.employment_type,
    )
    items, meta = paginate(
        selectors.employee_list(actor=request.user, filters=filters),
        page=query.page,
        page_size=query.page_size,
    )
    return {"meta": meta, "items": items}


@router.get("/employees/{employee_id}", response={200: EmployeeOut, **ERRORS})
def get_employee(request: HttpRequest, employee_id: int) -> Employee:
    return selectors.employee_get(actor=request.user, employee_id=employee_id)


@router.post("/employees", response={201: EmployeeOut, **ERRORS})
def create_employee(request: HttpRequest, payload: EmployeeIn) -> Status[Employee]:
    require(request.user, "org.manage_employees")
    employee = services.employee_create(actor=request.user, data=payload.model_dump())
    return Status(201, selectors.employee_get(actor=request.user, employee_id=employee.pk))


@router.patch("/employees/{employee_id}", response={200: EmployeeOut, **ERRORS})
def update_employee(request: HttpRequest, employee_id: int, payload: EmployeePatch) -> Employee:
    require(request.user, "org.manage_employees")
    employee = selectors.employee_get(actor=request.user, employee_id=employee_id)
    services.employee_update(actor=request.user, employee=employee, data=_patch(payload))
    return selectors.employee_get(actor=request.user, employee_id=employee_id)


# ---------------------------------------------------------------- counterparties


@router.get("/counterparties", response={200: CounterpartyPage, **ERRORS})
def list_counterparties(request: HttpRequest, query: Query[CounterpartyQuery]) -> dict[str, Any]:
    filters = selectors.CounterpartyFilters(q=query.q, kind=query.kind, active=query.active)
    items, meta = paginate(
        selectors.counterparty_list(actor=request.user, filters=filters),
        page=query.page,
        page_size=query.page_size,
    )
    return {"meta": meta, "items": items}


@router.get("/counterparties/{counterparty_id}", response={200: CounterpartyOut, **ERRORS})
def get_counterparty(request: HttpRequest, counterparty_id: int) -> Counterparty:
    return selectors.counterparty_get(actor=request.user, counterparty_id=counterparty_id)


@router.post("/counterparties", response={201: CounterpartyOut, **ERRORS})
def create_counterparty(request: HttpRequest, payload: CounterpartyIn) -> Status[Counterparty]:
    require(request.user, "org.manage_counterparties")
    return Status(201, services.counterparty_create(actor=request.user, data=payload.model_dump()))


@router.patch("/counterparties/{counterparty_id}", response={200: CounterpartyOut, **ERRORS})
def update_counterparty(
    request: HttpRequest, counterparty_id: int, payload: CounterpartyPatch
) -> Counterparty:
    require(request.user, "org.manage_counterparties")
    counterparty = selectors.counterparty_get(actor=request.user, counterparty_id=counterparty_id)
    return services.counterparty_update(
        actor=request.user, counterparty=counterparty, data=_patch(payload)
    )

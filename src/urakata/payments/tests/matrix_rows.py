"""Permission-matrix rows for payments: batches, requests, company and payee accounts, parsing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, Endpoint, MatrixWorld, expect
from urakata.payments import batches, settle
from urakata.payments.models import PaymentBatch
from urakata.payments.services import payment_request_add
from urakata.payments.tests.factories import CompanyBankAccountFactory, PayeeBankAccountFactory

READERS = expect(Role.ACCOUNTING, Role.AUDITOR)
ACCOUNTING = expect(Role.ACCOUNTING)
ANYONE = expect(*ALL_ROLES)  # every role (an employee sets their own account)
API = "/api/v1/payments"
DAY = dt.date(2026, 12, 10)
ACCOUNT = {
    "bank_code": "0009",
    "branch_code": "001",
    "account_type": "1",
    "account_number": "1234567",
    "account_holder_kana": "ヤマダ タロウ",
}
COMPANY = {
    **ACCOUNT,
    "label": "三井住友 神保町",
    "consignor_code": "1111111111",
    "consignor_name_kana": "カ)ウラカタ",
}


def _b(template: str) -> Callable[[Any], str]:
    """A URL with {draft}, {approved}, {filed}, {employee} filled from the world."""
    return lambda ctx: template.format(
        draft=ctx["payments_draft"].pk,
        approved=ctx["payments_approved"].pk,
        filed=ctx["payments_filed"].pk,
        employee=ctx["payments_employee"].pk,
    )


def _zengin(ctx: Any) -> dict[str, Any]:
    data = batches_file_bytes(ctx["payments_filed"])
    return {"file": SimpleUploadedFile("zengin.txt", data, "text/plain")}


def batches_file_bytes(batch: PaymentBatch) -> bytes:
    return settle.batch_file_bytes(batch)


def _request(source_id: int, employee_id: int) -> Any:
    return payment_request_add(
        actor=SYSTEM,
        source="payments",
        source_id=source_id,
        payee_employee_id=employee_id,
        amount=10_000 + source_id,
        due_date=DAY,
        description="matrix",
        liability_account_code="3150",
    )


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    CompanyBankAccountFactory(is_default=True)
    employee = world.users["employee"].employee
    PayeeBankAccountFactory(employee=employee)
    requests = [_request(n, employee.pk) for n in range(900_001, 900_004)]
    draft, _s = batches.batch_create(actor=SYSTEM, transfer_date=DAY, request_ids=[requests[0].pk])
    approved, _s = batches.batch_create(
        actor=SYSTEM, transfer_date=DAY, request_ids=[requests[1].pk]
    )
    filed, _s = batches.batch_create(actor=SYSTEM, transfer_date=DAY, request_ids=[requests[2].pk])
    PaymentBatch.objects.filter(pk__in=[approved.pk, filed.pk]).update(status="approved")
    settle.batch_file(actor=SYSTEM, batch_id=filed.pk)
    _request(900_004, employee.pk)  # open: what a new batch gathers
    # Submitting needs an accountant other than the maker to route to (segregation of duties).
    make_user(Role.ACCOUNTING, username="matrix_payments_checker")
    return {
        "payments_draft": draft,
        "payments_approved": approved,
        "payments_filed": filed,
        "payments_employee": employee,
    }


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API: batches
    Endpoint("api-payments-batches", "GET", f"{API}/batches", READERS),
    Endpoint(
        "api-payments-batch-create",
        "POST",
        f"{API}/batches",
        ACCOUNTING,
        payload={"transfer_date": DAY.isoformat()},
    ),
    Endpoint("api-payments-batch", "GET", _b(API + "/batches/{draft}"), READERS),
    Endpoint("api-payments-batch-submit", "POST", _b(API + "/batches/{draft}/submit"), ACCOUNTING),
    Endpoint("api-payments-batch-cancel", "POST", _b(API + "/batches/{draft}/cancel"), ACCOUNTING),
    Endpoint(
        "api-payments-batch-file-create",
        "POST",
        _b(API + "/batches/{approved}/file"),
        ACCOUNTING,
    ),
    Endpoint("api-payments-batch-file", "GET", _b(API + "/batches/{filed}/file"), ACCOUNTING),
    Endpoint(
        "api-payments-batch-paid",
        "POST",
        _b(API + "/batches/{filed}/paid"),
        ACCOUNTING,
        payload={},
    ),
    Endpoint("api-payments-requests", "GET", f"{API}/requests", READERS),
    # ------------------------------------------------------------ API: accounts
    Endpoint("api-payments-company-accounts", "GET", f"{API}/company-accounts", READERS),
    Endpoint(
        "api-payments-company-account-add",
        "POST",
        f"{API}/company-accounts",
        ACCOUNTING,
        payload=COMPANY,
    ),
    Endpoint("api-payments-my-account", "GET", f"{API}/my-account", ANYONE),
    Endpoint("api-payments-my-account-save", "PUT", f"{API}/my-account", ANYONE, payload=ACCOUNT),
    Endpoint(
        "api-payments-employee-account-save",
        "PUT",
        _b(API + "/payee-accounts/employee/{employee}"),
        ACCOUNTING,
        payload=ACCOUNT,
    ),
    Endpoint(
        "api-payments-counterparty-account-save",
        "PUT",
        lambda ctx: f"{API}/payee-accounts/counterparty/{ctx['counterparty'].pk}",
        ACCOUNTING,
        payload=ACCOUNT,
    ),
    Endpoint("api-payments-bank", "GET", f"{API}/banks/0009", ANYONE),
    Endpoint("api-payments-branch", "GET", f"{API}/banks/0009/branches/001", ANYONE),
    Endpoint(
        "api-payments-parse", "POST", f"{API}/parse", READERS, payload=_zengin, multipart=True
    ),
    # ------------------------------------------------------------ pages
    Endpoint("page-payments-batches", "GET", "/payments/batches/", READERS),
    Endpoint(
        "page-payments-batch-create",
        "POST",
        "/payments/batches/",
        ACCOUNTING,
        payload={"transfer_date": DAY.isoformat(), "kind": "transfer"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-payments-batch", "GET", _b("/payments/batches/{draft}/"), READERS),
    Endpoint(
        "page-payments-batch-submit",
        "POST",
        _b("/payments/batches/{draft}/submit/"),
        ACCOUNTING,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint("page-payments-batch-file", "GET", _b("/payments/batches/{filed}/file/"), ACCOUNTING),
    Endpoint("page-payments-requests", "GET", "/payments/requests/", READERS),
    Endpoint("page-payments-company-accounts", "GET", "/payments/company-accounts/", READERS),
    Endpoint(
        "page-payments-company-account-add",
        "POST",
        "/payments/company-accounts/",
        ACCOUNTING,
        payload=COMPANY,
        form=True,
        redirects=True,
    ),
    Endpoint("page-payments-payee-accounts", "GET", "/payments/payee-accounts/", ACCOUNTING),
    Endpoint(
        "page-payments-payee-account-save",
        "POST",
        "/payments/payee-accounts/",
        ACCOUNTING,
        payload=lambda ctx: {**ACCOUNT, "owner": f"employee:{ctx['payments_employee'].pk}"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-payments-my-account", "GET", "/payments/my-account/", ANYONE),
    Endpoint(
        "page-payments-my-account-save",
        "POST",
        "/payments/my-account/",
        ANYONE,
        payload=ACCOUNT,
        form=True,
        redirects=True,
    ),
]

"""Permission-matrix rows for expenses: employees their own claims, managers their people's,
accounting and auditors all. Writes to a claim are the owner's alone (a relation, not a role)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, Endpoint, MatrixWorld, exactly, expect
from urakata.expenses.tests.factories import WEEKDAY, claim_with_line

API = "/api/v1/expenses"
ANYONE = expect(*ALL_ROLES)
OVERSEERS = expect(Role.MANAGER, Role.ACCOUNTING, Role.AUDITOR)  # not the employee: not theirs
OWNER = exactly(Role.EMPLOYEE)
LINE = {
    "kind": "expense",
    "date": WEEKDAY.isoformat(),
    "category": "supplies",
    "payee": "株式会社ミドリ商店",
    "amount": 1_100,
}


def _small_png() -> bytes:
    image = Image.new("L", (200, 60), 255)
    ImageDraw.Draw(image).text((10, 20), "TOTAL 1100", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


PNG = _small_png()


def _upload(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda ctx: {name: SimpleUploadedFile("receipt.png", PNG, "image/png")}


def _own(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(
        claim=ctx["expenses_own"].pk, line=ctx["expenses_own"].lines.first().pk
    )


def _theirs(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(
        claim=ctx["expenses_member"].pk, line=ctx["expenses_member"].lines.first().pk
    )


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    member = make_user(Role.EMPLOYEE, username="matrix_expenses_member")
    member.employee.manager = world.users["manager"].employee
    member.employee.save(update_fields=["manager"])
    return {
        "expenses_own": claim_with_line(world.users["employee"], seed=901),
        "expenses_member": claim_with_line(member, seed=902),
    }


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API
    Endpoint("api-expenses-claims", "GET", f"{API}/claims", ANYONE),
    Endpoint(
        "api-expenses-claim-create", "POST", f"{API}/claims", ANYONE, payload={"title": "出張"}
    ),
    Endpoint("api-expenses-claim", "GET", _theirs(API + "/claims/{claim}"), OVERSEERS),
    Endpoint("api-expenses-claim-delete", "DELETE", _own(API + "/claims/{claim}"), OWNER),
    Endpoint(
        "api-expenses-line-add", "POST", _own(API + "/claims/{claim}/lines"), OWNER, payload=LINE
    ),
    Endpoint(
        "api-expenses-line-update",
        "PUT",
        _own(API + "/claims/{claim}/lines/{line}"),
        OWNER,
        payload=LINE,
    ),
    Endpoint(
        "api-expenses-line-delete", "DELETE", _own(API + "/claims/{claim}/lines/{line}"), OWNER
    ),
    Endpoint(
        "api-expenses-line-receipt",
        "GET",
        _theirs(API + "/claims/{claim}/lines/{line}/receipt"),
        OVERSEERS,
    ),
    Endpoint("api-expenses-claim-check", "GET", _theirs(API + "/claims/{claim}/check"), OVERSEERS),
    Endpoint(
        "api-expenses-claim-submit",
        "POST",
        _own(API + "/claims/{claim}/submit"),
        OWNER,
        payload={"comment": ""},
    ),
    Endpoint(
        "api-expenses-receipt-upload",
        "POST",
        f"{API}/receipts",
        ANYONE,
        payload=_upload("file"),
        multipart=True,
    ),
    Endpoint(
        "api-expenses-ocr",
        "POST",
        f"{API}/ocr/receipt",
        ANYONE,
        payload=_upload("file"),
        multipart=True,
    ),
    Endpoint(
        "api-expenses-commuter-pass",
        "PUT",
        f"{API}/commuter-pass",
        ANYONE,
        payload={
            "stations": "新宿,代々木,原宿",
            "valid_from": "2025-04-01",
            "valid_until": "2025-09-30",
        },
    ),
    # ------------------------------------------------------------ pages
    Endpoint("page-expenses-claims", "GET", "/expenses/", ANYONE),
    Endpoint(
        "page-expenses-claim-new",
        "POST",
        "/expenses/new/",
        ANYONE,
        payload={"title": "出張"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-expenses-claim", "GET", _theirs("/expenses/{claim}/"), OVERSEERS),
    Endpoint(
        "page-expenses-claim-delete",
        "POST",
        _own("/expenses/{claim}/delete/"),
        OWNER,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-expenses-receipt-scan",
        "POST",
        _own("/expenses/{claim}/receipt/"),
        OWNER,
        payload=_upload("receipt"),
        multipart=True,
    ),
    Endpoint(
        "page-expenses-line-add",
        "POST",
        _own("/expenses/{claim}/lines/"),
        OWNER,
        payload=LINE,
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-expenses-line-delete",
        "POST",
        _own("/expenses/{claim}/lines/{line}/delete/"),
        OWNER,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-expenses-receipt-file",
        "GET",
        _theirs("/expenses/{claim}/lines/{line}/receipt/"),
        OVERSEERS,
    ),
    Endpoint(
        "page-expenses-claim-submit",
        "POST",
        _own("/expenses/{claim}/submit/"),
        OWNER,
        payload={"comment": ""},
        form=True,
        redirects=True,
    ),
]

"""Permission-matrix rows for documents: search, filing, versions, keys, hold, disposal, exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import (
    ALL_ROLES,
    NO_ROLE,
    SUBJECTS,
    Endpoint,
    MatrixWorld,
    exactly,
    expect,
)
from urakata.documents import contracts
from urakata.documents.contract_models import Contract
from urakata.documents.tests.factories import file_document, pdf_bytes
from urakata.org.tests.factories import CounterpartyFactory

API = "/api/v1/documents"
EVERYONE = expect(*ALL_ROLES)
WRITERS = expect(*(r for r in Role if r not in (Role.AUDITOR, Role.AI_OPERATOR)))
# A document without a department, filed by the system: seen through `documents.view_all`.
READERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS, Role.AUDITOR, Role.EXECUTIVE)
MANAGERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS)  # documents.manage (and may edit)
EXPORTERS = expect(Role.ACCOUNTING, Role.AUDITOR)
PDF = pdf_bytes("matrix")
CONTRACT_READERS = expect(Role.GENERAL_AFFAIRS, Role.ACCOUNTING, Role.EXECUTIVE, Role.AUDITOR)
CONTRACT_DATA = {
    "title": "保守業務委託契約書",
    "amount": "300000",
    "start_date": "2026-04-01",
    "end_date": "2027-03-31",
    "body": "第1条 保守",
    "signer_name": "山田 花子",
    "signer_email": "hanako@example.jp",
}


def _u(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(
        doc=ctx["document"].pk,
        old=ctx["old_document"].pk,
        draft=ctx["draft"].pk,
        approved=ctx["approved"].pk,
        token=ctx["token"],
    )


def _file(ctx: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("new.pdf", PDF, "application/pdf"), "reason": "差替え"}


def _new(ctx: Any) -> dict[str, Any]:
    return {
        "file": SimpleUploadedFile("quote.pdf", PDF, "application/pdf"),
        "title": "見積書",
        "doc_type": "quotation",
        "transaction_date": "2026-05-01",
        "amount": "5000",
    }


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    document = file_document(actor=SYSTEM, title="matrix", content=PDF)
    old = file_document(actor=SYSTEM, title="old", day=dt.date(2010, 5, 1), content=PDF)
    make_user(Role.GENERAL_AFFAIRS, username="matrix_second_general_affairs")  # approves 稟議
    party = CounterpartyFactory()
    data = {
        **CONTRACT_DATA,
        "counterparty_id": party.pk,
        "amount": 300000,
        "start_date": dt.date(2026, 4, 1),
        "end_date": dt.date(2027, 3, 31),
    }
    draft = contracts.contract_create(actor=SYSTEM, data=data)
    approved = contracts.contract_create(actor=SYSTEM, data=data)
    Contract.objects.filter(pk=approved.pk).update(status=Contract.Status.APPROVED)
    awaiting = contracts.contract_create(actor=SYSTEM, data=data)
    Contract.objects.filter(pk=awaiting.pk).update(status=Contract.Status.AWAITING)
    token, code = contracts.link_issue(actor=SYSTEM, contract=awaiting)
    return {
        "document": document,
        "old_document": old,
        "draft": draft,
        "approved": approved,
        "token": token,
        "code": code,
        "counterparty": party,
    }


def _contract_form(ctx: Any) -> dict[str, Any]:
    return {**CONTRACT_DATA, "counterparty_id": str(ctx["counterparty"].pk)}


def _signed_pdf(ctx: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("contract.pdf", PDF, "application/pdf")}


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API
    Endpoint("api-documents-search", "GET", API, EVERYONE, payload={"q": "見積"}),
    Endpoint("api-documents-create", "POST", API, WRITERS, payload=_new, multipart=True),
    Endpoint("api-documents-folders", "GET", f"{API}/folders", EVERYONE),
    Endpoint("api-documents-index-csv", "GET", f"{API}/index.csv", EVERYONE),
    Endpoint("api-documents-export-zip", "GET", f"{API}/export.zip", EXPORTERS),
    Endpoint("api-documents-detail", "GET", _u(API + "/{doc}"), READERS),
    Endpoint(
        "api-documents-update",
        "PATCH",
        _u(API + "/{doc}"),
        MANAGERS,
        payload={"amount": 5500, "reason": "誤記訂正"},
    ),
    Endpoint(
        "api-documents-version-add",
        "POST",
        _u(API + "/{doc}/versions"),
        MANAGERS,
        payload=_file,
        multipart=True,
    ),
    Endpoint("api-documents-version-file", "GET", _u(API + "/{doc}/versions/1/file"), READERS),
    Endpoint(
        "api-documents-hold",
        "POST",
        _u(API + "/{doc}/hold"),
        MANAGERS,
        payload={"hold": True, "reason": "訴訟"},
    ),
    Endpoint(
        "api-documents-dispose",
        "POST",
        _u(API + "/{old}/dispose"),
        MANAGERS,
        payload={"reason": "保存期限経過"},
    ),
    # ------------------------------------------------------------ pages
    Endpoint("page-documents", "GET", "/documents/", EVERYONE),
    Endpoint("page-documents-new", "GET", "/documents/new/", WRITERS),
    Endpoint(
        "page-documents-new-post",
        "POST",
        "/documents/new/",
        WRITERS,
        payload=_new,
        multipart=True,
        redirects=True,
    ),
    Endpoint("page-documents-export", "GET", "/documents/export/", EXPORTERS),
    Endpoint("page-documents-regulation", "GET", "/documents/regulation/", MANAGERS),
    Endpoint("page-document", "GET", _u("/documents/{doc}/"), READERS),
    Endpoint(
        "page-document-version-add",
        "POST",
        _u("/documents/{doc}/versions/"),
        MANAGERS,
        payload=_file,
        multipart=True,
        redirects=True,
    ),
    Endpoint("page-document-version", "GET", _u("/documents/{doc}/versions/1/"), READERS),
    Endpoint(
        "page-document-edit",
        "POST",
        _u("/documents/{doc}/edit/"),
        MANAGERS,
        payload={"title": "matrix", "doc_type": "quotation", "amount": "7000", "reason": "訂正"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-document-hold",
        "POST",
        _u("/documents/{doc}/hold/"),
        MANAGERS,
        payload={"hold": "1", "reason": "訴訟"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-document-dispose",
        "POST",
        _u("/documents/{old}/dispose/"),
        MANAGERS,
        payload={"reason": "保存期限経過"},
        form=True,
        redirects=True,
    ),
    # ------------------------------------------------------------ e-contracts
    Endpoint("page-contracts", "GET", "/documents/contracts/", CONTRACT_READERS),
    Endpoint("page-contracts-csv", "GET", "/documents/contracts/?format=csv", CONTRACT_READERS),
    Endpoint(
        "page-contracts-new", "GET", "/documents/contracts/new/", expect(Role.GENERAL_AFFAIRS)
    ),
    Endpoint(
        "page-contracts-new-post",
        "POST",
        "/documents/contracts/new/",
        expect(Role.GENERAL_AFFAIRS),
        payload=_contract_form,
        form=True,
        redirects=True,
    ),
    Endpoint("page-contract", "GET", _u("/documents/contracts/{draft}/"), CONTRACT_READERS),
    Endpoint(
        "page-contract-submit",
        "POST",
        _u("/documents/contracts/{draft}/submit/"),
        expect(Role.GENERAL_AFFAIRS),
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-contract-sign",
        "POST",
        _u("/documents/contracts/{approved}/sign/"),
        expect(Role.EXECUTIVE),
        form=True,
        redirects=True,
    ),
    Endpoint("page-contracts-verify", "GET", "/documents/contracts/verify/", expect(NO_ROLE)),
    Endpoint(
        "page-contracts-verify-post",
        "POST",
        "/documents/contracts/verify/",
        expect(NO_ROLE),
        payload=_signed_pdf,
        multipart=True,
    ),
    # The counterparty's page: public, the one-time token is the credential.
    Endpoint("page-sign", "GET", _u("/documents/sign/{token}/"), exactly(*SUBJECTS)),
    Endpoint("page-sign-pdf", "GET", _u("/documents/sign/{token}/pdf/"), exactly(*SUBJECTS)),
    # ------------------------------------------------------------ API: e-contracts
    Endpoint("api-contracts", "GET", f"{API}/contracts", CONTRACT_READERS),
    Endpoint("api-contracts-totals", "GET", f"{API}/contracts/totals", CONTRACT_READERS),
    Endpoint(
        "api-contracts-register-csv", "GET", f"{API}/contracts/register.csv", CONTRACT_READERS
    ),
    Endpoint(
        "api-contracts-create",
        "POST",
        f"{API}/contracts",
        expect(Role.GENERAL_AFFAIRS),
        payload=lambda ctx: {
            **CONTRACT_DATA,
            "amount": 300000,
            "counterparty_id": ctx["counterparty"].pk,
        },
    ),
    Endpoint("api-contract", "GET", _u(API + "/contracts/{draft}"), CONTRACT_READERS),
    Endpoint(
        "api-contract-submit",
        "POST",
        _u(API + "/contracts/{draft}/submit"),
        expect(Role.GENERAL_AFFAIRS),
    ),
    Endpoint(
        "api-contract-sign", "POST", _u(API + "/contracts/{approved}/sign"), expect(Role.EXECUTIVE)
    ),
    # Public: the one-time token and the e-mailed code are the credentials.
    Endpoint(
        "api-contracts-counterparty-sign",
        "POST",
        f"{API}/contracts/counterparty-sign",
        exactly(*SUBJECTS),
        payload=lambda ctx: {"token": ctx["token"], "code": ctx["code"]},
    ),
    Endpoint(
        "api-contracts-verify",
        "POST",
        f"{API}/contracts/verify",
        expect(NO_ROLE),
        payload=_signed_pdf,
        multipart=True,
    ),
]

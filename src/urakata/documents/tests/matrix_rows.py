"""Permission-matrix rows for documents: search, filing, versions, keys, hold, disposal, exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, Endpoint, MatrixWorld, expect
from urakata.documents.tests.factories import file_document, pdf_bytes

API = "/api/v1/documents"
EVERYONE = expect(*ALL_ROLES)
WRITERS = expect(*(r for r in Role if r not in (Role.AUDITOR, Role.AI_OPERATOR)))
# A document without a department, filed by the system: seen through `documents.view_all`.
READERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS, Role.AUDITOR, Role.EXECUTIVE)
MANAGERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS)  # documents.manage (and may edit)
EXPORTERS = expect(Role.ACCOUNTING, Role.AUDITOR)
PDF = pdf_bytes("matrix")


def _u(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(doc=ctx["document"].pk, old=ctx["old_document"].pk)


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
    return {"document": document, "old_document": old}


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API
    Endpoint("api-documents-search", "GET", API, EVERYONE, payload={"q": "見積"}),
    Endpoint("api-documents-create", "POST", API, WRITERS, payload=_new, multipart=True),
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
]

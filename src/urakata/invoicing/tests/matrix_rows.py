"""Permission-matrix rows for invoicing: invoices, documents, payments, matching, received."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import Endpoint, MatrixWorld, expect
from urakata.invoicing import received
from urakata.invoicing.models import RecurringInvoice
from urakata.invoicing.tests.factories import LINES, company, customer, draft, issued
from urakata.ledger import bank_import
from urakata.ledger.models import BankTransaction

READERS = expect(Role.ACCOUNTING, Role.AUDITOR, Role.EXECUTIVE)
MANAGERS = expect(Role.ACCOUNTING)
APPROVERS = expect(Role.ACCOUNTING, Role.EXECUTIVE)
API = "/api/v1/invoicing"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXAMPLE = (Path(__file__).parent / "pint_examples" / "Example1-minimum.xml").read_bytes()
DEPOSIT = "日付,摘要,入金,出金,残高\n2026/06/01,ﾌﾘｺﾐ ｶ)ﾏﾄﾘｸｽｼｮｳｼﾞ,6838,,1006838\n"
INVOICE_IN = {
    "counterparty_id": None,
    "recipient_name": "株式会社検証",
    "issue_date": "2026-05-15",
    "lines": [
        {"description": "検証作業", "quantity": "2", "unit_price": 5000, "tax_category": "S"}
    ],
}


def _u(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(
        draft=ctx["invoice_draft"].pk,
        issued=ctx["invoice_issued"].pk,
        received=ctx["invoice_received"].pk,
        recurring=ctx["invoice_recurring"].pk,
    )


def _xml(ctx: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("invoice.xml", EXAMPLE, "application/xml")}


def _confirm(ctx: Any) -> dict[str, Any]:
    return {
        "matches": [
            {
                "bank_transaction_id": ctx["invoice_deposit"].pk,
                "allocations": [{"invoice_id": ctx["invoice_issued"].pk, "amount": 6838}],
            }
        ]
    }


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    own = company()
    if own.registration_number != "T7123456789012":
        own.registration_number = "T7123456789012"
        own.save(update_fields=["registration_number"])
    cp = customer(name="株式会社マトリクス商事", name_kana="マトリクスシヨウジ")
    bank_import.bank_feed_create(actor=SYSTEM, name="入金検証口座", account_code="1140")
    bank_import.statement_import(
        actor=SYSTEM, feed_name="入金検証口座", preset="generic", data=DEPOSIT.encode("utf-8")
    )
    deposit = BankTransaction.objects.filter(amount=6838).order_by("pk").last()
    item = received.received_create(
        actor=SYSTEM,
        data={
            "issuer_name": "有限会社仕入先",
            "issue_date": __import__("datetime").date(2026, 5, 10),
            "taxable_10": 10000,
            "tax_10": 1000,
        },
    )
    return {
        "invoice_draft": draft(cp=cp, lines=LINES),
        "invoice_issued": issued(cp=cp),
        "invoice_received": item,
        "invoice_deposit": deposit,
        "invoice_recurring": RecurringInvoice.objects.create(
            counterparty=cp, lines=LINES[:1], next_date=__import__("datetime").date(2026, 6, 1)
        ),
    }


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API: invoices
    Endpoint("api-invoicing-invoices", "GET", f"{API}/invoices", READERS),
    Endpoint(
        "api-invoicing-invoice-create", "POST", f"{API}/invoices", MANAGERS, payload=INVOICE_IN
    ),
    Endpoint("api-invoicing-invoice", "GET", _u(API + "/invoices/{issued}"), READERS),
    Endpoint(
        "api-invoicing-invoice-update",
        "PUT",
        _u(API + "/invoices/{draft}"),
        MANAGERS,
        payload=INVOICE_IN,
    ),
    Endpoint("api-invoicing-invoice-issue", "POST", _u(API + "/invoices/{draft}/issue"), MANAGERS),
    Endpoint(
        "api-invoicing-invoice-send",
        "POST",
        _u(API + "/invoices/{issued}/send"),
        MANAGERS,
        payload={"to": "billing@example.com"},
    ),
    Endpoint(
        "api-invoicing-credit-note",
        "POST",
        _u(API + "/invoices/{issued}/credit-notes"),
        MANAGERS,
        payload={"issue_date": "2026-05-20", "lines": [{"description": "値引", "unit_price": 100}]},
    ),
    Endpoint(
        "api-invoicing-payment",
        "POST",
        _u(API + "/invoices/{issued}/payments"),
        MANAGERS,
        payload={"date": "2026-06-01", "amount": 1000},
    ),
    Endpoint("api-invoicing-pdf", "GET", _u(API + "/invoices/{issued}/pdf"), READERS),
    Endpoint("api-invoicing-pint", "GET", _u(API + "/invoices/{issued}/pint"), READERS),
    Endpoint("api-invoicing-aging", "GET", f"{API}/aging", READERS),
    Endpoint("api-invoicing-matches", "GET", f"{API}/matches", MANAGERS),
    Endpoint(
        "api-invoicing-matches-confirm",
        "POST",
        f"{API}/matches/confirm",
        MANAGERS,
        payload=_confirm,
    ),
    Endpoint(
        "api-invoicing-pint-validate",
        "POST",
        f"{API}/pint/validate",
        READERS,
        payload=_xml,
        multipart=True,
    ),
    Endpoint("api-invoicing-recurring", "GET", f"{API}/recurring", READERS),
    Endpoint(
        "api-invoicing-recurring-create",
        "POST",
        f"{API}/recurring",
        MANAGERS,
        payload=lambda ctx: {
            "counterparty_id": ctx["invoice_issued"].counterparty_id,
            "next_date": "2026-06-25",
            "lines": [{"description": "保守 月額", "unit_price": 50000}],
        },
    ),
    Endpoint(
        "api-invoicing-recurring-run", "POST", f"{API}/recurring/run?today=2026-06-01", MANAGERS
    ),
    # ------------------------------------------------------------ API: received invoices
    Endpoint("api-invoicing-received", "GET", f"{API}/received", READERS),
    Endpoint("api-invoicing-registry", "GET", f"{API}/registry/T7123456789012", READERS),
    Endpoint(
        "api-invoicing-received-create",
        "POST",
        f"{API}/received",
        MANAGERS,
        payload={
            "issuer_name": "検証商店",
            "issue_date": "2026-05-01",
            "taxable_10": 1000,
            "tax_10": 100,
        },
    ),
    Endpoint(
        "api-invoicing-received-pint",
        "POST",
        f"{API}/received/pint",
        MANAGERS,
        payload=_xml,
        multipart=True,
    ),
    Endpoint("api-invoicing-received-detail", "GET", _u(API + "/received/{received}"), READERS),
    Endpoint(
        "api-invoicing-received-approve",
        "POST",
        _u(API + "/received/{received}/approve"),
        APPROVERS,
    ),
    Endpoint(
        "api-invoicing-received-submit",
        "POST",
        _u(API + "/received/{received}/submit"),
        MANAGERS,
    ),
    Endpoint(
        "api-invoicing-received-reject",
        "POST",
        _u(API + "/received/{received}/reject"),
        APPROVERS,
        payload={"reason": "金額相違"},
    ),
    # ------------------------------------------------------------ pages
    Endpoint("page-invoicing-invoices", "GET", "/invoicing/invoices/", READERS),
    Endpoint("page-invoicing-invoice-new", "GET", "/invoicing/invoices/new/", MANAGERS),
    Endpoint(
        "page-invoicing-invoice-new-post",
        "POST",
        "/invoicing/invoices/new/",
        MANAGERS,
        payload={
            "kind": "invoice",
            "recipient_name": "株式会社検証",
            "issue_date": "2026-05-15",
            "rounding": "floor",
            "description_0": "検証",
            "quantity_0": "1",
            "unit_price_0": "1000",
            "tax_category_0": "S",
        },
        form=True,
        redirects=True,
    ),
    Endpoint("page-invoicing-invoice", "GET", _u("/invoicing/invoices/{issued}/"), READERS),
    Endpoint(
        "page-invoicing-issue",
        "POST",
        _u("/invoicing/invoices/{draft}/issue/"),
        MANAGERS,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-invoicing-send",
        "POST",
        _u("/invoicing/invoices/{issued}/send/"),
        MANAGERS,
        payload={"to": "billing@example.com"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-invoicing-credit-note",
        "POST",
        _u("/invoicing/invoices/{issued}/credit-note/"),
        MANAGERS,
        payload={"description": "値引", "amount": "100", "tax_category": "S"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-invoicing-pdf", "GET", _u("/invoicing/invoices/{issued}/pdf/"), READERS),
    Endpoint("page-invoicing-pint", "GET", _u("/invoicing/invoices/{issued}/pint/"), READERS),
    Endpoint("page-invoicing-aging", "GET", "/invoicing/aging/", READERS),
    Endpoint("page-invoicing-matching", "GET", "/invoicing/matching/", MANAGERS),
    Endpoint(
        "page-invoicing-matching-confirm",
        "POST",
        "/invoicing/matching/",
        MANAGERS,
        payload=lambda ctx: {"tx": str(ctx["invoice_deposit"].pk)},
        form=True,
        redirects=True,
    ),
    Endpoint("page-invoicing-received", "GET", "/invoicing/received/", READERS),
    Endpoint("page-invoicing-recurring", "GET", "/invoicing/recurring/", READERS),
    Endpoint(
        "page-invoicing-recurring-detail", "GET", _u("/invoicing/recurring/{recurring}/"), READERS
    ),
    Endpoint(
        "page-invoicing-recurring-toggle",
        "POST",
        _u("/invoicing/recurring/{recurring}/toggle/"),
        MANAGERS,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-invoicing-received-import",
        "POST",
        "/invoicing/received/",
        MANAGERS,
        payload=_xml,
        multipart=True,
        redirects=True,
    ),
    Endpoint(
        "page-invoicing-received-new",
        "POST",
        "/invoicing/received/new/",
        MANAGERS,
        payload=lambda ctx: {
            "issuer_name": "検証商店",
            "issue_date": "2026-05-01",
            "taxable_10": "1000",
            "tax_10": "100",
            "file": SimpleUploadedFile("invoice.pdf", PDF, "application/pdf"),
        },
        multipart=True,
        redirects=True,
    ),
    Endpoint(
        "page-invoicing-received-read",
        "POST",
        "/invoicing/received/read/",
        MANAGERS,
        payload=lambda ctx: {"file": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")},
        multipart=True,
    ),
    Endpoint(
        "page-invoicing-received-submit",
        "POST",
        _u("/invoicing/received/{received}/submit/"),
        MANAGERS,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-invoicing-received-approve",
        "POST",
        _u("/invoicing/received/{received}/approve/"),
        APPROVERS,
        payload={},
        form=True,
        redirects=True,
    ),
]

"""Permission-matrix rows for the ledger: journal, evidence, periods, reports, chart, bank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import Endpoint, MatrixWorld, expect
from urakata.ledger import accounts, bank_import, closing, services
from urakata.ledger.cache import chart_cache_clear
from urakata.ledger.chart import chart_ensure_seeded
from urakata.ledger.models import Account, BankTransaction
from urakata.ledger.tests.factories import post_simple

READERS = expect(Role.ACCOUNTING, Role.AUDITOR)
POSTERS = expect(Role.ACCOUNTING)
REPORT_READERS = expect(Role.ACCOUNTING, Role.AUDITOR, Role.EXECUTIVE)
API = "/api/v1/ledger"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATEMENT = "日付,摘要,入金,出金,残高\n2025/05/01,デンキダイ トウキョウデンリョク,,12100,987900\n"
LINES = [
    {"account": "7290", "debit": 1200, "tax_code": ""},
    {"account": "1140", "credit": 1200},
]


def _u(template: str) -> Callable[[Any], str]:
    """A URL with {entry}, {account}, {sub}, {attachment} filled from the world."""
    return lambda ctx: template.format(
        entry=ctx["entry"].pk,
        account=ctx["account"].pk,
        sub=ctx["sub_account"].pk,
        attachment=ctx["ledger_attachment"].pk,
    )


def _pdf(ctx: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("receipt.pdf", PDF, "application/pdf")}


def _statement(ctx: Any) -> dict[str, Any]:
    data = STATEMENT.encode("utf-8")
    return {"file": SimpleUploadedFile("bank.csv", data, "text/csv"), "feed": "普通預金"}


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    chart_ensure_seeded()
    chart_cache_clear()
    entry = post_simple(actor=SYSTEM)
    attachment = services.attachment_add(
        actor=SYSTEM, entry=entry, filename="receipt.pdf", content=PDF
    )
    account = Account.objects.get(code="7290")
    sub = accounts.sub_account_create(actor=SYSTEM, account=account, code="M1", name="検証")
    bank_import.bank_feed_create(actor=SYSTEM, name="普通預金", account_code="1140")
    bank_import.statement_import(
        actor=SYSTEM, feed_name="普通預金", preset="generic", data=STATEMENT.encode("utf-8")
    )
    services.period_close(actor=SYSTEM, period="2025-04")
    closing.fiscal_year_close(actor=SYSTEM, fiscal_year=2023)  # a closed year to reopen
    # Reopening needs a second accountant to approve (segregation of duties).
    make_user(Role.ACCOUNTING, username="matrix_second_accountant")
    chart_cache_clear()
    return {
        "entry": entry,
        "ledger_attachment": attachment,
        "account": account,
        "sub_account": sub,
        "bank_transaction": BankTransaction.objects.order_by("pk").last(),
    }


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API: chart and settings
    Endpoint("api-ledger-accounts", "GET", f"{API}/accounts", READERS),
    Endpoint(
        "api-ledger-account-create",
        "POST",
        f"{API}/accounts",
        expect(Role.ACCOUNTING),
        payload={"code": "7490", "name": "業務委託費", "category": "expense", "section": "sga"},
    ),
    Endpoint(
        "api-ledger-account-patch",
        "PATCH",
        _u(API + "/accounts/{account}"),
        expect(Role.ACCOUNTING),
        payload={"name": "雑費(検証)"},
    ),
    Endpoint(
        "api-ledger-sub-account-create",
        "POST",
        _u(API + "/accounts/{account}/sub-accounts"),
        expect(Role.ACCOUNTING),
        payload={"code": "M2", "name": "検証2"},
    ),
    Endpoint(
        "api-ledger-sub-account-patch",
        "PATCH",
        _u(API + "/accounts/{account}/sub-accounts/{sub}"),
        expect(Role.ACCOUNTING),
        payload={"name": "検証(改)"},
    ),
    Endpoint("api-ledger-tax-codes", "GET", f"{API}/tax-codes", READERS),
    Endpoint("api-ledger-settings", "GET", f"{API}/settings", READERS),
    Endpoint(
        "api-ledger-settings-patch",
        "PATCH",
        f"{API}/settings",
        expect(Role.ACCOUNTING),
        payload={"rounding": "half_up"},
    ),
    # ------------------------------------------------------------ API: journal
    Endpoint("api-ledger-entries", "GET", f"{API}/entries", READERS),
    Endpoint(
        "api-ledger-entry-post",
        "POST",
        f"{API}/entries",
        POSTERS,
        payload={
            "date": "2025-05-20",
            "description": "権限検証",
            "lines": LINES,
            "tax_entry": "none",
        },
    ),
    Endpoint("api-ledger-entry", "GET", _u(API + "/entries/{entry}"), READERS),
    Endpoint("api-ledger-entry-history", "GET", _u(API + "/entries/{entry}/history"), READERS),
    Endpoint(
        "api-ledger-entry-correct",
        "POST",
        _u(API + "/entries/{entry}/correct"),
        POSTERS,
        payload={"reason": "二重計上"},
    ),
    Endpoint(
        "api-ledger-entry-attach",
        "POST",
        _u(API + "/entries/{entry}/attachments"),
        POSTERS,
        payload=_pdf,
        multipart=True,
    ),
    Endpoint("api-ledger-periods", "GET", f"{API}/periods", READERS, payload={"fiscal_year": 2025}),
    Endpoint("api-ledger-period-close", "POST", f"{API}/periods/2025-06/close", POSTERS),
    Endpoint(
        "api-ledger-period-reopen",
        "POST",
        f"{API}/periods/2025-04/reopen",
        POSTERS,
        payload={"reason": "訂正"},
    ),
    Endpoint("api-ledger-fiscal-year-close", "POST", f"{API}/fiscal-years/2024/close", POSTERS),
    Endpoint(
        "api-ledger-fiscal-year-reopen",
        "POST",
        f"{API}/fiscal-years/2023/reopen",
        POSTERS,
        payload={"reason": "税務調査の修正"},
    ),
    Endpoint(
        "api-ledger-report-tax-return",
        "GET",
        f"{API}/reports/tax-return",
        REPORT_READERS,
        payload={"from": "2025-04", "to": "2025-06"},
    ),
    # ------------------------------------------------------------ API: reports
    *[
        Endpoint(
            f"api-ledger-report-{name}",
            "GET",
            f"{API}/reports/{name}",
            REPORT_READERS,
            payload=query,
        )
        for name, query in (
            ("trial-balance", {"from": "2025-04", "to": "2025-06"}),
            ("trial-balance-by-department", {"from": "2025-04", "to": "2025-06"}),
            ("profit-and-loss", {"from": "2025-04", "to": "2025-06"}),
            ("balance-sheet", {"as_of": "2025-06"}),
            ("general-ledger", {"account": "7290", "from": "2025-04", "to": "2025-06"}),
            ("tax-summary", {"from": "2025-04", "to": "2025-06"}),
            ("equity-statement", {"fy": 2025}),
        )
    ],
    # ------------------------------------------------------------ API: bank
    Endpoint(
        "api-ledger-bank-import",
        "POST",
        f"{API}/bank/import",
        POSTERS,
        payload=_statement,
        multipart=True,
    ),
    Endpoint("api-ledger-bank-transactions", "GET", f"{API}/bank/transactions", READERS),
    Endpoint("api-ledger-bank-suggest", "POST", f"{API}/bank/suggest", POSTERS),
    Endpoint(
        "api-ledger-bank-confirm",
        "POST",
        f"{API}/bank/confirm",
        POSTERS,
        payload=lambda ctx: {"ids": [ctx["bank_transaction"].pk], "account": "7290"},
    ),
    Endpoint("api-ledger-bank-rules", "GET", f"{API}/bank/rules", POSTERS),
    Endpoint(
        "api-ledger-bank-rule-create",
        "POST",
        f"{API}/bank/rules",
        POSTERS,
        payload={"name": "電気代", "pattern": "デンキダイ", "account": "7290"},
    ),
    Endpoint("api-ledger-bank-accuracy", "GET", f"{API}/bank/accuracy", READERS),
    # ------------------------------------------------------------ pages
    Endpoint("page-ledger-entries", "GET", "/ledger/entries/", READERS),
    Endpoint("page-ledger-entry-new", "GET", "/ledger/entries/new/", POSTERS),
    Endpoint("page-ledger-entry", "GET", _u("/ledger/entries/{entry}/"), READERS),
    Endpoint(
        "page-ledger-entry-cancel",
        "POST",
        _u("/ledger/entries/{entry}/cancel/"),
        POSTERS,
        payload={"reason": "二重計上"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-ledger-attachment-add",
        "POST",
        _u("/ledger/entries/{entry}/attachments/"),
        POSTERS,
        payload=_pdf,
        multipart=True,
        redirects=True,
    ),
    Endpoint("page-ledger-attachment", "GET", _u("/ledger/attachments/{attachment}/"), READERS),
    *[
        Endpoint(f"page-ledger-{name}", "GET", f"/ledger/reports/{name}/", REPORT_READERS)
        for name in (
            "trial-balance",
            "trial-balance-by-department",
            "profit-and-loss",
            "balance-sheet",
            "general-ledger",
            "tax-summary",
            "equity-statement",
        )
    ],
    Endpoint("page-ledger-periods", "GET", "/ledger/periods/", READERS),
    Endpoint(
        "page-ledger-fiscal-year-toggle",
        "POST",
        "/ledger/fiscal-years/2024/toggle/",
        POSTERS,
        payload={"action": "close"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-ledger-tax-return", "GET", "/ledger/reports/tax-return/", REPORT_READERS),
    Endpoint(
        "page-ledger-monthly-trend",
        "GET",
        "/ledger/reports/monthly-trend/",
        REPORT_READERS,
        payload={"fy": "2025"},
    ),
    Endpoint(
        "page-ledger-sub-account-balances",
        "GET",
        "/ledger/reports/sub-account-balances/",
        REPORT_READERS,
        payload={"account": "7290", "from": "2025-04", "to": "2025-06"},
    ),
    Endpoint(
        "page-ledger-period-toggle",
        "POST",
        "/ledger/periods/202506/toggle/",
        POSTERS,
        payload={"action": "close"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-ledger-bank", "GET", "/ledger/bank/", POSTERS),
    Endpoint("page-ledger-chart", "GET", "/ledger/accounts/", REPORT_READERS),
    Endpoint("page-ledger-account-new", "GET", "/ledger/accounts/new/", POSTERS),
    Endpoint("page-ledger-account", "GET", _u("/ledger/accounts/{account}/"), REPORT_READERS),
    Endpoint("page-ledger-account-edit", "GET", _u("/ledger/accounts/{account}/edit/"), POSTERS),
    Endpoint(
        "page-ledger-sub-account-new",
        "POST",
        _u("/ledger/accounts/{account}/sub-accounts/"),
        POSTERS,
        payload={"code": "M3", "name": "検証3"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-ledger-sub-account-edit",
        "GET",
        _u("/ledger/accounts/{account}/sub-accounts/{sub}/"),
        POSTERS,
    ),
    Endpoint(
        "page-ledger-sub-account-toggle",
        "POST",
        _u("/ledger/accounts/{account}/sub-accounts/{sub}/toggle/"),
        POSTERS,
        form=True,
        redirects=True,
    ),
]

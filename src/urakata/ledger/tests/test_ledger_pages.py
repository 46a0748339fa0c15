"""Ledger pages: render for the right roles, exports, the entry form and the close page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.ledger.models import JournalEntry, Period, ReopenRequest
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db

PAGES = [
    "/ledger/entries/",
    "/ledger/reports/trial-balance/?from=2025-04&to=2025-06",
    "/ledger/reports/profit-and-loss/?from=2025-04&to=2025-06",
    "/ledger/reports/balance-sheet/?as_of=2025-06",
    "/ledger/reports/general-ledger/?account=1140&from=2025-04&to=2025-06",
    "/ledger/reports/tax-summary/?from=2025-04&to=2025-06",
    "/ledger/periods/?fy=2025",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_for_accounting_and_not_for_employees(client_for: Any, url: str) -> None:
    post_simple()
    assert client_for(Role.ACCOUNTING).get(url).status_code == 200
    assert client_for(Role.EMPLOYEE).get(url).status_code == 403


def test_executive_sees_reports_but_not_the_journal(client_for: Any) -> None:
    client = client_for(Role.EXECUTIVE)
    assert client.get(PAGES[1]).status_code == 200
    assert client.get("/ledger/entries/").status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("url", PAGES[1:5])
def test_report_exports(client_for: Any, url: str, fmt: str) -> None:
    post_simple()
    response = client_for(Role.ACCOUNTING).get(f"{url}&format={fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        assert response.content.startswith("\ufeff".encode())
    else:
        assert response.content[:2] == b"PK"


def test_entry_form_posts_and_shows_errors(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    data = {
        "date": "2025-05-01",
        "description": "文房具",
        "tax_entry": "inclusive",
        "account_0": "7310",
        "debit_0": "1100",
        "tax_code_0": "P10",
        "account_1": "1110",
        "credit_1": "1100",
    }
    response = client.post("/ledger/entries/new/", data)
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert entry.lines.count() == 3
    bad = client.post("/ledger/entries/new/", {**data, "credit_1": "1000"})
    assert bad.status_code == 422 and "一致しません" in bad.content.decode()
    detail = client.get(f"/ledger/entries/{entry.pk}/")
    assert "訂正削除履歴" in detail.content.decode()


def test_correction_via_pages_shows_history(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    entry = post_simple()
    response = client.post(
        "/ledger/entries/new/",
        {
            "corrects": entry.pk,
            "reason": "科目誤り",
            "date": "2025-05-10",
            "description": "訂正後",
            "account_0": "7310",
            "debit_0": "1000",
            "account_1": "1140",
            "credit_1": "1000",
            "tax_entry": "none",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/ledger/entries/{entry.pk}/").content.decode()
    assert "科目誤り" in page and "取消" in page and "訂正後" in page


def test_period_close_page(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    assert client.post("/ledger/periods/202505/toggle/", {"action": "close"}).status_code == 302
    assert Period.objects.get(period=202505).is_closed
    client_for(Role.ACCOUNTING)  # the colleague who approves
    client.post("/ledger/periods/202505/toggle/", {"action": "reopen", "reason": "誤り"})
    assert Period.objects.get(period=202505).is_closed  # requested, not yet approved
    assert ReopenRequest.objects.get(period=202505).status == "pending"
    auditor = client_for(Role.AUDITOR)
    assert auditor.post("/ledger/periods/202505/toggle/", {"action": "close"}).status_code == 403


def test_entry_list_page_query_count_is_constant(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/ledger/entries/").status_code == 200
        return len(ctx.captured_queries)

    post_simple()
    few = count()
    for day in range(20):
        post_simple(day=dt.date(2025, 5, 1 + day))
    assert count() == few


def test_evidence_upload_and_download(client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from urakata.core.models import AuditEvent

    client = client_for(Role.ACCOUNTING)
    entry = post_simple()
    from urakata.core.tests.samples import pdf_bytes, png_bytes

    upload = SimpleUploadedFile("領収書.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(f"/ledger/entries/{entry.pk}/attachments/", {"file": upload})
    assert response.status_code == 302
    attachment = entry.attachments.get()
    assert attachment.filename == "領収書.pdf" and len(attachment.sha256) == 64
    assert AuditEvent.objects.filter(action="ledger.attachment.add").exists()
    page = client.get(f"/ledger/entries/{entry.pk}/").content.decode()
    assert "領収書.pdf" in page
    download = client.get(f"/ledger/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client_for(Role.EMPLOYEE).get(f"/ledger/attachments/{attachment.pk}/").status_code == 403
    api = client.post(
        f"/api/v1/ledger/entries/{entry.pk}/attachments",
        {"file": SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")},
    )
    assert api.status_code == 201 and api.json()["size"] == len(png_bytes())


def test_journal_search_by_amount_and_counterparty_and_download(client_for: Any) -> None:
    from urakata.org.tests.factories import CounterpartyFactory

    client = client_for(Role.ACCOUNTING)
    partner = CounterpartyFactory()
    post_simple(amount=500)
    from urakata.ledger import services

    services.journal_entry_post(
        actor=SYSTEM,
        date=dt.date(2025, 5, 12),
        description="取引先あり",
        lines=[
            {"account": "7290", "debit": 80_000, "counterparty_id": partner.pk},
            {"account": "1140", "credit": 80_000},
        ],
        tax_entry="none",
    )
    page = client.get("/ledger/entries/?amount_min=10000&amount_max=90000").content.decode()
    assert "取引先あり" in page and "テスト仕訳" not in page
    page = client.get(f"/ledger/entries/?counterparty={partner.pk}").content.decode()
    assert "取引先あり" in page and "テスト仕訳" not in page
    api = client.get("/api/v1/ledger/entries?amount_max=1000").json()
    assert [e["description"] for e in api["items"]] == ["テスト仕訳"]
    csv = client.get("/ledger/entries/?date_from=2025-05-01&date_to=2025-05-31&format=csv")
    assert csv.status_code == 200 and "取引先あり" in csv.getvalue().decode("utf-8-sig")
    yayoi = client.get("/ledger/entries/?date_from=2025-05-01&date_to=2025-05-31&format=yayoi")
    assert "取引先あり" in yayoi.getvalue().decode("cp932")


def test_bank_page_import_rule_suggest_confirm(client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from urakata.ledger import bank_import
    from urakata.ledger.models import BankRule, BankTransaction

    bank_import.bank_feed_create(actor=SYSTEM, name="普通預金", account_code="1140")
    client = client_for(Role.ACCOUNTING)
    csv = "日付,摘要,入金,出金,残高\n2025/05/01,ヤチン コトブキ,,165000,100\n".encode()
    client.post(
        "/ledger/bank/",
        {
            "action": "import",
            "feed": "普通預金",
            "preset": "generic",
            "file": SimpleUploadedFile("s.csv", csv),
        },
    )
    assert BankTransaction.objects.count() == 1
    client.post(
        "/ledger/bank/",
        {
            "action": "rule",
            "name": "家賃",
            "pattern": "ヤチン",
            "match": "contains",
            "account": "7330",
            "tax_code": "P10",
            "amount_max": "-1",
        },
    )
    assert BankRule.objects.get().amount_max == -1
    client.post("/ledger/bank/", {"action": "suggest"})
    tx = BankTransaction.objects.get()
    assert tx.status == "suggested" and tx.account.code == "7330"
    page = client.get("/ledger/bank/?status=suggested").content.decode()
    assert "ヤチン" in page and "家賃" in page
    client.post("/ledger/bank/", {"action": "confirm", "ids": [tx.pk]})
    tx.refresh_from_db()
    assert tx.status == "confirmed" and tx.entry is not None
    assert tx.entry.lines.get(account__code="1570").debit == 15000


def test_trial_balance_by_department_page(client_for: Any) -> None:
    from urakata.org.tests.factories import DepartmentFactory

    dept = DepartmentFactory(name="製造部")
    post_simple(department_id=dept.pk)
    client = client_for(Role.EXECUTIVE)
    page = client.get("/ledger/reports/trial-balance-by-department/?from=2025-04&to=2025-06")
    assert page.status_code == 200 and "製造部" in page.content.decode()
    xlsx = client.get(
        "/ledger/reports/trial-balance-by-department/?from=2025-04&to=2025-06&format=xlsx"
    )
    assert xlsx.content[:2] == b"PK"

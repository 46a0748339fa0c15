"""月次報告 on a small book: every number in the text is a figure of the ledger's reports, and each
headline figure is the one the P/L and the balance sheet show; the review queue before sharing;
a month not yet closed is refused with a clear message; the LLM's prose is checked the same way."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from urakata.assistant import accounting, services
from urakata.assistant.accounting import allowed_numbers, monthly_figures, numbers_in
from urakata.assistant.models import MonthlyReport, ReviewItem
from urakata.assistant.tests.test_providers import FakeChatServer
from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.ledger import reports
from urakata.ledger import services as ledger_services
from urakata.ledger.tests.factories import post_simple
from urakata.org.models import Department
from urakata.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _sale(day: dt.date, amount: int, dept: int | None = None) -> None:
    post_simple(day=day, debit="1140", credit="5110", amount=amount, department_id=dept)


def _cost(day: dt.date, account: str, amount: int, dept: int | None = None) -> None:
    post_simple(day=day, debit=account, credit="1140", amount=amount, department_id=dept)


@pytest.fixture
def book() -> dict[str, Any]:
    """May 2024 (last year), April and May 2025; April and May 2025 closed."""
    sales = DepartmentFactory(code="S1", name="営業部")
    admin = DepartmentFactory(code="A1", name="管理部")
    post_simple(day=dt.date(2024, 4, 1), debit="1140", credit="4110", amount=5_000_000)
    _sale(dt.date(2024, 5, 20), 800_000, sales.pk)
    _cost(dt.date(2024, 5, 21), "6120", 300_000, sales.pk)
    _cost(dt.date(2024, 5, 25), "7260", 40_000, admin.pk)
    _sale(dt.date(2025, 4, 20), 1_000_000, sales.pk)
    _cost(dt.date(2025, 4, 21), "6120", 400_000, sales.pk)
    _cost(dt.date(2025, 4, 25), "7220", 150_000, sales.pk)
    _cost(dt.date(2025, 4, 26), "7290", 20_000, admin.pk)
    _sale(dt.date(2025, 5, 20), 1_250_000, sales.pk)
    _cost(dt.date(2025, 5, 21), "6120", 500_000, sales.pk)
    _cost(dt.date(2025, 5, 25), "7220", 60_000, sales.pk)
    _cost(dt.date(2025, 5, 26), "7290", 35_000, admin.pk)
    _cost(dt.date(2025, 5, 27), "7260", 12_345, admin.pk)
    for period in (202504, 202505):
        ledger_services.period_close(actor=_system(), period=period)
    return {"sales": sales, "admin": admin}


@pytest.fixture
def fake_openai(settings: Any) -> Iterator[FakeChatServer]:
    """The assistant tests' local OpenAI-compatible server, configured as the provider."""
    server = FakeChatServer()
    server.thread.start()
    settings.URAKATA_AI_PROVIDER = "openai"
    settings.OPENAI_BASE_URL = server.url
    settings.OPENAI_API_KEY = "sk-test"
    settings.URAKATA_AI_MODEL = "test-model"
    settings.URAKATA_AI_TIMEOUT = 2
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _system() -> Any:
    from urakata.core.permissions import SYSTEM

    return SYSTEM


def ledger_numbers(actor: Any, period: int) -> set[int]:
    """Every number the ledger's reports show for the month, the month before and the same month
    last year (P/L company-wide and per department, trial-balance balances, cash total), plus
    those months' years and month numbers: what a report's text may contain."""
    months = [period, _shift(period, -1), _shift(period, -12)]
    found: set[int] = set()
    for month in months:
        found |= {month // 100, month % 100}
        for code in [None, *Department.objects.values_list("code", flat=True)]:
            pl = reports.profit_and_loss(
                actor=actor, from_period=month, to_period=month, department_code=code
            )
            found |= {abs(pl[k]) for k in ("gross_profit", "operating_income")}
            for s in pl["sections"]:
                found.add(abs(s["total"]))
                found |= {abs(r["amount"]) for r in s.get("rows", [])}
    for month in months[:2]:
        rows = reports.trial_balance(actor=actor, from_period=month, to_period=month).rows
        found |= {abs(r["balance"]) for r in rows}
        found.add(sum(r["balance"] for r in rows if r["account_code"][:3] in CASH))
    return found


CASH = ("111", "112", "113", "114", "115")


def _shift(period: int, months: int) -> int:
    index = (period // 100) * 12 + period % 100 - 1 + months
    return (index // 12) * 100 + index % 12 + 1


def _yen(value: int) -> str:
    return f"{value:,}円"


def test_every_number_in_the_report_is_a_ledger_figure(book: Any, make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    report = services.monthly_report_generate(actor=accountant, period=202505)
    text = report.body
    assert report.provider == "local"

    pl = reports.profit_and_loss(actor=accountant, from_period=202505, to_period=202505)
    last = reports.profit_and_loss(actor=accountant, from_period=202504, to_period=202504)
    year = reports.profit_and_loss(actor=accountant, from_period=202405, to_period=202405)
    tb = reports.trial_balance(actor=accountant, from_period=202505, to_period=202505)

    def section(p: dict[str, Any], key: str) -> int:
        return next(s["total"] for s in p["sections"] if s.get("key") == key)

    # The book: 1,250,000 − 500,000 = 750,000 gross; SG&A 60,000 + 35,000 + 12,345 = 107,345.
    assert section(pl, "sales") == 1_250_000 and pl["gross_profit"] == 750_000
    assert section(pl, "sga") == 107_345 and pl["operating_income"] == 642_655
    assert f"売上高は{_yen(1_250_000)}(前月 {_yen(1_000_000)}、前年同月 {_yen(800_000)})" in text
    assert f"売上総利益は{_yen(pl['gross_profit'])}(前月 {_yen(last['gross_profit'])}" in text
    assert f"前年同月 {_yen(year['gross_profit'])})" in text
    assert (
        f"販売費及び一般管理費は{_yen(section(pl, 'sga'))}(前月 {_yen(section(last, 'sga'))}"
        in text
    )
    assert f"営業利益は{_yen(pl['operating_income'])}(前月 {_yen(last['operating_income'])}" in text
    # Biggest movement by account: 売上高 +250,000, then 仕入高 +100,000, then 広告宣伝費 −90,000.
    movements = text.split("## 前月からの主な増減(勘定科目)")[1].split("##")[0]
    assert movements.index("売上高") < movements.index("仕入高") < movements.index("広告宣伝費")
    assert f"広告宣伝費: {_yen(60_000)}(前月 {_yen(150_000)}、減少)" in movements
    # Departments: 営業部 operating profit 690,000 (前月 450,000).
    departments = text.split("部門別の営業利益)")[1].split("##")[0]
    sales_pl = reports.profit_and_loss(
        actor=accountant, from_period=202505, to_period=202505, department_code="S1"
    )
    assert sales_pl["operating_income"] == 690_000
    assert f"営業部: {_yen(690_000)}(前月 {_yen(450_000)}、増加)" in departments
    # Cash: 普通預金 at the end of May as the trial balance has it.
    bank = next(r for r in tb.rows if r["account_code"] == "1140")
    assert f"月末残高は{_yen(bank['balance'])}" in text
    assert f"普通預金: {_yen(bank['balance'])}" in text

    # No number in the text that the reports do not contain (years and months of the periods
    # compared aside).
    report_numbers = ledger_numbers(accountant, 202505)
    stray = numbers_in(text) - report_numbers
    assert not stray, f"numbers not in the reports: {sorted(stray)}"
    # The total of cash is the sum of the cash rows (one account here: the same number).
    assert numbers_in(text) >= {1_250_000, 750_000, 107_345, 642_655, bank["balance"]}


def test_the_report_waits_in_review_and_is_shared_on_approval(book: Any, make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    executive = make_user(Role.EXECUTIVE)
    operator = make_user(Role.AI_OPERATOR)
    report = services.monthly_report_generate(actor=accountant, period=202505)
    item = ReviewItem.objects.get(monthly_report=report)
    assert item.kind == ReviewItem.Kind.MONTHLY_REPORT and item.status == "pending"
    assert AuditEvent.objects.filter(action="assistant.monthly_report.generate").count() == 1
    assert list(accounting.monthly_report_list(actor=executive)) == []  # not shared yet
    with pytest.raises(ValidationFailed, match="帳簿の数値にない数字"):
        services.review_approve(actor=operator, item=item, body=report.body + "\n前月比12%増。")
    services.review_approve(actor=operator, item=item, body=report.body + "\n順調です。")
    report.refresh_from_db()
    assert report.body.endswith("順調です。")
    assert report.shared_at is not None
    assert list(accounting.monthly_report_list(actor=executive)) == [report]
    item.refresh_from_db()
    assert item.result_source is None  # financial figures do not become everyone's knowledge


def test_a_month_not_closed_is_refused_clearly(book: Any, make_user: Any, client_for: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    with pytest.raises(ValidationFailed) as error:
        services.monthly_report_generate(actor=accountant, period=202506)
    assert "2025年6月はまだ締められていません" in error.value.message
    client = client_for(Role.ACCOUNTING)
    response = client.post(
        "/api/v1/assistant/monthly-reports",
        {"period": "2025-06"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert "まだ締められていません" in response.json()["detail"]
    response = client.post(
        "/api/v1/assistant/monthly-reports", {"period": "2025-13"}, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert MonthlyReport.objects.count() == 0


def test_only_report_writers_create(book: Any, make_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.monthly_report_generate(actor=make_user(Role.EMPLOYEE), period=202505)


def test_api_page_and_command(book: Any, client_for: Any, make_user: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    response = client.post(
        "/api/v1/assistant/monthly-reports", {"period": "2025-05"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["figures"]["headline"]["this_month"]["sales"] == 1_250_000
    page = client.get(f"/assistant/monthly/{body['id']}/")
    assert page.status_code == 200 and "1,250,000円" in page.content.decode()
    make_user(Role.ACCOUNTING, username="keiri")
    out = StringIO()
    call_command("ai", "monthly-report", "2025-05", "--as", "keiri", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["figures"]["headline"]["last_year"]["sales"] == 800_000
    assert data["status"] == "pending_review" and "営業利益は642,655円" in data["body"]


def test_llm_prose_is_kept_when_its_numbers_are_the_reports(
    book: Any, make_user: Any, fake_openai: FakeChatServer
) -> None:
    accountant = make_user(Role.ACCOUNTING)
    fake_openai.reply = (
        "2025年5月の売上高は1,250,000円で、前月の1,000,000円から伸びました。"
        "営業利益は642,655円でした。"
    )
    report = services.monthly_report_generate(actor=accountant, period=202505)
    assert report.provider == "openai" and report.body == fake_openai.reply
    sent = fake_openai.requests[-1]["body"]["messages"]
    assert "計算した数値" in sent[0]["content"] and "1,250,000円" in sent[1]["content"]
    assert numbers_in(report.body) <= allowed_numbers(
        monthly_figures(actor=accountant, period=202505)
    )


def test_llm_prose_with_an_invented_number_falls_back_to_the_template(
    book: Any, make_user: Any, fake_openai: FakeChatServer
) -> None:
    accountant = make_user(Role.ACCOUNTING)
    fake_openai.reply = "売上高は1,250,000円で、前月比25%増でした。"  # 25 is computed
    report = services.monthly_report_generate(actor=accountant, period=202505)
    assert report.provider == "local"
    assert "25" in report.note and report.body.startswith("# 月次報告 2025年5月")
    assert "25%" not in report.body

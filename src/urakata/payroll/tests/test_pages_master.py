"""HR pages: the pay master (dated pay, items, 住民税, 資格取得時決定) and bonus runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages

from urakata.core.roles import Role
from urakata.ledger.cache import chart_cache_clear
from urakata.ledger.chart import chart_ensure_seeded
from urakata.payroll.models import PayRun
from urakata.payroll.tests.factories import PayProfileFactory

pytestmark = pytest.mark.django_db


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_pay_master_pages(client_for: Any) -> None:
    client = client_for(Role.HR)
    profile = PayProfileFactory(base_pay=300_000)
    url = f"/payroll/profiles/{profile.employee_id}/"
    listing = client.get("/payroll/profiles/")
    assert listing.status_code == 200 and profile.employee.code in listing.content.decode()
    form = {
        "effective_month": "2026-05",
        "pay_type": "monthly",
        "base_pay": "330,000",
        "scheduled_hours": "160",
        "scheduled_days": "20",
        "commute_allowance": "0",
        "commute_nontaxable": "0",
        "health_grade": "22",
        "reason": "定期昇給",
    }
    response = client.post(url + "pay/", form, follow=True)
    assert "2026-05 からの給与を保存しました。" in _messages(response)
    page = client.get(url).content.decode()
    assert "定期昇給" in page and "330,000" in page and "当初" in page
    # bad input: a message naming the problem, nothing saved, never a 500
    response = client.post(url + "pay/", {**form, "base_pay": "abc"}, follow=True)
    assert response.status_code == 200 and any("整数" in m for m in _messages(response))
    response = client.post(url + "pay/", {**form, "effective_month": "5月"}, follow=True)
    assert any("YYYY-MM" in m for m in _messages(response))
    response = client.post(
        url + "pay/", {**form, "commute_allowance": "1000", "commute_nontaxable": "2000"}
    )
    assert response.status_code == 302
    assert profile.versions.count() == 2  # the bad posts changed nothing
    response = client.post(
        url + "items/",
        {"kind": "allowance", "name": "役職手当", "amount": "20000", "taxable": "on"},
        follow=True,
    )
    assert "手当・控除を保存しました。" in _messages(response)
    response = client.post(url + "items/", {"kind": "deduction", "name": "", "amount": "-5"})
    assert profile.items.count() == 1
    response = client.post(
        url + "resident-tax/",
        {"fiscal_year": "2026", "june_amount": "12300", "monthly_amount": "12000"},
        follow=True,
    )
    assert "住民税を保存しました。" in _messages(response)
    assert profile.resident_taxes.get(fiscal_year=2026).june_amount == 12_300
    response = client.post(url + "acquisition/", {"overtime_estimate": "10000"}, follow=True)
    # 330,000 (this month's version) + 役職手当 20,000 + 残業見込み 10,000 = 360,000 → 360,000
    assert any("標準報酬月額 360,000円" in m for m in _messages(response))


def test_bonus_run_page_create_check_approve(client_for: Any) -> None:
    chart_ensure_seeded()
    chart_cache_clear()
    client = client_for(Role.HR)
    first = PayProfileFactory(base_pay=300_000)
    second = PayProfileFactory(base_pay=280_000)
    amounts = f"{first.employee.code},600000\n{second.employee.code}\t500,000\n"
    response = client.post("/payroll/bonus/new/", {"pay_date": "2026-07-10", "amounts": amounts})
    run = PayRun.objects.get(kind="bonus")
    assert response.status_code == 302 and response["Location"] == f"/payroll/runs/{run.pk}/"
    assert sorted(run.payslips.values_list("gross", flat=True)) == [500_000, 600_000]
    client.post(f"/payroll/runs/{run.pk}/check/")
    client.post(f"/payroll/runs/{run.pk}/approve/")
    run.refresh_from_db()
    assert run.status == PayRun.Status.FIXED and run.journal_entry_id
    # bad lines: every problem listed, no run
    response = client.post(
        "/payroll/bonus/new/",
        {"pay_date": "2026-12-10", "amounts": "NOPE,1000\nbad line\n"},
        follow=True,
    )
    text = " ".join(_messages(response))
    assert "2行目" in text and "NOPE" in text
    response = client.post(
        "/payroll/bonus/new/", {"pay_date": "2026-13-10", "amounts": "x,1"}, follow=True
    )
    assert any("支給日" in m for m in _messages(response))
    assert PayRun.objects.filter(pay_date=dt.date(2026, 12, 10)).count() == 0


def test_pay_master_pages_are_hr_only(client_for: Any) -> None:
    profile = PayProfileFactory()
    for role in (Role.EMPLOYEE, Role.ACCOUNTING):
        client = client_for(role)
        assert client.get("/payroll/profiles/").status_code == 403
        assert client.get(f"/payroll/profiles/{profile.employee_id}/").status_code in (403, 404)
        assert client.post("/payroll/bonus/new/", {}).status_code == 403

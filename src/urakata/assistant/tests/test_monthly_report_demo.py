"""The 月次報告 of a closed demo month: every figure is the P/L's and the trial balance's."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from urakata.assistant import services
from urakata.assistant.accounting import numbers_in
from urakata.assistant.models import MonthlyReport, ReviewItem
from urakata.assistant.tests.test_monthly_report import ledger_numbers
from urakata.core.errors import ValidationFailed
from urakata.core.roles import Role
from urakata.ledger import demo as ledger_demo
from urakata.ledger import reports
from urakata.ledger.models import Period
from urakata.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_report_of_a_closed_demo_month_matches_the_ledger(make_user: Any) -> None:
    today = dt.date(2026, 11, 24)
    org_demo.seed(actor=None, today=today, rng=random.Random(1))
    ledger_demo.seed(actor=None, today=today, rng=random.Random(2))  # calls the assistant's hook
    # The demo books come with the 月次報告 of the last two closed months: the older one reviewed
    # and shared, the newer one waiting in the review queue.
    closed = sorted(Period.objects.filter(is_closed=True).values_list("period", flat=True))
    demo_reports = list(MonthlyReport.objects.order_by("period"))
    assert [r.period for r in demo_reports] == closed[-2:]
    statuses = [ReviewItem.objects.get(monthly_report=r).status for r in demo_reports]
    assert statuses == [ReviewItem.Status.APPROVED, ReviewItem.Status.PENDING]
    assert demo_reports[0].shared_at is not None and demo_reports[1].shared_at is None
    accountant = make_user(Role.ACCOUNTING)
    period = 202603  # the last month of the closed demo year
    report = services.monthly_report_generate(actor=accountant, period=period)
    pl = reports.profit_and_loss(actor=accountant, from_period=period, to_period=period)
    sales = next(s["total"] for s in pl["sections"] if s.get("key") == "sales")
    assert f"売上高は{sales:,}円" in report.body
    assert f"売上総利益は{pl['gross_profit']:,}円" in report.body
    assert f"営業利益は{pl['operating_income']:,}円" in report.body
    assert report.figures["headline"]["this_month"]["sales"] == sales
    stray = numbers_in(report.body) - ledger_numbers(accountant, period)
    assert not stray, f"numbers not in the reports: {sorted(stray)}"
    # The month being reported has a department section and a cash section drawn from the books.
    assert "## 資金(現金及び預金)" in report.body and "月末残高は" in report.body
    with pytest.raises(ValidationFailed, match="まだ締められていません"):
        services.monthly_report_generate(actor=accountant, period=202610)

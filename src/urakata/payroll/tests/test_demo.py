"""The payroll demo with the real attendance and ledger demos: a year of runs, salaries in the
books once (the ledger demo leaves payroll's months to it)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Sum

from urakata.attendance import demo as attendance_demo
from urakata.ledger import demo as ledger_demo
from urakata.ledger.integrity import ledger_verify
from urakata.ledger.models import JournalLine, Period
from urakata.org import demo as org_demo
from urakata.payroll import demo
from urakata.payroll.models import PayProfileVersion, PayRun, Payslip

pytestmark = [pytest.mark.django_db, pytest.mark.real_attendance]

TODAY = dt.date(2026, 12, 4)


def _salaries_booked(period: int) -> int:
    """給料手当 (7120) debited in the month, whoever posted it."""
    year, month = divmod(period, 100)
    rows = JournalLine.objects.filter(
        account__code="7120", entry__date__year=year, entry__date__month=month
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (rows["debit"] or 0) - (rows["credit"] or 0)


def _dated_items_and_dependants_shown() -> None:
    """Dated items: 住宅手当 from the October pay (転居), not in September's; 扶養親族 listed."""
    from urakata.payroll.models import PayItemVersion, PayProfile

    moved = PayItemVersion.objects.filter(effective_month=dt.date(2026, 10, 1)).first()
    assert moved is not None and moved.reason == "転居"
    slips = {
        s.run.pay_date.month: dict(s.lines["pay"])
        for s in Payslip.objects.filter(
            employee=moved.profile.employee, run__kind="salary", run__status=PayRun.Status.FIXED
        ).select_related("run")
    }
    assert "住宅手当" not in slips[9] and slips[10]["住宅手当"] == 15_000
    listed = PayProfile.objects.exclude(dependant_details=[]).first()
    assert listed is not None and len(listed.dependant_details) >= listed.dependents > 0


def test_demo_year_of_runs_counted_once_in_the_books() -> None:
    org_demo.seed(actor=None, today=TODAY, rng=random.Random(1))
    # Before anything is seeded the hook already knows the months payroll will post.
    periods = demo.salary_periods(today=TODAY)
    assert periods == [202600 + m for m in range(1, 12)]  # paid 2026-01-25 … 2026-11-25
    assert ledger_demo.salary_periods_elsewhere(TODAY) == set(periods)
    ledger_demo.seed(actor=None, today=TODAY, rng=random.Random(2))
    for period in periods:  # the books left these months' salaries to payroll
        assert _salaries_booked(period) == 0
    assert _salaries_booked(202512) > 0  # a month before the tables: the books' own salaries
    attendance_demo.seed(actor=None, today=TODAY, rng=random.Random(3))
    result = demo.seed(actor=None, today=TODAY, rng=random.Random(4))

    salary_runs = PayRun.objects.filter(kind="salary").order_by("month")
    fixed = [r for r in salary_runs if r.status == PayRun.Status.FIXED]
    assert [r.pay_date for r in fixed] == [dt.date(2026, m, 25) for m in range(1, 12)]
    assert result["runs_fixed"] == 11
    # November's attendance is closed too: its run (paid 12/25, after today) waits as a draft.
    assert result["runs_draft"] == 1
    drafts = [r for r in salary_runs if r.status != PayRun.Status.FIXED]
    assert [r.pay_date for r in drafts] == [dt.date(2026, 12, 25)]
    assert result["raises_dated"] > 0  # 定期昇給 from the April pay: March paid before, May after
    version = PayProfileVersion.objects.filter(effective_month=dt.date(2026, 4, 1)).first()
    assert version is not None and version.reason == "定期昇給"
    before = Payslip.objects.get(
        run__pay_date=dt.date(2026, 3, 25), employee=version.profile.employee
    )
    after = Payslip.objects.get(
        run__pay_date=dt.date(2026, 4, 25), employee=version.profile.employee
    )
    assert dict(after.lines["pay"])["基本給"] == version.values["base_pay"]
    _dated_items_and_dependants_shown()
    assert dict(before.lines["pay"])["基本給"] < version.values["base_pay"]
    for run in fixed:  # 給料手当 of the month = the run's gross, nothing else
        assert _salaries_booked(run.pay_date.year * 100 + run.pay_date.month) == run.totals["gross"]
    # Last fiscal year's months were reopened for the journal and are closed again.
    assert Period.objects.filter(period__in=[202601, 202602, 202603], is_closed=True).count() == 3
    bonuses = PayRun.objects.filter(kind="bonus").order_by("pay_date")
    assert [(b.pay_date, b.status) for b in bonuses] == [
        (dt.date(2026, 7, 10), PayRun.Status.FIXED),
        (dt.date(2026, 12, 10), PayRun.Status.DRAFT),
    ]
    # The bank paid what fell due by today: of 未払費用 only November's employer premiums
    # (due at the end of December) are left; the withheld taxes of November are due on 12/10.
    accrued = JournalLine.objects.filter(
        account__code="3160", entry__date__gte=dt.date(2026, 1, 1)
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    november = fixed[-1]
    assert accrued["credit"] - accrued["debit"] == november.totals["employer_cost"]
    withheld = JournalLine.objects.filter(
        account__code="3210", sub_account__code="01", entry__date__gte=dt.date(2026, 1, 11)
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    assert withheld["credit"] - withheld["debit"] == november.totals["income_tax"]
    assert ledger_verify() == []

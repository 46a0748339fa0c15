"""Demo payroll: a pay master for every demo employee and a year of monthly pay runs.

Runs cover the closed attendance months whose pay day (翌月25日) falls in the shipped 令和8年分
tables, the twelve most recent at most; those paid by `today` are fixed (journal posted — into a
month of last fiscal year by reopening it with a reason), a later one stays a draft to show the
check step. The demo books leave those months' salaries to payroll (hook
"ledger.demo_salary_periods"), so 給料手当 is counted once. Overtime comes from a seeded random
stream when the attendance domain is not installed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from urakata.core.audit import audit_record_many
from urakata.core.permissions import SYSTEM
from urakata.ledger import services as ledger_services
from urakata.org.models import Employee
from urakata.payroll import (
    attendance_inputs,
    bonus,
    demo_settle,
    runs,
    services,
    social_insurance,
    versions,
)
from urakata.payroll.attendance_inputs import MonthFigures
from urakata.payroll.models import PayItem, PayProfile, ResidentTax
from urakata.payroll.tables import withholding_tables
from urakata.workflow.notifications import email_muted


def _items_and_taxes(profiles: list[PayProfile], rng: random.Random) -> None:
    """役職手当 and 家族手当 for some, 住民税 for everyone (two notices: 2025 and 2026)."""
    items = []
    taxes = []
    for p in profiles:
        if p.pay_type == PayProfile.PayType.MONTHLY:
            if p.employee.position_id and rng.random() < 0.4:
                items.append(
                    PayItem(
                        profile=p,
                        kind="allowance",
                        name="役職手当",
                        amount=rng.choice([20_000, 30_000, 50_000]),
                        in_overtime_base=True,
                    )
                )
            if p.dependents:
                items.append(
                    PayItem(
                        profile=p, kind="allowance", name="家族手当", amount=10_000 * p.dependents
                    )
                )
        for year in (2025, 2026):
            monthly = (
                (p.base_pay if p.pay_type == "monthly" else p.base_pay * 96) * 4 // 100 // 100 * 100
            )
            taxes.append(
                ResidentTax(
                    profile=p, fiscal_year=year, june_amount=monthly + 300, monthly_amount=monthly
                )
            )
    PayItem.objects.bulk_create(items, batch_size=500)
    ResidentTax.objects.bulk_create(taxes, batch_size=500)


def _profiles(actor: Any, rng: random.Random) -> list[PayProfile]:
    employees = list(Employee.objects.filter(pay_profile__isnull=True).order_by("code"))
    profiles = []
    for e in employees:
        part = e.employment_type == Employee.EmploymentType.PART_TIME
        drawn = rng.randrange(1_150, 1_500, 10) if part else rng.randrange(210, 520) * 1000
        # 時給 above 東京都の最低賃金; 月給 189,500–328,550 so the books' payroll stays about what a
        # company of this turnover pays (the draws are unchanged for the seeders after this one)
        base = drawn + 100 if part else (drawn * 45 // 100 + 95_000) // 100 * 100
        hours = Decimal(96 if part else 160)
        commute = rng.choice([0, 6_400, 9_800, 12_300, 15_600])
        estimate = (base * 96 if part else base) + commute + 20_000
        profiles.append(
            PayProfile(
                employee=e,
                pay_type=PayProfile.PayType.HOURLY if part else PayProfile.PayType.MONTHLY,
                base_pay=base,
                scheduled_hours=hours,
                scheduled_days=Decimal(12 if part else 20),
                commute_allowance=commute,
                commute_nontaxable=commute,
                declaration_submitted=rng.random() > 0.05,
                has_tax_spouse=rng.random() < 0.3,
                dependents=rng.choice([0, 0, 0, 1, 1, 2]),
                health_insured=not part,
                pension_insured=not part,
                health_grade=social_insurance.health_grade(estimate)[0],
                birth_date=dt.date(
                    rng.randrange(1964, 2003), rng.randrange(1, 13), rng.randrange(1, 29)
                ),
                municipality=rng.choice(["東京都渋谷区", "東京都世田谷区", "神奈川県横浜市"]),
            )
        )
    for p in profiles:  # 乙欄 part-timers whose main job is elsewhere hand in the 従たる申告書
        if not p.declaration_submitted and p.pay_type == PayProfile.PayType.HOURLY:
            p.secondary_dependents = 1
    PayProfile.objects.bulk_create(profiles, batch_size=500)
    profiles = list(PayProfile.objects.filter(employee__in=employees).select_related("employee"))
    _items_and_taxes(profiles, rng)
    audit_record_many(
        actor=actor,
        entries=[("payroll.profile.save", p, {"base_pay": [None, p.base_pay]}) for p in profiles],
    )
    return profiles


def _raises(actor: Any, profiles: list[PayProfile], today: dt.date, rng: random.Random) -> int:
    """定期昇給 from the April pay for every fourth monthly-paid employee (dated pay master)."""
    april = dt.date(today.year, 4, 1)
    count = 0
    for p in profiles[::4]:
        if p.pay_type != PayProfile.PayType.MONTHLY or p.employee.hire_date >= april:
            continue
        versions.pay_profile_change_schedule(
            actor=actor,
            profile=p,
            effective_month=april,
            reason="定期昇給",
            today=today,
            base_pay=p.base_pay + rng.choice([5_000, 8_000, 10_000]),
        )
        count += 1
    return count


def _dated_items_and_dependants(actor: Any, profiles: list[PayProfile], today: dt.date) -> None:
    """住宅手当 from the October pay for a few monthly-paid staff (dated items, 転居), and the
    扶養親族 of those with dependants as written on their 扶養控除等申告書 (no draws: fixed)."""
    from urakata.payroll.item_versions import pay_item_change_schedule
    from urakata.payroll.services_profiles import pay_profile_save

    october = dt.date(today.year, 10, 1)
    monthly = [p for p in profiles if p.pay_type == PayProfile.PayType.MONTHLY]
    for p in monthly[1::12]:
        pay_item_change_schedule(
            actor=actor,
            profile=p,
            effective_month=october,
            kind="allowance",
            name="住宅手当",
            amount=15_000,
            reason="転居",
            today=today,
        )
    for n, p in enumerate(p for p in monthly if p.dependents):
        details = [
            {
                "name": f"{p.employee.last_name} {('一郎', '花子', '次郎')[k % 3]}",
                "relation": ("長男", "長女", "次男")[k % 3],
                "birth_date": f"{2000 + (n + 5 * k) % 9}-0{1 + k}-15",
                "disability": "general" if n % 7 == 0 and k == 0 else "",
            }
            for k in range(p.dependents)
        ]
        pay_profile_save(actor=actor, employee=p.employee, dependant_details=details)


def _months(today: dt.date) -> list[dt.date]:
    """Attendance months whose pay day falls in the shipped tables and by a month from today."""
    settings = runs.settings_get()
    tables = withholding_tables()
    months = []
    month = runs.add_months(today, -14)
    while month <= runs.month_start(today):
        pay = runs.pay_date_for(month, settings)
        if tables.valid_from <= pay.isoformat() <= tables.valid_to and pay <= today + dt.timedelta(
            days=31
        ):
            months.append(month)
        month = runs.add_months(month, 1)
    return months[-12:]


def salary_periods(*, today: dt.date) -> list[int]:
    """Hook "ledger.demo_salary_periods": the periods (YYYYMM) whose salaries the payroll demo
    posts — every run paid by today — so the demo books leave them out (counted once)."""
    settings = runs.settings_get()
    paid = [runs.pay_date_for(m, settings) for m in _months(today)]
    return [p.year * 100 + p.month for p in paid if p <= today]


@contextlib.contextmanager
def _period_open(actor: Any, day: dt.date) -> Iterator[None]:
    """Post into a month the demo books already closed (last fiscal year): reopen it with a
    reason, post, close it again — as an accountant would for a late payroll journal."""
    period = day.year * 100 + day.month
    if not ledger_services.period_is_closed(period):
        yield
        return
    ledger_services.period_reopen(
        actor=actor, period=period, reason="給与計算の導入: 確定した給与の仕訳を計上"
    )
    yield
    ledger_services.period_close(actor=actor, period=period)


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """Pay masters, pay runs and two bonuses for the demo company."""
    actor = SYSTEM if actor is None else actor  # the demo command runs as the system
    with email_muted():  # history: in-app notices only, no e-mail to the fictional staff
        return _seed(actor, today, rng)


def _seed(actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    profiles = _profiles(actor, rng)
    # its own stream: the shared one stays as the later domains' demos expect it
    raised = _raises(actor, profiles, today, random.Random(20260401))
    _dated_items_and_dependants(actor, profiles, today)
    overtime = {p.employee_id: rng.randrange(0, 40) for p in profiles}

    def figures_for(month: dt.date) -> services.FiguresFor:
        def figures(employee_id: int, scheduled: int) -> MonthFigures:
            ot = max(overtime.get(employee_id, 0) + rng.randrange(-8, 9), 0) * 60
            return MonthFigures(
                worked_minutes=scheduled + ot,
                scheduled_minutes=scheduled,
                legal_overtime_minutes=ot,
                late_night_minutes=ot // 6,
                paid_leave_days=Decimal(rng.choice([0, 0, 1, 2])),
            )

        return figures

    fixed = drafts = 0
    for month in _months(today):
        if not attendance_inputs.month_is_closed(year=month.year, month=month.month):
            continue  # the month attendance leaves open to show its close: no run yet
        # With the attendance domain installed its closed months are the figures.
        given = None if attendance_inputs.attendance_source() else figures_for(month)
        run = services.pay_run_calculate(actor=actor, month=month, figures_for=given)
        if run.pay_date <= today:
            services.pay_run_check(actor=actor, run=run)
            with _period_open(actor, run.pay_date):
                services.pay_run_approve(actor=actor, run=run)
            run.refresh_from_db()
            demo_settle.run_settle(actor=actor, run=run, today=today, period_open=_period_open)
            fixed += 1
        else:
            drafts += 1
    bonuses = 0
    for day in (dt.date(today.year, 7, 10), dt.date(today.year, 12, 10)):
        if not _bonus_day_ok(day):
            continue
        amounts = {
            p.employee_id: (p.base_pay * rng.choice([8, 10, 12]) // 10) // 1000 * 1000
            for p in runs.active_profiles(runs.month_start(day))
            if p.pay_type == PayProfile.PayType.MONTHLY
        }
        run = bonus.bonus_run_calculate(actor=actor, pay_date=day, amounts=amounts)
        if day <= today:
            services.pay_run_check(actor=actor, run=run)
            services.pay_run_approve(actor=actor, run=run)
            run.refresh_from_db()
            demo_settle.run_settle(actor=actor, run=run, today=today, period_open=_period_open)
        bonuses += 1
    return {
        "profiles": len(profiles),
        "raises_dated": raised,
        "runs_fixed": fixed,
        "runs_draft": drafts,
        "bonuses": bonuses,
    }


def _bonus_day_ok(day: dt.date) -> bool:
    tables = withholding_tables()
    in_table = tables.valid_from <= day.isoformat() <= tables.valid_to
    return in_table and not ledger_services.period_is_closed(day.year * 100 + day.month)

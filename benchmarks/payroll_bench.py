"""Benchmark: a pay run for 10,000 employees (calculate, check, approve with the journal) and
payslip PDFs per second; prints seconds.

    PYTHONPATH=src python -m benchmarks.payroll_bench [--employees 10000] [--pdfs 200]

Runs against a fresh SQLite database in a temporary directory unless DATABASE_URL is set (then it
uses that database: point it at a scratch one, the rows stay there). Target: the run ≤ 60 s on
SQLite on 2 cores. Attendance figures: every employee works the schedule plus 0–30 h overtime,
some night and holiday work (the attendance domain's figures, injected in its MonthFigures shape).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from decimal import Decimal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--pdfs", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("URAKATA_DATA_DIR", tempfile.mkdtemp(prefix="urakata-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from urakata.org.models import Department, Employee
    from urakata.payroll import outputs, services
    from urakata.payroll.attendance_inputs import MonthFigures
    from urakata.payroll.models import PayItem, PayProfile, Payslip, ResidentTax

    call_command("migrate", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench-admin", "", "x")
    rng = random.Random(15)
    n = args.employees
    depts = [
        Department.objects.get_or_create(code=f"B{i}", defaults={"name": f"部{i}"})[0]
        for i in range(10)
    ]
    start = time.perf_counter()
    Employee.objects.bulk_create(
        [
            Employee(
                code=f"P{i:06d}",
                last_name="山田",
                first_name=f"太郎{i}",
                last_name_kana="ヤマダ",
                first_name_kana="タロウ",
                department=depts[i % 10],
                hire_date=dt.date(2020, 4, 1),
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    employees = list(Employee.objects.filter(code__startswith="P").order_by("code"))
    PayProfile.objects.bulk_create(
        [
            PayProfile(
                employee=e,
                pay_type="monthly",
                base_pay=rng.randrange(200, 600) * 1000,
                scheduled_hours=Decimal(160),
                scheduled_days=Decimal(20),
                commute_allowance=15_000,
                commute_nontaxable=15_000,
                declaration_submitted=i % 20 != 0,
                dependents=i % 4,
                health_grade=rng.randrange(15, 35),
                birth_date=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
            )
            for i, e in enumerate(employees)
        ],
        batch_size=2000,
    )
    profiles = list(PayProfile.objects.order_by("pk"))
    PayItem.objects.bulk_create(
        [
            PayItem(
                profile=p, kind="allowance", name="役職手当", amount=20_000, in_overtime_base=True
            )
            for p in profiles[::3]
        ],
        batch_size=2000,
    )
    ResidentTax.objects.bulk_create(
        [
            ResidentTax(profile=p, fiscal_year=2026, june_amount=12_300, monthly_amount=12_000)
            for p in profiles
        ],
        batch_size=2000,
    )
    print(f"set up {n} employees with pay masters: {time.perf_counter() - start:.2f} s")
    overtime = {e.pk: rng.randrange(0, 30 * 60) for e in employees}

    def figures(employee_id: int, scheduled: int) -> MonthFigures:
        ot = overtime[employee_id]
        return MonthFigures(
            worked_minutes=scheduled + ot,
            scheduled_minutes=scheduled,
            legal_overtime_minutes=ot,
            late_night_minutes=ot // 5,
            legal_holiday_minutes=ot // 10,
        )

    month = dt.date(2026, 6, 1)
    from django.apps import apps

    if apps.is_installed("urakata.attendance"):  # a run takes a closed attendance month
        from urakata.attendance.services import month_close

        month_close(actor=admin, year=month.year, month=month.month)
    t0 = time.perf_counter()
    run = services.pay_run_calculate(actor=admin, month=month, figures_for=figures)
    t1 = time.perf_counter()
    services.pay_run_check(actor=admin, run=run)
    t_checked = time.perf_counter()
    run = services.pay_run_approve(actor=admin, run=run)
    t2 = time.perf_counter()
    print(
        f"pay run for {n} employees: calculate {t1 - t0:.2f} s, check {t_checked - t1:.2f} s, "
        f"approve (journal, transfer requests, notices) {t2 - t_checked:.2f} s, "
        f"total {t2 - t0:.2f} s (target ≤ 60 s)"
    )
    print(f"  totals: {run.totals}")
    slips = list(Payslip.objects.filter(run=run).select_related("run", "employee")[: args.pdfs])
    t3 = time.perf_counter()
    size = sum(len(outputs.payslip_pdf(slip, company="ベンチ株式会社")) for slip in slips)
    t4 = time.perf_counter()
    print(
        f"payslip PDFs: {len(slips)} in {t4 - t3:.2f} s = {len(slips) / (t4 - t3):.1f} per s "
        f"({size // max(len(slips), 1):,} bytes each)"
    )


if __name__ == "__main__":
    main()

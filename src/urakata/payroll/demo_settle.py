"""The demo's bank side of a fixed pay run: the transfer of net pay on the pay day, 源泉所得税 and
住民税 paid on the 10th of the next month, 社会保険料 (employee and employer shares; 雇用保険 too, for
simplicity) at the end of the next month — so 未払費用 and 預り金 clear in the demo books as they
did when the books carried synthetic salaries. The demo's history predates the payments domain, so
the run's salary transfer requests are withdrawn there (paid by the bank directly)."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

from urakata.core.permissions import SYSTEM
from urakata.ledger import services as ledger_services
from urakata.payroll.models import PayRun
from urakata.payroll.runs import add_months
from urakata.payroll.services import ACCRUED_ACCOUNT, WITHHELD_ACCOUNT

BANK = {"account": "1140", "sub_account": "01"}


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _post(
    actor: Any,
    period_open: Callable[[Any, dt.date], contextlib.AbstractContextManager[None]],
    day: dt.date,
    text: str,
    debits: list[tuple[str, str, int]],
) -> None:
    lines: list[dict[str, Any]] = []
    for account, sub, amount in debits:
        if amount:
            line: dict[str, Any] = {"account": account, "debit": amount}
            if sub:
                line["sub_account"] = sub
            lines.append(line)
    total = sum(line["debit"] for line in lines)
    if not total:
        return
    with period_open(actor, day):
        ledger_services.journal_entry_post(
            actor=actor,
            date=day,
            description=text,
            lines=[*lines, {**BANK, "credit": total}],
            source="bank",
            tax_entry="none",
        )


def _withdraw_requests(run: PayRun) -> None:
    if not apps.is_installed("urakata.payments"):
        return
    cancel = import_string("urakata.payments.services.payment_request_cancel")
    for slip_id in run.payslips.filter(net__gt=0).values_list("pk", flat=True):
        cancel(actor=SYSTEM, source="payroll", source_id=slip_id)


def run_settle(
    *,
    actor: Any,
    run: PayRun,
    today: dt.date,
    period_open: Callable[[Any, dt.date], contextlib.AbstractContextManager[None]],
) -> None:
    """Post what the bank paid for a fixed run by `today`."""
    t = run.totals
    label = f"{run.month:%Y-%m} {run.get_kind_display()}"
    if run.pay_date <= today:
        _withdraw_requests(run)
        _post(
            actor, period_open, run.pay_date, f"給与振込 {label}", [(ACCRUED_ACCOUNT, "", t["net"])]
        )
    next_month = add_months(run.pay_date, 1)
    taxes_due = next_month.replace(day=10)
    if taxes_due <= today:
        _post(
            actor,
            period_open,
            taxes_due,
            f"源泉所得税・住民税納付 {label}",
            [
                (WITHHELD_ACCOUNT, "01", t["income_tax"]),
                (WITHHELD_ACCOUNT, "02", t["resident_tax"]),
            ],
        )
    premiums_due = _month_end(next_month)
    if premiums_due <= today:
        _post(
            actor,
            period_open,
            premiums_due,
            f"社会保険料納付 {label}",
            [
                (WITHHELD_ACCOUNT, "03", t["social_insurance"] + t["employment_insurance"]),
                (ACCRUED_ACCOUNT, "", t["employer_cost"]),
            ],
        )

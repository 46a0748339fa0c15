"""`urakata payroll run` and `urakata payroll payslip` (the management command stays thin)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from urakata.org import selectors as org_selectors
from urakata.payroll import outputs, selectors, services


def run(command: Any, options: dict[str, Any], *, actor: Any, month: dt.date) -> None:
    """Calculate the month (and with --approve check and fix it); print the totals."""
    pay_run = services.pay_run_calculate(
        actor=actor, month=month, reason=options.get("reason") or ""
    )
    if options.get("approve"):
        services.pay_run_check(actor=actor, run=pay_run)
        pay_run = services.pay_run_approve(actor=actor, run=pay_run)
    t = pay_run.totals
    command.stdout.write(
        f"{month:%Y-%m} 第{pay_run.revision}版 {pay_run.get_status_display()}: "
        f"{t['headcount']}名 総支給 {t['gross']:,} 控除後 {t['net']:,} "
        f"会社負担 {t['employer_cost']:,} 支給日 {pay_run.pay_date:%Y-%m-%d}"
    )
    flagged = pay_run.payslips.exclude(flags=[]).count()
    if flagged:
        command.stdout.write(f"確認事項のある明細: {flagged}件")


def payslip(command: Any, options: dict[str, Any], *, actor: Any, month: dt.date) -> None:
    """Write one employee's payslip PDF for an attendance month."""
    slip = selectors.payslip_for(actor=actor, employee_code=options["employee_code"], month=month)
    company = org_selectors.company_get()
    data = outputs.payslip_pdf(slip, company=company.name if company else "")
    Path(options["out"]).write_bytes(data)
    services.export_log(
        actor=actor,
        action="payroll.payslip.export",
        target=slip,
        details={"format": "pdf", "file": options["out"]},
    )
    command.stdout.write(f"{options['out']}: {len(data):,} bytes")

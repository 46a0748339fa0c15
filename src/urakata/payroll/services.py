"""Payroll writes: pay runs (calculate → check → approve/fix), each audited in one transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import SYSTEM, require
from urakata.ledger import selectors as ledger_selectors
from urakata.ledger import services as ledger_services
from urakata.payroll import attendance_inputs, runs, transfers, withholding
from urakata.payroll.attendance_inputs import MonthFigures
from urakata.payroll.compute import PayResult, RunRules, compute_pay
from urakata.payroll.models import PayRun, Payslip

FiguresFor = Callable[[int, int], MonthFigures]  # (employee_id, scheduled_minutes) -> figures
BIG_CHANGE = 0.2  # the check step flags a net pay that moved by more than 20% from last month

SALARY_ACCOUNT = "7120"  # 給料手当
BONUS_ACCOUNT = "7130"  # 賞与
WELFARE_ACCOUNT = "7160"  # 法定福利費
WITHHELD_ACCOUNT = "3210"  # 預り金 (補助: 01 源泉所得税, 02 住民税, 03 社会保険料)
ACCRUED_ACCOUNT = "3160"  # 未払費用 (net pay to transfer, employer's premiums to pay)


def _default_figures(month: dt.date) -> FiguresFor:
    def figures(employee_id: int, scheduled_minutes: int) -> MonthFigures:
        return attendance_inputs.month_figures(
            employee_id=employee_id,
            year=month.year,
            month=month.month,
            scheduled_minutes=scheduled_minutes,
        )

    return figures


def _current_runs(month: dt.date, kind: str) -> list[PayRun]:
    return list(
        PayRun.objects.select_for_update()
        .filter(month=month, kind=kind)
        .exclude(status=PayRun.Status.SUPERSEDED)
        .order_by("revision")
    )


def _previous_net(month: dt.date) -> dict[int, int]:
    """Net pay per employee of the last fixed salary run before the month."""
    run = (
        PayRun.objects.filter(kind=PayRun.Kind.SALARY, status=PayRun.Status.FIXED, month__lt=month)
        .order_by("-month")
        .first()
    )
    if run is None:
        return {}
    return dict(run.payslips.values_list("employee_id", "net"))


def _compute_all(
    month: dt.date, pay_date: dt.date, figures_for: FiguresFor
) -> tuple[list[Any], list[PayResult]]:
    settings = runs.settings_get()
    rules = RunRules(
        month=month,
        pay_date=pay_date,
        premium_month=runs.premium_month_for(pay_date, settings),
        prefecture=settings.prefecture,
        tax_method=settings.tax_method,
    )
    profiles = runs.active_profiles(month)
    inputs = runs.inputs_for(profiles, pay_date)
    errors: dict[str, list[str]] = defaultdict(list)
    if not attendance_inputs.month_is_closed(year=month.year, month=month.month):
        raise ValidationFailed(
            _("勤怠が締められていません。"),
            errors={
                "attendance": [
                    _(
                        "%(month)s の勤怠の月次締めが終わっていません。人事が締めてから給与計算してください。"
                    )
                    % {"month": f"{month:%Y-%m}"}
                ]
            },
        )
    results: list[PayResult] = []
    previous = _previous_net(month)
    for profile, inp in zip(profiles, inputs, strict=True):
        code = profile.employee.code
        figures = figures_for(inp.employee_id, int(profile.scheduled_hours * 60))
        if not figures.closed:
            errors["attendance"].append(
                _("%(code)s: %(month)s の勤怠が締められていません。")
                % {"code": code, "month": f"{month:%Y-%m}"}
            )
            continue
        result = compute_pay(inp, figures, rules)
        if result.net < 0:
            errors["net"].append(
                _("%(code)s: 差引支給額がマイナスです(%(net)s円)。控除を見直してください。")
                % {"code": code, "net": f"{result.net:,}"}
            )
        before = previous.get(inp.employee_id)
        if before is None:
            result.flags.append(_("前月の給与がありません。"))
        elif before and abs(result.net - before) > BIG_CHANGE * before:
            result.flags.append(
                _("差引支給額が前月から大きく変わりました(%(before)s円 → %(after)s円)。")
                % {"before": f"{before:,}", "after": f"{result.net:,}"}
            )
        result.flags.extend(transfers.payee_problems(employee_id=inp.employee_id))
        results.append(result)
    if not profiles:
        errors["month"].append(_("給与マスタが登録された従業員がいません。"))
    if errors:
        raise ValidationFailed(_("給与計算できません。"), errors=dict(errors))
    return profiles, results


def _revision_for(month: dt.date, reason: str) -> int:
    """Drop an open run of the month (same revision); a fixed one needs a reason (next revision)."""
    current = _current_runs(month, PayRun.Kind.SALARY)
    revision = 1
    fixed = [r for r in current if r.status == PayRun.Status.FIXED]
    if fixed:
        if not reason:
            raise ValidationFailed(
                _("確定済みの給与を再計算するには理由が必要です。"),
                errors={"reason": [_("再計算の理由を入力してください。")]},
            )
        revision = fixed[-1].revision + 1
    for run in current:
        if run.status != PayRun.Status.FIXED:
            revision = run.revision
            run.delete()
    return revision


def _payslip(run: PayRun, profile: Any, r: PayResult) -> Payslip:
    return Payslip(
        run=run,
        employee_id=profile.employee_id,
        department_id=profile.employee.department_id,
        gross=r.gross,
        taxable=r.taxable,
        social_insurance=r.social_insurance,
        employment_insurance=r.employment_insurance,
        income_tax=r.income_tax,
        resident_tax=r.resident_tax,
        other_deductions=r.other_deductions,
        net=r.net,
        employer_cost=r.employer_cost,
        lines=r.lines,
        flags=r.flags,
    )


def pay_run_calculate(
    *,
    actor: Any,
    month: dt.date,
    reason: str = "",
    figures_for: FiguresFor | None = None,
) -> PayRun:
    """Calculate (or recalculate) the salary run of an attendance month: all employees or none.

    A draft or checked run of the month is replaced; a fixed run is corrected only by a new
    revision with a reason (its journal is reversed when the new revision is fixed).
    """
    require(actor, "payroll.manage")
    month = runs.month_start(month)
    settings = runs.settings_get()
    pay_date = runs.pay_date_for(month, settings)
    withholding.check_tax_date(pay_date)
    reason = (reason or "").strip()
    with transaction.atomic():
        revision = _revision_for(month, reason)
        profiles, results = _compute_all(month, pay_date, figures_for or _default_figures(month))
        run = PayRun.objects.create(
            kind=PayRun.Kind.SALARY,
            month=month,
            pay_date=pay_date,
            revision=revision,
            reason=reason,
            tax_method=settings.tax_method,
        )
        slips = [_payslip(run, p, r) for p, r in zip(profiles, results, strict=True)]
        Payslip.objects.bulk_create(slips, batch_size=1000)
        run.totals = runs.totals_of(slips)
        run.save(update_fields=["totals"])
        audit_record(
            actor=actor,
            action="payroll.pay_run.calculate",
            target=run,
            changes={
                "month": [None, f"{month:%Y-%m}"],
                "revision": [None, revision],
                "totals": [None, run.totals],
                **({"reason": [None, reason]} if reason else {}),
            },
        )
    return run


def lock_run(run: PayRun) -> PayRun:
    locked = PayRun.objects.select_for_update().filter(pk=run.pk).first()
    if locked is None:
        from urakata.core.errors import NotFound

        raise NotFound(_("給与計算が見つかりません。"))
    return locked


def pay_run_check(*, actor: Any, run: PayRun) -> PayRun:
    """Mark a calculated run as checked (the diff against last month has been reviewed)."""
    require(actor, "payroll.manage")
    with transaction.atomic():
        run = lock_run(run)
        if run.status != PayRun.Status.DRAFT:
            raise Conflict(_("計算済みの給与だけを確認済みにできます。"))
        run.status = PayRun.Status.CHECKED
        run.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="payroll.pay_run.check",
            target=run,
            changes={"status": [PayRun.Status.DRAFT, PayRun.Status.CHECKED]},
        )
    return run


def journal_lines(run: PayRun) -> list[dict[str, Any]]:
    """The payroll journal of a run: 給料手当 per department and 法定福利費 against 預り金 per kind
    and 未払費用 (net pay and the employer's premiums). Balances by construction."""
    gross_by_dept: dict[int | None, int] = defaultdict(int)
    welfare_by_dept: dict[int | None, int] = defaultdict(int)
    rows: list[tuple[int | None, int, int]] = list(
        run.payslips.values_list("department_id", "gross", "employer_cost")
    )
    for dept, gross, employer in rows:
        gross_by_dept[dept] += gross
        welfare_by_dept[dept] += employer
    t = run.totals
    lines: list[dict[str, Any]] = []
    for dept in sorted(gross_by_dept, key=lambda d: d or 0):
        lines.append(
            {
                "account": BONUS_ACCOUNT if run.kind == PayRun.Kind.BONUS else SALARY_ACCOUNT,
                "debit": gross_by_dept[dept],
                "tax_code": "NT",
                "department_id": dept,
            }
        )
        if welfare_by_dept[dept]:
            lines.append(
                {
                    "account": WELFARE_ACCOUNT,
                    "debit": welfare_by_dept[dept],
                    "tax_code": "NT",
                    "department_id": dept,
                }
            )
    credits = [
        (WITHHELD_ACCOUNT, "01", t["income_tax"]),
        (WITHHELD_ACCOUNT, "02", t["resident_tax"]),
        (WITHHELD_ACCOUNT, "03", t["social_insurance"] + t["employment_insurance"]),
        (WITHHELD_ACCOUNT, "", t["other_deductions"]),
        (ACCRUED_ACCOUNT, "", t["net"] + t["employer_cost"]),
    ]
    for account, sub, amount in credits:
        if amount:
            line: dict[str, Any] = {"account": account, "credit": amount}
            if sub:
                line["sub_account"] = sub
            lines.append(line)
    return [line for line in lines if line.get("debit", 1)]


def _post_journal(run: PayRun, previous: PayRun | None, description: str) -> Any:
    """Post the run's journal as SYSTEM; a new revision corrects (reverses) the previous one's."""
    lines = journal_lines(run)
    if previous is not None and previous.journal_entry_id:
        entry = ledger_selectors.entry_get(actor=SYSTEM, entry_id=previous.journal_entry_id)
        _reversal, posted = ledger_services.journal_entry_correct(
            actor=SYSTEM,
            entry=entry,
            reason=run.reason or description,
            lines=lines,
            date=run.pay_date,
            description=description,
        )
        assert posted is not None
        return posted
    return ledger_services.journal_entry_post(
        actor=SYSTEM,
        date=run.pay_date,
        description=description,
        lines=lines,
        source="payroll",
        source_ref=f"payroll:{run.pk}",
    )


def _notify_employees(run: PayRun) -> None:
    """In-app notice and e-mail (after commit) that the payslip is ready — never the amounts."""
    from django.contrib.auth import get_user_model

    from urakata.workflow.notifications import notify

    users = get_user_model().objects.filter(employee__payslips__run=run, is_active=True)
    what = _("賞与明細") if run.kind == PayRun.Kind.BONUS else _("給与明細")
    message = _("%(month)s分の%(what)sが確定しました。裏方の「給与明細」で確認できます。") % {
        "month": f"{run.month:%Y年%m月}",
        "what": what,
    }
    notify(users=users, request=None, kind="payroll", message=message)


def pay_run_approve(*, actor: Any, run: PayRun) -> PayRun:
    """Approve and fix a checked run: lock it, post the payroll journal, request the transfers.

    Posting runs as SYSTEM (the human's capability was checked here and is in the audit event).
    A new revision reverses the journal of the run it corrects and marks that run superseded.
    """
    require(actor, "payroll.approve")
    with transaction.atomic():
        run = lock_run(run)
        if run.status != PayRun.Status.CHECKED:
            raise Conflict(_("確認済みの給与だけを承認できます。"))
        return pay_run_fix(actor=actor, run=run)


def pay_run_fix(*, actor: Any, run: PayRun) -> PayRun:
    """Fix an approved run (directly, or from the workflow's approval hook)."""
    with transaction.atomic():
        run = lock_run(run)
        if run.status not in (PayRun.Status.CHECKED, PayRun.Status.SUBMITTED):
            raise Conflict(_("確認済みの給与だけを承認できます。"))
        before = run.status
        description = (
            _("賞与 %(day)s支給") % {"day": f"{run.pay_date:%Y-%m-%d}"}
            if run.kind == PayRun.Kind.BONUS
            else _("給与 %(month)s分") % {"month": f"{run.month:%Y-%m}"}
        )
        previous = (
            PayRun.objects.select_for_update()
            .filter(kind=run.kind, month=run.month, status=PayRun.Status.FIXED)
            .exclude(pk=run.pk)
            .first()
        )
        posted = _post_journal(run, previous, description)
        if previous is not None:
            previous.status = PayRun.Status.SUPERSEDED
            previous.save(update_fields=["status"])
        run.status = PayRun.Status.FIXED
        run.fixed_at = timezone.now()
        run.journal_entry_id = posted.pk
        run.save(update_fields=["status", "fixed_at", "journal_entry_id"])
        requested = transfers.request_salary_transfers(run=run)
        _notify_employees(run)
        audit_record(
            actor=actor,
            action="payroll.pay_run.approve",
            target=run,
            changes={
                "status": [before, PayRun.Status.FIXED],
                "journal_entry": [None, posted.pk],
                "transfers": [None, requested],
                **({"superseded": [None, previous.pk]} if previous else {}),
            },
        )
    return run


def export_log(*, actor: Any, action: str, target: Any = None, details: dict[str, Any]) -> None:
    """Record that pay data left the system (payslip PDF, 賃金台帳): exports are audit events."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action,
            target=target,
            target_type=None if target is not None else "payroll",
            changes={k: [None, v] for k, v in details.items()},
        )

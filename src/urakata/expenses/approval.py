"""The claim's approval: route (manager, then accounting), the journal on final approval,
the payment request, and the payments hook that marks a claim paid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jpholiday
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.core.audit import audit_record
from urakata.core.errors import NotFound
from urakata.core.permissions import SYSTEM
from urakata.expenses import contracts, policy
from urakata.expenses.models import ClaimLine, ExpenseClaim
from urakata.ledger import services as ledger_services
from urakata.workflow.registry import subject_key, subject_type


def route_data() -> dict[str, Any]:
    """The built-in route: the applicant's department manager, then any accounting member."""
    return {
        "name": "経費精算の承認",
        "subject_type": subject_key(ExpenseClaim),
        "conditions": [],
        "priority": 0,
        "is_active": True,
        "steps": [
            {"name": "上長の承認", "approvers": [{"kind": "department_manager"}], "quorum": "any"},
            {
                "name": "経理の確認",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "any",
            },
        ],
    }


def tax_code(line: ClaimLine, *, reduced: bool) -> str:
    """P10/P08, or P10U/P08U (経過措置) when the line has no valid 登録番号."""
    base = "P08" if reduced else "P10"
    return base if policy.qualified(line) else base + "U"


def journal_lines(claim: ExpenseClaim) -> list[dict[str, Any]]:
    """Debit each expense account per tax code, credit 未払金 with the claim total."""
    out: list[dict[str, Any]] = []
    for line in claim.lines.all().order_by("date", "pk"):
        account = policy.CATEGORIES[line.category].account
        memo = f"{line.date:%m/%d} {line.payee or f'{line.route_from}→{line.route_to}'}"[:200]
        parts = (
            (line.amount_10, tax_code(line, reduced=False)),
            (line.amount_8, tax_code(line, reduced=True)),
            (line.amount_exempt, "PNT"),
        )
        for amount, code in parts:
            if amount:
                out.append(
                    {
                        "account": account,
                        "debit": amount,
                        "tax_code": code,
                        "department_id": claim.department_id,
                        "memo": memo,
                    }
                )
    out.append(
        {
            "account": contracts.LIABILITY_ACCOUNT,
            "credit": claim.total,
            "department_id": claim.department_id,
            "memo": f"{claim.employee} {claim.number}"[:200],
        }
    )
    return out


def next_payday(day: dt.date) -> dt.date:
    """The next business day after `day` (weekends and holidays skipped)."""
    day += dt.timedelta(days=1)
    while day.weekday() >= 5 or jpholiday.is_holiday(day):
        day += dt.timedelta(days=1)
    return day


def _approver(request: Any) -> Any:
    action = request.actions.filter(kind="approve").order_by("-at", "-pk").first()
    return action.actor if action and action.actor_id else SYSTEM


def _on_approved(subject: ExpenseClaim, request: Any) -> None:
    """Final approval: post the journal (as SYSTEM), ask payments to pay, record the approver."""
    claim = (
        ExpenseClaim.objects.select_for_update(of=("self",))
        .select_related("employee")
        .get(pk=subject.pk)
    )
    approver = _approver(request)
    today = timezone.localdate()
    entry = ledger_services.journal_entry_post(
        actor=SYSTEM,
        date=today,
        description=f"経費精算 {claim.number} {claim.employee}"[:200],
        lines=journal_lines(claim),
        source="expense",
        source_ref=claim.number,
        tax_entry="inclusive",
    )
    claim.status = ExpenseClaim.Status.APPROVED
    claim.approved_at = timezone.now()
    claim.journal_entry = entry
    claim.save(update_fields=["status", "approved_at", "journal_entry"])
    contracts.request_payment(claim=claim, due_date=next_payday(today))
    audit_record(
        actor=approver,
        action="expenses.claim.approve",
        target=claim,
        changes={
            "status": [ExpenseClaim.Status.SUBMITTED, claim.status],
            "journal_entry": entry.pk,
            "request": request.pk,
        },
    )


def _on_rejected(subject: ExpenseClaim, request: Any) -> None:
    _back(subject, ExpenseClaim.Status.REJECTED, "expenses.claim.reject", None)


def _on_withdrawn(subject: ExpenseClaim, request: Any) -> None:
    _back(subject, ExpenseClaim.Status.DRAFT, "expenses.claim.withdraw", subject.employee.user)


def _back(subject: ExpenseClaim, status: str, action: str, actor: Any) -> None:
    claim = ExpenseClaim.objects.select_for_update(of=("self",)).get(pk=subject.pk)
    before = claim.status
    claim.status = status
    claim.save(update_fields=["status"])
    audit_record(actor=actor, action=action, target=claim, changes={"status": [before, status]})


def claim_settled(*, actor: Any, source_id: int, paid_on: dt.date, batch_id: int) -> None:
    """Hook "payments.settled": the batch holding this claim's payment was paid."""
    with transaction.atomic():
        claim = ExpenseClaim.objects.select_for_update(of=("self",)).filter(pk=source_id).first()
        if claim is None:
            raise NotFound(_("経費精算が見つかりません。"))
        if claim.status == ExpenseClaim.Status.PAID:
            return
        before = claim.status
        claim.status = ExpenseClaim.Status.PAID
        claim.paid_on = paid_on
        claim.payment_batch_id = batch_id
        claim.save(update_fields=["status", "paid_on", "payment_batch_id"])
        audit_record(
            actor=actor,
            action="expenses.claim.paid",
            target=claim,
            changes={"status": [before, claim.status], "paid_on": paid_on.isoformat(),
                     "batch": batch_id},
        )  # fmt: skip


def _describe(subject: ExpenseClaim) -> list[tuple[str, str]]:
    rows = [
        (_("精算番号"), subject.number),
        (_("申請者"), str(subject.employee)),
        (_("件名"), subject.title),
        (_("合計金額"), f"{subject.total:,}円"),
    ]
    for finding in subject.findings or []:
        if finding.get("severity") == "warning":
            rows.append((_("注意"), str(finding.get("message", ""))))
    return rows


def _url(subject: ExpenseClaim) -> str:
    from django.urls import reverse

    return reverse("expenses:claim_detail", args=[subject.pk])


CLAIM_SUBJECT = subject_type(
    ExpenseClaim,
    label=gettext_noop("経費精算"),
    on_approved=_on_approved,
    on_rejected=_on_rejected,
    on_withdrawn=_on_withdrawn,
    fields_for_conditions=["total", "department.code"],
    describe=_describe,
    url=_url,
)

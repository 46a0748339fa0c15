"""Payment batches (振込バッチ): create → approve (maker → checker) → 全銀 file → paid.

- `batch_create` gathers open requests of one kind due by the transfer date (a bank business day:
  not a weekend, a 国民の祝日 (jpholiday) or a 銀行休業日 12/31, 1/2, 1/3) and freezes each payee's
  account, name and fee in the batch.
- `batch_submit` routes the batch through the workflow engine; someone other than its maker
  approves it (checker). A rejected batch releases its requests.
- `settle.batch_file` writes the 全銀 総合振込 / 給与 / 賞与 file of an approved batch (once);
  `settle.batch_mark_paid` posts the journal and calls the source domains' "payments.settled"
  hooks, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jpholiday
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import require, same_user
from urakata.payments.banks import bank_branch_check
from urakata.payments.kana import fits, name_lossy, name_normalise
from urakata.payments.models import (
    CompanyBankAccount,
    Kind,
    PaymentBatch,
    PaymentBatchItem,
    PaymentRequest,
)
from urakata.payments.selectors import payee_account
from urakata.workflow import services as workflow_services
from urakata.workflow.registry import subject_key

_BANK_HOLIDAYS = {(12, 31), (1, 2), (1, 3)}  # 銀行休業日 besides weekends and 国民の祝日


def is_bank_business_day(day: dt.date) -> bool:
    """Banks transfer on this day: not Sat/Sun, not a 祝日, not 12/31, 1/2 or 1/3."""
    return (
        day.weekday() < 5
        and not jpholiday.is_holiday(day)
        and (day.month, day.day) not in _BANK_HOLIDAYS
    )


def next_business_day(day: dt.date) -> dt.date:
    while not is_bank_business_day(day):
        day += dt.timedelta(days=1)
    return day


def previous_business_day(day: dt.date) -> dt.date:
    while not is_bank_business_day(day):
        day -= dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Skipped:
    """A due request left out of a batch, and why."""

    request: PaymentRequest
    reason: str


def _default_account() -> CompanyBankAccount | None:
    return CompanyBankAccount.objects.filter(is_active=True).order_by("-is_default", "pk").first()


def batch_totals_refresh(batch: PaymentBatch) -> None:
    sums = batch.items.aggregate(amount=Sum("amount"), fee=Sum("fee"))
    batch.total_amount = int(sums["amount"] or 0)
    batch.total_fee = int(sums["fee"] or 0)
    batch.item_count = batch.items.count()
    batch.save(update_fields=["total_amount", "total_fee", "item_count"])


def _item_for(
    request: PaymentRequest, company: CompanyBankAccount
) -> tuple[PaymentBatchItem | None, str]:
    account = payee_account(
        employee_id=request.payee_employee_id, counterparty_id=request.payee_counterparty_id
    )
    if account is None:
        return None, _("振込先口座が登録されていません。")
    _bank, _branch, problems = bank_branch_check(account.bank_code, account.branch_code)
    holder = name_normalise(account.account_holder_kana)
    if problems or not holder.ok:
        reasons = [*(m for ms in problems.values() for m in ms), *holder.problems]
        return None, _("振込先口座が正しくありません: %(why)s") % {"why": " ".join(reasons)}
    fee = (
        company.fee_same_bank if account.bank_code == company.bank_code else company.fee_other_bank
    )
    amount = request.amount
    company_fee = fee
    if request.fee_bearer == PaymentRequest.FeeBearer.PAYEE:
        amount, company_fee = request.amount - fee, 0
        if amount <= 0:
            return None, _("金額が振込手数料以下です。")
    if amount > 9_999_999_999:
        return None, _("1件の振込金額は10桁までです。")
    bank = ledger_free_name(account.bank_name, account.bank_code, branch=None)
    branch = ledger_free_name(account.branch_name, account.bank_code, branch=account.branch_code)
    return (
        PaymentBatchItem(
            request=request,
            bank_code=account.bank_code,
            bank_name_kana=bank,
            branch_code=account.branch_code,
            branch_name_kana=branch,
            account_type=account.account_type,
            account_number=account.account_number.zfill(7),
            payee_name_kana=fits(holder.value, 30),
            amount=amount,
            fee=company_fee,
            customer_code=f"{request.pk:010d}"[-10:],
        ),
        "",
    )


def ledger_free_name(name: str, bank_code: str, *, branch: str | None) -> str:
    """The 15-byte kana name of a bank or branch from the zengin-code master (blank if unknown)."""
    from urakata.payments.banks import bank_lookup, branch_lookup

    found = bank_lookup(bank_code) if branch is None else branch_lookup(bank_code, branch)
    return fits(found.kana if found else name_lossy(name), 15)


def _create_check(
    transfer_date: dt.date, kind: str, company_account_id: int | None
) -> CompanyBankAccount:
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("種別は transfer / salary / bonus のいずれかです。")]
    if not is_bank_business_day(transfer_date):
        errors["transfer_date"] = [
            _("%(day)s は銀行の営業日ではありません(次の営業日: %(next)s)。")
            % {
                "day": transfer_date.isoformat(),
                "next": next_business_day(transfer_date).isoformat(),
            }
        ]
    company = (
        CompanyBankAccount.objects.filter(pk=company_account_id, is_active=True).first()
        if company_account_id
        else _default_account()
    )
    if company is None:
        errors["company_account_id"] = [_("振込元の自社口座が登録されていません。")]
    if errors:
        raise ValidationFailed(_("振込バッチを作成できません。"), errors=errors)
    assert company is not None
    return company


def batch_create(
    *,
    actor: Any,
    transfer_date: dt.date,
    kind: str = Kind.TRANSFER,
    company_account_id: int | None = None,
    request_ids: Iterable[int] | None = None,
) -> tuple[PaymentBatch, list[Skipped]]:
    """Gather open requests of `kind` due by `transfer_date` (or the listed ones) into a batch."""
    require(actor, "payments.manage")
    company = _create_check(transfer_date, kind, company_account_id)
    with transaction.atomic():
        due = PaymentRequest.objects.select_for_update().filter(
            status=PaymentRequest.Status.OPEN, kind=kind
        )
        if request_ids is not None:
            due = due.filter(pk__in=list(request_ids))
        else:
            due = due.filter(due_date__lte=transfer_date)
        items, skipped = _gather(due.order_by("due_date", "pk"), company)
        batch = PaymentBatch.objects.create(
            company_account=company,
            kind=kind,
            transfer_date=transfer_date,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for item in items:
            item.batch = batch
        PaymentBatchItem.objects.bulk_create(items)
        PaymentRequest.objects.filter(pk__in=[i.request_id for i in items]).update(
            status=PaymentRequest.Status.BATCHED
        )
        batch_totals_refresh(batch)
        audit_record(
            actor=actor,
            action="payments.batch.create",
            target=batch,
            changes={
                "kind": kind,
                "transfer_date": transfer_date,
                "company_account": company.pk,
                "requests": [i.request_id for i in items],
                "total_amount": batch.total_amount,
                "total_fee": batch.total_fee,
                "skipped": {str(s.request.pk): s.reason for s in skipped},
            },
        )
    return batch, skipped


def _gather(
    due: Iterable[PaymentRequest], company: CompanyBankAccount
) -> tuple[list[PaymentBatchItem], list[Skipped]]:
    """Items for the requests that can be sent; the others with the reason (none: refused)."""
    items: list[PaymentBatchItem] = []
    skipped: list[Skipped] = []
    for request in due:
        item, reason = _item_for(request, company)
        if item is None:
            skipped.append(Skipped(request, reason))
        else:
            items.append(item)
    if not items:
        reasons = [f"#{s.request.pk}: {s.reason}" for s in skipped]
        raise ValidationFailed(
            _("振込できる支払依頼がありません。"),
            errors={"requests": reasons or [_("期日までの未処理の支払依頼がありません。")]},
        )
    return items, skipped


def batch_locked(batch_id: int) -> PaymentBatch:
    batch = PaymentBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("振込バッチが見つかりません。"))
    return batch


def batch_status_set(
    batch: PaymentBatch, status: str, *, actor: Any, action: str, **extra: Any
) -> None:
    old = batch.status
    batch.status = status
    batch.save(update_fields=["status", *[k for k in extra if hasattr(batch, k)]])
    audit_record(
        actor=actor,
        action=action,
        target=batch,
        changes={"status": [old, status], **{k: str(v) for k, v in extra.items()}},
    )


def _release(batch: PaymentBatch) -> None:
    PaymentRequest.objects.filter(
        pk__in=batch.items.values("request_id"), status=PaymentRequest.Status.BATCHED
    ).update(status=PaymentRequest.Status.OPEN)


def batch_route_data() -> dict[str, Any]:
    """The built-in route: an accounting member other than the maker approves (checker)."""
    return {
        "name": "振込バッチの承認",
        "subject_type": subject_key(PaymentBatch),
        "conditions": [],
        "priority": 0,
        "is_active": True,
        "steps": [
            {
                "name": "経理の承認(作成者以外)",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "any",
            }
        ],
    }


def batch_submit(*, actor: Any, batch_id: int, comment: str = "") -> PaymentBatch:
    """Send a draft batch for approval (maker → checker)."""
    require(actor, "payments.manage")
    workflow_services.route_seed(data=batch_route_data())
    with transaction.atomic():
        batch = batch_locked(batch_id)
        if batch.status != PaymentBatch.Status.DRAFT:
            raise Conflict(
                _("作成中のバッチだけを申請できます(現在: %(s)s)。")
                % {"s": batch.get_status_display()}
            )
        if not batch.items.exists():
            raise Conflict(_("明細のないバッチは申請できません。"))
        batch_status_set(
            batch, PaymentBatch.Status.PENDING, actor=actor, action="payments.batch.submit"
        )
        workflow_services.request_submit(
            actor=actor,
            subject=batch,
            title=_("振込: %(date)s %(kind)s %(n)s件 %(amount)s円")
            % {
                "date": batch.transfer_date.isoformat(),
                "kind": batch.get_kind_display(),
                "n": batch.item_count,
                "amount": f"{batch.total_amount:,}",
            },
            amount=batch.total_amount,
            comment=comment,
        )
    return batch


def on_approved(subject: PaymentBatch, request: Any) -> None:
    """Workflow hook: the checker (not the maker) approves, in the deciding transaction."""
    approver = None
    for action in request.actions.filter(kind="approve").order_by("-at", "-pk"):
        if action.actor_id and action.actor_id != subject.created_by_id:
            approver = action.actor
            break
    if approver is None:
        raise Conflict(_("振込バッチは作成者以外の経理担当者が承認してください。"))
    subject.approved_by = approver
    batch_status_set(
        subject,
        PaymentBatch.Status.APPROVED,
        actor=approver,
        action="payments.batch.approve",
        approved_by=approver.pk,
    )


def on_rejected(subject: PaymentBatch, request: Any) -> None:
    _release(subject)
    batch_status_set(
        subject, PaymentBatch.Status.REJECTED, actor=None, action="payments.batch.reject"
    )


def on_withdrawn(subject: PaymentBatch, request: Any) -> None:
    batch_status_set(
        subject,
        PaymentBatch.Status.DRAFT,
        actor=subject.created_by,
        action="payments.batch.withdraw",
    )


def batch_cancel(*, actor: Any, batch_id: int) -> PaymentBatch:
    """Drop a draft or approved batch that was not paid; its requests become open again."""
    require(actor, "payments.manage")
    with transaction.atomic():
        batch = batch_locked(batch_id)
        if batch.status not in (PaymentBatch.Status.DRAFT, PaymentBatch.Status.APPROVED):
            raise Conflict(
                _("このバッチは取り消せません(現在: %(s)s)。") % {"s": batch.get_status_display()}
            )
        _release(batch)
        batch_status_set(
            batch, PaymentBatch.Status.CANCELLED, actor=actor, action="payments.batch.cancel"
        )
    return batch


def batch_is_maker(actor: Any, batch: PaymentBatch) -> bool:
    return batch.created_by is not None and same_user(actor, batch.created_by)

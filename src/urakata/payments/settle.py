"""Settling an approved batch: its 全銀 file (written once, stored) and marking it paid.

`batch_mark_paid` posts one journal entry (債務 → 普通預金, 支払手数料 for fees the company bears)
with SYSTEM as the ledger actor (the human's `payments.manage` was checked and is recorded in the
audit event), marks the requests paid and calls each source domain's "payments.settled" hook, all
in one transaction: a hook that fails rolls the payment back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.domains import hook_targets
from urakata.core.errors import Conflict
from urakata.core.files import generated_file, stored_file_save
from urakata.core.models import StoredFile
from urakata.core.permissions import SYSTEM, require
from urakata.ledger import cache as ledger_cache
from urakata.ledger import services as ledger_services
from urakata.ledger.models import JournalEntry
from urakata.payments import zengin
from urakata.payments.batches import batch_locked, batch_status_set, ledger_free_name
from urakata.payments.kana import fits
from urakata.payments.models import PaymentBatch, PaymentRequest

BANK_ACCOUNT = "1140"  # 普通預金
FEE_ACCOUNT = "7380"  # 支払手数料


def batch_file_bytes(batch: PaymentBatch) -> bytes:
    """The 全銀 file of a batch from its frozen items and the company account."""
    company = batch.company_account
    header = zengin.Header(
        kind=batch.kind,
        consignor_code=company.consignor_code,
        consignor_name=fits(company.consignor_name_kana, 40),
        transfer_date=batch.transfer_date,
        bank_code=company.bank_code,
        bank_name=ledger_free_name(company.bank_name, company.bank_code, branch=None),
        branch_code=company.branch_code,
        branch_name=ledger_free_name(
            company.branch_name, company.bank_code, branch=company.branch_code
        ),
        account_type=company.account_type or "1",
        account_number=company.account_number.zfill(7),
    )
    transfers = [
        zengin.Transfer(
            bank_code=i.bank_code,
            bank_name=i.bank_name_kana,
            branch_code=i.branch_code,
            branch_name=i.branch_name_kana,
            account_type=i.account_type,
            account_number=i.account_number,
            payee_name=i.payee_name_kana,
            amount=i.amount,
            customer_code=i.customer_code,
        )
        for i in batch.items.order_by("pk")
    ]
    return zengin.zengin_build(header, transfers, line_ending=company.line_ending)


def batch_file(*, actor: Any, batch_id: int) -> StoredFile:
    """Write (once) and store the batch's 全銀 file; only for an approved or paid batch."""
    require(actor, "payments.manage")
    with transaction.atomic():
        batch = batch_locked(batch_id)
        if batch.file_id:
            return batch.file  # type: ignore[return-value]
        if batch.status != PaymentBatch.Status.APPROVED:
            raise Conflict(
                _("承認済みのバッチだけが全銀ファイルを作れます(現在: %(s)s)。")
                % {"s": batch.get_status_display()}
            )
        content = batch_file_bytes(batch)
        name = f"zengin_{batch.transfer_date:%Y%m%d}_{batch.kind}_{batch.pk}.txt"
        checked = generated_file(name, content, "text/plain")
        stored = stored_file_save(
            actor=actor, checked=checked, purpose=StoredFile.Purpose.ATTACHMENT
        )
        batch.file = stored
        batch.save(update_fields=["file"])
        audit_record(
            actor=actor,
            action="payments.batch.file",
            target=batch,
            changes={"file": [None, stored.pk], "sha256": stored.sha256, "bytes": len(content)},
        )
    return stored


def _journal_lines(batch: PaymentBatch) -> list[dict[str, Any]]:
    debits: dict[tuple[str, int | None], int] = defaultdict(int)
    bank_out = 0
    for item in batch.items.select_related("request"):
        request = item.request
        debits[(request.liability_account_code, request.payee_counterparty_id)] += request.amount
        bank_out += request.amount + item.fee
    lines: list[dict[str, Any]] = [
        {"account": code, "debit": amount, "counterparty_id": counterparty}
        for (code, counterparty), amount in sorted(
            debits.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
        )
    ]
    if batch.total_fee:
        fee_account = ledger_cache.account_by_code(FEE_ACCOUNT)
        tax = None
        if fee_account is not None and fee_account.default_tax_code_id:
            info = ledger_cache.chart().tax_by_id.get(fee_account.default_tax_code_id)
            tax = info.code if info else None
        lines.append(
            {
                "account": FEE_ACCOUNT,
                "debit": batch.total_fee,
                "tax_code": tax,
                "memo": "振込手数料",
            }
        )
    bank_line: dict[str, Any] = {"account": BANK_ACCOUNT, "credit": bank_out}
    if batch.company_account.ledger_sub_account:
        bank_line["sub_account"] = batch.company_account.ledger_sub_account
    lines.append(bank_line)
    return lines


def batch_mark_paid(*, actor: Any, batch_id: int, paid_on: dt.date | None = None) -> PaymentBatch:
    """The bank carried out the transfers: post the journal, mark requests paid, tell the sources."""
    require(actor, "payments.manage")
    with transaction.atomic():
        batch = batch_locked(batch_id)
        if batch.status != PaymentBatch.Status.APPROVED:
            raise Conflict(
                _("承認済みのバッチだけを支払済みにできます(現在: %(s)s)。")
                % {"s": batch.get_status_display()}
            )
        if not batch.file_id:
            raise Conflict(_("先に全銀ファイルを作成してください。"))
        day = paid_on or batch.transfer_date
        entry = ledger_services.journal_entry_post(
            actor=SYSTEM,  # the human's capability was checked above; recorded in our event
            date=day,
            description=_("振込 %(date)s %(kind)s %(n)s件")
            % {
                "date": batch.transfer_date.isoformat(),
                "kind": batch.get_kind_display(),
                "n": batch.item_count,
            },
            lines=_journal_lines(batch),
            source=JournalEntry.Source.PAYMENT,
            source_ref=f"payments.batch:{batch.pk}",
            tax_entry="inclusive",
        )
        batch.paid_on = day
        batch.journal_entry_id = entry.pk
        batch.save(update_fields=["paid_on", "journal_entry_id"])
        batch_status_set(
            batch,
            PaymentBatch.Status.PAID,
            actor=actor,
            action="payments.batch.paid",
            paid_on=day,
            journal_entry=entry.pk,
        )
        requests = list(PaymentRequest.objects.filter(pk__in=batch.items.values("request_id")))
        PaymentRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
            status=PaymentRequest.Status.PAID, paid_on=day
        )
        hooks = hook_targets("payments.settled")
        for request in sorted(requests, key=lambda r: r.pk):
            hook = hooks.get(request.source)
            if hook is not None:
                hook(actor=actor, source_id=request.source_id, paid_on=day, batch_id=batch.pk)
    return batch

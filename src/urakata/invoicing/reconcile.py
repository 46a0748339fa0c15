"""Matching in the database: open invoices × unmatched deposits → proposals; bulk confirm."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.invoicing import selectors, services
from urakata.invoicing.matching import Deposit, OpenItem, Proposal, normalise_name, propose
from urakata.invoicing.models import Invoice, InvoicePayment
from urakata.ledger.models import BankTransaction

UNMATCHED = (BankTransaction.Status.NEW, BankTransaction.Status.SUGGESTED)


def _open_items(actor: Any) -> list[OpenItem]:
    items = []
    for invoice in selectors.open_invoices(actor=actor):
        open_amount = invoice.open_amount
        if open_amount <= 0:
            continue
        cp = invoice.counterparty
        names = {normalise_name(invoice.recipient_name)}
        if cp is not None:
            names |= {normalise_name(cp.name), normalise_name(cp.name_kana)}
        items.append(
            OpenItem(
                invoice_id=invoice.pk,
                number=invoice.number,
                customer_id=invoice.counterparty_id,
                names=tuple(sorted(n for n in names if n)),
                open_amount=open_amount,
                due_date_ordinal=invoice.due_date.toordinal() if invoice.due_date else 0,
            )
        )
    return items


def _deposits() -> list[tuple[BankTransaction, Deposit]]:
    matched = set(
        InvoicePayment.objects.exclude(bank_transaction=None).values_list(
            "bank_transaction_id", flat=True
        )
    )
    rows = []
    for tx in BankTransaction.objects.filter(
        status__in=UNMATCHED, amount__gt=0, entry=None
    ).select_related("feed"):
        if tx.pk in matched:
            continue
        rows.append(
            (tx, Deposit(tx.pk, normalise_name(tx.description), tx.amount, tx.date.toordinal()))
        )
    return rows


def match_proposals(*, actor: Any) -> list[dict[str, Any]]:
    """Proposed matches of unmatched deposits to open invoices, best first per deposit."""
    require(actor, "invoicing.manage")
    deposits = _deposits()
    by_id = {tx.pk: tx for tx, _d in deposits}
    proposals = propose((d for _tx, d in deposits), _open_items(actor))
    return [_as_dict(p, by_id[p.line_id]) for p in proposals]


def _as_dict(proposal: Proposal, tx: BankTransaction) -> dict[str, Any]:
    return {
        "bank_transaction_id": tx.pk,
        "date": tx.date,
        "description": tx.description,
        "amount": tx.amount,
        "kind": proposal.kind,
        "score": proposal.score,
        "invoices": proposal.numbers,
        "allocations": [
            {"invoice_id": i, "amount": a, "fee": f} for i, a, f in proposal.allocations
        ],
    }


def matches_confirm(*, actor: Any, selections: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Apply confirmed matches (bulk): each posts 普通預金 + 支払手数料 / 売掛金 and marks the line.

    `selections` are proposals as returned by `match_proposals` (bank_transaction_id and
    allocations), possibly edited by the user. Each selection is its own transaction, so one
    stale selection does not undo the others; the failures are reported.
    """
    require(actor, "invoicing.manage")
    done, failed = [], []
    for index, selection in enumerate(selections):
        try:
            tx = BankTransaction.objects.select_related("feed__account", "feed__sub_account").get(
                pk=int(selection["bank_transaction_id"])
            )
        except (BankTransaction.DoesNotExist, KeyError, TypeError, ValueError):
            failed.append({"index": index, "error": _("銀行明細が見つかりません。")})
            continue
        try:
            allocations = []
            for alloc in selection.get("allocations") or []:
                invoice = Invoice.objects.get(pk=int(alloc["invoice_id"]))
                allocations.append((invoice, int(alloc["amount"]), int(alloc.get("fee") or 0)))
            if sum(a for _i, a, _f in allocations) != tx.amount:
                raise ValidationFailed(
                    _("入金額が一致しません。"),
                    errors={
                        "allocations": [
                            _("消込額の合計が入金額 %(n)s 円と一致しません。")
                            % {"n": f"{tx.amount:,}"}
                        ]
                    },
                )
            if tx.status not in UNMATCHED or tx.entry_id:
                raise ValidationFailed(
                    _("この明細は処理済みです。"), errors={"bank_transaction_id": [str(tx.pk)]}
                )
            services.payment_apply(
                actor=actor,
                date=tx.date,
                allocations=allocations,
                bank_account=tx.feed.account.code,
                bank_sub_account=tx.feed.sub_account.code if tx.feed.sub_account else None,
                bank_transaction=tx,
            )
            done.append(tx.pk)
        except (Invoice.DoesNotExist, KeyError, TypeError, ValueError):
            failed.append({"index": index, "error": _("請求書が見つかりません。")})
        except (ValidationFailed, NotFound) as exc:
            failed.append({"index": index, "error": exc.message, "errors": exc.errors})
        except Exception as exc:  # Conflict and friends: report, keep going
            from urakata.core.errors import DomainError

            if not isinstance(exc, DomainError):
                raise
            failed.append({"index": index, "error": exc.message})
    return {"confirmed": done, "failed": failed}

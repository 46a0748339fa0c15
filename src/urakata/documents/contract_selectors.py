"""E-contract reads: the register with its deadlines and 印紙代 saved, one contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import require
from urakata.documents import stamp_duty
from urakata.documents.contract_models import Contract

SOON_DAYS = 60


@dataclass(frozen=True)
class ContractRow:
    """A register line: the contract and its deadlines."""

    contract: Contract
    notice_deadline: dt.date  # the last day to give notice (解約予告の期限)
    expiring_soon: bool
    expired: bool
    stamp_duty: int  # the 印紙税 a paper original would need
    stamp_saved: int  # … saved: the contract was concluded electronically (else 0)


def contract_made_on(contract: Contract, today: dt.date) -> dt.date:
    """The day the contract is (or would be) made: both parties' agreement, else today."""
    signed = contract.counterparty_signed_at or contract.company_signed_at
    return timezone.localdate(signed) if signed else today


def contract_stamp_duty(contract: Contract, today: dt.date) -> int:
    """The 印紙税 a paper original of this contract would need (none for the e-contract)."""
    return stamp_duty.stamp_duty(
        category=contract.stamp_category,
        amount=contract.amount,
        made_on=contract_made_on(contract, today),
        months=stamp_duty.term_months(contract.start_date, contract.end_date),
        renews=contract.auto_renew,
    )


def contract_list(*, actor: Any, today: dt.date) -> list[ContractRow]:
    """Every contract, newest first, with the renewal / notice deadline, expiry flags and the
    印紙代 it saves (counted once the contract is concluded)."""
    require(actor, "documents.contract_view")
    rows = []
    for contract in Contract.objects.select_related("counterparty").order_by("-created_at", "-pk"):
        deadline = contract.end_date - dt.timedelta(days=contract.notice_days)
        rows.append(
            ContractRow(
                contract=contract,
                notice_deadline=deadline,
                expiring_soon=contract.status == Contract.Status.SIGNED
                and today <= contract.end_date <= today + dt.timedelta(days=SOON_DAYS),
                expired=contract.end_date < today and not contract.auto_renew,
                stamp_duty=(duty := contract_stamp_duty(contract, today)),
                stamp_saved=duty if contract.status == Contract.Status.SIGNED else 0,
            )
        )
    return rows


@dataclass(frozen=True)
class ContractTotals:
    """The register's footer: contracts, concluded ones, and 印紙代 saved / still to save."""

    contracts: int
    concluded: int
    stamp_saved: int
    stamp_pending: int


def contract_totals(rows: list[ContractRow]) -> ContractTotals:
    """Totals of register rows (印紙代の節約額: concluded contracts; pending: the rest)."""
    concluded = [r for r in rows if r.contract.status == Contract.Status.SIGNED]
    return ContractTotals(
        contracts=len(rows),
        concluded=len(concluded),
        stamp_saved=sum(r.stamp_saved for r in rows),
        stamp_pending=sum(
            r.stamp_duty
            for r in rows
            if r.contract.status not in (Contract.Status.SIGNED, Contract.Status.REJECTED)
        ),
    )


REGISTER_HEADER = [
    "契約番号",
    "契約名",
    "契約の種類",
    "取引先",
    "契約金額",
    "契約開始日",
    "契約終了日",
    "自動更新",
    "解約予告の期限",
    "状態",
    "印紙税の区分",
    "紙の契約書の印紙税",
    "印紙代の節約額",
]


def register_row(row: ContractRow) -> list[Any]:
    """One line of the contract register CSV."""
    c = row.contract
    return [
        c.pk,
        c.title,
        c.contract_type,
        c.counterparty.name,
        c.amount,
        c.start_date.isoformat(),
        c.end_date.isoformat(),
        "あり" if c.auto_renew else "なし",
        row.notice_deadline.isoformat(),
        c.get_status_display(),
        c.get_stamp_category_display(),
        row.stamp_duty,
        row.stamp_saved,
    ]


def contract_get(*, actor: Any, contract_id: int) -> Contract:
    require(actor, "documents.contract_view")
    contract = (
        Contract.objects.select_related("counterparty", "document")
        .prefetch_related("links")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        raise NotFound(_("契約が見つかりません。"))
    return contract

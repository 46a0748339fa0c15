"""E-contract reads: the register with its deadlines, one contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import require
from urakata.documents.contract_models import Contract

SOON_DAYS = 60


@dataclass(frozen=True)
class ContractRow:
    """A register line: the contract and its deadlines."""

    contract: Contract
    notice_deadline: dt.date  # the last day to give notice (解約予告の期限)
    expiring_soon: bool
    expired: bool


def contract_list(*, actor: Any, today: dt.date) -> list[ContractRow]:
    """Every contract, newest first, with the renewal / notice deadline and expiry flags."""
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
            )
        )
    return rows


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

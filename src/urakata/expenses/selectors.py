"""Expense claim reads, scoped: own claims, the managed department's, or all for accounting."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.models import StoredFile
from urakata.core.permissions import require
from urakata.expenses.models import ClaimLine, ExpenseClaim


def claim_list(
    *, actor: Any, status: str | None = None, mine: bool = False
) -> QuerySet[ExpenseClaim]:
    require(actor, "expenses.submit")
    rows = ExpenseClaim.objects.visible_to(actor).select_related("employee", "department")
    if status:
        rows = rows.filter(status=status)
    if mine:
        rows = rows.filter(employee__user=actor)
    return rows


def claim_get(*, actor: Any, claim_id: int) -> ExpenseClaim:
    require(actor, "expenses.submit")
    claim = (
        ExpenseClaim.objects.visible_to(actor)
        .select_related("employee", "department", "journal_entry")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound(_("経費精算が見つかりません。"))
    return claim


def claim_lines(claim: ExpenseClaim) -> list[ClaimLine]:
    return list(claim.lines.select_related("receipt").order_by("date", "pk"))


def receipt_get(*, actor: Any, claim_id: int, line_id: int) -> StoredFile:
    """A line's receipt file, for whoever may see the claim."""
    claim = claim_get(actor=actor, claim_id=claim_id)
    line = claim.lines.select_related("receipt").filter(pk=line_id).first()
    if line is None or line.receipt is None:
        raise NotFound(_("領収書が見つかりません。"))
    return line.receipt

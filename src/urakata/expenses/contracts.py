"""Calls into the sibling domains below expenses, by their contracts: documents and payments.

- Receipts are filed in the document store as 領収書 (電帳法) when a claim is submitted
  (`documents.services.document_file_evidence`, idempotent per stored file + claim).
- Final approval asks payments to pay the employee (`payments.services.payment_request_add`,
  idempotent per claim); payments calls `approval.claim_settled` (hook "payments.settled").
Both run as SYSTEM: the expenses service has already checked the human actor, whom its own
audit event names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from urakata.core.permissions import SYSTEM
from urakata.documents.services import document_file_evidence
from urakata.payments.services import payment_request_add

SOURCE = "expenses"
LIABILITY_ACCOUNT = "3150"  # 未払金


def file_receipt(*, line: Any) -> Any | None:
    """File the line's receipt in the document store as a 領収書; None without a receipt."""
    if line.receipt is None:
        return None
    return document_file_evidence(
        actor=SYSTEM,
        stored_file=line.receipt,
        doc_type="receipt",
        title=f"{line.payee or line.purpose or line.claim.number} {line.amount:,}円"[:200],
        transaction_date=line.date,
        amount=line.amount,
        counterparty_id=None,
        registration_number=line.registration_number,
        related=("expenses.claim", line.claim_id),
        department_id=line.claim.department_id,
        capture="scan" if line.receipt.content_type.startswith("image/") else "electronic",
    )


def request_payment(*, claim: Any, due_date: dt.date) -> Any:
    """Ask payments to pay the claim's total to the employee (joins the next batch)."""
    return payment_request_add(
        actor=SYSTEM,
        source=SOURCE,
        source_id=claim.pk,
        payee_employee_id=claim.employee_id,
        amount=claim.total,
        due_date=due_date,
        description=f"経費精算 {claim.number}",
        liability_account_code=LIABILITY_ACCOUNT,
    )

"""Many payment requests at once (a pay run of 10,000 payslips): `payment_requests_add_bulk`.

The same contract as `services.payment_request_add`, item by item — the same validation, and
idempotent per (source, source_id): a new id is created, an open or cancelled one follows the new
values (reopened), one in a batch or paid is left unchanged — but the payees, the existing
requests and the account codes are looked up once, the rows are written in bulk, and the whole
call is one transaction (all or nothing) recorded as ONE audit event naming the counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Counterparty, Employee
from urakata.payments.models import Kind, PaymentRequest
from urakata.payments.services import _request_errors

_WRITE_BATCH = 1000


class BulkRequestItem(TypedDict, total=False):
    """One request of a bulk call (`source` is given once for the call)."""

    source_id: int
    payee_employee_id: int | None
    payee_counterparty_id: int | None
    amount: int
    due_date: dt.date
    description: str
    kind: str
    liability_account_code: str


_VALUES = ("amount", "due_date", "description", "kind", "liability_account_code")


def _checked(source: str, items: list[BulkRequestItem]) -> list[dict[str, Any]]:
    """Every item validated as `payment_request_add` does; errors keyed `items.N.field`."""
    employee_ids: set[int] = set()
    counterparty_ids: set[int] = set()
    for i in items:
        if isinstance(i.get("payee_employee_id"), int):
            employee_ids.add(int(i["payee_employee_id"] or 0))
        if isinstance(i.get("payee_counterparty_id"), int):
            counterparty_ids.add(int(i["payee_counterparty_id"] or 0))
    known = (
        set(Employee.objects.filter(pk__in=employee_ids).values_list("pk", flat=True)),
        set(Counterparty.objects.filter(pk__in=counterparty_ids).values_list("pk", flat=True)),
    )
    errors: dict[str, list[str]] = {}
    seen: set[Any] = set()
    rows: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        row: dict[str, Any] = {
            "source_id": item.get("source_id"),
            "payee_employee_id": item.get("payee_employee_id"),
            "payee_counterparty_id": item.get("payee_counterparty_id"),
            "amount": item.get("amount"),
            "due_date": item.get("due_date"),
            "description": item.get("description") or "",
            "kind": item.get("kind", Kind.TRANSFER),
            "liability_account_code": item.get("liability_account_code") or "",
        }
        found = _request_errors(source=source, known=known, **row)
        if row["source_id"] in seen:
            found.setdefault("source_id", []).append(_("発生元IDが重複しています。"))
        seen.add(row["source_id"])
        for field, messages in found.items():
            errors[f"items.{n}.{field}"] = messages
        row["description"] = row["description"].strip()
        rows.append(row)
    if errors:
        raise ValidationFailed(_("支払依頼を登録できません。"), errors=errors)
    return rows


def payment_requests_add_bulk(
    *, actor: Any, source: str, items: Iterable[BulkRequestItem]
) -> dict[str, int]:
    """Add or refresh many requests of one source; returns {"created", "updated", "unchanged"}.

    All or nothing: one invalid item refuses the whole call (errors keyed `items.N.field`).
    """
    require(actor, "payments.request")
    items = list(items)
    rows = _checked(source, items)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if not rows:
        return counts
    with transaction.atomic():
        existing: dict[int, PaymentRequest] = {}
        ids = [r["source_id"] for r in rows]
        for start in range(0, len(ids), _WRITE_BATCH):
            chunk = ids[start : start + _WRITE_BATCH]
            query = PaymentRequest.objects.select_for_update().filter(
                source=source, source_id__in=chunk
            )
            existing.update({r.source_id: r for r in query})
        new: list[PaymentRequest] = []
        changed: list[PaymentRequest] = []
        for row in rows:
            request = existing.get(row["source_id"])
            if request is None:
                new.append(PaymentRequest(source=source, **row))
            elif request.status in (PaymentRequest.Status.OPEN, PaymentRequest.Status.CANCELLED):
                if _follow(request, row):
                    changed.append(request)
                else:
                    counts["unchanged"] += 1
            else:
                counts["unchanged"] += 1  # in a batch or paid: left as it is
        PaymentRequest.objects.bulk_create(new, batch_size=_WRITE_BATCH)
        PaymentRequest.objects.bulk_update(changed, [*_VALUES, "status"], batch_size=_WRITE_BATCH)
        counts["created"], counts["updated"] = len(new), len(changed)
        audit_record(
            actor=actor,
            action="payments.request.add_bulk",
            target_type="payments.paymentrequest",
            changes={
                "source": source,
                "count": len(rows),
                **counts,
                "amount": sum(r["amount"] for r in rows),
                "source_ids": [min(ids), max(ids)],
            },
        )
    return counts


def _follow(request: PaymentRequest, row: dict[str, Any]) -> bool:
    """An open request takes the new values, a cancelled one is reopened; True if it changed."""
    changed = request.status == PaymentRequest.Status.CANCELLED
    request.status = PaymentRequest.Status.OPEN
    for name in _VALUES:
        if getattr(request, name) != row[name]:
            setattr(request, name, row[name])
            changed = True
    return changed

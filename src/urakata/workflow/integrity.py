"""Tamper evidence for approvals (`urakata audit verify`, check "workflow").

A request's status is re-derived from its action log (申請 → 差し戻し → 再申請 → 決裁 …) and compared
with the stored row, so a status edited by hand in the database (却下 → 承認) is named with the
request and the field.
"""

from __future__ import annotations

from collections.abc import Iterator

from urakata.workflow.models import Action, ApprovalRequest

Kind = Action.Kind
Status = ApprovalRequest.Status

# The status each action leaves a request in; other actions (comments, approvals of one step,
# reminders) do not change it.
_STATUS_AFTER: dict[str, Status] = {
    Kind.SUBMIT: Status.IN_PROGRESS,
    Kind.RESUBMIT: Status.IN_PROGRESS,
    Kind.RETURN: Status.RETURNED,
    Kind.WITHDRAW: Status.WITHDRAWN,
    Kind.COMPLETE: Status.APPROVED,
    Kind.CLOSE_REJECTED: Status.REJECTED,
}
_DECIDED = {Status.APPROVED, Status.REJECTED}


def _derived() -> dict[int, str]:
    derived: dict[int, str] = {}
    actions = (
        Action.objects.filter(kind__in=list(_STATUS_AFTER))
        .values_list("request_id", "kind")
        .order_by("request_id", "at", "pk")
    )
    for request_id, kind in actions.iterator(chunk_size=10000):
        derived[request_id] = str(_STATUS_AFTER[Kind(kind)].value)
    return derived


def _problems() -> Iterator[str]:
    derived = _derived()
    rows = ApprovalRequest.objects.values_list("pk", "number", "status", "decided_at").order_by(
        "pk"
    )
    for pk, number, status, decided_at in rows.iterator(chunk_size=10000):
        where = f"workflow request {number} (id {pk})"
        want = derived.get(pk)
        if want is None:
            yield f"{where}: no submit action"
            continue
        if status != want:
            yield f"{where}: status {status!r}, its actions say {want!r}"
        if (status in _DECIDED) != (decided_at is not None):
            yield f"{where}: decided_at {decided_at} does not fit status {status!r}"


def workflow_verify() -> list[str]:
    """Every request whose stored state disagrees with its action log."""
    return list(_problems())

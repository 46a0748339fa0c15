"""Tamper-evident audit chain (監査証跡): append inside the writer's transaction, verify by walking."""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from urakata.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces, so the same data always hashes the same."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def _normalise(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes as they will read back from a JSON column: plain JSON types, floats as text.

    PostgreSQL's jsonb may print a float differently than Python did (1e+16 comes back as
    10000000000000000), which would change the hash; Urakata never stores money as float anyway.
    """
    as_float_text = _float_text  # parse floats straight to text: no second walk over the data
    result: dict[str, Any] = json.loads(
        canonical_json(changes), parse_float=as_float_text, parse_constant=as_float_text
    )
    return result


def _float_text(text: str) -> str:
    return repr(float(text))


def event_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    changes: dict[str, Any],
    prev_hash: str,
    actor_label: str = "",
    target_repr: str = "",
    ip_address: str | None = None,
) -> str:
    """SHA-256 over the event's canonical JSON and the previous event's hash.

    Every column an auditor reads is covered (the label and address too, not only the ids), so a
    hand edit of any of them breaks the chain.
    """
    body = canonical_json(
        {
            "seq": seq,
            "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "target_repr": target_repr,
            "changes": changes,
            "ip": ip_address,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _target_parts(target: models.Model | None, target_type: str | None) -> tuple[str, str, str]:
    if target is None:
        return target_type or "", "", ""
    meta = target._meta
    return target_type or f"{meta.app_label}.{meta.model_name}", str(target.pk), str(target)[:200]


def _clean_ip(value: str | None) -> str | None:
    """The address as the database will store it (IPv6 compressed), so the hash matches later."""
    if not value:
        return None
    return clean_ipv6_address(value) if ":" in value else value


def _build_event(
    *,
    seq: int,
    at: datetime,
    prev_hash: str,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target: models.Model | None,
    target_type: str | None,
    changes: dict[str, Any] | None,
    ip_address: str | None,
) -> AuditEvent:
    """An unsaved event with its hash computed over exactly the values that will be stored."""
    ttype, tid, trepr = _target_parts(target, target_type)
    normalised = _normalise(changes or {})
    digest = event_hash(
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        target_type=ttype,
        target_id=tid,
        changes=normalised,
        prev_hash=prev_hash,
        actor_label=actor_label,
        target_repr=trepr,
        ip_address=ip_address,
    )
    return AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        target_type=ttype,
        target_id=tid,
        target_repr=trepr,
        changes=normalised,
        ip_address=ip_address,
        prev_hash=prev_hash,
        hash=digest,
    )


def _actor_parts(actor: Any, actor_label: str | None) -> tuple[int | None, str]:
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    label = (actor_label or (actor.get_username() if actor_id else "system"))[:150]
    return actor_id, label


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str | None = None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (rolled back with it).

    The UPDATE that bumps the chain head's seq also locks that row until the transaction ends, so
    concurrent writers queue and seq has no gaps or duplicates; then the event is inserted and the
    head's hash set: three statements, no savepoint, no extra SELECT (the posting hot path).
    """
    actor_id, label = _actor_parts(actor, actor_label)
    with transaction.atomic(savepoint=False):
        seq, last_hash = _lock_head()
        event = _build_event(
            seq=seq,
            at=timezone.now(),
            prev_hash=last_hash or GENESIS_HASH,
            actor_id=actor_id,
            actor_label=label,
            action=action,
            target=target,
            target_type=target_type,
            changes=changes,
            ip_address=_clean_ip(ip_address),
        )
        _insert_event(event)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditchainhead SET last_hash = %s WHERE id = 1", [event.hash]
            )
    return event


def _lock_head() -> tuple[int, str]:
    """Bump and lock the chain head row; returns (new seq, previous hash)."""
    sql = (
        "UPDATE core_auditchainhead SET last_seq = last_seq + 1 "
        "WHERE id = 1 RETURNING last_seq, last_hash"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:
            AuditChainHead.objects.get_or_create(pk=1)
            cursor.execute(sql)
            row = cursor.fetchone()
    return int(row[0]), str(row[1] or "")


_EVENT_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
    "ip_address",
    "prev_hash",
    "hash",
)


@functools.cache
def _event_fields() -> list[tuple[str, models.Field]]:  # type: ignore[type-arg]
    fields = []
    for name in _EVENT_COLUMNS:
        model_field = AuditEvent._meta.get_field("actor" if name == "actor_id" else name)
        assert isinstance(model_field, models.Field)
        fields.append((name, model_field))
    return fields


def _insert_event(event: AuditEvent) -> None:
    """INSERT the event with its values prepared by the model fields (JSON, datetime)."""
    meta = AuditEvent._meta
    values = [
        field.get_db_prep_save(getattr(event, name), connection) for name, field in _event_fields()
    ]
    columns = ", ".join(_EVENT_COLUMNS)
    placeholders = ", ".join(["%s"] * len(values))
    sql = f"INSERT INTO {meta.db_table} ({columns}) VALUES ({placeholders}) RETURNING id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias


def audit_record_many(
    *,
    actor: Any,
    entries: Iterable[tuple[str, models.Model, dict[str, Any]]],
    batch_size: int = 1000,
) -> int:
    """Append many events `(action, target, changes)` at once, in the caller's transaction.

    The same chain as `audit_record` (one seq and hash per event, in order), but the head is
    locked once and the events are inserted in batches: bulk imports stay O(batches) in queries.
    """
    actor_id, label = _actor_parts(actor, None)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.last_seq
        prev_hash = head.last_hash or GENESIS_HASH
        at = timezone.now()
        batch: list[AuditEvent] = []
        count = 0
        for action, target, changes in entries:
            seq += 1
            event = _build_event(
                seq=seq,
                at=at,
                prev_hash=prev_hash,
                actor_id=actor_id,
                actor_label=label,
                action=action,
                target=target,
                target_type=None,
                changes=changes,
                ip_address=None,
            )
            batch.append(event)
            prev_hash = event.hash
            count += 1
            if len(batch) >= batch_size:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        if batch:
            AuditEvent.objects.bulk_create(batch)
        if count:
            head.last_seq = seq
            head.last_hash = prev_hash
            head.save(update_fields=["last_seq", "last_hash"])
    return count


def diff(
    instance: models.Model, fields: list[str], new_values: dict[str, Any]
) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for the fields whose value changes."""
    changes: dict[str, list[Any]] = {}
    for name in fields:
        if name not in new_values:
            continue
        old = getattr(instance, name)
        new = new_values[name]
        if isinstance(old, models.Model):
            old = old.pk
        if isinstance(new, models.Model):
            new = new.pk
        if old != new:
            changes[name] = [old, new]
    return changes


@dataclass
class VerifyResult:
    """Outcome of walking the chain: how many events checked, and the first broken seq if any."""

    verified: int
    ok: bool
    broken_seq: int | None = None
    reason: str = ""
    head_hash: str = ""  # the last event's hash: write it down elsewhere to anchor the chain

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verified": self.verified,
            "broken_seq": self.broken_seq,
            "reason": self.reason,
            "head_hash": self.head_hash,
        }


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


def audit_verify() -> VerifyResult:
    """Recompute every hash in seq order; name the first event altered, deleted or out of order."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    for event in _events():
        if event.seq != expected_seq:
            return VerifyResult(
                count, False, expected_seq, f"seq {expected_seq} is missing (found {event.seq})"
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(count, False, event.seq, "prev_hash does not match the chain")
        digest = event_hash(
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            changes=event.changes,
            prev_hash=event.prev_hash,
            actor_label=event.actor_label,
            target_repr=event.target_repr,
            ip_address=event.ip_address,
        )
        if digest != event.hash:
            return VerifyResult(count, False, event.seq, "content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        count += 1
    # The head is written in the same transaction as each event: a row appended or removed at
    # the end behind the application's back disagrees with it even when its own hash is right.
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq = head.last_seq if head is not None else 0
    if head_seq != count:
        return VerifyResult(
            count,
            False,
            min(count, head_seq) + 1,
            f"chain head says {head_seq} events, found {count}",
        )
    if head is not None and count and head.last_hash != prev_hash:
        return VerifyResult(count, False, count, "chain head hash does not match the last event")
    return VerifyResult(count, True, head_hash=prev_hash if count else "")


_VERIFY_SAMPLE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "urakata_verify_sample", default=None
)


def verify_sample() -> float | None:
    """The share of rows a domain verifier checks (`audit verify --fast`); None = every row.

    The chain walk is always complete; a verifier that re-hashes bulk data (the journal's
    lines) may check only this share of it, chosen at random, and say so.
    """
    return _VERIFY_SAMPLE.get()


def audit_verify_all(*, sample: float | None = None) -> tuple[VerifyResult, dict[str, list[str]]]:
    """The chain walk plus every domain check declared in a manifest (problems per domain).

    Domains whose books are protected by the chain declare `audit_verifiers` in their manifest
    (the kernel never imports a domain); each returns a list of problems, so a hand-edited row
    whose audit event recorded its hash is caught. `sample` (0 < sample < 1) lets verifiers of
    bulk data check a random share of their rows (`verify_sample`).
    """
    from urakata.core.domains import audit_verifiers

    token = _VERIFY_SAMPLE.set(sample if sample is not None and 0 < sample < 1 else None)
    try:
        return audit_verify(), {name: check() for name, check in audit_verifiers().items()}
    finally:
        _VERIFY_SAMPLE.reset(token)

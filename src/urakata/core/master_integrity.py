"""Tamper evidence for master rows (`urakata audit verify`): each row against its audited changes.

Every service that creates or changes a master row (employee, department, counterparty, account)
records `{field: [old, new]}` in the audit chain, and the chain itself is hash-linked. Replaying
those changes in order gives, for every field an event recorded, the value the row must hold now;
a row whose stored value differs was edited outside the services (a raw SQL UPDATE), and is named
with its code, id and field. Fields no event recorded (rows from migrations or columns a service
never records) are not judged; a row the chain created but the table no longer holds is named too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from django.db import models

from urakata.core.audit import canonical_json
from urakata.core.models import AuditEvent


def _as_json(value: Any) -> Any:
    """A stored value as the audit chain's JSON column reads it back (dates as ISO text …)."""
    return json.loads(canonical_json(value), parse_float=lambda text: repr(float(text)))


def _lookups(model: type[models.Model], fields: Mapping[str, str]) -> dict[str, str]:
    """Audited field name → the ORM path that reads the value the event recorded."""
    result: dict[str, str] = {}
    for name, lookup in fields.items():
        if lookup:
            result[name] = lookup
            continue
        field = model._meta.get_field(name)
        result[name] = field.attname if isinstance(field, models.ForeignKey) else name
    return result


def _recorded(target_type: str, names: set[str]) -> dict[str, dict[str, Any]]:
    """Per target id, each recorded field's latest new value (a deleted target drops out)."""
    latest: dict[str, dict[str, Any]] = {}
    events = (
        AuditEvent.objects.filter(target_type=target_type)
        .order_by("seq")
        .values_list("target_id", "action", "changes")
    )
    for target_id, action, changes in events.iterator(chunk_size=5000):
        if action.endswith(".delete"):
            latest.pop(target_id, None)
            continue
        if not isinstance(changes, dict):
            continue
        row = latest.setdefault(target_id, {})
        for name, pair in changes.items():
            if name in names and isinstance(pair, list) and len(pair) == 2:
                row[name] = pair[1]
    return latest


def master_rows_problems(
    model: type[models.Model], *, label: str, key: str, fields: Mapping[str, str]
) -> Iterator[str]:
    """Each field of each `model` row that disagrees with its latest audited change.

    `fields` maps the audited field name to the ORM lookup that reads it ("" for the field itself,
    its `_id` column for a foreign key); `key` is the column that names the row in messages.
    """
    meta = model._meta
    target_type = f"{meta.app_label}.{meta.model_name}"
    lookups = _lookups(model, fields)
    latest = _recorded(target_type, set(lookups))
    seen: set[str] = set()
    rows = model._default_manager.order_by("pk").values_list("pk", key, *lookups.values())
    for pk, name, *values in rows.iterator(chunk_size=5000):
        seen.add(str(pk))
        recorded = latest.get(str(pk))
        if not recorded:
            continue
        where = f"{label} {name} (id {pk})"
        for field, value in zip(lookups, values, strict=True):
            if field not in recorded:
                continue
            want = recorded[field]
            have = _as_json(value)
            if have != want:
                yield (f"{where}: {field} {have!r}, its latest audited change says {want!r}")
    for missing in sorted(set(latest) - seen, key=lambda t: (len(t), t)):
        yield f"{label} id {missing}: audited, but the row is gone (deleted outside the services)"

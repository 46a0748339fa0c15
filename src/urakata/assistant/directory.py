"""The masker built from the org masters (employee and counterparty names), cached per process."""

from __future__ import annotations

import threading

from django.db import connection
from django.db.models import Model

from urakata.assistant.masking import Masker, PersonName
from urakata.core.models import AuditEvent
from urakata.org.models import Counterparty, Employee

_lock = threading.Lock()
_cache: dict[tuple[object, ...], Masker] = {}

# Audited edits that can change a name without changing the row count or the highest id.
_NAME_EDIT_ACTIONS = ("org.employee.update", "org.counterparty.update")


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    return connection.ops.quote_name(getattr(field, "column", None) or name)


def masters_version() -> tuple[object, ...]:
    """A cheap fingerprint of the name masters: one round trip of five indexed aggregates.

    Row count and highest id catch every insert and delete (also those made outside the org
    services, e.g. imports and fixtures); the id of the latest audited employee/counterparty
    update catches renames through the org services, which audit every write.
    """
    qn = connection.ops.quote_name
    employees, emp_id = qn(Employee._meta.db_table), _column(Employee, "id")
    companies, cp_id = qn(Counterparty._meta.db_table), _column(Counterparty, "id")
    audit, audit_id = qn(AuditEvent._meta.db_table), _column(AuditEvent, "id")
    action = _column(AuditEvent, "action")
    placeholders = ", ".join(["%s"] * len(_NAME_EDIT_ACTIONS))
    # Only quoted table/column names from the models are interpolated; the values are params.
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {employees}), (SELECT MAX({emp_id}) FROM {employees}), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {companies}), (SELECT MAX({cp_id}) FROM {companies}), "
        f"(SELECT MAX({audit_id}) FROM {audit} WHERE {action} IN ({placeholders}))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _NAME_EDIT_ACTIONS)
        row = cursor.fetchone()
    return tuple(row)


def directory_masker() -> Masker:
    """A Masker knowing every employee and counterparty name.

    Masking is a system function (names must be masked even when the asking user could not list
    them), so it reads the masters directly rather than through a user-scoped selector. Each call
    costs only the fingerprint queries of `masters_version`; the names are read and the matcher
    rebuilt only when the fingerprint changed.
    """
    version = masters_version()
    with _lock:
        masker = _cache.get(version)
    if masker is not None:
        return masker
    people = Employee.objects.order_by("pk").values_list(
        "last_name", "first_name", "last_name_kana", "first_name_kana"
    )
    companies = list(Counterparty.objects.order_by("pk").values_list("name", "name_kana"))
    masker = Masker([PersonName(*row) for row in people], companies)
    with _lock:
        _cache.clear()
        _cache[version] = masker
    return masker


def clear_cache() -> None:
    """Forget the cached masker (tests, or after bulk edits that bypass the org services)."""
    with _lock:
        _cache.clear()

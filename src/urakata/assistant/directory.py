"""The masker built from the org masters (employee and counterparty names), cached per process."""

from __future__ import annotations

import threading

from django.db.models import Count, Max

from urakata.assistant.masking import Masker, PersonName
from urakata.core.models import AuditEvent
from urakata.org.models import Counterparty, Employee

_lock = threading.Lock()
_cache: dict[tuple[object, ...], Masker] = {}

# Audited edits that can change a name without changing the row count or the highest id.
_NAME_EDIT_ACTIONS = ("org.employee.update", "org.counterparty.update")


def masters_version() -> tuple[object, ...]:
    """A cheap fingerprint of the name masters: three aggregate queries on indexed columns.

    Row count and highest id catch every insert and delete (also those made outside the org
    services, e.g. imports and fixtures); the id of the latest audited employee/counterparty
    update catches renames through the org services, which audit every write.
    """
    employees = Employee.objects.aggregate(n=Count("pk"), top=Max("pk"))
    companies = Counterparty.objects.aggregate(n=Count("pk"), top=Max("pk"))
    edits = AuditEvent.objects.filter(action__in=_NAME_EDIT_ACTIONS).aggregate(top=Max("pk"))
    return (employees["n"], employees["top"], companies["n"], companies["top"], edits["top"])


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

"""The masker built from the org masters (employee and counterparty names), cached per content."""

from __future__ import annotations

import hashlib
import threading

from urakata.assistant.masking import Masker, PersonName
from urakata.org.models import Counterparty, Employee

_lock = threading.Lock()
_cache: dict[str, Masker] = {}


def directory_masker() -> Masker:
    """A Masker knowing every employee and counterparty name.

    Masking is a system function (names must be masked even when the asking user could not list
    them), so it reads the masters directly rather than through a user-scoped selector. The
    names are read on every call (two narrow queries) and the matcher is rebuilt only when they
    changed.
    """
    people = list(
        Employee.objects.order_by("pk").values_list(
            "last_name", "first_name", "last_name_kana", "first_name_kana"
        )
    )
    companies = list(Counterparty.objects.order_by("pk").values_list("name", "name_kana"))
    digest = hashlib.sha256(repr((people, companies)).encode("utf-8")).hexdigest()
    with _lock:
        masker = _cache.get(digest)
        if masker is None:
            masker = Masker([PersonName(*row) for row in people], companies)
            _cache.clear()
            _cache[digest] = masker
    return masker

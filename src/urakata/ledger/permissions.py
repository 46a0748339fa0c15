"""The ledger's system actor for CLI commands (capabilities are declared in `manifest.py`)."""

from __future__ import annotations

from urakata.core.roles import Role


class SystemActor:
    """The operator running a CLI command: holds every capability, recorded as "system"."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    _urakata_roles = frozenset({Role.ADMIN.value})

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()

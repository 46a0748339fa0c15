"""Ledger capabilities: accounting posts and closes, auditors read, executives read reports."""

from __future__ import annotations

from urakata.core.permissions import register_capability, sync_rules
from urakata.core.roles import Role

register_capability("ledger.view", (Role.ACCOUNTING, Role.AUDITOR))
register_capability("ledger.post", (Role.ACCOUNTING,))
register_capability("ledger.close", (Role.ACCOUNTING,))
register_capability("ledger.manage_accounts", (Role.ACCOUNTING,))
register_capability("ledger.view_reports", (Role.ACCOUNTING, Role.AUDITOR, Role.EXECUTIVE))
register_capability("ledger.bank_import", (Role.ACCOUNTING,))
sync_rules()


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

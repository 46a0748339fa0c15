"""Ledger capabilities: accounting posts and closes, auditors read, executives read reports."""

from __future__ import annotations

from urakata.core.permissions import SYSTEM, SystemActor, register_capability, sync_rules
from urakata.core.roles import Role

register_capability("ledger.view", (Role.ACCOUNTING, Role.AUDITOR))
register_capability("ledger.post", (Role.ACCOUNTING,))
register_capability("ledger.close", (Role.ACCOUNTING,))
register_capability("ledger.manage_accounts", (Role.ACCOUNTING,))
register_capability("ledger.view_reports", (Role.ACCOUNTING, Role.AUDITOR, Role.EXECUTIVE))
register_capability("ledger.bank_import", (Role.ACCOUNTING,))
sync_rules()

__all__ = ["SYSTEM", "SystemActor"]  # the CLI's actor, kept importable from here

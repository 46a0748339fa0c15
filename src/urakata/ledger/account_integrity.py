"""Tamper evidence for the chart of accounts (`urakata audit verify`, check "ledger.accounts").

Each account is compared field by field with its latest audited change (the default tax code by
its code, as the event records it); the standard chart installed by migrations has no events and
is judged only once an administrator changes it.
"""

from __future__ import annotations

from urakata.core.master_integrity import master_rows_problems
from urakata.ledger.accounts import ACCOUNT_FIELDS
from urakata.ledger.models import Account


def accounts_verify() -> list[str]:
    """Every account field that disagrees with its latest audited change."""
    fields = {**dict.fromkeys(ACCOUNT_FIELDS, ""), "default_tax_code": "default_tax_code__code"}
    return list(master_rows_problems(Account, label="account", key="code", fields=fields))

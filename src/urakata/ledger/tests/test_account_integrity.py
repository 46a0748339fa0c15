"""`urakata audit verify` checks each account against its latest audited change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from urakata.ledger import accounts
from urakata.ledger.account_integrity import accounts_verify
from urakata.ledger.models import Account, TaxCode

pytestmark = pytest.mark.django_db


def test_hand_edited_account_is_named_with_its_field(accountant: Any) -> None:
    account = accounts.account_create(
        actor=accountant,
        data={"code": "7490", "name": "業務委託費", "category": "expense", "section": "sga"},
    )
    accounts.account_update(
        actor=accountant, account=account, data={"name": "委託手数料", "default_tax_code": "P10"}
    )
    assert accounts_verify() == []

    other_tax = TaxCode.objects.exclude(code="P10").order_by("pk").first()
    assert other_tax is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_account SET name = %s, default_tax_code_id = %s WHERE id = %s",
            ["改ざん科目", other_tax.pk, account.pk],
        )
    assert accounts_verify() == [
        f"account 7490 (id {account.pk}): name '改ざん科目', its latest audited change says '委託手数料'",
        f"account 7490 (id {account.pk}): default_tax_code {other_tax.code!r}, "
        "its latest audited change says 'P10'",
    ]
    # the standard chart (from migrations, never changed by a service) is not judged
    assert Account.objects.exclude(pk=account.pk).exists()

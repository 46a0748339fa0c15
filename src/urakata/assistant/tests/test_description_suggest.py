"""摘要の候補: the most frequent description of the same counterparty/account in the books,
normalised, with the month of the new entry; through the service, the API and the fragment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.assistant import services
from urakata.core.errors import NotFound, PermissionDenied, ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.ledger import services as ledger_services
from urakata.org.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


def _paid(day: dt.date, description: str, counterparty: Any = None, account: str = "7270") -> None:
    party = counterparty.pk if counterparty else None
    ledger_services.journal_entry_post(
        actor=SYSTEM,
        date=day,
        description=description,
        lines=[
            {"account": account, "debit": 5_000, "counterparty_id": party},
            {"account": "1140", "credit": 5_000, "counterparty_id": party},
        ],
        tax_entry="none",
    )


@pytest.fixture
def history() -> dict[str, Any]:
    ntt = CounterpartyFactory(name="NTTコミュニケーションズ株式会社")
    other = CounterpartyFactory(name="株式会社文具堂")
    _paid(dt.date(2025, 4, 5), "4月分 インターネット回線料", ntt)
    _paid(dt.date(2025, 5, 5), "5月分 インターネット回線料", ntt)
    _paid(dt.date(2025, 6, 5), "6月分　インターネット回線料", ntt)  # full-width space
    _paid(dt.date(2025, 6, 6), "回線工事費", ntt)
    _paid(dt.date(2025, 6, 7), "コピー用紙", other, account="7290")
    return {"ntt": ntt, "other": other}


def test_the_most_frequent_description_with_the_new_month(history: Any, make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    result = services.description_suggest(
        actor=accountant, counterparty_id=history["ntt"].pk, date=dt.date(2025, 7, 3)
    )
    assert result[0] == {
        "description": "7月分 インターネット回線料",
        "count": 3,
        "last_used": "2025-06-05",
    }
    assert result[1]["description"] == "回線工事費" and result[1]["count"] == 1


def test_account_alone_and_both_together(history: Any, make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    by_account = services.description_suggest(
        actor=accountant, account_code="7290", date=dt.date(2025, 7, 1)
    )
    assert [s["description"] for s in by_account] == ["コピー用紙"]
    # Counterparty and account together narrow to the lines that have both.
    both = services.description_suggest(
        actor=accountant,
        counterparty_id=history["ntt"].pk,
        account_code="7270",
        date=dt.date(2025, 8, 1),
    )
    assert both[0]["description"] == "8月分 インターネット回線料"
    # A new counterparty with an account: the account's history answers.
    new = CounterpartyFactory(name="新規取引先")
    fallback = services.description_suggest(
        actor=accountant, counterparty_id=new.pk, account_code="7290"
    )
    assert [s["description"] for s in fallback] == ["コピー用紙"]


def test_bad_input_and_permissions(history: Any, make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    with pytest.raises(ValidationFailed):
        services.description_suggest(actor=accountant)
    with pytest.raises(NotFound):
        services.description_suggest(actor=accountant, account_code="9999")
    with pytest.raises(PermissionDenied):
        services.description_suggest(actor=make_user(Role.EMPLOYEE), account_code="7270")


def test_api_and_fragment(history: Any, client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    response = client.get(
        "/api/v1/assistant/description-suggestions",
        {"counterparty_id": history["ntt"].pk, "date": "2025-09-01"},
    )
    assert response.status_code == 200
    assert response.json()[0]["description"] == "9月分 インターネット回線料"
    bad = client.get("/api/v1/assistant/description-suggestions")
    assert bad.status_code in (400, 422) and "取引先か勘定科目" in bad.json()["detail"]
    fragment = client.get(
        "/assistant/suggest/description/", {"account_0": "7290", "target": "description"}
    )
    html = fragment.content.decode()
    assert 'data-fill-target="description"' in html and 'data-fill-value="コピー用紙"' in html
    form = client.get("/ledger/entries/new/")
    assert form.status_code == 200
    assert 'id="description-suggestions"' in form.content.decode()

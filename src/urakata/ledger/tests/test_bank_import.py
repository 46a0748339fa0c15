"""Bank statements: presets, duplicates, rules, learned suggestions, bulk confirm to entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import ValidationFailed
from urakata.ledger import bank_import
from urakata.ledger.cache import account_by_code
from urakata.ledger.models import BankRule, BankTransaction, JournalEntry

pytestmark = pytest.mark.django_db

GENERIC = (
    "日付,摘要,入金,出金,残高\n"
    "2025/05/01,デンキダイ トウキョウデンリョク,,12100,987900\n"
    "2025/05/02,フリコミ アオバショウジ,220000,,1207900\n"
    "2025/05/02,テスウリョウ,,330,1207570\n"
    "2025/05/02,テスウリョウ,,330,1207240\n"
)


@pytest.fixture
def feed(accountant: Any) -> Any:
    return bank_import.bank_feed_create(
        actor=accountant, name="普通預金", account_code="1140", sub_account_code="01"
    )


def test_import_detects_duplicates_but_keeps_identical_rows_in_one_file(
    accountant: Any, feed: Any
) -> None:
    first = bank_import.statement_import(
        actor=accountant, feed_name="普通預金", preset="generic", data=GENERIC.encode()
    )
    assert first == {"rows": 4, "imported": 4, "duplicates": 0}
    again = bank_import.statement_import(
        actor=accountant, feed_name="普通預金", preset="generic", data=GENERIC.encode()
    )
    assert again == {"rows": 4, "imported": 0, "duplicates": 4}
    amounts = sorted(BankTransaction.objects.values_list("amount", flat=True))
    assert amounts == [-12100, -330, -330, 220000]


def test_bad_rows_are_reported_and_nothing_imported(accountant: Any, feed: Any) -> None:
    data = "日付,摘要,入金,出金,残高\n2025/13/01,x,,100,\n2025/05/01,y,,abc,\n"
    with pytest.raises(ValidationFailed) as info:
        bank_import.statement_import(
            actor=accountant, feed_name="普通預金", preset="generic", data=data.encode()
        )
    assert set(info.value.errors) == {"row 2", "row 3"}
    assert not BankTransaction.objects.exists()
    with pytest.raises(ValidationFailed):
        bank_import.statement_import(
            actor=accountant, feed_name="普通預金", preset="card", data=data.encode()
        )


def test_card_preset_is_shift_jis_and_negative(accountant: Any) -> None:
    bank_import.bank_feed_create(
        actor=accountant, name="法人カード", account_code="3150", sub_account_code="01"
    )
    data = "利用日,利用店名,利用金額\n2025/05/03,ＪＲ東日本,1340\n".encode("cp932")
    bank_import.statement_import(actor=accountant, feed_name="法人カード", preset="card", data=data)
    assert BankTransaction.objects.get().amount == -1340


def test_rules_then_learning_then_bulk_confirm(accountant: Any, feed: Any) -> None:
    bank_import.statement_import(
        actor=accountant, feed_name="普通預金", preset="generic", data=GENERIC.encode()
    )
    BankRule.objects.create(
        name="振込手数料",
        pattern="テスウリョウ",
        account=account_by_code("7380"),
        amount_max=-1,
        tax_code_id=None,
    )
    BankRule.objects.create(
        name="入金(正規表現)",
        match="regex",
        pattern=r"^フリコミ",
        account=account_by_code("1220"),
        amount_min=1,
    )
    # confirmed history teaches the model that デンキダイ is 水道光熱費
    history = BankTransaction.objects.create(
        feed=feed,
        date=dt.date(2025, 4, 1),
        description="デンキダイ トウキョウデンリョク",
        amount=-11000,
        fingerprint="h1",
        status="confirmed",
        account=account_by_code("7280"),
    )
    assert history.pk
    result = bank_import.suggestions_refresh(actor=accountant)
    assert result == {"rule": 3, "partner": 0, "learned": 1, "none": 0}
    denki = BankTransaction.objects.get(description__startswith="デンキダイ", status="suggested")
    assert denki.account.code == "7280" and denki.suggestion_source == "learned"
    assert 0 < denki.confidence <= 1
    ids = list(BankTransaction.objects.filter(status="suggested").values_list("pk", flat=True))
    confirmed = bank_import.transactions_confirm(actor=accountant, ids=ids)
    assert confirmed["confirmed"] == 4
    entries = JournalEntry.objects.filter(source="bank")
    assert entries.count() == 4
    fee = entries.filter(description="テスウリョウ").first()
    assert fee is not None
    assert {line.account.code for line in fee.lines.all()} == {"7380", "1140"}
    with pytest.raises(ValidationFailed):
        bank_import.transactions_confirm(actor=accountant, ids=ids[:1])


def test_confirm_is_all_or_nothing(accountant: Any, feed: Any) -> None:
    bank_import.statement_import(
        actor=accountant, feed_name="普通預金", preset="generic", data=GENERIC.encode()
    )
    ids = list(BankTransaction.objects.values_list("pk", flat=True))
    BankTransaction.objects.filter(pk=ids[0]).update(account=account_by_code("7280"))
    with pytest.raises(ValidationFailed) as info:
        bank_import.transactions_confirm(actor=accountant, ids=ids)
    assert len(info.value.errors) == 3
    assert not JournalEntry.objects.exists()


def test_confirm_takes_the_description_chosen_per_line(
    accountant: Any, feed: Any, client_for: Any
) -> None:
    from urakata.core.roles import Role

    bank_import.statement_import(
        actor=accountant, feed_name="普通預金", preset="generic", data=GENERIC.encode()
    )
    first, second, *_ = BankTransaction.objects.order_by("pk").values_list("pk", flat=True)
    BankTransaction.objects.filter(pk__in=[first, second]).update(account=account_by_code("7280"))
    # Through the page: the 摘要 field of each row (a suggestion the user picked, or edited).
    client = client_for(Role.ACCOUNTING)
    page = client.get("/ledger/bank/?status=new")
    assert f'name="description_{first}"' in page.content.decode()
    response = client.post(
        "/ledger/bank/",
        {"action": "confirm", "ids": [first], f"description_{first}": "  5月分 電気料金 "},
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get(source_ref=f"banktx:{first}")
    assert entry.description == "5月分 電気料金"
    # Through the API; a line without a 摘要 keeps the statement text; too long is refused whole.
    too_long = client.post(
        "/api/v1/ledger/bank/confirm",
        {"ids": [second], "descriptions": {str(second): "長" * 201}},
        content_type="application/json",
    )
    assert (
        too_long.status_code == 422
        and not BankTransaction.objects.filter(pk=second, status="confirmed").exists()
    )
    with pytest.raises(ValidationFailed) as info:
        bank_import.transactions_confirm(
            actor=accountant, ids=[second], descriptions={second: "長" * 201}
        )
    assert "200文字以内" in info.value.errors[str(second)][0]
    bank_import.transactions_confirm(actor=accountant, ids=[second], descriptions={})
    entry = JournalEntry.objects.get(source_ref=f"banktx:{second}")
    assert entry.description == "フリコミ アオバショウジ"


def test_accuracy_on_held_out_lines(accountant: Any, feed: Any) -> None:
    vendors = [("デンキダイ", "7280"), ("NTTコミュニケーションズ", "7270"), ("アスクル", "7290")]
    for i in range(60):
        name, code = vendors[i % 3]
        BankTransaction.objects.create(
            feed=feed,
            date=dt.date(2025, 4, 1) + dt.timedelta(days=i),
            description=f"{name} {i}",
            amount=-1000 - i,
            fingerprint=f"f{i}",
            status="confirmed",
            account=account_by_code(code),
        )
    result = bank_import.suggestion_accuracy(holdout=0.25)
    assert result["train"] == 45 and result["test"] == 15
    assert result["accuracy"] >= 0.9


def test_bank_api_flow(client_for: Any, feed: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from urakata.core.roles import Role

    client = client_for(Role.ACCOUNTING)
    upload = SimpleUploadedFile("s.csv", GENERIC.encode(), content_type="text/csv")
    response = client.post(
        "/api/v1/ledger/bank/import", {"file": upload, "feed": "普通預金", "preset": "generic"}
    )
    assert response.status_code == 201 and response.json()["imported"] == 4
    listed = client.get("/api/v1/ledger/bank/transactions?status=new").json()
    assert listed["meta"]["count"] == 4
    assert client.post("/api/v1/ledger/bank/suggest").status_code == 200
    assert client_for(Role.AUDITOR).post("/api/v1/ledger/bank/suggest").status_code == 403
    assert client_for(Role.EMPLOYEE).get("/api/v1/ledger/bank/transactions").status_code == 403


def test_rules_api_validates_everything(client_for: Any) -> None:
    from urakata.core.roles import Role

    client = client_for(Role.ACCOUNTING)
    bad = client.post(
        "/api/v1/ledger/bank/rules",
        {
            "name": "",
            "pattern": "([",
            "match": "regex",
            "account": "0000",
            "amount_min": 10,
            "amount_max": 1,
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"name", "pattern", "account", "amount_min"}
    ok = client.post(
        "/api/v1/ledger/bank/rules",
        {"name": "家賃", "pattern": "ヤチン", "account": "7330", "tax_code": "P10"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert [r["name"] for r in client.get("/api/v1/ledger/bank/rules").json()] == ["家賃"]

"""Named bank / card presets: sample files written from the formats' descriptions."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.errors import ValidationFailed
from urakata.ledger import bank_import
from urakata.ledger.bank_presets import BANK_PRESETS


def test_named_presets_are_offered_and_marked_unverified() -> None:
    assert set(BANK_PRESETS) <= set(bank_import.PRESETS)
    assert all(spec["verified"] is False for spec in BANK_PRESETS.values())


def test_smbc_separate_columns_shift_jis_and_balance() -> None:
    text = (
        "年月日,お引出し,お預入れ,お取り扱い内容,残高,メモ,ラベル\n"
        "2025/5/1,12100,,デンキダイ トウキヨウデンリヨク,987900,,\n"
        "2025/5/2,,220000,フリコミ カ)アオバシヨウジ,1207900,,\n"
    )
    rows, errors = bank_import.parse_statement(text.encode("cp932"), "smbc")
    assert errors == {}
    assert [(r.date, r.amount, r.balance) for r in rows] == [
        (dt.date(2025, 5, 1), -12_100, 987_900),
        (dt.date(2025, 5, 2), 220_000, 1_207_900),
    ]
    assert rows[1].description == "フリコミ カ)アオバシヨウジ"


def test_rakuten_bank_signed_amount_and_yyyymmdd_dates() -> None:
    text = (
        "取引日,入出金(円),取引後残高(円),入出金内容\n"
        "20250501,-3300,96700,VISAデビット ASKUL\n"
        "20250502,50000,146700,振込 サクラデンキ(カ\n"
    )
    rows, errors = bank_import.parse_statement(text.encode("cp932"), "rakuten_bank")
    assert errors == {}
    assert [(r.date, r.amount) for r in rows] == [
        (dt.date(2025, 5, 1), -3_300),
        (dt.date(2025, 5, 2), 50_000),
    ]
    broken = text.replace("146700", "146000")
    _rows, errors = bank_import.parse_statement(broken.encode("cp932"), "rakuten_bank")
    assert "row 3" in errors  # the running balance does not follow


def test_sbi_net_bank_newest_first() -> None:
    text = (
        '"日付","内容","出金金額(円)","入金金額(円)","残高(円)","メモ"\n'
        '"2025/05/02","振込＊ワカバカイケイ","55,000","","445,000","-"\n'
        '"2025/05/01","振込 サクラデンキ","","500,000","500,000","-"\n'
    )
    rows, errors = bank_import.parse_statement(text.encode("utf-8"), "sbi_net")
    assert errors == {}
    assert [r.amount for r in rows] == [-55_000, 500_000]


def test_rakuten_card_spending_is_a_withdrawal_and_refunds_a_deposit() -> None:
    text = (
        '"利用日","利用店名・商品名","利用者","支払方法","利用金額","支払手数料","支払総額"\n'
        '"2025/05/03","アマゾン","本人","1回払い","4980","0","4980"\n'
        '"2025/05/04","アマゾン 返品","本人","1回払い","-980","0","-980"\n'
    )
    rows, errors = bank_import.parse_statement(("\ufeff" + text).encode("utf-8"), "rakuten_card")
    assert errors == {}
    assert [(r.description, r.amount, r.balance) for r in rows] == [
        ("アマゾン", -4_980, None),
        ("アマゾン 返品", 980, None),
    ]


def test_a_file_from_another_bank_is_refused_naming_the_columns() -> None:
    other = "日付,摘要,入金,出金,残高\n2025/05/01,A,,100,900\n"
    with pytest.raises(ValidationFailed) as info:
        bank_import.parse_statement(other.encode(), "smbc")
    assert "年月日" in str(info.value.errors["header"])

"""Receipt text → fields, without Tesseract: dates (西暦・和暦), amounts, taxes, 登録番号, payee."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.ocr import read_lines
from urakata.core.ocr.parse import Line, amounts, find_date, normalise
from urakata.core.ocr.synth import t_number


def _lines(*texts: str) -> list[Line]:
    return [Line(t, 0.9) for t in texts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和8年11月23日", dt.date(2026, 11, 23)),
        ("発行日 令和 8 年 11 月 23 日", dt.date(2026, 11, 23)),
        ("R8.11.23", dt.date(2026, 11, 23)),
        ("26/11/23 18:05 No.123", dt.date(2026, 11, 23)),
        ("2026年11月23日(月) 12:34", dt.date(2026, 11, 23)),
        ("2026/11/23", dt.date(2026, 11, 23)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
    ],
)
def test_dates_in_every_style(text: str, expected: dt.date) -> None:
    found, confidence = find_date(_lines("店名", normalise(text)))
    assert found == expected
    assert 0 < confidence <= 1


def test_impossible_date_is_not_read() -> None:
    assert find_date(_lines("2026/02/30"))[0] is None


def test_amounts_survive_ocr_separators() -> None:
    assert amounts("合計 ¥1,234") == [1234]
    assert amounts("金額 ¥12.345-") == [12345]
    assert amounts("3,920 円") == [3920]


def test_fields_from_a_receipt_text() -> None:
    number = t_number(__import__("random").Random(1))
    reading = read_lines(
        _lines(
            "株式会社ミドリ商店",
            f"登録番号 {number}",
            "R8.11.23 12:00",
            "コーヒー ¥1,100",
            "弁当 ※ ¥540",
            "(10%対象 ¥1,100)",
            "(内消費税 ¥100)",
            "(8%対象 ¥540)",
            "(内消費税 ¥40)",
            "合計 ¥1,640",
        )
    )
    assert reading.as_json() | {"confidence": None} == {
        "date": "2026-11-23",
        "total": 1640,
        "tax": {"10": 100, "8": 40},
        "registration_number": number,
        "payee": "株式会社ミドリ商店",
        "confidence": None,
    }
    assert all(0 < c <= 1 for c in reading.confidence.values())


def test_ocr_lookalikes_in_the_registration_number_are_repaired() -> None:
    number = t_number(__import__("random").Random(2))
    garbled = "1" + number[1:].replace("0", "O").replace("1", "l")  # T read as 1, 0 as O
    reading = read_lines(_lines(f"登録番号 {garbled}"))
    assert reading.registration_number == number


def test_a_wrong_check_digit_is_not_a_registration_number() -> None:
    number = t_number(__import__("random").Random(3))
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert read_lines(_lines(f"登録番号 {wrong}")).registration_number is None


def test_unreadable_rate_line_is_derived_from_the_tax_it_carries() -> None:
    """A 対象 line OCR garbled: the tax that follows fits 10% of the amount before it."""
    reading = read_lines(
        _lines(
            "(LOW ¥6,060)", "(内消費税 ¥550)", "(8%対象 ¥2,658)", "(内消費税 ¥196)", "合計 ¥8,718"
        )
    )
    assert reading.tax == {"10": 550, "8": 196}
    assert reading.total == 8718

"""口座名義 to 全銀 characters: hand-checked cases, and a message per character that cannot be sent."""

from __future__ import annotations

import pytest

from urakata.payments.kana import ALLOWED, name_normalise

# (input, expected value) — checked by hand against facts.md §6.1.
CASES = [
    ("やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # hiragana, full-width space
    ("ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
    ("ｷｭｳ", "ｷﾕｳ"),  # small kana → large (facts.md example)
    ("キュウ", "ｷﾕｳ"),
    ("ガッコウ", "ｶﾞﾂｺｳ"),
    ("パン", "ﾊﾟﾝ"),
    ("ヴィクトル", "ｳﾞｲｸﾄﾙ"),
    ("（カ）ウラカタ", "(ｶ)ｳﾗｶﾀ"),  # full-width parentheses
    ("ｶ)ｳﾗｶﾀ", "ｶ)ｳﾗｶﾀ"),  # already 全銀
    ("ＡＢＣ　ｓｈｏｊｉ１２３", "ABC SHOJI123"),  # full-width letters, lower case
    ("  ﾔﾏﾀﾞ   ﾀﾛｳ ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # spaces collapsed and trimmed
    ("ヵヶヮ", "ｶｹﾜ"),
    ("ABC-1.2/3", "ABC-1.2/3"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_normalises(text: str, expected: str) -> None:
    result = name_normalise(text)
    assert result.value == expected
    assert result.ok, result.problems
    assert set(result.value) <= ALLOWED
    assert len(result.value.encode("cp932")) == len(result.value)


@pytest.mark.parametrize(
    ("text", "position", "char", "hint"),
    [
        ("ペッパー", 6, "ｰ", "ハイフン"),  # 長音 is refused
        ("ジョン・スミス", 5, "･", "スペース"),  # 中黒 is refused
        ("ヲタ", 1, "ｦ", "ｵ"),
        ("山田", 1, "山", "カナ・英大文字・数字"),
        ("A&B", 2, "&", "."),
    ],
)
def test_characters_that_cannot_be_sent(text: str, position: int, char: str, hint: str) -> None:
    result = name_normalise(text)
    assert not result.ok
    first = result.problems[0]
    assert f"{position}文字目" in first and f"「{char}」" in first and hint in first


def test_one_message_per_bad_character() -> None:
    assert len(name_normalise("山田・ハナコ").problems) == 3

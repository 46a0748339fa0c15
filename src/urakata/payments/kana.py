"""全銀 characters: 口座名義 normalised to what a 総合振込 file can carry, with a message per bad character.

The file carries JIS X 0201 single-byte characters only (facts.md §6.1): digits, upper-case A-Z,
half-width katakana ｱ-ﾝ with ﾞ ﾟ, the space and `( ) - . /`. Input is normalised first:
full-width letters and digits become half-width (NFKC), hiragana becomes katakana, small kana
become large (ｷｭｳ → ｷﾕｳ), lower case becomes upper case, full-width katakana becomes half-width
(ガ → ｶﾞ). What remains outside the allowed set is refused, each character with its position and,
where there is a usual substitute, a hint (長音 ー → -, 中黒 ・ → space, ｦ → ｵ).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

HALF_KANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ"
ALLOWED = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" + HALF_KANA + "ﾞﾟ ()-./")

_SMALL_TO_LARGE = str.maketrans("ァィゥェォャュョッヮヵヶ", "アイウエオヤユヨツワカケ")
_VOICED = "\u3099"  # combining 濁点
_SEMI_VOICED = "\u309a"  # combining 半濁点


def _full_to_half() -> dict[str, str]:
    """Full-width katakana → half-width, voiced kana as two characters (ガ → ｶﾞ, パ → ﾊﾟ)."""
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFF9E):  # ｦ … ﾝ
        half = chr(code)
        table[unicodedata.normalize("NFKC", half)] = half
    for full, half in list(table.items()):
        for mark, half_mark in ((_VOICED, "ﾞ"), (_SEMI_VOICED, "ﾟ")):
            composed = unicodedata.normalize("NFC", full + mark)
            if len(composed) == 1:
                table[composed] = half + half_mark
    table["ー"] = "ｰ"
    table["・"] = "･"
    table["「"] = "｢"
    table["」"] = "｣"
    return table


_TO_HALF = _full_to_half()

# Characters that are often typed but cannot be sent, with the usual substitute.
_HINTS = {
    "ｰ": "「-」(ハイフン)",
    "･": "スペース",
    "ｦ": "「ｵ」",
    ",": "「.」",
    "&": "「.」またはスペース",
}


@dataclass(frozen=True)
class NameCheck:
    """A name normalised to 全銀 characters, and one message per character that cannot be sent."""

    value: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _katakana(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if 0x3041 <= code <= 0x3096:  # hiragana → katakana
            char = chr(code + 0x60)
        out.append(char)
    return "".join(out)


def name_normalise(text: str) -> NameCheck:
    """Normalise a 口座名義 / 依頼人名 to 全銀 characters; list what cannot be sent.

    >>> name_normalise("やまだ　たろう").value
    'ﾔﾏﾀﾞ ﾀﾛｳ'
    """
    text = unicodedata.normalize("NFKC", text or "")  # ａ→a, ｶﾞ→ガ, （→(
    text = _katakana(text).translate(_SMALL_TO_LARGE).upper()
    text = " ".join(text.split())  # one space between words, none at the ends
    half = "".join(_TO_HALF.get(char, char) for char in text)
    problems = []
    for position, char in enumerate(half, start=1):
        if char in ALLOWED:
            continue
        hint = _HINTS.get(char)
        if hint:
            problems.append(
                _("%(pos)s文字目の「%(char)s」は全銀で送れません(%(hint)sに置き換えてください)。")
                % {"pos": position, "char": char, "hint": hint}
            )
        else:
            problems.append(
                _(
                    "%(pos)s文字目の「%(char)s」は全銀で送れません(カナ・英大文字・数字・記号 ( ) - . / のみ)。"
                )
                % {"pos": position, "char": char}
            )
    return NameCheck(value=half, problems=tuple(problems))


def name_lossy(text: str) -> str:
    """The name with characters that cannot be sent replaced by spaces (bank names in headers)."""
    check = name_normalise(text)
    return "".join(c if c in ALLOWED else " " for c in check.value).strip()


def fits(text: str, length: int) -> str:
    """Cut a 全銀 string to `length` bytes (every allowed character is one byte)."""
    return text[:length]

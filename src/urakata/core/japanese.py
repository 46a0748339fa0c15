"""Japanese identifiers and text: 法人番号, 登録番号 (T-number), kana normalising."""

from __future__ import annotations

import re
import unicodedata

import jaconv
from django.utils.translation import gettext as _
from stdnum.jp import cn as corporate_number_std

_T_NUMBER = re.compile(r"^T[1-9][0-9]{12}$")


def corporate_number_error(value: str) -> str | None:
    """None when `value` is a valid 法人番号 (13 digits, check digit first), else the reason."""
    if not re.fullmatch(r"[0-9]{13}", value or ""):
        return _("法人番号は13桁の数字で入力してください。")
    if not corporate_number_std.is_valid(value):
        return _("法人番号のチェックデジットが正しくありません。")
    return None


def invoice_registration_number_error(value: str) -> str | None:
    """None when `value` is a valid 適格請求書発行事業者登録番号 ("T" + 法人番号), else the reason."""
    if not _T_NUMBER.fullmatch(value or ""):
        return _("登録番号は「T」に続く13桁の数字で入力してください(例: T1234567890123)。")
    if not corporate_number_std.is_valid(value[1:]):
        return _("登録番号のチェックデジットが正しくありません。")
    return None


def normalise_digits(value: str) -> str:
    """Full-width digits and letters to half-width, spaces and hyphens removed (for numbers)."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-‐ー−]", "", text).upper()


def normalise_kana(value: str) -> str:
    """フリガナ as full-width katakana (ﾔﾏﾀﾞ / やまだ → ヤマダ), single spaces."""
    text = jaconv.h2z(value or "", kana=True, ascii=False, digit=False)
    text = jaconv.hira2kata(text)
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


def is_katakana(value: str) -> bool:
    """True when the text is katakana, long-vowel marks and spaces only."""
    return bool(re.fullmatch(r"[\u30A0-\u30FF\u31F0-\u31FF ・]+", value or ""))

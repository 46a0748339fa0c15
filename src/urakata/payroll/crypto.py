"""個人番号 (マイナンバー): check digit, encryption at rest, masking (番号法 安全管理措置)."""

from __future__ import annotations

from cryptography.fernet import Fernet

from urakata.core.crypto import purpose_fernet

WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)  # facts.md §8.2, left to right over the first 11 digits


def my_number_check_digit(first11: str) -> int:
    """The 12th digit of a 個人番号 (総務省令第85号 第5条)."""
    remainder = sum(int(d) * w for d, w in zip(first11, WEIGHTS, strict=True)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def my_number_valid(value: str) -> bool:
    """Twelve digits whose last is the check digit."""
    return (
        len(value) == 12
        and value.isascii()
        and value.isdigit()
        and my_number_check_digit(value[:11]) == int(value[11])
    )


def normalize_my_number(value: str) -> str:
    """Digits only (spaces and hyphens as people type them removed)."""
    return "".join(ch for ch in value if ch not in " -\u3000")


def _fernet() -> Fernet:
    # A key for this purpose only; rotating SECRET_KEY needs a re-encrypt.
    return purpose_fernet("urakata.payroll.my_number")


def encrypt(value: str) -> str:
    """Encrypted text to store."""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The stored value in clear (callers log the view)."""
    return _fernet().decrypt(token.encode()).decode()


def mask(last4: str) -> str:
    """How the number is shown: ****-****-1234."""
    return f"****-****-{last4}" if last4 else ""

"""Bank and branch codes (統一金融機関コード・店番) checked and named from the `zengin-code` package.

The package carries the 全銀 bank and branch master as data files inside the wheel, so lookups
work offline; it is refreshed by upgrading the package.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.utils.translation import gettext as _

from urakata.payments.kana import name_lossy


@dataclass(frozen=True)
class BankName:
    """A bank or branch: its code, its name and its name in half-width 全銀 kana."""

    code: str
    name: str
    kana: str


@functools.lru_cache(maxsize=1)
def _banks() -> dict[str, object]:
    from zengin_code import Bank

    return dict(Bank.all)


def bank_lookup(code: str) -> BankName | None:
    """The bank with this 4-digit code, or None."""
    bank = _banks().get(code or "")
    if bank is None:
        return None
    return BankName(code=code, name=str(bank.name), kana=name_lossy(str(bank.kana)))  # type: ignore[attr-defined]


def branch_lookup(bank_code: str, branch_code: str) -> BankName | None:
    """The branch with this 3-digit code at the bank, or None."""
    bank = _banks().get(bank_code or "")
    if bank is None:
        return None
    branch = bank.branches.get(branch_code or "")  # type: ignore[attr-defined]
    if branch is None:
        return None
    return BankName(code=branch_code, name=str(branch.name), kana=name_lossy(str(branch.kana)))


def bank_branch_check(
    bank_code: str, branch_code: str
) -> tuple[BankName | None, BankName | None, dict[str, list[str]]]:
    """Look both codes up; the errors name what is wrong (format, unknown bank, unknown branch)."""
    errors: dict[str, list[str]] = {}
    bank = branch = None
    if not (len(bank_code or "") == 4 and bank_code.isascii() and bank_code.isdigit()):
        errors["bank_code"] = [_("銀行コードは4桁の数字です。")]
    else:
        bank = bank_lookup(bank_code)
        if bank is None:
            errors["bank_code"] = [
                _("銀行コード %(code)s の金融機関はありません。") % {"code": bank_code}
            ]
    if not (len(branch_code or "") == 3 and branch_code.isascii() and branch_code.isdigit()):
        errors["branch_code"] = [_("支店コードは3桁の数字です。")]
    elif bank is not None:
        branch = branch_lookup(bank_code, branch_code)
        if branch is None:
            errors["branch_code"] = [
                _("%(bank)sに支店コード %(code)s の支店はありません。")
                % {"bank": bank.name, "code": branch_code}
            ]
    return bank, branch, errors

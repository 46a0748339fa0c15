"""What the org services share: field lists, the error map and the field checks and parsers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from urakata.core.japanese import (
    corporate_number_error,
    invoice_registration_number_error,
    normalise_digits,
    normalise_kana,
)
from urakata.org.models import Company

Errors = dict[str, list[str]]

EMPLOYEE_FIELDS = [
    "code",
    "last_name",
    "first_name",
    "last_name_kana",
    "first_name_kana",
    "email",
    "department",
    "position",
    "manager",
    "employment_type",
    "hire_date",
    "retire_date",
    "status",
]
BANK_FIELDS = [
    "bank_code",
    "bank_name",
    "branch_code",
    "branch_name",
    "account_type",
    "account_number",
    "account_holder_kana",
]
COUNTERPARTY_FIELDS = [
    "code",
    "name",
    "name_kana",
    "corporate_number",
    "registration_number",
    "is_customer",
    "is_supplier",
    "postal_code",
    "address",
    "phone",
    "email",
    "is_active",
    *BANK_FIELDS,
]
COMPANY_FIELDS = [
    "name",
    "name_kana",
    "corporate_number",
    "registration_number",
    "fiscal_year_start_month",
    "postal_code",
    "address",
    "phone",
    "representative",
    *BANK_FIELDS,
]
DEPARTMENT_FIELDS = ["code", "name", "parent", "manager", "sort_order", "is_active"]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    return "" if value is None else str(value).strip()


def _require(errors: Errors, data: Mapping[str, Any], *fields: str) -> None:
    for field in fields:
        if not _text(data, field):
            _add(errors, field, _("必須項目です。"))


def _check_email(errors: Errors, value: str, field: str = "email") -> None:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            _add(errors, field, _("メールアドレスの形式が正しくありません。"))


def _check_choice(errors: Errors, field: str, value: str, choices: Any) -> None:
    if value and value not in choices.values:
        allowed = "、".join(f"{v}({label})" for v, label in choices.choices)
        _add(
            errors,
            field,
            _("「%(value)s」は選べません。選択肢: %(allowed)s")
            % {"value": value, "allowed": allowed},
        )


def _check_bank(errors: Errors, cleaned: dict[str, Any]) -> None:
    for field, length in (("bank_code", 4), ("branch_code", 3), ("account_number", 7)):
        value = cleaned.get(field, "")
        if value and not (value.isdigit() and len(value) <= length):
            _add(
                errors, field, _("%(length)s桁以内の数字で入力してください。") % {"length": length}
            )
    if cleaned.get("bank_code") and len(cleaned["bank_code"]) != 4:
        _add(errors, "bank_code", _("銀行コードは4桁の数字です。"))
    if cleaned.get("branch_code") and len(cleaned["branch_code"]) != 3:
        _add(errors, "branch_code", _("支店コードは3桁の数字です。"))
    _check_choice(errors, "account_type", cleaned.get("account_type", ""), Company.AccountType)


def _clean_bank(data: Mapping[str, Any], cleaned: dict[str, Any]) -> None:
    for field in BANK_FIELDS:
        if field in data:
            value = _text(data, field)
            if field in ("bank_code", "branch_code", "account_number"):
                value = normalise_digits(value)
            elif field == "account_holder_kana":
                value = normalise_kana(value)
            cleaned[field] = value


def _check_identifiers(errors: Errors, cleaned: dict[str, Any]) -> None:
    number = cleaned.get("corporate_number", "")
    if number and (message := corporate_number_error(number)):
        _add(errors, "corporate_number", message)
    t_number = cleaned.get("registration_number", "")
    if t_number and (message := invoice_registration_number_error(t_number)):
        _add(errors, "registration_number", message)


_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def _parse_date(errors: Errors, field: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    # 2024-04-01, 2024/4/1 (Excel's CSV), 2024年4月1日, 20240401
    match = _DATE.fullmatch(text.replace("年", "/").replace("月", "/").replace("日", ""))
    try:
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        _add(
            errors,
            field,
            _("日付「%(value)s」を読めません。YYYY-MM-DD で入力してください。") % {"value": value},
        )
        return None


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "y", "on", "○", "はい"}


def _missing_code(kind: str, code: str) -> str:
    messages = {
        "department": _("部署コード「%(code)s」が見つかりません。"),
        "position": _("役職コード「%(code)s」が見つかりません。"),
        "manager": _("上長の社員番号「%(code)s」が見つかりません。"),
        "parent": _("上位部署コード「%(code)s」が見つかりません。"),
        "department_manager": _("部署長の社員番号「%(code)s」が見つかりません。"),
    }
    return messages[kind] % {"code": code}


def _missing_id(kind: str, value: Any) -> str:
    messages = {
        "department": _("部署(ID %(id)s)が見つかりません。"),
        "position": _("役職(ID %(id)s)が見つかりません。"),
        "manager": _("上長(ID %(id)s)が見つかりません。"),
        "parent": _("上位部署(ID %(id)s)が見つかりません。"),
        "department_manager": _("部署長(ID %(id)s)が見つかりません。"),
    }
    return messages[kind] % {"id": value}


def _resolve(
    errors: Errors, data: Mapping[str, Any], field: str, model: Any, kind: str
) -> tuple[bool, Any]:
    """(present, value) for a relation given as instance, id (`field`/`field_id`) or `field_code`."""
    code_key = f"{field}_code"
    if code_key in data:
        code = _text(data, code_key)
        if not code:
            return True, None
        found = model.objects.filter(
            code=normalise_digits(code) if field == "manager" else code
        ).first()
        if found is None:
            _add(errors, field, _missing_code(kind, code))
        return True, found
    for key in (field, f"{field}_id"):
        if key in data:
            value = data[key]
            if value in (None, ""):
                return True, None
            if isinstance(value, model):
                return True, value
            found = model.objects.filter(pk=value).first() if str(value).isdigit() else None
            if found is None:
                _add(errors, field, _missing_id(kind, value))
            return True, found
    return False, None

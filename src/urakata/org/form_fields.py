"""Field lists for the org forms: what each page asks for, bound to values and service errors.

Validation stays in the services (`employee_clean`, `counterparty_clean`, ...); these lists only
describe inputs, so a form re-rendered after an error shows each message beside its field and
keeps what the user typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from urakata.core.labels import labelled
from urakata.org.models import BankAccountFields, Company, Counterparty, Department, Employee


@dataclass(frozen=True)
class FormField:
    """One input: `name` is the POST key; `error_key` the service's name when it differs."""

    name: str
    label: str | Promise
    kind: str = "text"  # text, email, date, number, select, checkbox, tel
    required: bool = False
    maxlength: int | None = None
    choices: Sequence[tuple[str, Any]] = ()
    error_key: str = ""
    help_text: str | Promise = ""
    placeholder: str = ""


BANK = [
    FormField("bank_code", _("銀行コード"), maxlength=4, placeholder="0005"),
    FormField("bank_name", _("銀行名"), maxlength=60),
    FormField("branch_code", _("支店コード"), maxlength=3, placeholder="135"),
    FormField("branch_name", _("支店名"), maxlength=60),
    FormField(
        "account_type", _("預金種目"), "select", choices=BankAccountFields.AccountType.choices
    ),
    FormField("account_number", _("口座番号"), maxlength=7),
    FormField("account_holder_kana", _("口座名義(カナ)"), maxlength=60),
]

EMPLOYEE = [
    FormField("code", _("社員番号"), required=True, maxlength=20),
    FormField("last_name", _("姓"), required=True, maxlength=50),
    FormField("first_name", _("名"), required=True, maxlength=50),
    FormField("last_name_kana", _("姓(フリガナ)"), required=True, maxlength=50),
    FormField("first_name_kana", _("名(フリガナ)"), required=True, maxlength=50),
    FormField("email", _("メールアドレス"), "email", maxlength=254),
    FormField("department", _("部署"), "select"),
    FormField("position", _("役職"), "select"),
    FormField(
        "manager_code",
        _("上長の社員番号"),
        maxlength=20,
        error_key="manager",
        help_text=_("上長の社員番号を入力します(空欄可)。"),
    ),
    FormField(
        "employment_type",
        _("雇用区分"),
        "select",
        required=True,
        choices=Employee.EmploymentType.choices,
    ),
    FormField("hire_date", _("入社日"), "date", required=True),
    FormField("retire_date", _("退職日"), "date"),
    FormField("status", _("在籍状況"), "select", required=True, choices=Employee.Status.choices),
]
EMPLOYEE_CREATE_LOGIN = FormField(
    "create_login",
    _("ログインユーザーを作成する"),
    "checkbox",
    help_text=_("ユーザー名は社員番号(小文字)、パスワードは未設定で作成します。"),
)

DEPARTMENT = [
    FormField("code", _("部署コード"), required=True, maxlength=20),
    FormField("name", _("部署名"), required=True, maxlength=100),
    FormField("parent", _("上位部署"), "select"),
    FormField("manager_code", _("部署長の社員番号"), maxlength=20, error_key="manager"),
    FormField("sort_order", _("表示順"), "number"),
    FormField("is_active", _("有効"), "checkbox"),
]

COUNTERPARTY = [
    FormField("code", _("取引先コード"), required=True, maxlength=20),
    FormField("name", _("取引先名"), required=True, maxlength=200),
    FormField("name_kana", _("取引先名(カナ)"), maxlength=200),
    FormField(
        "corporate_number",
        _("法人番号"),
        maxlength=13,
        help_text=_("13桁。チェックデジットを確認します。"),
    ),
    FormField(
        "registration_number",
        _("登録番号(インボイス)"),
        maxlength=14,
        placeholder="T1234567890123",
        help_text=_("「T」+13桁。適格請求書発行事業者の登録番号です。"),
    ),
    FormField("is_customer", _("得意先"), "checkbox"),
    FormField("is_supplier", _("仕入先"), "checkbox"),
    FormField("postal_code", _("郵便番号"), maxlength=8, placeholder="100-0001"),
    FormField("address", _("住所"), maxlength=300),
    FormField("phone", _("電話番号"), "tel", maxlength=20),
    FormField("email", _("メールアドレス"), "email", maxlength=254),
    FormField("is_active", _("有効"), "checkbox"),
]

COMPANY = [
    FormField("name", _("会社名"), required=True, maxlength=200),
    FormField("name_kana", _("会社名(カナ)"), maxlength=200),
    FormField("corporate_number", _("法人番号"), maxlength=13),
    FormField(
        "registration_number",
        _("登録番号(インボイス)"),
        maxlength=14,
        placeholder="T1234567890123",
    ),
    FormField(
        "fiscal_year_start_month",
        _("期首月"),
        "select",
        required=True,
        choices=[(str(m), f"{m}月") for m in range(1, 13)],
    ),
    FormField("representative", _("代表者"), maxlength=100),
    FormField("postal_code", _("郵便番号"), maxlength=8),
    FormField("address", _("住所"), maxlength=300),
    FormField("phone", _("電話番号"), "tel", maxlength=20),
]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def bind(
    fields: Sequence[FormField],
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]] | None = None,
    choices: Mapping[str, Sequence[tuple[Any, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Each field with its current value (text), its choices and its error messages."""
    errors = errors or {}
    choices = choices or {}
    bound = []
    for spec in fields:
        value = values.get(spec.name)
        options = choices.get(spec.name, spec.choices)
        bound.append(
            {
                "name": spec.name,
                "label": spec.label,
                "kind": spec.kind,
                "required": spec.required,
                "maxlength": spec.maxlength,
                "help_text": spec.help_text,
                "placeholder": spec.placeholder,
                "choices": [(_text(v), label) for v, label in options],
                "value": bool(value) if spec.kind == "checkbox" else _text(value),
                "errors": list(errors.get(spec.error_key or spec.name, [])),
            }
        )
    return bound


def unplaced_errors(
    groups: Sequence[Sequence[FormField]], errors: Mapping[str, list[str]]
) -> list[str]:
    """Messages for keys no field shows (e.g. `__all__`), to list above the form."""
    shown = {spec.error_key or spec.name for fields in groups for spec in fields}
    return [m for key, found in errors.items() if key not in shown for m in labelled(key, found)]


def posted(fields: Sequence[FormField], post: QueryDict) -> dict[str, Any]:
    """The submitted values, checkboxes as booleans (an unticked box is absent from the POST)."""
    data: dict[str, Any] = {}
    for spec in fields:
        if spec.kind == "checkbox":
            data[spec.name] = spec.name in post
        else:
            data[spec.name] = post.get(spec.name, "")
    return data


def employee_initial(employee: Employee) -> dict[str, Any]:
    """Form values of an existing employee."""
    values: dict[str, Any] = {f.name: getattr(employee, f.name, "") for f in EMPLOYEE}
    values["department"] = employee.department_id or ""
    values["position"] = employee.position_id or ""
    values["manager_code"] = employee.manager.code if employee.manager else ""
    return values


def department_initial(department: Department) -> dict[str, Any]:
    """Form values of an existing department."""
    values: dict[str, Any] = {f.name: getattr(department, f.name, "") for f in DEPARTMENT}
    values["parent"] = department.parent_id or ""
    values["manager_code"] = department.manager.code if department.manager else ""
    return values


def counterparty_initial(counterparty: Counterparty) -> dict[str, Any]:
    """Form values of an existing counterparty."""
    return {f.name: getattr(counterparty, f.name) for f in [*COUNTERPARTY, *BANK]}


def company_initial(company: Company | None) -> dict[str, Any]:
    """Form values of the company profile (empty on first setup, 期首 April)."""
    if company is None:
        return {"fiscal_year_start_month": 4}
    return {f.name: getattr(company, f.name) for f in [*COMPANY, *BANK]}

"""Chart of accounts (勘定科目・補助科目) and book-keeping options: writes, each audited.

Every chart write bumps `ChartVersion` in its transaction and clears this process's cache, so
postings here and (through `cache.chart_fresh`) in other processes see the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.ledger import cache
from urakata.ledger.chart import CODE_LENGTH, SECTION_CATEGORY, SECTION_CODE_PREFIX
from urakata.ledger.models import (
    Account,
    Category,
    JournalLine,
    LedgerSettings,
    Section,
    Side,
    SubAccount,
    TaxCode,
)
from urakata.ledger.validation import Errors, _add

ACCOUNT_FIELDS = ["code", "name", "category", "section", "normal_side", "is_active"]
# Fields that decide how existing lines are read; fixed once a journal line uses the account.
STRUCTURAL_FIELDS = ("code", "category", "section", "normal_side")
NAME_MAX = 60
SUB_CODE_MAX = 10


def _changed() -> None:
    """Inside a chart write: count the change for other processes, clear ours after commit."""
    cache.chart_version_bump()
    transaction.on_commit(cache.chart_cache_clear)


def account_is_used(account: Account) -> bool:
    """Whether any journal line uses the account (its code, category and side are then fixed)."""
    return JournalLine.objects.filter(account_id=account.pk).exists()


def sub_account_is_used(sub: SubAccount) -> bool:
    return JournalLine.objects.filter(sub_account_id=sub.pk).exists()


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def _clean_tax_code(errors: Errors, value: Any) -> TaxCode | None:
    if isinstance(value, TaxCode):
        return value
    code = str(value or "").strip()
    if not code:
        return None
    found = TaxCode.objects.filter(code=code).first()
    if found is None:
        _add(errors, "default_tax_code", _("税区分「%(code)s」がありません。") % {"code": code})
    return found


def _others(exclude_pk: int | None) -> QuerySet[Account]:
    queryset = Account.objects.all()
    return queryset if exclude_pk is None else queryset.exclude(pk=exclude_pk)


def _check_name(errors: Errors, name: str, exclude_pk: int | None) -> None:
    if not name:
        _add(errors, "name", _("必須です。"))
    elif len(name) > NAME_MAX:
        _add(errors, "name", _("%(max)d文字以内で入力してください。") % {"max": NAME_MAX})
    elif _others(exclude_pk).filter(name=name).exists():
        _add(errors, "name", _("科目名「%(name)s」は既に使われています。") % {"name": name})


def _check_structure(errors: Errors, values: dict[str, str], exclude_pk: int | None) -> None:
    """Code (numbering convention, uniqueness), category, section and normal side together."""
    code, category, section = values["code"], values["category"], values["section"]
    if category not in Category.values:
        _add(errors, "category", _("区分が正しくありません。"))
    if section not in Section.values:
        _add(errors, "section", _("表示区分が正しくありません。"))
    elif category in Category.values and SECTION_CATEGORY[section] != category:
        _add(
            errors,
            "section",
            _("表示区分「%(section)s」は区分「%(category)s」に属しません。")
            % {"section": Section(section).label, "category": Category(category).label},
        )
    if values["normal_side"] not in Side.values:
        _add(errors, "normal_side", _("借方/貸方を指定してください。"))
    if not code:
        _add(errors, "code", _("必須です。"))
        return
    if not (code.isascii() and code.isdigit() and len(code) == CODE_LENGTH):
        _add(errors, "code", _("科目コードは%(n)d桁の数字です。") % {"n": CODE_LENGTH})
    elif section in SECTION_CODE_PREFIX and not code.startswith(SECTION_CODE_PREFIX[section]):
        _add(
            errors,
            "code",
            _("表示区分「%(section)s」の科目コードは%(prefix)sで始まります。")
            % {"section": Section(section).label, "prefix": SECTION_CODE_PREFIX[section]},
        )
    if _others(exclude_pk).filter(code=code).exists():
        _add(errors, "code", _("科目コード「%(code)s」は既に使われています。") % {"code": code})


def account_create(*, actor: Any, data: Mapping[str, Any]) -> Account:
    """Add an account (勘定科目) to the chart; every problem is reported at once."""
    require(actor, "ledger.manage_accounts")
    errors: Errors = {}
    values = {name: str(data.get(name) or "").strip() for name in ACCOUNT_FIELDS[:5]}
    if not values["normal_side"]:
        values["normal_side"] = (
            Side.DEBIT if values["category"] in (Category.ASSET, Category.EXPENSE) else Side.CREDIT
        )
    _check_name(errors, values["name"], None)
    _check_structure(errors, values, None)
    tax = _clean_tax_code(errors, data.get("default_tax_code"))
    if errors:
        raise ValidationFailed(_("勘定科目を登録できません。"), errors=errors)
    is_active = _bool(data["is_active"]) if "is_active" in data else True
    with transaction.atomic():
        account = Account.objects.create(**values, default_tax_code=tax, is_active=is_active)
        changes: dict[str, Any] = {k: [None, v] for k, v in values.items()}
        changes["default_tax_code"] = [None, tax.code if tax else None]
        changes["is_active"] = [None, is_active]
        audit_record(actor=actor, action="ledger.account.create", target=account, changes=changes)
        _changed()
    cache.chart_cache_clear()
    return account


def account_update(*, actor: Any, account: Account, data: Mapping[str, Any]) -> Account:
    """Change an account: name, default tax code and active flag always; code, category,
    section and normal side only while no journal line uses it."""
    require(actor, "ledger.manage_accounts")
    errors: Errors = {}
    changes: dict[str, list[Any]] = {}
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        if "name" in data:
            name = str(data["name"] or "").strip()
            _check_name(errors, name, account.pk)
            if name != account.name:
                changes["name"] = [account.name, name]
        if "default_tax_code" in data:
            tax = _clean_tax_code(errors, data["default_tax_code"])
            if (tax.pk if tax else None) != account.default_tax_code_id:
                old = account.default_tax_code.code if account.default_tax_code else None
                changes["default_tax_code"] = [old, tax.code if tax else None]
                account.default_tax_code = tax
        if "is_active" in data and _bool(data["is_active"]) != account.is_active:
            changes["is_active"] = [account.is_active, _bool(data["is_active"])]
        structural = {
            name: str(data[name] or "").strip() if name in data else getattr(account, name)
            for name in STRUCTURAL_FIELDS
        }
        moved = [name for name in STRUCTURAL_FIELDS if structural[name] != getattr(account, name)]
        if moved:
            if account_is_used(account):
                for name in moved:
                    _add(
                        errors,
                        name,
                        _("仕訳で使われている科目のため変更できません。"),
                    )
            else:
                _check_structure(errors, structural, account.pk)
                for name in moved:
                    changes[name] = [getattr(account, name), structural[name]]
        if errors:
            raise ValidationFailed(_("勘定科目を更新できません。"), errors=errors)
        if changes:
            for name, (_old, new) in changes.items():
                if name != "default_tax_code":
                    setattr(account, name, new)
            account.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="ledger.account.update", target=account, changes=changes
            )
            _changed()
    cache.chart_cache_clear()
    return account


def _check_sub(
    errors: Errors, account: Account, code: str, name: str, exclude_pk: int | None
) -> None:
    others = SubAccount.objects.filter(account=account)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if not code:
        _add(errors, "code", _("必須です。"))
    elif len(code) > SUB_CODE_MAX:
        _add(errors, "code", _("%(max)d文字以内で入力してください。") % {"max": SUB_CODE_MAX})
    elif others.filter(code=code).exists():
        _add(errors, "code", _("補助コード「%(code)s」は既に使われています。") % {"code": code})
    if not name:
        _add(errors, "name", _("必須です。"))
    elif len(name) > NAME_MAX:
        _add(errors, "name", _("%(max)d文字以内で入力してください。") % {"max": NAME_MAX})
    elif others.filter(name=name).exists():
        _add(errors, "name", _("補助科目名「%(name)s」は既に使われています。") % {"name": name})


def sub_account_create(*, actor: Any, account: Account, code: str, name: str) -> SubAccount:
    """Add a sub-account (補助科目) under an account."""
    require(actor, "ledger.manage_accounts")
    errors: Errors = {}
    code, name = (code or "").strip(), (name or "").strip()
    _check_sub(errors, account, code, name, None)
    if errors:
        raise ValidationFailed(_("補助科目を登録できません。"), errors=errors)
    with transaction.atomic():
        sub = SubAccount.objects.create(account=account, code=code, name=name)
        audit_record(
            actor=actor,
            action="ledger.sub_account.create",
            target=sub,
            changes={"account": account.code, "code": code, "name": name},
        )
        _changed()
    cache.chart_cache_clear()
    return sub


def sub_account_update(*, actor: Any, sub: SubAccount, data: Mapping[str, Any]) -> SubAccount:
    """Rename or (de)activate a sub-account; its code is fixed once a journal line uses it."""
    require(actor, "ledger.manage_accounts")
    errors: Errors = {}
    changes: dict[str, list[Any]] = {}
    with transaction.atomic():
        sub = SubAccount.objects.select_for_update().select_related("account").get(pk=sub.pk)
        code = str(data["code"] or "").strip() if "code" in data else sub.code
        name = str(data["name"] or "").strip() if "name" in data else sub.name
        if code != sub.code and sub_account_is_used(sub):
            _add(errors, "code", _("仕訳で使われている補助科目のため変更できません。"))
        _check_sub(errors, sub.account, code, name, sub.pk)
        if errors:
            raise ValidationFailed(_("補助科目を更新できません。"), errors=errors)
        if code != sub.code:
            changes["code"] = [sub.code, code]
        if name != sub.name:
            changes["name"] = [sub.name, name]
        if "is_active" in data and _bool(data["is_active"]) != sub.is_active:
            changes["is_active"] = [sub.is_active, _bool(data["is_active"])]
        if changes:
            for field, (_old, new) in changes.items():
                setattr(sub, field, new)
            sub.save(update_fields=list(changes))
            audit_record(
                actor=actor,
                action="ledger.sub_account.update",
                target=sub,
                changes={"account": sub.account.code, **changes},
            )
            _changed()
    cache.chart_cache_clear()
    return sub


def ledger_settings_update(
    *, actor: Any, rounding: str | None = None, tax_entry: str | None = None
) -> LedgerSettings:
    """Change the rounding rule (端数処理) or the default tax entry mode."""
    require(actor, "ledger.manage_accounts")
    errors: Errors = {}
    if rounding is not None and rounding not in LedgerSettings.Rounding.values:
        _add(errors, "rounding", "floor / half_up / ceiling のいずれかです。")
    if tax_entry is not None and tax_entry not in LedgerSettings.TaxEntry.values:
        _add(errors, "tax_entry", "inclusive / exclusive のいずれかです。")
    if errors:
        raise ValidationFailed("設定を更新できません。", errors=errors)
    with transaction.atomic():
        options = LedgerSettings.objects.select_for_update().order_by("pk").first()
        if options is None:
            options = LedgerSettings.objects.create()
        changes: dict[str, list[Any]] = {}
        if rounding is not None and rounding != options.rounding:
            changes["rounding"] = [options.rounding, rounding]
            options.rounding = rounding
        if tax_entry is not None and tax_entry != options.tax_entry:
            changes["tax_entry"] = [options.tax_entry, tax_entry]
            options.tax_entry = tax_entry
        options.save()
        audit_record(actor=actor, action="ledger.settings.update", target=options, changes=changes)
        _changed()
    cache.chart_cache_clear()
    return options

"""Chart of accounts (勘定科目・補助科目) and book-keeping options: writes, each audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.ledger import cache
from urakata.ledger.models import Account, LedgerSettings, SubAccount
from urakata.ledger.validation import Errors, _add

ACCOUNT_FIELDS = ["code", "name", "category", "section", "normal_side", "is_active"]


def account_create(*, actor: Any, data: Mapping[str, Any]) -> Account:
    """Add an account (勘定科目) to the chart."""
    from urakata.ledger.models import Category, Section, Side

    errors: Errors = {}
    cleaned = {name: str(data.get(name) or "").strip() for name in ACCOUNT_FIELDS[:5]}
    for name in ("code", "name"):
        if not cleaned[name]:
            _add(errors, name, "必須です。")
    if cleaned["category"] not in Category.values:
        _add(errors, "category", "区分が正しくありません。")
    if cleaned["section"] not in Section.values:
        _add(errors, "section", "表示区分が正しくありません。")
    if not cleaned["normal_side"]:
        cleaned["normal_side"] = (
            Side.DEBIT if cleaned["category"] in (Category.ASSET, Category.EXPENSE) else Side.CREDIT
        )
    if cleaned["normal_side"] not in Side.values:
        _add(errors, "normal_side", "借方/貸方を指定してください。")
    if cleaned["code"] and Account.objects.filter(code=cleaned["code"]).exists():
        _add(errors, "code", f"科目コード「{cleaned['code']}」は既に使われています。")
    if cleaned["name"] and Account.objects.filter(name=cleaned["name"]).exists():
        _add(errors, "name", f"科目名「{cleaned['name']}」は既に使われています。")
    if errors:
        raise ValidationFailed("勘定科目を登録できません。", errors=errors)
    with transaction.atomic():
        account = Account.objects.create(**cleaned)
        audit_record(
            actor=actor,
            action="ledger.account.create",
            target=account,
            changes={k: [None, v] for k, v in cleaned.items()},
        )
        transaction.on_commit(cache.chart_cache_clear)
    cache.chart_cache_clear()
    return account


def account_update(*, actor: Any, account: Account, data: Mapping[str, Any]) -> Account:
    """Rename or (de)activate an account; its category is fixed once lines use it."""
    errors: Errors = {}
    changes: dict[str, list[Any]] = {}
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        if "name" in data:
            name = str(data["name"] or "").strip()
            if not name:
                _add(errors, "name", "必須です。")
            elif Account.objects.filter(name=name).exclude(pk=account.pk).exists():
                _add(errors, "name", f"科目名「{name}」は既に使われています。")
            elif name != account.name:
                changes["name"] = [account.name, name]
        if "is_active" in data and bool(data["is_active"]) != account.is_active:
            changes["is_active"] = [account.is_active, bool(data["is_active"])]
        if errors:
            raise ValidationFailed("勘定科目を更新できません。", errors=errors)
        if changes:
            for name, (_old, new) in changes.items():
                setattr(account, name, new)
            account.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="ledger.account.update", target=account, changes=changes
            )
        transaction.on_commit(cache.chart_cache_clear)
    cache.chart_cache_clear()
    return account


def sub_account_create(*, actor: Any, account: Account, code: str, name: str) -> SubAccount:
    """Add a sub-account (補助科目) under an account."""
    errors: Errors = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        _add(errors, "code", "必須です。")
    if not name:
        _add(errors, "name", "必須です。")
    if code and SubAccount.objects.filter(account=account, code=code).exists():
        _add(errors, "code", f"補助コード「{code}」は既に使われています。")
    if name and SubAccount.objects.filter(account=account, name=name).exists():
        _add(errors, "name", f"補助科目名「{name}」は既に使われています。")
    if errors:
        raise ValidationFailed("補助科目を登録できません。", errors=errors)
    with transaction.atomic():
        sub = SubAccount.objects.create(account=account, code=code, name=name)
        audit_record(
            actor=actor,
            action="ledger.sub_account.create",
            target=sub,
            changes={"account": account.code, "code": code, "name": name},
        )
        transaction.on_commit(cache.chart_cache_clear)
    cache.chart_cache_clear()
    return sub


def ledger_settings_update(
    *, actor: Any, rounding: str | None = None, tax_entry: str | None = None
) -> LedgerSettings:
    """Change the rounding rule (端数処理) or the default tax entry mode."""
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
        transaction.on_commit(cache.chart_cache_clear)
    cache.chart_cache_clear()
    return options

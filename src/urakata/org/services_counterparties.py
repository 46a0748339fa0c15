"""Org services: counterparties (取引先)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record, diff
from urakata.core.errors import ValidationFailed
from urakata.core.japanese import (
    normalise_digits,
    normalise_kana,
)
from urakata.core.permissions import require
from urakata.org.models import Counterparty
from urakata.org.services_common import (
    COUNTERPARTY_FIELDS,
    Errors,
    _add,
    _check_bank,
    _check_email,
    _check_identifiers,
    _clean_bank,
    _parse_bool,
    _require,
    _text,
)

# ---------------------------------------------------------------- counterparties and company


def counterparty_clean(
    *, data: Mapping[str, Any], instance: Counterparty | None = None, check_unique: bool = True
) -> tuple[dict[str, Any], Errors]:
    """Validate a 取引先: 法人番号 and T-number check digits, bank account shape, unique code."""
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    if instance is None:
        _require(errors, data, "code", "name")
    else:
        _require(errors, data, *[f for f in ("code", "name") if f in data])
    for field in ("code", "name", "postal_code", "address", "phone", "email"):
        if field in data:
            cleaned[field] = _text(data, field)
    if "name_kana" in data:
        cleaned["name_kana"] = normalise_kana(_text(data, "name_kana"))
    for field in ("corporate_number", "registration_number"):
        if field in data:
            cleaned[field] = normalise_digits(_text(data, field))
    for field in ("is_customer", "is_supplier", "is_active"):
        if field in data:
            cleaned[field] = _parse_bool(data[field])
    _clean_bank(data, cleaned)
    _check_identifiers(errors, cleaned)
    _check_bank(errors, cleaned)
    _check_email(errors, cleaned.get("email", ""))
    if cleaned.get("code") and check_unique:
        clash = Counterparty.objects.filter(code=cleaned["code"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            _add(
                errors,
                "code",
                _("取引先コード「%(code)s」は既に使われています。") % {"code": cleaned["code"]},
            )
    return cleaned, errors


def counterparty_create(*, actor: Any, data: Mapping[str, Any]) -> Counterparty:
    """Register a business partner (取引先登録)."""
    require(actor, "org.manage_counterparties")
    cleaned, errors = counterparty_clean(data=data)
    if errors:
        raise ValidationFailed(
            _("取引先を登録できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        counterparty = Counterparty.objects.create(**cleaned)
        audit_record(
            actor=actor,
            action="org.counterparty.create",
            target=counterparty,
            changes={k: [None, v] for k, v in cleaned.items()},
        )
    return counterparty


def counterparty_update(
    *, actor: Any, counterparty: Counterparty, data: Mapping[str, Any]
) -> Counterparty:
    """Change a 取引先; only fields present in `data` change."""
    require(actor, "org.manage_counterparties")
    cleaned, errors = counterparty_clean(data=data, instance=counterparty)
    if errors:
        raise ValidationFailed(
            _("取引先を更新できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        counterparty = Counterparty.objects.select_for_update().get(pk=counterparty.pk)
        changes = diff(counterparty, COUNTERPARTY_FIELDS, cleaned)
        if changes:
            for field in changes:
                setattr(counterparty, field, cleaned[field])
            counterparty.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="org.counterparty.update", target=counterparty, changes=changes
            )
    return counterparty

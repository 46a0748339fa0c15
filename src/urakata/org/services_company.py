"""Org services: the company profile (自社情報)."""

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
from urakata.org.models import Company
from urakata.org.services_common import (
    COMPANY_FIELDS,
    Errors,
    _add,
    _check_bank,
    _check_identifiers,
    _clean_bank,
    _text,
)


def company_update(*, actor: Any, data: Mapping[str, Any]) -> Company:
    """Set the company profile (自社情報); creates it on first use."""
    require(actor, "org.manage_company")
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    for field in ("name", "postal_code", "address", "phone", "representative"):
        if field in data:
            cleaned[field] = _text(data, field)
    if "name" in cleaned and not cleaned["name"]:
        _add(errors, "name", _("必須項目です。"))
    if "name_kana" in data:
        cleaned["name_kana"] = normalise_kana(_text(data, "name_kana"))
    for field in ("corporate_number", "registration_number"):
        if field in data:
            cleaned[field] = normalise_digits(_text(data, field))
    if "fiscal_year_start_month" in data:
        try:
            month = int(data["fiscal_year_start_month"])
        except (TypeError, ValueError):
            month = 0
        if not 1 <= month <= 12:
            _add(errors, "fiscal_year_start_month", _("期首月は1〜12で入力してください。"))
        cleaned["fiscal_year_start_month"] = month
    _clean_bank(data, cleaned)
    _check_identifiers(errors, cleaned)
    _check_bank(errors, cleaned)
    if errors:
        raise ValidationFailed(_("会社情報を更新できません。"), errors=errors)
    with transaction.atomic():
        company = Company.objects.select_for_update().order_by("pk").first()
        if company is None:
            company = Company(name=cleaned.get("name") or "")
        changes = (
            diff(company, COMPANY_FIELDS, cleaned)
            if company.pk
            else {k: [None, v] for k, v in cleaned.items()}
        )
        for field, value in cleaned.items():
            setattr(company, field, value)
        company.save()
        audit_record(actor=actor, action="org.company.update", target=company, changes=changes)
    return company

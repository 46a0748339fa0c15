"""Effective-dated pay master: a change to pay takes effect from a pay month.

Each `PayProfileVersion` holds every dated field (`DATED_FIELDS`) as in force from its month; a run
uses, per employee, the latest version whose month is not after the run's pay month (支給月). The
first dated change also records the values before it as a version from the beginning, so months
before the change keep being computed as they were. The profile row shows the values in force this
month. Every change and correction (a second change for the same month) is audited old → new.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.payroll.models import PayProfile, PayProfileVersion
from urakata.payroll.runs import DATED_INPUTS

DATED_FIELDS = DATED_INPUTS
BEGINNING = dt.date(2000, 1, 1)  # the version holding the values before the first dated change
DECIMAL_FIELDS = ("scheduled_hours", "scheduled_days")


def _plain(profile: PayProfile) -> dict[str, Any]:
    return {
        f: str(getattr(profile, f)) if f in DECIMAL_FIELDS else getattr(profile, f)
        for f in DATED_FIELDS
    }


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Decimal(str(v)) if k in DECIMAL_FIELDS else v for k, v in values.items()}


def effective_month_check(effective_month: dt.date) -> dt.date:
    """A dated change starts in a pay month from BEGINNING on (the version before the first
    change is dated there): an earlier month is a 422 naming the field, not a missing version."""
    month = effective_month.replace(day=1)
    if month < BEGINNING:
        message = _("適用開始の支給月は %(month)s 以降で指定してください。") % {
            "month": BEGINNING.strftime("%Y-%m")
        }
        raise ValidationFailed(message, errors={"effective_month": [message]})
    return month


def values_in_force(profile_ids: list[int], pay_month: dt.date) -> dict[int, dict[str, Any]]:
    """Per profile with versions: the dated fields in force in the pay month (typed)."""
    found: dict[int, dict[str, Any]] = {}
    rows = PayProfileVersion.objects.filter(
        profile_id__in=profile_ids, effective_month__lte=pay_month
    ).order_by("profile_id", "effective_month")
    for row in rows:
        found[row.profile_id] = _typed(row.values)  # the latest month wins
    return found


def profile_history(profile: PayProfile) -> list[PayProfileVersion]:
    """The dated versions of a pay master, oldest first."""
    return list(profile.versions.order_by("effective_month"))


def pay_profile_change_schedule(
    *,
    actor: Any,
    profile: PayProfile,
    effective_month: dt.date,
    reason: str = "",
    today: dt.date | None = None,
    **values: Any,
) -> PayProfileVersion:
    """Record a change of pay from a pay month (a second change for that month corrects it)."""
    from urakata.payroll.services_profiles import profile_errors

    require(actor, "payroll.manage")
    effective_month = effective_month_check(effective_month)
    today = today or timezone.localdate()
    unknown = set(values) - set(DATED_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("給与マスタを改定できません。"),
            errors={k: [_("日付を指定して改定できない項目です。")] for k in unknown},
        )
    with transaction.atomic():
        profile = PayProfile.objects.select_for_update().get(pk=profile.pk)
        if not profile.versions.exists():
            PayProfileVersion.objects.create(
                profile=profile, effective_month=BEGINNING, values=_plain(profile)
            )
        before = values_in_force([profile.pk], effective_month)[profile.pk]
        existing = profile.versions.filter(effective_month=effective_month).first()
        merged = {**before, **values}
        checked = {
            f: getattr(profile, f) for f in ("employment_insurance", "insured_kind", "birth_date")
        }
        errors = profile_errors({**checked, **merged})
        if errors:
            raise ValidationFailed(_("給与マスタを改定できません。"), errors=errors)
        plain = {f: str(merged[f]) if f in DECIMAL_FIELDS else merged[f] for f in DATED_FIELDS}
        old = existing.values if existing else _plain_typed(before)
        changes = {f: [old.get(f), plain[f]] for f in DATED_FIELDS if old.get(f) != plain[f]}
        version, _created = PayProfileVersion.objects.update_or_create(
            profile=profile,
            effective_month=effective_month,
            defaults={"values": plain, "reason": reason.strip()},
        )
        current = values_in_force([profile.pk], today.replace(day=1))[profile.pk]
        for field, value in current.items():
            setattr(profile, field, value)
        profile.save(update_fields=[*DATED_FIELDS, "updated_at"])
        audit_record(
            actor=actor,
            action="payroll.profile.correct" if existing else "payroll.profile.schedule",
            target=profile,
            changes={
                **changes,
                "effective_month": [None, f"{effective_month:%Y-%m}"],
                "reason": [existing.reason if existing else None, reason.strip()],
            },
        )
    return version


def _plain_typed(values: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if k in DECIMAL_FIELDS else v for k, v in values.items()}

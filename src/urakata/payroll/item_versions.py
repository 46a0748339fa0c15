"""Dated allowances and deductions (手当・控除): a change takes effect from a pay month.

Like the pay-master versions (`versions.py`): each `PayItemVersion` holds the whole list of items
in force from its month; a run uses, per employee, the latest version whose month is not after
the run's pay month. The first dated change also records the items before it as a version from
the beginning, so a re-run of an earlier month keeps its items. A change is applied to its month
and to every later version already scheduled (a new 住宅手当 from April is still there in a June
version). The `PayItem` rows show the items in force this month. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.payroll.models import PayItem, PayItemVersion, PayProfile
from urakata.payroll.versions import BEGINNING, effective_month_check

ItemRow = dict[str, Any]  # {kind, name, amount, taxable, in_overtime_base}


def _rows(profile: PayProfile) -> list[ItemRow]:
    return [
        {
            "kind": i.kind,
            "name": i.name,
            "amount": i.amount,
            "taxable": i.taxable,
            "in_overtime_base": i.in_overtime_base,
        }
        for i in profile.items.order_by("kind", "name")
    ]


def items_in_force(profile_ids: list[int], pay_month: dt.date) -> dict[int, list[ItemRow]]:
    """Per profile with dated items: the items in force in the pay month (one query)."""
    found: dict[int, list[ItemRow]] = {}
    rows = PayItemVersion.objects.filter(
        profile_id__in=profile_ids, effective_month__lte=pay_month
    ).order_by("profile_id", "effective_month")
    for row in rows:
        found[row.profile_id] = row.items  # the latest month wins
    return found


def item_history(profile: PayProfile) -> list[PayItemVersion]:
    """The dated item lists of a pay master, oldest first."""
    return list(profile.item_versions.order_by("effective_month"))


def _item_errors(kind: str, name: str, amount: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in PayItem.Kind.values:
        errors["kind"] = [_("手当か控除を選んでください。")]
    if not (name or "").strip():
        errors["name"] = [_("名称を入力してください。")]
    elif len(name.strip()) > 40:
        errors["name"] = [_("名称は40文字までです。")]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        errors["amount"] = [_("0以上で入力してください。")]
    elif amount > 99_999_999:
        errors["amount"] = [_("金額が大きすぎます。")]
    return errors


def _apply(items: list[ItemRow], row: ItemRow | None, kind: str, name: str) -> list[ItemRow]:
    """The list with the item (kind, name) replaced by `row` (None: removed), sorted."""
    kept = [i for i in items if (i["kind"], i["name"]) != (kind, name)]
    if row is not None:
        kept.append(row)
    return sorted(kept, key=lambda i: (i["kind"], i["name"]))


def pay_item_change_schedule(
    *,
    actor: Any,
    profile: PayProfile,
    effective_month: dt.date,
    kind: str,
    name: str,
    amount: int = 0,
    taxable: bool = True,
    in_overtime_base: bool = False,
    remove: bool = False,
    reason: str = "",
    today: dt.date | None = None,
) -> PayItemVersion:
    """Add, change or (`remove=True`) stop an allowance or deduction from a pay month."""
    require(actor, "payroll.manage")
    effective_month = effective_month_check(effective_month)
    today = today or timezone.localdate()
    name = (name or "").strip()
    errors = _item_errors(kind, name, 0 if remove else amount)
    if errors:
        raise ValidationFailed(_("手当・控除を保存できません。"), errors=errors)
    row = None if remove else _row(kind, name, amount, taxable, in_overtime_base)
    with transaction.atomic():
        profile = PayProfile.objects.select_for_update().get(pk=profile.pk)
        if not profile.item_versions.exists():
            PayItemVersion.objects.create(
                profile=profile, effective_month=BEGINNING, items=_rows(profile)
            )
        before = items_in_force([profile.pk], effective_month)[profile.pk]
        old = next((i for i in before if (i["kind"], i["name"]) == (kind, name)), None)
        if remove and old is None:
            raise ValidationFailed(
                _("手当・控除を保存できません。"),
                errors={"name": [_("この月に「%(name)s」はありません。") % {"name": name}]},
            )
        version = _write(profile, effective_month, before, row, (kind, name), reason)
        _sync_current(profile, today.replace(day=1))
        audit_record(
            actor=actor,
            action="payroll.item.schedule",
            target=profile,
            changes={
                "item": f"{kind}:{name}",
                "value": [old, row],
                "effective_month": [None, f"{effective_month:%Y-%m}"],
                "reason": [None, reason.strip()[:200]],
            },
        )
    return version


def _row(kind: str, name: str, amount: int, taxable: bool, in_base: bool) -> ItemRow:
    """A deduction is always taken from taxable pay; only an allowance is in the 割増 base."""
    return {
        "kind": kind,
        "name": name,
        "amount": amount,
        "taxable": True if kind == PayItem.Kind.DEDUCTION else bool(taxable),
        "in_overtime_base": bool(in_base) and kind == PayItem.Kind.ALLOWANCE,
    }


def _write(
    profile: PayProfile,
    month: dt.date,
    before: list[ItemRow],
    row: ItemRow | None,
    key: tuple[str, str],
    reason: str,
) -> PayItemVersion:
    """The month's version with the change, and every later version with it too."""
    version, _created = PayItemVersion.objects.get_or_create(
        profile=profile, effective_month=month, defaults={"items": before}
    )
    version.items = _apply(version.items, row, *key)
    version.reason = reason.strip()[:200]
    version.save()
    for later in profile.item_versions.filter(effective_month__gt=month):
        later.items = _apply(later.items, row, *key)
        later.save(update_fields=["items", "changed_at"])
    return version


def _sync_current(profile: PayProfile, this_month: dt.date) -> None:
    """The `PayItem` rows become the items in force this month."""
    current = items_in_force([profile.pk], this_month).get(profile.pk, [])
    profile.items.all().delete()
    PayItem.objects.bulk_create([PayItem(profile=profile, **i) for i in current])

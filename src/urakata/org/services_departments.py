"""Org services: departments (部署) and positions (役職)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record, diff
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Department, Employee, Position
from urakata.org.services_common import (
    DEPARTMENT_FIELDS,
    Errors,
    _add,
    _parse_bool,
    _require,
    _resolve,
    _text,
)

# ---------------------------------------------------------------- departments and positions


def department_clean(
    *, data: Mapping[str, Any], instance: Department | None = None
) -> tuple[dict[str, Any], Errors]:
    """Validate department fields; a department may not be its own ancestor."""
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    # A new department needs both; a change may leave either out, but not blank it.
    _require(errors, data, *[f for f in ("code", "name") if instance is None or f in data])
    for field in ("code", "name"):
        if field in data:
            cleaned[field] = _text(data, field)
    if "sort_order" in data:
        try:
            cleaned["sort_order"] = int(data.get("sort_order") or 0)
        except (TypeError, ValueError):
            _add(errors, "sort_order", _("表示順は整数で入力してください。"))
    if "is_active" in data:
        cleaned["is_active"] = _parse_bool(data["is_active"])
    for field, model, kind in (
        ("parent", Department, "parent"),
        ("manager", Employee, "department_manager"),
    ):
        present, value = _resolve(errors, data, field, model, kind)
        if present:
            cleaned[field] = value
    if cleaned.get("code"):
        clash = Department.objects.filter(code=cleaned["code"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            _add(
                errors,
                "code",
                _("部署コード「%(code)s」は既に使われています。") % {"code": cleaned["code"]},
            )
    parent = cleaned.get("parent")
    if parent is not None and instance is not None:
        node: Department | None = parent
        while node is not None:
            if node.pk == instance.pk:
                _add(errors, "parent", _("自部署や配下の部署を上位部署にはできません。"))
                break
            node = node.parent
    return cleaned, errors


def department_create(*, actor: Any, data: Mapping[str, Any]) -> Department:
    """Create a department (部署)."""
    require(actor, "org.manage_departments")
    cleaned, errors = department_clean(data=data)
    if errors:
        raise ValidationFailed(_("部署を登録できません。"), errors=errors)
    with transaction.atomic():
        department = Department.objects.create(**cleaned)
        audit_record(
            actor=actor,
            action="org.department.create",
            target=department,
            changes={k: [None, v] for k, v in cleaned.items()},
        )
    return department


def department_update(*, actor: Any, department: Department, data: Mapping[str, Any]) -> Department:
    """Change a department; moving it under another parent keeps the tree acyclic."""
    require(actor, "org.manage_departments")
    cleaned, errors = department_clean(data=data, instance=department)
    if errors:
        raise ValidationFailed(_("部署を更新できません。"), errors=errors)
    with transaction.atomic():
        department = Department.objects.select_for_update().get(pk=department.pk)
        changes = diff(department, DEPARTMENT_FIELDS, cleaned)
        if changes:
            for field in changes:
                setattr(department, field, cleaned[field])
            department.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="org.department.update", target=department, changes=changes
            )
    return department


def position_create(*, actor: Any, code: str, name: str, rank: int = 0) -> Position:
    """Create a job title (役職)."""
    require(actor, "org.manage_employees")
    errors: Errors = {}
    _require(errors, {"code": code, "name": name}, "code", "name")
    if code and Position.objects.filter(code=code).exists():
        _add(errors, "code", _("役職コード「%(code)s」は既に使われています。") % {"code": code})
    if errors:
        raise ValidationFailed(_("役職を登録できません。"), errors=errors)
    with transaction.atomic():
        position = Position.objects.create(code=code, name=name, rank=rank)
        audit_record(
            actor=actor,
            action="org.position.create",
            target=position,
            changes={"code": [None, code], "name": [None, name], "rank": [None, rank]},
        )
    return position

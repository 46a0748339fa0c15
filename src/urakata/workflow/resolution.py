"""Approver resolution: turn a step's approver specs into users, from the org master.

Specs (stored as JSON on RouteStep.approvers; written as one line each in the route editor):
    {"kind": "user", "user": 12}                 user:<username>     a named user
    {"kind": "role", "role": "accounting"}       role:<role>         every active member of a role
    {"kind": "department_manager"}               department_manager  the applicant's department
                                                                      manager (up the tree if none)
    {"kind": "manager_up", "levels": 2}          manager_up:<N>      the manager N levels above the
                                                                      applicant (Employee.manager)
    {"kind": "department", "department": 5}      department:<code>   the manager of a named department
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from urakata.core.roles import Role
from urakata.org.models import Department, Employee

KINDS = ("user", "role", "department_manager", "manager_up", "department")
RELATIVE_KINDS = ("department_manager", "manager_up")


@dataclass
class Resolved:
    """The users a spec names; `missing` explains why a relative spec found nobody."""

    users: list[Any]
    missing: str = ""


def _manager_user(department: Department | None) -> Any | None:
    """The department's manager, walking up the tree; one query per level."""
    seen: set[int] = set()
    department_id = department.pk if department is not None else None
    while department_id is not None and department_id not in seen:
        seen.add(department_id)
        node = (
            Department.objects.filter(pk=department_id)
            .values_list("manager__user", "manager__user__is_active", "parent_id")
            .first()
        )
        if node is None:
            return None
        user_id, active, department_id = node
        if user_id is not None and active:
            return get_user_model().objects.get(pk=user_id)
    return None


def applicant_employee(applicant: Any) -> Employee | None:
    return (
        Employee.objects.select_related("department", "manager__user")
        .filter(user_id=applicant.pk)
        .first()
    )


def resolve_spec(
    spec: dict[str, Any],
    *,
    applicant: Any,
    department: Department | None,
    employee: Employee | None = None,
) -> Resolved:
    """Users for one spec, in a stable order."""
    kind = spec.get("kind")
    user_model = get_user_model()
    if kind == "user":
        user = user_model.objects.filter(pk=spec.get("user") or 0, is_active=True).first()
        return Resolved([user] if user else [], "" if user else "指定された承認者が無効です")
    if kind == "role":
        users = list(
            user_model.objects.filter(groups__name=spec.get("role"), is_active=True)
            .order_by("pk")
            .distinct()
        )
        return Resolved(users, "" if users else f"ロール「{spec.get('role')}」の担当者がいません")
    if kind == "department":
        user = _manager_user(Department(pk=spec.get("department") or 0))
        return Resolved([user] if user else [], "" if user else "指定部署の部署長がいません")
    employee = employee or applicant_employee(applicant)
    if kind == "department_manager":
        dept = department or (employee.department if employee else None)
        user = _manager_user(dept)
        return Resolved([user] if user else [], "" if user else "部署長がいません")
    if kind == "manager_up":
        levels = max(1, int(spec.get("levels") or 1))
        current = employee
        for _level in range(levels):
            current = current.manager if current is not None else None
        if current is None or current.user is None or not current.user.is_active:
            return Resolved([], f"{levels}階層上の上長がいません")
        return Resolved([current.user])
    return Resolved([], f"未知の承認者指定です: {kind}")


def spec_parse(line: str) -> tuple[dict[str, Any] | None, str]:
    """Parse one editor line (`role:accounting`) into a spec; returns (spec, error)."""
    text = line.strip()
    if not text:
        return None, ""
    kind, _sep, arg = text.partition(":")
    kind, arg = kind.strip(), arg.strip()
    if kind == "user":
        user = get_user_model().objects.filter(username=arg).first()
        if user is None:
            return None, _("ユーザー「%(arg)s」が見つかりません") % {"arg": arg}
        return {"kind": "user", "user": user.pk}, ""
    if kind == "role":
        if arg not in {r.value for r in Role}:
            return None, _("ロール「%(arg)s」はありません") % {"arg": arg}
        return {"kind": "role", "role": arg}, ""
    if kind == "department_manager":
        return {"kind": "department_manager"}, ""
    if kind == "manager_up":
        if not arg.isdigit() or not 1 <= int(arg) <= 10:
            return None, _("manager_up の階層は 1〜10 の数字で指定してください")
        return {"kind": "manager_up", "levels": int(arg)}, ""
    if kind == "department":
        department = Department.objects.filter(code=arg).first()
        if department is None:
            return None, _("部署コード「%(arg)s」が見つかりません") % {"arg": arg}
        return {"kind": "department", "department": department.pk}, ""
    return None, _(
        "「%(text)s」を読めません(user:/role:/department_manager/manager_up:N/department:)"
    ) % {"text": text}


def spec_format(spec: dict[str, Any]) -> str:
    """The editor line for a spec (inverse of spec_parse)."""
    kind = spec.get("kind")
    if kind == "user":
        user = get_user_model().objects.filter(pk=spec.get("user") or 0).first()
        return f"user:{user.get_username() if user else spec.get('user')}"
    if kind == "role":
        return f"role:{spec.get('role')}"
    if kind == "manager_up":
        return f"manager_up:{spec.get('levels')}"
    if kind == "department":
        department = Department.objects.filter(pk=spec.get("department") or 0).first()
        return f"department:{department.code if department else spec.get('department')}"
    return str(kind)


def spec_errors(spec: Any) -> str:
    """Why a structured spec (from the API) is invalid, or ''."""
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        return _("承認者の種類は %(value)s のいずれかです") % {"value": ", ".join(KINDS)}
    kind = spec["kind"]
    if kind == "user" and not get_user_model().objects.filter(pk=spec.get("user") or 0).exists():
        return _("承認者ユーザーが見つかりません")
    if kind == "role" and spec.get("role") not in {r.value for r in Role}:
        return _("ロール「%(value)s」はありません") % {"value": spec.get("role")}
    if (
        kind == "department"
        and not Department.objects.filter(pk=spec.get("department") or 0).exists()
    ):
        return _("部署が見つかりません")
    if kind == "manager_up":
        levels = spec.get("levels")
        if not isinstance(levels, int) or not 1 <= levels <= 10:
            return _("manager_up の階層は 1〜10 です")
    return ""

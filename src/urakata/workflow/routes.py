"""Route administration (承認ルート設定) and route choice for a subject; each edit bumps the version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.workflow.conditions import OPERATORS, conditions_match
from urakata.workflow.models import Quorum, Route, RouteStep
from urakata.workflow.registry import get_subject_type
from urakata.workflow.resolution import spec_errors

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_conditions(errors: Errors, field: str, conditions: Any) -> list[dict[str, Any]]:
    if conditions in (None, ""):
        return []
    if not isinstance(conditions, list):
        _add(errors, field, _("条件はリストで指定してください。"))
        return []
    cleaned = []
    for condition in conditions:
        if (
            not isinstance(condition, dict)
            or not str(condition.get("field", "")).strip()
            or condition.get("op") not in OPERATORS
            or str(condition.get("value", "")).strip() == ""
        ):
            _add(
                errors,
                field,
                _("条件 %(condition)s が正しくありません(演算子: %(operators)s)。")
                % {"condition": repr(condition), "operators": " ".join(OPERATORS)},
            )
            continue
        cleaned.append(
            {
                "field": str(condition["field"]).strip(),
                "op": condition["op"],
                "value": str(condition["value"]).strip(),
            }
        )
    return cleaned


def route_clean(*, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], Errors]:
    """Validate a route and its steps; returns (route fields, steps, every problem found)."""
    errors: Errors = {}
    name = str(data.get("name") or "").strip()
    if not name:
        _add(errors, "name", _("必須項目です。"))
    subject_type = str(data.get("subject_type") or "").strip()
    if get_subject_type(subject_type) is None:
        _add(
            errors,
            "subject_type",
            _("対象の種類「%(subject_type)s」は登録されていません。")
            % {"subject_type": subject_type},
        )
    fields: dict[str, Any] = {"name": name[:100], "subject_type": subject_type}
    fields["conditions"] = _check_conditions(errors, "conditions", data.get("conditions"))
    for key, default in (
        ("priority", 0),
        ("remind_after_hours", 48),
        ("escalate_after_hours", 120),
    ):
        try:
            fields[key] = int(
                data.get(key, default) if data.get(key) not in (None, "") else default
            )
        except (TypeError, ValueError):
            _add(errors, key, _("整数で入力してください。"))
            continue
        if key != "priority" and fields[key] < 1:
            _add(errors, key, _("1以上で入力してください。"))
    fields["is_active"] = bool(data.get("is_active", True))
    fields["distinct_approvers"] = bool(data.get("distinct_approvers", False))
    steps: list[dict[str, Any]] = []
    raw_steps = data.get("steps") or []
    if not raw_steps:
        _add(errors, "steps", _("ステップを1つ以上設定してください。"))
    for index, raw in enumerate(raw_steps, start=1):
        key = f"steps.{index}"
        step_name = str(raw.get("name") or "").strip()
        if not step_name:
            _add(errors, f"{key}.name", _("ステップ名は必須です。"))
        approvers = raw.get("approvers") or []
        if not approvers:
            _add(errors, f"{key}.approvers", _("承認者を1つ以上指定してください。"))
        for spec in approvers:
            if message := spec_errors(spec):
                _add(errors, f"{key}.approvers", message)
        quorum = raw.get("quorum") or Quorum.ALL
        if quorum not in Quorum.values:
            _add(errors, f"{key}.quorum", _("all または any を指定してください。"))
        steps.append(
            {
                "order": index,
                "name": step_name[:100],
                "approvers": approvers,
                "quorum": quorum,
                "conditions": _check_conditions(errors, f"{key}.conditions", raw.get("conditions")),
            }
        )
    return fields, steps, errors


def _write_steps(route: Route, steps: list[dict[str, Any]]) -> None:
    route.steps.all().delete()
    RouteStep.objects.bulk_create([RouteStep(route=route, **step) for step in steps])


def route_create(*, actor: Any, data: Mapping[str, Any]) -> Route:
    """Create an approval route with its steps."""
    require(actor, "workflow.manage_routes")
    fields, steps, errors = route_clean(data=data)
    if errors:
        raise ValidationFailed(_("承認ルートを登録できません。"), errors=errors)
    with transaction.atomic():
        route = Route.objects.create(**fields)
        _write_steps(route, steps)
        audit_record(
            actor=actor,
            action="workflow.route.create",
            target=route,
            changes={**{k: [None, v] for k, v in fields.items()}, "steps": [None, steps]},
        )
    return route


def route_update(*, actor: Any, route: Route, data: Mapping[str, Any]) -> Route:
    """Replace a route's settings and steps; the version goes up, requests in flight keep theirs."""
    require(actor, "workflow.manage_routes")
    fields, steps, errors = route_clean(data=data)
    if errors:
        raise ValidationFailed(_("承認ルートを更新できません。"), errors=errors)
    with transaction.atomic():
        route = Route.objects.select_for_update().get(pk=route.pk)
        before = route_snapshot(route)
        for key, value in fields.items():
            setattr(route, key, value)
        route.version += 1
        route.save()
        _write_steps(route, steps)
        audit_record(
            actor=actor,
            action="workflow.route.update",
            target=route,
            changes={"before": before, "after": route_snapshot(route)},
        )
    return route


def route_seed(*, data: Mapping[str, Any]) -> tuple[Route, bool]:
    """Create a built-in route unless one for the same subject type and conditions exists.

    For domains that ship a default route (the assistant's 問い合わせ per desk). The match ignores
    name, steps and `is_active`, so an administrator's later edits (or deactivation) stand; only a
    deleted route is seeded again. Returns (route, created).
    """
    fields, steps, errors = route_clean(data=data)
    if errors:
        raise ValidationFailed(_("承認ルートを登録できません。"), errors=errors)
    for route in Route.objects.filter(subject_type=fields["subject_type"]).order_by("pk"):
        if route.conditions == fields["conditions"]:
            return route, False
    with transaction.atomic():
        route = Route.objects.create(**fields)
        _write_steps(route, steps)
        audit_record(
            actor=None,
            action="workflow.route.seed",
            target=route,
            changes={**{k: [None, v] for k, v in fields.items()}, "steps": [None, steps]},
        )
    return route, True


def route_snapshot(route: Route) -> dict[str, Any]:
    """A frozen copy of a route as a request will follow it."""
    return {
        "route_id": route.pk,
        "name": route.name,
        "version": route.version,
        "remind_after_hours": route.remind_after_hours,
        "escalate_after_hours": route.escalate_after_hours,
        "distinct_approvers": route.distinct_approvers,
        "steps": [
            {
                "order": step.order,
                "name": step.name,
                "approvers": step.approvers,
                "quorum": step.quorum,
                "conditions": step.conditions,
            }
            for step in route.steps.order_by("order")
        ],
    }


def route_select(*, subject_type: str, values: dict[str, Any]) -> Route:
    """The active route of highest priority whose conditions hold for the subject."""
    for route in Route.objects.filter(subject_type=subject_type, is_active=True).order_by(
        "-priority", "pk"
    ):
        if conditions_match(route.conditions, values):
            return route
    raise ValidationFailed(
        _("この申請に使える承認ルートが設定されていません。管理者に連絡してください。"),
        errors={"route": [_("該当する承認ルートがありません。")]},
    )

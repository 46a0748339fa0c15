"""Administrator pages: route editor (承認ルート設定), form editor (申請フォーム定義), KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.permissions import can
from urakata.workflow import kpis as kpi_selectors
from urakata.workflow import selectors
from urakata.workflow.conditions import condition_format, condition_parse
from urakata.workflow.forms import FIELD_TYPE_LABELS, form_create, form_update
from urakata.workflow.models import Quorum, Route
from urakata.workflow.registry import subject_types
from urakata.workflow.resolution import spec_format, spec_parse
from urakata.workflow.routes import route_create, route_update

EXTRA_ROWS = 2


@login_required
def route_list(request: HttpRequest) -> HttpResponse:
    """承認ルート一覧 (read page for everyone who may see settings; editing is admin only)."""
    if not (can(request.user, "workflow.manage_routes") or can(request.user, "workflow.view_all")):
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    routes = selectors.route_list(actor=request.user)
    rows = [
        {
            "route": route,
            "conditions": [condition_format(c) for c in route.conditions],
            "steps": [
                {
                    "step": step,
                    "approvers": [spec_format(s) for s in step.approvers],
                    "conditions": [condition_format(c) for c in step.conditions],
                }
                for step in route.steps.all()
            ],
        }
        for route in routes
    ]
    return render(
        request,
        "workflow/route_list.html",
        {"rows": rows, "can_edit": can(request.user, "workflow.manage_routes")},
    )


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _route_data(post: QueryDict) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Read the editor form: conditions and approvers one per line (see resolution.py)."""
    errors: dict[str, list[str]] = {}
    conditions = []
    for line in _lines(post.get("conditions", "")):
        parsed, message = condition_parse(line)
        if message:
            errors.setdefault("conditions", []).append(message)
        elif parsed:
            conditions.append(parsed)
    steps: list[dict[str, Any]] = []
    count = int(post.get("step_count", "0") or 0)
    for i in range(min(count, 30)):
        name = post.get(f"step-{i}-name", "").strip()
        approver_lines = _lines(post.get(f"step-{i}-approvers", ""))
        if not name and not approver_lines:
            continue
        key = f"steps.{len(steps) + 1}"
        approvers = []
        for line in approver_lines:
            spec, message = spec_parse(line)
            if message:
                errors.setdefault(f"{key}.approvers", []).append(message)
            elif spec:
                approvers.append(spec)
        step_conditions = []
        for line in _lines(post.get(f"step-{i}-conditions", "")):
            parsed, message = condition_parse(line)
            if message:
                errors.setdefault(f"{key}.conditions", []).append(message)
            elif parsed:
                step_conditions.append(parsed)
        steps.append(
            {
                "name": name,
                "approvers": approvers,
                "quorum": post.get(f"step-{i}-quorum", Quorum.ALL),
                "conditions": step_conditions,
            }
        )
    data = {
        "name": post.get("name", ""),
        "subject_type": post.get("subject_type", ""),
        "priority": post.get("priority", "0"),
        "remind_after_hours": post.get("remind_after_hours", "48"),
        "escalate_after_hours": post.get("escalate_after_hours", "120"),
        "is_active": post.get("is_active") == "on",
        "distinct_approvers": post.get("distinct_approvers") == "on",
        "conditions": conditions,
        "steps": steps,
    }
    return data, errors


def _route_form(route: Route | None, post: QueryDict | None) -> dict[str, Any]:
    values: dict[str, Any]
    steps: list[dict[str, Any]]
    if post is not None:
        count = int(post.get("step_count", "0") or 0)
        steps = [
            {
                "name": post.get(f"step-{i}-name", ""),
                "approvers": post.get(f"step-{i}-approvers", ""),
                "quorum": post.get(f"step-{i}-quorum", "all"),
                "conditions": post.get(f"step-{i}-conditions", ""),
            }
            for i in range(min(count, 30))
        ]
        values = {
            k: post.get(k, "")
            for k in (
                "name",
                "subject_type",
                "priority",
                "remind_after_hours",
                "escalate_after_hours",
                "conditions",
            )
        }
        values["is_active"] = post.get("is_active") == "on"
        values["distinct_approvers"] = post.get("distinct_approvers") == "on"
    elif route is not None:
        steps = [
            {
                "name": s.name,
                "approvers": "\n".join(spec_format(a) for a in s.approvers),
                "quorum": s.quorum,
                "conditions": "\n".join(condition_format(c) for c in s.conditions),
            }
            for s in route.steps.all()
        ]
        values = {
            "name": route.name,
            "subject_type": route.subject_type,
            "priority": route.priority,
            "remind_after_hours": route.remind_after_hours,
            "escalate_after_hours": route.escalate_after_hours,
            "conditions": "\n".join(condition_format(c) for c in route.conditions),
            "is_active": route.is_active,
            "distinct_approvers": route.distinct_approvers,
        }
    else:
        steps = []
        values = {
            "priority": 0,
            "remind_after_hours": 48,
            "escalate_after_hours": 120,
            "is_active": True,
        }
    steps += [
        {"name": "", "approvers": "", "quorum": "all", "conditions": ""} for _ in range(EXTRA_ROWS)
    ]
    return {"values": values, "steps": steps, "step_count": len(steps)}


@login_required
def route_edit(request: HttpRequest, route_id: int | None = None) -> HttpResponse:
    """承認ルートの作成・編集 (administrators). Saving makes a new version."""
    if not can(request.user, "workflow.manage_routes"):
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    route = None
    if route_id is not None:
        route = selectors.route_get(actor=request.user, route_id=route_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = _route_data(request.POST)
        if not errors:
            try:
                if route is None:
                    route = route_create(actor=request.user, data=data)
                else:
                    route = route_update(actor=request.user, route=route, data=data)
            except ValidationFailed as error:
                errors = error.errors
            else:
                messages.success(
                    request, _("承認ルートを保存しました(版 %(v)d)。") % {"v": route.version}
                )
                return redirect("workflow:route_list")
        messages.error(request, _("承認ルートを保存できません。"))
    context = {
        **_route_form(route, request.POST if request.method == "POST" else None),
        "route": route,
        "errors": errors,
        "types": subject_types(),
        "quorums": Quorum.choices,
    }
    return render(request, "workflow/route_edit.html", context, status=422 if errors else 200)


@login_required
def form_list(request: HttpRequest) -> HttpResponse:
    """申請フォーム一覧 (form managers)."""
    if not can(request.user, "workflow.manage_forms"):
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    forms = selectors.form_list(actor=request.user, active_only=False)
    return render(request, "workflow/form_list.html", {"forms": forms, "labels": FIELD_TYPE_LABELS})


def _form_data(post: QueryDict) -> dict[str, Any]:
    fields = []
    for i in range(min(int(post.get("field_count", "0") or 0), 40)):
        name = post.get(f"field-{i}-name", "").strip()
        if not name:
            continue
        fields.append(
            {
                "name": name,
                "label": post.get(f"field-{i}-label", ""),
                "type": post.get(f"field-{i}-type", "text"),
                "required": post.get(f"field-{i}-required") == "on",
                "choices": [
                    c.strip() for c in post.get(f"field-{i}-choices", "").split(",") if c.strip()
                ],
            }
        )
    return {
        "code": post.get("code", ""),
        "name": post.get("name", ""),
        "description": post.get("description", ""),
        "is_active": post.get("is_active") == "on",
        "fields": fields,
    }


@login_required
def form_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """申請フォームの定義: fields of type text, number, date, choice, file, employee, department."""
    if not can(request.user, "workflow.manage_forms"):
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    form = None
    if code is not None:
        form = selectors.form_get(actor=request.user, code=code, active_only=False)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = _form_data(request.POST)
        try:
            form = (
                form_create(actor=request.user, data=data)
                if form is None
                else form_update(actor=request.user, form=form, data=data)
            )
        except ValidationFailed as error:
            errors = error.errors
            messages.error(request, error.message)
        else:
            messages.success(request, _("申請フォームを保存しました。"))
            return redirect("workflow:form_list")
        values: dict[str, Any] = data
    elif form is not None:
        values = {
            "code": form.code,
            "name": form.name,
            "description": form.description,
            "is_active": form.is_active,
            "fields": form.fields,
        }
    else:
        values = {"is_active": True, "fields": []}
    rows = [{**f, "choices": ", ".join(f.get("choices") or [])} for f in values["fields"]]
    rows += [
        {"name": "", "label": "", "type": "text", "required": False, "choices": ""}
        for _ in range(3)
    ]
    context = {
        "form": form,
        "values": values,
        "rows": rows,
        "field_count": len(rows),
        "errors": errors,
        "labels": FIELD_TYPE_LABELS,
    }
    return render(request, "workflow/form_edit.html", context, status=422 if errors else 200)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def kpis(request: HttpRequest) -> HttpResponse:
    """ワークフローKPI: lead time, waiting per step and approver, return rate, monthly volume."""
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    args: dict[str, Any] = {"actor": request.user, "date_from": date_from, "date_to": date_to}
    context = {
        "lead": kpi_selectors.kpi_lead_time(**args),
        "steps": kpi_selectors.kpi_step_waiting(**args)[:15],
        "approvers": kpi_selectors.kpi_approver_waiting(**args)[:15],
        "rates": kpi_selectors.kpi_return_rate(**args),
        "volume": kpi_selectors.kpi_volume(**args),
        "date_from": date_from,
        "date_to": date_to,
    }
    months: dict[Any, dict[str, int]] = {}
    labels: list[str] = []
    volume: list[dict[str, Any]] = context["volume"]  # type: ignore[assignment]
    for row in volume:
        months.setdefault(row["month"], {})[row["label"]] = row["count"]
        if row["label"] not in labels:
            labels.append(row["label"])
    context["volume_labels"] = labels
    context["volume_rows"] = [
        (m, [counts.get(label, 0) for label in labels]) for m, counts in sorted(months.items())
    ]
    return render(request, "workflow/kpis.html", context)

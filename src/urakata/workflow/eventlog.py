"""Process-mining export of the workflow event log: XES (IEEE 1849-2016) and OCEL 2.0 JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from django.contrib.auth import get_user_model
from django.utils import timezone

from urakata.workflow.models import Action, ApprovalRequest, RequestStep, StepAssignment
from urakata.workflow.registry import get_subject_type

XES_EXTENSIONS = [
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
]
STEP_KINDS = {"approve", "reject", "return", "proxy_approve", "skip", "remind", "escalate"}


def _xes_time(value: dt.datetime) -> str:
    """xs:dateTime with milliseconds and offset, in the installation's time zone."""
    local = timezone.localtime(value)
    return local.isoformat(timespec="milliseconds")


def activity(action: Action) -> str:
    """The activity name: the action, and for step actions the step (承認: 部署長承認)."""
    label = str(Action.Kind(action.kind).label)
    if action.kind in STEP_KINDS and action.step is not None:
        return f"{label}: {action.step.name}"
    return label


def _actions() -> Iterator[Action]:
    return (
        Action.objects.select_related("actor", "on_behalf_of", "step")
        .order_by("request_id", "at", "pk")
        .iterator(chunk_size=2000)
    )


def _attr(kind: str, key: str, value: Any) -> str:
    return f"<{kind} key={quoteattr(key)} value={quoteattr(str(value))}/>"


def _xes_header(out: TextIO) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        '<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">\n'
    )
    for name, prefix, uri in XES_EXTENSIONS:
        out.write(
            f"  <extension name={quoteattr(name)} prefix={quoteattr(prefix)} uri={quoteattr(uri)}/>\n"
        )
    out.write(
        '  <global scope="trace">' + _attr("string", "concept:name", "__INVALID__") + "</global>\n"
    )
    out.write(
        '  <global scope="event">'
        + _attr("string", "concept:name", "__INVALID__")
        + _attr("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")
        + _attr("string", "lifecycle:transition", "complete")
        + "</global>\n"
    )
    out.write('  <classifier name="Activity" keys="concept:name"/>\n')
    out.write('  <classifier name="Resource" keys="org:resource"/>\n')
    out.write("  " + _attr("string", "concept:name", "Urakata approval workflow") + "\n")


def _xes_trace_open(out: TextIO, request: ApprovalRequest) -> None:
    subject_type = get_subject_type(request.subject_type)
    out.write("  <trace>\n")
    out.write("    " + _attr("string", "concept:name", request.number) + "\n")
    out.write("    " + _attr("string", "urakata:subject_type", request.subject_type) + "\n")
    if subject_type is not None:
        out.write("    " + _attr("string", "urakata:type_label", subject_type.label) + "\n")
    out.write("    " + _attr("string", "urakata:status", request.status) + "\n")
    out.write(
        "    " + _attr("string", "urakata:applicant", request.applicant.get_username()) + "\n"
    )
    if request.amount is not None:
        out.write("    " + _attr("int", "urakata:amount", request.amount) + "\n")
    if request.department is not None:
        out.write("    " + _attr("string", "urakata:department", request.department.name) + "\n")


def _xes_event(out: TextIO, action: Action) -> None:
    out.write("    <event>")
    out.write(_attr("string", "concept:name", activity(action)))
    out.write(_attr("date", "time:timestamp", _xes_time(action.at)))
    out.write(_attr("string", "lifecycle:transition", "complete"))
    out.write(
        _attr("string", "org:resource", action.actor.get_username() if action.actor else "system")
    )
    out.write(_attr("string", "urakata:kind", action.kind))
    if action.on_behalf_of is not None:
        out.write(_attr("string", "urakata:on_behalf_of", action.on_behalf_of.get_username()))
    if action.step is not None:
        out.write(_attr("int", "urakata:round", action.step.round))
    out.write("</event>\n")


def export_xes(out: TextIO) -> int:
    """Write one trace per request, one event per action; returns the number of events."""
    _xes_header(out)
    requests = {
        r.pk: r
        for r in ApprovalRequest.objects.select_related("applicant", "department").order_by("pk")
    }
    current: int | None = None
    count = 0
    for action in _actions():
        if action.request_id != current:
            if current is not None:
                out.write("  </trace>\n")
            current = action.request_id
            request = requests[current]
            _xes_trace_open(out, request)
        _xes_event(out, action)
        count += 1
    if current is not None:
        out.write("  </trace>\n")
    out.write("</log>\n")
    return count


def _ocel_time(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="milliseconds")


EPOCH = "1970-01-01T00:00:00.000+00:00"


OCEL_OBJECT_TYPES: list[dict[str, Any]] = [
    {
        "name": "request",
        "attributes": [
            {"name": "number", "type": "string"},
            {"name": "subject_type", "type": "string"},
            {"name": "status", "type": "string"},
            {"name": "amount", "type": "integer"},
        ],
    },
    {
        "name": "step",
        "attributes": [
            {"name": "name", "type": "string"},
            {"name": "round", "type": "integer"},
            {"name": "status", "type": "string"},
        ],
    },
    {"name": "user", "attributes": [{"name": "username", "type": "string"}]},
]


def _ocel_user(user: Any) -> dict[str, Any]:
    return {
        "id": f"user-{user.pk}",
        "type": "user",
        "attributes": [{"name": "username", "time": EPOCH, "value": user.get_username()}],
    }


def _ocel_request(request: ApprovalRequest) -> dict[str, Any]:
    attributes: list[dict[str, Any]] = [
        {"name": "number", "time": EPOCH, "value": request.number},
        {"name": "subject_type", "time": EPOCH, "value": request.subject_type},
        {"name": "status", "time": _ocel_time(request.updated_at), "value": request.status},
    ]
    if request.amount is not None:
        attributes.append({"name": "amount", "time": EPOCH, "value": request.amount})
    return {
        "id": f"request-{request.pk}",
        "type": "request",
        "attributes": attributes,
        "relationships": [{"objectId": f"user-{request.applicant_id}", "qualifier": "applicant"}],
    }


def _ocel_step(step: RequestStep, approvers: dict[int, list[int]]) -> dict[str, Any]:
    return {
        "id": f"step-{step.pk}",
        "type": "step",
        "attributes": [
            {"name": "name", "time": EPOCH, "value": step.name},
            {"name": "round", "time": EPOCH, "value": step.round},
            {"name": "status", "time": EPOCH, "value": step.status},
        ],
        "relationships": [{"objectId": f"request-{step.request_id}", "qualifier": "part of"}]
        + [{"objectId": f"user-{u}", "qualifier": "approver"} for u in approvers.get(step.pk, [])],
    }


def _ocel_event(action: Action) -> dict[str, Any]:
    relationships = [{"objectId": f"request-{action.request_id}", "qualifier": "request"}]
    if action.step_id:
        relationships.append({"objectId": f"step-{action.step_id}", "qualifier": "step"})
    if action.actor_id:
        relationships.append({"objectId": f"user-{action.actor_id}", "qualifier": "actor"})
    if action.on_behalf_of_id:
        relationships.append(
            {"objectId": f"user-{action.on_behalf_of_id}", "qualifier": "on behalf of"}
        )
    return {
        "id": f"action-{action.pk}",
        "type": action.kind,
        "time": _ocel_time(action.at),
        "attributes": [{"name": "comment", "value": action.comment}],
        "relationships": relationships,
    }


def export_ocel(out: TextIO) -> int:
    """Write an OCEL 2.0 JSON log: objects request/step/user, one event per action."""
    user_model = get_user_model()
    requests = list(ApprovalRequest.objects.select_related("applicant").order_by("pk"))
    steps = list(RequestStep.objects.order_by("request_id", "round", "order"))
    slots = StepAssignment.objects.values_list("step_id", "approver_id").order_by("pk")
    approvers: dict[int, list[int]] = {}
    for step_id, approver_id in slots:
        approvers.setdefault(step_id, []).append(approver_id)
    actions = list(_actions())
    user_ids = {r.applicant_id for r in requests} | {a for ids in approvers.values() for a in ids}
    user_ids |= {a.actor_id for a in actions if a.actor_id} | {
        a.on_behalf_of_id for a in actions if a.on_behalf_of_id
    }
    users = user_model.objects.filter(pk__in=user_ids).order_by("pk")
    objects: list[dict[str, Any]] = [_ocel_user(user) for user in users]
    objects += [_ocel_request(request) for request in requests]
    objects += [_ocel_step(step, approvers) for step in steps]
    events: list[dict[str, Any]] = [_ocel_event(action) for action in actions]
    document = {
        "objectTypes": OCEL_OBJECT_TYPES,
        "eventTypes": [
            {"name": kind, "attributes": [{"name": "comment", "type": "string"}]}
            for kind in Action.Kind.values
        ],
        "objects": objects,
        "events": events,
    }
    json.dump(document, out, ensure_ascii=False)
    return len(events)

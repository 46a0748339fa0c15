"""Workflow REST endpoints (/api/v1/workflow/...): requests, actions, inbox, settings, KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Query, Router, Schema, UploadedFile

from urakata.core.api import ErrorOut, PageMeta, paginate
from urakata.workflow import delegations, kpis, selectors, services
from urakata.workflow.forms import (
    form_create,
    form_request_submit,
    form_update,
    request_attach,
    ringi_submit,
)
from urakata.workflow.models import ApprovalRequest, Delegation, RequestForm, Route
from urakata.workflow.notifications import notification_mark_read
from urakata.workflow.routes import route_create, route_update
from urakata.workflow.selectors import person_name

router = Router(tags=["workflow"])
ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class RequestFields(Schema):
    id: int
    number: str
    subject_type: str
    subject_id: int
    title: str
    amount: int | None
    status: str
    applicant_id: int
    applicant_name: str
    department_id: int | None
    current_step: str | None
    waiting_since: dt.datetime | None
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    round: int
    route_version: int


class RequestOut(RequestFields):
    @staticmethod
    def resolve_applicant_name(obj: ApprovalRequest) -> str:
        return person_name(obj.applicant)

    @staticmethod
    def resolve_current_step(obj: ApprovalRequest) -> str | None:
        return obj.current_step.name if obj.current_step else None

    @staticmethod
    def resolve_waiting_since(obj: ApprovalRequest) -> dt.datetime | None:
        return getattr(obj, "waiting_since", None)


class RequestPage(Schema):
    meta: PageMeta
    items: list[RequestOut]


class SlotOut(Schema):
    approver_id: int
    approver_name: str
    status: str
    acted_by_id: int | None
    acted_by_name: str
    acted_as: str
    acted_at: dt.datetime | None
    comment: str
    escalated_from_id: int | None


class StepOut(Schema):
    round: int
    order: int
    name: str
    quorum: str
    status: str
    skip_reason: str
    activated_at: dt.datetime | None
    completed_at: dt.datetime | None
    slots: list[SlotOut]


class ActionOut(Schema):
    kind: str
    actor_id: int | None
    actor_name: str
    on_behalf_of_id: int | None
    step: str | None
    comment: str
    at: dt.datetime


class FieldOut(Schema):
    label: str
    value: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    url: str


class RequestDetailOut(RequestFields):
    subject: list[FieldOut]
    attachments: list[AttachmentOut]
    steps: list[StepOut]
    actions: list[ActionOut]


class CommentIn(Schema):
    comment: str = ""


class BulkIn(Schema):
    ids: list[int]
    comment: str = ""


class BulkOut(Schema):
    approved: list[int]
    failed: dict[int, str]


class IdsIn(Schema):
    ids: list[int] | None = None


class CountOut(Schema):
    count: int


class RingiIn(Schema):
    title: str
    purpose: str
    amount: int = 0
    department_id: int | None = None
    counterparty_id: int | None = None


class FormSubmitIn(Schema):
    values: dict[str, Any]


class FormFieldSchema(Schema):
    name: str
    label: str = ""
    type: str
    required: bool = False
    choices: list[str] = []


class FormOut(Schema):
    id: int
    code: str
    name: str
    description: str
    fields: list[FormFieldSchema]
    is_active: bool


class FormIn(Schema):
    code: str
    name: str
    description: str = ""
    fields: list[dict[str, Any]]
    is_active: bool = True


class RouteStepSchema(Schema):
    name: str
    approvers: list[dict[str, Any]]
    quorum: str = "all"
    conditions: list[dict[str, Any]] = []


class RouteIn(Schema):
    name: str
    subject_type: str
    conditions: list[dict[str, Any]] = []
    priority: int = 0
    is_active: bool = True
    remind_after_hours: int = 48
    escalate_after_hours: int = 120
    steps: list[RouteStepSchema]


class RouteOut(Schema):
    id: int
    name: str
    subject_type: str
    conditions: list[dict[str, Any]]
    priority: int
    is_active: bool
    version: int
    remind_after_hours: int
    escalate_after_hours: int
    steps: list[RouteStepSchema]

    @staticmethod
    def resolve_steps(obj: Route) -> list[dict[str, Any]]:
        return [
            {
                "name": s.name,
                "approvers": s.approvers,
                "quorum": s.quorum,
                "conditions": s.conditions,
            }
            for s in obj.steps.all()
        ]


class DelegationIn(Schema):
    delegate_id: int
    start_date: dt.date
    end_date: dt.date
    reason: str = ""


class DelegationOut(Schema):
    id: int
    delegator_id: int
    delegate_id: int
    start_date: dt.date
    end_date: dt.date
    reason: str
    revoked_at: dt.datetime | None


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    request_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    meta: PageMeta
    items: list[NotificationOut]


class DurationsOut(Schema):
    key: str
    label: str
    count: int
    mean_hours: float
    median_hours: float
    p90_hours: float


class RateOut(Schema):
    key: str
    label: str
    submitted: int
    returned: int
    rejected: int
    return_rate: float
    rejection_rate: float


class VolumeOut(Schema):
    month: dt.date
    subject_type: str
    label: str
    count: int


class KpiOut(Schema):
    lead_time: list[DurationsOut]
    step_waiting: list[DurationsOut]
    approver_waiting: list[DurationsOut]
    return_rate: list[RateOut]
    volume: list[VolumeOut]


class RequestQuery(Schema):
    q: str = ""
    type: str = ""
    status: str = ""
    mine: bool = False
    overdue: bool = False
    page: int = 1
    page_size: int = 50


def _filters(query: RequestQuery) -> selectors.RequestFilters:
    return selectors.RequestFilters(
        q=query.q,
        subject_type=query.type,
        status=query.status,
        mine=query.mine,
        overdue=query.overdue,
    )


def _detail(actor: Any, request_id: int) -> dict[str, Any]:
    item = selectors.request_get(actor=actor, request_id=request_id)
    _subject, described, attachments = selectors.request_subject(request=item)
    steps = []
    for _round, views in selectors.request_route(request=item):
        for view in views:
            step = view.step
            steps.append(
                {
                    "round": step.round,
                    "order": step.order,
                    "name": step.name,
                    "quorum": step.quorum,
                    "status": step.status,
                    "skip_reason": step.skip_reason,
                    "activated_at": step.activated_at,
                    "completed_at": step.completed_at,
                    "slots": [
                        {
                            "approver_id": s.approver_id,
                            "approver_name": person_name(s.approver),
                            "status": s.status,
                            "acted_by_id": s.acted_by_id,
                            "acted_by_name": person_name(s.acted_by),
                            "acted_as": s.acted_as,
                            "acted_at": s.acted_at,
                            "comment": s.comment,
                            "escalated_from_id": s.escalated_from_id,
                        }
                        for s in view.slots
                    ],
                }
            )
    actions = [
        {
            "kind": a.kind,
            "actor_id": a.actor_id,
            "actor_name": person_name(a.actor),
            "on_behalf_of_id": a.on_behalf_of_id,
            "step": a.step.name if a.step else None,
            "comment": a.comment,
            "at": a.at,
        }
        for a in selectors.request_actions(request=item)
    ]
    base = {
        name: getattr(item, name)
        for name in RequestFields.model_fields
        if name not in ("applicant_name", "current_step", "waiting_since")
    }
    base["applicant_name"] = person_name(item.applicant)
    base["current_step"] = item.current_step.name if item.current_step else None
    base["waiting_since"] = item.current_step.activated_at if item.current_step else None
    return {
        **base,
        "subject": [{"label": k, "value": v} for k, v in described],
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "size": a.size,
                "sha256": a.sha256,
                "url": reverse("workflow:attachment", args=[a.pk]),
            }
            for a in attachments
        ],
        "steps": steps,
        "actions": actions,
    }


# ---------------------------------------------------------------- requests


@router.get("/requests", response={200: RequestPage, **ERRORS})
def list_requests(request: HttpRequest, query: Query[RequestQuery]) -> dict[str, Any]:
    """Requests the caller may see (applicant, approver, delegate, auditor, admin)."""
    items, meta = paginate(
        selectors.request_list(actor=request.user, filters=_filters(query)),
        page=query.page,
        page_size=query.page_size,
    )
    return {"meta": meta, "items": items}


@router.get("/requests/{request_id}", response={200: RequestDetailOut, **ERRORS})
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return _detail(request.user, request_id)


@router.post("/ringi", response={201: RequestDetailOut, **ERRORS})
def submit_ringi(request: HttpRequest, payload: RingiIn) -> tuple[int, dict[str, Any]]:
    """Submit a 稟議 (attachments are added on the page)."""
    data = payload.model_dump()
    data["department"] = data.pop("department_id")
    data["counterparty"] = data.pop("counterparty_id")
    created = ringi_submit(actor=request.user, data=data)
    return 201, _detail(request.user, created.pk)


def _act(name: str) -> Any:
    service = {
        "approve": services.request_approve,
        "reject": services.request_reject,
        "return": services.request_return,
        "resubmit": services.request_resubmit,
        "withdraw": services.request_withdraw,
        "proxy-approve": services.request_proxy_approve,
    }[name]

    def endpoint(request: HttpRequest, request_id: int, payload: CommentIn) -> dict[str, Any]:
        service(actor=request.user, request_id=request_id, comment=payload.comment)
        return _detail(request.user, request_id)

    endpoint.__name__ = f"request_{name.replace('-', '_')}"
    endpoint.__doc__ = f"{name} the request (row-locked; 409 when the step is no longer pending)."
    return endpoint


for _name in ("approve", "reject", "return", "resubmit", "withdraw", "proxy-approve"):
    router.post(f"/requests/{{request_id}}/{_name}", response={200: RequestDetailOut, **ERRORS})(
        _act(_name)
    )


@router.post("/requests/{request_id}/attachments", response={201: list[AttachmentOut], **ERRORS})
def attach_files(
    request: HttpRequest, request_id: int, files: File[list[UploadedFile]]
) -> tuple[int, list[dict[str, Any]]]:
    """Add files (multipart `files`) to one's own open 稟議 or form request."""
    item = selectors.request_get(actor=request.user, request_id=request_id)
    stored = request_attach(actor=request.user, request=item, files=files)
    return 201, [
        {
            "id": a.pk,
            "name": a.name,
            "size": a.size,
            "sha256": a.sha256,
            "url": reverse("workflow:attachment", args=[a.pk]),
        }
        for a in stored
    ]


@router.post("/requests/{request_id}/comment", response={201: ActionOut, **ERRORS})
def comment_request(request: HttpRequest, request_id: int, payload: CommentIn) -> tuple[int, Any]:
    action = services.request_comment(
        actor=request.user, request_id=request_id, comment=payload.comment
    )
    return 201, {
        "kind": action.kind,
        "actor_id": action.actor_id,
        "actor_name": person_name(action.actor),
        "on_behalf_of_id": None,
        "step": None,
        "comment": action.comment,
        "at": action.at,
    }


# ---------------------------------------------------------------- inbox


@router.get("/inbox", response={200: RequestPage, **ERRORS})
def list_inbox(request: HttpRequest, query: Query[RequestQuery]) -> dict[str, Any]:
    """承認待ち for the caller (and for those they stand in for)."""
    items, meta = paginate(
        selectors.inbox_list(actor=request.user, filters=_filters(query)),
        page=query.page,
        page_size=query.page_size,
    )
    return {"meta": meta, "items": items}


@router.get("/inbox/count", response={200: CountOut, **ERRORS})
def count_inbox(request: HttpRequest) -> dict[str, int]:
    return {"count": selectors.inbox_count(actor=request.user)}


@router.post("/inbox/bulk-approve", response={200: BulkOut, **ERRORS})
def bulk_approve(request: HttpRequest, payload: BulkIn) -> dict[str, Any]:
    return services.request_bulk_approve(
        actor=request.user, request_ids=payload.ids, comment=payload.comment
    )


# ---------------------------------------------------------------- forms


@router.get("/forms", response={200: list[FormOut], **ERRORS})
def list_forms(request: HttpRequest) -> Any:
    return list(selectors.form_list(actor=request.user))


@router.get("/forms/{code}", response={200: FormOut, **ERRORS})
def get_form(request: HttpRequest, code: str) -> RequestForm:
    return selectors.form_get(actor=request.user, code=code)


@router.post("/forms", response={201: FormOut, **ERRORS})
def create_form(request: HttpRequest, payload: FormIn) -> tuple[int, RequestForm]:
    return 201, form_create(actor=request.user, data=payload.model_dump())


@router.put("/forms/{code}", response={200: FormOut, **ERRORS})
def update_form(request: HttpRequest, code: str, payload: FormIn) -> RequestForm:
    form = selectors.form_get(actor=request.user, code=code, active_only=False)
    return form_update(actor=request.user, form=form, data=payload.model_dump())


@router.post("/forms/{code}/submit", response={201: RequestDetailOut, **ERRORS})
def submit_form(
    request: HttpRequest, code: str, payload: FormSubmitIn
) -> tuple[int, dict[str, Any]]:
    """Submit an administrator-defined form; file fields are uploaded on the page."""
    form = selectors.form_get(actor=request.user, code=code)
    created = form_request_submit(actor=request.user, form=form, data=payload.values)
    return 201, _detail(request.user, created.pk)


# ---------------------------------------------------------------- routes


@router.get("/routes", response={200: list[RouteOut], **ERRORS})
def list_routes(request: HttpRequest) -> Any:
    return list(selectors.route_list(actor=request.user))


@router.get("/routes/{route_id}", response={200: RouteOut, **ERRORS})
def get_route(request: HttpRequest, route_id: int) -> Route:
    return selectors.route_get(actor=request.user, route_id=route_id)


@router.post("/routes", response={201: RouteOut, **ERRORS})
def create_route(request: HttpRequest, payload: RouteIn) -> tuple[int, Route]:
    route = route_create(actor=request.user, data=payload.model_dump())
    return 201, selectors.route_get(actor=request.user, route_id=route.pk)


@router.put("/routes/{route_id}", response={200: RouteOut, **ERRORS})
def update_route(request: HttpRequest, route_id: int, payload: RouteIn) -> Route:
    route = selectors.route_get(actor=request.user, route_id=route_id)
    route_update(actor=request.user, route=route, data=payload.model_dump())
    return selectors.route_get(actor=request.user, route_id=route_id)


# ---------------------------------------------------------------- delegations, notifications


@router.get("/delegations", response={200: list[DelegationOut], **ERRORS})
def list_delegations(request: HttpRequest) -> Any:
    return list(selectors.delegation_list(actor=request.user))


@router.post("/delegations", response={201: DelegationOut, **ERRORS})
def create_delegation(request: HttpRequest, payload: DelegationIn) -> tuple[int, Delegation]:
    delegate = get_user_model().objects.filter(pk=payload.delegate_id).first()
    return 201, delegations.delegation_create(
        actor=request.user,
        delegate=delegate,
        start_date=payload.start_date,
        end_date=payload.end_date,
        reason=payload.reason,
    )


@router.post("/delegations/{delegation_id}/revoke", response={200: DelegationOut, **ERRORS})
def revoke_delegation(request: HttpRequest, delegation_id: int) -> Delegation:
    return delegations.delegation_revoke(actor=request.user, delegation_id=delegation_id)


@router.get("/notifications", response={200: NotificationPage, **ERRORS})
def list_notifications(
    request: HttpRequest, unread: bool = False, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    items, meta = paginate(
        selectors.notification_list(actor=request.user, unread_only=unread),
        page=page,
        page_size=page_size,
    )
    return {"meta": meta, "items": items}


@router.post("/notifications/read", response={200: CountOut, **ERRORS})
def read_notifications(request: HttpRequest, payload: IdsIn) -> dict[str, int]:
    """Mark notifications read: the given ids, or all unread when ids is null."""
    return {"count": notification_mark_read(actor=request.user, notification_ids=payload.ids)}


# ---------------------------------------------------------------- KPIs


@router.get("/kpis", response={200: KpiOut, **ERRORS})
def get_kpis(
    request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, Any]:
    """Lead time, waiting per step and per approver, return rate, monthly volume."""
    args: dict[str, Any] = {"actor": request.user, "date_from": date_from, "date_to": date_to}
    rates = kpis.kpi_return_rate(**args)
    return {
        "lead_time": kpis.kpi_lead_time(**args),
        "step_waiting": kpis.kpi_step_waiting(**args),
        "approver_waiting": kpis.kpi_approver_waiting(**args),
        "return_rate": [
            {**r.__dict__, "return_rate": r.return_rate, "rejection_rate": r.rejection_rate}
            for r in rates
        ],
        "volume": kpis.kpi_volume(**args),
    }

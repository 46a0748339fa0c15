"""Workflow REST endpoints (/api/v1/workflow/...): requests, actions, inbox, settings, KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Query, Router, Status, UploadedFile

from urakata.core.api import API_ERRORS, paginate
from urakata.core.schema_types import PageNumber, PageSize
from urakata.workflow import delegations, kpis, selectors, services
from urakata.workflow.forms import (
    form_create,
    form_request_submit,
    form_update,
    request_attach,
    ringi_submit,
)
from urakata.workflow.models import Delegation, RequestForm, Route
from urakata.workflow.notifications import notification_mark_read
from urakata.workflow.routes import route_create, route_update
from urakata.workflow.schemas import (
    ActionOut,
    BulkIn,
    BulkOut,
    CommentIn,
    CountOut,
    DelegationIn,
    DelegationOut,
    FormIn,
    FormOut,
    FormSubmitIn,
    IdsIn,
    KpiOut,
    NotificationPage,
    RequestAttachmentOut,
    RequestDetailOut,
    RequestFields,
    RequestPage,
    RequestQuery,
    RingiIn,
    RouteIn,
    RouteOut,
)
from urakata.workflow.selectors import person_name

router = Router(tags=["workflow"])
ERRORS = API_ERRORS


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
def submit_ringi(request: HttpRequest, payload: RingiIn) -> Status[dict[str, Any]]:
    """Submit a 稟議 (attachments are added on the page)."""
    data = payload.model_dump()
    data["department"] = data.pop("department_id")
    data["counterparty"] = data.pop("counterparty_id")
    created = ringi_submit(actor=request.user, data=data)
    return Status(201, _detail(request.user, created.pk))


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


@router.post(
    "/requests/{request_id}/attachments", response={201: list[RequestAttachmentOut], **ERRORS}
)
def attach_files(
    request: HttpRequest, request_id: int, files: File[list[UploadedFile]]
) -> Status[list[dict[str, Any]]]:
    """Add files (multipart `files`) to one's own open 稟議 or form request."""
    item = selectors.request_get(actor=request.user, request_id=request_id)
    stored = request_attach(actor=request.user, request=item, files=files)
    return Status(
        201,
        [
            {
                "id": a.pk,
                "name": a.name,
                "size": a.size,
                "sha256": a.sha256,
                "url": reverse("workflow:attachment", args=[a.pk]),
            }
            for a in stored
        ],
    )


@router.post("/requests/{request_id}/comment", response={201: ActionOut, **ERRORS})
def comment_request(request: HttpRequest, request_id: int, payload: CommentIn) -> Status[Any]:
    action = services.request_comment(
        actor=request.user, request_id=request_id, comment=payload.comment
    )
    return Status(
        201,
        {
            "kind": action.kind,
            "actor_id": action.actor_id,
            "actor_name": person_name(action.actor),
            "on_behalf_of_id": None,
            "step": None,
            "comment": action.comment,
            "at": action.at,
        },
    )


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
def create_form(request: HttpRequest, payload: FormIn) -> Status[RequestForm]:
    return Status(201, form_create(actor=request.user, data=payload.model_dump()))


@router.put("/forms/{code}", response={200: FormOut, **ERRORS})
def update_form(request: HttpRequest, code: str, payload: FormIn) -> RequestForm:
    form = selectors.form_get(actor=request.user, code=code, active_only=False)
    return form_update(actor=request.user, form=form, data=payload.model_dump())


@router.post("/forms/{code}/submit", response={201: RequestDetailOut, **ERRORS})
def submit_form(request: HttpRequest, code: str, payload: FormSubmitIn) -> Status[dict[str, Any]]:
    """Submit an administrator-defined form; file fields are uploaded on the page."""
    form = selectors.form_get(actor=request.user, code=code)
    created = form_request_submit(actor=request.user, form=form, data=payload.values)
    return Status(201, _detail(request.user, created.pk))


# ---------------------------------------------------------------- routes


@router.get("/routes", response={200: list[RouteOut], **ERRORS})
def list_routes(request: HttpRequest) -> Any:
    return list(selectors.route_list(actor=request.user))


@router.get("/routes/{route_id}", response={200: RouteOut, **ERRORS})
def get_route(request: HttpRequest, route_id: int) -> Route:
    return selectors.route_get(actor=request.user, route_id=route_id)


@router.post("/routes", response={201: RouteOut, **ERRORS})
def create_route(request: HttpRequest, payload: RouteIn) -> Status[Route]:
    route = route_create(actor=request.user, data=payload.model_dump())
    return Status(201, selectors.route_get(actor=request.user, route_id=route.pk))


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
def create_delegation(request: HttpRequest, payload: DelegationIn) -> Status[Delegation]:
    delegate = get_user_model().objects.filter(pk=payload.delegate_id).first()
    return Status(
        201,
        delegations.delegation_create(
            actor=request.user,
            delegate=delegate,
            start_date=payload.start_date,
            end_date=payload.end_date,
            reason=payload.reason,
        ),
    )


@router.post("/delegations/{delegation_id}/revoke", response={200: DelegationOut, **ERRORS})
def revoke_delegation(request: HttpRequest, delegation_id: int) -> Delegation:
    return delegations.delegation_revoke(actor=request.user, delegation_id=delegation_id)


@router.get("/notifications", response={200: NotificationPage, **ERRORS})
def list_notifications(
    request: HttpRequest, unread: bool = False, page: PageNumber = 1, page_size: PageSize = 50
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

"""Permission-matrix rows for workflow: requests, actions, forms, routes, delegations, KPIs.

The world holds two 稟議 by the `employee` subject, both at a step assigned to the `manager`
subject: one in progress, one returned. Acting on a request is a relation, not a capability, so
those rows allow exactly the applicant or the approver (`exactly`), admin only through 代理承認.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, NO_ROLE, Endpoint, MatrixWorld, exactly, expect
from urakata.workflow import delegations, services
from urakata.workflow.forms import form_create, form_request_submit, request_attach, ringi_submit
from urakata.workflow.tests.factories import RINGI, make_route

EVERY_ROLE = expect(*ALL_ROLES)
SIGNED_IN = expect(NO_ROLE)  # the user's own inbox and notices: empty without a role
ROUTE_READERS = expect(Role.AUDITOR)
NOT_YOUR_STEP = frozenset({409})  # visible but not assigned: a state conflict, see test_api
FLASHED = frozenset({302})  # the page still reports the refusal as a message (item 3 of #8)
ADMINS = expect()
VIEWERS = expect(Role.EMPLOYEE, Role.MANAGER, Role.AUDITOR)  # applicant, approver, 監査
APPROVER = exactly(Role.MANAGER)
APPLICANT = exactly(Role.EMPLOYEE)
FORM_MANAGERS = expect(Role.GENERAL_AFFAIRS)
KPI_READERS = expect(Role.EXECUTIVE, Role.AUDITOR, Role.GENERAL_AFFAIRS)
API = "/api/v1/workflow"
FORM = {
    "code": "matrix",
    "name": "権限検証届",
    "fields": [{"name": "note", "label": "内容", "type": "text", "required": True}],
}


def _u(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(
        request=ctx["wf_request"].pk,
        returned=ctx["wf_returned"].pk,
        form_returned=ctx["wf_form_returned"].pk,
        attachment=ctx["wf_attachment"].pk,
        delegation=ctx["wf_delegation"].pk,
        route=ctx["wf_route"].pk,
    )


def _files(ctx: Any) -> dict[str, Any]:
    return {"files": SimpleUploadedFile("見積.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    applicant, approver = world.users[Role.EMPLOYEE.value], world.users[Role.MANAGER.value]
    step = {"name": "課長承認", "approvers": [{"kind": "user", "user": approver.pk}]}
    route = make_route(steps=[step])
    make_route(subject_type="workflow.formsubmission", steps=[step], name="各種申請ルート")
    form = form_create(actor=SYSTEM, data=FORM)
    request = ringi_submit(actor=applicant, data=RINGI)
    attachment = request_attach(actor=applicant, request=request, files=[_files(None)["files"]])[0]
    returned = ringi_submit(actor=applicant, data={**RINGI, "title": "差し戻し分"})
    services.request_return(actor=approver, request_id=returned.pk, comment="金額を確認")
    form_returned = form_request_submit(actor=applicant, form=form, data={"note": "初回"})
    services.request_return(actor=approver, request_id=form_returned.pk, comment="再提出")
    today = timezone.localdate()
    delegation = delegations.delegation_create(
        actor=applicant,
        delegate=world.users[Role.HR.value],
        start_date=today,
        end_date=today + dt.timedelta(days=3),
    )
    return {
        "wf_route": route,
        "wf_request": request,
        "wf_returned": returned,
        "wf_form_returned": form_returned,
        "wf_attachment": attachment,
        "wf_delegation": delegation,
    }


def _delegation(ctx: Any) -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    return {"delegate_id": ctx["employee"].user.pk, "start_date": today, "end_date": today}


ROUTE = lambda ctx: {  # noqa: E731
    "name": "検証ルート",
    "subject_type": "workflow.ringi",
    "steps": [{"name": "社長", "approvers": [{"kind": "user", "user": ctx["employee"].user.pk}]}],
}

ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API: requests
    Endpoint("api-wf-requests", "GET", f"{API}/requests", EVERY_ROLE),
    Endpoint("api-wf-request", "GET", _u(API + "/requests/{request}"), VIEWERS),
    Endpoint("api-wf-ringi", "POST", f"{API}/ringi", EVERY_ROLE, payload=RINGI),
    Endpoint(
        "api-wf-approve",
        "POST",
        _u(API + "/requests/{request}/approve"),
        APPROVER,
        payload={},
        refusal_statuses=NOT_YOUR_STEP,
    ),
    Endpoint(
        "api-wf-reject",
        "POST",
        _u(API + "/requests/{request}/reject"),
        APPROVER,
        payload={"comment": "不要"},
        refusal_statuses=NOT_YOUR_STEP,
    ),
    Endpoint(
        "api-wf-return",
        "POST",
        _u(API + "/requests/{request}/return"),
        APPROVER,
        payload={"comment": "修正"},
        refusal_statuses=NOT_YOUR_STEP,
    ),
    Endpoint(
        "api-wf-resubmit",
        "POST",
        _u(API + "/requests/{returned}/resubmit"),
        APPLICANT,
        payload={"comment": "修正しました"},
    ),
    Endpoint(
        "api-wf-withdraw", "POST", _u(API + "/requests/{request}/withdraw"), APPLICANT, payload={}
    ),
    Endpoint(
        "api-wf-proxy-approve",
        "POST",
        _u(API + "/requests/{request}/proxy-approve"),
        ADMINS,
        payload={"comment": "代理"},
    ),
    Endpoint(
        "api-wf-attach",
        "POST",
        _u(API + "/requests/{request}/attachments"),
        APPLICANT,
        payload=_files,
        multipart=True,
    ),
    Endpoint(
        "api-wf-comment",
        "POST",
        _u(API + "/requests/{request}/comment"),
        VIEWERS,
        payload={"comment": "確認します"},
    ),
    Endpoint("api-wf-inbox", "GET", f"{API}/inbox", EVERY_ROLE),
    Endpoint("api-wf-inbox-count", "GET", f"{API}/inbox/count", SIGNED_IN),
    Endpoint(
        "api-wf-bulk-approve",
        "POST",
        f"{API}/inbox/bulk-approve",
        SIGNED_IN,
        payload=lambda ctx: {"ids": [ctx["wf_request"].pk]},
    ),
    # ------------------------------------------------------------ API: forms and routes
    Endpoint("api-wf-forms", "GET", f"{API}/forms", EVERY_ROLE),
    Endpoint(
        "api-wf-form-create",
        "POST",
        f"{API}/forms",
        FORM_MANAGERS,
        payload={**FORM, "code": "matrix2"},
    ),
    Endpoint("api-wf-form", "GET", f"{API}/forms/matrix", EVERY_ROLE),
    Endpoint(
        "api-wf-form-update",
        "PUT",
        f"{API}/forms/matrix",
        FORM_MANAGERS,
        payload={**FORM, "name": "権限検証届(改)"},
    ),
    Endpoint(
        "api-wf-form-submit",
        "POST",
        f"{API}/forms/matrix/submit",
        EVERY_ROLE,
        payload={"values": {"note": "提出"}},
    ),
    Endpoint("api-wf-routes", "GET", f"{API}/routes", ROUTE_READERS),
    Endpoint("api-wf-route-create", "POST", f"{API}/routes", ADMINS, payload=ROUTE),
    Endpoint("api-wf-route", "GET", _u(API + "/routes/{route}"), ROUTE_READERS),
    Endpoint("api-wf-route-update", "PUT", _u(API + "/routes/{route}"), ADMINS, payload=ROUTE),
    # ------------------------------------------------------------ API: delegations, notices
    Endpoint("api-wf-delegations", "GET", f"{API}/delegations", EVERY_ROLE),
    Endpoint(
        "api-wf-delegation-create", "POST", f"{API}/delegations", EVERY_ROLE, payload=_delegation
    ),
    Endpoint(
        "api-wf-delegation-revoke",
        "POST",
        _u(API + "/delegations/{delegation}/revoke"),
        expect(Role.EMPLOYEE),
    ),
    Endpoint("api-wf-notifications", "GET", f"{API}/notifications", SIGNED_IN),
    Endpoint(
        "api-wf-notifications-read",
        "POST",
        f"{API}/notifications/read",
        SIGNED_IN,
        payload={},
    ),
    Endpoint("api-wf-kpis", "GET", f"{API}/kpis", KPI_READERS),
    # ------------------------------------------------------------ pages
    Endpoint("page-wf-inbox", "GET", "/workflow/", EVERY_ROLE),
    Endpoint(
        "page-wf-bulk-approve",
        "POST",
        "/workflow/bulk-approve/",
        SIGNED_IN,
        payload=lambda ctx: {"ids": ctx["wf_request"].pk},
        form=True,
        redirects=True,
    ),
    Endpoint("page-wf-my-requests", "GET", "/workflow/requests/", EVERY_ROLE),
    Endpoint("page-wf-request", "GET", _u("/workflow/requests/{request}/"), VIEWERS),
    Endpoint(
        "page-wf-attach",
        "POST",
        _u("/workflow/requests/{request}/attach/"),
        APPLICANT,
        payload=_files,
        multipart=True,
        redirects=True,
        refusal_statuses=FLASHED,
    ),
    Endpoint(
        "page-wf-approve",
        "POST",
        _u("/workflow/requests/{request}/approve/"),
        APPROVER,
        form=True,
        redirects=True,
        refusal_statuses=FLASHED,
    ),
    Endpoint("page-wf-new", "GET", "/workflow/new/", EVERY_ROLE),
    Endpoint("page-wf-ringi-new", "GET", "/workflow/new/ringi/", SIGNED_IN),
    Endpoint("page-wf-form-new", "GET", "/workflow/new/form/matrix/", EVERY_ROLE),
    Endpoint(
        "page-wf-ringi-resubmit", "GET", _u("/workflow/ringi/{returned}/resubmit/"), APPLICANT
    ),
    Endpoint(
        "page-wf-form-resubmit",
        "GET",
        _u("/workflow/forms/requests/{form_returned}/resubmit/"),
        APPLICANT,
    ),
    Endpoint("page-wf-attachment", "GET", _u("/workflow/attachments/{attachment}/"), VIEWERS),
    Endpoint("page-wf-delegations", "GET", "/workflow/delegations/", EVERY_ROLE),
    Endpoint(
        "page-wf-delegation-revoke",
        "POST",
        _u("/workflow/delegations/{delegation}/revoke/"),
        expect(Role.EMPLOYEE),
        form=True,
        redirects=True,
    ),
    Endpoint("page-wf-notifications", "GET", "/workflow/notifications/", SIGNED_IN),
    Endpoint("page-wf-routes", "GET", "/workflow/routes/", ROUTE_READERS),
    Endpoint("page-wf-route-new", "GET", "/workflow/routes/new/", ADMINS),
    Endpoint("page-wf-route-edit", "GET", _u("/workflow/routes/{route}/"), ADMINS),
    Endpoint("page-wf-forms", "GET", "/workflow/forms/", FORM_MANAGERS),
    Endpoint("page-wf-form-create", "GET", "/workflow/forms/new/", FORM_MANAGERS),
    Endpoint("page-wf-form-edit", "GET", "/workflow/forms/matrix/edit/", FORM_MANAGERS),
    Endpoint("page-wf-kpis", "GET", "/workflow/kpis/", KPI_READERS),
]

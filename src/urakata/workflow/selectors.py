"""Workflow reads: inbox, my requests, request detail with its route, delegations, settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import can, require
from urakata.workflow.delegations import active_delegator_ids
from urakata.workflow.models import (
    Action,
    ApprovalRequest,
    Attachment,
    Delegation,
    Notification,
    RequestForm,
    RequestStep,
    Route,
    StepAssignment,
)
from urakata.workflow.registry import get_subject_type, subject_describe


def person_name(user: Any) -> str:
    """An employee's name when the user has one, else the user's own name."""
    if user is None:
        return ""
    try:
        employee = user.employee
    except ObjectDoesNotExist:
        employee = None
    if employee is not None:
        return str(employee.full_name)
    return str(user.get_full_name() or user.get_username())


@dataclass
class RequestFilters:
    """Filters shared by the inbox, my-requests and request list (pages and API)."""

    q: str = ""
    subject_type: str = ""
    status: str = ""
    mine: bool = False
    overdue: bool = False


def _base(queryset: QuerySet[ApprovalRequest]) -> QuerySet[ApprovalRequest]:
    return queryset.select_related("applicant__employee", "department", "current_step").annotate(
        waiting_since=F("current_step__activated_at")
    )


def _filter(
    queryset: QuerySet[ApprovalRequest], filters: RequestFilters
) -> QuerySet[ApprovalRequest]:
    if filters.q:
        q = filters.q.strip()
        queryset = queryset.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(applicant__last_name__icontains=q)
            | Q(applicant__first_name__icontains=q)
            | Q(applicant__username__icontains=q)
        )
    if filters.subject_type:
        queryset = queryset.filter(subject_type=filters.subject_type)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.overdue:
        queryset = queryset.filter(current_step__remind_at__lte=timezone.now())
    return queryset


def request_list(*, actor: Any, filters: RequestFilters | None = None) -> QuerySet[ApprovalRequest]:
    """Requests the actor may see (own ones only with `mine`), newest first, in one query."""
    require(actor, "workflow.use")
    filters = filters or RequestFilters()
    queryset = ApprovalRequest.objects.visible_to(actor)
    if filters.mine:
        queryset = queryset.filter(applicant=actor)
    return _filter(_base(queryset), filters).order_by("-submitted_at", "-pk")


def with_pending_approvers(queryset: QuerySet[ApprovalRequest]) -> QuerySet[ApprovalRequest]:
    """Attach `pending_slots` (who the current step still waits for): two queries per page."""
    pending = StepAssignment.objects.filter(status=StepAssignment.Status.PENDING).select_related(
        "approver__employee"
    )
    return queryset.prefetch_related(
        Prefetch("current_step__assignments", queryset=pending, to_attr="pending_slots")
    )


def _inbox_queryset(actor: Any) -> QuerySet[ApprovalRequest]:
    # Pending slots exist only on the step a request is waiting at, so "my pending step ids"
    # is an uncorrelated subquery evaluated once (a correlated EXISTS made SQLite rescan the
    # approver's slots for every request: 1,000 × 1,000 rows).
    approvers = [actor.pk, *active_delegator_ids(actor)]
    my_steps = StepAssignment.objects.filter(
        status=StepAssignment.Status.PENDING, approver_id__in=approvers
    ).values("step_id")
    # 職務分掌: one's own requests never wait in one's inbox, even through a delegation.
    return ApprovalRequest.objects.filter(
        status=ApprovalRequest.Status.IN_PROGRESS, current_step_id__in=my_steps
    ).exclude(applicant_id=actor.pk)


def inbox_list(*, actor: Any, filters: RequestFilters | None = None) -> QuerySet[ApprovalRequest]:
    """承認待ち: requests whose current step waits for the actor (or someone they stand in for)."""
    require(actor, "workflow.use")
    filters = filters or RequestFilters()
    return _filter(_base(_inbox_queryset(actor)), filters).order_by(
        "current_step__activated_at", "pk"
    )


def inbox_count(*, actor: Any) -> int:
    """How many requests wait for the actor (the navigation badge)."""
    if actor is None or not actor.is_authenticated:
        return 0
    return _inbox_queryset(actor).count()


def request_ids_visible_to(user: Any) -> QuerySet[ApprovalRequest, Any]:
    """The ids of the requests a user may see, as a subquery for other domains' row scope."""
    return ApprovalRequest.objects.visible_to(user).values("pk")


def request_get(*, actor: Any, request_id: int) -> ApprovalRequest:
    """One request, or NotFound when it does not exist or is outside the actor's scope."""
    require(actor, "workflow.use")
    request = _base(ApprovalRequest.objects.visible_to(actor)).filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("申請が見つかりません。"))
    return request


@dataclass
class StepView:
    """A step as drawn on the request page."""

    step: RequestStep
    slots: list[StepAssignment]
    waiting_for: list[StepAssignment] = field(default_factory=list)


def request_route(*, request: ApprovalRequest) -> list[tuple[int, list[StepView]]]:
    """The route step by step for each round: who acted, what, when, who is waiting since when."""
    slots = StepAssignment.objects.select_related(
        "approver__employee", "acted_by__employee"
    ).order_by("pk")
    steps = request.steps.prefetch_related(Prefetch("assignments", queryset=slots)).order_by(
        "round", "order"
    )
    rounds: dict[int, list[StepView]] = {}
    for step in steps:
        assigned = list(step.assignments.all())
        waiting = [a for a in assigned if a.status == StepAssignment.Status.PENDING]
        rounds.setdefault(step.round, []).append(StepView(step, assigned, waiting))
    return sorted(rounds.items())


def request_actions(*, request: ApprovalRequest) -> QuerySet[Action]:
    """The request's history, oldest first."""
    return request.actions.select_related("actor__employee", "on_behalf_of", "step").order_by(
        "at", "pk"
    )


def request_subject(
    *, request: ApprovalRequest
) -> tuple[Any | None, list[tuple[str, str]], list[Attachment]]:
    """The subject row, its display fields and attachments."""
    subject_type = get_subject_type(request.subject_type)
    if subject_type is None:
        return None, [], []
    subject = subject_type.model._default_manager.filter(pk=request.subject_id).first()
    if subject is None:
        return None, [], []
    attachments: list[Attachment] = []
    if request.subject_type == "workflow.ringi":
        attachments = list(Attachment.objects.filter(ringi_id=subject.pk).select_related("stored"))
    elif request.subject_type == "workflow.formsubmission":
        attachments = list(
            Attachment.objects.filter(submission_id=subject.pk).select_related("stored")
        )
    return subject, subject_describe(subject), attachments


def attachment_get(*, actor: Any, attachment_id: int) -> Attachment:
    """An attachment of a request the actor may see."""
    attachment = Attachment.objects.select_related("stored").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("添付ファイルが見つかりません。"))
    subject_type, subject_id = (
        ("workflow.ringi", attachment.ringi_id)
        if attachment.ringi_id
        else ("workflow.formsubmission", attachment.submission_id)
    )
    visible = ApprovalRequest.objects.visible_to(actor).filter(
        subject_type=subject_type, subject_id=subject_id or 0
    )
    if not visible.exists():
        raise NotFound(_("添付ファイルが見つかりません。"))
    return attachment


def delegation_list(*, actor: Any) -> QuerySet[Delegation]:
    """Delegations the actor gave or received (all of them for administrators)."""
    require(actor, "workflow.use")
    queryset = Delegation.objects.select_related("delegator__employee", "delegate__employee")
    if not can(actor, "workflow.proxy_approve"):
        queryset = queryset.filter(Q(delegator=actor) | Q(delegate=actor))
    return queryset.order_by("-start_date", "-pk")


def notification_list(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's notifications, newest first."""
    queryset = Notification.objects.filter(user=actor).select_related("request")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-pk")


def notification_unread_count(*, actor: Any) -> int:
    """Unread notifications (the navigation badge)."""
    if actor is None or not actor.is_authenticated:
        return 0
    return Notification.objects.filter(user=actor, read_at__isnull=True).count()


def route_list(*, actor: Any) -> QuerySet[Route]:
    """Approval routes with their steps (administrators, auditors)."""
    if not can(actor, "workflow.view_all"):
        require(actor, "workflow.manage_routes")
    return Route.objects.prefetch_related("steps").order_by("subject_type", "-priority", "pk")


def route_get(*, actor: Any, route_id: int) -> Route:
    route = route_list(actor=actor).filter(pk=route_id).first()
    if route is None:
        raise NotFound(_("承認ルートが見つかりません。"))
    return route


def form_list(*, actor: Any, active_only: bool = True) -> QuerySet[RequestForm]:
    """申請フォーム the actor may use (all forms for form managers when active_only is False)."""
    require(actor, "workflow.use")
    queryset = RequestForm.objects.all()
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("name")


def form_get(*, actor: Any, code: str, active_only: bool = True) -> RequestForm:
    form = form_list(actor=actor, active_only=active_only).filter(code=code).first()
    if form is None:
        raise NotFound(_("申請フォームが見つかりません。"))
    return form

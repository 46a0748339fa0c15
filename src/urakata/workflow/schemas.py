"""Pydantic schemas of the workflow API (/api/v1/workflow/...)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from urakata.core.api import PageMeta
from urakata.core.schema_types import LongText, PageNumber, PageSize, RowId, Yen
from urakata.workflow.models import ApprovalRequest, Route
from urakata.workflow.selectors import person_name


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


class RequestAttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    url: str


class RequestDetailOut(RequestFields):
    subject: list[FieldOut]
    attachments: list[RequestAttachmentOut]
    steps: list[StepOut]
    actions: list[ActionOut]


class CommentIn(Schema):
    comment: LongText = ""


class BulkIn(Schema):
    ids: Annotated[list[int], Field(max_length=500)]
    comment: LongText = ""


class BulkOut(Schema):
    approved: list[int]
    failed: dict[int, str]


class IdsIn(Schema):
    ids: Annotated[list[RowId], Field(max_length=1000)] | None = None


class CountOut(Schema):
    count: int


class RingiIn(Schema):
    title: Annotated[str, Field(max_length=200)]
    purpose: LongText
    # Bounded here; "not negative" is the service's rule, reported with every other problem.
    amount: Yen = 0
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
    code: Annotated[str, Field(max_length=50)]
    name: Annotated[str, Field(max_length=100)]
    description: LongText = ""
    fields: Annotated[list[dict[str, Any]], Field(max_length=100)]
    is_active: bool = True


Hours = Annotated[int, Field(ge=1, le=10_000)]


class RouteStepSchema(Schema):
    name: Annotated[str, Field(max_length=100)]
    approvers: Annotated[list[dict[str, Any]], Field(max_length=50)]
    quorum: Literal["all", "any"] = "all"
    conditions: Annotated[list[dict[str, Any]], Field(max_length=20)] = []


class RouteIn(Schema):
    name: Annotated[str, Field(max_length=100)]
    subject_type: Annotated[str, Field(max_length=100)]
    conditions: Annotated[list[dict[str, Any]], Field(max_length=20)] = []
    priority: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] = 0
    is_active: bool = True
    remind_after_hours: Hours = 48
    escalate_after_hours: Hours = 120
    distinct_approvers: bool = False
    steps: Annotated[list[RouteStepSchema], Field(max_length=30)]


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
    distinct_approvers: bool
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
    q: Annotated[str, Field(max_length=200)] = ""
    type: Annotated[str, Field(max_length=100)] = ""
    status: Annotated[str, Field(max_length=20)] = ""
    mine: bool = False
    overdue: bool = False
    page: PageNumber = 1
    page_size: PageSize = 50

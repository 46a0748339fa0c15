"""DX REST endpoints: inventory, priorities, KPIs and measures, PoCs, drafts, proposals, figures."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.errors import NotFound
from urakata.core.permissions import require
from urakata.core.schema_types import BusinessDate, LongText, PageNumber, PageSize, RowId
from urakata.dx import culture, kpis, manuals, pocs, selectors, services
from urakata.dx.models import Process

router = Router(tags=["dx"])

Short = Annotated[str, Field(max_length=200)]
Code = Annotated[str, Field(max_length=100)]
Score = Annotated[int, Field(ge=1, le=5)]
Count = Annotated[int, Field(ge=0, le=100_000)]


class ProcessOut(Schema):
    id: int
    code: str
    name: str
    department: str | None
    owner: str | None
    frequency: str
    count_per_period: int
    minutes: int
    people: int
    siloed: bool
    paper: bool
    double_entry: bool
    transcription: bool
    systems: str
    pain_points: str
    request_type: str
    impact: int | None
    frequency_score: int | None
    room: int | None
    score: int | None
    hours_per_year: float
    is_candidate: bool

    @staticmethod
    def resolve_department(obj: Process) -> str | None:
        return obj.department.code if obj.department else None

    @staticmethod
    def resolve_owner(obj: Process) -> str | None:
        return obj.owner.get_username() if obj.owner else None


class ProcessPage(Schema):
    items: list[ProcessOut]
    meta: PageMeta


class ProcessIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=20)]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    department: Code = ""
    owner: Code = ""
    description: LongText = ""
    frequency: Literal["daily", "weekly", "monthly", "quarterly", "yearly"] = "monthly"
    count_per_period: Annotated[int, Field(ge=1, le=10_000)] = 1
    minutes: Count = 0
    people: Annotated[int, Field(ge=1, le=100_000)] = 1
    siloed: bool = False
    paper: bool = False
    double_entry: bool = False
    transcription: bool = False
    systems: Short = ""
    pain_points: LongText = ""
    request_type: Code = ""


class ScoreIn(Schema):
    impact: Score | None = None
    frequency_score: Score | None = None
    room: Score | None = None
    is_candidate: bool = False


class VoiceIn(Schema):
    text: Annotated[str, Field(max_length=2000)]


class IdOut(Schema):
    id: int


class DxKpiOut(Schema):
    requests: int
    decided: int
    lead_time_hours: dict[str, float | None]
    return_rate: float | None
    rejection_rate: float | None
    step_wait_hours: dict[str, float | None]


class PocIn(Schema):
    process_id: RowId
    title: Short
    request_type: Code = ""
    department: Code = ""
    baseline_from: BusinessDate
    baseline_to: BusinessDate
    trial_from: BusinessDate
    trial_to: BusinessDate
    measures: list[Code] = Field(default_factory=list, max_length=20)


class PocOut(Schema):
    id: int
    title: str
    process_id: int
    request_type: str
    status: str
    baseline_from: Any
    baseline_to: Any
    trial_from: Any
    trial_to: Any
    decision_reason: str
    hours_saved_per_year: float


class DecisionIn(Schema):
    decision: Literal["rolled_out", "continued", "stopped"]
    reason: LongText


class DraftOut(Schema):
    id: int
    manual: str
    process_id: int
    source_action: str
    summary: str
    sections: list[str]
    proposed_body: str
    status: str

    @staticmethod
    def resolve_manual(obj: Any) -> str:
        return obj.manual.title

    @staticmethod
    def resolve_process_id(obj: Any) -> int:
        return int(obj.manual.process_id)


class ReviewIn(Schema):
    decision: Literal["approve", "reject"]
    body: LongText | None = None
    note: LongText = ""


class ProposalIn(Schema):
    problem: LongText
    idea: LongText
    expected_effect: LongText = ""
    process_id: RowId | None = None


class ProposalOut(Schema):
    id: int
    problem: str
    idea: str
    expected_effect: str
    status: str
    reason: str
    author: str
    hours_saved_per_year: float

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author.get_username())


class AdvanceIn(Schema):
    status: Literal["reviewing", "trial", "adopted", "declined"]
    reason: LongText = ""
    hours_saved_per_year: Annotated[float, Field(ge=0, le=1_000_000)] = 0


class ThanksIn(Schema):
    recipient: Annotated[str, Field(min_length=1, max_length=150)]
    message: Annotated[str, Field(max_length=300)]
    proposal_id: RowId | None = None


def _process(request: HttpRequest, pk: int) -> Process:
    return selectors.process_get(actor=request.user, pk=pk)


@router.get("/processes", response={200: ProcessPage, **API_ERRORS})
def list_processes(
    request: HttpRequest,
    q: Short = "",
    department: Code = "",
    candidates: bool = False,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Any:
    queryset = selectors.process_list(
        actor=request.user, q=q, department=department, candidates=candidates
    )
    items, meta = paginate(queryset, page=page, page_size=page_size)
    return {"items": items, "meta": meta}


@router.post("/processes", response={201: ProcessOut, **API_ERRORS})
def create_process(request: HttpRequest, payload: ProcessIn) -> Any:
    return 201, services.process_save(actor=request.user, data=payload.dict())


@router.get("/processes/{process_id}", response={200: ProcessOut, **API_ERRORS})
def get_process(request: HttpRequest, process_id: RowId) -> Any:
    return _process(request, process_id)


@router.put("/processes/{process_id}", response={200: ProcessOut, **API_ERRORS})
def update_process(request: HttpRequest, process_id: RowId, payload: ProcessIn) -> Any:
    process = _process(request, process_id)
    return services.process_save(actor=request.user, process=process, data=payload.dict())


@router.post("/processes/{process_id}/score", response={200: ProcessOut, **API_ERRORS})
def score_process(request: HttpRequest, process_id: RowId, payload: ScoreIn) -> Any:
    process = _process(request, process_id)
    return services.process_score(actor=request.user, process=process, data=payload.dict())


@router.get(
    "/processes/{process_id}/suggested-scores", response={200: dict[str, int], **API_ERRORS}
)
def suggested_scores(request: HttpRequest, process_id: RowId) -> Any:
    return services.suggested_scores(_process(request, process_id))


@router.post("/processes/{process_id}/voices", response={201: IdOut, **API_ERRORS})
def add_voice(request: HttpRequest, process_id: RowId, payload: VoiceIn) -> Any:
    process = _process(request, process_id)
    return 201, services.voice_add(actor=request.user, process=process, text=payload.text)


@router.get("/priority", response={200: list[dict[str, Any]], **API_ERRORS})
def priority(
    request: HttpRequest,
    sort: Literal["score", "hours", "code", "name", "department"] = "score",
    candidates: bool = False,
) -> Any:
    rows = selectors.priority_rows(actor=request.user, sort=sort, candidates=candidates)
    return selectors.priority_chart(rows)


@router.get("/kpis", response={200: DxKpiOut, **API_ERRORS})
def request_kpis(
    request: HttpRequest,
    request_type: Code,
    date_from: BusinessDate,
    date_to: BusinessDate,
    department: Code = "",
) -> Any:
    """Lead time, 差し戻し率, 却下率 and step waiting of one request type (see docs/modules/dx.md)."""
    require(request.user, "dx.use")
    return kpis.request_kpis(
        request_type=request_type,
        department_code=department or None,
        date_from=date_from,
        date_to=date_to,
    )


@router.get("/measures", response={200: list[dict[str, Any]], **API_ERRORS})
def list_measures(request: HttpRequest) -> Any:
    """The process measures other domains declare (hook `dx.process_measures`)."""
    require(request.user, "dx.use")
    return [
        {"key": k, "label": str(v["label"]), "kind": v["kind"], "domain": v["domain"]}
        for k, v in sorted(kpis.measure_definitions().items())
    ]


@router.get("/pocs", response={200: list[PocOut], **API_ERRORS})
def list_pocs(request: HttpRequest) -> Any:
    return list(selectors.poc_list(actor=request.user)[:500])


@router.post("/pocs", response={201: PocOut, **API_ERRORS})
def create_poc(request: HttpRequest, payload: PocIn) -> Any:
    process = _process(request, payload.process_id)
    data = payload.dict()
    return 201, pocs.poc_create(actor=request.user, process=process, data=data)


@router.get("/pocs/{poc_id}/results", response={200: dict[str, Any], **API_ERRORS})
def poc_results(request: HttpRequest, poc_id: RowId) -> Any:
    """Baseline and trial KPIs measured from the event log (frozen once decided)."""
    poc = selectors.poc_get(actor=request.user, pk=poc_id)
    return poc.result or pocs.poc_results(poc)


@router.post("/pocs/{poc_id}/decide", response={200: PocOut, **API_ERRORS})
def decide_poc(request: HttpRequest, poc_id: RowId, payload: DecisionIn) -> Any:
    poc = selectors.poc_get(actor=request.user, pk=poc_id)
    return pocs.poc_decide(
        actor=request.user, poc=poc, decision=payload.decision, reason=payload.reason
    )


@router.get("/drafts", response={200: list[DraftOut], **API_ERRORS})
def list_drafts(
    request: HttpRequest, status: Literal["", "pending", "approved", "rejected"] = ""
) -> Any:
    return list(selectors.draft_list(actor=request.user, status=status)[:200])


@router.post("/drafts/{draft_id}/review", response={200: DraftOut, **API_ERRORS})
def review_draft(request: HttpRequest, draft_id: RowId, payload: ReviewIn) -> Any:
    draft = selectors.draft_get(actor=request.user, pk=draft_id)
    return manuals.manual_draft_review(
        actor=request.user,
        draft=draft,
        decision=payload.decision,
        body=payload.body,
        note=payload.note,
    )


@router.get("/proposals", response={200: list[ProposalOut], **API_ERRORS})
def list_proposals(request: HttpRequest) -> Any:
    return list(selectors.proposal_list(actor=request.user)[:500])


@router.post("/proposals", response={201: ProposalOut, **API_ERRORS})
def submit_proposal(request: HttpRequest, payload: ProposalIn) -> Any:
    data: dict[str, Any] = payload.dict()
    if payload.process_id:
        data["process"] = _process(request, payload.process_id)
    return 201, culture.proposal_submit(actor=request.user, data=data)


@router.post("/proposals/{proposal_id}/advance", response={200: ProposalOut, **API_ERRORS})
def advance_proposal(request: HttpRequest, proposal_id: RowId, payload: AdvanceIn) -> Any:
    proposal = selectors.proposal_get(actor=request.user, pk=proposal_id)
    return culture.proposal_advance(
        actor=request.user,
        proposal=proposal,
        status=payload.status,
        reason=payload.reason,
        hours_saved_per_year=payload.hours_saved_per_year,
    )


@router.post("/thanks", response={201: IdOut, **API_ERRORS})
def give_thanks(request: HttpRequest, payload: ThanksIn) -> Any:
    from django.contrib.auth import get_user_model

    require(request.user, "dx.use")
    recipient = get_user_model().objects.filter(username=payload.recipient, is_active=True).first()
    if recipient is None:
        raise NotFound("user")
    proposal = (
        selectors.proposal_get(actor=request.user, pk=payload.proposal_id)
        if payload.proposal_id
        else None
    )
    thanks = culture.thanks_give(
        actor=request.user, recipient=recipient, message=payload.message, proposal=proposal
    )
    return 201, thanks


FIGURES = Literal[
    "processes",
    "candidates",
    "pocs",
    "poc_effects",
    "hours_saved_per_year",
    "proposals",
    "proposals_per_100",
    "adoption_rate",
    "training_completion",
    "ai_usage_rate",
]


@router.get("/dashboard", response={200: dict[str, Any], **API_ERRORS})
def dashboard(request: HttpRequest) -> Any:
    """Every DX figure at once."""
    return selectors.dashboard(actor=request.user)


@router.get("/dashboard/{figure}", response={200: dict[str, Any], **API_ERRORS})
def dashboard_figure(request: HttpRequest, figure: FIGURES) -> Any:
    """One DX figure: `{"figure": name, "value": ...}`."""
    return {"figure": figure, "value": selectors.dashboard(actor=request.user)[figure]}


class CourseOut(Schema):
    id: int
    title: str
    category: str
    assigned: int
    completed: int


class AnswersIn(Schema):
    answers: list[Annotated[int, Field(ge=0, le=100)]] = Field(max_length=100)


@router.get("/courses", response={200: list[CourseOut], **API_ERRORS})
def list_courses(request: HttpRequest) -> Any:
    return list(selectors.course_list(actor=request.user))


@router.post("/enrollments/{enrollment_id}/complete", response={200: dict[str, Any], **API_ERRORS})
def complete_enrollment(request: HttpRequest, enrollment_id: RowId, payload: AnswersIn) -> Any:
    enrollment = selectors.my_enrollments(actor=request.user).filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound("enrollment")
    done = culture.enrollment_complete(
        actor=request.user, enrollment=enrollment, answers=payload.answers
    )
    return {"score": done.score, "completed": done.completed_at is not None}

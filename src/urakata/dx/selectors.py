"""DX reads: the inventory, priorities and candidates, PoCs, drafts, proposals, the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from urakata.assistant.models import AICallLog
from urakata.core.errors import NotFound
from urakata.core.permissions import require
from urakata.dx.models import (
    Course,
    Enrollment,
    ManualDraft,
    Poc,
    Process,
    Proposal,
    Supporter,
    Thanks,
)

SORTS = ("score", "hours", "code", "name", "department")


def process_list(
    *, actor: Any, q: str = "", department: str = "", candidates: bool = False
) -> QuerySet[Process]:
    """The inventory, filtered by text, department code or DX candidates."""
    require(actor, "dx.use")
    queryset = Process.objects.visible_to(actor).select_related("department", "owner")
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(pain_points__icontains=q)
        )
    if department:
        queryset = queryset.filter(department__code=department)
    if candidates:
        queryset = queryset.filter(is_candidate=True)
    return queryset.annotate(voice_count=Count("voices"))


def process_get(*, actor: Any, pk: int) -> Process:
    require(actor, "dx.use")
    found = (
        Process.objects.visible_to(actor)
        .select_related("department", "owner")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("process")
    return found


def priority_rows(*, actor: Any, sort: str = "score", candidates: bool = False) -> list[Process]:
    """Processes by 影響度 × 頻度 × 改善余地 (unscored last), or by hours a year, code, name."""
    processes = list(process_list(actor=actor, candidates=candidates))
    if sort == "hours":
        return sorted(processes, key=lambda p: (-p.hours_per_year, p.code))
    if sort in ("code", "name"):
        return sorted(processes, key=lambda p: getattr(p, sort))
    if sort == "department":
        return sorted(processes, key=lambda p: (p.department.code if p.department else "", p.code))
    return sorted(processes, key=lambda p: (-(p.score or 0), -p.hours_per_year, p.code))


def priority_chart(processes: list[Process]) -> list[dict[str, Any]]:
    """Bubbles: x = 改善余地, y = 影響度, size = hours a year (scored processes only)."""
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "x": p.room,
            "y": p.impact,
            "hours": p.hours_per_year,
            "score": p.score,
            "candidate": p.is_candidate,
        }
        for p in processes
        if p.room is not None and p.impact is not None
    ]


def supporters_for(process: Process) -> list[Supporter]:
    """The DX leaders and 社内サポーター of the process's department, then company-wide ones."""
    return list(
        Supporter.objects.filter(Q(department=process.department_id) | Q(department__isnull=True))
        .select_related("user", "department")
        .order_by("kind", F("department").asc(nulls_last=True), "pk")
    )


def poc_list(*, actor: Any) -> QuerySet[Poc]:
    require(actor, "dx.use")
    return Poc.objects.select_related("process", "department")


def poc_get(*, actor: Any, pk: int) -> Poc:
    found = poc_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("poc")
    return found


def draft_list(*, actor: Any, status: str = "") -> QuerySet[ManualDraft]:
    require(actor, "dx.use")
    queryset = ManualDraft.objects.select_related("manual__process", "reviewed_by")
    return queryset.filter(status=status) if status else queryset


def draft_get(*, actor: Any, pk: int) -> ManualDraft:
    found = draft_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("draft")
    return found


def proposal_list(*, actor: Any, status: str = "") -> QuerySet[Proposal]:
    """Everyone sees adopted proposals and their own; DX leaders see every one."""
    from urakata.dx.rules import is_leader

    require(actor, "dx.use")
    queryset = Proposal.objects.select_related("author", "process")
    if not is_leader(actor):
        queryset = queryset.filter(Q(status=Proposal.Status.ADOPTED) | Q(author=actor))
    return queryset.filter(status=status) if status else queryset


def proposal_get(*, actor: Any, pk: int) -> Proposal:
    found = proposal_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("proposal")
    return found


def course_list(*, actor: Any) -> QuerySet[Course]:
    require(actor, "dx.use")
    return Course.objects.select_related("process").annotate(
        assigned=Count("enrollments"),
        completed=Count("enrollments", filter=Q(enrollments__completed_at__isnull=False)),
    )


def my_enrollments(*, actor: Any) -> QuerySet[Enrollment]:
    require(actor, "dx.use")
    return Enrollment.objects.filter(user=actor).select_related("course")


def recognition_rows(*, actor: Any, date_from: Any, date_to: Any) -> list[list[Any]]:
    """Per person over the evaluation period: proposals, adopted, hours saved, thanks received."""
    require(actor, "dx.manage")
    people: dict[int, dict[str, Any]] = {}

    def row(user: Any) -> dict[str, Any]:
        department = getattr(getattr(user, "employee", None), "department", None)
        return people.setdefault(
            user.pk,
            {
                "user": user.get_username(),
                "department": str(department or ""),
                "p": 0,
                "a": 0,
                "h": 0.0,
                "t": 0,
            },
        )

    proposals = Proposal.objects.filter(
        created_at__date__gte=date_from, created_at__date__lte=date_to
    ).select_related("author__employee__department")
    for proposal in proposals:
        entry = row(proposal.author)
        entry["p"] += 1
        if proposal.status == Proposal.Status.ADOPTED:
            entry["a"] += 1
            entry["h"] += proposal.hours_saved_per_year
    for thanks in Thanks.objects.filter(
        created_at__date__gte=date_from, created_at__date__lte=date_to
    ).select_related("recipient__employee__department"):
        row(thanks.recipient)["t"] += 1
    return [
        [e["user"], e["department"], e["p"], e["a"], round(e["h"], 1), e["t"]]
        for e in sorted(people.values(), key=lambda e: e["user"])
    ]


def dashboard(*, actor: Any) -> dict[str, Any]:
    """The DX figures: inventory, candidates, PoCs and effects, hours saved, proposals, training."""
    require(actor, "dx.use")
    processes = Process.objects.aggregate(
        total=Count("pk"), candidates=Count("pk", filter=Q(is_candidate=True))
    )
    pocs = {row["status"]: row["n"] for row in Poc.objects.values("status").annotate(n=Count("pk"))}
    proposals = {
        row["status"]: row["n"] for row in Proposal.objects.values("status").annotate(n=Count("pk"))
    }
    decided = proposals.get("adopted", 0) + proposals.get("declined", 0)
    employees = get_user_model().objects.filter(is_active=True, employee__isnull=False).count()
    hours = (Poc.objects.aggregate(h=Sum("hours_saved_per_year"))["h"] or 0) + (
        Proposal.objects.filter(status=Proposal.Status.ADOPTED).aggregate(
            h=Sum("hours_saved_per_year")
        )["h"]
        or 0
    )
    enrollments = Enrollment.objects.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False))
    )
    effects = [
        {
            "id": p.pk,
            "title": p.title,
            "status": p.status,
            "lead_time_reduction": (p.result or {}).get("lead_time_reduction"),
            "hours_saved_per_year": p.hours_saved_per_year,
        }
        for p in Poc.objects.order_by("pk")
    ]
    return {
        "processes": processes["total"],
        "candidates": processes["candidates"],
        "pocs": {status: pocs.get(status, 0) for status in Poc.Status.values},
        "poc_effects": effects,
        "hours_saved_per_year": round(hours, 1),
        "proposals": sum(proposals.values()),
        "proposals_per_100": round(100 * sum(proposals.values()) / employees, 1)
        if employees
        else None,
        "adoption_rate": round(proposals.get("adopted", 0) / decided, 4) if decided else None,
        "training_completion": round(enrollments["done"] / enrollments["total"], 4)
        if enrollments["total"]
        else None,
        "ai_usage_rate": _ai_usage_rate(),
        "as_of": timezone.localdate().isoformat(),
    }


def _ai_usage_rate() -> float | None:
    """AI活用率: share of active employees who called the AI in the last 30 days (AICallLog)."""
    users = get_user_model().objects.filter(is_active=True, employee__isnull=False)
    total = users.count()
    if not total:
        return None
    since = timezone.now() - dt.timedelta(days=30)
    used = (
        AICallLog.objects.filter(created_at__gte=since, user__in=users)
        .values("user_id")
        .distinct()
        .count()
    )
    return round(min(used, total) / total, 4)

"""定着化 and 継続改善: training, improvement proposals, 称賛, monthly / quarterly KPI reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import require, same_user
from urakata.dx.kpis import request_kpis
from urakata.dx.models import Course, Enrollment, Poc, Process, Proposal, Review, Thanks
from urakata.dx.rules import require_leader

# 提案 → 検討 → 試行 → 採用 / 不採用 (a proposal may be decided without a trial).
NEXT = {
    Proposal.Status.PROPOSED: (Proposal.Status.REVIEWING, Proposal.Status.DECLINED),
    Proposal.Status.REVIEWING: (
        Proposal.Status.TRIAL,
        Proposal.Status.ADOPTED,
        Proposal.Status.DECLINED,
    ),
    Proposal.Status.TRIAL: (Proposal.Status.ADOPTED, Proposal.Status.DECLINED),
}


def _text(data: Mapping[str, Any], name: str, limit: int, errors: dict[str, list[str]]) -> str:
    value = str(data.get(name) or "").strip()
    if len(value) > limit:
        errors.setdefault(name, []).append(
            _("%(limit)s 文字以内で入力してください。") % {"limit": limit}
        )
    return value


@transaction.atomic
def course_create(*, actor: Any, data: Mapping[str, Any]) -> Course:
    """A training course with material and an optional quiz (`dx.manage`)."""
    require(actor, "dx.manage")
    errors: dict[str, list[str]] = {}
    title = _text(data, "title", 200, errors)
    if not title:
        errors.setdefault("title", []).append(_("必須項目です。"))
    quiz = data.get("quiz") or []
    for number, item in enumerate(quiz, start=1):
        choices = item.get("choices") if isinstance(item, dict) else None
        answer = item.get("answer") if isinstance(item, dict) else None
        if not choices or not isinstance(answer, int) or not 0 <= answer < len(choices):
            errors.setdefault("quiz", []).append(
                _("%(n)s問目: 選択肢と正解の番号を確認してください。") % {"n": number}
            )
    if errors:
        raise ValidationFailed(_("研修を登録できません。"), errors=errors)
    course = Course.objects.create(
        title=title,
        category=_text(data, "category", 50, errors),
        material=_text(data, "material", 20_000, errors),
        process=data.get("process"),
        quiz=list(quiz),
    )
    audit_record(
        actor=actor, action="dx.course.create", target=course, changes={"title": [None, title]}
    )
    return course


@transaction.atomic
def course_assign(
    *, actor: Any, course: Course, users: Iterable[Any] = (), department: Any = None
) -> int:
    """Assign a course to people and/or everyone of a department; returns new assignments."""
    require(actor, "dx.manage")
    people = {u.pk: u for u in users}
    if department is not None:
        for user in get_user_model().objects.filter(employee__department=department):
            people[user.pk] = user
    existing = set(course.enrollments.values_list("user_id", flat=True))
    new = [Enrollment(course=course, user=u) for pk, u in people.items() if pk not in existing]
    Enrollment.objects.bulk_create(new)
    audit_record(
        actor=actor,
        action="dx.course.assign",
        target=course,
        changes={"users": [None, sorted(e.user.pk for e in new)]},
    )
    return len(new)


@transaction.atomic
def enrollment_complete(*, actor: Any, enrollment: Enrollment, answers: list[int]) -> Enrollment:
    """The learner answers the quiz; completed when the score reaches the pass mark."""
    require(actor, "dx.use")
    enrollment = (
        Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
    )
    if not same_user(actor, enrollment.user):
        raise Conflict(_("本人だけが受講を完了できます。"))
    quiz = enrollment.course.quiz
    if len(answers) != len(quiz):
        message = _("すべての問題に答えてください。")
        raise ValidationFailed(message, errors={"answers": [message]})
    right = sum(1 for item, given in zip(quiz, answers, strict=True) if item["answer"] == given)
    score = round(100 * right / len(quiz)) if quiz else 100
    enrollment.score = score
    if score >= enrollment.course.pass_score:
        enrollment.completed_at = timezone.now()
    enrollment.save()
    audit_record(
        actor=actor,
        action="dx.enrollment.complete",
        target=enrollment,
        changes={"score": [None, score], "passed": [None, enrollment.completed_at is not None]},
    )
    return enrollment


@transaction.atomic
def proposal_submit(*, actor: Any, data: Mapping[str, Any]) -> Proposal:
    """An improvement proposal from anyone: the problem, the idea, the expected effect."""
    require(actor, "dx.use")
    errors: dict[str, list[str]] = {}
    problem = _text(data, "problem", 5000, errors)
    idea = _text(data, "idea", 5000, errors)
    effect = _text(data, "expected_effect", 5000, errors)
    for name, value in (("problem", problem), ("idea", idea)):
        if not value:
            errors.setdefault(name, []).append(_("必須項目です。"))
    process = data.get("process")
    if errors:
        raise ValidationFailed(_("提案を送れません。"), errors=errors)
    proposal = Proposal.objects.create(
        author=actor, process=process, problem=problem, idea=idea, expected_effect=effect
    )
    audit_record(
        actor=actor, action="dx.proposal.submit", target=proposal, changes={"idea": [None, idea]}
    )
    return proposal


@transaction.atomic
def proposal_advance(
    *,
    actor: Any,
    proposal: Proposal,
    status: str,
    reason: str = "",
    hours_saved_per_year: float = 0,
    poc: Poc | None = None,
) -> Proposal:
    """Move a proposal on (DX leaders): 検討 → 試行 (optionally a PoC) → 採用 / 不採用 with reason."""
    require_leader(actor)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    allowed = NEXT.get(Proposal.Status(proposal.status), ())
    if status not in allowed:
        raise Conflict(_("この提案はその状態に進められません。"))
    reason = (reason or "").strip()[:5000]
    final = status in (Proposal.Status.ADOPTED, Proposal.Status.DECLINED)
    if final and not reason:
        message = _("採用・不採用の理由を入力してください。")
        raise ValidationFailed(message, errors={"reason": [message]})
    if not 0 <= hours_saved_per_year <= 1_000_000:
        message = _("年間削減時間は 0〜1,000,000 で入力してください。")
        raise ValidationFailed(message, errors={"hours_saved_per_year": [message]})
    old = proposal.status
    proposal.status = status
    proposal.reason = reason or proposal.reason
    if poc is not None:
        proposal.poc = poc
    if status == Proposal.Status.ADOPTED:
        proposal.hours_saved_per_year = hours_saved_per_year
    if final:
        proposal.decided_at = timezone.now()
    proposal.save()
    audit_record(
        actor=actor,
        action="dx.proposal.advance",
        target=proposal,
        changes={"status": [old, status], "reason": [None, reason]},
    )
    return proposal


@transaction.atomic
def thanks_give(
    *, actor: Any, recipient: Any, message: str, proposal: Proposal | None = None
) -> Thanks:
    """称賛: thank a colleague for an improvement."""
    require(actor, "dx.use")
    message = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if not message or len(message) > 300:
        errors["message"] = [_("メッセージを 300 文字以内で入力してください。")]
    if same_user(actor, recipient):
        errors["recipient"] = [_("自分自身には送れません。")]
    if errors:
        raise ValidationFailed(_("称賛を送れません。"), errors=errors)
    thanks = Thanks.objects.create(
        sender=actor, recipient=recipient, proposal=proposal, message=message
    )
    audit_record(
        actor=actor,
        action="dx.thanks.give",
        target=thanks,
        changes={"recipient": [None, recipient.pk], "message": [None, message]},
    )
    return thanks


@transaction.atomic
def review_hold(
    *,
    actor: Any,
    process: Process,
    period_from: dt.date,
    period_to: dt.date,
    minutes: str = "",
    actions: list[str] | None = None,
) -> Review:
    """A monthly / quarterly KPI review: the KPIs of the period frozen, minutes, action items."""
    require_leader(actor)
    if period_to < period_from:
        message = _("期間の終了日は開始日以降にしてください。")
        raise ValidationFailed(message, errors={"period_to": [message]})
    kpis: dict[str, Any] = {}
    if process.request_type:
        kpis = request_kpis(
            request_type=process.request_type, date_from=period_from, date_to=period_to
        )
    review = Review.objects.create(
        process=process,
        period_from=period_from,
        period_to=period_to,
        kpis=kpis,
        minutes=(minutes or "")[:20_000],
        actions=[str(a)[:300] for a in (actions or []) if str(a).strip()],
        held_by=actor,
    )
    audit_record(
        actor=actor,
        action="dx.review.hold",
        target=review,
        changes={"period": [None, f"{period_from}〜{period_to}"]},
    )
    return review

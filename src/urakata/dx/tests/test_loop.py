"""PoC periods, proposals 提案→検討→試行→採用, 称賛, training, reviews, the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.dx import culture, pocs, selectors
from urakata.dx.models import Poc, Proposal
from urakata.dx.tests.factories import QUIZ, process_make

pytestmark = pytest.mark.django_db
PERIODS = {
    "baseline_from": "2025-01-01",
    "baseline_to": "2025-03-31",
    "trial_from": "2025-03-15",
    "trial_to": "2025-06-30",
}


def test_overlapping_periods_are_refused(make_user: Any) -> None:
    leader = make_user(Role.GENERAL_AFFAIRS)
    process = process_make(actor=SYSTEM)
    with pytest.raises(ValidationFailed) as caught:
        pocs.poc_create(actor=leader, process=process, data={"title": "試行", **PERIODS})
    assert "重なっています" in caught.value.errors["trial_from"][0]
    with pytest.raises(ValidationFailed) as caught:
        pocs.poc_create(
            actor=leader,
            process=process,
            data={"title": "", **PERIODS, "trial_from": "2025-13-01", "measures": ["nope"]},
        )
    assert {"title", "trial_from", "measures"} <= set(caught.value.errors)
    assert Poc.objects.count() == 0
    with pytest.raises(PermissionDenied):
        pocs.poc_create(actor=make_user(Role.EMPLOYEE), process=process, data={"title": "x"})


def test_proposals_move_through_review_and_are_thanked(make_user: Any) -> None:
    author, leader = make_user(Role.EMPLOYEE), make_user(Role.EXECUTIVE)
    with pytest.raises(ValidationFailed) as caught:
        culture.proposal_submit(actor=author, data={"problem": " ", "idea": ""})
    assert set(caught.value.errors) == {"problem", "idea"}
    proposal = culture.proposal_submit(
        actor=author, data={"problem": "交通費の転記", "idea": "IC カード履歴の取込"}
    )
    with pytest.raises(PermissionDenied):
        culture.proposal_advance(actor=author, proposal=proposal, status="reviewing")
    culture.proposal_advance(actor=leader, proposal=proposal, status="reviewing")
    culture.proposal_advance(actor=leader, proposal=proposal, status="trial")
    with pytest.raises(ValidationFailed):
        culture.proposal_advance(actor=leader, proposal=proposal, status="adopted")
    adopted = culture.proposal_advance(
        actor=leader,
        proposal=proposal,
        status="adopted",
        reason="月20時間削減",
        hours_saved_per_year=240,
    )
    assert adopted.status == Proposal.Status.ADOPTED
    with pytest.raises(Conflict):
        culture.proposal_advance(actor=leader, proposal=proposal, status="declined", reason="x")
    culture.thanks_give(actor=leader, recipient=author, message="ありがとう", proposal=adopted)
    with pytest.raises(ValidationFailed):
        culture.thanks_give(actor=author, recipient=author, message="自分に")
    # Others see adopted proposals; the per-person export counts them.
    other = make_user(Role.EMPLOYEE)
    assert list(selectors.proposal_list(actor=other)) == [adopted]
    rows = selectors.recognition_rows(
        actor=SYSTEM, date_from=dt.date(2000, 1, 1), date_to=dt.date(2100, 1, 1)
    )
    assert [r[2:] for r in rows if r[0] == author.username] == [[1, 1, 240.0, 1]]
    figures = selectors.dashboard(actor=other)
    assert figures["adoption_rate"] == 1.0 and figures["hours_saved_per_year"] == 240.0


def test_training_quiz_completion(make_user: Any) -> None:
    learner = make_user(Role.EMPLOYEE)
    course = culture.course_create(actor=SYSTEM, data={"title": "AIリテラシー", "quiz": QUIZ})
    with pytest.raises(ValidationFailed):
        culture.course_create(
            actor=SYSTEM, data={"title": "x", "quiz": [{"choices": ["a"], "answer": 3}]}
        )
    assert culture.course_assign(actor=SYSTEM, course=course, users=[learner]) == 1
    enrollment = course.enrollments.get()
    failed = culture.enrollment_complete(actor=learner, enrollment=enrollment, answers=[1])
    assert failed.score == 0 and failed.completed_at is None
    passed = culture.enrollment_complete(actor=learner, enrollment=enrollment, answers=[0])
    assert passed.score == 100 and passed.completed_at is not None
    assert selectors.dashboard(actor=learner)["training_completion"] == 1.0


def test_kpi_review_freezes_the_period(make_user: Any) -> None:
    leader = make_user(Role.GENERAL_AFFAIRS)
    process = process_make(actor=SYSTEM)
    review = culture.review_hold(
        actor=leader,
        process=process,
        period_from=dt.date(2025, 4, 1),
        period_to=dt.date(2025, 4, 30),
        minutes="差し戻しの理由を共有",
        actions=["チェックリストを作る", " "],
    )
    assert review.kpis["requests"] == 0 and review.actions == ["チェックリストを作る"]

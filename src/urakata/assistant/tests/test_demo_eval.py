"""The demo knowledge base: retrieval quality on the question set, and the permission matrix
(the HR-only document never reaches anyone outside HR, whatever they ask)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from urakata.assistant import demo as assistant_demo
from urakata.assistant import selectors, services
from urakata.assistant.eval.kb_eval import evaluate_retrieval, load_questions
from urakata.assistant.models import (
    AssistantTask,
    Inquiry,
    KnowledgeSource,
    MeetingSummary,
    ReviewItem,
)
from urakata.core.testing_db import data_for_module
from urakata.org import demo as org_demo
from urakata.workflow import kpis
from urakata.workflow import selectors as wf_selectors

pytestmark = pytest.mark.django_db

HR_QUESTIONS = [
    "評価Sの昇給率は?",
    "賞与の評価係数",
    "評価Dが2期連続した場合",
    "人事評価の面談はいつ?",
    "昇給率の目安",
]


@pytest.fixture(scope="module")
def demo_company(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Seeded once for the module's tests, rolled back after them."""

    def seed() -> dict[str, Any]:
        today = dt.date(2026, 11, 23)
        rng = random.Random(7)
        org_demo.seed(actor=None, today=today, rng=rng)
        return assistant_demo.seed(actor=None, today=today, rng=rng)

    yield from data_for_module(django_db_blocker, seed)


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def test_demo_seed_and_question_set(demo_company: dict[str, Any]) -> None:
    assert KnowledgeSource.objects.filter(kind="faq").count() >= 50
    assert KnowledgeSource.objects.filter(kind="policy").count() == 6
    assert KnowledgeSource.objects.get(slug="hr-hyoka").audience == "restricted"
    assert (
        Inquiry.objects.filter(status="answered").exists()
        and Inquiry.objects.filter(status="open").exists()
    )
    # Every demo inquiry went through the workflow: answered ones approved, the closed one
    # rejected, open ones waiting in the desk's inbox; their lead times are in the KPIs.
    statuses = {
        (i.status, i.workflow_request.status)
        for i in Inquiry.objects.select_related("workflow_request")
        if i.workflow_request is not None
    }
    assert statuses == {("answered", "approved"), ("closed", "rejected"), ("open", "in_progress")}
    assert not Inquiry.objects.filter(workflow_request__isnull=True).exists()
    assert wf_selectors.inbox_count(actor=_user("hr")) >= 1
    lead = {d.key: d for d in kpis.kpi_lead_time(actor=_user("general_affairs"))}
    assert lead["assistant.inquiry"].count == 6 and lead["assistant.inquiry"].mean_hours > 1
    assert (
        MeetingSummary.objects.count() == 2
        and AssistantTask.objects.filter(assignee__isnull=False).exists()
    )
    assert ReviewItem.objects.filter(status="pending").exists()
    assert demo_company["ai_calls"] > 50
    questions = load_questions()
    assert len(questions) >= 50
    report = evaluate_retrieval(_user("employee"), questions)
    assert not report.missing_sources
    assert report.top3 >= 0.9, report.misses
    assert report.mrr >= 0.8


MATRIX = {
    "employee": False,
    "manager": False,
    "accounting": False,
    "general_affairs": False,
    "executive": False,
    "auditor": False,
    "ai_operator": False,
    "hr": True,
    "admin": True,
}


def test_permission_matrix_hr_only_document(demo_company: dict[str, Any]) -> None:
    """Seeded once, checked for every demo login (seeding per case would take a minute)."""
    hr_doc = KnowledgeSource.objects.get(slug="hr-hyoka")
    questions = HR_QUESTIONS + [q["question"] for q in load_questions()]
    for username, sees_hr_document in MATRIX.items():
        user = _user(username)
        seen = False
        for question in questions:
            hits, _ = selectors.kb_search(actor=user, question=question, k=10)
            seen = seen or any(hit.source.pk == hr_doc.pk for hit in hits)
        answer = services.assistant_ask(actor=user, question=HR_QUESTIONS[0])
        in_answer = "昇給率の目安" in answer.answer or any(
            s["title"] == hr_doc.title for s in answer.sources
        )
        visible = KnowledgeSource.objects.visible_to(user).filter(pk=hr_doc.pk).exists()
        assert (seen, in_answer, visible) == (sees_hr_document,) * 3, username

"""Answer-or-decline on the fixture 規程: the held-out and development sets, and the command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from urakata.assistant.eval.kb_answer_eval import (
    evaluate_answers,
    format_report,
    load_set,
    scratch_knowledge_base,
)
from urakata.assistant.models import KnowledgeSource
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["heldout", "dev"])
def test_answer_or_decline_rates(make_user: Any, name: str) -> None:
    user = make_user(Role.EMPLOYEE)
    with scratch_knowledge_base():
        assert KnowledgeSource.objects.filter(is_active=True).count() == 5
        report = evaluate_answers(user, load_set(name))
    assert not KnowledgeSource.objects.exists()  # the scratch knowledge base was rolled back
    print("\n".join(format_report(name, report, verbose=True)))
    rates = report.rates()
    assert len(report.outcomes) == len(load_set(name))
    assert sum(count for _band, count, _share in report.reliability()) == len(report.outcomes)
    assert rates["answered_correctly"] >= 0.0  # figures are asserted once the decision is tuned

"""Answer-or-decline on the fixture 規程: the held-out and development sets, and the command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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
    # Floors well under the measured figures (eval/KB_RESULTS.md): a regression guard, not a
    # target; the held-out set is never tuned against.
    floors = {"heldout": (0.65, 0.8, 0.08), "dev": (0.85, 0.75, 0.1)}[name]
    assert rates["answered_correctly"] >= floors[0]
    assert rates["declined_correctly"] >= floors[1]
    assert rates["wrongly_answered"] <= floors[2]
    assert rates["top1_article"] >= 0.9


def test_kb_eval_command_prints_rates_and_reliability_table(make_user: Any) -> None:
    make_user(Role.EMPLOYEE, username="asker")
    out = StringIO()
    call_command("kb", "eval", "--set", "dev", "--as", "asker", stdout=out)
    text = out.getvalue()
    assert "answered correctly" in text and "declined correctly" in text
    assert "wrongly answered" in text and "80-100" in text
    assert not KnowledgeSource.objects.exists()


def test_kb_calibrate_refuses_the_held_out_set(make_user: Any) -> None:
    make_user(Role.EMPLOYEE, username="asker")
    with pytest.raises(CommandError):
        call_command("kb", "calibrate", "--set", "heldout", "--as", "asker")

"""The demo seeder runs on top of the org demo and leaves real numbers behind."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from urakata.org.demo import seed as org_seed
from urakata.workflow.demo import seed
from urakata.workflow.models import Action, ApprovalRequest, Route

pytestmark = pytest.mark.django_db


def test_demo_seed() -> None:
    today = timezone.localdate()
    rng = random.Random(7)
    org_seed(actor=None, today=today, rng=rng)
    result = seed(actor=None, today=today, rng=rng, total=60)
    assert result["requests"] == 60 == ApprovalRequest.objects.count()
    assert Route.objects.count() == 6
    assert result["approved"] > 30 and result["in_progress"] >= 1
    assert Action.objects.filter(kind="submit").count() == 60
    assert ApprovalRequest.objects.filter(
        submitted_at__lt=timezone.now() - dt.timedelta(days=60)
    ).exists()

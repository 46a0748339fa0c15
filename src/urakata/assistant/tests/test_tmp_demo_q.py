import datetime as dt, random
from typing import Any
import pytest
from django.contrib.auth import get_user_model
from urakata.assistant import demo as assistant_demo, services
from urakata.org import demo as org_demo
pytestmark = pytest.mark.django_db

def test_demo_questions() -> None:
    today = dt.date(2026, 11, 23); rng = random.Random(7)
    org_demo.seed(actor=None, today=today, rng=rng); assistant_demo.seed(actor=None, today=today, rng=rng)
    u = get_user_model().objects.get(username="employee")
    for q in ["有給は何日前までに申請？", "有給休暇の申請期限は？", "年休は何日もらえる?", "レシートをなくした", "社員食堂のメニューを変更したい"]:
        r = services.assistant_ask(actor=u, question=q)
        print("Q", q, r.found, r.confidence, r.answer[:150].replace("\n"," "))

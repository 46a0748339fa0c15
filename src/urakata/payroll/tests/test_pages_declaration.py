"""The pay-master page: 扶養控除等申告書 (甲/乙, 配偶者, 扶養親族 with birth dates, 障害者等),
従たる給与についての扶養控除等申告書 and the 被保険者区分 — validated, audited, used by the run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages

from urakata.core.audit import AuditEvent
from urakata.core.roles import Role
from urakata.payroll import services
from urakata.payroll.models import PayProfile
from urakata.payroll.tests.factories import PayProfileFactory

pytestmark = pytest.mark.django_db


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


FORM = {
    "tax_column": "kou",
    "has_tax_spouse": "on",
    "dependents": "2",
    "extra_dependents": "1",
    "secondary_dependents": "0",
    "insured_kind": "short_time",
    "dep_name_0": "山田 花子",
    "dep_relation_0": "長女",
    "dep_birth_0": "2008-05-01",
    "dep_disability_0": "general",
    "dep_name_1": "山田 一郎",
    "dep_relation_1": "長男",
    "dep_birth_1": "2005-01-20",
    "dep_name_2": "山田 次郎",
    "dep_relation_2": "次男",
    "dep_birth_2": "2015-03-03",
}


def test_declaration_saved_through_the_page_is_used_and_audited(client_for: Any) -> None:
    client = client_for(Role.HR)
    profile = PayProfileFactory(declaration_submitted=False, base_pay=300_000)
    url = f"/payroll/profiles/{profile.employee_id}/"
    response = client.post(url + "declaration/", FORM, follow=True)
    assert "扶養控除等申告書と被保険者区分を保存しました。" in _messages(response)
    profile.refresh_from_db()
    assert profile.tax_column == PayProfile.TaxColumn.KOU
    assert profile.dependant_count == 4  # 配偶者 1 + 扶養親族 2 + 障害者の加算 1
    assert profile.insured_kind == "short_time"
    assert [d["name"] for d in profile.dependant_details] == ["山田 花子", "山田 一郎", "山田 次郎"]
    assert profile.dependant_details[0] == {
        "name": "山田 花子",
        "relation": "長女",
        "birth_date": "2008-05-01",
        "disability": "general",
    }
    event = AuditEvent.objects.filter(action="payroll.profile.save", target_id=str(profile.pk))
    changes = event.latest("seq").changes
    assert changes["declaration_submitted"] == [False, True]
    assert changes["insured_kind"] == ["general", "short_time"]
    assert len(changes["dependant_details"][1]) == 3
    page = client.get(url).content.decode()
    assert 'value="山田 花子"' in page and 'id="dependant-count">4<' in page
    year_end_age = dt.date.today().year - 2008  # 2008-05-01: the age on 31 December
    assert f'<td class="num">{year_end_age}</td>' in page
    # the run uses the 甲欄 with 4 扶養親族等: the same tax as a twin master set to those counts
    twin = PayProfileFactory(
        declaration_submitted=True,
        has_tax_spouse=True,
        dependents=2,
        extra_dependents=1,
        base_pay=300_000,
        birth_date=profile.birth_date,
    )
    run = services.pay_run_calculate(actor=profile_hr(client), month=dt.date(2026, 4, 1))
    slip = run.payslips.get(employee=profile.employee)
    assert slip.income_tax == run.payslips.get(employee=twin.employee).income_tax
    assert not any("乙欄" in str(f) for f in slip.flags)


def profile_hr(client: Any) -> Any:
    return client.get("/payroll/profiles/").wsgi_request.user


def test_otsu_with_a_secondary_declaration(client_for: Any) -> None:
    client = client_for(Role.HR)
    profile = PayProfileFactory(declaration_submitted=True, has_tax_spouse=True, dependents=2)
    url = f"/payroll/profiles/{profile.employee_id}/declaration/"
    form = {"tax_column": "otsu", "secondary_dependents": "1", "dependents": "3",
            "has_tax_spouse": "on", "insured_kind": "general"}  # fmt: skip
    response = client.post(url, form, follow=True)
    assert "扶養控除等申告書と被保険者区分を保存しました。" in _messages(response)
    profile.refresh_from_db()
    assert profile.tax_column == PayProfile.TaxColumn.OTSU
    assert (profile.has_tax_spouse, profile.dependents, profile.secondary_dependents) == (
        False,
        0,
        1,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tax_column": "x"}, "甲欄か乙欄"),
        ({"dependents": "-1"}, "0〜99"),
        ({"insured_kind": "other"}, "被保険者区分"),
        ({"dep_birth_1": "2099-01-01"}, "生年月日"),
        ({"dep_birth_1": "1.2.3"}, "生年月日"),
        ({"dep_name_1": ""}, "氏名"),
        ({"dep_disability_0": "x"}, "障害者の区分"),
        ({"dependents": "4"}, "明細の人数を超えて"),
    ],
)
def test_bad_input_is_refused_with_a_message(
    client_for: Any, change: dict[str, str], message: str
) -> None:
    client = client_for(Role.HR)
    profile = PayProfileFactory(declaration_submitted=False)
    url = f"/payroll/profiles/{profile.employee_id}/declaration/"
    response = client.post(url, {**FORM, **change}, follow=True)
    assert response.status_code == 200
    assert any(message in m for m in _messages(response)), _messages(response)
    profile.refresh_from_db()
    assert not profile.declaration_submitted and profile.dependant_details == []


def test_only_hr_may_save_the_declaration(client_for: Any) -> None:
    profile = PayProfileFactory(declaration_submitted=False)
    url = f"/payroll/profiles/{profile.employee_id}/declaration/"
    response = client_for(Role.ACCOUNTING).post(url, FORM)
    assert response.status_code == 403
    profile.refresh_from_db()
    assert not profile.declaration_submitted


def test_api_takes_and_shows_the_dependants(client_for: Any) -> None:
    client = client_for(Role.HR)
    profile = PayProfileFactory(declaration_submitted=False)
    url = f"/api/v1/payroll/profiles/{profile.employee_id}"
    body = {
        "pay_type": "monthly",
        "base_pay": 300_000,
        "scheduled_hours": "160",
        "scheduled_days": "20",
        "declaration_submitted": True,
        "dependents": 1,
        "birth_date": "1985-06-01",
        "dependant_details": [
            {"name": "山田 花子", "relation": "長女", "birth_date": "2008-05-01"},
        ],
    }
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    shown = client.get(url).json()
    assert shown["dependant_details"] == [
        {"name": "山田 花子", "relation": "長女", "birth_date": "2008-05-01", "disability": ""}
    ]
    assert shown["dependents"] == 1 and shown["tax_column"] == "kou"
    kept = client.put(url, {**body, "dependant_details": None}, content_type="application/json")
    assert kept.json()["dependant_details"] == shown["dependant_details"]
    too_many = client.put(url, {**body, "dependents": 2}, content_type="application/json")
    assert too_many.status_code == 422

"""Inputs the API fuzz run found answered with a 500: now 422 with the field named."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.roles import Role
from urakata.org.models import Department
from urakata.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_department_patch_may_not_blank_its_code(client_for: Any) -> None:
    client = client_for(Role.HR)
    first, second = DepartmentFactory(code="D1"), DepartmentFactory(code="D2")
    for department in (first, second):  # the second blank code used to break the unique index
        response = client.patch(
            f"/api/v1/departments/{department.pk}",
            {"code": None, "name": "営業部"},
            content_type="application/json",
        )
        assert response.status_code == 422, response.content
        assert "code" in response.json()["errors"]
    assert set(Department.objects.values_list("code", flat=True)) >= {"D1", "D2"}


def test_huge_fiscal_year_and_ids_are_refused(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    periods = client.get("/api/v1/ledger/periods?fiscal_year=-5341868433594539657134080")
    assert periods.status_code == 422
    assert client.get("/api/v1/ledger/periods?fiscal_year=2026").status_code == 200
    confirm = client.post(
        "/api/v1/ledger/bank/confirm",
        {"ids": [10000000001, 69462137218141650944, -284]},
        content_type="application/json",
    )
    assert confirm.status_code == 422, confirm.content


def test_fiscal_year_close_and_reopen_refuse_a_year_out_of_range(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    closed = client.post("/api/v1/ledger/fiscal-years/-212/close")
    assert closed.status_code == 422, closed.content
    reopened = client.post(
        "/api/v1/ledger/fiscal-years/99999/reopen", {"reason": "x"}, content_type="application/json"
    )
    assert reopened.status_code == 422, reopened.content


@pytest.mark.parametrize("body", ["[null, null]", "[]", "null", "5", '"x"'])
def test_a_body_that_is_not_a_json_object_is_refused(client_for: Any, body: str) -> None:
    client = client_for(Role.HR)
    department = DepartmentFactory(code="D1", name="総務部")
    response = client.patch(
        f"/api/v1/departments/{department.pk}", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"
    department.refresh_from_db()
    assert (department.code, department.name) == ("D1", "総務部")


def test_document_patch_with_nulls_changes_only_what_may_be_cleared(client_for: Any) -> None:
    from urakata.documents.tests.factories import file_document

    document = file_document(title="見積書A", amount=110_000)
    response = client_for(Role.ACCOUNTING).patch(
        f"/api/v1/documents/{document.pk}",
        {"title": None, "tags": None, "confidential": None, "amount": None, "reason": "金額の訂正"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    document.refresh_from_db()
    assert document.title == "見積書A" and document.amount is None


def test_visit_times_are_hh_mm_in_the_api(client_for: Any) -> None:
    import datetime as dt

    client = client_for(Role.GENERAL_AFFAIRS)
    created = client.post(
        "/api/v1/facilities/visits",
        {
            "visitor_name": "小林 誠",
            "visit_date": (dt.date.today()).isoformat(),
            "expected_time": "11:00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["expected_time"] == "11:00"

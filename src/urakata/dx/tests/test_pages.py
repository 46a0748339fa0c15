"""DX pages and API: what people see (the matrix checks who may see it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.dx import services
from urakata.dx.tests.factories import make_world_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(make_user: Any) -> dict[str, Any]:
    admin = make_user(Role.ADMIN)
    data = make_world_rows(actor=admin, learner=make_user(Role.EMPLOYEE), recipient=make_user())
    services.process_score(
        actor=SYSTEM,
        process=data["dx_process"],
        data={"impact": 4, "frequency_score": 4, "room": 3, "is_candidate": True},
    )
    return {**data, "admin": admin}


def test_priority_page_draws_the_bubbles_and_lists_candidates(rows: Any, client_for: Any) -> None:
    page = client_for(Role.EMPLOYEE).get("/dx/priority/?sort=hours").content.decode()
    assert "<circle" in page and "MX-1" in page and "48" in page
    detail = (
        client_for(Role.EMPLOYEE).get(f"/dx/processes/{rows['dx_process'].pk}/").content.decode()
    )
    assert "提案値" in detail and "承認" in detail and "第1版" in detail


def test_poc_page_shows_measured_kpis_and_dashboard_figures(rows: Any, client_for: Any) -> None:
    page = client_for(Role.GENERAL_AFFAIRS).get(f"/dx/pocs/{rows['dx_poc'].pk}/").content.decode()
    assert "イベントログから計算" in page and "処理時間削減率" in page and "<svg" in page
    figure = client_for(Role.EMPLOYEE).get("/api/v1/dx/dashboard/processes")
    assert figure.json() == {"figure": "processes", "value": 1}


def test_api_refuses_bad_periods_with_a_message(rows: Any, client_for: Any) -> None:
    client: Client = client_for(Role.EXECUTIVE)
    response = client.get(
        "/api/v1/dx/kpis?request_type=workflow.ringi&date_from=2025-05-01&date_to=2025-04-01"
    )
    assert response.status_code == 422 and "終了日" in response.json()["detail"]
    overlap = client.post(
        "/api/v1/dx/pocs",
        {
            "process_id": rows["dx_process"].pk,
            "title": "x",
            "baseline_from": "2025-01-01",
            "baseline_to": "2025-06-30",
            "trial_from": "2025-06-01",
            "trial_to": "2025-07-31",
        },
        content_type="application/json",
    )
    assert overlap.status_code == 422 and "重なっています" in str(overlap.json())
    score = client.post(
        f"/api/v1/dx/processes/{rows['dx_process'].pk}/score",
        {"impact": 9},
        content_type="application/json",
    )
    assert score.status_code == 422


def test_measures_page_lists_and_charts_every_domain(rows: Any, client_for: Any) -> None:
    from urakata.core.audit import audit_record

    audit_record(actor=SYSTEM, action="expenses.claim.submit", target_type="expenses.claim")
    client = client_for(Role.EMPLOYEE)
    page = client.get("/dx/measures/").content.decode()
    for name in ("経費精算", "請求・受領請求書", "給与", "勤怠", "文書・契約", "振込", "会計"):
        assert f"<h2>{name}</h2>" in page, name
    assert "経費精算の申請件数" in page and 'id="measure-expenses.claims_submitted"' in page
    assert page.count("<svg") >= 20  # one chart per measure
    row = page.split('id="measure-expenses.claims_submitted"')[1].split("</tr>")[0]
    assert '<td class="num">0 件</td><td class="num">1 件</td>' in row  # recorded today
    bad = client.get("/dx/measures/?from=2025-06-30&to=2025-01-01")
    assert bad.status_code == 400 and "開始日以降" in bad.content.decode()

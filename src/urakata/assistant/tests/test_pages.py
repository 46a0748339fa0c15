"""Every assistant page renders for the roles that may open it and refuses the others."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.assistant import services
from urakata.assistant.models import AssistantTask, MeetingSummary, ReviewItem
from urakata.assistant.tests.factories import make_faq, make_source
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(make_user: Any) -> dict[str, Any]:
    faq = make_faq("名刺の発注方法は?", "総務部のフォームから申し込みます。")
    hr_doc = make_source(title="人事限定の要領", body="# 要領\n\n評価の運用です。", audience="hr")
    asker = make_user(Role.EMPLOYEE)
    staff = make_user(Role.GENERAL_AFFAIRS)
    inquiry = services.inquiry_create(
        actor=asker, question="備品の返却方法は?", desk="general_affairs"
    )
    services.inquiry_answer(actor=staff, inquiry=inquiry, answer="総務部へ。")
    summary = MeetingSummary.objects.create(
        title="定例",
        meeting_date="2026-11-20",
        transcript="a: b",
        summary="要約",
        decisions=["決定"],
        action_items=[{"text": "資料を作成します。", "owner": None, "owner_id": None, "due": None}],
        created_by=asker,
    )
    return {
        "faq": faq,
        "hr_doc": hr_doc,
        "inquiry": inquiry,
        "review": ReviewItem.objects.get(),
        "summary": summary,
        "asker": asker,
    }


def test_pages_for_ai_operator(client_for: Any, content: dict[str, Any]) -> None:
    client = client_for(Role.AI_OPERATOR)
    urls = [
        "/assistant/",
        "/assistant/kb/",
        "/assistant/kb/new/",
        "/assistant/kb/upload/",
        f"/assistant/kb/{content['faq'].pk}/",
        f"/assistant/kb/{content['faq'].pk}/edit/",
        f"/assistant/kb/{content['hr_doc'].pk}/",
        "/assistant/inquiries/",
        f"/assistant/inquiries/{content['inquiry'].pk}/",
        "/assistant/review/",
        f"/assistant/review/{content['review'].pk}/",
        "/assistant/minutes/",
        f"/assistant/minutes/{content['summary'].pk}/",
        "/assistant/tasks/",
        "/assistant/usage/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    nav = client.get("/assistant/").content.decode()
    assert "レビュー" in nav and "AI活用状況" in nav


def test_employee_scope_on_pages(client_for: Any, content: dict[str, Any]) -> None:
    client = client_for(Role.EMPLOYEE)
    assert client.get("/assistant/").status_code == 200
    assert client.get(f"/assistant/kb/{content['faq'].pk}/").status_code == 200
    assert client.get(f"/assistant/kb/{content['hr_doc'].pk}/").status_code == 404
    assert "人事限定の要領" not in client.get("/assistant/kb/").content.decode()
    for url in (
        "/assistant/kb/new/",
        "/assistant/kb/upload/",
        "/assistant/review/",
        "/assistant/usage/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/assistant/inquiries/{content['inquiry'].pk}/").status_code == 404
    assert client.get(f"/assistant/minutes/{content['summary'].pk}/").status_code == 404
    nav = client.get("/assistant/").content.decode()
    assert "AI活用状況" not in nav


def test_create_faq_and_tasks_from_pages(client_for: Any, content: dict[str, Any]) -> None:
    operator = client_for(Role.AI_OPERATOR)
    response = operator.post(
        "/assistant/kb/new/",
        {
            "kind": "faq",
            "question": "傘は借りられますか",
            "body": "受付で貸し出します。",
            "audience": "all",
        },
    )
    assert response.status_code == 302
    bad = operator.post("/assistant/kb/new/", {"kind": "faq", "question": "", "body": ""})
    assert bad.status_code == 422  # refused input is a 4xx, the form shown again
    assert "FAQ の質問を入力してください。" in bad.content.decode()
    owner = client_for(None)
    owner.force_login(content["asker"])
    owner.post(f"/assistant/minutes/{content['summary'].pk}/", {"action": "tasks", "item": ["0"]})
    assert AssistantTask.objects.get().title == "資料を作成します。"


def test_settings_page_is_for_admin(client_for: Any) -> None:
    assert client_for(Role.AI_OPERATOR).get("/assistant/settings/").status_code == 403
    admin = client_for(Role.ADMIN)
    assert admin.get("/assistant/settings/").status_code == 200
    response = admin.post("/assistant/settings/")
    assert "local: OK" in response.content.decode()

"""Minutes: transcript parsing (text, Markdown, WebVTT), decisions, action items, tasks, CLI."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from urakata.assistant import services
from urakata.assistant.models import AICallLog, AssistantTask, ReviewItem
from urakata.assistant.summarize import parse_due, parse_transcript
from urakata.core.errors import ValidationFailed
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
MEETING = dt.date(2026, 11, 20)  # a Friday

VTT = """WEBVTT

NOTE 自動文字起こし

1
00:00:01.000 --> 00:00:05.000
<v 林 隆>防災訓練は9月の第3金曜日に実施することに決定します。

2
00:00:06.000 --> 00:00:09.000
<v 林 隆>阿部美咲さん、案内文を来週金曜までに作成してください。

3
00:00:10.000 --> 00:00:14.000
<v 山本 健一>見積もりは私が取ります。12月5日までに報告します。
"""

MARKDOWN = """# 検討会議
- 日時: 11/20
- 出席: 林、阿部

林 隆: 紙の申込書は今月末で廃止とします。
**阿部 美咲**: フォームの案内を今週中に共有します。
- 山本 健一: 予算の確認は来月末までに対応します。
"""


@pytest.fixture
def staff() -> None:
    EmployeeFactory(
        last_name="林", first_name="隆", last_name_kana="ハヤシ", first_name_kana="タカシ"
    )
    EmployeeFactory(
        last_name="阿部", first_name="美咲", last_name_kana="アベ", first_name_kana="ミサキ"
    )
    EmployeeFactory(
        last_name="山本", first_name="健一", last_name_kana="ヤマモト", first_name_kana="ケンイチ"
    )


def test_parse_webvtt_and_markdown() -> None:
    vtt = parse_transcript(VTT, name="m.vtt")
    assert [u.speaker for u in vtt] == ["林 隆", "林 隆", "山本 健一"]
    assert vtt[0].text.startswith("防災訓練")
    md = parse_transcript(MARKDOWN, name="m.md")
    assert [u.speaker for u in md] == ["林 隆", "阿部 美咲", "山本 健一"]  # header lines dropped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12月5日までに報告", dt.date(2026, 12, 5)),
        ("2027-01-15に提出", dt.date(2027, 1, 15)),
        ("1/10までに", dt.date(2027, 1, 10)),
        ("来週金曜までに作成", dt.date(2026, 11, 27)),
        ("来週水曜までに共有", dt.date(2026, 11, 25)),
        ("今週中に共有", dt.date(2026, 11, 20)),
        ("月末までに案を出す", dt.date(2026, 11, 30)),
        ("来月末までに対応", dt.date(2026, 12, 31)),
        ("明日までに", dt.date(2026, 11, 21)),
        ("次回確認します", None),
    ],
)
def test_due_dates(text: str, expected: dt.date | None) -> None:
    assert parse_due(text, MEETING) == expected


def test_minutes_from_vtt(staff: None, make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    result = services.minutes_generate(
        actor=user, transcript=VTT, name="m.vtt", meeting_date=MEETING
    )
    assert result["decisions"] == ["防災訓練は9月の第3金曜日に実施することに決定します。"]
    items = [(a["text"], a["owner"], a["due"]) for a in result["action_items"]]
    assert items == [
        ("阿部美咲さん、案内文を来週金曜までに作成してください。", "阿部 美咲", "2026-11-27"),
        ("見積もりは私が取ります。", "山本 健一", None),
        ("12月5日までに報告します。", "山本 健一", "2026-12-05"),
    ]
    assert result["summary"]
    assert AICallLog.objects.filter(feature="minutes", user=user).count() == 1


def test_summary_to_tasks_and_share(staff: None, client_for: Any, make_user: Any) -> None:
    client = client_for(Role.EMPLOYEE)
    response = client.post(
        "/api/v1/assistant/minutes",
        {
            "title": "検討会議",
            "meeting_date": "2026-11-20",
            "transcript": MARKDOWN,
            "file_name": "m.md",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["decisions"] == ["紙の申込書は今月末で廃止とします。"]
    owners = [(a["owner"], a["due"]) for a in body["action_items"]]
    assert owners == [("阿部 美咲", "2026-11-20"), ("山本 健一", "2026-12-31")]
    summary_id = body["id"]
    tasks = client.post(
        f"/api/v1/assistant/minutes/{summary_id}/tasks", {}, content_type="application/json"
    )
    assert tasks.status_code == 201 and len(tasks.json()) == 2
    task = AssistantTask.objects.get(assignee__last_name="阿部")
    assert task.due == dt.date(2026, 11, 20) and task.status == "open"
    # Creating again does not duplicate.
    client.post(
        f"/api/v1/assistant/minutes/{summary_id}/tasks", {}, content_type="application/json"
    )
    assert AssistantTask.objects.count() == 2
    # Someone else sees none of these tasks; the assignee sees theirs and completes it.
    assert client_for(Role.EMPLOYEE).get("/api/v1/assistant/tasks").json() == []
    abe_user = make_user(Role.EMPLOYEE, employee=False)
    task.assignee.user = abe_user
    task.assignee.save(update_fields=["user"])
    abe_client = client_for(None)
    abe_client.force_login(abe_user)
    assert [t["id"] for t in abe_client.get("/api/v1/assistant/tasks").json()] == [task.pk]
    done = abe_client.post(f"/api/v1/assistant/tasks/{task.pk}/done")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert abe_client.post(f"/api/v1/assistant/tasks/{task.pk}/done").status_code == 409
    share = client.post(f"/api/v1/assistant/minutes/{summary_id}/share")
    assert share.status_code == 201 and share.json()["kind"] == "minutes"
    assert ReviewItem.objects.get().status == "pending"
    bad = client.post(
        f"/api/v1/assistant/minutes/{summary_id}/tasks",
        {"indexes": [9]},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_minutes_page_upload(staff: None, client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(Role.EMPLOYEE)
    response = client.post(
        "/assistant/minutes/",
        {
            "title": "総務定例",
            "meeting_date": "2026-11-20",
            "file": SimpleUploadedFile("m.vtt", VTT.encode(), content_type="text/vtt"),
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "防災訓練は9月の第3金曜日" in page and "阿部 美咲" in page


def test_empty_transcript_is_rejected(make_user: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.minutes_generate(actor=make_user(Role.EMPLOYEE), transcript="WEBVTT\n\n")


def test_cli_summarize_json(staff: None, tmp_path: Path, make_user: Any) -> None:
    make_user(Role.EMPLOYEE, username="writer")
    path = tmp_path / "meeting.vtt"
    path.write_text(VTT, encoding="utf-8")
    out = StringIO()
    call_command(
        "ai", "summarize", str(path), "--date", "2026-11-20", "--as", "writer", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert set(data) == {"summary", "decisions", "action_items"}
    assert data["action_items"][0] == {
        "text": "阿部美咲さん、案内文を来週金曜までに作成してください。",
        "owner": "阿部 美咲",
        "due": "2026-11-27",
    }

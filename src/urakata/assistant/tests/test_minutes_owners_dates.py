"""Minutes: dates across the year end, owners from the employee master (honorifics, family name
only, two with the same family name), only sentences that assign work, and the scored case set."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from urakata.assistant import services
from urakata.assistant.eval.minutes_eval import evaluate_minutes
from urakata.assistant.summarize import NameIndex, extract_minutes, parse_due, parse_transcript
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

ROSTER = NameIndex(
    [
        (1, "山口", "直樹", "ヤマグチ", "ナオキ"),
        (2, "伊藤", "由美", "イトウ", "ユミ"),
        (3, "佐藤", "健", "サトウ", "ケン"),
        (4, "佐藤", "花子", "サトウ", "ハナコ"),
    ]
)
DECEMBER = dt.date(2026, 12, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1月末までに回収", dt.date(2027, 1, 31)),
        ("2月中旬までに", dt.date(2027, 2, 20)),
        ("12月末までに", dt.date(2026, 12, 31)),
        ("1月15日までに", dt.date(2027, 1, 15)),
        ("来月末までで大丈夫です", dt.date(2027, 1, 31)),
        ("月末までに", dt.date(2026, 12, 31)),
    ],
)
def test_dates_resolve_against_the_meeting_date_across_the_year_end(
    text: str, expected: dt.date
) -> None:
    assert parse_due(text, DECEMBER) == expected


def _actions(transcript: str) -> list[dict[str, Any]]:
    result = extract_minutes(parse_transcript(transcript), meeting_date=DECEMBER, names=ROSTER)
    return list(result["action_items"])


@pytest.mark.parametrize(
    "sentence",
    [
        "山口さん、資料を回収してください。",
        "山口君、資料を回収してください。",
        "ヤマグチ様、資料の回収をお願いします。",
    ],
)
def test_family_name_with_honorific_is_the_owner(sentence: str) -> None:
    (item,) = _actions(f"高橋 誠: {sentence}")
    assert item["owner"] == "山口 直樹" and item["owner_candidates"] == []


def test_two_employees_with_the_family_name_are_candidates_to_confirm() -> None:
    (item,) = _actions("山口 直樹: 佐藤さん、マニュアルを作成してください。")
    assert item["owner"] is None and item["owner_id"] is None
    assert [c["name"] for c in item["owner_candidates"]] == ["佐藤 健", "佐藤 花子"]
    (item,) = _actions("山口 直樹: 佐藤花子さん、マニュアルを作成してください。")
    assert item["owner"] == "佐藤 花子"


def test_only_sentences_that_assign_work_are_action_items() -> None:
    items = _actions(
        "伊藤 由美: 経費の締めは毎月10日までです。\n"
        "伊藤 由美: 先月の締めは予定どおり終わりました。\n"
        "伊藤 由美: 消火器は交換済みです。\n"
        "山口 直樹: はい、作成します。\n"
        "伊藤 由美: 監査の日程は私が調整します。期限は1月15日です。"
    )
    assert [(i["text"], i["owner"], i["due"]) for i in items] == [
        ("監査の日程は私が調整します。", "伊藤 由美", "2027-01-15")
    ]


@pytest.mark.django_db
def test_transcript_without_speaker_names_warns(make_user: Any) -> None:
    EmployeeFactory(last_name="中村", first_name="彩", last_name_kana="ナカムラ")
    result = services.minutes_generate(
        actor=make_user(Role.EMPLOYEE),
        transcript="予算案は中村さんが取りまとめてください。\n前回の議事録は共有済みです。",
        meeting_date=DECEMBER,
    )
    assert any("発言者の名前がありません" in w for w in result["warnings"])
    assert [(a["owner"]) for a in result["action_items"]] == ["中村 彩"]


def test_case_set_score() -> None:
    score = evaluate_minutes()
    figures = score.figures()
    assert score.actions_expected >= 8 and score.decisions_expected >= 4
    assert figures["decision_recall"] == 1.0 and figures["action_recall"] >= 0.9
    assert figures["action_precision"] >= 0.75
    assert figures["owner_accuracy"] == 1.0 and figures["due_accuracy"] == 1.0


@pytest.mark.django_db
def test_minutes_eval_command_prints_the_score() -> None:
    out = StringIO()
    call_command("ai", "minutes-eval", stdout=out)
    assert "action_precision" in out.getvalue() and "due_accuracy" in out.getvalue()


@pytest.mark.django_db
def test_api_minutes_show_owner_candidates(client_for: Any) -> None:
    EmployeeFactory(last_name="佐藤", first_name="健")
    EmployeeFactory(last_name="佐藤", first_name="花子")
    response = client_for(Role.EMPLOYEE).post(
        "/api/v1/assistant/minutes",
        {
            "title": "定例",
            "meeting_date": "2026-12-14",
            "transcript": "山口 直樹: 佐藤さん、マニュアルを1月末までに作成してください。",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    (item,) = response.json()["action_items"]
    assert item["owner"] is None and item["due"] == "2027-01-31"
    assert sorted(c["name"] for c in item["owner_candidates"]) == ["佐藤 健", "佐藤 花子"]

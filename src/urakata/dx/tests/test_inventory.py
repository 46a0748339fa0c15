"""業務棚卸し: the spreadsheet round trip, the template, all-or-nothing imports, scores."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.tables import ImportRejected
from urakata.dx import inventory_io, services
from urakata.dx.models import Process
from urakata.dx.tests.factories import process_make
from urakata.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("inventory.csv", text.encode("utf-8"), "text/csv")


def test_template_export_and_import_round_trip() -> None:
    DepartmentFactory(code="SALES", name="営業部")
    template = inventory_io.inventory_template(actor=SYSTEM)
    upload = SimpleUploadedFile("t.xlsx", template.content, template.content_type)
    result = inventory_io.inventory_import(actor=SYSTEM, upload=upload)
    assert (result.created, result.updated) == (1, 0)
    process = Process.objects.get(code="P-001")
    assert process.department.code == "SALES" and process.paper and not process.transcription
    assert process.hours_per_year == 12 * 120 * 2 / 60
    exported = inventory_io.inventory_export(actor=SYSTEM, file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "業務コード" and rows[1][:2] == ("P-001", "請求書の発行")
    again = inventory_io.inventory_import(
        actor=SYSTEM, upload=SimpleUploadedFile("e.xlsx", exported.content, exported.content_type)
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_wrong_columns_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValidationFailed) as caught:
        inventory_io.inventory_import(actor=SYSTEM, upload=_csv("番号,タイトル\n1,請求\n"))
    assert "見出し行に不明な列があります" in caught.value.message
    assert Process.objects.count() == 0


def test_one_bad_row_saves_nothing() -> None:
    text = (
        "業務コード,業務名,頻度,1回の時間(分),人数,属人化\n"
        "A-1,受注入力,毎日,30,2,○\n"
        "A-2,請求書発行,毎時,abc,1,たぶん\n"
        "A-1,重複,毎月,10,1,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        inventory_io.inventory_import(actor=SYSTEM, upload=_csv(text))
    problems = {(e.row, e.column) for e in caught.value.rows}
    assert {(3, "頻度"), (3, "1回の時間(分)"), (3, "属人化"), (4, "業務コード")} <= problems
    assert Process.objects.count() == 0


def test_scores_outside_one_to_five_are_refused() -> None:
    process = process_make(actor=SYSTEM)
    with pytest.raises(ValidationFailed) as caught:
        services.process_score(actor=SYSTEM, process=process, data={"impact": 6, "room": "0"})
    assert set(caught.value.errors) == {"impact", "room"}
    process.refresh_from_db()
    assert process.impact is None
    scored = services.process_score(
        actor=SYSTEM, process=process, data={"impact": 4, "frequency_score": 4, "room": 3}
    )
    assert scored.score == 48


def test_suggested_scores_follow_frequency_minutes_and_people() -> None:
    daily = process_make(
        actor=SYSTEM, code="D-1", frequency="daily", minutes=60, people=3, siloed=True
    )
    assert services.suggested_scores(daily) == {"impact": 5, "frequency_score": 5, "room": 3}
    yearly = process_make(actor=SYSTEM, code="Y-1", frequency="yearly", minutes=30, people=1)
    assert services.suggested_scores(yearly)["impact"] == 1


def test_owner_edits_own_process_and_anyone_adds_a_voice(make_user: Any) -> None:
    owner, other = make_user(Role.EMPLOYEE), make_user(Role.EMPLOYEE)
    process = process_make(actor=SYSTEM, owner=owner.username)
    services.process_save(
        actor=owner, process=process, data={"code": "P-100", "name": "稟議の申請(改)"}
    )
    from urakata.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.process_save(actor=other, process=process, data={"code": "P-100", "name": "x"})
    voice = services.voice_add(actor=other, process=process, text="押印のため出社している")
    assert voice.author == other
    with pytest.raises(ValidationFailed):
        services.voice_add(actor=other, process=process, text="  ")

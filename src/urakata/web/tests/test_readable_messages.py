"""Users read labels, not internal paths: the known cases on pages and in the API, and /audit/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from urakata.core import services as core_services
from urakata.core.audit import audit_record
from urakata.core.roles import Role
from urakata.ledger import bank_import
from urakata.ledger.permissions import SYSTEM
from urakata.ledger.tests.factories import post_simple
from urakata.workflow.tests.factories import make_org

pytestmark = pytest.mark.django_db

# What users must never see: a dotted path with an index, an encoding codec, a bare `key: `.
INTERNAL = re.compile(r"lines\.\d|steps\.\d|utf-8-sig|\bdelegate:|\bfile:|__all__")
BAD_BYTES = b"date,amount\n\x81\x20 neither UTF-8 nor CP932 \x81"  # decodes as neither
ENCODING_MESSAGE = (
    "ファイル: 文字コードを判別できません。"
    "UTF-8 または Shift_JIS(CP932)で保存した CSV を選んでください。"
)


def _api_client(make_user: Any, role: Role) -> Client:
    user = make_user(role)
    _token, key = core_services.api_token_create(actor=user, user=user, name="readable")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _text(response: Any) -> str:
    return response.content.decode()


def test_entry_form_names_the_line_and_the_account_label(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    data = {
        "date": "2025-05-01",
        "description": "文房具",
        "tax_entry": "none",
        "account_0": "7310",
        "debit_0": "1100",
        "account_1": "9999",
        "credit_1": "1100",
    }
    response = client.post("/ledger/entries/new/", data)
    body = _text(response)
    assert response.status_code == 422
    assert "2行目の勘定科目" in body
    assert not INTERNAL.search(body)


def test_bank_import_with_a_wrong_encoding_says_so_in_words(client_for: Any) -> None:
    bank_import.bank_feed_create(actor=SYSTEM, name="普通預金", account_code="1140")
    client = client_for(Role.ACCOUNTING)
    upload = SimpleUploadedFile("s.csv", BAD_BYTES)
    data = {"action": "import", "feed": "普通預金", "preset": "generic", "file": upload}
    response = client.post("/ledger/bank/", data, follow=True)
    body = _text(response)
    assert ENCODING_MESSAGE in body
    assert not INTERNAL.search(body)


def test_delegation_to_nobody_names_the_delegate_field(client_for: Any) -> None:
    client = client_for(Role.MANAGER)
    data = {"delegate": "no-such-user", "start_date": "2026-04-01", "end_date": "2026-04-30"}
    body = _text(client.post("/workflow/delegations/", data, follow=True))
    assert "代理人: 代理人が見つかりません。" in body
    assert not INTERNAL.search(body)


def test_route_editor_names_the_step_not_its_key() -> None:
    admin = Client()
    admin.force_login(make_org().admin)
    form = {
        "name": "高額稟議",
        "subject_type": "workflow.ringi",
        "priority": "10",
        "is_active": "on",
        "step_count": "2",
        "step-0-name": "部長",
        "step-0-approvers": "department_manager",
        "step-1-name": "経理",
        "step-1-approvers": "role:nope",
    }
    response = admin.post("/workflow/routes/new/", form)
    body = _text(response)
    assert response.status_code == 422
    assert "2番目のステップの承認者: " in body
    assert not INTERNAL.search(body)


def test_knowledge_form_refused_is_a_422_naming_the_fields(client_for: Any) -> None:
    operator = client_for(Role.AI_OPERATOR)
    data = {"kind": "faq", "question": "", "body": "", "audience": "all"}
    response = operator.post("/assistant/kb/new/", data)
    body = _text(response)
    assert response.status_code == 422
    assert "質問: FAQ の質問を入力してください。" in body
    assert "本文: 本文を入力してください。" in body
    assert "question:" not in body and "body:" not in body


def test_api_keeps_machine_keys_but_its_texts_read_well(make_user: Any) -> None:
    client = _api_client(make_user, Role.ACCOUNTING)
    payload = {
        "date": "2025-05-01",
        "description": "文房具",
        "tax_entry": "none",
        "lines": [{"account": "7310", "debit": 1100}, {"account": "9999", "credit": 1100}],
    }
    response = client.post("/api/v1/ledger/entries", payload, content_type="application/json")
    body = response.json()
    assert response.status_code == 422
    assert "lines.1.account" in body["errors"]  # for programs
    assert any(m.startswith("2行目の勘定科目: ") for m in body["messages"])
    assert not INTERNAL.search(body["detail"] + " ".join(body["messages"]))

    # Input the schema refuses (pydantic) gets the same treatment: keys for programs, labels for people.
    payload["lines"] = [{"account": "7310", "debit": 1100}, {"credit": 1100}]
    response = client.post("/api/v1/ledger/entries", payload, content_type="application/json")
    body = response.json()
    assert response.status_code == 422
    assert "lines.1.account" in body["errors"]
    assert any(m.startswith("2行目の勘定科目: ") for m in body["messages"])

    bank_import.bank_feed_create(actor=SYSTEM, name="普通預金", account_code="1140")
    upload = SimpleUploadedFile("s.csv", BAD_BYTES)
    response = client.post(
        "/api/v1/ledger/bank/import", {"feed": "普通預金", "preset": "generic", "file": upload}
    )
    body = response.json()
    assert response.status_code == 422
    assert body["messages"] == [ENCODING_MESSAGE]
    assert "utf-8-sig" not in response.content.decode()


def test_audit_rows_read_as_sentences(client_for: Any, make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING, username="keiri")
    accountant.last_name, accountant.first_name = "経理", "花子"
    accountant.save()
    entry = post_simple(actor=accountant, amount=10000)
    audit_record(
        actor=accountant,
        action="ledger.settings.update",
        target_type="ledger.ledgersettings",
        changes={"fiscal_year_start_month": [4, 1], "rounding": ["floor", "round"]},
    )
    audit_record(actor=accountant, action="ledger.bank_rule.create", changes={"amount_min": 12000})
    page = _text(client_for(Role.AUDITOR).get("/audit/"))
    assert "仕訳を記帳しました" in page
    assert "会計設定を変更しました" in page
    assert "期首月: 4 → 1" in page
    assert "金額(下限): 12,000" in page
    assert entry.display_number in page
    assert "ledger.journal_entry.post</td>" not in page  # the code is only a tooltip
    assert "{&#x27;" not in page and "{'" not in page  # no Python dicts

    home = _text(client_for(Role.AUDITOR, Role.EMPLOYEE).get("/"))
    assert "仕訳を記帳しました" in home

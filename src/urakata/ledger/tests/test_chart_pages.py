"""Chart-of-accounts pages: who may read and edit, form errors, exports, constant queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.ledger import accounts
from urakata.ledger.models import Account, SubAccount
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ACCOUNTING, 200), (Role.AUDITOR, 200), (Role.EXECUTIVE, 200), (Role.EMPLOYEE, 403)],
)
def test_list_and_detail_by_role(client_for: Any, role: Role, status: int) -> None:
    client = client_for(role)
    account = Account.objects.get(code="1140")
    listing = client.get("/ledger/accounts/")
    assert listing.status_code == status
    assert client.get(f"/ledger/accounts/{account.pk}/").status_code == status
    if status == 200:
        html = listing.content.decode()
        assert "普通預金" in html and "流動資産" in html and "販売費及び一般管理費" in html
        can_edit = role == Role.ACCOUNTING
        assert ("/ledger/accounts/new/" in html) is can_edit


def test_list_search_and_filter(client_for: Any) -> None:
    client = client_for(Role.AUDITOR)
    html = client.get("/ledger/accounts/?q=預金").content.decode()
    listed = html.partition("<main")[2]  # the navigation names 売掛金年齢表 (invoicing)
    assert "普通預金" in listed and "売掛金" not in listed
    Account.objects.filter(code="1150").update(is_active=False)
    stopped = client.get("/ledger/accounts/?active=0").content.decode()
    assert "定期預金" in stopped and "普通預金" not in stopped


def test_detail_shows_sub_accounts(client_for: Any) -> None:
    account = Account.objects.get(code="1140")
    html = client_for(Role.AUDITOR).get(f"/ledger/accounts/{account.pk}/").content.decode()
    assert "みずほ銀行 本店" in html
    assert "/sub-accounts/" not in html  # no edit links for readers


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EXECUTIVE, Role.EMPLOYEE])
def test_writes_are_denied_without_side_effects(client_for: Any, role: Role) -> None:
    client = client_for(role)
    account = Account.objects.get(code="1140")
    sub = SubAccount.objects.filter(account=account).first()
    assert sub is not None
    before = (Account.objects.count(), SubAccount.objects.count(), AuditEvent.objects.count())
    responses = [
        client.get("/ledger/accounts/new/"),
        client.post(
            "/ledger/accounts/new/",
            {"code": "7490", "name": "業務委託費", "category": "expense", "section": "sga"},
        ),
        client.post(f"/ledger/accounts/{account.pk}/edit/", {"name": "改名", "is_active": "on"}),
        client.post(f"/ledger/accounts/{account.pk}/sub-accounts/", {"code": "9", "name": "x"}),
        client.post(f"/ledger/accounts/{account.pk}/sub-accounts/{sub.pk}/", {"name": "y"}),
        client.post(f"/ledger/accounts/{account.pk}/sub-accounts/{sub.pk}/toggle/"),
    ]
    assert [r.status_code for r in responses] == [403] * 6
    after = (Account.objects.count(), SubAccount.objects.count(), AuditEvent.objects.count())
    assert after == before
    account.refresh_from_db()
    sub.refresh_from_db()
    assert account.name == "普通預金" and sub.is_active


def test_create_shows_every_error_then_creates(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    bad = client.post(
        "/ledger/accounts/new/",
        {"code": "1110", "name": "", "category": "expense", "section": "sales"},
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "既に使われています" in html and "必須です" in html and "属しません" in html
    good = client.post(
        "/ledger/accounts/new/",
        {
            "code": "7490",
            "name": "業務委託費",
            "category": "expense",
            "section": "sga",
            "default_tax_code": "P10",
            "is_active": "on",
        },
    )
    account = Account.objects.get(code="7490")
    assert good.status_code == 302 and good["Location"] == f"/ledger/accounts/{account.pk}/"
    assert account.default_tax_code is not None and account.is_active


def test_edit_page_locks_structure_of_a_used_account(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    post_simple(debit="7290")
    account = Account.objects.get(code="7290")
    page = client.get(f"/ledger/accounts/{account.pk}/edit/").content.decode()
    assert "仕訳で使われているため" in page and 'name="code"' in page and "disabled" in page
    refused = client.post(
        f"/ledger/accounts/{account.pk}/edit/",
        {"code": "7291", "name": "消耗品費", "is_active": "on"},
    )
    assert refused.status_code == 422
    assert "仕訳で使われている科目のため変更できません" in refused.content.decode()
    saved = client.post(
        f"/ledger/accounts/{account.pk}/edit/",
        {"name": "消耗品費(備品)", "default_tax_code": ""},  # unchecked: not sent
    )
    assert saved.status_code == 302
    account.refresh_from_db()
    assert account.code == "7290" and account.name == "消耗品費(備品)"
    assert not account.is_active and account.default_tax_code is None


def test_edit_unused_account_code(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    account = Account.objects.get(code="7310")
    page = client.get(f"/ledger/accounts/{account.pk}/edit/").content.decode()
    assert "仕訳で使われているため" not in page
    response = client.post(
        f"/ledger/accounts/{account.pk}/edit/",
        {
            "code": "7315",
            "name": account.name,
            "category": "expense",
            "section": "sga",
            "normal_side": "debit",
            "default_tax_code": "P10",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.code == "7315"


def test_sub_account_pages(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    account = Account.objects.get(code="1140")
    dup = client.post(f"/ledger/accounts/{account.pk}/sub-accounts/", {"code": "01", "name": ""})
    assert dup.status_code == 422
    assert "既に使われています" in dup.content.decode() and "必須です" in dup.content.decode()
    added = client.post(
        f"/ledger/accounts/{account.pk}/sub-accounts/", {"code": "05", "name": "りそな銀行"}
    )
    assert added.status_code == 302
    sub = SubAccount.objects.get(account=account, code="05")
    edited = client.post(
        f"/ledger/accounts/{account.pk}/sub-accounts/{sub.pk}/",
        {"code": "06", "name": "りそな銀行 本店", "is_active": "on"},
    )
    assert edited.status_code == 302
    client.post(f"/ledger/accounts/{account.pk}/sub-accounts/{sub.pk}/toggle/")
    sub.refresh_from_db()
    assert (sub.code, sub.name, sub.is_active) == ("06", "りそな銀行 本店", False)
    other = Account.objects.get(code="1130")
    wrong_parent = client.get(f"/ledger/accounts/{other.pk}/sub-accounts/{sub.pk}/")
    assert wrong_parent.status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_chart_export(client_for: Any, fmt: str) -> None:
    response = client_for(Role.AUDITOR).get(f"/ledger/accounts/?format={fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("科目コード,科目名")
        assert "1140,普通預金,資産,流動資産,借方,,有効,2" in text
        assert len(text.splitlines()) == Account.objects.count() + 1
    else:
        assert response.content[:2] == b"PK"


def test_list_queries_do_not_grow_with_accounts(client_for: Any, accountant: Any) -> None:
    client = client_for(Role.ACCOUNTING)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/ledger/accounts/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for index in range(20):
        account = accounts.account_create(
            actor=accountant,
            data={
                "code": f"75{index:02d}",
                "name": f"追加科目{index}",
                "category": "expense",
                "section": "sga",
                "default_tax_code": "P10",
            },
        )
        accounts.sub_account_create(actor=accountant, account=account, code="01", name="A")
    assert count() == few


def test_api_edits_tax_code_and_sub_accounts(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    account = Account.objects.get(code="1140")
    sub = SubAccount.objects.get(account=account, code="02")
    patched = client.patch(
        f"/api/v1/ledger/accounts/{account.pk}",
        {"default_tax_code": "NT"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["default_tax_code"] == "NT"
    response = client.patch(
        f"/api/v1/ledger/accounts/{account.pk}/sub-accounts/{sub.pk}",
        {"is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert {s["code"]: s["is_active"] for s in response.json()["sub_accounts"]}["02"] is False
    missing = client.patch(
        f"/api/v1/ledger/accounts/{account.pk}/sub-accounts/999999",
        {"is_active": False},
        content_type="application/json",
    )
    assert missing.status_code == 404
    denied = client_for(Role.AUDITOR).patch(
        f"/api/v1/ledger/accounts/{account.pk}/sub-accounts/{sub.pk}",
        {"is_active": True},
        content_type="application/json",
    )
    assert denied.status_code == 403
    sub.refresh_from_db()
    assert not sub.is_active

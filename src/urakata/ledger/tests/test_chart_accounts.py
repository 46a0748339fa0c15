"""Chart maintenance services: validation, uniqueness, locked fields, audit, cache freshness."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import ValidationFailed
from urakata.core.models import AuditEvent
from urakata.ledger import accounts, cache, services
from urakata.ledger.models import Account, ChartVersion, SubAccount
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db

NEW = {"code": "7490", "name": "業務委託費", "category": "expense", "section": "sga"}


def _errors(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


def test_create_sets_defaults_and_records_an_audit_event(accountant: Any) -> None:
    account = accounts.account_create(actor=accountant, data={**NEW, "default_tax_code": "P10"})
    assert account.normal_side == "debit" and account.is_active
    assert account.default_tax_code is not None and account.default_tax_code.code == "P10"
    event = AuditEvent.objects.get(action="ledger.account.create", target_id=str(account.pk))
    assert event.changes["code"] == [None, "7490"]
    assert event.changes["default_tax_code"] == [None, "P10"]
    assert event.actor_id == accountant.pk


def test_create_reports_every_problem_at_once(accountant: Any) -> None:
    errors = _errors(
        lambda: accounts.account_create(
            actor=accountant,
            data={
                "code": "12",
                "name": "現金",
                "category": "asset",
                "section": "sga",
                "normal_side": "sideways",
                "default_tax_code": "NOPE",
            },
        )
    )
    assert set(errors) == {"code", "name", "section", "normal_side", "default_tax_code"}
    assert not Account.objects.filter(code="12").exists()
    assert not AuditEvent.objects.filter(action="ledger.account.create").exists()


def test_code_must_be_unique_and_follow_the_section_numbering(accountant: Any) -> None:
    taken = _errors(lambda: accounts.account_create(actor=accountant, data={**NEW, "code": "7110"}))
    assert "既に使われています" in taken["code"][0]
    wrong_range = _errors(
        lambda: accounts.account_create(actor=accountant, data={**NEW, "code": "1490"})
    )
    assert "7" in wrong_range["code"][0]
    assert _errors(
        lambda: accounts.account_create(actor=accountant, data={**NEW, "code": "７４９０"})
    )["code"]
    assert _errors(
        lambda: accounts.account_create(actor=accountant, data={**NEW, "name": "x" * 61})
    )["name"]


def test_structural_fields_editable_until_a_line_uses_the_account(accountant: Any) -> None:
    account = accounts.account_create(actor=accountant, data=NEW)
    accounts.account_update(
        actor=accountant, account=account, data={"code": "7491", "normal_side": "credit"}
    )
    account.refresh_from_db()
    assert (account.code, account.normal_side) == ("7491", "credit")
    post_simple(debit="7491")
    errors = _errors(
        lambda: accounts.account_update(
            actor=accountant,
            account=account,
            data={"code": "7492", "category": "revenue", "section": "sales", "name": "新名称"},
        )
    )
    assert set(errors) == {"code", "category", "section"}
    account.refresh_from_db()
    assert (account.code, account.name) == ("7491", "業務委託費")
    # name, tax code and active flag stay editable
    accounts.account_update(
        actor=accountant,
        account=account,
        data={"name": "外注費(業務委託)", "default_tax_code": "P10", "is_active": False},
    )
    account.refresh_from_db()
    assert account.name == "外注費(業務委託)" and not account.is_active
    event = AuditEvent.objects.filter(action="ledger.account.update").order_by("-seq").first()
    assert event is not None and event.changes["is_active"] == [True, False]
    assert event.changes["default_tax_code"] == [None, "P10"]


def test_structural_change_is_checked_like_a_new_account(accountant: Any) -> None:
    account = accounts.account_create(actor=accountant, data=NEW)
    errors = _errors(
        lambda: accounts.account_update(
            actor=accountant, account=account, data={"code": "1110", "section": "sales"}
        )
    )
    assert set(errors) == {"code", "section"}


def test_unchanged_update_writes_no_event(accountant: Any) -> None:
    account = Account.objects.get(code="1110")
    before = AuditEvent.objects.count()
    accounts.account_update(actor=accountant, account=account, data={"name": "現金"})
    assert AuditEvent.objects.count() == before


def test_sub_accounts_add_edit_deactivate(accountant: Any) -> None:
    account = Account.objects.get(code="1140")
    errors = _errors(
        lambda: accounts.sub_account_create(
            actor=accountant, account=account, code="01", name="みずほ銀行 本店"
        )
    )
    assert set(errors) == {"code", "name"}
    sub = accounts.sub_account_create(actor=accountant, account=account, code="09", name="ゆうちょ")
    accounts.sub_account_update(
        actor=accountant, sub=sub, data={"code": "10", "name": "ゆうちょ銀行"}
    )
    sub.refresh_from_db()
    assert (sub.code, sub.name) == ("10", "ゆうちょ銀行")
    entry_lines = [
        {"account": "7290", "debit": 100},
        {"account": "1140", "sub_account": "10", "credit": 100},
    ]
    services.journal_entry_post(
        actor=accountant,
        date=dt.date(2025, 5, 10),
        description="x",
        lines=entry_lines,
        tax_entry="none",
    )
    locked = _errors(
        lambda: accounts.sub_account_update(actor=accountant, sub=sub, data={"code": "11"})
    )
    assert "code" in locked
    accounts.sub_account_update(actor=accountant, sub=sub, data={"is_active": False})
    refused = _errors(
        lambda: services.journal_entry_post(
            actor=accountant,
            date=dt.date(2025, 5, 10),
            description="x",
            lines=entry_lines,
            tax_entry="none",
        )
    )
    assert "lines.1.sub_account" in refused
    actions = list(
        AuditEvent.objects.filter(target_id=str(sub.pk), action__startswith="ledger.sub_account")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "ledger.sub_account.create",
        "ledger.sub_account.update",
        "ledger.sub_account.update",
    ]


def test_every_chart_write_bumps_the_version(accountant: Any) -> None:
    start = cache.chart_version()
    account = accounts.account_create(actor=accountant, data=NEW)
    accounts.account_update(actor=accountant, account=account, data={"name": "業務委託料"})
    accounts.sub_account_create(actor=accountant, account=account, code="01", name="A社")
    assert cache.chart_version() == start + 3
    assert ChartVersion.objects.count() == 1


def test_another_process_sees_a_deactivation_without_a_reload(accountant: Any) -> None:
    """This process caches the chart; "another process" deactivates the account (simulated by
    changing it through the service and then putting our stale cache back)."""
    stale = cache.chart()
    assert stale.accounts_by_code["7290"].is_active
    accounts.account_update(
        actor=accountant, account=Account.objects.get(code="7290"), data={"is_active": False}
    )
    cache._cache = stale  # our process never saw the clear
    stale.checked_at = float("-inf")  # ...and its once-a-second version check is due
    errors = _errors(lambda: post_simple(debit="7290"))
    assert "使用停止中" in errors["lines.0.account"][0]


def test_another_process_sees_a_rename_in_reports(accountant: Any) -> None:
    from urakata.ledger import reports

    post_simple()
    stale = cache.chart()
    accounts.account_update(
        actor=accountant, account=Account.objects.get(code="7290"), data={"name": "文具・事務用品"}
    )
    cache._cache = stale
    stale.checked_at = float("-inf")
    tb = reports.trial_balance(actor=accountant, from_period=202504, to_period=202506)
    names = {row["account_code"]: row["account_name"] for row in tb.rows}
    assert names["7290"] == "文具・事務用品"


def test_module_cache_cleared_loads_the_current_chart(accountant: Any) -> None:
    accounts.account_update(
        actor=accountant, account=Account.objects.get(code="7290"), data={"name": "文具・事務用品"}
    )
    cache._cache = None
    assert cache.chart().accounts_by_code["7290"].name == "文具・事務用品"
    assert SubAccount.objects.exists()

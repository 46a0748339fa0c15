"""The register, its monthly depreciation journal and disposal, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.facilities import asset_selectors, assets
from urakata.facilities.models import DepreciationLine, FixedAsset
from urakata.facilities.tests import factories
from urakata.ledger.models import JournalEntry, JournalLine

pytestmark = pytest.mark.django_db


def _post_months(actor: Any, first: tuple[int, int], count: int) -> None:
    year, month = first
    for _ in range(count):
        assets.depreciation_post(actor=actor, year=year, month=month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _expense(fiscal_year: int) -> int:
    lines = JournalLine.objects.filter(
        entry__fiscal_year=fiscal_year, entry__source="asset", account__code="7410"
    )
    total = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (total["debit"] or 0) - (total["credit"] or 0)


def test_register_posts_the_acquisition_and_is_audited(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    asset = factories.asset(actor=accountant, paid_from="3150")
    assert asset.number.startswith("FA-")
    entry = JournalEntry.objects.get(pk=asset.acquisition_entry_id)
    assert entry.source == "asset"
    assert {(line.account.code, line.debit, line.credit) for line in entry.lines.all()} == {
        ("2160", 1_200_000, 0),
        ("3150", 0, 1_200_000),
    }
    event = AuditEvent.objects.filter(action="facilities.asset.register").get()
    assert event.actor_id == accountant.pk


def test_ledger_depreciation_equals_the_register(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    factories.asset(actor=accountant)  # 定額法 5年, 1,200,000: 240,000 a year
    factories.asset(
        actor=accountant,
        name="社用車",
        category="vehicle",
        life=6,
        method="declining",
        acquired_on=dt.date(2025, 7, 10),
        cost=3_000_000,
    )
    factories.asset(
        actor=accountant,
        name="会計ソフト",
        category="software",
        life=5,
        acquired_on=dt.date(2025, 10, 1),
        cost=600_000,
    )
    factories.asset(
        actor=accountant,
        name="タブレット",
        method="lump_sum",
        life=0,
        acquired_on=dt.date(2025, 6, 1),
        cost=150_000,
    )
    _post_months(accountant, (2025, 4), 12)
    register = asset_selectors.depreciation_register(actor=accountant, fiscal_year=2025)
    by_name = {row.asset.name: row for row in register}
    # 3,000,000 × 0.333 × 9/12 = 749,250; software 600,000 × 0.200 × 6/12 = 60,000
    assert by_name["複合機"].depreciation == 240_000
    assert by_name["社用車"].depreciation == 749_250
    assert by_name["会計ソフト"].depreciation == 60_000
    assert by_name["タブレット"].depreciation == 50_000
    assert all(row.booked == row.depreciation for row in register)
    assert _expense(2025) == sum(row.depreciation for row in register) == 1_099_250
    credits = JournalLine.objects.filter(entry__source="asset", credit__gt=0)
    assert set(credits.values_list("account__code", flat=True)) == {"2190", "2210", "2370"}


def test_posting_a_month_twice_books_nothing_more(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    factories.asset(actor=accountant)
    first = assets.depreciation_post(actor=accountant, year=2025, month=5)
    again = assets.depreciation_post(actor=accountant, year=2025, month=5)
    assert first.total == 20_000 and first.entry_id is not None
    assert again.entry_id is None and again.total == 0
    assert DepreciationLine.objects.count() == 1


def test_only_accounting_posts_depreciation(make_user: Any) -> None:
    factories.asset()
    with pytest.raises(PermissionDenied):
        assets.depreciation_post(actor=make_user(Role.GENERAL_AFFAIRS), year=2025, month=5)
    assert not DepreciationLine.objects.exists()


def test_sale_mid_year_books_catch_up_and_gain(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    asset = factories.asset(actor=accountant, paid_from="3150")
    _post_months(accountant, (2025, 4), 6)  # 6 × 20,000 = 120,000 booked
    assets.asset_dispose(
        actor=accountant, asset_id=asset.pk, disposed_on=dt.date(2025, 12, 15), proceeds=1_100_000
    )
    asset.refresh_from_db()
    assert asset.status == FixedAsset.Status.DISPOSED
    # 9 months: 1,200,000 × 0.200 × 9/12 = 180,000 → book value 1,020,000; gain 80,000
    entry = JournalEntry.objects.get(pk=asset.disposal_entry_id)
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.all()}
    # Sold for 1,100,000 before tax: 仮受消費税等 110,000; the price is the 課税売上 line.
    assert lines == {
        ("7410", 60_000, 0),
        ("2190", 120_000, 0),
        ("1530", 1_210_000, 0),
        ("2160", 0, 1_100_000),
        ("2160", 0, 100_000),
        ("3240", 0, 110_000),
        ("9110", 0, 80_000),
    }
    sale = entry.lines.get(account__code="2160", credit=1_100_000)
    assert (sale.tax_code.code, sale.tax_amount) == ("S10", 110_000)
    assert _expense(2025) == 180_000
    # a disposed asset is no longer depreciated
    assert assets.depreciation_post(actor=accountant, year=2026, month=1).total == 0
    with pytest.raises(Conflict):
        assets.asset_dispose(actor=accountant, asset_id=asset.pk, disposed_on=dt.date(2026, 1, 5))


def test_retirement_without_proceeds_is_a_loss(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    asset = factories.asset(actor=accountant)
    asset = assets.asset_dispose(
        actor=accountant, asset_id=asset.pk, disposed_on=dt.date(2026, 4, 30)
    )
    entry = JournalEntry.objects.get(pk=asset.disposal_entry_id)
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.all()}
    # 240,000 (FY2025) + 20,000 (April 2026) depreciated; 940,000 retired as 除却損
    assert lines == {
        ("7410", 260_000, 0),
        ("2160", 0, 1_200_000),
        ("9220", 940_000, 0),
    }


def test_bad_assets_are_refused_with_every_problem_and_nothing_saved() -> None:
    with pytest.raises(ValidationFailed) as failed:
        factories.asset(name="", life=60, category="spaceship")
    assert {"name", "life", "category"} <= set(failed.value.errors)
    with pytest.raises(ValidationFailed) as failed:
        factories.asset(category="building", method="declining", life=22)
    assert "method" in failed.value.errors
    assert not FixedAsset.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="facilities.").exists()


def test_disposal_before_booked_months_is_refused(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    asset = factories.asset(actor=accountant)
    _post_months(accountant, (2025, 4), 3)
    with pytest.raises(ValidationFailed) as failed:
        assets.asset_dispose(actor=accountant, asset_id=asset.pk, disposed_on=dt.date(2025, 5, 1))
    assert "disposed_on" in failed.value.errors
    asset.refresh_from_db()
    assert asset.status == FixedAsset.Status.ACTIVE


def test_the_monthly_job_posts_last_month_once(make_user: Any) -> None:
    from urakata.facilities.tasks import depreciation_month_post

    factories.asset(actor=make_user(Role.ACCOUNTING))  # 1,200,000, 5 years straight: 20,000/month
    first = depreciation_month_post(today=dt.date(2025, 6, 1))
    assert first["period"] == "2025-05" and first["total"] == 20_000 and first["assets"] == 1
    again = depreciation_month_post(today=dt.date(2025, 6, 1))
    assert again["entry"] is None and again["total"] == 0
    assert JournalEntry.objects.filter(source_ref="depreciation:202505").count() == 1
    # Run on 1 May: April, the first month of use.
    assert depreciation_month_post(today=dt.date(2025, 5, 1))["total"] == 20_000


def test_the_sme_special_stops_at_three_million_a_year(make_user: Any) -> None:
    """措法67条の5: 30万円未満 expensed at once up to 300万円 a fiscal year; beyond, ordinary
    depreciation. Ten assets of 290,000 = 2,900,000 fit; the eleventh (3,190,000) does not."""
    accountant = make_user(Role.ACCOUNTING)
    small = {"category": "equipment", "method": "immediate", "cost": 290_000, "sme": True}
    for n in range(10):
        factories.asset(actor=accountant, name=f"PC{n}", acquired_on=dt.date(2025, 5, 1), **small)
    # under 100,000 (令133条) does not use the cap
    factories.asset(
        actor=accountant, name="椅子", acquired_on=dt.date(2025, 6, 1), **{**small, "cost": 90_000}
    )
    with pytest.raises(ValidationFailed) as error:
        factories.asset(
            actor=accountant, name="PC10", acquired_on=dt.date(2026, 3, 1), life=0, **small
        )
    assert "2,900,000" in error.value.errors["life"][0]
    over = factories.asset(
        actor=accountant, name="PC10", acquired_on=dt.date(2026, 3, 1), life=4, **small
    )
    assert over.method == "declining" and over.life == 4
    event = AuditEvent.objects.filter(action="facilities.asset.register").order_by("-seq").first()
    assert event is not None and event.changes["sme_cap"] == {"used": 2_900_000, "exceeded": True}
    # A new fiscal year (April) starts a new cap.
    fresh = factories.asset(
        actor=accountant, name="PC11", acquired_on=dt.date(2026, 4, 1), life=4, **small
    )
    assert fresh.method == "immediate"


def test_sale_above_cost_and_a_loss_are_measured_without_tax(make_user: Any) -> None:
    accountant = make_user(Role.ACCOUNTING)
    asset = factories.asset(actor=accountant, acquired_on=dt.date(2026, 4, 1))
    # Sold in its first month for 1,300,000 before tax: book value 1,200,000 - 20,000 → gain.
    asset = assets.asset_dispose(
        actor=accountant, asset_id=asset.pk, disposed_on=dt.date(2026, 4, 20), proceeds=1_300_000
    )
    entry = JournalEntry.objects.get(pk=asset.disposal_entry_id)
    lines = sorted((x.account.code, x.debit, x.credit) for x in entry.lines.all())
    assert lines == [
        ("1530", 1_430_000, 0),
        ("2160", 0, 1_300_000),
        ("2160", 100_000, 0),
        ("3240", 0, 130_000),
        ("7410", 20_000, 0),
        ("9110", 0, 120_000),
    ]

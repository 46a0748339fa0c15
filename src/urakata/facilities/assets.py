"""Fixed-asset services and selectors: register, monthly depreciation journal, disposal, 台帳."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import SYSTEM, require
from urakata.facilities import depreciation as dep
from urakata.facilities.depreciation import Category, Method, YearRow
from urakata.facilities.models import DepreciationLine, FixedAsset
from urakata.facilities.sme_cap import sme_method
from urakata.ledger import cache as ledger_cache
from urakata.ledger import services as ledger_services
from urakata.org.models import Department

ASSET_ACCOUNTS = {
    Category.BUILDING: "2110",
    Category.BUILDING_FIXTURE: "2120",
    Category.STRUCTURE: "2130",
    Category.MACHINERY: "2140",
    Category.VEHICLE: "2150",
    Category.EQUIPMENT: "2160",
    Category.SOFTWARE: "2210",
}
ACCUMULATED = "2190"  # 減価償却累計額 (間接法)
LUMP_SUM_ACCOUNT = "2370"  # 一括償却資産
EXPENSE = "7410"  # 減価償却費
GAIN = "9110"  # 固定資産売却益
LOSS_ON_SALE = "9210"  # 固定資産売却損
LOSS_ON_RETIREMENT = "9220"  # 固定資産除却損
PROCEEDS_ACCOUNT = "1530"  # 未収入金
PAYABLE = "3150"  # 未払金
SALE_TAX_CODE = "S10"  # 課税売上10%: selling a business asset is a taxable transfer
SALE_TAX_RATE = Decimal("0.10")
REGISTER_FIELDS = (
    "number",
    "name",
    "category",
    "life",
    "method",
    "acquired_on",
    "cost",
    "acquisition_entry_id",
)


def fiscal_start() -> int:
    """The company's first month of the fiscal year (期首月), as the ledger numbers its years."""
    return int(ledger_cache.chart().fiscal_start_month)


def asset_account(asset: FixedAsset) -> str:
    """The balance-sheet account that holds the asset."""
    if asset.method == Method.LUMP_SUM:
        return LUMP_SUM_ACCOUNT
    return ASSET_ACCOUNTS[Category(asset.category)]


def credit_account(asset: FixedAsset) -> str:
    """Where depreciation is credited: 累計額 for tangibles (間接法), the asset itself otherwise."""
    if asset.method in (Method.LUMP_SUM, Method.IMMEDIATE) or asset.category in dep.INTANGIBLE:
        return asset_account(asset)
    return ACCUMULATED


def asset_schedule_rows(asset: FixedAsset, *, disposed: dt.date | None = None) -> list[YearRow]:
    """The asset's schedule under the tax rules (until disposal when it has been disposed of)."""
    return dep.schedule(
        cost=asset.cost,
        life=asset.life,
        method=asset.method,
        acquired=asset.acquired_on,
        fiscal_year_start=fiscal_start(),
        category=asset.category,
        disposed=disposed or asset.disposed_on,
    )


def month_amount(asset: FixedAsset, rows: list[YearRow], year: int, month: int) -> int:
    """The part of the year's depreciation that falls in one month (see dep.monthly_amounts)."""
    start = fiscal_start()
    day = dt.date(year, month, 1)
    fiscal_year = dep.fiscal_year_of(day, start)
    row = next((r for r in rows if r.fiscal_year == fiscal_year), None)
    if row is None:
        return 0
    first_year = dep.fiscal_year_of(asset.acquired_on, start)
    first_month = asset.acquired_on.month if fiscal_year == first_year else start
    months = row.months
    if asset.method == Method.LUMP_SUM and fiscal_year == first_year:
        months = dep.months_to_year_end(asset.acquired_on, start)
    index = (month - first_month) % 12
    amounts = dep.monthly_amounts(YearRow(row.fiscal_year, months, 0, row.depreciation, 0))
    return amounts[index] if index < len(amounts) else 0


def post_entry(
    *,
    date: dt.date,
    description: str,
    lines: list[dict[str, Any]],
    ref: str,
    tax_entry: str = "none",
) -> Any:
    """Automatic posting runs as SYSTEM: the service has already checked the human's capability."""
    return ledger_services.journal_entry_post(
        actor=SYSTEM,
        date=date,
        description=description,
        lines=lines,
        source="asset",
        source_ref=ref,
        tax_entry=tax_entry,
    )


_post = post_entry


def _check_register(
    *,
    name: str,
    category: str,
    life: int,
    method: str,
    acquired_on: dt.date,
    cost: int,
    paid_from: str,
    sme: bool,
    department_id: int | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("資産名を入力してください。")]
    if category not in Category.__members__.values():
        errors["category"] = [_("資産の種類が正しくありません。")]
    if department_id is not None and not Department.objects.filter(pk=department_id).exists():
        errors["department_id"] = [_("部署が見つかりません。")]
    if paid_from and paid_from not in ("3150", "1110", "1140"):
        errors["paid_from"] = [
            _("支払元は 3150 未払金 / 1110 現金 / 1140 普通預金 から選んでください。")
        ]
    try:
        dep.validate(
            cost=cost,
            life=life,
            method=method,
            acquired=acquired_on,
            category=category if not errors.get("category") else None,
            sme=sme,
        )
    except ValidationFailed as failed:
        for key, messages in failed.errors.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationFailed(_("固定資産を登録できません。"), errors=errors)


def asset_register(
    *,
    actor: Any,
    name: str,
    category: str,
    life: int,
    method: str,
    acquired_on: dt.date,
    cost: int,
    department_id: int | None = None,
    location: str = "",
    paid_from: str = "",
    sme: bool = False,
) -> FixedAsset:
    """Add an asset to the register (固定資産台帳); with `paid_from`, post its acquisition too."""
    require(actor, "facilities.manage_assets")
    _check_register(
        name=name,
        category=category,
        life=life,
        method=method,
        acquired_on=acquired_on,
        cost=cost,
        paid_from=paid_from,
        sme=sme,
        department_id=department_id,
    )
    with transaction.atomic():
        last = FixedAsset.objects.select_for_update().order_by("-id").values_list("id", flat=True)
        next_id = (last.first() or 0) + 1
        # Under the lock: two registrations cannot both fit under the 特例's yearly cap.
        terms: dict[str, Any] = {"category": category, "life": life, "method": method, "cost": cost}
        decision = sme_method(**terms, acquired_on=acquired_on, start_month=fiscal_start())
        method = decision.method
        asset = FixedAsset(
            number=f"FA-{next_id:05d}",
            name=name.strip(),
            category=category,
            life=life if method in (Method.STRAIGHT, Method.DECLINING) else max(life, 1),
            method=method,
            acquired_on=acquired_on,
            cost=cost,
            department_id=department_id,
            location=location.strip(),
        )
        asset.save()
        if paid_from:
            asset.acquisition_entry_id = _post_acquisition(asset, paid_from).pk
            asset.save(update_fields=["acquisition_entry_id"])
        changes: dict[str, Any] = {f: [None, getattr(asset, f)] for f in REGISTER_FIELDS}
        if decision.capped:
            changes["sme_cap"] = {"used": decision.used, "exceeded": True}
        audit_record(actor=actor, action="facilities.asset.register", target=asset, changes=changes)
    return asset


def _post_acquisition(asset: FixedAsset, paid_from: str) -> Any:
    return _post(
        date=asset.acquired_on,
        description=_("固定資産の取得 %(number)s %(name)s")
        % {"number": asset.number, "name": asset.name[:100]},
        lines=[
            {
                "account": asset_account(asset),
                "debit": asset.cost,
                "department_id": asset.department_id,
            },
            {"account": paid_from, "credit": asset.cost, **_bank(paid_from)},
        ],
        ref=f"asset:{asset.pk}:acquire",
    )


def _bank(code: str) -> dict[str, str]:
    return {"sub_account": "01"} if code == "1140" else {}


@dataclass(frozen=True)
class DepreciationRun:
    """What one month's depreciation posting booked."""

    period: int
    entry_id: int | None
    total: int
    assets: int


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _due(assets: QuerySet[FixedAsset], year: int, month: int) -> list[tuple[FixedAsset, int]]:
    booked = []
    for asset in assets.order_by("pk"):
        amount = month_amount(asset, asset_schedule_rows(asset), year, month)
        if amount > 0:
            booked.append((asset, amount))
    return booked


def _run_lines(booked: list[tuple[FixedAsset, int]]) -> list[dict[str, Any]]:
    """Debit 減価償却費 per department, credit each asset's 累計額 / asset account."""
    debits: dict[int | None, int] = defaultdict(int)
    credits: dict[str, int] = defaultdict(int)
    for asset, amount in booked:
        debits[asset.department_id] += amount
        credits[credit_account(asset)] += amount
    lines: list[dict[str, Any]] = [
        {"account": EXPENSE, "debit": value, "department_id": department}
        for department, value in sorted(debits.items(), key=lambda kv: kv[0] or 0)
    ]
    return lines + [{"account": code, "credit": value} for code, value in sorted(credits.items())]


def depreciation_post(*, actor: Any, year: int, month: int) -> DepreciationRun:
    """Book one month's depreciation of every active asset as one journal entry (idempotent:
    assets already booked for that month are skipped)."""
    require(actor, "facilities.post_depreciation")
    if not (1 <= month <= 12 and 2000 <= year <= 2200):
        raise ValidationFailed(
            _("年月が正しくありません。"), errors={"period": [f"{year}-{month}"]}
        )
    period = year * 100 + month
    end = _month_end(year, month)
    fiscal_year = dep.fiscal_year_of(end, fiscal_start())
    with transaction.atomic():
        active = FixedAsset.objects.filter(status=FixedAsset.Status.ACTIVE, acquired_on__lte=end)
        list(active.select_for_update().order_by("pk").values_list("pk", flat=True))  # one run
        done = set(
            DepreciationLine.objects.filter(period=period, kind="monthly").values_list(
                "asset_id", flat=True
            )
        )
        booked = _due(active.exclude(pk__in=done), year, month)
        if not booked:
            return DepreciationRun(period, None, 0, 0)
        entry = _post(
            date=end,
            description=_("減価償却費 %(year)s年%(month)s月") % {"year": year, "month": month},
            lines=_run_lines(booked),
            ref=f"depreciation:{period}",
        )
        DepreciationLine.objects.bulk_create(
            [
                DepreciationLine(
                    asset=asset,
                    period=period,
                    fiscal_year=fiscal_year,
                    amount=amount,
                    entry_id=entry.pk,
                )
                for asset, amount in booked
            ]
        )
        total = sum(amount for _asset, amount in booked)
        audit_record(
            actor=actor,
            action="facilities.depreciation.post",
            target_type="facilities.depreciation",
            changes={"period": period, "total": total, "assets": len(booked), "entry": entry.pk},
        )
    return DepreciationRun(period, entry.pk, total, len(booked))


def _sale_split(account: str, credit: int, proceeds: int, tax: int) -> list[dict[str, Any]]:
    """The asset account's credit, with the sale price as its own 課税売上 10% line (the tax
    return's taxable sales is the price, not the gain); the rest of the credit (or, for a price
    above it, a debit) alongside."""
    lines: list[dict[str, Any]] = []
    if proceeds:
        lines.append(
            {"account": account, "credit": proceeds, "tax_code": SALE_TAX_CODE, "tax_amount": tax}
        )
    rest = credit - proceeds
    if rest > 0:
        lines.append({"account": account, "credit": rest})
    elif rest < 0:
        lines.append({"account": account, "debit": -rest})
    return lines


def sale_tax(proceeds: int) -> int:
    """仮受消費税等 on an asset sold (a 課税資産の譲渡: 10 %, floored once for the sale)."""
    return int(proceeds * SALE_TAX_RATE // 1)


def _disposal_lines(
    asset: FixedAsset, *, booked: int, catch_up: int, book_value: int, proceeds: int
) -> list[dict[str, Any]]:
    """`proceeds` is the tax-exclusive price: gain or loss is measured on it; 未収入金 carries
    the price with its tax, which the ledger books to 仮受消費税等."""
    account = asset_account(asset)
    department = asset.department_id
    tax = sale_tax(proceeds)
    lines: list[dict[str, Any]] = []
    if catch_up:
        lines.append({"account": EXPENSE, "debit": catch_up, "department_id": department})
    # The catch-up is expensed straight against the asset's remaining cost, so 累計額 gives back
    # exactly what the monthly postings accumulated.
    if credit_account(asset) == ACCUMULATED:
        if booked:
            lines.append({"account": ACCUMULATED, "debit": booked})
        lines += _sale_split(account, asset.cost, proceeds, tax)
    else:
        lines += _sale_split(account, book_value + catch_up, proceeds, tax)
    if proceeds:
        lines.append({"account": PROCEEDS_ACCOUNT, "debit": proceeds + tax})
    difference = proceeds - book_value
    if difference > 0:
        lines.append({"account": GAIN, "credit": difference})
    elif difference < 0:
        loss = LOSS_ON_SALE if proceeds else LOSS_ON_RETIREMENT
        lines.append({"account": loss, "debit": -difference, "department_id": department})
    return lines


def _check_disposal(asset: FixedAsset, disposed_on: dt.date, errors: dict[str, list[str]]) -> None:
    if asset.status != FixedAsset.Status.ACTIVE:
        raise Conflict(_("この資産は除売却済みです。"))
    if asset.method in (Method.LUMP_SUM, Method.IMMEDIATE):
        raise Conflict(
            _("一括償却資産・少額減価償却資産は除売却の処理をしません(3年間の償却を続けます)。")
        )
    if disposed_on < asset.acquired_on:
        errors["disposed_on"] = [_("除売却日は取得日以後にしてください。")]
    last = asset.depreciation.order_by("-period").values_list("period", flat=True).first()
    if last and disposed_on.year * 100 + disposed_on.month < last:
        errors.setdefault("disposed_on", []).append(
            _("%(period)s まで償却を計上済みです。除売却日はそれ以後にしてください。")
            % {"period": f"{last // 100}-{last % 100:02d}"}
        )
    if errors:
        raise ValidationFailed(_("除売却を登録できません。"), errors=errors)


def _disposal_figures(asset: FixedAsset, disposed_on: dt.date) -> tuple[int, int, int]:
    """Depreciation already booked, still to book up to the disposal month, and book value."""
    rows = asset_schedule_rows(asset, disposed=disposed_on)
    book_value = rows[-1].book_value_end if rows else asset.cost
    booked = asset.depreciation.aggregate(total=Sum("amount"))["total"] or 0
    catch_up = asset.cost - book_value - booked
    if catch_up < 0:  # booked more than the rules allow up to disposal: correct it here
        return booked, 0, asset.cost - booked
    return booked, catch_up, book_value


def asset_dispose(
    *, actor: Any, asset_id: int, disposed_on: dt.date, proceeds: int = 0
) -> FixedAsset:
    """Sell or retire an asset (除却・売却): depreciation to the month of disposal, then the book
    value out against the proceeds, the difference to 売却益 / 売却損 / 除却損, in one entry."""
    require(actor, "facilities.manage_assets")
    errors: dict[str, list[str]] = {}
    if proceeds < 0:
        errors["proceeds"] = [_("売却価額は0円以上にしてください。")]
    with transaction.atomic():
        asset = FixedAsset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None:
            raise NotFound(_("固定資産が見つかりません。"))
        _check_disposal(asset, disposed_on, errors)
        booked, catch_up, book_value = _disposal_figures(asset, disposed_on)
        entry = _post(
            date=disposed_on,
            description=(
                _("固定資産の売却 %(number)s") if proceeds else _("固定資産の除却 %(number)s")
            )
            % {"number": asset.number},
            lines=_disposal_lines(
                asset, booked=booked, catch_up=catch_up, book_value=book_value, proceeds=proceeds
            ),
            ref=f"asset:{asset.pk}:dispose",
            tax_entry="exclusive",
        )
        if catch_up:
            DepreciationLine.objects.create(
                asset=asset,
                period=disposed_on.year * 100 + disposed_on.month,
                fiscal_year=dep.fiscal_year_of(disposed_on, fiscal_start()),
                kind=DepreciationLine.Kind.DISPOSAL,
                amount=catch_up,
                entry_id=entry.pk,
            )
        FixedAsset.objects.filter(pk=asset.pk).update(
            status=FixedAsset.Status.DISPOSED,
            disposed_on=disposed_on,
            disposal_proceeds=proceeds,
            disposal_entry_id=entry.pk,
        )
        asset.refresh_from_db()
        audit_record(
            actor=actor,
            action="facilities.asset.dispose",
            target=asset,
            changes={
                "status": ["active", "disposed"],
                "disposed_on": [None, disposed_on.isoformat()],
                "proceeds": [None, proceeds],
                "output_tax": [None, sale_tax(proceeds)],
                "book_value": [None, book_value],
                "entry": [None, entry.pk],
            },
        )
    return asset

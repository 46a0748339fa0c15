"""Demo data for 総務: a year of visitors (some expected today), a catalogue with stock, orders
and receipts, loaned PCs, and a fixed-asset register whose depreciation the demo books contain.

The ledger's demo books already post 980,000 円 of depreciation each month (source 固定資産) for
the assets in their opening balance. The register below holds those assets with straight-line
figures that add up to exactly that amount each month, and adopts those entries as their monthly
postings; assets bought this fiscal year are posted by `depreciation_post` like in production.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from urakata.core.audit import audit_record_many
from urakata.core.domains import hook_targets
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.facilities import assets, invites, order_send, supplies, supply_requests, visitors
from urakata.facilities import depreciation as dep
from urakata.facilities.models import DepreciationLine, FixedAsset, Visit
from urakata.ledger.models import JournalEntry
from urakata.org.models import Counterparty, Department, Employee
from urakata.workflow.notifications import email_muted

# (name, category, life, cost, years held before the books start, department code)
OPENING_ASSETS = [
    ("本社 空調・電気設備", "building_fixture", 15, 18_000_000, 2, "D100"),
    ("生産ライン A", "machinery", 8, 31_416_000, 3, "D300"),
    ("生産ライン B", "machinery", 8, 41_169_600, 3, "D300"),
    ("本社 什器・OA機器一式", "equipment", 5, 7_404_000, 1, "D100"),
]
MONTHLY_BOOKED = 980_000  # the ledger demo's 減価償却費(月次)
COMPANIES = [
    "株式会社青葉商事",
    "北斗システム株式会社",
    "有限会社みなと印刷",
    "さくら物流株式会社",
    "東邦エンジニアリング",
    "株式会社ひかり設計",
    "大和監査法人",
    "丸の内コンサルティング",
]
NAMES = [
    "佐藤 一郎",
    "鈴木 花子",
    "高橋 健",
    "田中 美咲",
    "伊藤 翔",
    "渡辺 彩",
    "山本 大輔",
    "中村 優子",
    "小林 誠",
    "加藤 真理",
]
PURPOSES = ["定例打ち合わせ", "見積説明", "システム保守", "監査", "面接", "納品立会い"]
ITEMS = [  # code, name, category, unit, price, stock, reorder point, consumable
    ("PAPER-A4", "コピー用紙 A4 (500枚)", "事務用品", "冊", 450, 40, 30, True),
    ("TONER-BK", "複合機トナー 黒", "事務用品", "本", 12_800, 2, 3, True),
    ("PEN-BK", "ボールペン 黒 (10本)", "事務用品", "箱", 880, 12, 5, True),
    ("TAPE-S", "セロハンテープ", "事務用品", "巻", 120, 4, 10, True),
    ("COFFEE", "コーヒー豆 1kg", "給湯室", "袋", 2_400, 6, 4, True),
    ("MASK", "不織布マスク (50枚)", "衛生用品", "箱", 650, 20, 10, True),
    ("CHAIR", "事務椅子", "什器", "脚", 38_000, 0, 0, False),
    ("MONITOR", "24インチモニター", "OA機器", "台", 24_800, 0, 0, False),
]


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """The facilities demo; runs after the ledger's books."""
    actor = SYSTEM if actor is None else actor
    with email_muted():
        result: dict[str, Any] = {"assets": _assets(actor, today)}
        result["visits"] = _visits(actor, today, rng)
        if _hosts():
            result.update(_invite(_hosts(), today))
        result.update(_supplies(actor, today, rng))
    return result


def _departments() -> dict[str, int]:
    return dict(Department.objects.values_list("code", "pk"))


def _assets(actor: Any, today: dt.date) -> dict[str, int]:
    start = assets.fiscal_start()
    this_year = dep.fiscal_year_of(today, start)
    books_start = dt.date(this_year - 1, start, 1)
    departments = _departments()
    opening = [
        assets.asset_register(
            actor=actor,
            name=name,
            category=category,
            life=life,
            method="straight",
            acquired_on=books_start.replace(year=books_start.year - held),
            cost=cost,
            department_id=departments.get(code),
            location="本社",
        )
        for name, category, life, cost, held, code in OPENING_ASSETS
    ]
    adopted = _adopt_ledger_depreciation(opening)
    bought = _this_year_purchases(actor, today, this_year, start, departments)
    posted = 0
    month = dt.date(this_year, start, 1)
    while month < today.replace(day=1):
        posted += assets.depreciation_post(actor=actor, year=month.year, month=month.month).total
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return {"register": len(opening) + bought, "adopted_months": adopted, "posted": posted}


def _adopt_ledger_depreciation(opening: list[FixedAsset]) -> int:
    """Link the ledger demo's monthly depreciation entries to the opening assets."""
    entries = JournalEntry.objects.filter(source="asset", description="減価償却費(月次)")
    start = assets.fiscal_start()
    rows = {asset.pk: assets.asset_schedule_rows(asset) for asset in opening}
    lines = []
    adopted = 0
    for entry in entries.order_by("period"):
        year, month = divmod(entry.period, 100)
        amounts = [
            (asset, assets.month_amount(asset, rows[asset.pk], year, month)) for asset in opening
        ]
        if sum(amount for _asset, amount in amounts) != MONTHLY_BOOKED:
            continue  # the books changed shape: leave the month to depreciation_post
        fiscal_year = dep.fiscal_year_of(dt.date(year, month, 1), start)
        lines += [
            DepreciationLine(
                asset=asset,
                period=entry.period,
                fiscal_year=fiscal_year,
                amount=amount,
                entry_id=entry.pk,
            )
            for asset, amount in amounts
        ]
        adopted += 1
    DepreciationLine.objects.bulk_create(lines)
    return adopted


def _this_year_purchases(
    actor: Any, today: dt.date, this_year: int, start: int, departments: dict[str, int]
) -> int:
    first = dt.date(this_year, start, 1)
    plans = [  # months after the year's start, name, category, life, method, cost
        (0, "ノートPC 10台", "equipment", 4, "declining", 2_200_000),
        (1, "会計ソフト ライセンス", "software", 5, "straight", 1_200_000),
        (2, "営業車 (ハイブリッド)", "vehicle", 6, "declining", 3_300_000),
        (3, "受付用タブレット", "equipment", 0, "lump_sum", 180_000),
        (4, "来客用プロジェクター", "equipment", 0, "immediate", 89_000),
    ]
    count = 0
    for offset, name, category, life, method, cost in plans:
        day = (first + dt.timedelta(days=31 * offset)).replace(day=10)
        if day.replace(day=1) >= today.replace(day=1):
            continue
        assets.asset_register(
            actor=actor,
            name=name,
            category=category,
            life=life,
            method=method,
            acquired_on=day,
            cost=cost,
            department_id=departments.get("D100"),
            location="本社",
            paid_from="3150",
        )
        count += 1
    return count


def _hosts() -> list[Any]:
    users = get_user_model().objects.filter(is_active=True, employee__isnull=False)
    return list(users.order_by("pk")[:40])


def _past_visits(hosts: list[Any], today: dt.date, rng: random.Random) -> list[Visit]:
    rows: list[Visit] = []
    day = today - dt.timedelta(days=364)
    while day < today:
        for number in range(rng.randint(1, 5) if day.weekday() < 5 else 0):
            hour = rng.randint(9, 16)
            arrived = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
            rows.append(
                Visit(
                    code=visitors.new_code(),
                    host=rng.choice(hosts),
                    visitor_name=rng.choice(NAMES),
                    visitor_company=rng.choice(COMPANIES),
                    visit_date=day,
                    expected_time=dt.time(hour, 0),
                    purpose=rng.choice(PURPOSES),
                    place="会議室" + rng.choice("ABC"),
                    party_size=rng.randint(1, 3),
                    status=Visit.Status.LEFT,
                    badge_number=number + 1,
                    arrived_at=arrived,
                    left_at=arrived + dt.timedelta(minutes=rng.randint(30, 120)),
                )
            )
        day += dt.timedelta(days=1)
    return rows


def _visits(actor: Any, today: dt.date, rng: random.Random) -> int:
    """A year of visits (bulk, with their audit events) and today's and the coming week's."""
    hosts = _hosts()
    if not hosts:
        return 0
    rows = _past_visits(hosts, today, rng)
    with transaction.atomic():
        created = Visit.objects.bulk_create(rows, batch_size=1000)
        audit_record_many(
            actor=actor,
            entries=[
                (
                    "facilities.visit.register",
                    visit,
                    {
                        "visit_date": visit.visit_date.isoformat(),
                        "visitor_company": visit.visitor_company,
                    },
                )
                for visit in created
            ],
        )
    upcoming = 0
    for offset, hour in ((0, 10), (0, 11), (0, 14), (0, 15), (1, 10), (2, 13), (5, 16)):
        visitors.visit_register(
            actor=rng.choice(hosts),
            visitor_name=rng.choice(NAMES),
            visitor_company=rng.choice(COMPANIES),
            visit_date=today + dt.timedelta(days=offset),
            expected_time=dt.time(hour, 0),
            purpose=rng.choice(PURPOSES),
            place="会議室A",
            today=today,
        )
        upcoming += 1
    first = Visit.objects.filter(visit_date=today).order_by("expected_time", "pk").first()
    if first is not None:
        visitors.visit_check_in(actor=actor, visit_id=first.pk, rules_accepted=True, today=today)
    return len(created) + upcoming


def _requests(items: list[Any]) -> None:
    """Two 購買申請 waiting in the workflow inboxes (one large enough for 経営層)."""
    applicants = (
        get_user_model()
        .objects.filter(
            is_active=True, employee__department__manager__isnull=False, groups__name="employee"
        )
        .exclude(employee__department__manager__user_id=models.F("pk"))
    )
    applicant = applicants.order_by("pk").first()
    if applicant is None:
        return
    for item, quantity in ((items[1], "2"), (items[6], "4")):
        try:
            supply_requests.supply_request_submit(
                actor=applicant, item_id=item.pk, quantity=quantity, reason="補充"
            )
        except ValidationFailed:  # no route or approver in a trimmed-down demo company
            return


def _supplies(actor: Any, today: dt.date, rng: random.Random) -> dict[str, int]:
    vendor = Counterparty.objects.filter(is_supplier=True, is_active=True).order_by("pk").first()
    items = [
        supplies.item_create(
            actor=actor,
            code=code,
            name=name,
            category=category,
            unit=unit,
            unit_price=price,
            vendor_id=vendor.pk if vendor else None,
            stock=Decimal(stock),
            reorder_point=Decimal(point),
            consumable=consumable,
            tax_rate=Decimal("0.08") if code == "COFFEE" else Decimal("0.10"),  # 飲食料品: 軽減
        )
        for code, name, category, unit, price, stock, point, consumable in ITEMS
    ]
    orders = 0
    if vendor is not None:
        for index, quantities in enumerate(((50, 5), (20, 10), (10, 4))):
            order = supplies.purchase_order_create(
                actor=actor,
                vendor_id=vendor.pk,
                lines=[
                    {"item_id": items[index].pk, "quantity": quantities[0]},
                    {"item_id": items[index + 3].pk, "quantity": quantities[1]},
                ],
                delivery_address="本社 総務部",
                ordered_on=today - dt.timedelta(days=20 - index * 7),
            )
            lines = list(order.lines.order_by("pk"))
            if index == 0:  # sent to the vendor (発注書 PDF, filed as 注文書), received in full
                order_send.purchase_order_send(
                    actor=actor, order_id=order.pk, email=vendor.email or "order@vendor.example"
                )
                supplies.order_receive(
                    actor=actor,
                    order_id=order.pk,
                    quantities={line.pk: line.quantity for line in lines},
                )
            elif index == 1:  # partly received
                supplies.order_receive(
                    actor=actor, order_id=order.pk, quantities={lines[0].pk: lines[0].quantity / 2}
                )
            orders += 1
        orders += _capitalised_order(actor, vendor, today)
    _requests(items)
    employees = list(Employee.objects.order_by("code")[:12])
    for number, employee in enumerate(employees, start=1):
        supplies.loan_create(
            actor=actor,
            employee_id=employee.pk,
            kind="pc",
            name="ノートPC ThinkPad",
            serial_number=f"PC-{number:04d}",
            lent_on=today - dt.timedelta(days=rng.randint(30, 700)),
        )
    return {"items": len(items), "orders": orders, "loans": len(employees)}


def _capitalised_order(actor: Any, vendor: Counterparty, today: dt.date) -> int:
    """A server bought through an order: its receipt registers the asset and posts 固定資産 /
    仮払消費税等 / 未払金 (one receipt this month, so the month's depreciation is not yet due)."""
    server = supplies.item_create(
        actor=actor,
        code="SERVER",
        name="ファイルサーバー",
        category="OA機器",
        unit="台",
        unit_price=480_000,
        vendor_id=vendor.pk,
        consumable=False,
        asset_category="equipment",
        asset_life=5,
    )
    order = supplies.purchase_order_create(
        actor=actor,
        vendor_id=vendor.pk,
        lines=[{"item_id": server.pk, "quantity": 1}],
        delivery_address="本社 サーバー室",
        ordered_on=today.replace(day=1),
        due_on=today,
    )
    supplies.order_receive(
        actor=actor,
        order_id=order.pk,
        quantities={order.lines.get().pk: 1},
        received_on=today.replace(day=1),
    )
    # The vendor's invoice (recorded by invoicing when installed): the PO page shows 一致, and the
    # purchase stays booked once (the approval links the receipt's entry).
    data = {
        "vendor_id": vendor.pk,
        "number": order.number,
        "name": server.name,
        "subtotal": 480_000,
        "tax": 48_000,
        "received_on": today.replace(day=1),
    }
    for hook in hook_targets("facilities.demo_order_received").values():
        hook(actor=actor, order=data)
    return 1


def _invite(hosts: list[Any], today: dt.date) -> dict[str, str]:
    """An open self-registration link (one visitor already registered through it); the link and
    code are printed once, like the host sees them."""
    host = hosts[0]
    created = invites.visit_invite_create(
        actor=host,
        title="新製品のご説明",
        place="会議室B",
        date_from=today + dt.timedelta(days=3),
        date_to=today + dt.timedelta(days=10),
        time_from=dt.time(10, 0),
        time_to=dt.time(17, 0),
        max_uses=5,
        today=today,
    )
    invites.visit_self_register(
        token=created.token,
        code=created.code,
        visitor_name="来訪 次郎",
        visitor_company="株式会社ひかり設計",
        visitor_email="jiro@hikari.example",
        visit_date=today + dt.timedelta(days=4),
        expected_time=dt.time(14, 0),
        party_size=2,
        ip="192.0.2.10",
        today=today,
    )
    return {
        "visitor_link": f"/facilities/invite/{created.token}/",
        "visitor_link_code": created.code,
    }

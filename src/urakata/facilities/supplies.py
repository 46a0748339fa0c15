"""備品・消耗品: catalogue and stock, purchase orders, (partial) goods receipts, loaned equipment."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.facilities.capitalise import capitalise_receipt
from urakata.facilities.models import (
    GoodsReceipt,
    Loan,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplyItem,
)
from urakata.org.models import Counterparty, Employee

MAX_QUANTITY = Decimal("1000000")
TAX_STANDARD = Decimal("0.10")
# 消費税率: 標準 10 %, 軽減 8 % (飲食料品), 0 for what carries none (postage stamps, …).
TAX_RATES = (TAX_STANDARD, Decimal("0.08"), Decimal("0"))


def _quantity(
    value: Any, field: str, errors: dict[str, list[str]], *, zero: bool = False
) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("数量は数値で入力してください。"))
        return Decimal(0)
    if not number.is_finite() or number < 0 or (number == 0 and not zero) or number > MAX_QUANTITY:
        errors.setdefault(field, []).append(_("数量は0より大きく100万以下にしてください。"))
        return Decimal(0)
    if number != number.quantize(Decimal("0.01")):
        errors.setdefault(field, []).append(_("数量は小数点以下2桁までです。"))
    return number


def _asset_terms(category: str, life: int) -> dict[str, list[str]]:
    from urakata.facilities.depreciation import Category
    from urakata.facilities.rates import MAX_LIFE, MIN_LIFE

    if not category:
        return {}
    if category not in Category.__members__.values():
        return {"asset_category": [_("資産の種類が正しくありません。")]}
    if not MIN_LIFE <= life <= MAX_LIFE:
        return {"asset_life": [_("耐用年数は2〜50年で入力してください。")]}
    return {}


def _item_errors(
    code: str,
    name: str,
    unit_price: int,
    vendor_id: int | None,
    asset_category: str,
    asset_life: int,
) -> dict[str, list[str]]:
    errors = _asset_terms(asset_category, asset_life)
    if not code.strip() or len(code) > 20:
        errors["code"] = [_("品目コードを20文字以内で入力してください。")]
    elif SupplyItem.objects.filter(code=code.strip()).exists():
        errors["code"] = [_("この品目コードは登録済みです。")]
    if not name.strip() or len(name) > 200:
        errors["name"] = [_("品名を200文字以内で入力してください。")]
    if unit_price < 0:
        errors["unit_price"] = [_("単価は0円以上にしてください。")]
    if vendor_id is not None and not Counterparty.objects.filter(pk=vendor_id).exists():
        errors["vendor_id"] = [_("取引先が見つかりません。")]
    return errors


def item_create(
    *,
    actor: Any,
    code: str,
    name: str,
    category: str = "",
    unit: str = "個",
    unit_price: int = 0,
    vendor_id: int | None = None,
    consumable: bool = True,
    stock: Decimal | int = 0,
    reorder_point: Decimal | int = 0,
    asset_category: str = "",
    asset_life: int = 0,
    tax_rate: Decimal | str = TAX_STANDARD,
) -> SupplyItem:
    """Add an item to the catalogue (with `asset_category`, received units become assets)."""
    require(actor, "facilities.manage_supplies")
    errors = _item_errors(code, name, unit_price, vendor_id, asset_category, asset_life)
    rate = Decimal(str(tax_rate))
    if rate not in TAX_RATES:
        errors["tax_rate"] = [_("税率は10%・8%・0%のいずれかです。")]
    stock_value = _quantity(stock, "stock", errors, zero=True)
    reorder_value = _quantity(reorder_point, "reorder_point", errors, zero=True)
    if errors:
        raise ValidationFailed(_("品目を登録できません。"), errors=errors)
    with transaction.atomic():
        item = SupplyItem.objects.create(
            code=code.strip(),
            name=name.strip(),
            category=category.strip()[:50],
            unit=(unit.strip() or "個")[:10],
            unit_price=unit_price,
            vendor_id=vendor_id,
            consumable=consumable and not asset_category,
            stock=stock_value,
            reorder_point=reorder_value,
            asset_category=asset_category,
            asset_life=asset_life if asset_category else 0,
            tax_rate=rate,
        )
        audit_record(
            actor=actor,
            action="facilities.item.create",
            target=item,
            changes={
                "code": [None, item.code],
                "name": [None, item.name],
                "unit_price": [None, unit_price],
                "stock": [None, str(stock_value)],
            },
        )
    return item


def _order_number(day: dt.date) -> str:
    prefix = f"PO-{day:%Y%m}-"
    last = (
        PurchaseOrder.objects.select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) if last else 0) + 1:04d}"


def _order_lines(
    lines: list[dict[str, Any]], errors: dict[str, list[str]]
) -> list[tuple[SupplyItem | None, Decimal, int, int]]:
    items = SupplyItem.objects.in_bulk([line.get("item_id") for line in lines[:100]])
    prepared = []
    for index, line in enumerate(lines[:100]):
        item = items.get(line.get("item_id"))
        if item is None or not item.is_active:
            errors.setdefault(f"lines.{index}.item_id", []).append(_("品目が見つかりません。"))
        quantity = _quantity(line.get("quantity"), f"lines.{index}.quantity", errors)
        price = line.get("unit_price")
        price = item.unit_price if price is None and item else price
        if not isinstance(price, int) or price < 0:
            errors.setdefault(f"lines.{index}.unit_price", []).append(
                _("単価は0円以上にしてください。")
            )
            price = 0
        amount = int((quantity * price).to_integral_value(rounding=ROUND_FLOOR))
        prepared.append((item, quantity, price, amount))
    return prepared


def purchase_order_create(
    *,
    actor: Any,
    vendor_id: int,
    lines: list[dict[str, Any]],
    delivery_address: str = "",
    ordered_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> PurchaseOrder:
    """Order items from one vendor (発注書, numbered PO-YYYYMM-NNNN)."""
    require(actor, "facilities.manage_supplies")
    ordered_on = ordered_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    vendor = Counterparty.objects.filter(pk=vendor_id, is_active=True).first()
    if vendor is None:
        errors["vendor_id"] = [_("取引先が見つかりません。")]
    if not lines or len(lines) > 100:
        errors["lines"] = [_("明細を1〜100行入力してください。")]
    prepared = _order_lines(lines, errors)
    if due_on is not None and due_on < ordered_on:
        errors["due_on"] = [_("納期は発注日以降にしてください。")]
    if errors:
        raise ValidationFailed(_("発注できません。"), errors=errors)
    assert vendor is not None
    with transaction.atomic():
        order = PurchaseOrder.objects.create(
            number=_order_number(ordered_on),
            vendor=vendor,
            ordered_on=ordered_on,
            delivery_address=delivery_address.strip()[:300],
            due_on=due_on,
            total=sum(amount for *_rest, amount in prepared),
            created_by_id=getattr(actor, "pk", None),
        )
        PurchaseOrderLine.objects.bulk_create(
            [
                PurchaseOrderLine(
                    order=order,
                    item=item,
                    quantity=q,
                    unit_price=p,
                    amount=a,
                    tax_rate=item.tax_rate if item else TAX_STANDARD,
                )
                for item, q, p, a in prepared
            ]
        )
        audit_record(
            actor=actor,
            action="facilities.order.create",
            target=order,
            changes={
                "number": [None, order.number],
                "vendor": [None, vendor_id],
                "total": [None, order.total],
                "lines": len(prepared),
            },
        )
    return order


def _receipt_lines(
    lines: dict[int, PurchaseOrderLine], quantities: dict[int, Any]
) -> list[tuple[PurchaseOrderLine, Decimal]]:
    """What arrived per line, refused (with every problem) when above what is still open."""
    errors: dict[str, list[str]] = {}
    receipts = []
    for line_id, raw in quantities.items():
        line = lines.get(int(line_id))
        field = f"lines.{line_id}.quantity"
        if line is None:
            errors.setdefault(field, []).append(_("この発注の明細ではありません。"))
            continue
        quantity = _quantity(raw, field, errors, zero=True)
        if line.received_quantity + quantity > line.quantity:
            errors.setdefault(field, []).append(
                _("入荷数が発注数を超えます(発注 %(ordered)s、入荷済み %(done)s)。")
                % {"ordered": line.quantity, "done": line.received_quantity}
            )
        elif quantity > 0:
            receipts.append((line, quantity))
    if not receipts and not errors:
        errors["quantities"] = [_("入荷数を入力してください。")]
    if errors:
        raise ValidationFailed(_("入荷を記録できません。"), errors=errors)
    return receipts


def order_receive(
    *, actor: Any, order_id: int, quantities: dict[int, Any], received_on: dt.date | None = None
) -> PurchaseOrder:
    """検収: record what arrived per line (partial receipts allowed, never above the order); the
    stock of consumables rises by what arrived."""
    require(actor, "facilities.manage_supplies")
    received_on = received_on or timezone.localdate()
    with transaction.atomic():
        order = PurchaseOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound(_("発注が見つかりません。"))
        if order.status in (PurchaseOrder.Status.RECEIVED, PurchaseOrder.Status.CANCELLED):
            raise Conflict(_("この発注は入荷完了または取消済みです。"))
        lines = {line.pk: line for line in order.lines.select_for_update().select_related("item")}
        receipts = _receipt_lines(lines, quantities)
        assets = capitalise_receipt(
            actor=actor, order=order, receipts=receipts, received_on=received_on
        )
        for line, quantity in receipts:
            PurchaseOrderLine.objects.filter(pk=line.pk).update(
                received_quantity=F("received_quantity") + quantity
            )
            if line.item.consumable:
                SupplyItem.objects.filter(pk=line.item_id).update(stock=F("stock") + quantity)
        GoodsReceipt.objects.bulk_create(
            [
                GoodsReceipt(
                    line=line,
                    quantity=q,
                    received_on=received_on,
                    received_by_id=getattr(actor, "pk", None),
                )
                for line, q in receipts
            ]
        )
        arrived = {line.pk: quantity for line, quantity in receipts}
        complete = all(
            line.received_quantity + arrived.get(pk, 0) >= line.quantity
            for pk, line in lines.items()
        )
        old = order.status
        order.status = PurchaseOrder.Status.RECEIVED if complete else PurchaseOrder.Status.PARTIAL
        order.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="facilities.order.receive",
            target=order,
            changes={
                "status": [old, order.status],
                "received": {str(line.pk): str(q) for line, q in receipts},
                "assets": assets,
            },
        )
    return order


def order_cancel(*, actor: Any, order_id: int) -> PurchaseOrder:
    """Cancel an order nothing has arrived for yet."""
    require(actor, "facilities.manage_supplies")
    with transaction.atomic():
        order = PurchaseOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound(_("発注が見つかりません。"))
        if order.status != PurchaseOrder.Status.ORDERED:
            raise Conflict(_("入荷が始まった発注は取り消せません。"))
        order.status = PurchaseOrder.Status.CANCELLED
        order.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="facilities.order.cancel",
            target=order,
            changes={"status": ["ordered", "cancelled"]},
        )
    return order


def loan_create(
    *,
    actor: Any,
    employee_id: int,
    kind: str,
    name: str,
    serial_number: str = "",
    lent_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> Loan:
    """Lend equipment (PC, phone, badge) to an employee; a serial number is out once at a time."""
    require(actor, "facilities.manage_supplies")
    errors: dict[str, list[str]] = {}
    if not Employee.objects.filter(pk=employee_id).exists():
        errors["employee_id"] = [_("社員が見つかりません。")]
    if kind not in Loan.Kind.values:
        errors["kind"] = [_("種類が正しくありません。")]
    if not name.strip():
        errors["name"] = [_("品名を入力してください。")]
    serial = serial_number.strip()[:100]
    if serial and Loan.objects.filter(serial_number=serial, returned_on__isnull=True).exists():
        errors["serial_number"] = [_("このシリアル番号の品は貸与中です。")]
    if errors:
        raise ValidationFailed(_("貸与を登録できません。"), errors=errors)
    with transaction.atomic():
        loan = Loan.objects.create(
            employee_id=employee_id,
            kind=kind,
            name=name.strip()[:200],
            serial_number=serial,
            lent_on=lent_on or timezone.localdate(),
            due_on=due_on,
        )
        audit_record(
            actor=actor,
            action="facilities.loan.create",
            target=loan,
            changes={"employee": [None, employee_id], "serial_number": [None, serial]},
        )
    return loan


def loan_return(*, actor: Any, loan_id: int, returned_on: dt.date | None = None) -> Loan:
    """Record the return of lent equipment."""
    require(actor, "facilities.manage_supplies")
    with transaction.atomic():
        loan = Loan.objects.select_for_update().filter(pk=loan_id).first()
        if loan is None:
            raise NotFound(_("貸与品が見つかりません。"))
        if loan.returned_on is not None:
            raise Conflict(_("返却済みです。"))
        loan.returned_on = returned_on or timezone.localdate()
        loan.save(update_fields=["returned_on"])
        audit_record(
            actor=actor,
            action="facilities.loan.return",
            target=loan,
            changes={"returned_on": [None, loan.returned_on.isoformat()]},
        )
    return loan


# ---------------------------------------------------------------- selectors


def item_list(*, actor: Any, q: str = "", low_stock: bool = False) -> QuerySet[SupplyItem]:
    require(actor, "facilities.view_supplies")
    items = SupplyItem.objects.filter(is_active=True).select_related("vendor")
    if q:
        items = items.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(category__icontains=q))
    if low_stock:
        items = items.filter(consumable=True, stock__lte=F("reorder_point"))
    return items


def order_list(*, actor: Any, status: str = "") -> QuerySet[PurchaseOrder]:
    require(actor, "facilities.manage_supplies")
    orders = PurchaseOrder.objects.select_related("vendor")
    return orders.filter(status=status) if status else orders


def order_get(*, actor: Any, order_id: int) -> PurchaseOrder:
    require(actor, "facilities.manage_supplies")
    order = PurchaseOrder.objects.select_related("vendor").filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("発注が見つかりません。"))
    return order


def loans_open(*, actor: Any, leaving_only: bool = False) -> QuerySet[Loan]:
    """Equipment still out; `leaving_only` lists what employees with a last day must return."""
    require(actor, "facilities.manage_supplies")
    loans = Loan.objects.filter(returned_on__isnull=True).select_related("employee")
    if leaving_only:
        loans = loans.filter(employee__retire_date__isnull=False).order_by("employee__retire_date")
    return loans

"""Facilities test data, made through the real services where a service exists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from urakata.core.permissions import SYSTEM
from urakata.facilities import assets, supplies, visitors
from urakata.facilities.models import FixedAsset, SupplyItem, Visit


def asset(**overrides: Any) -> FixedAsset:
    values: dict[str, Any] = {
        "name": "複合機",
        "category": "equipment",
        "life": 5,
        "method": "straight",
        "acquired_on": dt.date(2025, 4, 1),
        "cost": 1_200_000,
    }
    actor = overrides.pop("actor", SYSTEM)
    values.update(overrides)
    return assets.asset_register(actor=actor, **values)


def visit(*, host: Any, day: dt.date, **overrides: Any) -> Visit:
    values: dict[str, Any] = {
        "visitor_name": "山田 花子",
        "visitor_company": "株式会社サンプル",
        "visitor_email": "hanako@example.com",
        "visit_date": day,
        "expected_time": dt.time(10, 0),
        "purpose": "打ち合わせ",
        "place": "会議室A",
        "party_size": 1,
    }
    values.update(overrides)
    return visitors.visit_register(actor=host, **values)


def item(**overrides: Any) -> SupplyItem:
    values: dict[str, Any] = {
        "code": "A4-500",
        "name": "コピー用紙 A4 500枚",
        "category": "事務用品",
        "unit": "冊",
        "unit_price": 450,
        "reorder_point": Decimal("10"),
        "stock": Decimal("20"),
    }
    actor = overrides.pop("actor", SYSTEM)
    values.update(overrides)
    return supplies.item_create(actor=actor, **values)

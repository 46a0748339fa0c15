"""Permission-matrix rows for facilities: visitors and reception, supplies, fixed assets.

Hosts see their own visits; reception (総務) the day's board and every visit; the log is 総務's;
the asset register is accounting's and 総務's (auditors read it); accounting posts depreciation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.testing import SUBJECTS, Endpoint, MatrixWorld, exactly, expect
from urakata.facilities import assets, invites, supplies, visitors
from urakata.org.models import Counterparty

API = "/api/v1/facilities"
EVERYONE = expect(*Role)
RECEPTION = expect(Role.GENERAL_AFFAIRS)
ASSET_READERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS, Role.AUDITOR)
ASSET_KEEPERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS)
POSTERS = expect(Role.ACCOUNTING)
HOST_OR_RECEPTION = exactly("employee", Role.GENERAL_AFFAIRS, Role.ADMIN)
HOST_ONLY = exactly("employee")
PUBLIC = exactly(*SUBJECTS)  # the link's token and check code are the credentials


def _u(template: str) -> Callable[[Any], str]:
    """A URL with {visit}, {arrived}, {order}, {loan}, {asset} filled from the world."""
    return lambda ctx: template.format(
        visit=ctx["fac_visit"].pk,
        arrived=ctx["fac_arrived"].pk,
        order=ctx["fac_order"].pk,
        line=ctx["fac_order"].lines.get().pk,
        loan=ctx["fac_loan"].pk,
        asset=ctx["fac_asset"].pk,
        invite=ctx["fac_invite"].invite.pk,
        token=ctx["fac_invite"].token,
    )


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    today = timezone.localdate()
    host = world.users["employee"]
    visit = visitors.visit_register(
        actor=host, visitor_name="検証 太郎", visitor_company="検証商事", visit_date=today
    )
    arrived = visitors.visit_register(
        actor=host, visitor_name="検証 花子", visitor_company="検証商事", visit_date=today
    )
    visitors.visit_check_in(actor=SYSTEM, visit_id=arrived.pk)
    vendor = Counterparty.objects.create(code="FAC-V1", name="検証文具", is_supplier=True)
    item = supplies.item_create(
        actor=SYSTEM,
        code="FAC-1",
        name="検証用紙",
        unit_price=500,
        vendor_id=vendor.pk,
        stock=Decimal(3),
        reorder_point=Decimal(5),
    )
    order = supplies.purchase_order_create(
        actor=SYSTEM, vendor_id=vendor.pk, lines=[{"item_id": item.pk, "quantity": 10}]
    )
    loan = supplies.loan_create(
        actor=SYSTEM, employee_id=host.employee.pk, kind="pc", name="検証PC", serial_number="FAC-PC"
    )
    asset = assets.asset_register(
        actor=SYSTEM,
        name="検証複合機",
        category="equipment",
        life=5,
        method="straight",
        acquired_on=dt.date(2025, 4, 1),
        cost=600_000,
    )
    invite = invites.visit_invite_create(
        actor=host,
        title="検証面談",
        date_from=today + dt.timedelta(days=1),
        date_to=today + dt.timedelta(days=5),
        time_from=dt.time(9, 0),
        time_to=dt.time(18, 0),
        max_uses=50,
    )
    return {
        "fac_invite": invite,
        "fac_visit": visit,
        "fac_arrived": arrived,
        "fac_vendor": vendor,
        "fac_item": item,
        "fac_order": order,
        "fac_loan": loan,
        "fac_asset": asset,
        "fac_host_employee": host.employee.pk,
        "fac_host_user": host.pk,
    }


def _visit_form(ctx: Any) -> dict[str, Any]:
    return {"visitor_name": "新規 来客", "visit_date": timezone.localdate().isoformat()}


def _walk_in(ctx: Any) -> dict[str, Any]:
    return {"visitor_name": "飛込 来客", "host_id": ctx["fac_host_employee"]}


def _walk_in_api(ctx: Any) -> dict[str, Any]:
    return {"visitor_name": "飛込 来客", "host_id": ctx["fac_host_user"]}


def _order(ctx: Any) -> dict[str, Any]:
    return {
        "vendor_id": ctx["fac_vendor"].pk,
        "lines": [{"item_id": ctx["fac_item"].pk, "quantity": "2"}],
    }


def _order_form(ctx: Any) -> dict[str, Any]:
    return {"vendor_id": ctx["fac_vendor"].pk, "item_id": ctx["fac_item"].pk, "quantity": "2"}


def _loan(ctx: Any) -> dict[str, Any]:
    return {
        "employee_id": ctx["fac_host_employee"],
        "kind": "phone",
        "name": "検証スマホ",
        "serial_number": "FAC-PH",
    }


def _invite_form(ctx: Any) -> dict[str, Any]:
    day = timezone.localdate() + dt.timedelta(days=2)
    return {
        "title": "検証面談",
        "date_from": day.isoformat(),
        "date_to": day.isoformat(),
        "time_from": "10:00",
        "time_to": "12:00",
    }


def _self_register(ctx: Any) -> dict[str, Any]:
    return {
        "token": ctx["fac_invite"].token,
        "code": ctx["fac_invite"].code,
        "visitor_name": "自己 登録",
        "visitor_email": "self@example.com",
        "visit_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "expected_time": "10:00",
    }


ASSET = {
    "name": "検証PC",
    "category": "equipment",
    "life": 4,
    "method": "straight",
    "acquired_on": "2025-06-01",
    "cost": 300_000,
}

ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ pages: visitors
    Endpoint("page-facilities-visits", "GET", "/facilities/visits/", EVERYONE),
    Endpoint(
        "page-facilities-visit-new",
        "POST",
        "/facilities/visits/",
        EVERYONE,
        payload=_visit_form,
        form=True,
        redirects=True,
    ),
    Endpoint("page-facilities-visit-log", "GET", "/facilities/visits/log/", RECEPTION),
    Endpoint(
        "page-facilities-visit-cancel",
        "POST",
        _u("/facilities/visits/{visit}/cancel/"),
        HOST_OR_RECEPTION,
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-facilities-visit-qr",
        "GET",
        _u("/facilities/visits/{visit}/qr.png"),
        HOST_OR_RECEPTION,
    ),
    Endpoint(
        "page-facilities-visit-check-out",
        "POST",
        _u("/facilities/visits/{arrived}/check-out/"),
        RECEPTION,
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-facilities-visit-badge",
        "GET",
        _u("/facilities/visits/{arrived}/badge.pdf"),
        RECEPTION,
    ),
    Endpoint("page-facilities-reception", "GET", "/facilities/reception/", RECEPTION),
    Endpoint(
        "page-facilities-check-in",
        "POST",
        "/facilities/reception/check-in/",
        RECEPTION,
        payload=lambda ctx: {"visit_id": ctx["fac_visit"].pk},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-facilities-walk-in",
        "POST",
        "/facilities/reception/walk-in/",
        RECEPTION,
        payload=_walk_in,
        form=True,
        redirects=True,
    ),
    # ------------------------------------------------------------ pages: supplies
    Endpoint("page-facilities-items", "GET", "/facilities/items/", EVERYONE),
    Endpoint(
        "page-facilities-item-new",
        "POST",
        "/facilities/items/",
        RECEPTION,
        payload={"code": "FAC-2", "name": "検証ペン"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-facilities-requests", "GET", "/facilities/requests/", EVERYONE),
    Endpoint(
        "page-facilities-request-new",
        "POST",
        "/facilities/requests/",
        EVERYONE,
        payload=lambda ctx: {"item_id": ctx["fac_item"].pk, "quantity": "2"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-facilities-orders", "GET", "/facilities/orders/", RECEPTION),
    Endpoint(
        "page-facilities-order-new",
        "POST",
        "/facilities/orders/",
        RECEPTION,
        payload=_order_form,
        form=True,
        redirects=True,
    ),
    Endpoint("page-facilities-order", "GET", _u("/facilities/orders/{order}/"), RECEPTION),
    Endpoint("page-facilities-order-pdf", "GET", _u("/facilities/orders/{order}/pdf/"), RECEPTION),
    Endpoint(
        "page-facilities-order-send",
        "POST",
        _u("/facilities/orders/{order}/send/"),
        RECEPTION,
        payload={"email": "vendor@example.com"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-facilities-order-receive",
        "POST",
        _u("/facilities/orders/{order}/"),
        RECEPTION,
        payload=lambda ctx: {f"receive_{ctx['fac_order'].lines.get().pk}": "4"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-facilities-loans", "GET", "/facilities/loans/", RECEPTION),
    Endpoint(
        "page-facilities-loan-new",
        "POST",
        "/facilities/loans/",
        RECEPTION,
        payload=_loan,
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-facilities-loan-return",
        "POST",
        _u("/facilities/loans/{loan}/return/"),
        RECEPTION,
        form=True,
        redirects=True,
    ),
    # ------------------------------------------------------------ pages: assets
    Endpoint("page-facilities-assets", "GET", "/facilities/assets/", ASSET_READERS),
    Endpoint(
        "page-facilities-asset-new",
        "POST",
        "/facilities/assets/",
        ASSET_KEEPERS,
        payload=ASSET,
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-facilities-asset-export",
        "GET",
        "/facilities/assets/export/",
        ASSET_READERS,
        payload={"fy": "2025", "format": "csv"},
    ),
    Endpoint(
        "page-facilities-depreciation-post",
        "POST",
        "/facilities/assets/depreciation/",
        POSTERS,
        payload={"month": "2025-07"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-facilities-asset", "GET", _u("/facilities/assets/{asset}/"), ASSET_READERS),
    Endpoint(
        "page-facilities-asset-dispose",
        "POST",
        _u("/facilities/assets/{asset}/dispose/"),
        ASSET_KEEPERS,
        payload={"disposed_on": "2025-08-31", "proceeds": "100000"},
        form=True,
        redirects=True,
    ),
    # ------------------------------------------------------------ pages: self-registration links
    Endpoint("page-facilities-invites", "GET", "/facilities/visits/invites/", EVERYONE),
    Endpoint(
        "page-facilities-invite-new",
        "POST",
        "/facilities/visits/invites/",
        EVERYONE,
        payload=_invite_form,
        form=True,
    ),
    Endpoint(
        "page-facilities-invite-revoke",
        "POST",
        _u("/facilities/visits/invites/{invite}/revoke/"),
        HOST_ONLY,
        form=True,
        redirects=True,
    ),
    Endpoint("page-facilities-invite-public", "GET", _u("/facilities/invite/{token}/"), PUBLIC),
    Endpoint(
        "page-facilities-invite-public-register",
        "POST",
        _u("/facilities/invite/{token}/"),
        PUBLIC,
        payload=_self_register,
        form=True,
    ),
    # ------------------------------------------------------------ API: visitors
    Endpoint("api-facilities-visit-invites", "GET", f"{API}/visit-invites", EVERYONE),
    Endpoint(
        "api-facilities-visit-invite-create",
        "POST",
        f"{API}/visit-invites",
        EVERYONE,
        payload=_invite_form,
    ),
    Endpoint(
        "api-facilities-visit-invite-revoke",
        "POST",
        _u(API + "/visit-invites/{invite}/revoke"),
        HOST_ONLY,
    ),
    Endpoint(
        "api-facilities-visit-self-register",
        "POST",
        f"{API}/visit-invites/register",
        PUBLIC,
        payload=_self_register,
    ),
    Endpoint("api-facilities-visits", "GET", f"{API}/visits", EVERYONE),
    Endpoint("api-facilities-visit-create", "POST", f"{API}/visits", EVERYONE, payload=_visit_form),
    Endpoint("api-facilities-visit-log", "GET", f"{API}/visits/log", RECEPTION),
    Endpoint("api-facilities-visit", "GET", _u(API + "/visits/{visit}"), HOST_OR_RECEPTION),
    Endpoint(
        "api-facilities-visit-cancel", "POST", _u(API + "/visits/{visit}/cancel"), HOST_OR_RECEPTION
    ),
    Endpoint(
        "api-facilities-visit-check-out", "POST", _u(API + "/visits/{arrived}/check-out"), RECEPTION
    ),
    Endpoint("api-facilities-board", "GET", f"{API}/reception/board", RECEPTION),
    Endpoint(
        "api-facilities-check-in",
        "POST",
        f"{API}/reception/check-in",
        RECEPTION,
        payload=lambda ctx: {"code": ctx["fac_visit"].code},
    ),
    Endpoint(
        "api-facilities-walk-in",
        "POST",
        f"{API}/reception/walk-in",
        RECEPTION,
        payload=_walk_in_api,
    ),
    # ------------------------------------------------------------ API: supplies
    Endpoint("api-facilities-items", "GET", f"{API}/items", EVERYONE),
    Endpoint(
        "api-facilities-item-create",
        "POST",
        f"{API}/items",
        RECEPTION,
        payload={"code": "FAC-3", "name": "検証ノート"},
    ),
    Endpoint("api-facilities-requests", "GET", f"{API}/requests", EVERYONE),
    Endpoint(
        "api-facilities-request-create",
        "POST",
        f"{API}/requests",
        EVERYONE,
        payload=lambda ctx: {"item_id": ctx["fac_item"].pk, "quantity": "2"},
    ),
    Endpoint("api-facilities-orders", "GET", f"{API}/orders", RECEPTION),
    Endpoint("api-facilities-order-create", "POST", f"{API}/orders", RECEPTION, payload=_order),
    Endpoint("api-facilities-order", "GET", _u(API + "/orders/{order}"), RECEPTION),
    Endpoint("api-facilities-order-pdf", "GET", _u(API + "/orders/{order}/pdf"), RECEPTION),
    Endpoint(
        "api-facilities-order-send",
        "POST",
        _u(API + "/orders/{order}/send"),
        RECEPTION,
        payload={"email": "vendor@example.com"},
    ),
    Endpoint(
        "api-facilities-order-receive",
        "POST",
        _u(API + "/orders/{order}/receive"),
        RECEPTION,
        payload=lambda ctx: {"quantities": {str(ctx["fac_order"].lines.get().pk): "3"}},
    ),
    Endpoint("api-facilities-order-cancel", "POST", _u(API + "/orders/{order}/cancel"), RECEPTION),
    Endpoint("api-facilities-loans", "GET", f"{API}/loans", RECEPTION),
    Endpoint("api-facilities-loan-create", "POST", f"{API}/loans", RECEPTION, payload=_loan),
    Endpoint("api-facilities-loan-return", "POST", _u(API + "/loans/{loan}/return"), RECEPTION),
    # ------------------------------------------------------------ API: assets
    Endpoint("api-facilities-assets", "GET", f"{API}/assets", ASSET_READERS),
    Endpoint("api-facilities-asset-create", "POST", f"{API}/assets", ASSET_KEEPERS, payload=ASSET),
    Endpoint(
        "api-facilities-asset-register",
        "GET",
        f"{API}/assets/register",
        ASSET_READERS,
        payload={"fiscal_year": 2025},
    ),
    Endpoint("api-facilities-asset", "GET", _u(API + "/assets/{asset}"), ASSET_READERS),
    Endpoint(
        "api-facilities-asset-dispose",
        "POST",
        _u(API + "/assets/{asset}/dispose"),
        ASSET_KEEPERS,
        payload={"disposed_on": "2025-08-31", "proceeds": 0},
    ),
    Endpoint(
        "api-facilities-depreciation-post",
        "POST",
        f"{API}/depreciation",
        POSTERS,
        payload={"month": "2025-07"},
    ),
    Endpoint(
        "api-facilities-depreciation-schedule",
        "GET",
        f"{API}/depreciation/schedule",
        ASSET_READERS,
        payload={"cost": 1000000, "life": 10, "method": "declining", "acquired": "2025-04-01"},
    ),
]

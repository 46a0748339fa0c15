"""印紙代の節約額: the 印紙税 a paper original would need (印紙税法 別表第一 第1号・第2号・第7号,
軽減措置 租特法91条), hand-computed at the bounds; the register shows it per contract and in total
(page, API, CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from urakata.core.roles import Role
from urakata.documents import contracts
from urakata.documents.contract_models import Contract
from urakata.documents.stamp_duty import StampCategory as C
from urakata.documents.stamp_duty import default_category, stamp_duty, term_months
from urakata.org.tests.factories import CounterpartyFactory

API = "/api/v1/documents/contracts"
IN_2026 = dt.date(2026, 6, 1)  # inside the 軽減措置 (2014-04-01 … 2027-03-31)
AFTER = dt.date(2027, 4, 1)  # after it: 本則


CASES = [
    # 第2号 請負 (not construction): 本則 always
    (C.NO2_OTHER, 9_999, IN_2026, 0),  # 1万円未満: 非課税
    (C.NO2_OTHER, 10_000, IN_2026, 200),
    (C.NO2_OTHER, 1_000_000, IN_2026, 200),
    (C.NO2_OTHER, 1_000_001, IN_2026, 400),
    (C.NO2_OTHER, 2_000_000, IN_2026, 400),
    (C.NO2_OTHER, 2_000_001, IN_2026, 1_000),
    (C.NO2_OTHER, 3_000_001, IN_2026, 2_000),
    (C.NO2_OTHER, 5_000_001, IN_2026, 10_000),
    (C.NO2_OTHER, 10_000_001, IN_2026, 20_000),
    (C.NO2_OTHER, 5_000_000_001, IN_2026, 600_000),
    (C.NO2_OTHER, 0, IN_2026, 200),  # 契約金額の記載のないもの
    (C.NO2_OTHER, None, IN_2026, 200),
    # 第2号 建設工事: reduced above 100万円 inside the period
    (C.NO2_CONSTRUCTION, 1_000_000, IN_2026, 200),
    (C.NO2_CONSTRUCTION, 1_000_001, IN_2026, 200),
    (C.NO2_CONSTRUCTION, 2_000_001, IN_2026, 500),
    (C.NO2_CONSTRUCTION, 3_000_001, IN_2026, 1_000),
    (C.NO2_CONSTRUCTION, 5_000_001, IN_2026, 5_000),
    (C.NO2_CONSTRUCTION, 10_000_001, IN_2026, 10_000),
    (C.NO2_CONSTRUCTION, 50_000_001, IN_2026, 30_000),
    (C.NO2_CONSTRUCTION, 100_000_001, IN_2026, 60_000),
    (C.NO2_CONSTRUCTION, 1_000_000_001, IN_2026, 320_000),
    (C.NO2_CONSTRUCTION, 5_000_000_001, IN_2026, 480_000),
    (C.NO2_CONSTRUCTION, 1_000_001, dt.date(2027, 3, 31), 200),  # last day reduced
    (C.NO2_CONSTRUCTION, 1_000_001, AFTER, 400),
    (C.NO2_CONSTRUCTION, 10_000_001, AFTER, 20_000),
    (C.NO2_CONSTRUCTION, 10_000_000, dt.date(2014, 4, 1), 5_000),
    # the earlier measure (1997-04-01 … 2014-03-31): reduced only above 1,000万円
    (C.NO2_CONSTRUCTION, 10_000_000, dt.date(2014, 3, 31), 10_000),
    (C.NO2_CONSTRUCTION, 10_000_001, dt.date(2014, 3, 31), 15_000),
    (C.NO2_CONSTRUCTION, 10_000_001, dt.date(1997, 3, 31), 20_000),
    # 第1号の1 不動産の譲渡: reduced above 10万円
    (C.NO1_REAL_ESTATE, 100_000, IN_2026, 200),
    (C.NO1_REAL_ESTATE, 100_001, IN_2026, 200),
    (C.NO1_REAL_ESTATE, 500_001, IN_2026, 500),
    (C.NO1_REAL_ESTATE, 1_000_001, IN_2026, 1_000),
    (C.NO1_REAL_ESTATE, 5_000_001, IN_2026, 5_000),
    (C.NO1_REAL_ESTATE, 50_000_001, IN_2026, 30_000),
    (C.NO1_REAL_ESTATE, 500_000_001, IN_2026, 160_000),
    (C.NO1_REAL_ESTATE, 100_001, AFTER, 400),
    (C.NO1_REAL_ESTATE, 9_999, IN_2026, 0),
    # 第1号 消費貸借・運送: 本則
    (C.NO1_OTHER, 100_000, IN_2026, 200),
    (C.NO1_OTHER, 100_001, IN_2026, 400),
    (C.NO1_OTHER, 500_001, IN_2026, 1_000),
    (C.NO1_OTHER, 1_000_001, IN_2026, 2_000),
    (C.NO1_OTHER, 50_000_001, IN_2026, 60_000),
    # 第7号 and 不課税
    (C.NO7, 0, IN_2026, 4_000),
    (C.NO7, 30_000_000, IN_2026, 4_000),
    (C.NONE, 30_000_000, IN_2026, 0),
]


@pytest.mark.parametrize(("category", "amount", "made_on", "duty"), CASES)
def test_duty_by_line_amount_and_date(
    category: str, amount: int | None, made_on: dt.date, duty: int
) -> None:
    assert stamp_duty(category=category, amount=amount, made_on=made_on) == duty


def test_seventh_line_short_term_without_renewal_is_not_taxable() -> None:
    assert stamp_duty(category=C.NO7, amount=0, made_on=IN_2026, months=3) == 0
    assert stamp_duty(category=C.NO7, amount=0, made_on=IN_2026, months=3, renews=True) == 4_000
    assert stamp_duty(category=C.NO7, amount=0, made_on=IN_2026, months=4) == 4_000


def test_term_months_and_defaults() -> None:
    assert term_months(dt.date(2026, 4, 1), dt.date(2026, 6, 30)) == 3
    assert term_months(dt.date(2026, 4, 15), dt.date(2026, 7, 14)) == 3
    assert term_months(dt.date(2026, 4, 15), dt.date(2026, 7, 15)) == 4
    assert term_months(dt.date(2026, 4, 1), dt.date(2027, 3, 31)) == 12
    assert default_category("請負") == C.NO2_OTHER
    assert default_category("売買基本") == C.NO7
    assert default_category("秘密保持") == C.NONE


def _contract(actor: Any, kind: str, amount: int, **extra: Any) -> Contract:
    data = {
        "title": f"{kind}契約書",
        "contract_type": kind,
        "counterparty_id": CounterpartyFactory().pk,
        "amount": amount,
        "start_date": dt.date(2026, 4, 1),
        "end_date": dt.date(2027, 3, 31),
        "body": "第1条 目的",
        "signer_name": "山田 花子",
        "signer_email": "hanako@example.jp",
        **extra,
    }
    return contracts.contract_create(actor=actor, data=data)


@pytest.mark.django_db
def test_register_shows_savings_per_contract_and_total(make_user: Any, client_for: Any) -> None:
    drafter = make_user(Role.GENERAL_AFFAIRS)
    work = _contract(drafter, "請負", 1_200_000)  # 第2号 1,200,000 → 400
    base = _contract(drafter, "売買基本", 0)  # 第7号 → 4,000 (draft: pending)
    _contract(drafter, "秘密保持", 0)  # 不課税 → 0
    works = _contract(drafter, "工事", 1_000_001, stamp_category=C.NO2_CONSTRUCTION)
    signed_at = dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)
    Contract.objects.filter(pk__in=[work.pk, works.pk]).update(
        status=Contract.Status.SIGNED, counterparty_signed_at=signed_at
    )
    assert base.stamp_category == C.NO7 and work.stamp_category == C.NO2_OTHER

    client = client_for(Role.GENERAL_AFFAIRS)
    page = client.get("/documents/contracts/").content.decode()
    assert "印紙代の節約額" in page and "合計 600 円" in page  # 400 + 200 (軽減)
    assert "見込まれる節約額 4,000 円" in page

    rows = {r["id"]: r for r in client.get(API).json()}
    assert rows[work.pk]["stamp_duty"] == 400 and rows[work.pk]["stamp_saved"] == 400
    assert rows[works.pk]["stamp_saved"] == 200
    assert rows[base.pk]["stamp_duty"] == 4_000 and rows[base.pk]["stamp_saved"] == 0
    totals = client.get(f"{API}/totals").json()
    assert totals == {"contracts": 4, "concluded": 2, "stamp_saved": 600, "stamp_pending": 4_000}

    for url in (f"{API}/register.csv", "/documents/contracts/?format=csv"):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
        assert table[0][-2:] == ["紙の契約書の印紙税", "印紙代の節約額"]
        by_id = {int(r[0]): r for r in table[1:]}
        assert by_id[work.pk][-2:] == ["400", "400"] and by_id[base.pk][-2:] == ["4000", "0"]


@pytest.mark.django_db
def test_bad_stamp_category_is_refused(make_user: Any, client_for: Any) -> None:
    drafter = make_user(Role.GENERAL_AFFAIRS)
    from urakata.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as raised:
        _contract(drafter, "請負", 1_000, stamp_category="99")
    assert "stamp_category" in (raised.value.errors or {})
    response = client_for(Role.GENERAL_AFFAIRS).post(
        API,
        {
            "title": "x",
            "counterparty_id": CounterpartyFactory().pk,
            "amount": 1,
            "stamp_category": "99",
            "start_date": "2026-04-01",
            "end_date": "2026-05-01",
            "body": "b",
            "signer_name": "s",
            "signer_email": "s@example.jp",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Contract.objects.filter(title="x").exists()


# 消費税額等 stated separately is not part of the 記載金額 (間消3-2 1): hand-computed.
TAX_CASES = [
    # 請負金額 1,100,000円 うち消費税額等 100,000円 → 記載金額 1,000,000円: 200円, not 400円
    (C.NO2_OTHER, 1_100_000, 100_000, IN_2026, 200),
    (C.NO2_OTHER, 1_100_000, None, IN_2026, 400),  # not stated separately: the total counts
    # 建設工事 5,500,000円 うち 500,000円 → 5,000,000円: reduced line 300万超500万以下 1,000円
    (C.NO2_CONSTRUCTION, 5_500_000, 500_000, IN_2026, 1_000),
    (C.NO2_CONSTRUCTION, 5_500_000, None, IN_2026, 5_000),
    # 不動産の譲渡 11,000円 うち 1,000円 → 10,000円: 200円; 10,999 うち 1,000 → 9,999: 非課税
    (C.NO1_REAL_ESTATE, 11_000, 1_000, IN_2026, 200),
    (C.NO1_REAL_ESTATE, 10_999, 1_000, IN_2026, 0),
    # 第7号 is by the document, not the amount
    (C.NO7, 11_000_000, 1_000_000, IN_2026, 4_000),
]


@pytest.mark.parametrize(("category", "amount", "tax", "day", "duty"), TAX_CASES)
def test_separately_stated_consumption_tax(
    category: str, amount: int, tax: int | None, day: dt.date, duty: int
) -> None:
    assert stamp_duty(category=category, amount=amount, made_on=day, consumption_tax=tax) == duty


def test_consumption_tax_out_of_range() -> None:
    with pytest.raises(ValueError):
        stamp_duty(category=C.NO2_OTHER, amount=1_000, made_on=IN_2026, consumption_tax=1_001)
    with pytest.raises(ValueError):
        stamp_duty(category=C.NO2_OTHER, amount=1_000, made_on=IN_2026, consumption_tax=-1)


# 通則3イ: a 第1号/第2号 contract that is also 第7号 (継続的取引の基本となる契約書).
RULE_3I_CASES = [
    # no 契約金額: it is 第7号 → 4,000円 (alone it would be 第2号 記載金額なし 200円)
    (C.NO2_OTHER, None, 12, False, True, 4_000),
    (C.NO2_OTHER, 0, 12, False, False, 200),
    (C.NO1_OTHER, None, 24, True, True, 4_000),
    # 3 months without renewal is not 第7号: stays 第2号 記載金額なし
    (C.NO2_OTHER, None, 3, False, True, 200),
    (C.NO2_OTHER, None, 3, True, True, 4_000),  # renews: 第7号 again
    # with a 契約金額: 第2号 by the amount
    (C.NO2_OTHER, 3_000_000, 12, False, True, 1_000),
    # … and under 1万円 not 非課税 (it is 第2号 through 通則3イ): the first line, 200円
    (C.NO2_OTHER, 9_999, 12, False, True, 200),
    (C.NO2_OTHER, 9_999, 12, False, False, 0),
    (C.NO2_OTHER, 9_999, 3, False, True, 0),  # not 第7号 after all: 非課税
]


@pytest.mark.parametrize(
    ("category", "amount", "months", "renews", "continuing", "duty"), RULE_3I_CASES
)
def test_rule_3i_contract_also_no7(
    category: str, amount: int | None, months: int, renews: bool, continuing: bool, duty: int
) -> None:
    got = stamp_duty(
        category=category,
        amount=amount,
        made_on=IN_2026,
        months=months,
        renews=renews,
        continuing=continuing,
    )
    assert got == duty

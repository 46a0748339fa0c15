"""印紙税: the revenue stamp a paper contract would need — which an electronic contract saves.

Official table (data carried over, not code):
- 印紙税法 別表第一 課税物件表 第1号・第2号・第7号, as summarised by 国税庁「印紙税額一覧表」
  (https://www.nta.go.jp/publication/pamph/inshi/pdf/zeigaku_ichiranhyo.pdf) and タックスアンサー
  No.7140「印紙税額の一覧表(その1)第1号文書から第4号文書まで」
  (https://www.nta.go.jp/taxes/shiraberu/taxanswer/inshi/7140.htm), No.7102「請負に関する契約書」
  (…/inshi/7102.htm) and 「継続的取引の基本となる契約書」(第7号文書: 一通 4,000円; 契約期間が
  3か月以内で更新の定めのないものは除かれる).
- 軽減措置 (租税特別措置法91条): 不動産の譲渡に関する契約書 (第1号の1) and 建設工事の請負に関する
  契約書 (第2号) made 2014-04-01 … 2027-03-31 — No.7108「不動産売買契約書及び建設工事請負契約書の
  印紙税の軽減措置」(https://www.nta.go.jp/taxes/shiraberu/taxanswer/inshi/7108.htm); the
  earlier measure (1997-04-01 … 2014-03-31, only above 1,000万円) as the NTA published it then
  (15,000 / 45,000 / 80,000 / 180,000 / 360,000 / 540,000円).
- 非課税: a 第1号 or 第2号 contract whose 契約金額 is under 1万円 (別表第一 非課税物件);
  記載金額のないもの 200円.

Electronic contracts: 印紙税 is levied on the *making* of a taxable document (印紙税法3条); 「作成」
means writing the taxable matters on paper and using it for its purpose, i.e. handing it over
(印紙税法基本通達44条, https://www.nta.go.jp/law/tsutatsu/kihon/inshi/inshi01/07.htm). An
electronic record sent by e-mail is not a document handed over, so no tax arises: 国税庁 文書回答事例
「請負契約に係る注文請書を電磁的記録に変換して電子メールで送信した場合の印紙税の課税関係について」
(福岡国税局, 2005). So an e-contract saves exactly the duty its paper counterpart would need.

記載金額 and 消費税額等: the 契約金額 is the amount written in the contract, 消費税 included; but for
第1号, 第2号 (and 第17号) documents, where the 消費税額等 is stated separately (「請負金額1,100万円 うち
消費税額等100万円」, or both the taxed and untaxed amounts are written), it is not part of the 記載金額
(平成元年3月10日付 間消3-2「消費税法の改正等に伴う印紙税の取扱いについて」1, 最終改正 令和元年7月1日付
課消4-55; 国税庁 質疑応答事例「税込金額と税抜金額が記載されている場合」,
https://www.nta.go.jp/law/shitsugi/inshi/03/09.htm). `stamp_duty(consumption_tax=…)` takes it.

通則3イ (印紙税法 別表第一 課税物件表の適用に関する通則3イ): a document that is both 第1号/第2号 and
第3号…第17号 is 第1号/第2号 — except that one **without a 契約金額** that is also 第7号 is 第7号
(4,000円). And a 第1号/第2号 document classified so by 通則3イ is not 非課税 below 1万円: the
非課税物件 column excludes 「課税物件表の適用に関する通則3イの規定が適用されることによりこの号に掲げる
文書となるもの」 (別表第一 as quoted by 国税庁, https://www.nta.go.jp/law/joho-zeikaishaku/inshi/6369/sanko.htm).
`stamp_duty(continuing=True)` says the contract is also a 継続的取引の基本となる契約書 (第7号).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class StampCategory(models.TextChoices):
    """Which line of 別表第一 a paper version of the contract falls under."""

    NONE = "none", _("不課税(課税文書に当たらない)")
    NO1_REAL_ESTATE = "1_real_estate", _("第1号の1 不動産の譲渡")
    NO1_OTHER = "1_other", _("第1号 地上権・土地賃借権・消費貸借・運送")
    NO2_CONSTRUCTION = "2_construction", _("第2号 建設工事の請負")
    NO2_OTHER = "2_other", _("第2号 請負(建設工事以外)")
    NO7 = "7", _("第7号 継続的取引の基本となる契約書")


YEN_10K = 10_000
NO_AMOUNT_DUTY = 200  # 契約金額の記載のないもの
NO7_DUTY = 4_000
# (upper bound of the 契約金額 inclusive, duty); the last line has no bound.
NO1_TABLE: tuple[tuple[int | None, int], ...] = (
    (100_000, 200),
    (500_000, 400),
    (1_000_000, 1_000),
    (5_000_000, 2_000),
    (10_000_000, 10_000),
    (50_000_000, 20_000),
    (100_000_000, 60_000),
    (500_000_000, 100_000),
    (1_000_000_000, 200_000),
    (5_000_000_000, 400_000),
    (None, 600_000),
)
NO2_TABLE: tuple[tuple[int | None, int], ...] = (
    (1_000_000, 200),
    (2_000_000, 400),
    (3_000_000, 1_000),
    (5_000_000, 2_000),
    (10_000_000, 10_000),
    (50_000_000, 20_000),
    (100_000_000, 60_000),
    (500_000_000, 100_000),
    (1_000_000_000, 200_000),
    (5_000_000_000, 400_000),
    (None, 600_000),
)
# 軽減措置 2014-04-01 … 2027-03-31 (No.7108): 不動産の譲渡 above 10万円, 建設工事 above 100万円.
REDUCED_FROM = dt.date(2014, 4, 1)
REDUCED_UNTIL = dt.date(2027, 3, 31)
REDUCED_REAL_ESTATE: tuple[tuple[int | None, int], ...] = (
    (100_000, 200),  # not reduced (same as 本則)
    (500_000, 200),
    (1_000_000, 500),
    (5_000_000, 1_000),
    (10_000_000, 5_000),
    (50_000_000, 10_000),
    (100_000_000, 30_000),
    (500_000_000, 60_000),
    (1_000_000_000, 160_000),
    (5_000_000_000, 320_000),
    (None, 480_000),
)
REDUCED_CONSTRUCTION: tuple[tuple[int | None, int], ...] = (
    (1_000_000, 200),  # not reduced (same as 本則)
    (2_000_000, 200),
    (3_000_000, 500),
    (5_000_000, 1_000),
    (10_000_000, 5_000),
    (50_000_000, 10_000),
    (100_000_000, 30_000),
    (500_000_000, 60_000),
    (1_000_000_000, 160_000),
    (5_000_000_000, 320_000),
    (None, 480_000),
)
# The earlier measure, 1997-04-01 … 2014-03-31: only contracts above 1,000万円 were reduced.
OLD_REDUCED_FROM = dt.date(1997, 4, 1)
OLD_REDUCED_ABOVE_10M: tuple[tuple[int | None, int], ...] = (
    (50_000_000, 15_000),
    (100_000_000, 45_000),
    (500_000_000, 80_000),
    (1_000_000_000, 180_000),
    (5_000_000_000, 360_000),
    (None, 540_000),
)

# Default line for the contract kinds of the register (the user may choose another).
KIND_DEFAULTS = {
    "請負": StampCategory.NO2_OTHER,
    "保守": StampCategory.NO2_OTHER,
    "工事請負": StampCategory.NO2_CONSTRUCTION,
    "建設工事": StampCategory.NO2_CONSTRUCTION,
    "不動産売買": StampCategory.NO1_REAL_ESTATE,
    "金銭消費貸借": StampCategory.NO1_OTHER,
    "運送": StampCategory.NO1_OTHER,
    "売買基本": StampCategory.NO7,
    "取引基本": StampCategory.NO7,
    "代理店": StampCategory.NO7,
}


def default_category(contract_type: str) -> str:
    """The usual 別表第一 line of a contract kind; 不課税 when none applies (委任・秘密保持・
    建物の賃貸借 are not taxable documents)."""
    return str(KIND_DEFAULTS.get(contract_type.strip(), StampCategory.NONE))


def _lookup(table: tuple[tuple[int | None, int], ...], amount: int) -> int:
    for bound, duty in table:
        if bound is None or amount <= bound:
            return duty
    raise AssertionError("the last line has no bound")  # pragma: no cover


def stamp_duty(
    *,
    category: str,
    amount: int | None,
    made_on: dt.date,
    months: int | None = None,
    renews: bool = False,
    consumption_tax: int | None = None,
    continuing: bool = False,
) -> int:
    """The 印紙税 (yen) on one paper original of a contract. `amount` is the 契約金額 written in it
    (None or 0: no amount written); `made_on` the day it is made (軽減措置); `months` and `renews`
    matter for 第7号 (3 months or less without renewal: not taxable); `consumption_tax` is a
    separately stated 消費税額等, not part of the 記載金額 of a 第1号/第2号 contract (間消3-2);
    `continuing`: the contract is also a 第7号 document (通則3イ)."""
    if consumption_tax is not None and (consumption_tax < 0 or consumption_tax > (amount or 0)):
        raise ValueError("consumption_tax must be between 0 and the amount")
    no7 = not (months is not None and months <= 3 and not renews)  # 第7号's own exclusion
    if category == StampCategory.NO7:
        return NO7_DUTY if no7 else 0
    if category not in (
        StampCategory.NO1_REAL_ESTATE,
        StampCategory.NO1_OTHER,
        StampCategory.NO2_CONSTRUCTION,
        StampCategory.NO2_OTHER,
    ):
        return 0
    also_no7 = continuing and no7
    if not amount:
        return NO7_DUTY if also_no7 else NO_AMOUNT_DUTY  # 通則3イ: 第7号
    amount -= consumption_tax or 0
    if amount < YEN_10K:
        # 非課税 below 1万円, except a document that is 第1号/第2号 through 通則3イ.
        return NO_AMOUNT_DUTY if also_no7 else 0
    real_estate = category == StampCategory.NO1_REAL_ESTATE
    construction = category == StampCategory.NO2_CONSTRUCTION
    if (real_estate or construction) and REDUCED_FROM <= made_on <= REDUCED_UNTIL:
        return _lookup(REDUCED_REAL_ESTATE if real_estate else REDUCED_CONSTRUCTION, amount)
    reducible = real_estate or construction
    if reducible and OLD_REDUCED_FROM <= made_on < REDUCED_FROM and amount > 10_000_000:
        return _lookup(OLD_REDUCED_ABOVE_10M, amount)
    return _lookup(NO1_TABLE if category.startswith("1") else NO2_TABLE, amount)


def term_months(start: dt.date, end: dt.date) -> int:
    """Whole months of a contract term, rounded up (2026-04-01 … 2026-06-30 is 3 months)."""
    last = end + dt.timedelta(days=1)
    months = (last.year - start.year) * 12 + last.month - start.month
    return months + (1 if last.day > start.day else 0)

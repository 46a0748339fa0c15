"""社会保険料 (健康保険・介護保険・子ども・子育て支援金・厚生年金) and 雇用保険, employee shares.

Pure functions on integer yen and exact Decimals (facts.md §4). `month` is the month the premium is
for (〇月分): 協会けんぽ rates change with the 3月分, the 支援金 starts with the 令和8年4月分.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from urakata.core.errors import ValidationFailed
from urakata.payroll.rounding import deduct_round
from urakata.payroll.tables import social_insurance_data

HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)
TWO = Decimal(2)


@dataclass(frozen=True)
class Premiums:
    """Employee shares of one month's (or one bonus's) social insurance, in yen."""

    standard_remuneration_health: int
    standard_remuneration_pension: int
    health: int
    care: int
    child_support: int
    pension: int

    @property
    def total(self) -> int:
        """All four shares (雇用保険 is separate: it is on actual wages)."""
        return self.health + self.care + self.child_support + self.pension

    def as_dict(self) -> dict[str, int]:
        """The CLI / API shape."""
        return asdict(self)


def _ym(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def prefecture_name(code: int) -> str:
    """The prefecture of a JIS code 1–47."""
    prefs: list[str] = social_insurance_data()["prefectures"]
    if not 1 <= code <= len(prefs):
        raise ValidationFailed(
            "bad prefecture", errors={"prefecture": ["都道府県コードは01〜47で指定してください。"]}
        )
    return prefs[code - 1]


def _period(periods: list[dict[str, Any]], month: dt.date, field: str, what: str) -> dict[str, Any]:
    ym = _ym(month)
    for p in periods:
        if p["from"] <= ym <= p["to"]:
            return p
    raise ValidationFailed("no rate", errors={field: [f"{ym}分の{what}は収録していません。"]})


def health_rates(prefecture: int, month: dt.date) -> tuple[Decimal, Decimal]:
    """(健康保険料率, 介護保険料率) in percent for the 協会けんぽ branch of the prefecture."""
    period = _period(social_insurance_data()["health_periods"], month, "month", "健康保険料率")
    return Decimal(period["rates"][prefecture_name(prefecture)]), Decimal(period["care"])


def child_support_rate(month: dt.date) -> Decimal:
    """子ども・子育て支援金率 in percent (0 before the 令和8年4月分)."""
    for p in social_insurance_data()["child_support"]:
        if p["from"] <= _ym(month) <= p["to"]:
            return Decimal(p["rate"])
    if _ym(month) < social_insurance_data()["child_support"][0]["from"]:
        return Decimal(0)
    raise ValidationFailed(
        "no rate", errors={"month": [f"{_ym(month)}分の支援金率は収録していません。"]}
    )


def health_grade(remuneration: int) -> tuple[int, int]:
    """(健保等級, 標準報酬月額) for 報酬月額 (50 grades)."""
    if remuneration < 0:
        raise ValidationFailed("bad amount", errors={"remuneration": ["報酬月額は0以上です。"]})
    grades = social_insurance_data()["health_grades"]
    i = bisect.bisect_right([g["from"] for g in grades], remuneration) - 1
    return grades[i]["grade"], grades[i]["standard"]


def pension_grade(remuneration: int) -> tuple[int, int]:
    """(厚年等級, 標準報酬月額) for 報酬月額 (32 grades: 88,000 – 650,000)."""
    data = social_insurance_data()
    health, _ = health_grade(remuneration)
    offset = data["pension_grade_offset"]
    grade = min(max(health - offset, 1), 32)
    return grade, data["health_grades"][grade + offset - 1]["standard"]


def standard_for_grade(health_grade_no: int) -> tuple[int, int]:
    """(健保 標準報酬月額, 厚年 標準報酬月額) of a 健保 grade."""
    data = social_insurance_data()
    grades = data["health_grades"]
    if not 1 <= health_grade_no <= len(grades):
        raise ValidationFailed("bad grade", errors={"grade": ["健保等級は1〜50です。"]})
    standard = grades[health_grade_no - 1]["standard"]
    return standard, min(max(standard, data["pension_min"]), data["pension_max"])


def is_care_insured(birth_date: dt.date, month: dt.date) -> bool:
    """介護保険第2号: from the month of the day before the 40th birthday to the month before that of
    the day before the 65th birthday (資格取得・喪失 is the day before the birthday)."""

    def day_before(years: int) -> dt.date:
        try:
            birthday = birth_date.replace(year=birth_date.year + years)
        except ValueError:  # 29 February
            birthday = dt.date(birth_date.year + years, 3, 1)
        return birthday - dt.timedelta(days=1)

    start, end = day_before(40), day_before(65)
    ym = (month.year, month.month)
    return (start.year, start.month) <= ym < (end.year, end.month)


def premiums_for(
    *,
    health_standard: int,
    pension_standard: int,
    prefecture: int,
    month: dt.date,
    care: bool,
    health_insured: bool = True,
    pension_insured: bool = True,
    child_support_exempt: bool = False,
) -> Premiums:
    """Employee shares on given 標準報酬 (月額 or 標準賞与額).

    健保+介護 is rounded once on the combined rate (額表の「介護保険第2号被保険者に該当する場合」);
    `care` is that combined amount less the health-only amount, so health + care is exact.
    """
    health_rate, care_rate = health_rates(prefecture, month)
    child_rate = child_support_rate(month)
    pension_rate = Decimal(social_insurance_data()["pension_rate"])
    health = care_amount = child = pension = 0
    if health_insured:
        health = deduct_round(health_standard * health_rate / HUNDRED / TWO)
        if care:
            care_amount = (
                deduct_round(health_standard * (health_rate + care_rate) / HUNDRED / TWO) - health
            )
        if not child_support_exempt:
            child = deduct_round(health_standard * child_rate / HUNDRED / TWO)
    if pension_insured:
        pension = deduct_round(pension_standard * pension_rate / HUNDRED / TWO)
    return Premiums(
        standard_remuneration_health=health_standard if health_insured else 0,
        standard_remuneration_pension=pension_standard if pension_insured else 0,
        health=health,
        care=care_amount,
        child_support=child,
        pension=pension,
    )


def monthly_premiums(*, remuneration: int, age: int, prefecture: int, month: dt.date) -> Premiums:
    """The `urakata payroll social-insurance` calculator: 報酬月額 → grades → employee shares.

    With an age instead of a birth date, 介護 applies for ages 40–64 (the caller decides the month
    boundary; the pay run uses `is_care_insured` with the birth date)."""
    if age < 0:
        raise ValidationFailed("bad age", errors={"age": ["年齢は0以上です。"]})
    _, health_standard = health_grade(remuneration)
    _, pension_standard = pension_grade(remuneration)
    return premiums_for(
        health_standard=health_standard,
        pension_standard=pension_standard,
        prefecture=prefecture,
        month=month,
        care=40 <= age < 65,
        pension_insured=age < 70,
    )


def standard_bonus(amount: int) -> int:
    """標準賞与額 before caps: 1,000円未満切捨て."""
    return (amount // 1000) * 1000 if amount > 0 else 0


def bonus_standards(amount: int, *, health_fiscal_year_so_far: int) -> tuple[int, int]:
    """(健保 標準賞与額, 厚年 標準賞与額) after the caps: 健保 年度累計 5,730,000; 厚年 1,500,000/回."""
    caps = social_insurance_data()["bonus_caps"]
    std = standard_bonus(amount)
    health_room = max(caps["health_fiscal_year"] - health_fiscal_year_so_far, 0)
    return min(std, health_room), min(std, caps["pension_per_payment"])


def employment_rate(kind: str, month: dt.date) -> tuple[Decimal, Decimal]:
    """(worker, employer) 雇用保険料率 per mille for the business kind in the month's 年度."""
    period = _period(social_insurance_data()["employment"], month, "month", "雇用保険料率")
    if kind not in period["kinds"]:
        raise ValidationFailed(
            "bad kind",
            errors={"employment_kind": [f"{_ym(month)}の事業区分「{kind}」の料率は未収録です。"]},
        )
    worker, employer = period["kinds"][kind]
    return Decimal(worker), Decimal(employer)


def employment_premium(wages: int, *, kind: str = "general", month: dt.date) -> int:
    """雇用保険 worker share on actual wages (賃金総額), 50銭以下切捨て."""
    worker, _ = employment_rate(kind, month)
    return deduct_round(wages * worker / THOUSAND)


def employer_premiums(
    *, employee: Premiums, prefecture: int, month: dt.date, care: bool
) -> dict[str, int]:
    """Employer shares (法定福利費): the same rates on the same standards; the employer pays the
    remainder of each total (total − employee share) and the 子ども・子育て拠出金 alone."""
    health_rate, care_rate = health_rates(prefecture, month)
    child_rate = child_support_rate(month)
    data = social_insurance_data()
    pension_rate = Decimal(data["pension_rate"])
    h_std = employee.standard_remuneration_health
    p_std = employee.standard_remuneration_pension
    combined_rate = health_rate + (care_rate if care else 0)
    health_total = deduct_round(h_std * combined_rate / HUNDRED)
    child_total = deduct_round(h_std * child_rate / HUNDRED) if employee.child_support else 0
    pension_total = deduct_round(p_std * pension_rate / HUNDRED)
    return {
        "health": health_total - employee.health - employee.care,
        "child_support": child_total - employee.child_support,
        "pension": pension_total - employee.pension,
        "child_contribution": deduct_round(
            p_std * Decimal(data["child_contribution_rate"]) / HUNDRED
        ),
    }

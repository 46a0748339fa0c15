"""経理 summaries: a suggested 摘要 from the books' history, and the 月次報告 of a closed month.

Every figure of the monthly report is read from the ledger's report functions (試算表, 損益計算書,
貸借対照表, 期間一覧); the text quotes those figures and nothing else, so a reader can tick each
number against the ledger. An LLM may word the prose, but a reply carrying any number that is not
one of those figures is refused and the local template is used instead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.assistant.calls import ai_run
from urakata.assistant.models import MonthlyReport, ReviewItem
from urakata.assistant.providers import Completion, Provider
from urakata.core.audit import audit_record
from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import can, require
from urakata.ledger import cache as ledger_cache
from urakata.ledger import reports as ledger_reports
from urakata.ledger import selectors as ledger_selectors
from urakata.ledger.models import JournalLine
from urakata.org.models import Department

# ---------------------------------------------------------------- 摘要の候補

_MONTH = re.compile(r"(?<![0-9])(1[0-2]|0?[1-9])月(分)?")
_DAY = re.compile(r"(?<![0-9])(?:[0-9]{4}[/-])?(?:1[0-2]|0?[1-9])/(?:3[01]|[12][0-9]|0?[1-9])")
_SPACES = re.compile(r"\s+")


def _normalised(description: str) -> str:
    """NFKC, spaces collapsed, dates without the month (「11/5」) dropped; 「N月」 kept as a slot."""
    text = unicodedata.normalize("NFKC", description or "").strip()
    text = _DAY.sub("", text)
    text = _MONTH.sub(lambda m: "{month}月" + (m.group(2) or ""), text)
    return _SPACES.sub(" ", text).strip()


def description_suggest(
    *,
    actor: Any,
    counterparty_id: int | None = None,
    account_code: str = "",
    date: dt.date | None = None,
    limit: int = 3,
) -> list[dict[str, Any]]:
    """Suggested 摘要 for a new entry: the most frequent descriptions of earlier entries with the
    same counterparty and/or account (both when both match, else either), normalised, with the
    month of `date` filled in. Each suggestion says how many entries it is drawn from."""
    require(actor, "ledger.view")
    if counterparty_id is None and not account_code:
        raise ValidationFailed(
            _("取引先か勘定科目を指定してください。"),
            errors={"counterparty_id": [_("取引先か勘定科目を指定してください。")]},
        )
    if account_code:
        ledger_selectors.account_get(actor=actor, code=account_code)  # NotFound for a bad code
    month = (date or dt.date.today()).month
    lines = JournalLine.objects.all()
    tiers = []
    if counterparty_id is not None and account_code:
        tiers.append(
            lines.filter(counterparty_id=counterparty_id, account__code=account_code),
        )
    if counterparty_id is not None:
        tiers.append(lines.filter(counterparty_id=counterparty_id))
    if account_code:
        tiers.append(lines.filter(account__code=account_code))
    for tier in tiers:
        rows = tier.order_by("-date", "-pk").values_list("entry_id", "entry__description", "date")[
            :1000
        ]
        counts: Counter[str] = Counter()
        latest: dict[str, dt.date] = {}
        seen: set[int] = set()
        for entry_id, description, day in rows:
            key = _normalised(description)
            if not key or entry_id in seen:
                continue
            seen.add(entry_id)
            counts[key] += 1
            latest.setdefault(key, day)
        if counts:
            ranked = sorted(counts, key=lambda k: (-counts[k], -latest[k].toordinal(), k))
            return [
                {
                    "description": key.replace("{month}", str(month))[:200],
                    "count": counts[key],
                    "last_used": latest[key].isoformat(),
                }
                for key in ranked[:limit]
            ]
    return []


# ---------------------------------------------------------------- 月次報告

CASH_PREFIXES = ("111", "112", "113", "114", "115")  # 現金, 小口現金, 当座・普通・定期預金


def _shift(period: int, months: int) -> int:
    index = (period // 100) * 12 + (period % 100 - 1) + months
    return (index // 12) * 100 + index % 12 + 1


def _yen(value: int) -> str:
    return f"{value:,}円"


def _label(period: int) -> str:
    return f"{period // 100}年{period % 100}月"


def period_is_closed(*, actor: Any, period: int) -> bool:
    """Whether the month is closed (月次締め), read from the ledger's period list."""
    fiscal_year = ledger_cache.fiscal_year_of(dt.date(period // 100, period % 100, 1))
    months = ledger_selectors.period_list(actor=actor, fiscal_year=fiscal_year)
    return any(m["period"] == period and m["is_closed"] for m in months)


@dataclass
class MonthlyFigures:
    """What the report states, each number copied from a ledger report."""

    period: int
    pl: dict[int, dict[str, Any]] = field(default_factory=dict)  # period → 損益計算書
    cash: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # period → 現預金 rows
    movements: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last_month(self) -> int:
        return _shift(self.period, -1)

    @property
    def last_year(self) -> int:
        return _shift(self.period, -12)

    def as_dict(self) -> dict[str, Any]:
        keys = ("sales", "gross_profit", "sga", "operating_income")
        return {
            "period": f"{self.period // 100}-{self.period % 100:02d}",
            "headline": {
                label: {key: _pl_value(self.pl[p], key) for key in keys}
                for label, p in (
                    ("this_month", self.period),
                    ("last_month", self.last_month),
                    ("last_year", self.last_year),
                )
            },
            "movements": self.movements,
            "departments": self.departments,
            "cash": {
                "this_month": self.cash[self.period],
                "this_month_total": sum(r["amount"] for r in self.cash[self.period]),
                "last_month_total": sum(r["amount"] for r in self.cash[self.last_month]),
            },
        }


def _pl_value(pl: dict[str, Any], key: str) -> int:
    """A headline figure of a 損益計算書: a section total (売上高, 販管費) or a staged profit."""
    if key in ("sales", "sga"):
        return int(next(s["total"] for s in pl["sections"] if s.get("key") == key))
    return int(pl[key])


def _pl_accounts(pl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        row["account_code"]: {"name": row["account_name"], "amount": row["amount"]}
        for section in pl["sections"]
        if section["kind"] == "section"
        for row in section["rows"]
    }


def _cash_rows(actor: Any, period: int) -> list[dict[str, Any]]:
    sheet = ledger_reports.balance_sheet(actor=actor, as_of=period)
    return [
        dict(row)
        for block in sheet["blocks"]
        for section in block["sections"]
        for row in section["rows"]
        if row["account_code"].startswith(CASH_PREFIXES)
    ]


def monthly_figures(*, actor: Any, period: int, top: int = 3) -> MonthlyFigures:
    """The figures of the 月次報告 for a closed month, from the ledger's reports."""
    require(actor, "assistant.monthly_report")
    if not period_is_closed(actor=actor, period=period):
        raise ValidationFailed(
            _("%(month)sはまだ締められていません。月次締めの後に作成してください。")
            % {"month": _label(period)},
            errors={"period": [_("締め済みの月を指定してください。")]},
        )
    figures = MonthlyFigures(period)
    for p in (period, figures.last_month, figures.last_year):
        figures.pl[p] = ledger_reports.profit_and_loss(actor=actor, from_period=p, to_period=p)
    for p in (period, figures.last_month):
        figures.cash[p] = _cash_rows(actor, p)
    this, before = _pl_accounts(figures.pl[period]), _pl_accounts(figures.pl[figures.last_month])
    moves = []
    for code in sorted(set(this) | set(before)):
        now = this.get(code, {}).get("amount", 0)
        then = before.get(code, {}).get("amount", 0)
        if now != then:
            name = (this.get(code) or before[code])["name"]
            moves.append({"account_name": name, "this_month": now, "last_month": then})
    moves.sort(key=lambda m: (-abs(m["this_month"] - m["last_month"]), m["account_name"]))
    figures.movements = moves[:top]
    departments: list[dict[str, Any]] = []
    for department in Department.objects.order_by("code"):
        now_pl = ledger_reports.profit_and_loss(
            actor=actor, from_period=period, to_period=period, department_code=department.code
        )
        then_pl = ledger_reports.profit_and_loss(
            actor=actor,
            from_period=figures.last_month,
            to_period=figures.last_month,
            department_code=department.code,
        )
        now, then = int(now_pl["operating_income"]), int(then_pl["operating_income"])
        if now != then:
            departments.append({"name": department.name, "this_month": now, "last_month": then})
    departments.sort(key=lambda d: (-abs(d["this_month"] - d["last_month"]), d["name"]))
    figures.departments = departments[:top]
    return figures


def _trend(now: int, then: int) -> str:
    if now > then:
        return "増加"
    if now < then:
        return "減少"
    return "横ばい"


def monthly_report_text(figures: MonthlyFigures) -> str:
    """The local template: Japanese prose quoting only the reports' figures (and the months)."""
    data = figures.as_dict()["headline"]
    now, last, year = data["this_month"], data["last_month"], data["last_year"]
    names = {
        "sales": "売上高",
        "gross_profit": "売上総利益",
        "sga": "販売費及び一般管理費",
        "operating_income": "営業利益",
    }
    lines = [f"# 月次報告 {_label(figures.period)}", "", "## 業績"]
    for key, name in names.items():
        lines.append(
            f"- {name}は{_yen(now[key])}(前月 {_yen(last[key])}、"
            f"前年同月 {_yen(year[key])})。前月比で{_trend(now[key], last[key])}、"
            f"前年同月比で{_trend(now[key], year[key])}しました。"
        )
    lines += ["", "## 前月からの主な増減(勘定科目)"]
    if figures.movements:
        for move in figures.movements:
            lines.append(
                f"- {move['account_name']}: {_yen(move['this_month'])}"
                f"(前月 {_yen(move['last_month'])}、{_trend(move['this_month'], move['last_month'])})"
            )
    else:
        lines.append("- 前月からの増減はありません。")
    lines += ["", "## 前月からの主な増減(部門別の営業利益)"]
    if figures.departments:
        for dept in figures.departments:
            lines.append(
                f"- {dept['name']}: {_yen(dept['this_month'])}"
                f"(前月 {_yen(dept['last_month'])}、{_trend(dept['this_month'], dept['last_month'])})"
            )
    else:
        lines.append("- 部門別の営業利益に前月からの増減はありません。")
    cash = figures.as_dict()["cash"]
    lines += ["", "## 資金(現金及び預金)"]
    lines.append(
        f"- 月末残高は{_yen(cash['this_month_total'])}(前月末 {_yen(cash['last_month_total'])}、"
        f"{_trend(cash['this_month_total'], cash['last_month_total'])})。"
    )
    for row in figures.cash[figures.period]:
        lines.append(f"  - {row['account_name']}: {_yen(row['amount'])}")
    return "\n".join(lines)


_NUMBER = re.compile(r"[0-9][0-9,]*")


def numbers_in(text: str) -> set[int]:
    """Every integer written in a text (「1,234,000円」 → 1234000), full-width digits included."""
    found = set()
    for raw in _NUMBER.findall(unicodedata.normalize("NFKC", text)):
        digits = raw.replace(",", "")
        if digits:
            found.add(int(digits))
    return found


def allowed_numbers(figures: MonthlyFigures) -> set[int]:
    """The numbers a report may contain: the reports' figures (and their absolute values), and
    the year and month of the three months compared."""
    return allowed_numbers_of(figures.as_dict(), figures.period)


def allowed_numbers_of(figures: dict[str, Any], period: int) -> set[int]:
    """`allowed_numbers` from a stored report's figures (MonthlyReport.figures) and its month."""
    allowed: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            allowed.update({value, abs(value)})
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(figures)
    for p in (period, _shift(period, -1), _shift(period, -12)):
        allowed.update({p // 100, p % 100})
    return allowed


def monthly_report_body_check(report: MonthlyReport, body: str) -> None:
    """Refuse a reviewer's edit that writes a number the report's ledger figures do not have."""
    stray = sorted(numbers_in(body) - allowed_numbers_of(report.figures, report.period))
    if stray:
        raise ValidationFailed(
            _("本文に帳簿の数値にない数字があります: %(numbers)s")
            % {"numbers": ", ".join(f"{n:,}" for n in stray[:5])},
            errors={"body": [_("帳簿の数値だけを書いてください。")]},
        )


LLM_SYSTEM = (
    "あなたは経理部の担当者です。与えられた月次の数値だけを使って、経営者向けの月次報告を"
    "日本語で簡潔に書いてください。数値は与えられたものをそのまま「1,234円」の形で書き、"
    "計算した数値(差額・比率など)や与えられていない数値は書かないでください。"
)


def monthly_report_generate(
    *, actor: Any, period: int, provider: Provider | None = None
) -> MonthlyReport:
    """Build the 月次報告 of a closed month and put it into the review queue.

    The local template is the default; with the openai provider the LLM rewrites it into prose,
    and its text is kept only when every number in it is one of the reports' figures."""
    figures = monthly_figures(actor=actor, period=period)
    template = monthly_report_text(figures)
    allowed = allowed_numbers(figures)
    note = ""

    def call(p: Provider) -> Completion:
        if p.name == "local":
            return Completion(text=template, provider="local", model="template")
        chat = p.chat  # type: ignore[attr-defined]
        return chat(  # type: ignore[no-any-return]
            [
                {"role": "system", "content": LLM_SYSTEM},
                {"role": "user", "content": template},
            ]
        )

    completion = ai_run(user=actor, feature="monthly_report", call=call, provider=provider)
    text = completion.text.strip()
    if completion.provider != "local":
        stray = sorted(numbers_in(text) - allowed)
        if stray or not text:
            note = _("AIの文章に帳簿にない数値(%(numbers)s)があったため、定型文を使いました。") % {
                "numbers": ", ".join(f"{n:,}" for n in stray[:5]) or "-"
            }
            text = template
            completion.provider = "local"
    elif completion.note:
        note = completion.note
    with transaction.atomic():
        report = MonthlyReport.objects.create(
            period=period,
            body=text,
            figures=figures.as_dict(),
            provider=completion.provider,
            note=note[:300],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        item = ReviewItem.objects.create(
            kind=ReviewItem.Kind.MONTHLY_REPORT,
            title=f"月次報告: {_label(period)}",
            body=text,
            monthly_report=report,
            proposed_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="assistant.monthly_report.generate",
            target=report,
            changes={"period": period, "provider": report.provider, "review_item": item.pk},
        )
    return report


def monthly_report_share(item: ReviewItem) -> None:
    """On approval in the review queue: the (possibly edited) text becomes the shared report."""
    report = item.monthly_report
    if report is None:
        return
    monthly_report_body_check(report, item.body)
    report.body = item.body
    report.shared_at = timezone.now()
    report.save(update_fields=["body", "shared_at"])


def monthly_report_list(*, actor: Any) -> QuerySet[MonthlyReport]:
    """月次報告 the actor may read (see MonthlyReport.objects.visible_to)."""
    if not (can(actor, "assistant.monthly_report") or can(actor, "ledger.view_reports")):
        require(actor, "assistant.monthly_report")
    return MonthlyReport.objects.visible_to(actor).select_related("created_by")


def monthly_report_get(*, actor: Any, report_id: int) -> MonthlyReport:
    report = monthly_report_list(actor=actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("月次報告が見つかりません。"))
    return report

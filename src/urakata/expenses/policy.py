"""経費精算規程: categories (費目 → 勘定科目), limits and the checks a claim passes on submit.

Each check gives findings `{"code", "severity", "line", "message"}`: an "error" stops the submit,
a "warning" travels with the claim to the approvers, "info" is shown only. Thresholds:
- 会議費 / 交際費: food and drink with outside people at or under 10,000 yen per person (from
  2024-04-01; 5,000 yen before) may stay out of 交際費 when date, participants and their relation,
  number of people, amount and place are recorded (租税特別措置法施行令37条の5; facts.md §11).
  The claim's amounts are tax-inclusive, so the per-person figure is compared tax-inclusive
  (税込経理); a company on 税抜経理 gets a stricter-than-needed warning, never a missed one.
- 登録番号: "T" + 13 digits; the check digit is the 法人番号 one (facts.md §1.5, §8.1). A failing
  check digit is a warning (sole proprietors' numbers are not confirmed to follow it); a line
  without a valid number is posted with the 経過措置 tax code (P10U/P08U, facts.md §1.6).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import jpholiday
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from urakata.core.japanese import invoice_registration_number_error


@dataclass(frozen=True)
class Category:
    """A 費目: its ledger account, the per-line limit and whether attendees must be named."""

    code: str
    label: Any
    account: str
    limit: int | None = None
    attendees: bool = False


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("travel", gettext_lazy("旅費交通費"), "7260", 100_000),
        Category("meeting", gettext_lazy("会議費"), "7250", 50_000, attendees=True),
        Category("entertainment", gettext_lazy("接待交際費"), "7240", 100_000, attendees=True),
        Category("supplies", gettext_lazy("消耗品費"), "7290", 100_000),
        Category("books", gettext_lazy("新聞図書費"), "7420", 30_000),
        Category("communication", gettext_lazy("通信費"), "7270", 30_000),
        Category("welfare", gettext_lazy("福利厚生費"), "7170", 30_000),
        Category("misc", gettext_lazy("雑費"), "7480", 10_000),
    )
}
TRANSPORT_CATEGORY = "travel"
# Food and drink per person kept out of 交際費: (valid from, yen), newest last (facts.md §11).
MEETING_THRESHOLDS: tuple[tuple[dt.date, int], ...] = (
    (dt.date(2006, 4, 1), 5_000),
    (dt.date(2024, 4, 1), 10_000),
)
# Public transport under 30,000 yen needs no qualified invoice (公共交通機関特例).
PUBLIC_TRANSPORT_EXEMPT_BELOW = 30_000


def meeting_threshold(day: dt.date) -> int:
    found = MEETING_THRESHOLDS[0][1]
    for valid_from, amount in MEETING_THRESHOLDS:
        if valid_from <= day:
            found = amount
    return found


def registration_ok(number: str) -> bool:
    """True when the 登録番号 is well-formed with a right check digit."""
    return bool(number) and invoice_registration_number_error(number) is None


def qualified(line: Any) -> bool:
    """Whether the line's input tax is fully creditable (a valid 登録番号 or the transport rule)."""
    if line.kind == "transport" and line.amount < PUBLIC_TRANSPORT_EXEMPT_BELOW:
        return True
    return registration_ok(line.registration_number)


def _finding(code: str, severity: str, line: Any, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "severity": severity,
        "line": getattr(line, "pk", None),
        "message": message,
    }


def _normal_payee(value: str) -> str:
    return re.sub(r"\s+", "", value or "").casefold()


def line_findings(line: Any, *, position: int) -> list[dict[str, Any]]:
    """The checks that need only the line itself."""
    label = _("%(n)s行目") % {"n": position}
    return (
        _limit_findings(line, label)
        + _attendee_findings(line, label)
        + _evidence_findings(line, label)
        + _ocr_findings(line, label)
    )


def _limit_findings(line: Any, label: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    category = CATEGORIES.get(line.category)
    if category and category.limit and line.amount > category.limit:
        out.append(
            _finding(
                "limit",
                "warning",
                line,
                _("%(label)s: %(category)sの上限 %(limit)s円 を超えています(%(amount)s円)。")
                % {
                    "label": label,
                    "category": category.label,
                    "limit": f"{category.limit:,}",
                    "amount": f"{line.amount:,}",
                },
            )
        )
    return out


def _attendee_findings(line: Any, label: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    category = CATEGORIES.get(line.category)
    if category and category.attendees:
        if not line.attendees.strip() or line.attendee_count < 1:
            out.append(
                _finding(
                    "attendees",
                    "error",
                    line,
                    _("%(label)s: %(category)sには参加者(氏名・関係)と人数を入力してください。")
                    % {"label": label, "category": category.label},
                )
            )
        else:
            per_person = line.amount // line.attendee_count
            threshold = meeting_threshold(line.date)
            if line.category == "meeting" and per_person > threshold:
                out.append(
                    _finding(
                        "entertainment_threshold",
                        "warning",
                        line,
                        _(
                            "%(label)s: 1人あたり %(per)s円 は %(threshold)s円 を超えます。"
                            "会議費ではなく交際費として扱われます(租税特別措置法施行令37条の5)。"
                        )
                        % {"label": label, "per": f"{per_person:,}", "threshold": f"{threshold:,}"},
                    )
                )
            if line.category == "entertainment" and per_person <= threshold:
                out.append(
                    _finding(
                        "entertainment_threshold",
                        "info",
                        line,
                        _(
                            "%(label)s: 1人あたり %(per)s円 は %(threshold)s円 以下です。"
                            "社外の人との飲食なら記録を残して交際費から除けます。"
                        )
                        % {"label": label, "per": f"{per_person:,}", "threshold": f"{threshold:,}"},
                    )
                )
    return out


def _evidence_findings(line: Any, label: str) -> list[dict[str, Any]]:
    """Receipt, 登録番号 and the date (weekend or holiday)."""
    out: list[dict[str, Any]] = []
    if line.kind == "expense" and not line.receipt_id:
        out.append(
            _finding(
                "receipt",
                "error",
                line,
                _("%(label)s: 領収書を添付してください。") % {"label": label},
            )
        )
    if line.kind == "expense" or line.amount >= PUBLIC_TRANSPORT_EXEMPT_BELOW:
        number = line.registration_number
        if not number:
            out.append(
                _finding(
                    "registration",
                    "warning",
                    line,
                    _("%(label)s: 登録番号がありません。仕入税額控除は経過措置の割合になります。")
                    % {"label": label},
                )
            )
        elif not registration_ok(number):
            problem = invoice_registration_number_error(number) or ""
            out.append(_finding("registration", "warning", line, f"{label}: {problem}"))
    if line.date.weekday() >= 5 or jpholiday.is_holiday(line.date):
        name = jpholiday.is_holiday_name(line.date) or _("週末")
        out.append(
            _finding(
                "holiday",
                "warning",
                line,
                _("%(label)s: 利用日 %(date)s は休日(%(name)s)です。業務の内容を記入してください。")
                % {"label": label, "date": line.date.isoformat(), "name": name},
            )
        )
    return out


def _ocr_findings(line: Any, label: str) -> list[dict[str, Any]]:
    reading = line.ocr or {}
    out = []
    if reading.get("total") is not None and reading["total"] != line.amount:
        out.append(
            _finding(
                "ocr_mismatch",
                "warning",
                line,
                _("%(label)s: 金額 %(amount)s円 が領収書の読み取り結果 %(ocr)s円 と異なります。")
                % {"label": label, "amount": f"{line.amount:,}", "ocr": f"{reading['total']:,}"},
            )
        )
    if reading.get("date") and reading["date"] != line.date.isoformat():
        out.append(
            _finding(
                "ocr_mismatch",
                "warning",
                line,
                _("%(label)s: 利用日 %(date)s が領収書の日付 %(ocr)s と異なります。")
                % {"label": label, "date": line.date.isoformat(), "ocr": reading["date"]},
            )
        )
    return out


def commuter_findings(lines: list[Any], commuter_pass: Any | None) -> list[dict[str, Any]]:
    """Transport lines that run inside the employee's commuter pass (通勤定期) while it is valid."""
    if commuter_pass is None:
        return []
    stations = commuter_pass.station_set()
    out = []
    for position, line in enumerate(lines, start=1):
        if line.kind != "transport":
            continue
        if not commuter_pass.valid_from <= line.date <= commuter_pass.valid_until:
            continue
        inside = [s for s in (line.route_from, line.route_to) if s.strip() in stations]
        label = _("%(n)s行目") % {"n": position}
        if len(inside) == 2:
            out.append(
                _finding(
                    "commuter_pass",
                    "warning",
                    line,
                    _("%(label)s: %(from)s→%(to)s は通勤定期の区間内です。")
                    % {"label": label, "from": line.route_from, "to": line.route_to},
                )
            )
        elif inside:
            out.append(
                _finding(
                    "commuter_pass",
                    "info",
                    line,
                    _(
                        "%(label)s: %(station)s は通勤定期の区間内です。区間外の運賃だけを請求してください。"
                    )
                    % {"label": label, "station": inside[0]},
                )
            )
    return out


def duplicate_findings(lines: list[Any], *, others: list[Any]) -> list[dict[str, Any]]:
    """Same receipt image (SHA-256) or same date + amount + payee as a line of any other claim."""
    out: list[dict[str, Any]] = []
    by_hash: dict[str, Any] = {}
    by_key: dict[tuple[dt.date, int, str], Any] = {}
    for other in others:
        if other.receipt_sha256:
            by_hash.setdefault(other.receipt_sha256, other)
        by_key.setdefault((other.date, other.amount, _normal_payee(other.payee)), other)
    seen: dict[str, int] = {}
    for position, line in enumerate(lines, start=1):
        label = _("%(n)s行目") % {"n": position}
        digest = line.receipt_sha256
        if digest and digest in by_hash:
            out.append(
                _finding(
                    "duplicate_receipt",
                    "error",
                    line,
                    _("%(label)s: 同じ領収書画像が精算 %(number)s で使われています。")
                    % {"label": label, "number": by_hash[digest].claim.number},
                )
            )
        elif digest and digest in seen:
            out.append(
                _finding(
                    "duplicate_receipt",
                    "error",
                    line,
                    _("%(label)s: %(first)s行目と同じ領収書画像です。")
                    % {"label": label, "first": seen[digest]},
                )
            )
        if digest:
            seen.setdefault(digest, position)
        match = by_key.get((line.date, line.amount, _normal_payee(line.payee)))
        if line.payee and match is not None:
            out.append(
                _finding(
                    "duplicate_line",
                    "warning",
                    line,
                    _("%(label)s: 同じ日付・金額・支払先の明細が精算 %(number)s にあります。")
                    % {"label": label, "number": match.claim.number},
                )
            )
    return out

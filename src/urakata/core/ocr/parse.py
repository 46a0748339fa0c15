"""Receipt text → fields: 日付 (西暦・和暦), 合計, 消費税 per rate, 登録番号, payee.

Works on OCR lines (text + mean word confidence 0..1). Each field's confidence is the line's
OCR confidence times how well the value is confirmed (check digit, totals that agree, …).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from stdnum.jp import cn as corporate_number_std

CJK = r"\u3000-\u30ff\u3400-\u9fff\uff66-\uff9f"
_ERAS = {"令和": 2018, "平成": 1988, "R": 2018, "H": 1988}
_TOTAL_WORDS = (
    "お支払合計",
    "お買上合計",
    "ご請求額",
    "お会計",
    "合計",
    "総計",
    "領収金額",
    "金額",
)
_NOT_TOTAL = ("小計", "対象", "税", "預", "釣", "点数")
_PAYEE_NOISE = (
    "領収",
    "レシート",
    "上様",
    "様",
    "発行",
    "TEL",
    "電話",
    "登録番号",
    "但し",
    "対象",
    "合計",
    "小計",
    "消費税",
    "お預",
    "お釣",
    "No.",
    "ありがとう",
    "お待ち",
    "お越し",
    "軽減",
    "金額",
    "印は",
)
_PAYEE_HINTS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "(株)",
    "(有)",
    "店",
    "堂",
    "屋",
    "商会",
    "ホテル",
    "旅館",
    "薬局",
    "交通",
    "タクシー",
    "カフェ",
    "喫茶",
    "レストラン",
    "食堂",
    "書店",
    "印刷",
    "電機",
    "マート",
    "ストア",
    "センター",
)


@dataclass(frozen=True)
class Line:
    """One OCR line and Tesseract's confidence in it (0..1)."""

    text: str
    confidence: float = 1.0


def normalise(text: str) -> str:
    """NFKC, OCR look-alikes for ¥, spaces between Japanese characters removed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\\", "¥").replace("￥", "¥")
    text = re.sub(rf"(?<=[{CJK}])\s+(?=[{CJK}])", "", text)
    # 長音 read as 一 or - between katakana
    text = re.sub(r"(?<=[\u30a0-\u30ff])[一\-—‐](?=[\u30a0-\u30ff])", "ー", text)
    return text.strip()


_AMOUNT = re.compile(r"([¥]?)\s*(\d{1,3}(?:[,.]\s?\d{3})+|\d+)\s*(円|-|)")


def amounts(text: str) -> list[int]:
    """Yen amounts in a line ("¥1,234", "1.234円", "¥500-"); percentages are skipped."""
    found = []
    for match in _AMOUNT.finditer(text):
        end = match.end(2)
        rate_like = text[end : end + 1] == "%" or text[match.start(2) - 1 : match.start(2)] in (
            "(",
            "%",
        )
        if rate_like and not match.group(1):
            continue
        digits = re.sub(r"[,.\s]", "", match.group(2))
        if len(digits) > 9:
            continue
        found.append(int(digits))
    return found


def _money_after(text: str, word: str) -> int | None:
    index = text.find(word)
    rest = text[index + len(word) :] if index >= 0 else text
    rest = re.sub(r"\(?\d{1,2}\s*[%％]\)?", " ", rest)  # a rate in brackets is not the amount
    values = amounts(rest)
    return values[-1] if values else None


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if 2000 <= value.year <= 2099 else None


def find_date(lines: list[Line]) -> tuple[dt.date | None, float]:
    patterns = (
        (
            re.compile(r"(令和|平成)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})(?![0-9])"),
            "era",
            1.0,
        ),
        (
            re.compile(r"(?<![0-9A-Za-z])(R|H)\s*(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{1,2})"),
            "era",
            0.95,
        ),
        (re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "ymd", 1.0),
        (re.compile(r"(20\d{2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})"), "ymd", 0.95),
        (re.compile(r"(?<![0-9])(\d{2})\s*/\s*(\d{1,2})\s*/\s*(\d{1,2})(?![0-9])"), "yy", 0.85),
    )
    for regex, kind, weight in patterns:
        for line in lines:
            match = regex.search(line.text)
            if not match:
                continue
            groups = match.groups()
            if kind == "era":
                year = 1 if groups[1] == "元" else int(groups[1])
                value = _valid_date(_ERAS[groups[0]] + year, int(groups[2]), int(groups[3]))
            elif kind == "ymd":
                value = _valid_date(int(groups[0]), int(groups[1]), int(groups[2]))
            else:
                value = _valid_date(2000 + int(groups[0]), int(groups[1]), int(groups[2]))
            if value:
                return value, round(weight * line.confidence, 2)
    return None, 0.0


def _rate_of(text: str) -> int | None:
    """10 or 8 from "10%対象", "税率8%", "(10%)", OCR'd "109対象" / "1096対象" / "89%6対象"."""
    for pattern in (
        r"(?<![0-9,.¥])(10|8)[0-9%％\s]{0,4}対象",
        r"(?<![0-9,.¥])(10|8)\s*[%％]",
        r"税率\s*(10|8)",
    ):
        match = re.search(pattern, text)
        if match:
            return int(match.group(1))
    return None


def _rate_fitting(base: int, tax: int) -> int | None:
    """The rate whose inclusive tax on `base` is `tax` (±1 yen for the rounding), if one is."""
    for rate in (10, 8):
        if abs(base * rate / (100 + rate) - tax) <= 1:
            return rate
    return None


def find_taxes(lines: list[Line]) -> tuple[dict[str, int | None], dict[str, int | None], float]:
    """(tax per rate, taxable base per rate, confidence)."""
    tax: dict[str, int | None] = {"10": None, "8": None}
    base: dict[str, int | None] = {"10": None, "8": None}
    confidence: list[float] = []
    context: int | None = None
    previous: list[int] = []
    for line in lines:
        text = line.text
        before, previous = previous, amounts(text)
        has_tax_word = "税" in text and "対象" not in text.split("税")[-1]
        rate = _rate_of(text) if ("対象" in text or "税" in text) else None
        if "対象" in text and rate:
            context = rate
            head = text.split("対象", 1)[1]
            head_tax = head.split("税", 1)
            found = amounts(re.sub(r"消費", "", head_tax[0])) if head_tax else []
            if found and base[str(rate)] is None:
                base[str(rate)] = found[0]
            if len(head_tax) > 1:
                after = amounts(head_tax[1])
                if after and tax[str(rate)] is None:
                    tax[str(rate)] = after[0]
                    confidence.append(line.confidence)
            continue
        if (has_tax_word and "消費税" in text) or "内税" in text or "うち税" in text:
            value = _money_after(text, "税")
            fitted = _rate_fitting(before[-1], value) if before and value and not rate else None
            if fitted and base[str(fitted)] is None:
                base[str(fitted)] = before[-1]
            key = str(rate or fitted or context or "")
            if key in tax and value is not None and tax[key] is None:
                tax[key] = value
                confidence.append(line.confidence)
    # a tax that does not fit its base (inclusive, ×r/(100+r), any rounding) is recomputed
    checked = 1.0
    for key in ("10", "8"):
        rate = int(key)
        amount = base[key]
        if amount is None:
            continue
        expected = amount * rate / (100 + rate)
        current = tax[key]
        if current is None or abs(current - expected) > 1:
            tax[key] = int(expected)  # 切捨て, the usual choice on receipts
            checked = min(checked, 0.6)
    level = min(confidence) if confidence else (0.5 if any(tax.values()) else 0.0)
    return tax, base, round(level * checked, 2)


def complete_taxes(
    tax: dict[str, int | None], base: dict[str, int | None], total: int | None
) -> None:
    """A rate whose 対象 line was unreadable: its base is the total less the other rate's base."""
    for key, other in (("10", "8"), ("8", "10")):
        other_base = base[other]
        if base[key] is None and tax[key] is None and total and other_base is not None:
            rest = total - other_base
            if rest > 0:
                rate = int(key)
                base[key] = rest
                tax[key] = rest * rate // (100 + rate)


def find_total(lines: list[Line], base: dict[str, int | None]) -> tuple[int | None, float]:
    candidates: list[tuple[int, float]] = []
    for word in _TOTAL_WORDS:
        for line in lines:
            compact = line.text.replace(" ", "")
            if word not in compact or any(n in compact for n in _NOT_TOTAL if n not in word):
                continue
            value = _money_after(compact, word)
            if value is not None:
                candidates.append((value, line.confidence))
    bases = [v for v in base.values() if v is not None]
    base_sum = sum(bases) if bases else None
    for value, conf in candidates:
        if base_sum is not None and value == base_sum:
            return value, round(min(1.0, conf + 0.1), 2)
    if candidates:
        counts: dict[int, int] = {}
        for value, _ in candidates:
            counts[value] = counts.get(value, 0) + 1
        value, conf = max(candidates, key=lambda c: (counts[c[0]], c[1]))
        agree = 1.0 if counts[value] > 1 else 0.8
        return value, round(conf * agree, 2)
    if base_sum:
        return base_sum, 0.5
    return None, 0.0


_T_FIX = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "l": "1",
        "I": "1",
        "i": "1",
        "|": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "b": "6",
        "g": "9",
    }
)


def find_registration(lines: list[Line]) -> tuple[str | None, float]:
    """登録番号: T + 13 digits with a valid check digit (OCR look-alikes repaired)."""
    ordered = sorted(lines, key=lambda ln: "登録" not in ln.text)
    for line in ordered:
        text = line.text
        for match in re.finditer(
            r"[TtＴ1丁]?\s*[-:]?\s*([0-9OoDQlIi|SsBZzGbg][0-9OoDQlIi|SsBZzGbg\s\-]{11,22})", text
        ):
            chunk = match.group(0)
            digits = re.sub(r"[\s\-:]", "", chunk.translate(_T_FIX)).lstrip("Tt丁Ｔ")
            if not digits.isdigit():
                continue
            for candidate in [digits] if len(digits) == 13 else [digits[-13:], digits[:13]]:
                if (
                    len(candidate) == 13
                    and candidate[0] != "0"
                    and corporate_number_std.is_valid(candidate)
                ):
                    exact = chunk.lstrip()[:1] in ("T", "Ｔ") and len(digits) == 13
                    weight = 1.0 if exact else 0.85
                    if "登録" not in text:
                        weight *= 0.8
                    return "T" + candidate, round(weight * line.confidence, 2)
    return None, 0.0


def find_payee(lines: list[Line]) -> tuple[str | None, float]:
    best: tuple[float, str, float] | None = None
    for index, line in enumerate(lines):
        text = re.sub(r"\s+", "", line.text)
        letters = re.findall(rf"[{CJK}A-Za-z]", text)
        if len(letters) < 3 or any(n in text for n in _PAYEE_NOISE):
            continue
        if re.search(r"\d{2,}", text):
            continue
        score = 1.0
        if any(h in text for h in _PAYEE_HINTS):
            score += 3
        near = lines[max(0, index - 1) : index + 2]
        if any("登録" in n.text or "TEL" in n.text.upper() or "電話" in n.text for n in near):
            score += 1
        score += max(0.0, 1 - index / 8)
        score += len(letters) / len(text) if text else 0
        score += 2 * len(re.findall(rf"[{CJK}]", text)) / len(text)  # garbage reads as Latin
        if best is None or score > best[0]:
            best = (score, text, line.confidence)
    if best is None:
        return None, 0.0
    hinted = 1.0 if best[0] >= 4 else 0.6
    return best[1], round(hinted * best[2], 2)

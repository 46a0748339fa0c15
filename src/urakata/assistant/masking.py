"""PII masking (個人情報マスキング) for every prompt that leaves the process.

Detects 個人番号 (12 digits with a valid check digit, or any 12 digits right after a
マイナンバー/個人番号 keyword), phone numbers, e-mail addresses, postal codes, street addresses,
bank account numbers, and the names of employees and counterparties known from the org masters
(kanji and kana, full names anywhere, surnames or given names before an honorific).

Each entity becomes a placeholder such as ``[PERSON_1]``; the same text always gets the same
placeholder within one call, and ``restore`` puts the originals back into the model's answer.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jaconv
from stdnum.jp import in_ as my_number_std

PERSON = "PERSON"
COMPANY = "COMPANY"
MY_NUMBER = "MY_NUMBER"
PHONE = "PHONE"
EMAIL = "EMAIL"
POSTAL_CODE = "POSTAL_CODE"
ADDRESS = "ADDRESS"
BANK_ACCOUNT = "BANK_ACCOUNT"
ENTITY_TYPES = (PERSON, COMPANY, MY_NUMBER, PHONE, EMAIL, POSTAL_CODE, ADDRESS, BANK_ACCOUNT)
# When two candidates overlap with the same length, the earlier type in this list wins.
_PRIORITY = {
    name: index
    for index, name in enumerate(
        (EMAIL, MY_NUMBER, BANK_ACCOUNT, PHONE, POSTAL_CODE, ADDRESS, PERSON, COMPANY)
    )
}

HONORIFICS = (
    "さん",
    "様",
    "さま",
    "氏",
    "殿",
    "くん",
    "君",
    "ちゃん",
    "部長",
    "課長",
    "係長",
    "主任",
    "社長",
    "専務",
    "常務",
    "先生",
    ":",
    "：",
)
COMPANY_FORMS = ("株式会社", "有限会社", "合同会社", "合資会社", "(株)", "(株)", "㈱", "(有)", "㈲")

_DASHES = "‐‑‒–—―−－ｰ"
_WIDTH = {0x3000: " "}
_WIDTH.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
_WIDTH.update({ord(ch): "-" for ch in _DASHES})


def shadow(text: str) -> str:
    """Same length as `text`: full-width ASCII to half-width, dash look-alikes to '-'.

    Matching on the shadow keeps every offset valid in the original text.
    """
    chars = [_WIDTH.get(ord(ch), ch) for ch in text]
    for i, ch in enumerate(chars):
        # The katakana long-vowel mark doubles as a dash between digits (090ー1234ー5678).
        if (
            ch == "ー"
            and 0 < i < len(chars) - 1
            and chars[i - 1].isdigit()
            and chars[i + 1].isdigit()
        ):
            chars[i] = "-"
    return "".join(chars)


_PREFS = (
    "北海道|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|東京都|"
    "神奈川県|新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|京都府|"
    "大阪府|兵庫県|奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|"
    "福岡県|佐賀県|長崎県|熊本県|大分県|宮崎県|鹿児島県|沖縄県"
)
_JP = r"\u4E00-\u9FFF々ぁ-んァ-ヶー"
_KANJI = r"\u4E00-\u9FFF々ヶ"
_KANJI_NUM = "一二三四五六七八九十"
_PREF_RE = re.compile(_PREFS)
_NUM_BLOCK = (
    rf"(?:\d+|[{_KANJI_NUM}]+)(?:丁目|番地|番|号|-|の)"
    rf"(?:(?:\d+|[{_KANJI_NUM}]+)(?:番地|番|号|-|の)?)*(?:\d+号?)?"
)
# Kyoto-style directions (通り名＋上る/下る/西入る/東入る): "烏丸通七条下る東塩小路町721-1".
# After such a direction the town name is followed by a plain lot number, without 番地.
_KYOTO_DIRECTION = r"(?:上る|下る|上ル|下ル|上がる|下がる|西入る|東入る|西入ル|東入ル|西入|東入)"
_KYOTO_STREET = (
    rf"[{_JP}]{{1,8}}?通(?:[{_JP}]{{1,8}}?{_KYOTO_DIRECTION})+[{_JP}]{{0,10}}?"
    r"\d+(?:(?:-|の|番地?|号)\d+)*(?:番地|番|号)?"
)
# A building: a name ending in a building word (optionally with the floor or room), a name of
# kanji/katakana/latin letters followed by a floor or room (渋谷ヒカリエ11F, グランフロント大阪タワーA 15階),
# or a room number alone. Hiragana is left out of the name so "…1-2-3 にある店舗で10F" stays apart.
_BUILDING_NAME = r"[\u4E00-\u9FFF々ァ-ヶーA-Za-z0-9・]"
_BUILDING = (
    rf"(?:[ ]?{_BUILDING_NAME}{{1,20}}?[ ]?\d+(?:F|階|号室)"
    rf"|[ ]?[{_JP}A-Za-z0-9]{{1,15}}(?:ビル|マンション|ハイツ|コーポ|タワー|荘|レジデンス|ビルディング)"
    r"(?:[ ]?\d+(?:F|階|号室)?)?|[ ]?\d+号室)?"
)
_ADDRESS = re.compile(
    rf"(?:(?:{_PREFS})(?:[{_JP}]{{1,7}}?[市区町村郡]){{0,2}}|(?:[{_KANJI}]{{1,5}}?[市区郡]){{1,2}})"
    rf"(?:{_KYOTO_STREET}|[{_JP}]{{0,10}}?{_NUM_BLOCK}){_BUILDING}"
)
# The look-behind starts a match only where a run of address characters starts: without it a
# long run with no "@" is rescanned from every position in it (quadratic time).
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_TWELVE = re.compile(r"(?<![\d-])(\d{4})[ -]?(\d{4})[ -]?(\d{4})(?![\d])")
_MY_NUMBER_KEYWORDS = re.compile(r"(個人番号|マイナンバー|my ?number)", re.IGNORECASE)
# A 12-digit number right after one of these labels is that kind of number, not a 個人番号
# (about one random 12-digit number in ten has a valid check digit).
_OTHER_NUMBER_LABELS = re.compile(
    r"(注文番号|伝票番号|お客様番号|顧客番号|会員番号|請求書番号|受付番号|管理番号|製造番号|"
    r"シリアル|注文No|伝票No|問合せ番号|問い合わせ番号|追跡番号)[^\d\n]{0,4}$",
    re.IGNORECASE,
)
# A known surname right after these labels is a person even without an honorific.
_PERSON_LABELS = ("担当者", "担当", "氏名", "名前", "申請者", "依頼者", "宛先", "差出人")
# Separators: hyphen, space, dot (03.5555.6666) or parentheses around the area code
# ((03)1234-5678) or the exchange (06(1234)5678).
_PHONE = re.compile(
    r"(?<![\d\-+.])(?:\+81[ .-]?\(?0?\)?|\(0(?=\d{1,4}\))|0)\d{1,4}(?:[ .-]|\)|\) )?"
    r"\(?\d{1,4}\)?[ .-]?\d{3,4}(?![\d]|\.\d)"
)
_PHONE_KEYWORDS = re.compile(r"(電話|TEL|Tel|tel|携帯|FAX|Fax|連絡先|内線|直通)")
# 〒 / 郵便番号 (は, :, 〒 …) label the code, which may then lack its hyphen; unlabelled codes need it.
_POSTAL = re.compile(
    r"(?:〒 ?|郵便番号(?:は|が|:|：| )*(?:〒 ?)?)(?<!\d)(\d{3}-?\d{4})(?![\d])"
    r"|(?<![\d\-])(\d{3}-\d{4})(?![\d\-])"
)
_BANK = re.compile(
    r"(口座番号|口座|普通預金|当座預金|普通|当座|貯蓄)[^\d\n]{0,12}?(?<![\d-])(\d{7,8})(?![\d-])"
)


# ゆうちょ銀行: 記号 (5 digits) and 番号 (up to 8 digits), written apart (記号12345 番号12345678)
# or together (記号番号 12345-12345678); the 番号 is the account number.
_YUCHO = re.compile(
    r"記号[ :：]*(?<!\d)\d{5}(?!\d)[ 、,，・/]*番号[ :：]*(?<![\d-])(\d{6,8})(?![\d-])"
    r"|記号番号[ :：]*(?<!\d)\d{5}-(?:\d-)?(\d{6,8})(?![\d-])"
)


@dataclass(frozen=True)
class Entity:
    """One personal-data span in the original text."""

    type: str
    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class MaskResult:
    """The masked text, what was found, and the placeholder → original map for `restore`."""

    original: str
    masked: str
    entities: list[Entity]
    mapping: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"masked": self.masked, "entities": [e.as_dict() for e in self.entities]}


_PLACEHOLDER = re.compile(r"\[(" + "|".join(ENTITY_TYPES) + r")_(\d+)\]")


def restore(text: str, mapping: dict[str, str]) -> str:
    """Put the originals back where the answer repeats a placeholder."""
    if not mapping:
        return text
    return _PLACEHOLDER.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


@dataclass(frozen=True)
class PersonName:
    """A name from the employee master (姓・名, フリガナ)."""

    last: str
    first: str
    last_kana: str = ""
    first_kana: str = ""


def _kana_variants(value: str) -> set[str]:
    value = value.strip()
    if not value:
        return set()
    return {value, jaconv.kata2hira(value)}


class Masker:
    """Finds personal data in text; names come from the given people and company names."""

    def __init__(
        self, people: Iterable[PersonName] = (), companies: Iterable[tuple[str, str]] = ()
    ) -> None:
        self._always: dict[str, str] = {}  # variant -> type, matched anywhere
        self._before_honorific: dict[str, str] = {}  # variant -> type, only before an honorific
        # Kanji family names of 2+ characters: a person also when a particle follows (中村が…).
        self._surnames: set[str] = set()
        for person in people:
            self._add_person(person)
        for name, kana in companies:
            self._add_company(name, kana)
        self._always_lengths = sorted({len(k) for k in self._always}, reverse=True)
        self._honorific_lengths = sorted({len(k) for k in self._before_honorific}, reverse=True)

    def _add_person(self, person: PersonName) -> None:
        last, first = person.last.strip(), person.first.strip()
        if last and first:
            for sep in ("", " ", "　"):
                self._always[f"{last}{sep}{first}"] = PERSON
        for last_k in _kana_variants(person.last_kana):
            for first_k in _kana_variants(person.first_kana):
                for sep in ("", " ", "　"):
                    self._always[f"{last_k}{sep}{first_k}"] = PERSON
            self._before_honorific[last_k] = PERSON
        if last:
            self._before_honorific[last] = PERSON
            if len(last) >= 2:
                self._surnames.add(last)
        if first:
            self._before_honorific[first] = PERSON
        for first_k in _kana_variants(person.first_kana):
            self._before_honorific[first_k] = PERSON

    def _add_company(self, name: str, kana: str) -> None:
        name = name.strip()
        if not name:
            return
        self._always[name] = COMPANY
        core = name
        for form in COMPANY_FORMS:
            core = core.replace(form, "")
        core = core.strip()
        if len(core) >= 2:
            self._always[core] = COMPANY
        kana = kana.strip()
        if len(kana) >= 4:
            self._always[kana] = COMPANY

    # ------------------------------------------------------------ detectors

    def _names(self, text: str) -> Iterable[Entity]:
        n = len(text)
        i = 0
        while i < n:
            found = None
            for length in self._always_lengths:
                if i + length <= n and text[i : i + length] in self._always:
                    found = Entity(self._always[text[i : i + length]], i, i + length, "")
                    break
            if found is None:
                for length in self._honorific_lengths:
                    candidate = text[i : i + length]
                    if (
                        i + length <= n
                        and candidate in self._before_honorific
                        and (
                            text.startswith(HONORIFICS, i + length)
                            or _after_person_label(text, i)
                            or (candidate in self._surnames and _before_particle(text, i + length))
                        )
                        and not (i and _same_script(text[i - 1], candidate[0]))
                    ):
                        found = Entity(self._before_honorific[candidate], i, i + length, "")
                        break
            if found is not None:
                yield Entity(found.type, found.start, found.end, text[found.start : found.end])
                i = found.end
            else:
                i += 1

    @staticmethod
    def _patterns(text: str, flat: str) -> Iterable[Entity]:
        for m in _EMAIL.finditer(flat):
            yield Entity(EMAIL, m.start(), m.end(), text[m.start() : m.end()])
        for m in _TWELVE.finditer(flat):
            digits = "".join(m.groups())
            context = flat[max(0, m.start() - 20) : m.start()]
            if _MY_NUMBER_KEYWORDS.search(context) or (
                my_number_std.is_valid(digits) and not _OTHER_NUMBER_LABELS.search(context)
            ):
                yield Entity(MY_NUMBER, m.start(), m.end(), text[m.start() : m.end()])
        for m in _PHONE.finditer(flat):
            digits = re.sub(r"\D", "", m.group(0))
            if m.group(0).startswith("+81"):
                digits = "0" + digits[2:].lstrip("0")
            if len(digits) not in (10, 11):
                continue
            has_separator = bool(re.search(r"[ \-().]", m.group(0)))
            context = flat[max(0, m.start() - 15) : m.start()]
            mobile = len(digits) == 11 and digits[:3] in ("070", "080", "090")
            if has_separator or mobile or _PHONE_KEYWORDS.search(context):
                yield Entity(PHONE, m.start(), m.end(), text[m.start() : m.end()])
        for m in _POSTAL.finditer(flat):
            group = 1 if m.group(1) else 2
            yield Entity(
                POSTAL_CODE, m.start(group), m.end(group), text[m.start(group) : m.end(group)]
            )
        for m in _ADDRESS.finditer(flat):
            start, end = m.start(), m.end()
            # "新住所京都府…" : the address starts at the prefecture, not at the word before it.
            pref = _PREF_RE.search(flat, start, end)
            if pref is not None:
                start = pref.start()
            while end > start and flat[end - 1] in " -の":
                end -= 1
            yield Entity(ADDRESS, start, end, text[start:end])
        for m in _BANK.finditer(flat):
            yield Entity(BANK_ACCOUNT, m.start(2), m.end(2), text[m.start(2) : m.end(2)])
        for m in _YUCHO.finditer(flat):
            group = 1 if m.group(1) else 2
            yield Entity(
                BANK_ACCOUNT, m.start(group), m.end(group), text[m.start(group) : m.end(group)]
            )

    def find(self, text: str) -> list[Entity]:
        """Every entity, non-overlapping (the longest wins; ties by type priority), in order."""
        flat = shadow(text)
        candidates = [*self._patterns(text, flat), *self._names(text)]
        candidates.sort(key=lambda e: (-(e.end - e.start), _PRIORITY[e.type], e.start))
        # The chosen spans never overlap, so sorted by start they are sorted by end too: an
        # overlap test needs only the two neighbours (bisect), not every span chosen so far —
        # linear-ish time on long texts full of entities (was quadratic).
        starts: list[int] = []
        chosen: list[Entity] = []
        for entity in candidates:
            index = bisect.bisect_right(starts, entity.start)
            if index > 0 and chosen[index - 1].end > entity.start:
                continue
            if index < len(chosen) and chosen[index].start < entity.end:
                continue
            starts.insert(index, entity.start)
            chosen.insert(index, entity)
        return chosen

    def mask(self, text: str) -> MaskResult:
        """Replace each entity by a numbered placeholder; equal texts share one placeholder."""
        return self.session().mask(text)

    def session(self) -> MaskSession:
        """A session numbers placeholders consistently across several texts (one prompt)."""
        return MaskSession(self)


class MaskSession:
    """Masks several texts with one placeholder numbering and one restore map."""

    def __init__(self, masker: Masker) -> None:
        self.masker = masker
        self.counters: dict[str, int] = {}
        self.by_text: dict[tuple[str, str], str] = {}
        self.mapping: dict[str, str] = {}
        self.entity_count = 0

    def mask(self, text: str) -> MaskResult:
        entities = self.masker.find(text)
        self.entity_count += len(entities)
        parts: list[str] = []
        cursor = 0
        for entity in entities:
            key = (entity.type, entity.text)
            placeholder = self.by_text.get(key)
            if placeholder is None:
                self.counters[entity.type] = self.counters.get(entity.type, 0) + 1
                placeholder = f"[{entity.type}_{self.counters[entity.type]}]"
                self.by_text[key] = placeholder
                self.mapping[placeholder] = entity.text
            parts.append(text[cursor : entity.start])
            parts.append(placeholder)
            cursor = entity.end
        parts.append(text[cursor:])
        return MaskResult(
            original=text, masked="".join(parts), entities=entities, mapping=dict(self.mapping)
        )

    def restore(self, text: str) -> str:
        return restore(text, self.mapping)


# What may follow a family name used alone as a person: a particle or a list separator.
_PARTICLES = (
    "が",
    "は",
    "と",
    "より",
    "から",
    "に",
    "へ",
    "で",
    "の",
    "も",
    "や",
    "、",
    ",",
    "，",
    "。",
)


def _before_particle(text: str, end: int) -> bool:
    """`中村が対応します` / `鈴木、高橋` : the name is followed by a particle, not by more of a word."""
    return text.startswith(_PARTICLES, end)


def _after_person_label(text: str, start: int) -> bool:
    """ "担当者:中村" / "氏名 中村": a label, then optional colon or space, then the name."""
    before = text[max(0, start - 6) : start].rstrip(" 　:：")
    return before.endswith(_PERSON_LABELS)


def _script(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff" or ch == "々":
        return "kanji"
    if "ぁ" <= ch <= "ゖ":
        return "hiragana"
    if "ァ" <= ch <= "ヺ" or ch == "ー":
        return "katakana"
    return "other"


def _same_script(before: str, first: str) -> bool:
    """True when `before` would make the name part of a longer word (小林 is not 林)."""
    kind = _script(first)
    return kind != "other" and _script(before) == kind

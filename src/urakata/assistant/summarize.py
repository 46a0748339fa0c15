"""Meeting minutes from a transcript (text, Markdown, WebVTT): summary, decisions, action items.

The local path is rule-based: decisions and action items are sentences with the phrases Japanese
minutes use for them; the owner is the employee named in the sentence (or the speaker who takes
the task on); the due date is read from the date expressions in it, relative to the meeting date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from urakata.assistant.text import normalise, sentences
from urakata.org.models import Employee


@dataclass
class Utterance:
    speaker: str
    text: str


_VTT_TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}\s+-->")
_VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>(.*?)(?:</v>|$)")
_NAME = r"[^\s:：「」。、()()]{1,8}(?:[ \u3000][^\s:：「」。、()()]{1,8})?"
_SPEAKER = re.compile(
    rf"^(?:[-*]\s+|・\s*)?(?:【([^】]{{1,20}})】|\*\*([^*]{{1,20}})\*\*[:：]?|({_NAME})\s*[:：])\s*(.+)$"
)
# "- 日時: …" / "出席: …" lines are the minutes' header, not what someone said.
METADATA_LABELS = {
    "日時",
    "日付",
    "場所",
    "出席",
    "出席者",
    "欠席",
    "欠席者",
    "議題",
    "司会",
    "記録",
    "書記",
}


def parse_transcript(text: str, *, name: str = "") -> list[Utterance]:
    """Utterances with speakers, from WebVTT cues or `話者: 発言` lines (Markdown or text)."""
    is_vtt = name.lower().endswith(".vtt") or text.lstrip("\ufeff").startswith("WEBVTT")
    utterances: list[Utterance] = []
    in_note = False
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.strip()
        if is_vtt:
            if not line:
                in_note = False
                continue
            if line.startswith("WEBVTT") or line.startswith("NOTE") or in_note:
                in_note = in_note or line.startswith("NOTE")
                continue
            if _VTT_TIME.match(line) or line.isdigit():
                continue
            voice = _VOICE.search(line)
            if voice:
                utterances.append(Utterance(voice.group(1).strip(), _strip_tags(voice.group(2))))
                continue
        if not line or line.startswith("#") or line.startswith("---"):
            continue
        match = _SPEAKER.match(line)
        if match:
            speaker = next(g for g in match.groups()[:3] if g)
            if speaker.strip() in METADATA_LABELS:
                continue
            utterances.append(Utterance(speaker.strip(), _strip_tags(match.group(4))))
        else:
            utterances.append(Utterance("", _strip_tags(re.sub(r"^[-*・]\s+", "", line))))
    return [u for u in utterances if u.text]


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).strip()


DECISION = re.compile(
    r"(決定|決まり|決めます|決めました|合意|承認され|承認しま|とします|ことにします|ことにしました|"
    r"ことになりました|で進めます|で進めること|方針と|採用します|採用すること|確定)"
)
ACTION = re.compile(
    r"(お願いします|お願いできますか|お願いいたします|してください|して下さい|対応します|やります|"
    r"作成します|確認します|準備します|提出します|送ります|送付します|手配します|調整します|"
    r"共有します|連絡します|まとめます|担当します|宿題|TODO|ToDo|アクション|までに)"
)
FIRST_PERSON = re.compile(r"(私が|私の方で|僕が|自分が|こちらで|わたしが)")
SELF_COMMIT = re.compile(
    r"(対応します|やります|作成します|確認します|準備します|提出します|送ります|送付します|"
    r"手配します|調整します|共有します|連絡します|まとめます|担当します|報告します|取ります|"
    r"出します|進めます|作ります|実施します|検討します)"
)
WEEKDAYS = "月火水木金土日"


def parse_due(text: str, meeting_date: dt.date) -> dt.date | None:
    """The due date a sentence states (11月30日まで, 12/5, 来週金曜, 今週中, 月末), if any."""
    t = normalise(text)
    if m := re.search(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", t):
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", t):
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := re.search(r"(\d{1,2})月(\d{1,2})日", t) or re.search(
        r"(?<![\d:])(\d{1,2})/(\d{1,2})(?![\d])", t
    ):
        month, day = int(m.group(1)), int(m.group(2))
        candidate = _date(meeting_date.year, month, day)
        if candidate is not None and candidate < meeting_date - dt.timedelta(days=60):
            candidate = _date(meeting_date.year + 1, month, day)
        return candidate
    if m := re.search(r"(今週|来週|再来週)(?:の)?([月火水木金土日])曜", t):
        weeks = {"今週": 0, "来週": 1, "再来週": 2}[m.group(1)]
        monday = meeting_date - dt.timedelta(days=meeting_date.weekday())
        return monday + dt.timedelta(weeks=weeks, days=WEEKDAYS.index(m.group(2)))
    if "今週中" in t or "今週末" in t:
        return meeting_date + dt.timedelta(
            days=4 - meeting_date.weekday() if meeting_date.weekday() <= 4 else 0
        )
    if "来週中" in t or "来週末" in t:
        return meeting_date + dt.timedelta(days=7 - meeting_date.weekday() + 4)
    if "来月末" in t:
        return _month_end(meeting_date.year, meeting_date.month + 1)
    if "今月中" in t or "今月末" in t or "月末" in t:
        return _month_end(meeting_date.year, meeting_date.month)
    if "明後日" in t:
        return meeting_date + dt.timedelta(days=2)
    if "明日" in t:
        return meeting_date + dt.timedelta(days=1)
    if m := re.search(r"(\d{1,2})日(?:まで|中|に)", t):
        day = int(m.group(1))
        candidate = _date(meeting_date.year, meeting_date.month, day)
        if candidate is not None and candidate < meeting_date:
            candidate = _date(
                meeting_date.year + (meeting_date.month == 12), meeting_date.month % 12 + 1, day
            )
        return candidate
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


class NameIndex:
    """Employee names (full name, kana, unique surname) → employee, for owner matching."""

    def __init__(self, employees: list[tuple[int, str, str, str, str]]) -> None:
        self.by_name: dict[str, int] = {}
        self.labels: dict[int, str] = {}
        surname_count: dict[str, int] = {}
        for _pk, last, _first, _lk, _fk in employees:
            surname_count[last] = surname_count.get(last, 0) + 1
        for pk, last, first, last_kana, first_kana in employees:
            self.labels[pk] = f"{last} {first}"
            for variant in (f"{last}{first}", f"{last} {first}", f"{last}\u3000{first}"):
                self.by_name[variant] = pk
            if last_kana and first_kana:
                self.by_name[f"{last_kana}{first_kana}"] = pk
                self.by_name[f"{last_kana} {first_kana}"] = pk
            if surname_count[last] == 1:
                self.by_name.setdefault(last, pk)
        self._names = sorted(self.by_name, key=len, reverse=True)

    @classmethod
    def from_db(cls) -> NameIndex:
        return cls(
            list(
                Employee.objects.exclude(status=Employee.Status.RETIRED)
                .order_by("pk")
                .values_list("pk", "last_name", "first_name", "last_name_kana", "first_name_kana")
            )
        )

    def find(self, text: str) -> int | None:
        """The first employee named in the text (longest names first)."""
        best: tuple[int, int] | None = None
        for name in self._names:
            at = text.find(name)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, self.by_name[name])
        return best[1] if best else None

    def speaker(self, label: str) -> int | None:
        label = label.strip()
        if label in self.by_name:
            return self.by_name[label]
        return self.find(label) if label else None


def extract_minutes(
    utterances: list[Utterance], *, meeting_date: dt.date, names: NameIndex
) -> dict[str, Any]:
    """Decisions and action items (with owner employee id and due date) from the utterances."""
    decisions: list[str] = []
    actions: list[dict[str, Any]] = []
    for utterance in utterances:
        for sentence in sentences(utterance.text):
            if DECISION.search(sentence) and not sentence.endswith(("か？", "か?")):
                decisions.append(sentence)
                continue
            if (
                not (ACTION.search(sentence) or SELF_COMMIT.search(sentence))
                or sentence.endswith(("か？", "か?"))
                or len(sentence) < 10
            ):
                continue
            owner = names.find(sentence)
            # "私が…します" / "…を作成します" commits the speaker; "…してください" names someone else.
            if owner is None and (FIRST_PERSON.search(sentence) or SELF_COMMIT.search(sentence)):
                owner = names.speaker(utterance.speaker)
            due = parse_due(sentence, meeting_date)
            actions.append(
                {
                    "text": sentence,
                    "owner_id": owner,
                    "owner": names.labels.get(owner) if owner else None,
                    "due": due.isoformat() if due else None,
                }
            )
    return {"decisions": decisions, "action_items": actions}

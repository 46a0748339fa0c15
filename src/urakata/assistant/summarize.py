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
# A request to someone ("…してください", "…お願いします") or an explicit task marker. A date alone
# ("…までに締めます" said of a routine) does not make a sentence an action item.
ACTION = re.compile(
    r"(お願いします|お願いできますか|お願いいたします|お願いね|てください|て下さい|でください|"
    r"してもらえますか|宿題|TODO|ToDo|アクション)"
)
# Statements about what is, or was, done are no assignments.
STATEMENT = re.compile(
    r"(ました|ています|ておきました|済みです|済です|でした|予定です|だそうです)[。！!]?$"
)
FIRST_PERSON = re.compile(r"(私が|私の方で|僕が|自分が|こちらで|わたしが)")
SELF_COMMIT = re.compile(
    r"(対応します|やります|作成します|確認します|準備します|提出します|送ります|送付します|"
    r"手配します|調整します|共有します|連絡します|まとめます|担当します|報告します|取ります|"
    r"出します|進めます|作ります|実施します|検討します|やっておきます|引き受けます)"
)
# "はい、作成します。" acknowledges the request just made; the request is the action item.
ACKNOWLEDGEMENT = re.compile(r"^(はい|了解|承知|わかりました|分かりました|かしこまりました)")
HONORIFIC = r"(?:さん|君|くん|様|さま|氏|部長|課長|係長|主任)"
WEEKDAYS = "月火水木金土日"


def parse_due(text: str, meeting_date: dt.date) -> dt.date | None:
    """The due date a sentence states (11月30日まで, 12/5, 来週金曜, 今週中, 月末), if any."""
    t = normalise(text)
    if m := re.search(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", t):
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", t):
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := re.search(r"(\d{1,2})月(末|中旬|上旬|下旬|中|いっぱい)", t):
        month = int(m.group(1))
        if not 1 <= month <= 12:
            return None
        day = {"上旬": 10, "中旬": 20}.get(m.group(2))

        def due_in(year: int) -> dt.date:
            return dt.date(year, month, day) if day else _month_end(year, month)

        # 「1月末」 said in a December meeting is next year's January.
        if due_in(meeting_date.year) < meeting_date - dt.timedelta(days=60):
            return due_in(meeting_date.year + 1)
        return due_in(meeting_date.year)
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


@dataclass
class Owner:
    """Who an action item is for: one employee, or the candidates to confirm between."""

    employee_id: int | None = None
    candidates: list[int] | None = None


class NameIndex:
    """Employee names → employees, for owner matching.

    Full names (kanji, with or without a space, and kana) match anywhere; a family name alone
    matches when an honorific follows it (山口さん, 伊藤君, 佐藤様, 鈴木部長) or as a speaker label.
    A family name two employees share yields both as candidates to confirm.
    """

    def __init__(self, employees: list[tuple[int, str, str, str, str]]) -> None:
        self.by_name: dict[str, int] = {}
        self.labels: dict[int, str] = {}
        self.by_surname: dict[str, list[int]] = {}
        for pk, last, first, last_kana, first_kana in employees:
            self.labels[pk] = f"{last} {first}"
            for variant in (f"{last}{first}", f"{last} {first}", f"{last}\u3000{first}"):
                self.by_name[variant] = pk
            if last_kana and first_kana:
                self.by_name[f"{last_kana}{first_kana}"] = pk
                self.by_name[f"{last_kana} {first_kana}"] = pk
            for surname in {last, last_kana} - {""}:
                self.by_surname.setdefault(surname, []).append(pk)
        self._names = sorted(self.by_name, key=len, reverse=True)
        surnames = sorted(self.by_surname, key=len, reverse=True)
        self._surname_pattern = (
            re.compile(f"({'|'.join(re.escape(n) for n in surnames)}){HONORIFIC}")
            if surnames
            else None
        )

    @classmethod
    def from_db(cls) -> NameIndex:
        return cls(
            list(
                Employee.objects.exclude(status=Employee.Status.RETIRED)
                .order_by("pk")
                .values_list("pk", "last_name", "first_name", "last_name_kana", "first_name_kana")
            )
        )

    def owner(self, text: str) -> Owner | None:
        """The first employee named in the text: full name, or family name with an honorific."""
        best: tuple[int, Owner] | None = None
        for name in self._names:
            at = text.find(name)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, Owner(self.by_name[name]))
        if self._surname_pattern is not None:
            for match in self._surname_pattern.finditer(text):
                if best is not None and best[0] <= match.start():
                    break
                if best is not None and match.start() < best[0] <= match.end():
                    continue  # part of a full name found above
                best = (match.start(), self._by_surname(match.group(1)))
                break
        return best[1] if best else None

    def _by_surname(self, surname: str) -> Owner:
        pks = self.by_surname.get(surname, [])
        return Owner(pks[0]) if len(pks) == 1 else Owner(None, list(pks))

    def find(self, text: str) -> int | None:
        """The one employee named in the text, if exactly one is meant."""
        owner = self.owner(text)
        return owner.employee_id if owner else None

    def speaker(self, label: str) -> int | None:
        owner = self.speaker_owner(label)
        return owner.employee_id if owner else None

    def speaker_owner(self, label: str) -> Owner | None:
        """A speaker label: a full name, a family name alone, or a name with an honorific."""
        label = re.sub(f"{HONORIFIC}$", "", label.strip())
        if label in self.by_name:
            return Owner(self.by_name[label])
        if label in self.by_surname:
            return self._by_surname(label)
        return self.owner(label) if label else None


def extract_minutes(
    utterances: list[Utterance], *, meeting_date: dt.date, names: NameIndex
) -> dict[str, Any]:
    """Decisions and action items (owner employee or candidates, due date) from the utterances.

    An action item is a sentence that assigns work: a request (…してください, …お願いします) or
    a commitment (私が…します, …を作成します); statements of what is or was done are not.
    """
    decisions: list[str] = []
    actions: list[dict[str, Any]] = []
    for utterance in utterances:
        said = sentences(utterance.text)
        for position, sentence in enumerate(said):
            question = sentence.endswith(("か？", "か?"))
            if DECISION.search(sentence) and not question:
                decisions.append(sentence)
                continue
            request = bool(ACTION.search(sentence))
            commitment = bool(SELF_COMMIT.search(sentence))
            if (
                not (request or commitment)
                or (question and not request)
                or STATEMENT.search(sentence)
                or (ACKNOWLEDGEMENT.search(sentence) and len(sentence) < 15)
                or len(sentence) < 8
            ):
                continue
            owner = names.owner(sentence)
            # "私が…します" / "…を作成します" commits the speaker; "…してください" names someone else.
            if owner is None and (FIRST_PERSON.search(sentence) or (commitment and not request)):
                owner = names.speaker_owner(utterance.speaker)
            due = parse_due(sentence, meeting_date)
            if due is None and position + 1 < len(said):
                # "…をお願いします。期限は11月13日です。": the date follows in the next sentence.
                follower = said[position + 1]
                if not (
                    ACTION.search(follower)
                    or SELF_COMMIT.search(follower)
                    or DECISION.search(follower)
                ):
                    due = parse_due(follower, meeting_date)
            owner_id = owner.employee_id if owner else None
            candidates = owner.candidates or [] if owner else []
            actions.append(
                {
                    "text": sentence,
                    "owner_id": owner_id,
                    "owner": names.labels.get(owner_id) if owner_id else None,
                    "owner_candidates": [{"id": pk, "name": names.labels[pk]} for pk in candidates],
                    "due": due.isoformat() if due else None,
                }
            )
    return {"decisions": decisions, "action_items": actions}

"""Minutes extraction scored against transcripts with the expected decisions and action items.

Decisions and action items match by sentence text; for matched action items the owner (one
employee, or the set of candidates to confirm) and the due date are compared.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from urakata.assistant.summarize import NameIndex, extract_minutes, parse_transcript

CASES = Path(__file__).resolve().parent / "minutes_cases.json"


@dataclass
class MinutesScore:
    decisions_expected: int = 0
    decisions_found: int = 0
    decisions_right: int = 0
    actions_expected: int = 0
    actions_found: int = 0
    actions_right: int = 0
    owners_right: int = 0
    dues_right: int = 0
    problems: list[str] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    def figures(self) -> dict[str, float]:
        """Precision and recall of decisions and action items; owner and due accuracy."""
        return {
            "decision_precision": self._ratio(self.decisions_right, self.decisions_found),
            "decision_recall": self._ratio(self.decisions_right, self.decisions_expected),
            "action_precision": self._ratio(self.actions_right, self.actions_found),
            "action_recall": self._ratio(self.actions_right, self.actions_expected),
            "owner_accuracy": self._ratio(self.owners_right, self.actions_right),
            "due_accuracy": self._ratio(self.dues_right, self.actions_right),
        }


def _owner_of(item: dict[str, Any]) -> str | list[str] | None:
    if item["owner"]:
        return str(item["owner"])
    names = sorted(c["name"] for c in item.get("owner_candidates") or [])
    return names or None


def evaluate_minutes(path: Path = CASES) -> MinutesScore:
    """Run the local extraction over every case (roster from the file, no database)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    names = NameIndex([tuple(row) for row in data["roster"]])  # type: ignore[misc]
    score = MinutesScore()
    for case in data["cases"]:
        result = extract_minutes(
            parse_transcript(case["transcript"]),
            meeting_date=dt.date.fromisoformat(case["meeting_date"]),
            names=names,
        )
        expected_decisions = set(case["decisions"])
        score.decisions_expected += len(expected_decisions)
        score.decisions_found += len(result["decisions"])
        for decision in result["decisions"]:
            if decision in expected_decisions:
                score.decisions_right += 1
            else:
                score.problems.append(f"{case['name']}: extra decision {decision}")
        expected = {a["text"]: a for a in case["actions"]}
        score.actions_expected += len(expected)
        score.actions_found += len(result["action_items"])
        found = {a["text"] for a in result["action_items"]}
        for text in set(expected) - found:
            score.problems.append(f"{case['name']}: missed action {text}")
        for item in result["action_items"]:
            want = expected.get(item["text"])
            if want is None:
                score.problems.append(f"{case['name']}: extra action {item['text']}")
                continue
            score.actions_right += 1
            owner = _owner_of(item)
            want_owner = sorted(want["owner"]) if isinstance(want["owner"], list) else want["owner"]
            if owner == want_owner:
                score.owners_right += 1
            else:
                score.problems.append(f"{case['name']}: owner {owner} ≠ {want_owner}")
            if item["due"] == want["due"]:
                score.dues_right += 1
            else:
                score.problems.append(f"{case['name']}: due {item['due']} ≠ {want['due']}")
    return score

"""Precision and recall of the PII masker per entity type over the labelled sentences."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from urakata.assistant.masking import ENTITY_TYPES, Masker, PersonName

HERE = Path(__file__).resolve().parent
_MARK = re.compile(r"\{\{(.+?)\|([A-Z_]+)\}\}")


@dataclass
class Case:
    """One labelled sentence: plain text and its gold (type, start, end) spans."""

    text: str
    spans: set[tuple[str, int, int]]


def parse_line(line: str) -> Case:
    """`{{山田|PERSON}}さん` → text '山田さん' with span (PERSON, 0, 2)."""
    text_parts: list[str] = []
    spans: set[tuple[str, int, int]] = set()
    cursor = 0
    length = 0
    for m in _MARK.finditer(line):
        before = line[cursor : m.start()]
        text_parts.append(before)
        length += len(before)
        value, kind = m.group(1), m.group(2)
        if kind not in ENTITY_TYPES:
            raise ValueError(f"unknown type {kind} in {line!r}")
        spans.add((kind, length, length + len(value)))
        text_parts.append(value)
        length += len(value)
        cursor = m.end()
    text_parts.append(line[cursor:])
    return Case("".join(text_parts), spans)


def load_cases(path: Path | None = None) -> list[Case]:
    path = path or HERE / "mask_cases.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse_line(line) for line in lines if line.strip() and not line.startswith("#")]


def roster_masker(path: Path | None = None) -> Masker:
    data = json.loads((path or HERE / "mask_roster.json").read_text(encoding="utf-8"))
    return Masker([PersonName(*p) for p in data["people"]], [tuple(c) for c in data["companies"]])


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate(
    cases: list[Case], masker: Masker
) -> tuple[dict[str, TypeScore], list[tuple[str, str, str]]]:
    """Exact-span scores per type and overall ("ALL"), plus the mistakes (kind, sentence, span)."""
    scores = {kind: TypeScore() for kind in (*ENTITY_TYPES, "ALL")}
    mistakes: list[tuple[str, str, str]] = []
    for case in cases:
        found = {(e.type, e.start, e.end) for e in masker.find(case.text)}
        for kind, _start, _end in found & case.spans:
            scores[kind].tp += 1
            scores["ALL"].tp += 1
        for kind, start, end in found - case.spans:
            scores[kind].fp += 1
            scores["ALL"].fp += 1
            mistakes.append(("FP", case.text, f"{kind}:{case.text[start:end]}"))
        for kind, start, end in case.spans - found:
            scores[kind].fn += 1
            scores["ALL"].fn += 1
            mistakes.append(("FN", case.text, f"{kind}:{case.text[start:end]}"))
    return scores, mistakes

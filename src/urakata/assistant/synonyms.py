"""The domain synonym dictionary (`synonyms.txt`): back-office words and their everyday variants.

A group is one line `代表語/言い換え/略語…`. Wherever any variant occurs in a text (NFKC, lower
case, longest match first, no overlaps), the group's term `≡代表語` is added to the text's search
terms; in questions the group term replaces the tokens it spans, so 「有休」「年休」「有給」 all ask
for the same thing as 「年次有給休暇」.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).resolve().parent / "synonyms.txt"
PREFIX = "≡"


@dataclass(frozen=True)
class SynonymMatch:
    start: int
    end: int
    term: str  # ≡代表語


class SynonymDictionary:
    """Variant → group term; finds the variants in a normalised text with one regex."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.groups = groups
        self.term_of: dict[str, str] = {}
        for group in groups:
            for variant in group:
                self.term_of.setdefault(variant, PREFIX + group[0])
        variants = sorted(self.term_of, key=lambda v: (-len(v), v))
        self._pattern = re.compile("|".join(re.escape(v) for v in variants)) if variants else None

    @classmethod
    def load(cls, path: Path = PATH) -> SynonymDictionary:
        """Parse the dictionary file: `#` comments, blank lines ignored; variants of 2+ chars."""
        groups: list[list[str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            variants = [
                unicodedata.normalize("NFKC", v.strip()).lower()
                for v in line.split("/")
                if len(v.strip()) >= 2
            ]
            if variants:
                groups.append(variants)
        return cls(groups)

    def find(self, normalised_text: str) -> list[SynonymMatch]:
        """Non-overlapping variant occurrences, longest first at each position."""
        if self._pattern is None:
            return []
        return [
            SynonymMatch(m.start(), m.end(), self.term_of[m.group(0)])
            for m in self._pattern.finditer(normalised_text)
        ]


_lock = threading.Lock()
_dictionary: SynonymDictionary | None = None


def synonyms() -> SynonymDictionary:
    """The repository's dictionary, loaded once per process."""
    global _dictionary
    if _dictionary is None:
        with _lock:
            if _dictionary is None:
                _dictionary = SynonymDictionary.load()
    return _dictionary

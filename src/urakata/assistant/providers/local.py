"""The default provider: no network, no model download. Extractive answers and summaries."""

from __future__ import annotations

import math
from collections import Counter

from urakata.assistant.providers.base import Completion, Passage, ProviderError
from urakata.assistant.text import sentences, tokens


class LocalProvider:
    """Quotes the most relevant sentences of the best passages, with their sources."""

    name = "local"
    model = "bm25-extractive"

    def answer(self, *, question: str, passages: list[Passage]) -> Completion:
        """The best sentences (by query-term overlap) of the top passages, quoted with sources."""
        query = set(tokens(question))
        scored: list[tuple[float, int, int, str]] = []
        for p_index, passage in enumerate(passages[:3]):
            for s_index, sentence in enumerate(sentences(passage.text)):
                terms = set(tokens(sentence))
                overlap = len(query & terms)
                if overlap == 0:
                    continue
                # Earlier passages and earlier sentences win ties; very long ones are damped.
                score = overlap - 0.3 * p_index - 0.01 * s_index - len(sentence) / 2000
                scored.append((score, p_index, s_index, sentence))
        if not scored and passages:
            first = sentences(passages[0].text)
            scored = [(0.0, 0, i, s) for i, s in enumerate(first[:2])]
        chosen = sorted(sorted(scored, reverse=True)[:3], key=lambda item: (item[1], item[2]))
        lines: list[str] = []
        for _score, p_index, _s_index, sentence in chosen:
            lines.append(f"「{sentence}」({passages[p_index].label})")
        return Completion(text="\n".join(lines), provider=self.name, model=self.model)

    def summarize(self, *, text: str, max_sentences: int = 5) -> Completion:
        """Extractive summary: sentences with the most frequent content words, in original order."""
        items = [s for s in sentences(text) if len(s) >= 8]
        if not items:
            return Completion(text="", provider=self.name, model=self.model)
        token_lists = [tokens(s) for s in items]
        frequency = Counter(t for ts in token_lists for t in ts)
        scores = []
        for index, ts in enumerate(token_lists):
            if not ts:
                continue
            weight = sum(frequency[t] for t in set(ts)) / math.sqrt(len(ts) + 1)
            scores.append((weight, index))
        top = sorted(index for _w, index in sorted(scores, reverse=True)[:max_sentences])
        return Completion(
            text="\n".join(items[i] for i in top), provider=self.name, model=self.model
        )

    def chat_json(self, *, system: str, user: str) -> Completion:
        raise ProviderError("the local provider has no chat model")

    def embed(self, texts: list[str]) -> list[list[float]] | None:
        return None

    def check(self) -> Completion:
        probe = self.summarize(text="経費精算は翌月10日までに申請します。承認後に振り込まれます。")
        if not probe.text:
            raise ProviderError("local summariser returned nothing")
        return Completion(text="OK", provider=self.name, model=self.model)

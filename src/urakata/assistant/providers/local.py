"""The default provider: no network, no model download. Extractive answers and summaries."""

from __future__ import annotations

import math
from collections import Counter

from django.utils.translation import gettext as _

from urakata.assistant.providers.base import Completion, Passage, ProviderError
from urakata.assistant.text import index_terms, query_terms, sentences, tokens


class LocalProvider:
    """Quotes the most relevant sentences of the best passages, with their sources."""

    name = "local"
    model = "bm25-extractive"

    def answer(self, *, question: str, passages: list[Passage]) -> Completion:
        """One article's answering sentence(s), quoted, with the article cited (title › 第n条).

        The passages are the chosen article (the caller hands over one); sentences are ranked
        by how many of the question's terms (synonym groups included) they contain, and the
        best one is quoted with the sentence that follows it when that one matches as well.
        """
        if not passages:
            return Completion(text="", provider=self.name, model=self.model)
        query = set(query_terms(question))
        article = [p for p in passages if p.label == passages[0].label] or passages[:1]
        items = [s for p in article for s in sentences(p.text)]
        scored = []
        for position, sentence in enumerate(items):
            overlap = len(query & set(index_terms(sentence)))
            scored.append((overlap - len(sentence) / 2000, -position, overlap))
        if not scored:
            return Completion(text="", provider=self.name, model=self.model)
        _best, neg_position, best_overlap = max(scored)
        first = -neg_position
        chosen = [first]
        if best_overlap and first + 1 < len(items) and scored[first + 1][2] >= best_overlap:
            chosen.append(first + 1)
        quote = "".join(items[i] for i in chosen)
        text = _("「%(quote)s」(%(source)s)") % {"quote": quote, "source": article[0].label}
        return Completion(text=text, provider=self.name, model=self.model, extra={"quote": quote})

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

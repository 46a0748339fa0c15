"""Japanese text helpers: SudachiPy tokens for BM25, sentence splitting."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from typing import Any

from sudachipy import Dictionary, SplitMode

from urakata.assistant.synonyms import synonyms

_local = threading.local()
_dictionary: Any = None
_dict_lock = threading.Lock()

CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞"}
STOPWORDS = {
    "する",
    "為る",
    "ある",
    "有る",
    "いる",
    "居る",
    "なる",
    "成る",
    "できる",
    "出来る",
    "れる",
    "られる",
    "こと",
    "事",
    "もの",
    "物",
    "ため",
    "為",
    "よう",
    "様",
    "これ",
    "それ",
    "あれ",
    "どれ",
    "この",
    "その",
    "何",
    "なに",
    "どう",
    "どの",
    "どこ",
    "いつ",
    "くださる",
    "下さる",
    "教える",
    "知る",
    "ます",
    "です",
    "さん",
    "的",
    "等",
    "など",
    "とき",
    "時",
    "場合",
    "中",
    "方",
    "いい",
    "良い",
    "よい",
    "思う",
    "言う",
    "いう",
    "おく",
    "置く",
    "くる",
    "来る",
    "いく",
    "行く",
    "みる",
    "見る",
    "もらう",
    "貰う",
    "及び",
    "又は",
    "ない",
    "無い",
    "について",
    "つく",
    # question words: they ask, they do not say about what
    "幾ら",
    "幾つ",
    "如何",
    "誰",
    "だれ",
    "何時",
    "何日",
    "何で",
    "可能",
    "大丈夫",
}


def _tokenizer() -> Any:
    global _dictionary
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        with _dict_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
        tok = _dictionary.tokenizer(mode=SplitMode.A)
        _local.tokenizer = tok
    return tok


def normalise(text: str) -> str:
    """NFKC (full-width ASCII to half-width) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """Content-word tokens (normalised dictionary forms), particles and stop words dropped."""
    text = normalise(text)
    if not text.strip():
        return []
    result: list[str] = []
    # Sudachi limits one input to ~49 KB; feed long texts by line.
    for part in _split_long(text):
        for morpheme in _tokenizer().tokenize(part):
            pos = morpheme.part_of_speech()
            if pos[0] not in CONTENT_POS or (pos[1] == "数詞" and len(morpheme.surface()) < 2):
                continue
            form = morpheme.normalized_form()
            if form in STOPWORDS or not form.strip() or _is_symbol(form):
                continue
            result.append(form)
    return result


def _content_morphemes(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, normalised form, part of speech) of the content words of a normalised text."""
    result: list[tuple[int, int, str, str]] = []
    offset = 0
    for part in _split_long(text):
        for morpheme in _tokenizer().tokenize(part):
            pos = morpheme.part_of_speech()
            if pos[0] not in CONTENT_POS or (pos[1] == "数詞" and len(morpheme.surface()) < 2):
                continue
            form = morpheme.normalized_form()
            if form in STOPWORDS or not form.strip() or _is_symbol(form) or _is_kana_char(form):
                continue
            result.append((offset + morpheme.begin(), offset + morpheme.end(), form, pos[0]))
        offset += len(part)
    return result


def index_terms(text: str) -> list[str]:
    """Terms a chunk is indexed by: SudachiPy normalised forms plus synonym-group terms."""
    text = normalise(text)
    if not text.strip():
        return []
    terms = [form for _start, _end, form, _pos in _content_morphemes(text)]
    terms.extend(match.term for match in synonyms().find(text))
    return terms


# Verbs, adjectives and adverbs say less about what a question is about than nouns do.
LIGHT_POS = {"動詞", "形容詞", "副詞", "接尾辞"}
LIGHT_WEIGHT = 0.5


def query_weights(text: str) -> dict[str, float]:
    """A question's terms and their weights: a synonym-group term replaces the words of the
    variant it spans; nouns and group terms weigh 1, verbs, adjectives and adverbs 0.5."""
    text = normalise(text)
    if not text.strip():
        return {}
    matches = synonyms().find(text)
    covered = [(m.start, m.end) for m in matches]
    weights: dict[str, float] = {}
    for start, end, form, pos in _content_morphemes(text):
        if any(start < m_end and end > m_start for m_start, m_end in covered):
            continue
        weight = LIGHT_WEIGHT if pos in LIGHT_POS else 1.0
        weights[form] = max(weights.get(form, 0.0), weight)
    for match in matches:
        weights[match.term] = 1.0
    return weights


def query_terms(text: str) -> list[str]:
    """A question's search terms (see `query_weights`)."""
    return list(query_weights(text))


def _split_long(text: str, limit: int = 10000) -> list[str]:
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    buffer = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            parts.append(line[:limit])
            line = line[limit:]
        if len(buffer) + len(line) > limit:
            parts.append(buffer)
            buffer = ""
        buffer += line
    if buffer:
        parts.append(buffer)
    return parts


def _is_kana_char(form: str) -> bool:
    """A lone kana (「さ」 of 長さ, 「み」 of 深み) is no search term."""
    return len(form) == 1 and "\u3041" <= form <= "\u30ff"


def _is_symbol(form: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in form)


def term_counts(text: str) -> Counter[str]:
    return Counter(tokens(text))


_SENTENCE_END = re.compile(r"(?<=[。！？!?])\s*|\n+")


def sentences(text: str) -> list[str]:
    """Split into sentences at 。！？ and line breaks; list markers kept, blanks dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]

"""What every AI provider offers, and the result it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Passage:
    """A retrieved chunk handed to a provider: where it comes from and its text."""

    title: str
    heading: str
    text: str
    url: str = ""
    score: float = 0.0

    @property
    def label(self) -> str:
        if self.heading and self.heading != self.title:
            return f"{self.title} › {self.heading.replace(' > ', ' › ')}"
        return self.title


@dataclass
class Completion:
    """A provider's answer plus what the call log needs."""

    text: str
    provider: str
    model: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    masked_entities: int = 0
    note: str = ""
    fallback: bool = False
    data: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class ProviderError(Exception):
    """The provider could not answer (timeout, HTTP error, unreadable reply)."""

    def __init__(self, message: str, *, masked_entities: int = 0) -> None:
        super().__init__(message)
        self.masked_entities = masked_entities


class Provider(Protocol):
    name: str
    model: str

    def answer(self, *, question: str, passages: list[Passage]) -> Completion: ...

    def summarize(self, *, text: str, max_sentences: int = 5) -> Completion: ...

    def chat_json(self, *, system: str, user: str) -> Completion: ...

    def embed(self, texts: list[str]) -> list[list[float]] | None: ...

    def check(self) -> Completion: ...

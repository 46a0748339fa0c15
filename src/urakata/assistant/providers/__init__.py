"""AI providers: `local` (default, offline) and `openai` (OpenAI-compatible HTTP API)."""

from __future__ import annotations

from django.conf import settings

from urakata.assistant.providers.base import Completion, Passage, Provider, ProviderError
from urakata.assistant.providers.local import LocalProvider
from urakata.assistant.providers.openai import OpenAIProvider

__all__ = [
    "Completion",
    "LocalProvider",
    "OpenAIProvider",
    "Passage",
    "Provider",
    "ProviderError",
    "get_provider",
]


def get_provider(name: str | None = None) -> Provider:
    """The configured provider (URAKATA_AI_PROVIDER); unknown names fall back to local."""
    name = name or settings.URAKATA_AI_PROVIDER
    if name == "openai":
        return OpenAIProvider(
            base_url=settings.OPENAI_BASE_URL,
            api_key=settings.OPENAI_API_KEY,
            model=settings.URAKATA_AI_MODEL,
            timeout=settings.URAKATA_AI_TIMEOUT,
            embedding_model=settings.URAKATA_AI_EMBEDDING_MODEL,
        )
    return LocalProvider()

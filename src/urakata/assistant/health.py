"""Is the configured AI provider healthy? One probe shared by `urakata ai check`, `urakata check`
and the AI settings page. With the local provider it runs in process: fast and offline."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

from urakata.assistant.providers import LocalProvider, ProviderError, get_provider


@dataclass
class ProviderHealth:
    """The probe's result; `fallback_ok` says whether local answers work when the provider fails."""

    provider: str
    setting: str
    ok: bool
    detail: str
    latency_ms: int
    model: str = ""
    base_url: str = ""
    fallback_ok: bool | None = None


def provider_health() -> ProviderHealth:
    """Ask the configured provider for a one-word reply; on failure, probe the local fallback."""
    provider = get_provider()
    health = ProviderHealth(
        provider=provider.name,
        setting=settings.URAKATA_AI_PROVIDER,
        ok=False,
        detail="",
        latency_ms=0,
        model=str(getattr(provider, "model", "")),
        base_url=settings.OPENAI_BASE_URL if provider.name == "openai" else "",
    )
    started = time.perf_counter()
    try:
        reply = provider.check()
    except ProviderError as error:
        health.detail = str(error)
        if provider.name != "local":
            try:
                LocalProvider().check()
                health.fallback_ok = True
            except ProviderError:
                health.fallback_ok = False
        return health
    health.ok = True
    health.detail = reply.text[:60]
    health.latency_ms = round((time.perf_counter() - started) * 1000)
    return health

"""AI calls: every call runs through `ai_run` (fallback to local) and is logged (AICallLog)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.assistant.models import AICallLog
from urakata.assistant.providers import (
    Completion,
    LocalProvider,
    Provider,
    ProviderError,
    get_provider,
)
from urakata.core.audit import audit_record
from urakata.org.models import Department


def _department_of(user: Any) -> Department | None:
    employee = getattr(user, "employee", None) if user is not None else None
    return employee.department if employee is not None else None


def ai_call_log_record(
    *, user: Any, feature: str, completion: Completion, latency_ms: int, ok: bool = True
) -> AICallLog:
    """Record one AI call (AICallLog and an audit event) in one transaction."""
    with transaction.atomic():
        log = AICallLog.objects.create(
            user=user if getattr(user, "pk", None) else None,
            department=_department_of(user) if getattr(user, "pk", None) else None,
            feature=feature,
            provider=completion.provider,
            model=completion.model[:100],
            masked_entities=completion.masked_entities,
            latency_ms=latency_ms,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            ok=ok,
            fallback=completion.fallback,
            note=completion.note[:300],
        )
        audit_record(
            actor=user if getattr(user, "pk", None) else None,
            action="assistant.ai_call",
            target=log,
            changes={
                "feature": feature,
                "provider": completion.provider,
                "masked_entities": completion.masked_entities,
                "fallback": completion.fallback,
            },
        )
    return log


def ai_run(
    *,
    user: Any,
    feature: str,
    call: Callable[[Provider], Completion],
    provider: Provider | None = None,
    started: float | None = None,
) -> Completion:
    """Run `call` on the configured provider; on failure fall back to local with a visible note."""
    provider = provider or get_provider()
    # `started` lets a feature count its own preparation (retrieval) in the logged latency.
    started = time.perf_counter() if started is None else started
    try:
        result = call(provider)
    except ProviderError as error:
        if provider.name == "local":
            raise
        result = call(LocalProvider())
        result.fallback = True
        result.masked_entities += error.masked_entities
        result.note = _(
            "外部AI(%(name)s)が応答しなかったため(%(error)s)、ローカル処理の結果を表示しています。"
        ) % {"name": provider.name, "error": error}
    latency = round((time.perf_counter() - started) * 1000)
    ai_call_log_record(user=user, feature=feature, completion=result, latency_ms=latency)
    return result

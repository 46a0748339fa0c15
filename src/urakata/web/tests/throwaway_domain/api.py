"""The throw-away domain's API: one endpoint behind its capability."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from urakata.core.permissions import require

router = Router(tags=["throwaway"])


@router.get("/ping")
def ping(request: HttpRequest) -> dict[str, str]:
    require(request.user, "throwaway_domain.use")
    return {"pong": request.user.get_username()}

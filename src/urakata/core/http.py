"""Small helpers shared by list pages."""

from __future__ import annotations

from django.http import HttpRequest


def querystring_without_page(request: HttpRequest) -> str:
    """The current query string minus `page`, ending in `&` when not empty (for page links)."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""

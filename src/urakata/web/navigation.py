"""The left navigation, built from the entries the domains declare in their manifests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from urakata.core.domains import nav_entries
from urakata.core.permissions import can


def nav_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """Sections with the links this user may open, current one marked."""
    sections: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    for item in nav_entries():
        if item.capability is not None and not can(user, item.capability):
            continue
        url = reverse(item.url_name)
        section = sections.setdefault(str(item.section), {"title": item.section, "items": []})
        badge = item.badge(user) if item.badge is not None else None
        link = {"label": item.label, "url": url, "icon": item.icon, "active": False, "badge": badge}
        section["items"].append(link)
        links.append(link)
    # Only the most specific match is current (/accounts/tokens/ is not also /accounts/).
    matches = [
        link
        for link in links
        if current_path == link["url"]
        or (link["url"] != "/" and current_path.startswith(link["url"]))
    ]
    if matches:
        max(matches, key=lambda link: len(link["url"]))["active"] = True
    return list(sections.values())

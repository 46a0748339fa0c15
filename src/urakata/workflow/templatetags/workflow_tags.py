"""Template helpers for workflow pages: people's names, waiting time, status badges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.workflow.selectors import person_name

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """`{{ slot.approver|person }}`: the employee name of a user."""
    return person_name(user)


@register.filter
def waited(since: dt.datetime | None) -> str:
    """How long since a moment, in days and hours (待ち時間)."""
    if since is None:
        return ""
    seconds = int((timezone.now() - since).total_seconds())
    days, rest = divmod(max(seconds, 0), 86400)
    hours = rest // 3600
    if days:
        return _("%(days)d日%(hours)d時間") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d時間") % {"hours": hours}
    return _("1時間未満")


@register.filter
def subject_label(key: str) -> str:
    from urakata.workflow.registry import get_subject_type

    subject_type = get_subject_type(key)
    return _(subject_type.label) if subject_type else key

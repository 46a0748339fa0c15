"""Who may do what in the DX app, beyond the capabilities: process owners and DX leaders."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from urakata.core.errors import PermissionDenied
from urakata.core.permissions import can, require, same_user
from urakata.dx.models import Process, Supporter


def is_leader(user: Any) -> bool:
    """A DX leader on the roster, or a holder of `dx.manage` (DX推進担当)."""
    if can(user, "dx.manage"):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Supporter.objects.filter(user=user, kind=Supporter.Kind.LEADER).exists()


def require_leader(user: Any) -> None:
    """PoCs and KPI reviews are run by DX leaders (or `dx.manage`)."""
    require(user, "dx.use")
    if not is_leader(user):
        raise PermissionDenied(_("PoC と KPI レビューは DX リーダーが行います。"))


def can_edit_process(user: Any, process: Process) -> bool:
    """Process owners edit their processes; `dx.manage` edits every one."""
    if can(user, "dx.manage"):
        return True
    return process.owner_id is not None and same_user(user, process.owner)


def require_edit_process(user: Any, process: Process) -> None:
    require(user, "dx.use")
    if not can_edit_process(user, process):
        raise PermissionDenied(_("この業務を編集できるのは業務責任者と DX 推進担当です。"))


def can_review_manual(user: Any, process: Process) -> bool:
    """The process owner, an AI operator or a DX manager approves manual changes."""
    return can(user, "dx.review_manuals") or can_edit_process(user, process)

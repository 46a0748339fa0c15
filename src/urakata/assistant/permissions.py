"""AI assistant capabilities: everyone may ask; ai_operator reviews; admin configures."""

from __future__ import annotations

from urakata.core.permissions import register_capability, sync_rules
from urakata.core.roles import Role

DESK_ROLES: tuple[Role, ...] = (Role.GENERAL_AFFAIRS, Role.HR, Role.ACCOUNTING)

register_capability("assistant.ask", tuple(Role))
register_capability("assistant.summarize", tuple(Role))
register_capability("assistant.answer_inquiries", (*DESK_ROLES, Role.AI_OPERATOR))
register_capability("assistant.manage_knowledge", (Role.AI_OPERATOR,))
register_capability("assistant.review", (Role.AI_OPERATOR,))
register_capability("assistant.view_usage", (Role.AI_OPERATOR, Role.EXECUTIVE))
register_capability("assistant.configure", ())
sync_rules()

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
# Row scope (visible_to): who sees every row rather than their own.
register_capability("assistant.view_all_knowledge", ())  # every source, whatever its audience
register_capability("assistant.view_all_inquiries", (Role.AI_OPERATOR,))
register_capability("assistant.view_all_minutes", (Role.AI_OPERATOR,))
register_capability("assistant.view_all_tasks", (Role.AI_OPERATOR,))
# A desk's staff see the inquiries sent to that desk (models.desk_capability); desks are named
# after the roles that staff them.
for _desk_role in DESK_ROLES:
    register_capability(f"assistant.desk_{_desk_role.value}", (_desk_role,))
sync_rules()

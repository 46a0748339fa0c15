"""Workflow capabilities (who may use which feature); row scope is ApprovalRequest.visible_to."""

from __future__ import annotations

from urakata.core.permissions import register_capability, sync_rules
from urakata.core.roles import Role

ALL_ROLES = tuple(Role)


def register() -> None:
    """Add the workflow capabilities to the shared table."""
    register_capability("workflow.use", ALL_ROLES)  # submit, approve what is assigned, comment
    register_capability("workflow.view_all", (Role.AUDITOR,))  # read every request (監査)
    register_capability("workflow.proxy_approve", ())  # admin only: 代理承認(管理者)
    register_capability("workflow.manage_routes", ())  # admin only: 承認ルート設定
    register_capability("workflow.manage_forms", (Role.GENERAL_AFFAIRS,))  # 申請フォーム定義
    register_capability("workflow.view_kpis", (Role.EXECUTIVE, Role.AUDITOR, Role.GENERAL_AFFAIRS))
    sync_rules()

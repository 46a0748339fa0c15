"""The demo company is seeded by each domain's `demo.seed`, in dependency order."""

from __future__ import annotations

# Each later domain appends "urakata.<app>.demo.seed" here, after the domains it depends on.
DEMO_SEEDERS: list[str] = [
    "urakata.org.demo.seed",
    "urakata.workflow.demo.seed",
    "urakata.assistant.demo.seed",
    "urakata.ledger.demo.seed",
]

DEMO_LOGINS: list[tuple[str, str]] = [
    ("admin", "システム管理者(全機能)"),
    ("president", "代表取締役(経営層・管理職)"),
    ("executive", "経営企画部(経営層)"),
    ("manager", "営業部長(管理職)"),
    ("employee", "営業部の一般社員"),
    ("hr", "人事部"),
    ("accounting", "経理部"),
    ("general_affairs", "総務部"),
    ("auditor", "監査担当"),
    ("ai_operator", "AI運用担当"),
]

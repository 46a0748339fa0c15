"""The demo company's logins, printed by `urakata demo`.

The data itself comes from each domain's `demo_seeder`, declared in its manifest.
"""

from __future__ import annotations

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

"""Template filters for readable errors and audit events: `{{ key|field_path }}`,
`{{ event.action|action_label }}`, `{{ event|audit_changes }}`."""

from __future__ import annotations

from typing import Any

from django import template

from urakata.core.audit_labels import action_label, audit_sentence, changes_lines
from urakata.core.labels import describe_path

register = template.Library()


@register.filter
def field_path(key: str) -> str:
    """`lines.1.account` → 「2行目の勘定科目」 ('' when nothing names it)."""
    return describe_path(str(key))


@register.filter(name="action_label")
def action_label_filter(action: str) -> str:
    """`ledger.journal_entry.post` → 「仕訳を記帳」."""
    return action_label(str(action))


@register.filter
def audit_changes(event: Any) -> list[str]:
    """An audit event's changes as readable lines (「金額: 10,000 → 12,000」)."""
    return changes_lines(event.changes, target_type=event.target_type)


@register.filter(name="audit_sentence")
def audit_sentence_filter(event: Any) -> str:
    """「山田 太郎が仕訳を記帳しました(仕訳 J-1)」."""
    return audit_sentence(event)

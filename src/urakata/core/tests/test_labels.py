"""Field labels for error paths, action labels and readable audit changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from urakata.core.audit_labels import ACTION_LABELS, action_label, changes_lines
from urakata.core.errors import ValidationFailed
from urakata.core.labels import describe_path, error_lines, error_text

SRC = Path(__file__).resolve().parents[2]
# An action is a dotted string that reaches `audit_record`/`audit_many`: `action="a.b.c"`,
# `action = "a.b.c"` (then passed on) or the action argument of the import helpers.
ACTION_LITERAL = re.compile(
    r"""(?:\b\w*(?:action|ACTION)\s*=\s*|audit_import\([^,]+,\s*)"((?:core|org|workflow|ledger|assistant|facilities)"""
    r"""(?:\.[a-z_]+)+)\""""
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("lines.1.account", "2行目の勘定科目"),
        ("lines.0.amount", "1行目の金額"),
        ("steps.2.approvers", "2番目のステップの承認者"),  # workflow counts steps from 1
        ("file", "ファイル"),
        ("delegate", "代理人"),
        ("row 12", "12行目"),
        ("__all__", ""),
        ("no_such_internal_key", ""),
    ],
)
def test_paths_read_as_labels(path: str, expected: str) -> None:
    with translation.override("ja"):
        assert describe_path(path) == expected


def test_paths_in_english() -> None:
    with translation.override("en"):
        assert describe_path("lines.1.account") == "Account of line 2"


def test_model_verbose_name_is_the_fallback(db: None) -> None:
    # `hire_date` has no entry in the shared table: Employee.hire_date's verbose_name names it.
    with translation.override("ja"):
        assert describe_path("hire_date") == "入社日"


def test_error_lines_name_labels_never_keys() -> None:
    error = ValidationFailed(
        "仕訳に誤りがあります。",
        errors={
            "lines.1.account": ["勘定科目「9999」がありません。"],
            "__all__": ["借方と貸方が一致しません。"],
            "internal_flag": ["確認してください。"],
        },
    )
    with translation.override("ja"):
        lines = error_lines(error)
        text = error_text(error)
    assert lines == [
        "2行目の勘定科目: 勘定科目「9999」がありません。",
        "借方と貸方が一致しません。",
        "確認してください。",
    ]
    assert text.startswith("仕訳に誤りがあります。 2行目の勘定科目")
    assert "lines.1" not in text and "internal_flag" not in text and "__all__" not in text


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found.update(ACTION_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_recorded_action_has_a_label() -> None:
    actions = _recorded_actions()
    assert len(actions) > 60  # the scan finds the actions (guards against a broken pattern)
    assert "ledger.journal_entry.post" in actions
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_action_labels_and_fallbacks(db: None) -> None:
    with translation.override("ja"):
        assert action_label("ledger.journal_entry.post") == "仕訳を記帳"
        assert action_label("admin.core.auditevent.delete") == "管理画面で監査ログを削除"
        assert action_label("org.department.delete") == "部署を削除"
        assert action_label("someapp.thing.frobnicate") == "someapp.thing.frobnicate"
    with translation.override("en"):
        assert action_label("ledger.journal_entry.post") == "Post a journal entry"


def test_changes_read_as_text(db: None) -> None:
    with translation.override("ja"):
        lines = changes_lines(
            {
                "amount": [10000, 12000],
                "is_active": [True, False],
                "retire_date": [None, "2026-03-31"],
                "lines": [{"account": "7310", "debit": 1000}, {"account": "1110"}],
                "rows": 285,
            },
            target_type="org.employee",
        )
    assert lines == [
        "金額: 10,000 → 12,000",
        "有効: はい → いいえ",
        "退職日: (なし) → 2026-03-31",
        "明細: 2件",
        "行数: 285",
    ]

"""Schema (pydantic) input errors in the user's language: 「1000文字以内で入力してください。」, not
"String should have at most 1000 characters". Unknown error types keep pydantic's own text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _


def _bound(ctx: Mapping[str, Any], key: str) -> str:
    value = ctx.get(key, "")
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def input_error_message(item: Mapping[str, Any]) -> str:
    """One pydantic error (`{"type", "msg", "ctx"}`) as a sentence for people."""
    kind = str(item.get("type", ""))
    ctx: Mapping[str, Any] = item.get("ctx") or {}
    if kind == "missing":
        return _("必須です。")
    if kind == "string_too_long":
        return _("%(n)s文字以内で入力してください。") % {"n": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return _("%(n)s文字以上で入力してください。") % {"n": ctx.get("min_length", "")}
    if kind in ("too_long", "too_short"):
        return _("件数が多すぎるか少なすぎます。")
    if kind == "less_than_equal":
        return _("%(n)s以下の値を入力してください。") % {"n": _bound(ctx, "le")}
    if kind == "less_than":
        return _("%(n)s未満の値を入力してください。") % {"n": _bound(ctx, "lt")}
    if kind == "greater_than_equal":
        return _("%(n)s以上の値を入力してください。") % {"n": _bound(ctx, "ge")}
    if kind == "greater_than":
        return _("%(n)sより大きい値を入力してください。") % {"n": _bound(ctx, "gt")}
    if kind.startswith(("int_", "float_", "decimal_")):
        return _("数値で入力してください。")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("日付を YYYY-MM-DD の形で入力してください。")
    if kind.startswith("bool"):
        return _("true か false を指定してください。")
    if kind in ("enum", "literal_error"):
        return _("次のいずれかを指定してください: %(values)s") % {"values": _bound(ctx, "expected")}
    if kind == "string_pattern_mismatch":
        return _("形式が正しくありません。")
    if kind.endswith("_type"):
        return _("値の種類が正しくありません。")
    return str(item.get("msg", _("値が正しくありません。")))

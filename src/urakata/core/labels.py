"""Readable names for fields and error paths: 「2行目の勘定科目」, never `lines.1.account`.

Services report problems under machine keys (`lines.1.account`, `steps.0.approvers`, `file`). Users
read them through `error_lines`, which names each field by its label: a label the caller passes
(a form's labels), else the shared table below, else the `verbose_name` of a model field of that
name, else — for keys nobody labelled — only the message, never the key itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from urakata.core.errors import DomainError

Labels = Mapping[str, Any]

# Keys that are not (or not only) model fields, or whose model fields disagree on a label.
FIELD_LABELS: dict[str, Promise] = {
    "__all__": gettext_lazy("入力"),
    "file": gettext_lazy("ファイル"),
    "files": gettext_lazy("添付ファイル"),
    "format": gettext_lazy("形式"),
    "preset": gettext_lazy("CSV形式"),
    "header": gettext_lazy("見出し行"),
    "lines": gettext_lazy("明細"),
    "steps": gettext_lazy("承認ステップ"),
    "approvers": gettext_lazy("承認者"),
    "quorum": gettext_lazy("必要承認数"),
    "delegate": gettext_lazy("代理人"),
    "delegator": gettext_lazy("委任者"),
    "account": gettext_lazy("勘定科目"),
    "sub_account": gettext_lazy("補助科目"),
    "tax_code": gettext_lazy("税区分"),
    "tax_amount": gettext_lazy("消費税額"),
    "amount": gettext_lazy("金額"),
    "amount_min": gettext_lazy("金額(下限)"),
    "amount_max": gettext_lazy("金額(上限)"),
    "debit": gettext_lazy("借方"),
    "credit": gettext_lazy("貸方"),
    "side": gettext_lazy("貸借"),
    "memo": gettext_lazy("摘要"),
    "description": gettext_lazy("摘要"),
    "counterparty": gettext_lazy("取引先"),
    "department": gettext_lazy("部署"),
    "date": gettext_lazy("日付"),
    "start_date": gettext_lazy("開始日"),
    "end_date": gettext_lazy("終了日"),
    "from": gettext_lazy("開始月"),
    "to": gettext_lazy("終了月"),
    "period": gettext_lazy("会計期間"),
    "name": gettext_lazy("名称"),
    "code": gettext_lazy("コード"),
    "email": gettext_lazy("メールアドレス"),
    "password": gettext_lazy("パスワード"),
    "new_password": gettext_lazy("新しいパスワード"),
    "token": gettext_lazy("コード"),
    "comment": gettext_lazy("コメント"),
    "reason": gettext_lazy("理由"),
    "route": gettext_lazy("承認ルート"),
    "conditions": gettext_lazy("条件"),
    "pattern": gettext_lazy("一致させる文字列"),
    "match": gettext_lazy("一致方法"),
    "feed": gettext_lazy("口座"),
    "ids": gettext_lazy("選択した行"),
    "indexes": gettext_lazy("選択した行"),
    "question": gettext_lazy("質問"),
    "answer": gettext_lazy("回答"),
    "title": gettext_lazy("件名"),
    "body": gettext_lazy("本文"),
    "transcript": gettext_lazy("議事録の原稿"),
    "audience": gettext_lazy("公開範囲"),
    "desk": gettext_lazy("窓口"),
    "kind": gettext_lazy("種類"),
    "source": gettext_lazy("出典"),
    "slug": gettext_lazy("識別子"),
    "section": gettext_lazy("表示区分"),
    "category": gettext_lazy("区分"),
    "normal_side": gettext_lazy("貸借区分"),
    "default_tax_code": gettext_lazy("既定の税区分"),
    "sort_order": gettext_lazy("表示順"),
    "parent": gettext_lazy("親"),
    "manager": gettext_lazy("責任者"),
    "rounding": gettext_lazy("端数処理"),
    "tax_entry": gettext_lazy("税の入力方式"),
    "fiscal_year_start_month": gettext_lazy("期首月"),
    "is_active": gettext_lazy("有効"),
    "rows": gettext_lazy("行数"),
    "entries": gettext_lazy("仕訳数"),
    "filters": gettext_lazy("絞り込み条件"),
    "query": gettext_lazy("絞り込み条件"),
    "payee": gettext_lazy("受取人"),
    "requests": gettext_lazy("支払依頼"),
    "owner": gettext_lazy("口座の持ち主"),
    "company_account_id": gettext_lazy("振込元口座"),
}

# How the n-th item of a list reads: "lines.1" → 「2行目」, "steps.0" → 「1番目のステップ」.
ITEM_LABELS: dict[str, Promise] = {
    "lines": gettext_lazy("%(n)s行目"),
    "rows": gettext_lazy("%(n)s行目"),
    "steps": gettext_lazy("%(n)s番目のステップ"),
}
# Services number these lists from 1 (`steps.1` is the first step); the rest count from 0 like
# the API's input validation (`lines.0` is the first line).
ONE_BASED = frozenset({"steps"})
_ROW_KEY = re.compile(r"^(?:row|行)\s*(\d+)$")


@cache
def _model_field_labels() -> dict[str, str]:
    """field name → verbose_name over every installed model (the first one written by hand)."""
    found: dict[str, str] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            name = getattr(field, "name", "")
            if not verbose or not name or name in found:
                continue
            if str(verbose) == name.replace("_", " "):  # Django's default: not a real label
                continue
            found[name] = verbose
    return found


def field_label(name: str, labels: Labels | None = None) -> str:
    """The label of one field name; '' when no label is known (the key is never shown)."""
    if labels and name in labels:
        return str(labels[name])
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    model_label = _model_field_labels().get(name)
    return str(model_label) if model_label else ""


def describe_path(path: str, labels: Labels | None = None) -> str:
    """`lines.1.account` → 「2行目の勘定科目」; `row 12` → 「12行目」; '' for `__all__`."""
    if not path or path == "__all__":
        return ""
    row = _ROW_KEY.match(path)
    if row:
        return _("%(n)s行目") % {"n": row.group(1)}
    if labels and path in labels:
        return str(labels[path])
    parts: list[str] = []
    segments = path.split(".")
    for position, segment in enumerate(segments):
        if segment.isdigit():
            container = segments[position - 1] if position else ""
            template = ITEM_LABELS.get(container, gettext_lazy("%(n)s件目"))
            if parts and container in ITEM_LABELS:
                parts.pop()  # 「明細 2行目」 reads better as 「2行目」
            number = int(segment) + (0 if container in ONE_BASED else 1)
            parts.append(str(template) % {"n": number})
            continue
        label = field_label(segment, labels)
        if label:
            parts.append(label)
    if not parts:
        return ""
    text = parts[0]
    for part in parts[
        1:
    ]:  # word order differs by language: 「2行目の勘定科目」, "Account of line 2"
        text = _("%(owner)sの%(field)s") % {"owner": text, "field": part}
    return text


def error_lines(error: DomainError, labels: Labels | None = None) -> list[str]:
    """Every field message of `error` as 「ラベル: メッセージ」 (messages without a label alone)."""
    lines: list[str] = []
    for path, problems in error.errors.items():
        lines.extend(labelled(path, problems, labels))
    return lines


def labelled(path: str, problems: Iterable[Any], labels: Labels | None = None) -> list[str]:
    """Messages of one key, each prefixed by the key's label when it has one."""
    name = describe_path(str(path), labels)
    return [
        _("%(field)s: %(message)s") % {"field": name, "message": p} if name else str(p)
        for p in problems
    ]


def error_text(error: DomainError, labels: Labels | None = None, *, limit: int = 10) -> str:
    """The error's message followed by its labelled field messages, on one line."""
    lines = error_lines(error, labels)
    shown = [line for line in lines[:limit] if line != error.message]
    if len(lines) > limit:
        shown.append(_("ほか %(n)s 件") % {"n": len(lines) - limit})
    return " ".join([error.message, *shown]) if shown else error.message

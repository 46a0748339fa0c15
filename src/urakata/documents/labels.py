"""The words of the documents domain: audit action labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "documents.document.create": _("文書を登録"),
    "documents.document.update": _("文書の属性を変更"),
    "documents.document.dispose": _("文書を廃棄"),
    "documents.document.hold": _("文書のリーガルホールドを変更"),
    "documents.document.export": _("文書を出力(税務調査用)"),
    "documents.version.add": _("文書の新しい版を登録"),
    "documents.loss_year.set": _("欠損金の年度を変更"),
}

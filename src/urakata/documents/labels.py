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
    "documents.contract.create": _("契約書案を作成"),
    "documents.contract.submit": _("契約の稟議を申請"),
    "documents.contract.approve": _("契約の稟議が承認"),
    "documents.contract.reject": _("契約の稟議が差戻し・却下"),
    "documents.contract.company_sign": _("契約に当社が電子署名"),
    "documents.contract.counterparty_sign": _("契約に相手方が電子署名"),
    "documents.contract.remind": _("契約の期限をリマインド"),
}

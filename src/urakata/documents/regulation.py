"""事務処理規程 (電子取引データの訂正及び削除の防止に関する事務処理規程): a template filled in for the
company, with the fields of the NTA model's 訂正削除 application (facts.md §2.1) and this system's
own measures. A template to review and adopt, not legal advice."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from urakata.core.permissions import require

# The application form's fields in the NTA model 規程 (facts.md §2.1).
APPLICATION_FIELDS = (
    "申請日",
    "取引伝票番号",
    "件名",
    "取引先",
    "訂正削除日",
    "内容",
    "理由",
    "担当者",
)


def regulation_text(*, company: str, representative: str) -> str:
    """The 規程 as plain text for the company."""
    fields = "、".join(APPLICATION_FIELDS)
    return f"""電子取引データの訂正及び削除の防止に関する事務処理規程

{company}

第1条(目的)
この規程は、電子計算機を使用して作成する国税関係帳簿書類の保存方法等の特例に関する法律第7条に定められた
電子取引の取引情報に係る電磁的記録の保存義務を適正に履行するため、不当な訂正及び削除の防止に関する
事項を定める。

第2条(適用範囲)
この規程は、当社の役員及び従業員が行う電子取引の取引情報に係る電磁的記録に適用する。

第3条(管理責任者)
この規程の管理責任者は{representative or "代表者"}とする。

第4条(電子取引の範囲)
当社における電子取引の範囲は、電子メール、ウェブサイト及びクラウドサービス等により授受する見積書、
注文書、契約書、納品書、請求書、領収書その他これらに準ずる書類の取引情報とする。

第5条(取引データの保存)
取引相手から受領した取引関係情報及び取引相手に提供した取引関係情報は、速やかに文書管理システム
(Urakata 文書)に登録し、取引年月日、取引金額及び取引先を入力して保存する。

第6条(訂正削除の原則禁止)
保存する取引関係情報の内容について、訂正又は削除をすることは原則禁止とする。

第7条(訂正削除を行う場合)
業務処理上やむを得ない理由によって保存する取引関係情報を訂正又は削除する必要が生じた場合は、
次の事項を記載した申請書を管理責任者へ提出し、承認を得る。
  {fields}
2 文書管理システムでは、訂正は新しい版の登録として行い、前の版は削除されずに保存される。
  属性の訂正は、変更前後の値、理由、担当者及び日時が改ざん検知付きの監査ログに記録される。
3 管理責任者は、訂正削除の記録(申請書及び前項の記録)を当該取引データの保存期間が満了するまで保存する。

第8条(保存期間)
取引関係情報は、法人税法に定める期間(確定申告書の提出期限の翌日から7年間、欠損金の生じた事業年度は
10年間)保存し、保存期限までは廃棄しない。

附則
この規程は、令和  年  月  日から施行する。
"""


@login_required
def regulation_page(request: HttpRequest) -> HttpResponse:
    """事務処理規程: the template for this company (text download with ?format=txt)."""
    require(request.user, "documents.manage")
    from urakata.org.models import Company

    company: Any = Company.objects.order_by("pk").first()
    text = regulation_text(
        company=company.name if company else "",
        representative=company.representative if company else "",
    )
    if request.GET.get("format") == "txt":
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="jimushori_kitei.txt"'
        return response
    return render(request, "documents/regulation.html", {"text": text})

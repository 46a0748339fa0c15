"""Audit events in words: action labels (「仕訳を記帳」) and readable changes (「金額: 10,000 → 12,000」).

`ACTION_LABELS` names every action string the code records (a test keeps it complete); a new domain
adds its own with `register_action_labels`. An unknown action falls back to its target's model name
and verb, and at worst to the code itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from urakata.core.labels import field_label

ACTION_LABELS: dict[str, Promise] = {
    # core
    "core.api_token.create": gettext_lazy("APIトークンを発行"),
    "core.api_token.revoke": gettext_lazy("APIトークンを無効化"),
    "core.audit.export": gettext_lazy("監査ログを出力"),
    "core.audit.verify": gettext_lazy("監査ログを検証"),
    "core.file.store": gettext_lazy("ファイルを保存"),
    "core.task.fail": gettext_lazy("タスクを失敗として記録"),
    "core.login.failed": gettext_lazy("ログインに失敗"),
    "core.login.succeeded": gettext_lazy("ログイン"),
    "core.login.unlock": gettext_lazy("ログインロックを解除"),
    "core.password.change": gettext_lazy("パスワードを変更"),
    "core.scheduled_job.create": gettext_lazy("定期ジョブを登録"),
    "core.scheduled_job.update": gettext_lazy("定期ジョブを変更"),
    "core.two_factor.confirm": gettext_lazy("二要素認証を設定"),
    "core.user.roles_set": gettext_lazy("ロールを変更"),
    "core.two_factor.disable": gettext_lazy("二要素認証を無効化"),
    "core.two_factor.failed": gettext_lazy("二要素認証に失敗"),
    "core.two_factor.reset": gettext_lazy("二要素認証をリセット"),
    "core.two_factor.verified": gettext_lazy("二要素認証を確認"),
    # org
    "org.company.update": gettext_lazy("会社情報を変更"),
    "org.counterparty.create": gettext_lazy("取引先を登録"),
    "org.counterparty.export": gettext_lazy("取引先一覧を出力"),
    "org.counterparty.import": gettext_lazy("取引先を取り込み"),
    "org.counterparty.update": gettext_lazy("取引先を変更"),
    "org.department.create": gettext_lazy("部署を登録"),
    "org.department.update": gettext_lazy("部署を変更"),
    "org.employee.create": gettext_lazy("従業員を登録"),
    "org.employee.export": gettext_lazy("従業員一覧を出力"),
    "org.employee.import": gettext_lazy("従業員を取り込み"),
    "org.employee.update": gettext_lazy("従業員情報を変更"),
    "org.position.create": gettext_lazy("役職を登録"),
    # workflow
    "workflow.delegation.create": gettext_lazy("代理承認を設定"),
    "workflow.delegation.revoke": gettext_lazy("代理承認を終了"),
    "workflow.eventlog.export": gettext_lazy("イベントログを出力"),
    "workflow.form.save": gettext_lazy("申請フォームを保存"),
    "workflow.form_submission.update": gettext_lazy("申請内容を修正"),
    "workflow.notification.mark_read": gettext_lazy("お知らせを既読に"),
    "workflow.request.approve": gettext_lazy("申請を承認"),
    "workflow.request.attach": gettext_lazy("申請にファイルを添付"),
    "workflow.request.comment": gettext_lazy("申請にコメント"),
    "workflow.request.escalate": gettext_lazy("申請をエスカレーション"),
    "workflow.request.proxy_approve": gettext_lazy("申請を代理承認"),
    "workflow.request.reject": gettext_lazy("申請を却下"),
    "workflow.request.remind": gettext_lazy("承認を督促"),
    "workflow.request.resubmit": gettext_lazy("申請を再提出"),
    "workflow.request.return": gettext_lazy("申請を差し戻し"),
    "workflow.request.submit": gettext_lazy("申請を提出"),
    "workflow.request.withdraw": gettext_lazy("申請を取り下げ"),
    "workflow.ringi.update": gettext_lazy("稟議を修正"),
    "workflow.route.create": gettext_lazy("承認ルートを登録"),
    "workflow.route.seed": gettext_lazy("標準の承認ルートを用意"),
    "workflow.route.update": gettext_lazy("承認ルートを変更"),
    # ledger
    # dx
    "dx.course.assign": gettext_lazy("研修を割り当て"),
    "dx.course.create": gettext_lazy("研修を登録"),
    "dx.enrollment.complete": gettext_lazy("研修の確認テストを提出"),
    "dx.manual.publish": gettext_lazy("マニュアルを公開"),
    "dx.manual_draft.create": gettext_lazy("マニュアル更新案を作成"),
    "dx.manual_draft.review": gettext_lazy("マニュアル更新案を確認"),
    "dx.poc.create": gettext_lazy("PoCを開始"),
    "dx.poc.decide": gettext_lazy("PoCの判断を記録"),
    "dx.poc.evaluate": gettext_lazy("PoCを評価"),
    "dx.process.create": gettext_lazy("業務を棚卸し表に登録"),
    "dx.process.export": gettext_lazy("業務棚卸し表を出力"),
    "dx.process.import": gettext_lazy("業務棚卸し表を取り込み"),
    "dx.process.score": gettext_lazy("業務の優先度を採点"),
    "dx.process.update": gettext_lazy("業務を変更"),
    "dx.proposal.advance": gettext_lazy("改善提案の状態を更新"),
    "dx.proposal.submit": gettext_lazy("改善を提案"),
    "dx.recognition.export": gettext_lazy("改善と称賛の実績を出力"),
    "dx.review.hold": gettext_lazy("KPIレビューを記録"),
    "dx.supporter.add": gettext_lazy("DX推進メンバーを登録"),
    "dx.thanks.give": gettext_lazy("称賛を送信"),
    "dx.voice.add": gettext_lazy("現場の声を登録"),
    "ledger.account.create": gettext_lazy("勘定科目を登録"),
    "ledger.account.update": gettext_lazy("勘定科目を変更"),
    "ledger.attachment.add": gettext_lazy("証憑を添付"),
    "ledger.bank.confirm": gettext_lazy("銀行明細を記帳"),
    "ledger.chart.export": gettext_lazy("勘定科目表を出力"),
    "ledger.fiscal_year.close": gettext_lazy("決算を確定"),
    "ledger.fiscal_year.reopen": gettext_lazy("年度の締めを解除"),
    "ledger.reopen.request": gettext_lazy("締め解除を申請"),
    "ledger.report.export": gettext_lazy("帳票を出力"),
    "ledger.bank.import": gettext_lazy("銀行明細を取り込み"),
    "ledger.bank.suggest": gettext_lazy("銀行明細の仕訳候補を更新"),
    "ledger.bank_feed.create": gettext_lazy("銀行口座を登録"),
    "ledger.bank_rule.create": gettext_lazy("仕訳ルールを登録"),
    "ledger.journal.export": gettext_lazy("仕訳帳を出力"),
    "ledger.journal.import": gettext_lazy("仕訳を取り込み"),
    "ledger.journal_entry.bulk_post": gettext_lazy("仕訳を一括記帳"),
    "ledger.journal_entry.correct": gettext_lazy("仕訳を訂正"),
    "ledger.journal_entry.post": gettext_lazy("仕訳を記帳"),
    "ledger.period.close": gettext_lazy("月を締め"),
    "ledger.period.reopen": gettext_lazy("月の締めを解除"),
    "ledger.settings.update": gettext_lazy("会計設定を変更"),
    "ledger.sub_account.create": gettext_lazy("補助科目を登録"),
    "ledger.sub_account.update": gettext_lazy("補助科目を変更"),
    # facilities
    "facilities.asset.dispose": gettext_lazy("固定資産を除売却"),
    "facilities.asset.export": gettext_lazy("固定資産台帳を出力"),
    "facilities.asset.register": gettext_lazy("固定資産を登録"),
    "facilities.depreciation.post": gettext_lazy("減価償却を計上"),
    "facilities.item.create": gettext_lazy("備品・消耗品を登録"),
    "facilities.item.update": gettext_lazy("備品・消耗品を変更"),
    "facilities.loan.create": gettext_lazy("貸与品を貸し出し"),
    "facilities.loan.return": gettext_lazy("貸与品の返却を記録"),
    "facilities.order.cancel": gettext_lazy("発注を取り消し"),
    "facilities.order.booking_claimed": gettext_lazy("入荷時の計上を請求書に充当"),
    "facilities.order.create": gettext_lazy("発注"),
    "facilities.order.invoice_match": gettext_lazy("発注に請求書を照合"),
    "facilities.order.receive": gettext_lazy("入荷を記録"),
    "facilities.order.send": gettext_lazy("発注書を送付"),
    "facilities.request.approved": gettext_lazy("購買申請が承認"),
    "facilities.request.rejected": gettext_lazy("購買申請が却下"),
    "facilities.request.submit": gettext_lazy("購買申請"),
    "facilities.request.withdrawn": gettext_lazy("購買申請を取り下げ"),
    "facilities.visit.badge": gettext_lazy("入館証を発行"),
    "facilities.visit.cancel": gettext_lazy("来客予定を取り消し"),
    "facilities.visit.check_in": gettext_lazy("来客の入館を受付"),
    "facilities.visit.check_out": gettext_lazy("来客の退館を記録"),
    "facilities.visit.erase": gettext_lazy("来客の個人情報を消去"),
    "facilities.visit.register": gettext_lazy("来客を登録"),
    "facilities.visit.self_register": gettext_lazy("来訪者が登録リンクから来訪を登録"),
    "facilities.visit_invite.code_failed": gettext_lazy("来訪者登録リンクの確認コード誤り"),
    "facilities.visit_invite.create": gettext_lazy("来訪者登録リンクを作成"),
    "facilities.visit_invite.revoke": gettext_lazy("来訪者登録リンクを無効化"),
    "facilities.visit_log.view": gettext_lazy("来客記録を閲覧"),
    # invoicing
    "invoicing.invoice.create": gettext_lazy("請求書を作成"),
    "invoicing.invoice.update": gettext_lazy("請求書を変更"),
    "invoicing.invoice.issue": gettext_lazy("請求書を発行"),
    "invoicing.invoice.send": gettext_lazy("請求書を送付"),
    "invoicing.invoice.remind": gettext_lazy("請求書の督促を送付"),
    "invoicing.payment.apply": gettext_lazy("入金を消込"),
    "invoicing.recurring.create": gettext_lazy("定期請求を登録"),
    "invoicing.received.create": gettext_lazy("受領請求書を登録"),
    "invoicing.received.approve": gettext_lazy("受領請求書を承認"),
    "invoicing.received.reject": gettext_lazy("受領請求書を差戻し"),
    "invoicing.received.submit": gettext_lazy("受領請求書の承認を申請"),
    "invoicing.received.decided": gettext_lazy("受領請求書の申請を終了"),
    "invoicing.received.paid": gettext_lazy("受領請求書の支払を記録"),
    # assistant
    "assistant.monthly_report.generate": gettext_lazy("月次報告を作成"),
    "assistant.knowledge.reindex": gettext_lazy("ナレッジを再索引"),
    "assistant.ai_call": gettext_lazy("AIを呼び出し"),
    "assistant.inquiry.answer": gettext_lazy("問い合わせに回答"),
    "assistant.inquiry.close": gettext_lazy("問い合わせを完了"),
    "assistant.inquiry.create": gettext_lazy("問い合わせを登録"),
    "assistant.knowledge_source.create": gettext_lazy("ナレッジを登録"),
    "assistant.knowledge_source.update": gettext_lazy("ナレッジを変更"),
    "assistant.minutes.create": gettext_lazy("議事録を作成"),
    "assistant.review.approve": gettext_lazy("AIの提案を承認"),
    "assistant.review.propose": gettext_lazy("AIの提案をレビュー待ちに"),
    "assistant.review.reject": gettext_lazy("AIの提案を却下"),
    "assistant.task.complete": gettext_lazy("タスクを完了"),
    "assistant.task.create": gettext_lazy("タスクを登録"),
    # payments
    "payments.request.add": gettext_lazy("支払依頼を登録"),
    "payments.request.update": gettext_lazy("支払依頼を変更"),
    "payments.request.cancel": gettext_lazy("支払依頼を取消"),
    "payments.payee_account.save": gettext_lazy("振込先口座を保存"),
    "payments.company_account.save": gettext_lazy("自社口座を保存"),
    "payments.batch.create": gettext_lazy("振込バッチを作成"),
    "payments.batch.submit": gettext_lazy("振込バッチを申請"),
    "payments.batch.approve": gettext_lazy("振込バッチを承認"),
    "payments.batch.reject": gettext_lazy("振込バッチを差戻し"),
    "payments.batch.withdraw": gettext_lazy("振込バッチの申請を取下げ"),
    "payments.batch.cancel": gettext_lazy("振込バッチを取消"),
    "payments.batch.file": gettext_lazy("全銀ファイルを作成"),
    "payments.batch.paid": gettext_lazy("振込バッチを支払済に"),
    # payroll
    "payroll.pay_run.calculate": gettext_lazy("給与を計算"),
    "payroll.pay_run.check": gettext_lazy("給与計算を確認"),
    "payroll.pay_run.approve": gettext_lazy("給与を承認・確定"),
    "payroll.bonus_run.calculate": gettext_lazy("賞与を計算"),
    "payroll.profile.save": gettext_lazy("給与マスタを保存"),
    "payroll.item.save": gettext_lazy("手当・控除を保存"),
    "payroll.resident_tax.save": gettext_lazy("住民税を保存"),
    "payroll.my_number.view": gettext_lazy("個人番号を閲覧"),
    "payroll.payslip.export": gettext_lazy("給与明細を出力"),
    "payroll.wage_ledger.export": gettext_lazy("賃金台帳を出力"),
    "payroll.settings.update": gettext_lazy("給与設定を変更"),
    "payroll.pay_run.submit": gettext_lazy("給与の承認を申請"),
    "payroll.pay_run.return": gettext_lazy("給与の承認申請を差し戻し"),
    # attendance
    "attendance.agreement.set": gettext_lazy("36協定を設定"),
    "attendance.alert.notify": gettext_lazy("36協定アラートを通知"),
    "attendance.calendar.set": gettext_lazy("会社カレンダーを変更"),
    "attendance.clock.break_end": gettext_lazy("休憩終了を打刻"),
    "attendance.clock.break_start": gettext_lazy("休憩開始を打刻"),
    "attendance.clock.in": gettext_lazy("出勤を打刻"),
    "attendance.clock.out": gettext_lazy("退勤を打刻"),
    "attendance.correction.approved": gettext_lazy("打刻修正を承認"),
    "attendance.correction.rejected": gettext_lazy("打刻修正を却下"),
    "attendance.correction.request": gettext_lazy("打刻修正を申請"),
    "attendance.correction.withdrawn": gettext_lazy("打刻修正を取下げ"),
    "attendance.leave.approved": gettext_lazy("休暇を承認"),
    "attendance.leave.rejected": gettext_lazy("休暇を却下"),
    "attendance.leave.request": gettext_lazy("休暇を申請"),
    "attendance.leave.withdrawn": gettext_lazy("休暇申請を取下げ"),
    "attendance.leave.planned": gettext_lazy("計画的付与の年休を指定"),
    "attendance.leave.obligation_remind": gettext_lazy("年5日の取得義務を通知"),
    "attendance.leave_grant.run": gettext_lazy("年休を一括付与"),
    "attendance.leave_register.export": gettext_lazy("年次有給休暇管理簿を出力"),
    "attendance.month.close": gettext_lazy("勤怠を月次締め"),
    "attendance.month.confirm": gettext_lazy("部署の勤怠を確認"),
    "attendance.month.reopen": gettext_lazy("勤怠の締めを解除"),
    "attendance.record.add": gettext_lazy("勤怠記録を登録"),
    "attendance.record.import": gettext_lazy("勤怠記録を取り込み"),
    "attendance.rule.assign": gettext_lazy("就業規則を適用"),
    "attendance.rule.save": gettext_lazy("就業規則を保存"),
    "expenses.claim.create": gettext_lazy("経費精算を作成"),
    "expenses.claim.delete": gettext_lazy("経費精算を削除"),
    "expenses.claim.submit": gettext_lazy("経費精算を申請"),
    "expenses.claim.approve": gettext_lazy("経費精算を承認(仕訳・支払依頼)"),
    "expenses.claim.reject": gettext_lazy("経費精算を却下"),
    "expenses.claim.withdraw": gettext_lazy("経費精算の申請を取下げ"),
    "expenses.claim.paid": gettext_lazy("経費精算を支払済に"),
    "expenses.line.add": gettext_lazy("精算明細を追加"),
    "expenses.line.change": gettext_lazy("精算明細を変更"),
    "expenses.line.delete": gettext_lazy("精算明細を削除"),
    "expenses.receipt.read": gettext_lazy("領収書を読み取り"),
    "expenses.commuter_pass.save": gettext_lazy("通勤定期を保存"),
}

# Last word of an action → verb, for actions nobody labelled (admin.<model>.<verb>, new domains).
VERB_LABELS: dict[str, Promise] = {
    "create": gettext_lazy("%(what)sを登録"),
    "add": gettext_lazy("%(what)sを登録"),
    "update": gettext_lazy("%(what)sを変更"),
    "change": gettext_lazy("%(what)sを変更"),
    "delete": gettext_lazy("%(what)sを削除"),
    "export": gettext_lazy("%(what)sを出力"),
    "import": gettext_lazy("%(what)sを取り込み"),
}

_MONEY_NAMES = re.compile(r"(amount|debit|credit|total|price|salary|balance|yen|tax)(_|$)")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_LINES = 8
MAX_TEXT = 80


def register_action_labels(labels: Mapping[str, Promise]) -> None:
    """A domain adds the labels of the actions it records."""
    ACTION_LABELS.update(labels)


def _model(label_lower: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label_lower)
    except (LookupError, ValueError):
        return None


def action_label(action: str) -> str:
    """「仕訳を記帳」 for `ledger.journal_entry.post`; a readable guess, else the code itself."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    head, _sep, verb = action.rpartition(".")
    template = VERB_LABELS.get(verb)
    if template is not None and head:
        what = head.removeprefix("admin.")
        model = _model(what)
        name = str(model._meta.verbose_name) if model is not None else ""
        if name:
            label = str(template) % {"what": name}
            return (
                _("管理画面で%(label)s") % {"label": label} if head.startswith("admin.") else label
            )
    return action


def target_label(target_type: str) -> str:
    """`ledger.journalentry` → 「仕訳」 (the model's verbose_name), else ''."""
    model = _model(target_type) if target_type.count(".") == 1 else None
    return str(model._meta.verbose_name) if model is not None else ""


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or a reverse relation without a plain field
        return None
    return found if isinstance(found, models.Field) else None


def _label(model: type[models.Model] | None, name: str) -> str:
    found = _field(model, name)
    if found is not None and str(found.verbose_name) != name.replace("_", " "):
        return str(found.verbose_name)
    return field_label(name) or name.replace("_", " ")


def format_value(value: Any, *, field: models.Field[Any, Any] | None = None, name: str = "") -> str:
    """One value as people read it: 10,000 / はい / 2026-04-01 10:00 / (なし) / 3件."""
    if value is None or value == "":
        return _("(なし)")
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if field is not None and field.choices and not isinstance(value, (list, dict)):
        display = dict(field.flatchoices).get(value)
        if display is not None:
            return str(display)
    if isinstance(value, int):
        money = isinstance(field, models.BigIntegerField) or bool(_MONEY_NAMES.search(name))
        return number_format(value, force_grouping=True) if money else str(value)
    if isinstance(value, str):
        if _DATETIME.match(value):
            parsed = parse_datetime(value)
            if parsed is not None:
                return parsed.strftime("%Y-%m-%d %H:%M")
        if _DATE.match(value):
            return value
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return _("%(n)s件") % {"n": len(value)}
        return "、".join(format_value(item, field=field, name=name) for item in value)
    if isinstance(value, dict):
        parts = [f"{field_label(k) or k}: {format_value(v, name=k)}" for k, v in value.items()]
        return "、".join(parts[:4]) + ("…" if len(parts) > 4 else "")
    return str(value)


def _is_change(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and not any(isinstance(item, dict) for item in value)
    )


def changes_lines(changes: Any, *, target_type: str = "") -> list[str]:
    """`{"amount": [10000, 12000]}` → ["金額: 10,000 → 12,000"]; values alone as 「件名: 会議」."""
    if not isinstance(changes, dict):
        return [format_value(changes)] if changes not in (None, "", []) else []
    model = _model(target_type) if target_type.count(".") == 1 else None
    lines: list[str] = []
    for name, value in changes.items():
        field = _field(model, name)
        label = _label(model, name)
        if _is_change(value):
            old, new = (format_value(v, field=field, name=name) for v in value)
            lines.append(
                _("%(field)s: %(old)s → %(new)s") % {"field": label, "old": old, "new": new}
            )
        else:
            text = format_value(value, field=field, name=name)
            lines.append(_("%(field)s: %(value)s") % {"field": label, "value": text})
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], _("ほか %(n)s 項目") % {"n": len(lines) - MAX_LINES}]
    return lines


def audit_sentence(event: Any) -> str:
    """「山田 太郎が仕訳を記帳しました(仕訳 J-2026-0001)」: one audit row as a sentence."""
    actor = event.actor_label or _("システム")
    what = target_label(event.target_type)
    target = " ".join(part for part in (what, event.target_repr) if part)
    values = {"actor": actor, "action": action_label(event.action), "target": target}
    if target:
        return _("%(actor)sが%(action)sしました(%(target)s)") % values
    return _("%(actor)sが%(action)sしました") % values

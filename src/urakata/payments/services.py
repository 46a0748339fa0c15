"""Payments services (writes): payment requests from other domains, and bank accounts.

Contract for the domains above payments (expenses, invoicing, payroll):

- `payment_request_add(*, actor, source, source_id, payee_employee_id | payee_counterparty_id,
  amount, due_date, description, kind="transfer", liability_account_code)` — idempotent per
  (source, source_id): adding again returns the same request (updated while still open).
- `payment_request_cancel(*, actor, source, source_id)` — while no approved batch holds it.
- When a batch is marked paid, payments posts the journal and calls the hook "payments.settled"
  registered by the source's domain: `hook(*, actor, source_id, paid_on, batch_id) -> None`.

- `payment_requests_add_bulk(*, actor, source, items)` (`urakata.payments.bulk`) — the same for
  many requests of one source at once (a pay run): all or nothing, one audit event per batch.

Batches (作成 → 承認 → 全銀ファイル → 支払済) live in `urakata.payments.batches`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.domains import manifests
from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.permissions import can, require, same_user
from urakata.ledger import cache as ledger_cache
from urakata.org.models import BankAccountFields, Counterparty, Employee
from urakata.payments.banks import bank_branch_check
from urakata.payments.batches import batch_totals_refresh
from urakata.payments.kana import name_normalise
from urakata.payments.models import (
    CompanyBankAccount,
    Kind,
    PayeeBankAccount,
    PaymentBatch,
    PaymentRequest,
)

# Fields a payment request may change while it is still open (adding again updates them).
_REQUEST_FIELDS = ("amount", "due_date", "description", "kind", "liability_account_code")
_ACCOUNT_TYPES = {c for c, _label in BankAccountFields.AccountType.choices}


def _sources() -> set[str]:
    return {m.label for m in manifests()}


def _request_errors(
    *,
    source: str,
    source_id: Any,
    payee_employee_id: int | None,
    payee_counterparty_id: int | None,
    amount: Any,
    due_date: Any,
    description: str,
    kind: str,
    liability_account_code: str,
    known: tuple[set[int], set[int]] | None = None,
) -> dict[str, list[str]]:
    """What is wrong with one request; `known` = (employee ids, counterparty ids) found already
    (the bulk contract looks the payees up once for the whole batch)."""
    errors: dict[str, list[str]] = {}
    if source not in _sources():
        errors["source"] = [
            _("発生元「%(source)s」は登録されたドメインではありません。") % {"source": source}
        ]
    if not isinstance(source_id, int) or isinstance(source_id, bool) or source_id <= 0:
        errors["source_id"] = [_("発生元IDが正しくありません。")]
    if (payee_employee_id is None) == (payee_counterparty_id is None):
        errors["payee"] = [_("受取人は社員か取引先のどちらか一方を指定してください。")]
    elif payee_employee_id is not None and not (
        payee_employee_id in known[0]
        if known is not None
        else Employee.objects.filter(pk=payee_employee_id).exists()
    ):
        errors["payee"] = [_("受取人の社員が見つかりません。")]
    elif payee_counterparty_id is not None and not (
        payee_counterparty_id in known[1]
        if known is not None
        else Counterparty.objects.filter(pk=payee_counterparty_id).exists()
    ):
        errors["payee"] = [_("受取人の取引先が見つかりません。")]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = [_("金額は1円以上の整数で指定してください。")]
    elif amount > 9_999_999_999:
        errors["amount"] = [_("1件の振込金額は10桁(9,999,999,999円)までです。")]
    if not isinstance(due_date, dt.date):
        errors["due_date"] = [_("支払期日を指定してください。")]
    if not (description or "").strip():
        errors["description"] = [_("摘要を入力してください。")]
    elif len(description) > 200:
        errors["description"] = [_("摘要は200文字までです。")]
    if kind not in Kind.values:
        errors["kind"] = [_("種別は transfer / salary / bonus のいずれかです。")]
    if ledger_cache.account_by_code(liability_account_code or "") is None:
        errors["liability_account_code"] = [
            _("勘定科目コード「%(code)s」はありません。") % {"code": liability_account_code}
        ]
    return errors


def payment_request_add(
    *,
    actor: Any,
    source: str,
    source_id: int,
    payee_employee_id: int | None = None,
    payee_counterparty_id: int | None = None,
    amount: int,
    due_date: dt.date,
    description: str,
    kind: str = Kind.TRANSFER,
    liability_account_code: str,
) -> PaymentRequest:
    """Ask payments to transfer `amount` to an employee or a counterparty (支払依頼).

    Idempotent per (source, source_id): the same request comes back; while open (in no batch)
    it follows the new values; a cancelled one is reopened. `actor`: a user or SYSTEM.
    """
    require(actor, "payments.request")
    errors = _request_errors(
        source=source,
        source_id=source_id,
        payee_employee_id=payee_employee_id,
        payee_counterparty_id=payee_counterparty_id,
        amount=amount,
        due_date=due_date,
        description=description,
        kind=kind,
        liability_account_code=liability_account_code,
    )
    if errors:
        raise ValidationFailed(_("支払依頼を登録できません。"), errors=errors)
    values = {
        "amount": amount,
        "due_date": due_date,
        "description": description.strip(),
        "kind": kind,
        "liability_account_code": liability_account_code,
    }
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update()
            .filter(source=source, source_id=source_id)
            .first()
        )
        if request is None:
            return _request_create(
                actor=actor,
                source=source,
                source_id=source_id,
                payee={
                    "payee_employee_id": payee_employee_id,
                    "payee_counterparty_id": payee_counterparty_id,
                },
                values=values,
            )
        if request.status in (PaymentRequest.Status.OPEN, PaymentRequest.Status.CANCELLED):
            _request_update(actor=actor, request=request, values=values)
    return request  # in a batch or paid: the same request, unchanged


def _request_create(
    *, actor: Any, source: str, source_id: int, payee: dict[str, Any], values: dict[str, Any]
) -> PaymentRequest:
    request = PaymentRequest.objects.create(source=source, source_id=source_id, **payee, **values)
    audit_record(
        actor=actor,
        action="payments.request.add",
        target=request,
        changes={
            "source": source,
            "source_id": source_id,
            **payee,
            **{k: [None, v] for k, v in values.items()},
        },
    )
    return request


def _request_update(*, actor: Any, request: PaymentRequest, values: dict[str, Any]) -> None:
    """An open request follows the new values; a cancelled one is reopened with them."""
    changes: dict[str, Any] = {
        k: [getattr(request, k), v] for k, v in values.items() if getattr(request, k) != v
    }
    if request.status == PaymentRequest.Status.CANCELLED:
        changes["status"] = [request.status, PaymentRequest.Status.OPEN]
        request.status = PaymentRequest.Status.OPEN
    if not changes:
        return
    for name, value in values.items():
        setattr(request, name, value)
    request.save()
    audit_record(actor=actor, action="payments.request.update", target=request, changes=changes)


def payment_request_cancel(*, actor: Any, source: str, source_id: int) -> PaymentRequest:
    """Withdraw a request that is not yet in an approved batch (removing it from a draft batch)."""
    require(actor, "payments.request")
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update()
            .filter(source=source, source_id=source_id)
            .first()
        )
        if request is None:
            raise NotFound(_("支払依頼が見つかりません。"))
        if request.status == PaymentRequest.Status.CANCELLED:
            return request
        if request.status == PaymentRequest.Status.PAID:
            raise Conflict(_("支払済みの依頼は取り消せません。"))
        removed_from = None
        if request.status == PaymentRequest.Status.BATCHED:
            item = (
                request.batch_items.select_related("batch")
                .exclude(
                    batch__status__in=(PaymentBatch.Status.REJECTED, PaymentBatch.Status.CANCELLED)
                )
                .first()
            )
            if item is not None:
                if item.batch.status != PaymentBatch.Status.DRAFT:
                    raise Conflict(
                        _("振込バッチ #%(batch)s(%(status)s)に含まれているため取り消せません。")
                        % {"batch": item.batch.pk, "status": item.batch.get_status_display()}
                    )
                removed_from = item.batch
                item.delete()
                batch_totals_refresh(removed_from)
        old = request.status
        request.status = PaymentRequest.Status.CANCELLED
        request.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="payments.request.cancel",
            target=request,
            changes={
                "status": [old, request.status],
                "removed_from_batch": removed_from.pk if removed_from else None,
            },
        )
    return request


# ---------------------------------------------------------------- bank accounts


def account_fields_check(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate and normalise bank/branch codes, 種目, number and 名義; names come from the codes."""
    bank_code = str(data.get("bank_code") or "").strip()
    branch_code = str(data.get("branch_code") or "").strip()
    bank, branch, errors = bank_branch_check(bank_code, branch_code)
    account_type = str(data.get("account_type") or "")
    if account_type not in _ACCOUNT_TYPES:
        errors["account_type"] = [_("預金種目は 1 普通 / 2 当座 / 4 貯蓄 のいずれかです。")]
    number = str(data.get("account_number") or "").strip()
    if not (number.isascii() and number.isdigit() and 1 <= len(number) <= 7):
        errors["account_number"] = [_("口座番号は7桁までの数字です。")]
    holder = name_normalise(str(data.get("account_holder_kana") or ""))
    if not holder.value:
        errors["account_holder_kana"] = [_("口座名義(カナ)を入力してください。")]
    elif holder.problems:
        errors["account_holder_kana"] = list(holder.problems)
    elif len(holder.value) > 30:
        errors["account_holder_kana"] = [
            _("口座名義は全銀ファイルで30文字までです(%(n)s文字)。") % {"n": len(holder.value)}
        ]
    values: dict[str, Any] = {
        "bank_code": bank_code,
        "bank_name": bank.name if bank else "",
        "branch_code": branch_code,
        "branch_name": branch.name if branch else "",
        "account_type": account_type,
        "account_number": number.zfill(7) if number.isdigit() else number,
        "account_holder_kana": holder.value,
    }
    return values, errors


_ACCOUNT_KEYS = (
    "bank_code",
    "bank_name",
    "branch_code",
    "branch_name",
    "account_type",
    "account_number",
    "account_holder_kana",
)


def _owner_user(employee_id: int | None, counterparty_id: int | None) -> Any:
    if employee_id is not None:
        employee = Employee.objects.select_related("user").filter(pk=employee_id).first()
        if employee is None:
            raise NotFound(_("社員が見つかりません。"))
        return employee.user
    if counterparty_id is None or not Counterparty.objects.filter(pk=counterparty_id).exists():
        raise NotFound(_("取引先が見つかりません。"))
    return None


def payee_account_save(
    *,
    actor: Any,
    employee_id: int | None = None,
    counterparty_id: int | None = None,
    data: dict[str, Any],
) -> PayeeBankAccount:
    """Set the payee account of an employee (the employee or accounting) or a counterparty."""
    if (employee_id is None) == (counterparty_id is None):
        raise ValidationFailed(
            _("社員か取引先のどちらか一方を指定してください。"), errors={"owner": ["?"]}
        )
    owner_user = _owner_user(employee_id, counterparty_id)
    own = employee_id is not None and owner_user is not None and same_user(actor, owner_user)
    if not (can(actor, "payments.manage_payees") or (own and can(actor, "payments.own_account"))):
        raise PermissionDenied(_("この口座を変更する権限がありません。"))
    values, errors = account_fields_check(data)
    if errors:
        raise ValidationFailed(_("口座を保存できません。"), errors=errors)
    with transaction.atomic():
        lookup = (
            {"employee_id": employee_id} if employee_id else {"counterparty_id": counterparty_id}
        )
        account = PayeeBankAccount.objects.select_for_update().filter(**lookup).first()
        old = {k: getattr(account, k) for k in _ACCOUNT_KEYS} if account else {}
        if account is None:
            account = PayeeBankAccount(**lookup)
        for key, value in values.items():
            setattr(account, key, value)
        account.save()
        audit_record(
            actor=actor,
            action="payments.payee_account.save",
            target=account,
            changes={
                k: [_masked(k, old.get(k)), _masked(k, v)]
                for k, v in values.items()
                if old.get(k) != v
            },
        )
    return account


def _masked(key: str, value: Any) -> Any:
    """Account numbers go to the audit chain masked (the chain is readable by auditors)."""
    if key == "account_number" and value:
        return "****" + str(value)[-3:]
    return value


def _company_fields_check(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    values, errors = account_fields_check(data)
    label = str(data.get("label") or "").strip()
    if not label or len(label) > 60:
        errors["label"] = [_("表示名を60文字までで入力してください。")]
    consignor = str(data.get("consignor_code") or "").strip()
    if not (consignor.isascii() and consignor.isdigit() and len(consignor) == 10):
        errors["consignor_code"] = [_("委託者コードは銀行から通知された10桁の数字です。")]
    requester = name_normalise(str(data.get("consignor_name_kana") or ""))
    if not requester.value:
        errors["consignor_name_kana"] = [_("振込依頼人名(カナ)を入力してください。")]
    elif requester.problems:
        errors["consignor_name_kana"] = list(requester.problems)
    elif len(requester.value) > 40:
        errors["consignor_name_kana"] = [_("振込依頼人名は40文字までです。")]
    for key in ("fee_same_bank", "fee_other_bank"):
        try:
            values[key] = int(data.get(key) or 0)
        except (TypeError, ValueError):
            values[key] = -1
        if not 0 <= values[key] <= 100_000:
            errors[key] = [_("手数料は0〜100,000円の整数です。")]
    line_ending = str(data.get("line_ending") or CompanyBankAccount.LineEnding.CRLF)
    if line_ending not in CompanyBankAccount.LineEnding.values:
        errors["line_ending"] = [_("改行は crlf か none です。")]
    sub_account = str(data.get("ledger_sub_account") or "").strip()[:20]
    bank_account = ledger_cache.account_by_code("1140")  # 普通預金
    if sub_account and (
        bank_account is None or ledger_cache.sub_account_id(bank_account.pk, sub_account) is None
    ):
        errors["ledger_sub_account"] = [
            _("普通預金に補助科目「%(code)s」がありません。") % {"code": sub_account}
        ]
    values.update(
        label=label,
        consignor_code=consignor,
        consignor_name_kana=requester.value,
        line_ending=line_ending,
        ledger_sub_account=sub_account,
    )
    return values, errors


def company_account_save(
    *, actor: Any, account_id: int | None = None, data: dict[str, Any]
) -> CompanyBankAccount:
    """Add or change one of the company's paying accounts (with its 委託者コード and fees)."""
    require(actor, "payments.manage")
    values, errors = _company_fields_check(data)
    if errors:
        raise ValidationFailed(_("自社口座を保存できません。"), errors=errors)
    with transaction.atomic():
        if account_id is None:
            account = CompanyBankAccount()
            old: dict[str, Any] = {}
        else:
            found = CompanyBankAccount.objects.select_for_update().filter(pk=account_id).first()
            if found is None:
                raise NotFound(_("自社口座が見つかりません。"))
            account = found
            old = {k: getattr(account, k) for k in values}
        is_default = (
            bool(data.get("is_default"))
            or not CompanyBankAccount.objects.exclude(pk=account.pk)
            .filter(is_default=True)
            .exists()
        )
        if is_default:
            CompanyBankAccount.objects.exclude(pk=account.pk).filter(is_default=True).update(
                is_default=False
            )
        values["is_default"] = is_default
        for key, value in values.items():
            setattr(account, key, value)
        account.save()
        audit_record(
            actor=actor,
            action="payments.company_account.save",
            target=account,
            changes={
                k: [_masked(k, old.get(k)), _masked(k, v)]
                for k, v in values.items()
                if old.get(k) != v
            },
        )
    return account

"""Demo e-contracts: 30 contracts in every state (draft, 社内承認中, approved, rejected, awaiting
the counterparty, signed, expiring soon, expired / renewal due), of kinds whose paper originals
would need 収入印紙 (第2号 請負, 建設工事, 第7号 基本契約) or none (秘密保持, 業務委託), so the register
shows 印紙代の節約額. Company-signed and concluded ones carry real PAdES signatures (pyHanko with the
demo CA and the test TSA); only those are signed, with the keys loaded once."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from urakata.documents import contracts
from urakata.documents.contract_models import Contract

KINDS = ("業務委託", "保守", "秘密保持", "売買基本", "賃貸借", "請負", "工事請負")
# (status, how many, real signatures: 0 none, 1 company, 2 both, end offset in days)
PLAN = (
    ("draft", 5, 0, 365),
    ("approving", 4, 0, 365),
    ("approved", 3, 0, 365),
    ("rejected", 2, 0, 365),
    ("awaiting", 5, 1, 365),
    ("signed", 5, 2, 300),
    ("expiring", 4, 2, 30),
    ("expired", 2, 2, -20),
)


def _data(rng: random.Random, today: dt.date, party: Any, end_offset: int) -> dict[str, Any]:
    kind = rng.choice(KINDS)
    end = today + dt.timedelta(days=end_offset)
    return {
        "title": f"{party.name} {kind}契約書",
        "contract_type": kind,
        "counterparty_id": party.pk,
        "amount": rng.randint(1, 300) * (100_000 if kind == "工事請負" else 10_000),
        "start_date": end - dt.timedelta(days=364),
        "end_date": end,
        "auto_renew": rng.random() < 0.5,
        "notice_days": rng.choice([30, 60, 90]),
        "body": f"第1条(目的)本契約は{kind}について定める。\n第2条(契約金額)別途定める。\n"
        "第3条(秘密保持)両当事者は相手方の秘密情報を第三者に開示しない。",
        "signer_name": "山田 花子",
        "signer_email": f"sign{party.pk}@example.jp",
    }


def seed_contracts(
    *, actor: Any, drafter: Any, signer: Any, today: dt.date, rng: random.Random
) -> int:
    """Create the demo contracts; returns how many. `drafter` is a 総務 user, `signer` an
    executive (both needed for the approval route and the company signature)."""
    from urakata.org.models import Counterparty

    if Contract.objects.exists():
        return Contract.objects.count()
    parties = list(Counterparty.objects.order_by("code")[:30])
    if not parties or drafter is None or signer is None:
        return 0
    count = 0
    for state, number, signatures, end_offset in PLAN:
        for _ in range(number):
            contract = contracts.contract_create(
                actor=drafter, data=_data(rng, today, rng.choice(parties), end_offset)
            )
            count += 1
            if state == "approving":
                contracts.contract_submit(actor=drafter, contract=contract)
            elif state == "rejected":
                Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.REJECTED)
            elif state != "draft":
                Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.APPROVED)
                contract.refresh_from_db()
                if signatures:
                    contracts.contract_company_sign(actor=signer, contract=contract)
                if signatures == 2:
                    # A fresh link whose code the demo knows (real codes go only by e-mail).
                    token, code = contracts.link_issue(actor=signer, contract=contract)
                    contracts.counterparty_sign(token=token, code=code, ip="192.0.2.10")
    return count

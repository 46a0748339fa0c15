"""Optional look-up of a 登録番号 in the 国税庁 適格請求書発行事業者公表システム (Web-API Ver.1).

Request (one number, JSON, without history):
    GET {URAKATA_INVOICE_REGISTRY_URL}/1/num?id=APPID&number=T…&type=21&history=0
    (type 21 = JSON; history 0 = the latest record only)
Response: {"count": "1", "announcement": [{"registratedNumber": "T…", "name": …,
"registrationDate": "YYYY-MM-DD", "disposalDate": "" (取消), "expireDate": "" (失効),
"process": …, "kind": …, "latest": …, "updateDate": …, …}]}; a number that is not registered is
absent from `announcement` (count "0"). `registratedNumber` is spelt so in the specification.
Sources: 国税庁「適格請求書発行事業者公表システムWeb-API機能のリクエストの設定方法及び提供データの
内容について(Ver.1.0)」(https://www.invoice-kohyo.nta.go.jp/web-api), as summarised in
https://fm-memo.nyanta.jp/memo/20241209.php and https://ywc.com/filemaker/?p=14945.

Off while URAKATA_INVOICE_REGISTRY_APP_ID is empty (the ID is issued by 国税庁 on application).
Answers are cached per number and day. An unreachable or broken service never blocks an entry:
the result says why it could not be checked.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.japanese import invoice_registration_number_error, normalise_digits

MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class RegistryAnswer:
    """What the public registry says about one number (`checked` False: it could not be asked)."""

    number: str
    checked: bool
    found: bool = False
    name: str = ""
    registered_on: dt.date | None = None
    cancelled_on: dt.date | None = None  # 取消年月日 (disposalDate)
    expired_on: dt.date | None = None  # 失効年月日 (expireDate)
    message: str = ""

    def registered_on_day(self, day: dt.date) -> bool:
        """Registered on `day`: from 登録年月日, before any 取消 / 失効."""
        if not self.found or self.registered_on is None or day < self.registered_on:
            return False
        ends = [d for d in (self.cancelled_on, self.expired_on) if d is not None]
        return not ends or day < min(ends)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


def registry_enabled() -> bool:
    return bool(getattr(settings, "URAKATA_INVOICE_REGISTRY_APP_ID", ""))


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip()) if value else None
    except ValueError:
        return None


def parse_answer(number: str, payload: Any) -> RegistryAnswer:
    """The registry's JSON for `number` → RegistryAnswer (not found when it is absent)."""
    rows = payload.get("announcement") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        return RegistryAnswer(number, False, message=_("公表サイトの応答を読み取れません。"))
    row = next(
        (r for r in rows if isinstance(r, dict) and r.get("registratedNumber") == number), None
    )
    if row is None:
        return RegistryAnswer(
            number, True, message=_("公表サイトに登録がありません(未登録または番号の誤り)。")
        )
    answer = RegistryAnswer(
        number,
        True,
        found=True,
        name=str(row.get("name") or "")[:200],
        registered_on=_date(row.get("registrationDate")),
        cancelled_on=_date(row.get("disposalDate")),
        expired_on=_date(row.get("expireDate")),
    )
    if answer.cancelled_on:
        note = _("登録は %(day)s に取り消されています。") % {"day": answer.cancelled_on}
    elif answer.expired_on:
        note = _("登録は %(day)s に失効しています。") % {"day": answer.expired_on}
    else:
        note = _("適格請求書発行事業者として登録されています(%(day)s 登録)。") % {
            "day": answer.registered_on
        }
    return RegistryAnswer(**{**asdict(answer), "message": note})


def _fetch(number: str) -> RegistryAnswer:
    base = str(settings.URAKATA_INVOICE_REGISTRY_URL).rstrip("/")
    query = urllib.parse.urlencode(
        {
            "id": settings.URAKATA_INVOICE_REGISTRY_APP_ID,
            "number": number,
            "type": "21",
            "history": "0",
        }
    )
    timeout = float(getattr(settings, "URAKATA_INVOICE_REGISTRY_TIMEOUT", 5.0))
    try:
        with urllib.request.urlopen(f"{base}/1/num?{query}", timeout=timeout) as response:  # noqa: S310 (https URL from settings)
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        return RegistryAnswer(
            number,
            False,
            message=_("公表サイトが照会を受け付けませんでした(HTTP %(code)s)。")
            % {"code": error.code},
        )
    except (urllib.error.URLError, TimeoutError, OSError):
        return RegistryAnswer(
            number,
            False,
            message=_(
                "国税庁の公表サイトに接続できません。時間をおいて確認してください"
                "(登録番号の形式は確認済み)。"
            ),
        )
    try:
        if len(body) > MAX_BYTES:
            raise ValueError("too large")
        payload = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return RegistryAnswer(number, False, message=_("公表サイトの応答を読み取れません。"))
    return parse_answer(number, payload)


def registry_lookup(number: str, *, today: dt.date | None = None) -> RegistryAnswer:
    """Ask the public registry about `number` (cached per number and day).

    Not asked when the service is off or the number's format / check digit is wrong.
    """
    value = normalise_digits(number or "").strip().upper()
    problem = invoice_registration_number_error(value) if value else _("登録番号がありません。")
    if problem:
        return RegistryAnswer(value, False, message=problem)
    if not registry_enabled():
        return RegistryAnswer(
            value, False, message=_("公表サイトの照会は設定されていません(アプリケーションID)。")
        )
    day = today or timezone.localdate()
    key = f"invoicing:registry:{value}:{day.isoformat()}"
    cached = cache.get(key)
    if isinstance(cached, RegistryAnswer):
        return cached
    answer = _fetch(value)
    if answer.checked:  # a failure is asked again next time
        cache.set(key, answer, 24 * 60 * 60)
    return answer

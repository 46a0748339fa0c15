"""全銀協 総合振込 file (全銀協規定形式, 固定長): write and read back, record by record.

Layout as in facts.md §6: 120-byte records, header (データ区分 1) → data (2) × n → trailer (8) →
end (9); JIS X 0201 characters written as Shift_JIS (CP932) bytes; CR LF after each record or
none. N fields are digits, right-aligned and zero-padded; C fields left-aligned, space-padded.
種別コード 21 総合振込, 11 給与振込, 12 賞与振込.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed

RECORD = 120
ENCODING = "cp932"
KIND_CODES = {"transfer": "21", "salary": "11", "bonus": "12"}

# (field, type, length) per record type; each sums to 120.
HEADER = (
    ("data_kind", "N", 1),
    ("kind_code", "N", 2),
    ("code_kind", "N", 1),
    ("consignor_code", "N", 10),
    ("consignor_name", "C", 40),
    ("transfer_date", "N", 4),
    ("bank_code", "N", 4),
    ("bank_name", "C", 15),
    ("branch_code", "N", 3),
    ("branch_name", "C", 15),
    ("account_type", "N", 1),
    ("account_number", "N", 7),
    ("dummy", "C", 17),
)
DATA = (
    ("data_kind", "N", 1),
    ("bank_code", "N", 4),
    ("bank_name", "C", 15),
    ("branch_code", "N", 3),
    ("branch_name", "C", 15),
    ("clearing_house", "N", 4),
    ("account_type", "N", 1),
    ("account_number", "N", 7),
    ("payee_name", "C", 30),
    ("amount", "N", 10),
    ("new_code", "N", 1),
    ("customer_code1", "C", 10),
    ("customer_code2", "C", 10),
    ("transfer_kind", "N", 1),
    ("edi_flag", "C", 1),
    ("dummy", "C", 7),
)
TRAILER = (
    ("data_kind", "N", 1),
    ("count", "N", 6),
    ("total", "N", 12),
    ("dummy", "C", 101),
)
END = (("data_kind", "N", 1), ("dummy", "C", 119))
LAYOUTS = {"1": HEADER, "2": DATA, "8": TRAILER, "9": END}
assert all(sum(length for _n, _t, length in layout) == RECORD for layout in LAYOUTS.values())


@dataclass(frozen=True)
class Header:
    """振込依頼人 (the company's account) and the transfer date."""

    kind: str  # transfer | salary | bonus
    consignor_code: str
    consignor_name: str
    transfer_date: dt.date
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str


@dataclass(frozen=True)
class Transfer:
    """One data record: the payee's account and the amount."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str
    payee_name: str
    amount: int
    customer_code: str = ""


def _field(name: str, kind: str, length: int, value: Any) -> str:
    text = "" if value is None else str(value)
    if kind == "N":
        if not text.isdigit() or len(text) > length:
            raise ValueError(f"{name}: {text!r} is not {length} digits")
        return text.zfill(length)
    if len(text.encode(ENCODING)) != len(text):
        raise ValueError(f"{name}: {text!r} holds multi-byte characters")
    return text[:length].ljust(length)


def record(layout: Sequence[tuple[str, str, int]], values: dict[str, Any]) -> bytes:
    """One 120-byte record from its field values (missing C fields are spaces)."""
    text = "".join(
        _field(name, kind, length, values.get(name, "" if kind == "C" else "0"))
        for name, kind, length in layout
    )
    data = text.encode(ENCODING)
    assert len(data) == RECORD, (len(data), text)
    return data


def zengin_build(
    header: Header, transfers: Sequence[Transfer], *, line_ending: str = "crlf"
) -> bytes:
    """The whole file: header, one data record per transfer, trailer and end record."""
    records = [
        record(
            HEADER,
            {
                "data_kind": "1",
                "kind_code": KIND_CODES[header.kind],
                "code_kind": "0",
                "consignor_code": header.consignor_code,
                "consignor_name": header.consignor_name,
                "transfer_date": header.transfer_date.strftime("%m%d"),
                "bank_code": header.bank_code,
                "bank_name": header.bank_name,
                "branch_code": header.branch_code,
                "branch_name": header.branch_name,
                "account_type": header.account_type,
                "account_number": header.account_number,
            },
        )
    ]
    for transfer in transfers:
        records.append(
            record(
                DATA,
                {
                    "data_kind": "2",
                    "bank_code": transfer.bank_code,
                    "bank_name": transfer.bank_name,
                    "branch_code": transfer.branch_code,
                    "branch_name": transfer.branch_name,
                    "clearing_house": "0000",
                    "account_type": transfer.account_type,
                    "account_number": transfer.account_number,
                    "payee_name": transfer.payee_name,
                    "amount": str(transfer.amount),
                    "new_code": "0",
                    "customer_code1": transfer.customer_code,
                    "transfer_kind": "7",  # 電信
                },
            )
        )
    total = sum(t.amount for t in transfers)
    records.append(
        record(TRAILER, {"data_kind": "8", "count": str(len(transfers)), "total": str(total)})
    )
    records.append(record(END, {"data_kind": "9"}))
    separator = b"\r\n" if line_ending == "crlf" else b""
    return b"".join(r + separator for r in records)


def _split(data: bytes) -> list[bytes]:
    """Records with or without CR LF after each (and an optional EOF 0x1A at the end)."""
    if data.endswith(b"\x1a"):
        data = data[:-1]
    if b"\r\n" in data or b"\n" in data:
        lines = data.replace(b"\r\n", b"\n").split(b"\n")
        return [line for line in lines if line != b""]
    return [data[i : i + RECORD] for i in range(0, len(data), RECORD)]


def _parse_record(number: int, raw: bytes, problems: list[str]) -> dict[str, Any] | None:
    if len(raw) != RECORD:
        problems.append(
            _("%(n)s行目: %(len)sバイトです(120バイト固定)。") % {"n": number, "len": len(raw)}
        )
        return None
    try:
        text = raw.decode(ENCODING)
    except UnicodeDecodeError:
        problems.append(_("%(n)s行目: Shift_JIS として読めません。") % {"n": number})
        return None
    layout = LAYOUTS.get(text[0])
    if layout is None or len(text) != RECORD:
        problems.append(
            _("%(n)s行目: データ区分「%(kind)s」は不明です。") % {"n": number, "kind": text[0]}
        )
        return None
    values: dict[str, Any] = {}
    position = 0
    for name, kind, length in layout:
        chunk = text[position : position + length]
        position += length
        if kind == "N" and not chunk.isdigit():
            problems.append(
                _("%(n)s行目: %(field)s「%(value)s」が数字ではありません。")
                % {"n": number, "field": name, "value": chunk}
            )
        values[name] = chunk if kind == "N" else chunk.rstrip(" ")
    for name in ("amount", "count", "total"):
        if name in values and str(values[name]).isdigit():
            values[name] = int(values[name])
    return values


def _totals_check(
    transfers: list[dict[str, Any]], trailer: dict[str, Any], problems: list[str]
) -> None:
    if trailer["count"] != len(transfers):
        problems.append(
            _("トレーラーの合計件数 %(t)s がデータレコード数 %(n)s と一致しません。")
            % {"t": trailer["count"], "n": len(transfers)}
        )
    total = sum(int(r["amount"]) for r in transfers)
    if trailer["total"] != total:
        problems.append(
            _("トレーラーの合計金額 %(t)s がデータレコードの合計 %(n)s と一致しません。")
            % {"t": trailer["total"], "n": total}
        )


def zengin_parse(data: bytes) -> dict[str, Any]:
    """Read a file back field by field; raise ValidationFailed naming each broken record.

    Returns {"records": [{"data_kind": …, field: value, …}, …], "header": …, "transfers": [...],
    "trailer": …}; amounts and counts as int, other N fields as their digits.
    """
    problems: list[str] = []
    parsed = [
        values
        for number, raw in enumerate(_split(data), start=1)
        if (values := _parse_record(number, raw, problems)) is not None
    ]
    kinds = "".join(r["data_kind"] for r in parsed)
    in_order = kinds.startswith("1") and kinds.endswith("89") and set(kinds[1:-2]) <= {"2"}
    if not problems and not in_order:
        problems.append(
            _("レコードの順序が ヘッダー → データ → トレーラー → エンド ではありません。")
        )
    transfers = [r for r in parsed if r["data_kind"] == "2"]
    trailer = next((r for r in parsed if r["data_kind"] == "8"), None)
    if not problems and trailer is not None:
        _totals_check(transfers, trailer, problems)
    if problems:
        raise ValidationFailed(_("全銀ファイルとして読めません。"), errors={"file": problems})
    return {"records": parsed, "header": parsed[0], "transfers": transfers, "trailer": trailer}

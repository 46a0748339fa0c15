"""The 全銀 総合振込 file: 120-byte records, field by field, read back; broken files refused."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.errors import ValidationFailed
from urakata.payments import zengin

HEADER = zengin.Header(
    kind="transfer",
    consignor_code="1234567890",
    consignor_name="ｶ)ｳﾗｶﾀ",
    transfer_date=dt.date(2026, 12, 10),
    bank_code="0001",
    bank_name="ﾐｽﾞﾎ",
    branch_code="001",
    branch_name="ﾄｳｷﾖｳ",
    account_type="1",
    account_number="1234567",
)
TRANSFERS = [
    zengin.Transfer(
        "0009", "ﾐﾂｲｽﾐﾄﾓ", "001", "ｼﾞﾝﾎﾞｳﾁﾖｳ", "1", "0000123", "ﾔﾏﾀﾞ ﾀﾛｳ", 250_000, "0000000001"
    ),
    zengin.Transfer("0005", "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ", "002", "ﾏﾙﾉｳﾁ", "2", "7654321", "ｶ)ﾃｽﾄ", 1_080, ""),
]


def test_records_are_120_bytes_in_order_with_crlf() -> None:
    data = zengin.zengin_build(HEADER, TRANSFERS, line_ending="crlf")
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    records = lines[:-1]
    assert [r[:1] for r in records] == [b"1", b"2", b"2", b"8", b"9"]
    assert all(len(r) == 120 for r in records)
    assert len(data) == 5 * 122


def test_fields_at_their_byte_positions() -> None:
    data = zengin.zengin_build(HEADER, TRANSFERS, line_ending="none")
    assert len(data) == 5 * 120
    header, first, _second, trailer, end = (data[i : i + 120] for i in range(0, 600, 120))
    # Header (facts.md §6.2), 1-based byte positions.
    assert header[0:1] == b"1" and header[1:3] == b"21" and header[3:4] == b"0"
    assert header[4:14] == b"1234567890"
    assert header[14:54].decode("cp932") == "ｶ)ｳﾗｶﾀ".ljust(40)
    assert header[54:58] == b"1210"
    assert header[58:62] == b"0001" and header[77:80] == b"001"
    assert header[95:96] == b"1" and header[96:103] == b"1234567"
    assert header[103:120] == b" " * 17
    # Data record (§6.3).
    assert first[1:5] == b"0009" and first[20:23] == b"001"
    assert first[38:42] == b"0000" and first[42:43] == b"1" and first[43:50] == b"0000123"
    assert first[50:80].decode("cp932") == "ﾔﾏﾀﾞ ﾀﾛｳ".ljust(30)
    assert first[80:90] == b"0000250000"
    assert first[90:91] == b"0" and first[91:101] == b"0000000001"
    assert first[111:112] == b"7" and first[112:113] == b" "
    # Trailer and end (§6.4): the worked check's shape.
    assert trailer == b"8" + b"000002" + b"000000251080" + b" " * 101
    assert end == b"9" + b" " * 119


@pytest.mark.parametrize(
    ("kind", "code"), [("transfer", b"21"), ("salary", b"11"), ("bonus", b"12")]
)
def test_kind_codes(kind: str, code: bytes) -> None:
    header = zengin.Header(**{**HEADER.__dict__, "kind": kind})
    assert zengin.zengin_build(header, TRANSFERS)[1:3] == code


@pytest.mark.parametrize("line_ending", ["crlf", "none"])
def test_parses_back_field_by_field(line_ending: str) -> None:
    parsed = zengin.zengin_parse(zengin.zengin_build(HEADER, TRANSFERS, line_ending=line_ending))
    header = parsed["header"]
    assert header["kind_code"] == "21" and header["consignor_code"] == "1234567890"
    assert header["consignor_name"] == "ｶ)ｳﾗｶﾀ" and header["transfer_date"] == "1210"
    assert header["bank_name"] == "ﾐｽﾞﾎ" and header["branch_name"] == "ﾄｳｷﾖｳ"
    got = [
        (
            t["bank_code"],
            t["bank_name"],
            t["branch_code"],
            t["branch_name"],
            t["account_type"],
            t["account_number"],
            t["payee_name"],
            t["amount"],
            t["customer_code1"],
        )
        for t in parsed["transfers"]
    ]
    assert got == [
        (
            x.bank_code,
            x.bank_name,
            x.branch_code,
            x.branch_name,
            x.account_type,
            x.account_number,
            x.payee_name,
            x.amount,
            x.customer_code,
        )
        for x in TRANSFERS
    ]
    assert parsed["trailer"]["count"] == 2 and parsed["trailer"]["total"] == 251_080


def test_eof_marker_is_accepted() -> None:
    data = zengin.zengin_build(HEADER, TRANSFERS, line_ending="crlf") + b"\x1a"
    assert len(zengin.zengin_parse(data)["transfers"]) == 2


def test_wrong_trailer_total_is_refused() -> None:
    data = zengin.zengin_build(HEADER, TRANSFERS, line_ending="none")
    broken = data[:360] + b"8000002000000999999" + data[379:]
    with pytest.raises(ValidationFailed) as error:
        zengin.zengin_parse(broken)
    assert "合計金額" in error.value.errors["file"][0]


def test_short_record_and_bad_order_are_refused() -> None:
    data = zengin.zengin_build(HEADER, TRANSFERS, line_ending="crlf")
    with pytest.raises(ValidationFailed) as error:
        zengin.zengin_parse(data.replace("ﾔﾏﾀﾞ ﾀﾛｳ ".encode("cp932"), b"", 1))
    assert "120バイト" in error.value.errors["file"][0]
    records = data.split(b"\r\n")
    with pytest.raises(ValidationFailed) as error:
        zengin.zengin_parse(b"\r\n".join([records[1], records[0], *records[2:]]))
    assert "順序" in error.value.errors["file"][0]


def test_multibyte_name_cannot_be_written() -> None:
    bad = zengin.Transfer("0009", "", "001", "", "1", "0000123", "山田", 1, "")
    with pytest.raises(ValueError):
        zengin.zengin_build(HEADER, [bad])

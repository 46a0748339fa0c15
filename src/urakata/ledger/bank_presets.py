"""Column presets for named banks' and card issuers' CSV downloads.

Each preset names the header cells of the issuer's file, and whether amounts come as separate
入金/出金 columns or one signed column (`amount`; `negate` for card statements, whose positive
amounts are spending). Dates are read by the shared parser (2025/05/01, 20250501, 和暦), and the
encoding is detected (UTF-8 or Shift_JIS), so a preset only has to name columns.

`verified` says whether the layout was checked against a real downloaded file or the issuer's
published specification. None of these has been: they are written from how the formats are
commonly described (header names, date style, sign), and each is listed as unverified in
docs/modules/ledger.md. A file whose header does not match is refused with the missing columns
named, never read wrongly; the `generic` / `signed` presets remain for anything else.
"""

from __future__ import annotations

from typing import Any

BANK_PRESETS: dict[str, dict[str, Any]] = {
    "smbc": {
        "label": "三井住友銀行 入出金明細(年月日・お引出し・お預入れ・お取り扱い内容・残高)",
        "encoding": "cp932",
        "date": "年月日",
        "description": "お取り扱い内容",
        "deposit": "お預入れ",
        "withdrawal": "お引出し",
        "balance": "残高",
        "verified": False,
    },
    "rakuten_bank": {
        "label": "楽天銀行 入出金明細(取引日 yyyymmdd・入出金(円) 符号付き・取引後残高(円))",
        "encoding": "cp932",
        "date": "取引日",
        "description": "入出金内容",
        "amount": "入出金(円)",
        "balance": "取引後残高(円)",
        "verified": False,
    },
    "sbi_net": {
        "label": "住信SBIネット銀行 入出金明細(日付・内容・出金金額(円)・入金金額(円)・残高(円))",
        "encoding": "cp932",
        "date": "日付",
        "description": "内容",
        "deposit": "入金金額(円)",
        "withdrawal": "出金金額(円)",
        "balance": "残高(円)",
        "verified": False,
    },
    "rakuten_card": {
        "label": "楽天カード 利用明細(利用日・利用店名・商品名・利用金額)",
        "encoding": "utf-8-sig",
        "date": "利用日",
        "description": "利用店名・商品名",
        "amount": "利用金額",
        "negate": True,  # spending is positive on a card statement; a refund is negative
        "verified": False,
    },
}

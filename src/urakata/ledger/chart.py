"""Seed data: the usual Japanese SME chart of accounts (勘定科目) and tax codes (税区分).

Tax rates are data with effective dates. The transitional input-tax credit for purchases from
businesses without インボイス registration (免税事業者等からの仕入れに係る経過措置) follows
/work/shared/compliance/facts.md §1.6 ("Related transitional measures"): 80% until 2026-09-30,
then 70% (2026-10-01 – 2028-09-30), 50% (2028-10-01 – 2030-09-30), 30% (2030-10-01 – 2031-09-30),
and nothing after that. facts.md marks the post-2026 steps as taken from the 令和8年度税制改正大綱
summaries (⚠ to be confirmed against the enacted text) — which is exactly why they are rows in
TaxRate and not constants in code: an administrator can correct them without a release.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

# code, name, section, default tax code ("" = none)
A = "asset"
L = "liability"
E = "equity"
R = "revenue"
X = "expense"

SECTION_CATEGORY = {
    "current_asset": A,
    "fixed_asset": A,
    "deferred_asset": A,
    "current_liability": L,
    "fixed_liability": L,
    "equity": E,
    "sales": R,
    "non_operating_income": R,
    "extraordinary_income": R,
    "cost_of_sales": X,
    "sga": X,
    "non_operating_expense": X,
    "extraordinary_loss": X,
    "income_taxes": X,
}

# Numbering convention of the seeded chart: four digits, the first one naming the statement
# section (1 流動資産, 2 固定・繰延資産, 3 負債, 4 純資産, 5 売上, 6 売上原価, 7 販管費,
# 8 営業外, 9 特別損益・法人税等). New accounts follow it (ledger.accounts checks).
CODE_LENGTH = 4
SECTION_CODE_PREFIX = {
    "current_asset": "1",
    "fixed_asset": "2",
    "deferred_asset": "2",
    "current_liability": "3",
    "fixed_liability": "3",
    "equity": "4",
    "sales": "5",
    "cost_of_sales": "6",
    "sga": "7",
    "non_operating_income": "8",
    "non_operating_expense": "8",
    "extraordinary_income": "9",
    "extraordinary_loss": "9",
    "income_taxes": "9",
}

ACCOUNTS: list[tuple[str, str, str, str]] = [
    # 流動資産
    ("1110", "現金", "current_asset", ""),
    ("1120", "小口現金", "current_asset", ""),
    ("1130", "当座預金", "current_asset", ""),
    ("1140", "普通預金", "current_asset", ""),
    ("1150", "定期預金", "current_asset", ""),
    ("1210", "受取手形", "current_asset", ""),
    ("1220", "売掛金", "current_asset", ""),
    ("1230", "電子記録債権", "current_asset", ""),
    ("1310", "有価証券", "current_asset", ""),
    ("1410", "商品", "current_asset", ""),
    ("1420", "製品", "current_asset", ""),
    ("1430", "原材料", "current_asset", ""),
    ("1440", "仕掛品", "current_asset", ""),
    ("1450", "貯蔵品", "current_asset", ""),
    ("1510", "前渡金", "current_asset", ""),
    ("1520", "前払費用", "current_asset", ""),
    ("1525", "未収収益", "current_asset", ""),
    ("1530", "未収入金", "current_asset", ""),
    ("1540", "短期貸付金", "current_asset", ""),
    ("1550", "立替金", "current_asset", ""),
    ("1560", "仮払金", "current_asset", ""),
    ("1570", "仮払消費税等", "current_asset", ""),
    ("1575", "未収消費税等", "current_asset", ""),
    ("1580", "未収還付法人税等", "current_asset", ""),
    ("1585", "仮払法人税等", "current_asset", ""),
    ("1590", "貸倒引当金", "current_asset", ""),
    # 固定資産
    ("2110", "建物", "fixed_asset", ""),
    ("2120", "建物附属設備", "fixed_asset", ""),
    ("2130", "構築物", "fixed_asset", ""),
    ("2140", "機械装置", "fixed_asset", ""),
    ("2150", "車両運搬具", "fixed_asset", ""),
    ("2160", "工具器具備品", "fixed_asset", ""),
    ("2170", "土地", "fixed_asset", ""),
    ("2180", "建設仮勘定", "fixed_asset", ""),
    ("2185", "リース資産", "fixed_asset", ""),
    ("2190", "減価償却累計額", "fixed_asset", ""),
    ("2210", "ソフトウェア", "fixed_asset", ""),
    ("2220", "電話加入権", "fixed_asset", ""),
    ("2310", "投資有価証券", "fixed_asset", ""),
    ("2315", "出資金", "fixed_asset", ""),
    ("2320", "長期貸付金", "fixed_asset", ""),
    ("2330", "敷金", "fixed_asset", ""),
    ("2340", "差入保証金", "fixed_asset", ""),
    ("2350", "長期前払費用", "fixed_asset", ""),
    ("2360", "保険積立金", "fixed_asset", ""),
    ("2370", "一括償却資産", "fixed_asset", ""),
    ("2410", "創立費", "deferred_asset", ""),
    ("2420", "開業費", "deferred_asset", ""),
    # 流動負債
    ("3110", "支払手形", "current_liability", ""),
    ("3120", "買掛金", "current_liability", ""),
    ("3130", "電子記録債務", "current_liability", ""),
    ("3140", "短期借入金", "current_liability", ""),
    ("3150", "未払金", "current_liability", ""),
    ("3160", "未払費用", "current_liability", ""),
    ("3170", "未払法人税等", "current_liability", ""),
    ("3180", "未払消費税等", "current_liability", ""),
    ("3190", "前受金", "current_liability", ""),
    ("3210", "預り金", "current_liability", ""),
    ("3220", "前受収益", "current_liability", ""),
    ("3230", "仮受金", "current_liability", ""),
    ("3240", "仮受消費税等", "current_liability", ""),
    ("3250", "賞与引当金", "current_liability", ""),
    ("3260", "リース債務(短期)", "current_liability", ""),
    # 固定負債
    ("3310", "長期借入金", "fixed_liability", ""),
    ("3320", "退職給付引当金", "fixed_liability", ""),
    ("3330", "役員借入金", "fixed_liability", ""),
    ("3340", "リース債務", "fixed_liability", ""),
    # 純資産
    ("4110", "資本金", "equity", ""),
    ("4120", "資本準備金", "equity", ""),
    ("4130", "利益準備金", "equity", ""),
    ("4140", "別途積立金", "equity", ""),
    ("4150", "繰越利益剰余金", "equity", ""),
    ("4160", "自己株式", "equity", ""),
    # 売上高
    ("5110", "売上高", "sales", "S10"),
    ("5120", "売上値引高", "sales", "SR10"),
    ("5130", "輸出売上高", "sales", "SEX"),
    ("5140", "売上戻り高", "sales", "SR10"),
    # 売上原価
    ("6110", "期首商品棚卸高", "cost_of_sales", "OUT"),
    ("6120", "仕入高", "cost_of_sales", "P10"),
    ("6130", "仕入値引高", "cost_of_sales", "PR10"),
    ("6140", "期末商品棚卸高", "cost_of_sales", "OUT"),
    ("6150", "外注加工費", "cost_of_sales", "P10"),
    # 製造原価 (the demo company manufactures)
    ("6210", "材料仕入高", "cost_of_sales", "P10"),
    ("6220", "賃金", "cost_of_sales", "NT"),
    ("6230", "製造外注費", "cost_of_sales", "P10"),
    ("6240", "電力費", "cost_of_sales", "P10"),
    ("6250", "製造減価償却費", "cost_of_sales", "OUT"),
    ("6260", "期首仕掛品棚卸高", "cost_of_sales", "OUT"),
    ("6270", "期末仕掛品棚卸高", "cost_of_sales", "OUT"),
    # 販売費及び一般管理費
    ("7110", "役員報酬", "sga", "NT"),
    ("7120", "給料手当", "sga", "NT"),
    ("7130", "賞与", "sga", "NT"),
    ("7135", "賞与引当金繰入額", "sga", "OUT"),
    ("7140", "雑給", "sga", "NT"),
    ("7150", "退職金", "sga", "NT"),
    ("7155", "退職給付費用", "sga", "OUT"),
    ("7160", "法定福利費", "sga", "NT"),
    ("7170", "福利厚生費", "sga", "P10"),
    ("7210", "荷造運賃", "sga", "P10"),
    ("7220", "広告宣伝費", "sga", "P10"),
    ("7230", "販売促進費", "sga", "P10"),
    ("7240", "接待交際費", "sga", "P10"),
    ("7250", "会議費", "sga", "P10"),
    ("7260", "旅費交通費", "sga", "P10"),
    ("7270", "通信費", "sga", "P10"),
    ("7280", "水道光熱費", "sga", "P10"),
    ("7290", "消耗品費", "sga", "P10"),
    ("7310", "事務用品費", "sga", "P10"),
    ("7320", "修繕費", "sga", "P10"),
    ("7330", "地代家賃", "sga", "P10"),
    ("7340", "賃借料", "sga", "P10"),
    ("7350", "リース料", "sga", "P10"),
    ("7360", "保険料", "sga", "PNT"),
    ("7370", "租税公課", "sga", "NT"),
    ("7380", "支払手数料", "sga", "P10"),
    ("7390", "支払報酬", "sga", "P10"),
    ("7395", "外注費", "sga", "P10"),
    ("7410", "減価償却費", "sga", "OUT"),
    ("7420", "新聞図書費", "sga", "P10"),
    ("7430", "諸会費", "sga", "NT"),
    ("7440", "研修費", "sga", "P10"),
    ("7450", "車両費", "sga", "P10"),
    ("7460", "寄付金", "sga", "NT"),
    ("7470", "貸倒引当金繰入額", "sga", "OUT"),
    ("7475", "貸倒損失", "sga", "OUT"),
    ("7480", "雑費", "sga", "P10"),
    # 営業外
    ("8110", "受取利息", "non_operating_income", "SNT"),
    ("8120", "受取配当金", "non_operating_income", "NT"),
    ("8130", "雑収入", "non_operating_income", "S10"),
    ("8140", "為替差益", "non_operating_income", "OUT"),
    ("8210", "支払利息", "non_operating_expense", "PNT"),
    ("8220", "雑損失", "non_operating_expense", "OUT"),
    ("8230", "為替差損", "non_operating_expense", "OUT"),
    # 特別損益・税金
    ("9110", "固定資産売却益", "extraordinary_income", "OUT"),
    ("9210", "固定資産売却損", "extraordinary_loss", "OUT"),
    ("9220", "固定資産除却損", "extraordinary_loss", "OUT"),
    ("9310", "法人税、住民税及び事業税", "income_taxes", "OUT"),
    ("9320", "法人税等調整額", "income_taxes", "OUT"),
]

# code, name, kind, treatment, reduced, unregistered
TAX_CODES: list[tuple[str, str, str, str, bool, bool]] = [
    ("S10", "課税売上10%", "sales", "taxable", False, False),
    ("S08", "課税売上8%(軽減)", "sales", "taxable", True, False),
    ("SNT", "非課税売上", "sales", "non_taxable", False, False),
    ("SEX", "輸出免税売上", "sales", "export_exempt", False, False),
    ("P10", "課税仕入10%", "purchase", "taxable", False, False),
    ("P08", "課税仕入8%(軽減)", "purchase", "taxable", True, False),
    ("P10U", "課税仕入10%(適格請求書なし・経過措置)", "purchase", "taxable", False, True),
    ("P08U", "課税仕入8%(軽減・適格請求書なし・経過措置)", "purchase", "taxable", True, True),
    ("P10C", "共通対応課税仕入10%", "purchase", "taxable", False, False),
    ("P08C", "共通対応課税仕入8%(軽減)", "purchase", "taxable", True, False),
    ("P10N", "非課税売上対応課税仕入10%", "purchase", "taxable", False, False),
    ("P08N", "非課税売上対応課税仕入8%(軽減)", "purchase", "taxable", True, False),
    ("PI10", "輸入仕入10%(輸入消費税)", "purchase", "taxable", False, False),
    ("SR10", "課税売上返還10%(値引・返品)", "sales", "taxable", False, False),
    ("SR08", "課税売上返還8%(軽減・値引・返品)", "sales", "taxable", True, False),
    ("PR10", "課税仕入返還10%(値引・返品)", "purchase", "taxable", False, False),
    ("PR08", "課税仕入返還8%(軽減・値引・返品)", "purchase", "taxable", True, False),
    ("PNT", "非課税仕入", "purchase", "non_taxable", False, False),
    ("NT", "不課税", "none", "not_subject", False, False),
    ("OUT", "対象外", "none", "out_of_scope", False, False),
]

START = dt.date(2019, 10, 1)  # 10% / 8% (軽減) since 2019-10-01

# Attributes the tax return needs (added with migration 0005; the 0002 seed predates them).
# code -> (個別対応の用途区分, 対価の返還等, 輸入)
TAX_CODE_ATTRIBUTES: dict[str, tuple[str, bool, bool]] = {
    "P10": ("taxable_sales", False, False),
    "P08": ("taxable_sales", False, False),
    "P10U": ("taxable_sales", False, False),
    "P08U": ("taxable_sales", False, False),
    "P10C": ("common", False, False),
    "P08C": ("common", False, False),
    "P10N": ("non_taxable_sales", False, False),
    "P08N": ("non_taxable_sales", False, False),
    "PI10": ("taxable_sales", False, True),
    "SR10": ("", True, False),
    "SR08": ("", True, False),
    "PR10": ("taxable_sales", True, False),
    "PR08": ("taxable_sales", True, False),
}
# A registered purchase code and the code used when the supplier is not registered (経過措置).
UNREGISTERED_CODE = {
    "P10": "P10U",
    "P08": "P08U",
    "P10C": "P10U",
    "P08C": "P08U",
    "P10N": "P10U",
    "P08N": "P08U",
}
# Accounts whose balance sits on the opposite side of their category (評価勘定・控除項目).
CONTRA_ACCOUNTS = (
    "貸倒引当金",
    "減価償却累計額",
    "自己株式",
    "売上値引高",
    "売上戻り高",
    "仕入値引高",
)
INVOICE_START = dt.date(2023, 10, 1)  # インボイス制度

# Transitional deductible ratio for purchases without a qualified invoice (facts.md §1.6).
TRANSITIONAL_RATIOS: list[tuple[dt.date, Decimal]] = [
    (INVOICE_START, Decimal("0.80")),
    (dt.date(2026, 10, 1), Decimal("0.70")),
    (dt.date(2028, 10, 1), Decimal("0.50")),
    (dt.date(2030, 10, 1), Decimal("0.30")),
    (dt.date(2031, 10, 1), Decimal("0")),
]


def tax_rate_rows() -> list[tuple[str, dt.date, Decimal, Decimal]]:
    """(tax code, valid from, rate, deductible ratio) for every seeded tax code."""
    rows: list[tuple[str, dt.date, Decimal, Decimal]] = []
    for code, _name, _kind, treatment, reduced, unregistered in TAX_CODES:
        rate = Decimal("0.08") if reduced else Decimal("0.10")
        if treatment != "taxable":
            rows.append((code, START, Decimal("0"), Decimal("1")))
        elif unregistered:
            for valid_from, ratio in TRANSITIONAL_RATIOS:
                rows.append((code, valid_from, rate, ratio))
        else:
            rows.append((code, START, rate, Decimal("1")))
    return rows


# Sub-accounts (補助科目) seeded with the chart.
SUB_ACCOUNTS: list[tuple[str, str, str]] = [
    ("1140", "01", "三菱UFJ銀行 渋谷支店"),
    ("1140", "02", "みずほ銀行 本店"),
    ("1130", "01", "三菱UFJ銀行 渋谷支店"),
    ("3150", "01", "法人カード"),
    ("3210", "01", "源泉所得税"),
    ("3210", "02", "住民税"),
    ("3210", "03", "社会保険料"),
]


def seed_chart(apps_or_models: dict[str, Any]) -> int:
    """Create the seeded tax codes, rates, accounts and sub-accounts that are missing.

    Takes the model classes by name so the data migration can pass historical models.
    """
    tax_model = apps_or_models["TaxCode"]
    rate_model = apps_or_models["TaxRate"]
    account_model = apps_or_models["Account"]
    sub_model = apps_or_models["SubAccount"]
    taxes = {}
    for order, (code, name, kind, treatment, reduced, unregistered) in enumerate(TAX_CODES):
        taxes[code], _ = tax_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "treatment": treatment,
                "reduced": reduced,
                "requires_unregistered": unregistered,
                "sort_order": order,
            },
        )
    for code, valid_from, rate, ratio in tax_rate_rows():
        rate_model.objects.get_or_create(
            tax_code=taxes[code],
            valid_from=valid_from,
            defaults={"rate": rate, "deductible_ratio": ratio},
        )
    created = 0
    accounts = {}
    for code, name, section, tax in ACCOUNTS:
        category = SECTION_CATEGORY[section]
        contra = name in CONTRA_ACCOUNTS
        debit_normal = category in (A, X)
        if contra:
            debit_normal = not debit_normal
        if name.startswith("期末") and name.endswith("棚卸高"):
            debit_normal = False
        accounts[code], was_created = account_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "section": section,
                "normal_side": "debit" if debit_normal else "credit",
                "default_tax_code": taxes.get(tax) if tax else None,
            },
        )
        created += int(was_created)
    for account_code, code, name in SUB_ACCOUNTS:
        sub_model.objects.get_or_create(account=accounts[account_code], code=code, name=name)
    return created


def seed_tax_attributes(tax_model: Any) -> None:
    """Set the tax-return attributes (用途区分, 返還, 輸入) of the seeded tax codes."""
    for code, (purpose, is_return, is_import) in TAX_CODE_ATTRIBUTES.items():
        tax_model.objects.filter(code=code).update(
            purpose=purpose, is_return=is_return, is_import=is_import
        )


def chart_ensure_seeded() -> int:
    """Seed the standard chart and tax codes into an empty ledger (idempotent; 0 when present).

    The data migration seeds a new database; this covers a database whose ledger tables were
    emptied afterwards (`manage.py flush`, transactional tests) before the demo or tests use them.
    """
    from urakata.ledger.models import Account, SubAccount, TaxCode, TaxRate

    if Account.objects.exists():
        return 0
    created = seed_chart(
        {"TaxCode": TaxCode, "TaxRate": TaxRate, "Account": Account, "SubAccount": SubAccount}
    )
    seed_tax_attributes(TaxCode)
    return created

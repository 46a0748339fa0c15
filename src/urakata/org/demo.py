"""Demo data for the org master: 株式会社みどり精工, six departments, ~60 people, 30 取引先."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from stdnum.jp import cn as corporate_number_std

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org import services
from urakata.org.models import Department, Employee, Position

DEMO_PASSWORD = "urakata-demo"  # noqa: S105 - the published demo password

LAST_NAMES = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
]
FIRST_NAMES = [
    ("翔太", "ショウタ"),
    ("美咲", "ミサキ"),
    ("大輔", "ダイスケ"),
    ("陽菜", "ヒナ"),
    ("健一", "ケンイチ"),
    ("さくら", "サクラ"),
    ("拓也", "タクヤ"),
    ("葵", "アオイ"),
    ("直樹", "ナオキ"),
    ("結衣", "ユイ"),
    ("悠斗", "ユウト"),
    ("彩", "アヤ"),
    ("和也", "カズヤ"),
    ("真由美", "マユミ"),
    ("誠", "マコト"),
    ("優子", "ユウコ"),
    ("浩二", "コウジ"),
    ("愛", "アイ"),
    ("隆", "タカシ"),
    ("菜々子", "ナナコ"),
]
DEPARTMENTS: list[tuple[str, str, int, Role | None]] = [
    # code, name, head count, role given to its members
    ("D100", "経営企画部", 5, Role.EXECUTIVE),
    ("D200", "総務部", 8, Role.GENERAL_AFFAIRS),
    ("D300", "人事部", 7, Role.HR),
    ("D400", "経理部", 8, Role.ACCOUNTING),
    ("D500", "営業部", 17, None),
    ("D600", "開発部", 15, None),
]
POSITIONS = [
    ("P90", "代表取締役", 90),
    ("P70", "部長", 70),
    ("P50", "課長", 50),
    ("P30", "主任", 30),
    ("P10", "一般", 10),
]
COUNTERPARTY_NAMES = [
    ("株式会社青葉商事", "アオバショウジ"),
    ("東和電機株式会社", "トウワデンキ"),
    ("株式会社さくらシステム", "サクラシステム"),
    ("北斗物流株式会社", "ホクトブツリュウ"),
    ("株式会社丸山製作所", "マルヤマセイサクショ"),
    ("ひかり印刷株式会社", "ヒカリインサツ"),
    ("株式会社大和建設", "ヤマトケンセツ"),
    ("株式会社みなと食品", "ミナトショクヒン"),
    ("朝日オフィス株式会社", "アサヒオフィス"),
    ("株式会社富士テック", "フジテック"),
    ("株式会社松風", "マツカゼ"),
    ("中央通信株式会社", "チュウオウツウシン"),
    ("株式会社ことぶき不動産", "コトブキフドウサン"),
    ("株式会社白鷺ソフト", "シラサギソフト"),
    ("株式会社いろは商会", "イロハショウカイ"),
    ("株式会社北辰精機", "ホクシンセイキ"),
    ("株式会社菊水化学", "キクスイカガク"),
    ("瀬戸内海運株式会社", "セトウチカイウン"),
    ("株式会社つばさ旅行", "ツバサリョコウ"),
    ("株式会社若葉会計事務所", "ワカバカイケイジムショ"),
    ("株式会社銀河デザイン", "ギンガデザイン"),
    ("株式会社けやき法律事務所", "ケヤキホウリツジムショ"),
    ("株式会社紅葉工業", "モミジコウギョウ"),
    ("株式会社ひまわり保険", "ヒマワリホケン"),
    ("株式会社東雲エネルギー", "シノノメエネルギー"),
    ("株式会社雪国ファーム", "ユキグニファーム"),
    ("株式会社虹色広告", "ニジイロコウコク"),
    ("株式会社森のカフェ", "モリノカフェ"),
    ("株式会社双葉リース", "フタバリース"),
    ("株式会社桜井清掃", "サクライセイソウ"),
]
BANKS = [
    ("0001", "みずほ銀行"),
    ("0005", "三菱UFJ銀行"),
    ("0009", "三井住友銀行"),
    ("0010", "りそな銀行"),
]


def corporate_number(rng: random.Random) -> str:
    """A 法人番号 with a correct check digit (fictional)."""
    base = f"{rng.randrange(10**11, 10**12):012d}"
    return corporate_number_std.calc_check_digit(base) + base


def _group(role: Role) -> Group:
    return Group.objects.get_or_create(name=role.value)[0]


def _login(employee: Employee, username: str, roles: list[Role]) -> None:
    user = employee.user
    assert user is not None
    user.username = username
    user.set_password(DEMO_PASSWORD)
    user.save()
    for role in roles:
        user.groups.add(_group(role))


def _company(actor: Any) -> None:
    services.company_update(
        actor=actor,
        data={
            "name": "株式会社みどり精工",
            "name_kana": "ミドリセイコウ",
            "corporate_number": "7123456789012",
            "registration_number": "T7123456789012",
            "fiscal_year_start_month": 4,
            "postal_code": "150-0002",
            "address": "東京都渋谷区渋谷2-1-1 みどりビル5F",
            "phone": "03-1234-5678",
            "representative": "代表取締役 緑川 一郎",
            "bank_code": "0005",
            "bank_name": "三菱UFJ銀行",
            "branch_code": "135",
            "branch_name": "渋谷支店",
            "account_type": "1",
            "account_number": "1234567",
            "account_holder_kana": "カ)ミドリセイコウ",
        },
    )


def _structure(actor: Any) -> tuple[dict[str, Position], Department, dict[str, Department]]:
    """Positions, 本社 and its departments (営業部 with its two sections)."""
    positions = {
        code: services.position_create(actor=actor, code=code, name=name, rank=rank)
        for code, name, rank in POSITIONS
    }
    root = services.department_create(
        actor=actor, data={"code": "D000", "name": "本社", "sort_order": 0}
    )
    departments: dict[str, Department] = {}
    for index, (code, name, _size, _role) in enumerate(DEPARTMENTS, start=1):
        departments[code] = services.department_create(
            actor=actor, data={"code": code, "name": name, "parent": root, "sort_order": index}
        )
    sales = departments["D500"]
    for index, (code, name) in enumerate(
        [("D510", "東日本営業課"), ("D520", "西日本営業課")], start=1
    ):
        departments[code] = services.department_create(
            actor=actor,
            data={"code": code, "name": name, "parent": sales, "sort_order": 50 + index},
        )
    return positions, root, departments


def _position(positions: dict[str, Position], dept_code: str, i: int) -> Position:
    """The i-th member of a department: head, deputy, two seniors, then staff."""
    if i == 0:
        position = positions["P90"] if dept_code == "D100" else positions["P70"]
    elif i == 1:
        position = positions["P50"]
    elif i < 4:
        position = positions["P30"]
    else:
        position = positions["P10"]
    return position


def _head(
    actor: Any,
    employee: Employee,
    dept_code: str,
    role: Role | None,
    departments: dict[str, Department],
    root: Department,
) -> Employee | None:
    """Make the department's first member its head, with a login; the president if D100."""
    services.department_update(
        actor=actor, department=departments[dept_code], data={"manager": employee}
    )
    if dept_code == "D100":
        services.department_update(actor=actor, department=root, data={"manager": employee})
        _login(employee, "president", [Role.EXECUTIVE, Role.MANAGER])
        return employee
    _login(
        employee,
        f"manager_{dept_code.lower()}",
        [Role.MANAGER] + ([role] if role else []),
    )
    return None


def _people(
    actor: Any,
    today: dt.date,
    rng: random.Random,
    positions: dict[str, Position],
    root: Department,
    departments: dict[str, Department],
) -> None:
    """~60 employees, each department headed by its first member (with a login)."""
    number = 0
    president = None
    people: list[tuple[str, int, Role | None]] = [
        (code, size, role) for code, _name, size, role in DEPARTMENTS
    ]
    for dept_code, size, role in people:
        head = None
        for i in range(size):
            number += 1
            last, last_kana = LAST_NAMES[(number * 7) % len(LAST_NAMES)]
            first, first_kana = FIRST_NAMES[(number * 3) % len(FIRST_NAMES)]
            position = _position(positions, dept_code, i)
            department = departments[dept_code]
            if dept_code == "D500" and i >= 2:
                department = departments["D510" if i % 2 else "D520"]
            years = rng.randint(0, 20) if i else rng.randint(10, 25)
            hire = dt.date(today.year - years, 4, 1)
            if i >= size - 2:  # recent joiners: the last year of activity
                hire = today - dt.timedelta(days=rng.randint(10, 330))
            code = f"E{number:04d}"
            employee = services.employee_create(
                actor=actor,
                data={
                    "code": code,
                    "last_name": last,
                    "first_name": first,
                    "last_name_kana": last_kana,
                    "first_name_kana": first_kana,
                    "email": f"{code.lower()}@midori-seiko.example.jp",
                    "department": department,
                    "position": position,
                    "manager": president if head is None else head,
                    "employment_type": Employee.EmploymentType.EXECUTIVE
                    if position.code == "P90"
                    else (
                        Employee.EmploymentType.CONTRACT
                        if i % 9 == 8
                        else Employee.EmploymentType.REGULAR
                    ),
                    "hire_date": hire,
                    "status": Employee.Status.ON_LEAVE if number == 33 else Employee.Status.ACTIVE,
                },
            )
            if head is None:
                head = employee
                president = _head(actor, employee, dept_code, role, departments, root) or president
            elif i == 1 and role is not None:
                _login(employee, role.value, [role])


def _special_logins(
    actor: Any, today: dt.date, positions: dict[str, Position], departments: dict[str, Department]
) -> None:
    # Retired people keep their history.
    retired = Employee.objects.filter(department=departments["D600"]).order_by("-code").first()
    if retired is not None:
        services.employee_update(
            actor=actor,
            employee=retired,
            data={"status": Employee.Status.RETIRED, "retire_date": today - dt.timedelta(days=40)},
        )
    # One plain employee, one manager, an auditor, an AI operator and the administrator.
    sales_rep = Employee.objects.filter(
        department=departments["D510"], position=positions["P10"]
    ).first()
    assert sales_rep is not None
    _login(sales_rep, "employee", [])
    manager = Department.objects.get(code="D500").manager
    assert manager is not None and manager.user is not None
    manager.user.username = "manager"
    manager.user.save(update_fields=["username"])
    auditor = Employee.objects.filter(
        department=departments["D100"], position=positions["P10"]
    ).first()
    assert auditor is not None
    _login(auditor, "auditor", [Role.AUDITOR])
    ai_operator = Employee.objects.filter(
        department=departments["D200"], position=positions["P10"]
    ).first()
    assert ai_operator is not None
    _login(ai_operator, "ai_operator", [Role.AI_OPERATOR])
    admin = get_user_model().objects.create_superuser(
        "admin", "admin@midori-seiko.example.jp", DEMO_PASSWORD
    )
    admin.groups.add(_group(Role.ADMIN))


def _counterparties(actor: Any, rng: random.Random) -> None:
    for index, (name, kana) in enumerate(COUNTERPARTY_NAMES, start=1):
        number_ = corporate_number(rng)
        bank_code, bank_name = BANKS[index % len(BANKS)]
        services.counterparty_create(
            actor=actor,
            data={
                "code": f"C{index:04d}",
                "name": name,
                "name_kana": kana,
                "corporate_number": number_,
                "registration_number": "" if index % 10 == 0 else f"T{number_}",
                "is_customer": index % 3 != 0,
                "is_supplier": index % 3 != 1,
                "postal_code": f"{100 + index:03d}-{1000 + index * 37 % 9000:04d}",
                "address": f"東京都千代田区丸の内{index % 3 + 1}-{index}-1",
                "phone": f"03-{5000 + index:04d}-{1000 + index * 13:04d}",
                "bank_code": bank_code,
                "bank_name": bank_name,
                "branch_code": f"{100 + index:03d}",
                "branch_name": "本店営業部",
                "account_type": "1",
                "account_number": f"{1000000 + index * 7919:07d}",
                "account_holder_kana": kana,
            },
        )


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """Create the company, departments, positions, ~60 employees with logins, 30 counterparties."""
    actor = SYSTEM if actor is None else actor  # the demo command runs as the system
    _company(actor)
    for each_role in Role:
        _group(each_role)
    positions, root, departments = _structure(actor)
    _people(actor, today, rng, positions, root, departments)
    _special_logins(actor, today, positions, departments)
    _counterparties(actor, rng)
    return {"employees": Employee.objects.count(), "departments": Department.objects.count()}

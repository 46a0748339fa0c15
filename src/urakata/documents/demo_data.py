"""Demo documents: several hundred across types and departments, some with a second version,
confidential minutes, and scanned receipts linked to the demo journal entries.

A dozen template files are stored once (content-addressed) and shared by the rows; documents,
versions, index terms and their audit events are bulk-inserted, so the seeder takes a second or two.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter
from typing import Any

from urakata.core.audit import audit_record_many
from urakata.core.files import generated_file, sniff, stored_file_save
from urakata.core.models import StoredFile
from urakata.documents import extract, index, retention
from urakata.documents.models import Capture, DocType, Document, DocumentTerm, DocumentVersion, Tag

PER_TYPE = 40
TEXTS = {
    DocType.CONTRACT: (
        "業務委託契約書",
        "業務委託契約書\n委託業務の内容: 保守点検\n契約期間: 1年間 自動更新\n委託料 月額",
    ),
    DocType.QUOTATION: ("見積書", "御見積書\n品名: 精密部品加工\n数量 100\n有効期限 30日"),
    DocType.PURCHASE_ORDER: (
        "注文書",
        "注文書\n下記の通り発注いたします\n納期 翌月末\n支払条件 月末締め翌月末払い",
    ),
    DocType.DELIVERY_NOTE: ("納品書", "納品書\n下記の通り納品いたしました\n検収をお願いします"),
    DocType.INVOICE: (
        "請求書",
        "請求書\n適格請求書発行事業者 登録番号\n10%対象 消費税\n振込先 普通預金",
    ),
    DocType.RECEIPT: ("領収書", "領収書\n但し 品代として\n上記正に領収いたしました"),
    DocType.REGULATION: (
        "規程",
        "就業規則\n第1条 目的\n第2条 適用範囲\n電子取引データの訂正及び削除の防止に関する事務処理規程",
    ),
    DocType.MINUTES: ("議事録", "取締役会議事録\n議案 新工場の建設\n賛成多数により可決"),
    DocType.OTHER: ("資料", "社内資料\n設備更新計画\n省エネルギー"),
}
AMOUNTS = {
    DocType.CONTRACT: (300_000, 5_000_000),
    DocType.QUOTATION: (20_000, 2_000_000),
    DocType.PURCHASE_ORDER: (20_000, 2_000_000),
    DocType.DELIVERY_NOTE: (20_000, 2_000_000),
    DocType.INVOICE: (11_000, 3_300_000),
    DocType.RECEIPT: (500, 80_000),
}
TAGS = ("重要", "2026年度", "要確認", "保守", "設備", "監査対応")
REASONS = ("金額の訂正", "取引先の差替え版", "押印済みの版に差替え", "誤字の訂正")


def _pdf(text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont("HeiseiKakuGo-W5", 12)
    for number, line in enumerate(text.splitlines()):
        pdf.drawString(72, 770 - 18 * number, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _scan() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), (252, 250, 245))
    ImageDraw.Draw(image).rectangle((40, 40, 560, 200), outline=(200, 30, 30), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", dpi=(300, 300), quality=70)
    return buffer.getvalue()


def _store(actor: Any, name: str, content: bytes, purpose: str) -> StoredFile:
    checked = generated_file(name, content, sniff(content))
    return stored_file_save(actor=actor, checked=checked, purpose=purpose)


def _templates(actor: Any) -> dict[str, tuple[StoredFile, str, StoredFile, str]]:
    """Per type: (first file, its text, second-version file, its text)."""
    result: dict[str, tuple[StoredFile, str, StoredFile, str]] = {}
    for doc_type, (label, text) in TEXTS.items():
        first = _pdf(text)
        second_text = text + "\n(改訂版)"
        second = _pdf(second_text)
        result[doc_type] = (
            _store(actor, f"{label}.pdf", first, StoredFile.Purpose.ATTACHMENT),
            extract.extract_text(first, extract.PDF)[0],
            _store(actor, f"{label}_改訂.pdf", second, StoredFile.Purpose.ATTACHMENT),
            extract.extract_text(second, extract.PDF)[0],
        )
    return result


def _creators() -> dict[int | None, list[Any]]:
    from urakata.org.models import Employee

    by_department: dict[int | None, list[Any]] = {}
    for employee in Employee.objects.filter(user__isnull=False).select_related("user")[:500]:
        by_department.setdefault(employee.department_id, []).append(employee.user)
    return by_department


def _receipt_entries(limit: int) -> list[Any]:
    from urakata.ledger.models import JournalEntry

    return list(
        JournalEntry.objects.filter(source__in=["bank", "manual", "expense"], amount__gt=0)
        .order_by("date", "pk")
        .only("pk", "date", "amount", "description")[:limit]
    )


def seed_documents(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, int]:
    """Create the demo documents (idempotent: nothing is added when documents exist)."""
    from urakata.org.models import Counterparty, Department

    if Document.objects.exists():
        return {"documents": Document.objects.count()}
    templates = _templates(actor)
    scan_file = _store(actor, "領収書スキャン.jpg", _scan(), StoredFile.Purpose.EVIDENCE)
    parties = list(Counterparty.objects.order_by("code")[:40])
    departments: list[Any] = list(Department.objects.order_by("code")) or [None]
    creators = _creators()
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    plans: list[dict[str, Any]] = []
    for doc_type in TEXTS:
        for number in range(PER_TYPE):
            day = today - dt.timedelta(days=rng.randint(0, 730))
            low, high = AMOUNTS.get(doc_type, (0, 0))
            party = rng.choice(parties) if parties and doc_type in AMOUNTS else None
            department = rng.choice(departments)
            plans.append(
                {
                    "doc_type": doc_type,
                    "title": f"{party.name + ' ' if party else ''}{TEXTS[doc_type][0]} {number + 1:03d}",
                    "day": day,
                    "amount": rng.randint(low, high) // 100 * 100 if high else None,
                    "party": party,
                    "department": department,
                    "confidential": doc_type == DocType.MINUTES and rng.random() < 0.5,
                    "versions": 2 if rng.random() < 0.15 else 1,
                    "capture": Capture.ELECTRONIC,
                    "related": None,
                }
            )
    for entry in _receipt_entries(30):
        plans.append(
            {
                "doc_type": DocType.RECEIPT,
                "title": f"領収書(スキャン) {entry.description[:40]}",
                "day": entry.date,
                "amount": entry.amount,
                "party": None,
                "department": rng.choice(departments),
                "confidential": False,
                "versions": 1,
                "capture": Capture.SCAN,
                "related": ("ledger.journal_entry", entry.pk),
            }
        )
    return _insert(actor, plans, templates, scan_file, creators, tags, rng)


def _build(
    plans: list[dict[str, Any]],
    templates: dict[str, tuple[StoredFile, str, StoredFile, str]],
    creators: dict[int | None, list[Any]],
    rng: random.Random,
) -> list[Document]:
    """Unsaved documents with their text and index terms (terms cached per distinct text)."""
    term_cache: dict[str, Counter[str]] = {}

    def terms(text: str) -> Counter[str]:
        if text not in term_cache:
            term_cache[text] = index.document_terms(text)
        return term_cache[text]

    documents: list[Document] = []
    for plan in plans:
        department = plan["department"]
        people = creators.get(department.pk if department else None) or [None]
        first_text = "" if plan["capture"] == Capture.SCAN else templates[plan["doc_type"]][1]
        last_text = first_text if plan["versions"] == 1 else templates[plan["doc_type"]][3]
        party = plan["party"]
        party_name = party.name if party else ""
        document = Document(
            title=plan["title"][:200],
            doc_type=plan["doc_type"],
            capture=plan["capture"],
            transaction_date=plan["day"],
            amount=plan["amount"],
            counterparty=party,
            registration_number=f"T{party.corporate_number}"
            if party and party.corporate_number
            else "",
            department=department,
            confidential=plan["confidential"],
            related_type=plan["related"][0] if plan["related"] else "",
            related_id=plan["related"][1] if plan["related"] else None,
            created_by=rng.choice(people),
            version_count=plan["versions"],
            retain_until=retention.retain_until(plan["day"]),
            body_text="\n".join(p for p in (plan["title"], party_name, last_text) if p),
        )
        counts = terms(plan["title"]) + terms(party_name) + terms(last_text)
        document.term_count = sum(counts.values())
        document._demo_terms = counts  # type: ignore[attr-defined]
        document._demo_texts = (first_text, last_text)  # type: ignore[attr-defined]
        documents.append(document)
    return documents


def _insert(
    actor: Any,
    plans: list[dict[str, Any]],
    templates: dict[str, tuple[StoredFile, str, StoredFile, str]],
    scan_file: StoredFile,
    creators: dict[int | None, list[Any]],
    tags: list[Tag],
    rng: random.Random,
) -> dict[str, int]:
    documents = _build(plans, templates, creators, rng)
    average = index.mean_length(documents)
    Document.objects.bulk_create(documents, batch_size=500)
    versions: list[DocumentVersion] = []
    term_rows: list[DocumentTerm] = []
    links = []
    for document in documents:
        versions.extend(_versions(document, templates, scan_file, rng))
        term_rows.extend(
            index.term_rows(document, document._demo_terms, average=average)  # type: ignore[attr-defined]
        )
        if rng.random() < 0.3:
            links.append(Document.tags.through(document_id=document.pk, tag_id=rng.choice(tags).pk))
    DocumentVersion.objects.bulk_create(versions, batch_size=500)
    DocumentTerm.objects.bulk_create(term_rows, batch_size=2000)
    Document.tags.through.objects.bulk_create(links, batch_size=500)
    audit_record_many(actor=actor, entries=_events(documents, versions))
    return {"documents": len(documents), "versions": len(versions)}


def _versions(
    document: Document,
    templates: dict[str, tuple[StoredFile, str, StoredFile, str]],
    scan_file: StoredFile,
    rng: random.Random,
) -> list[DocumentVersion]:
    first, _t1, second, _t2 = templates[document.doc_type]
    if document.capture == Capture.SCAN:
        first = scan_file
    texts = document._demo_texts  # type: ignore[attr-defined]
    scan = document.capture == Capture.SCAN
    versions = []
    for number in range(1, document.version_count + 1):
        stored = first if number == 1 else second
        versions.append(
            DocumentVersion(
                document=document,
                number=number,
                stored_file=stored,
                sha256=stored.sha256,
                reason="新規登録" if number == 1 else rng.choice(REASONS),
                created_by=document.created_by,
                text=texts[0] if number == 1 else texts[1],
                text_source="pdf" if stored.content_type == extract.PDF else "",
                scan_dpi=300 if scan else None,
                scan_colour="colour" if scan else "",
            )
        )
    return versions


def _events(documents: list[Document], versions: list[DocumentVersion]) -> Any:
    for document in documents:
        yield (
            "documents.document.create",
            document,
            {
                "title": [None, document.title],
                "doc_type": [None, document.doc_type],
                "transaction_date": [None, document.transaction_date],
                "amount": [None, document.amount],
                "counterparty": [None, document.counterparty_id],
                "retain_until": [None, document.retain_until],
            },
        )
    for version in versions:
        yield (
            "documents.version.add",
            version,
            {
                "document": [None, version.document_id],
                "number": [None, version.number],
                "file": [None, version.stored_file.name],
                "sha256": [None, version.sha256],
                "reason": [None, version.reason],
            },
        )

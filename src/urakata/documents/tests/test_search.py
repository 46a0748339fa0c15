"""電帳法 search = a plain filter (property test); full-text ranking and snippets; access scope."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urakata.core.permissions import SYSTEM
from urakata.documents import selectors
from urakata.documents.models import Document
from urakata.documents.tests.factories import file_document, pdf_bytes
from urakata.org.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db

START = dt.date(2025, 1, 1)


@pytest.fixture
def generated() -> list[Document]:
    """60 documents with random keys (some without date, amount or counterparty)."""
    rng = random.Random(11)
    parties = [CounterpartyFactory(name=name) for name in ("国税商事", "日本物産", "東京電機")]
    rows = []
    for number in range(60):
        rows.append(
            Document(
                title=f"文書{number}",
                doc_type=rng.choice(["invoice", "receipt", "quotation"]),
                transaction_date=None
                if rng.random() < 0.1
                else START + dt.timedelta(rng.randint(0, 500)),
                amount=None if rng.random() < 0.1 else rng.randint(0, 2_000_000),
                counterparty=None if rng.random() < 0.1 else rng.choice(parties),
            )
        )
    return Document.objects.bulk_create(rows)


def _plain(documents: list[Document], f: selectors.DocumentFilters) -> set[int]:
    def keep(d: Document) -> bool:
        day, amount = d.transaction_date, d.amount
        if f.date_from and (day is None or day < f.date_from):
            return False
        if f.date_to and (day is None or day > f.date_to):
            return False
        if f.amount_min is not None and (amount is None or amount < f.amount_min):
            return False
        if f.amount_max is not None and (amount is None or amount > f.amount_max):
            return False
        return not (f.counterparty_id and d.counterparty_id != f.counterparty_id)

    return {d.pk for d in documents if keep(d)}


days = st.one_of(st.none(), st.integers(-10, 510).map(lambda n: START + dt.timedelta(n)))
amounts = st.one_of(st.none(), st.integers(0, 2_100_000))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    date_from=days, date_to=days, amount_min=amounts, amount_max=amounts, party=st.integers(0, 3)
)
def test_search_equals_plain_filter(
    generated: list[Document],
    date_from: dt.date | None,
    date_to: dt.date | None,
    amount_min: int | None,
    amount_max: int | None,
    party: int,
) -> None:
    parties = sorted({d.counterparty_id for d in generated if d.counterparty_id})
    query: dict[str, Any] = {
        "date_from": date_from.isoformat() if date_from else "",
        "date_to": date_to.isoformat() if date_to else "",
        "amount_min": "" if amount_min is None else str(amount_min),
        "amount_max": "" if amount_max is None else str(amount_max),
        "counterparty_id": str(parties[party - 1]) if party else "",
    }
    filters = selectors.document_filters(query)
    result = selectors.document_search(actor=SYSTEM, filters=filters, limit=1000)
    assert {d.pk for d in result.documents} == _plain(generated, filters)
    assert result.count == len(result.documents)


def test_counterparty_name_and_bad_input() -> None:
    partner = CounterpartyFactory(name="株式会社国税商事", code="K001")
    mine = file_document(counterparty_id=partner.pk)
    file_document()
    for text in ("国税", "K001"):
        found = selectors.document_search(
            actor=SYSTEM, filters=selectors.document_filters({"counterparty": text})
        )
        assert [d.pk for d in found.documents] == [mine.pk]
    filters = selectors.document_filters({"date_from": "2026-13-01", "amount_min": "-5"})
    assert set(filters.errors) == {"date_from", "amount_min"}


def test_full_text_is_ranked_with_snippets() -> None:
    strong = file_document(
        title="業務委託契約書",
        doc_type="contract",
        content=pdf_bytes("業務委託契約\n業務委託の範囲\n委託料"),
    )
    weak = file_document(title="見積書", content=pdf_bytes("清掃業務の見積\n委託ではない"))
    file_document(title="領収書", doc_type="receipt", content=pdf_bytes("タクシー代"))
    result = selectors.document_search(
        actor=SYSTEM, filters=selectors.document_filters({"q": "業務委託"})
    )
    ids = [d.pk for d in result.documents]
    assert ids[0] == strong.pk and weak.pk in ids and len(ids) == 2
    assert "<mark>業務委託</mark>" in result.snippets[strong.pk]
    combined = selectors.document_search(
        actor=SYSTEM, filters=selectors.document_filters({"q": "業務委託", "doc_type": "quotation"})
    )
    assert [d.pk for d in combined.documents] == [weak.pk]


def test_snippet_escapes_html() -> None:
    document = file_document(title="<script>契約</script>", content=pdf_bytes("x"))
    result = selectors.document_search(
        actor=SYSTEM, filters=selectors.document_filters({"q": "契約"})
    )
    snippet = result.snippets[document.pk]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_ranking_pages_and_counts_in_the_database() -> None:
    """Scores are Σ idf × impact, best first (a tie by the newer id); the count is of every
    matching document on any page, also past the last one."""
    from urakata.documents import index

    texts = ["点検 点検 点検 報告", "点検 報告", "点検", "報告のみ", "無関係"]
    made = [file_document(title=f"文書{n}", content=pdf_bytes(t)) for n, t in enumerate(texts)]
    candidates = Document.objects.all()
    first, count = index.rank("点検", candidates, limit=2)
    assert count == 3 and [h.document_id for h in first] == [made[0].pk, made[2].pk]
    assert first[0].score > first[1].score > 0
    rest, again = index.rank("点検", candidates, offset=2, limit=2)
    assert again == 3 and [h.document_id for h in rest] == [made[1].pk]
    past, after = index.rank("点検", candidates, offset=10, limit=2)
    assert past == [] and after == 3
    both, total = index.rank("点検 報告", candidates, limit=10)
    assert total == 4 and both[0].document_id == made[0].pk
    narrow, narrowed = index.rank(
        "点検", candidates.filter(pk__in=[made[1].pk, made[4].pk]), narrow=True
    )
    assert narrowed == 1 and [h.document_id for h in narrow] == [made[1].pk]

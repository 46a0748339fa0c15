"""Japanese wording: SudachiPy normalised forms and the domain synonym dictionary, in indexing
and in questions, so everyday words find the article that uses the formal one."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.assistant import selectors
from urakata.assistant.synonyms import SynonymDictionary, synonyms
from urakata.assistant.tests.factories import make_source
from urakata.assistant.text import index_terms, query_terms, query_weights
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db

GROUPS = [
    (["有休", "有給", "年休", "年次有給休暇", "有給休暇"], "≡年次有給休暇"),
    (["半休", "半日"], "≡半日"),
    (["レシート", "領収書"], "≡領収書"),
    (["PC", "ＰＣ", "パソコン", "ノートPC"], "≡パソコン"),
    (["交通費", "旅費", "電車代"], "≡旅費"),
    (["リモート", "在宅", "テレワーク", "リモートワーク"], "≡在宅勤務"),
]


@pytest.mark.parametrize(("variants", "term"), GROUPS)
def test_every_variant_of_a_group_asks_for_the_same_term(variants: list[str], term: str) -> None:
    for variant in variants:
        assert term in query_terms(f"{variant}の規定を知りたい"), variant
        assert term in index_terms(f"{variant}について定める。"), variant


def test_group_term_replaces_the_words_it_spans_in_a_question() -> None:
    weights = query_weights("年次有給休暇の申請")
    assert weights["≡年次有給休暇"] == 1.0
    assert "有給" not in weights and "休暇" not in weights  # absorbed into the group term
    # the index keeps the words as well, so a question with only 「休暇」 still finds it
    assert {"休暇", "≡年次有給休暇"} <= set(index_terms("年次有給休暇の申請"))


def test_verbs_weigh_less_than_nouns_and_question_words_are_dropped() -> None:
    weights = query_weights("パスワードはいくらで変える?")
    assert weights["変える"] == 0.5 and weights["≡パスワード"] == 1.0
    assert "幾ら" not in weights


def test_dictionary_file_parses_comments_and_short_variants(tmp_path: Any) -> None:
    path = tmp_path / "syn.txt"
    path.write_text("# comment\n\n出張手当/日当/x  # one-letter variants are ignored\n")
    dictionary = SynonymDictionary.load(path)
    assert dictionary.groups == [["出張手当", "日当"]]
    assert [m.term for m in dictionary.find("日当は?")] == ["≡出張手当"]
    assert len(synonyms().groups) >= 40  # the repository's dictionary


POLICY = """# 休暇規程

## 第3条(年次有給休暇の申請)

年次有給休暇を取得するときは、取得日の3営業日前までに勤怠システムで申請する。

## 第8条(育児休業)

育児休業の申請は休業開始予定日の1か月前までに人事部へ行う。

# 経費精算規程

## 第3条(領収書)

申請には領収書の原本を添付する。
"""


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("有休って何日前までに申請すればいい?", "第3条(年次有給休暇の申請)"),
        ("年休の申請はいつまで?", "第3条(年次有給休暇の申請)"),
        ("レシートは必要?", "第3条(領収書)"),
    ],
)
def test_colloquial_questions_find_the_formal_article(
    make_user: Any, question: str, heading: str
) -> None:
    make_source(title="社内規程集", body=POLICY)
    retrieval = selectors.kb_retrieve(actor=make_user(Role.EMPLOYEE), question=question)
    assert retrieval.hits[0].chunk.heading.endswith(heading)
    assert retrieval.found and retrieval.features["coverage"] > 0.4


def test_reindex_rewrites_every_chunk_and_is_audited(make_user: Any) -> None:
    from urakata.assistant import services
    from urakata.assistant.models import KnowledgeChunk
    from urakata.core.models import AuditEvent

    source = make_source(title="休暇規程", body=POLICY)
    KnowledgeChunk.objects.filter(source=source).update(term_freqs={}, length=0)
    assert services.knowledge_reindex(actor=SYSTEM) == 1
    chunk = KnowledgeChunk.objects.filter(source=source).order_by("ordinal").first()
    assert chunk is not None and "≡年次有給休暇" in chunk.term_freqs
    assert AuditEvent.objects.filter(action="assistant.knowledge.reindex").count() == 1

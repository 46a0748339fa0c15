"""Factories for assistant tests: knowledge sources go through the service so chunks exist."""

from __future__ import annotations

from typing import Any

import factory

from urakata.assistant import services
from urakata.assistant.models import Inquiry, KnowledgeSource
from urakata.core.permissions import SYSTEM
from urakata.org.tests.factories import UserFactory


def make_source(
    *,
    title: str = "規程",
    body: str = "本文",
    kind: str = KnowledgeSource.Kind.POLICY,
    audience: str = "all",
    question: str = "",
    desk: str = "",
    slug: str = "",
) -> KnowledgeSource:
    """A knowledge source created (and indexed) by the real service."""
    return services.knowledge_source_create(
        actor=SYSTEM,
        data={
            "kind": kind,
            "title": title,
            "body": body,
            "audience": audience,
            "question": question,
            "desk": desk,
            "slug": slug,
        },
    )


def make_faq(question: str, answer: str, **kwargs: Any) -> KnowledgeSource:
    return make_source(
        kind=KnowledgeSource.Kind.FAQ, title=question, question=question, body=answer, **kwargs
    )


class InquiryFactory(factory.django.DjangoModelFactory[Inquiry]):
    class Meta:
        model = Inquiry

    asked_by = factory.SubFactory(UserFactory)
    question = factory.Sequence(lambda n: f"質問{n}について教えてください")
    desk = Inquiry._meta.get_field("desk").choices[0][0]  # type: ignore[index]

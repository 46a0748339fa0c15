"""Inquiry pages write people family name first (姓 名); English mode shows English texts."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from urakata.assistant.tests.factories import InquiryFactory
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_inquiry_pages_show_family_name_first(client_for: Any) -> None:
    asker = UserFactory(first_name="Hanako", last_name="Yamada")
    EmployeeFactory(user=asker, last_name="山田", first_name="花子")
    no_employee = UserFactory(first_name="一郎", last_name="鈴木")
    inquiry = InquiryFactory(asked_by=asker)
    InquiryFactory(asked_by=no_employee)
    client = client_for(Role.AI_OPERATOR)
    detail = client.get(f"/assistant/inquiries/{inquiry.pk}/").content.decode()
    assert "山田 花子" in detail and "Hanako" not in detail
    listing = client.get("/assistant/inquiries/").content.decode()
    assert "山田 花子" in listing and "鈴木 一郎" in listing and "一郎 鈴木" not in listing


def test_english_mode_shows_the_english_not_found_page(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/assistant/"})  # the language switch
    page = client.post("/assistant/ask/", {"question": "社員食堂の営業時間は?"}).content.decode()
    translation.activate(settings.LANGUAGE_CODE)
    assert "見つかりませんでした" not in page
    assert "Nothing in the knowledge base answers this" in page

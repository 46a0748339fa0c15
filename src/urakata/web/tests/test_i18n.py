"""English through Django i18n: Japanese is the source language, English comes from the catalog."""

from __future__ import annotations

import ast
import gettext
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from urakata.core.roles import Role

PACKAGE = Path(__file__).resolve().parents[2]
CATALOG = PACKAGE / "locale" / "en" / "LC_MESSAGES"


def _po_entries(path: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> msgstr of a .po file; the header and obsolete (#~) entries left out."""
    entries: dict[tuple[str | None, str], str] = {}
    entry: dict[str, str] = {}
    keyword = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():  # a blank line ends an entry
            if entry.get("msgid"):
                entries[(entry.get("msgctxt"), entry["msgid"])] = entry.get("msgstr", "")
            entry = {}
            continue
        if line.startswith("#"):
            continue
        if not line.startswith('"'):
            keyword, _, line = line.partition(" ")
            # A plural entry: its singular translation stands for the entry; the rest is ignored.
            keyword = {"msgstr[0]": "msgstr"}.get(keyword, keyword)
        entry[keyword] = entry.get(keyword, "") + ast.literal_eval(line.strip())
    return entries


def _plural_msgids(path: Path) -> set[str]:
    """msgids of the plural entries (gettext looks them up with ngettext)."""
    text = path.read_text(encoding="utf-8")
    return {
        ast.literal_eval(block.split("\n")[0])
        for block in text.split("\nmsgid ")[1:]
        if "\nmsgid_plural " in block.split("\n\n")[0]
    }


@pytest.fixture(autouse=True)
def _back_to_japanese() -> Any:
    """LocaleMiddleware leaves the last request's language active in this thread."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def test_login_page_in_english_when_english_is_chosen(db: Any) -> None:
    english = Client(HTTP_COOKIE="django_language=en").get("/accounts/login/")
    text = english.content.decode()
    assert english.status_code == 200
    assert '<html lang="en">' in text
    assert ">Log in</h1>" in text and ">Username</label>" in text and ">Password</label>" in text
    assert "ログイン" not in text
    japanese = Client().get("/accounts/login/").content.decode()
    assert '<html lang="ja">' in japanese and ">ログイン</h1>" in japanese


def test_language_selector_switches_the_home_page_to_english(client_for: Any) -> None:
    client = client_for(Role.HR)
    assert "部署別人数" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/org/employees/"})
    assert response.status_code == 302 and response["Location"] == "/org/employees/"
    home = client.get("/").content.decode()
    assert ">Home</h1>" in home and "Headcount by department" in home
    assert "Employees" in home and "Log out" in home
    assert "部署別人数" not in home and "ログアウト" not in home
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert ">ホーム</h1>" in client.get("/").content.decode()


def test_failed_login_message_is_english_too(db: Any) -> None:
    response = Client(HTTP_COOKIE="django_language=en").post(
        "/accounts/login/", {"username": "nobody", "password": "wrong"}
    )
    assert response.status_code == 401
    assert "The username or password is not correct." in response.content.decode()


def test_compiled_catalog_matches_the_po_file() -> None:
    """django.mo is committed: it must hold exactly the translations of django.po."""
    entries = _po_entries(CATALOG / "django.po")
    assert len(entries) > 100
    assert "#, fuzzy" not in (CATALOG / "django.po").read_text(encoding="utf-8")
    untranslated = [msgid for key, msgid in entries.items() if not msgid]
    assert untranslated == []
    with (CATALOG / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    plurals = _plural_msgids(CATALOG / "django.po")
    for (context, msgid), msgstr in entries.items():
        if msgid in plurals:
            found = compiled.ngettext(msgid, msgid, 1)
        else:
            found = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert found == msgstr, f"django.mo is stale for {msgid!r}: run scripts/i18n.sh"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (apt-get install gettext)"
)
def test_every_translatable_string_has_an_english_translation(
    tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    """Re-extract from a copy of the code; a new Japanese string without English fails here."""
    copy = tmp_path / "urakata"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "tests", "*.mo")
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], verbosity=0, ignore_patterns=["*/tests/*"])
    entries = _po_entries(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    missing = sorted(msgid for (_context, msgid), msgstr in entries.items() if not msgstr)
    fuzzy = "#, fuzzy" in (copy / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert missing == [] and not fuzzy, (
        "strings without English: run scripts/i18n.sh and translate them in "
        f"src/urakata/locale/en/LC_MESSAGES/django.po: {missing}"
    )

"""Reading posted form fields for the pages (the services validate the values)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed


class Fields:
    """Typed reads of a POST/GET mapping, collecting every unreadable field."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def text(self, name: str, limit: int = 200) -> str:
        return str(self.data.get(name, "")).strip()[:limit]

    def integer(self, name: str, default: int | None = None, *, limit: int = 10**15) -> int | None:
        raw = str(self.data.get(name, "")).replace(",", "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.errors[name] = [_("数値で入力してください。")]
            return default
        if abs(value) > limit:
            self.errors[name] = [_("数値が大きすぎます。")]
            return default
        return value

    def date(self, name: str, default: dt.date | None = None) -> dt.date | None:
        raw = self.text(name, 10)
        if not raw:
            return default
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = [_("日付は YYYY-MM-DD で入力してください。")]
            return default
        if not dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31):
            self.errors[name] = [_("日付が範囲外です。")]
            return default
        return value

    def time(self, name: str) -> dt.time | None:
        raw = self.text(name, 8)
        if not raw:
            return None
        try:
            return dt.time.fromisoformat(raw)
        except ValueError:
            self.errors[name] = [_("時刻は HH:MM で入力してください。")]
            return None

    def flag(self, name: str) -> bool:
        return str(self.data.get(name, "")) in ("1", "on", "true", "yes")

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(_("入力内容を確認してください。"), errors=self.errors)

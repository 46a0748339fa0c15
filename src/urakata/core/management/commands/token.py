"""`urakata token create USERNAME --name NAME [--days N] [--json]`: issue an API token.

For integrations and operations scripts: prints the key once (only its SHA-256 is stored) and
records a `core.api_token.create` event with the console as actor.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.errors import ValidationFailed
from urakata.core.services import api_token_create_for_operations, api_token_user_may_use


class Command(BaseCommand):
    help = "API tokens. `create USERNAME --name NAME [--days N] [--json]` prints a new token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="expires after N days")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}", returncode=2)
        try:
            token, key = api_token_create_for_operations(
                user=user, name=options["name"], days=options["days"]
            )
        except ValidationFailed as error:
            details = "; ".join(f"{k}: {', '.join(v)}" for k, v in (error.errors or {}).items())
            raise CommandError(f"{error.message} {details}".strip(), returncode=2) from error
        usable = api_token_user_may_use(user)
        if options["json"]:
            body = {
                "id": token.pk,
                "user": user.get_username(),
                "name": token.name,
                "token": key,
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                "usable": usable,
            }
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        else:
            self.stdout.write(key)
        if not usable:
            self.stderr.write(
                "warning: this user cannot use tokens now (locked out, or 2FA required "
                "by their role but not set up)"
            )

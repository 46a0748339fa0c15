"""Process measures the DX app reads from the audit log (hook `dx.process_measures`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop


def measures() -> list[dict[str, Any]]:
    """Measure definitions over documents audit actions (see docs/adding-a-domain.md)."""
    return [
        {
            "key": "documents.filed",
            "label": gettext_noop("登録した書類の件数"),
            "kind": "count",
            "actions": ["documents.document.create"],
        },
        {
            "key": "documents.contract_to_concluded",
            "label": gettext_noop("契約の起案から締結(相手方の署名)まで(中央値)"),
            "kind": "duration",
            "start": ["documents.contract.create"],
            "end": ["documents.contract.counterparty_sign"],
        },
    ]

"""Re-index stored chunks: terms now include the synonym-group terms of `synonyms.txt`.

Data only. Later edits of the dictionary are applied with `urakata kb reindex`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from django.db import migrations


def reindex(apps: Any, schema_editor: Any) -> None:
    from urakata.assistant.text import index_terms

    chunk_model = apps.get_model("assistant", "KnowledgeChunk")
    state_model = apps.get_model("assistant", "KnowledgeIndexState")
    batch = []
    for chunk in chunk_model.objects.select_related("source").iterator(chunk_size=500):
        terms = index_terms(f"{chunk.source.title}\n{chunk.heading}\n{chunk.text}")
        chunk.term_freqs = dict(Counter(terms))
        chunk.length = len(terms)
        batch.append(chunk)
        if len(batch) >= 500:
            chunk_model.objects.bulk_update(batch, ["term_freqs", "length"])
            batch = []
    if batch:
        chunk_model.objects.bulk_update(batch, ["term_freqs", "length"])
    state, _created = state_model.objects.get_or_create(pk=1)
    state.version += 1
    state.token = uuid.uuid4().hex
    state.save()


class Migration(migrations.Migration):
    dependencies = [("assistant", "0002_inquiry_workflow")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]

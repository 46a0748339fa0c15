"""Full-text index: a precomputed BM25 impact per (term, document), so ranking needs no join."""

from typing import Any

from django.db import migrations, models

K1 = 1.2
B = 0.75


def fill_impacts(apps: Any, schema_editor: Any) -> None:
    """The impact of every existing index row (same formula as documents.index.impact)."""
    document_model = apps.get_model("documents", "Document")
    term_model = apps.get_model("documents", "DocumentTerm")
    lengths = dict(document_model.objects.values_list("pk", "term_count"))
    if not lengths:
        return
    average = max(1.0, sum(lengths.values()) / len(lengths))
    changed = []
    for row in term_model.objects.only("pk", "document_id", "tf").iterator(chunk_size=2000):
        length = lengths.get(row.document_id, 0)
        norm = row.tf * (K1 + 1) / (row.tf + K1 * (1 - B + B * length / average))
        row.impact = max(1, round(norm * 1000))
        changed.append(row)
        if len(changed) >= 2000:
            term_model.objects.bulk_update(changed, ["impact"])
            changed = []
    term_model.objects.bulk_update(changed, ["impact"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_contract_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentterm",
            name="impact",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="documentterm",
            index=models.Index(fields=["term", "document", "impact"], name="documents_term_impact"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                fields=["disposed_at", "confidential", "department", "created_by"],
                name="documents_scope",
            ),
        ),
        migrations.RunPython(fill_impacts, migrations.RunPython.noop),
    ]

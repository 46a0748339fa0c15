import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    from urakata.core.files_migrate import adopt_legacy_file

    Attachment = apps.get_model("ledger", "Attachment")
    StoredFile = apps.get_model("core", "StoredFile")
    for attachment in Attachment.objects.order_by("pk").iterator():
        stored = adopt_legacy_file(
            StoredFile,
            old_name=attachment.file.name,
            sha256=attachment.sha256,
            size=attachment.size,
            name=attachment.filename,
            purpose="evidence",
            uploaded_by_id=attachment.uploaded_by_id,
            uploaded_at=attachment.uploaded_at,
        )
        Attachment.objects.filter(pk=attachment.pk).update(stored=stored)
    if schema_editor.connection.vendor == "postgresql":
        # check the new foreign keys now, so the ALTER TABLEs below meet no pending trigger events
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_stored_file"),
        ("ledger", "0004_chart_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="stored",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.storedfile",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="attachment", name="file"),
        migrations.RemoveField(model_name="attachment", name="filename"),
        migrations.RemoveField(model_name="attachment", name="sha256"),
        migrations.RemoveField(model_name="attachment", name="size"),
        migrations.RemoveField(model_name="attachment", name="uploaded_at"),
        migrations.RemoveField(model_name="attachment", name="uploaded_by"),
        migrations.AlterField(
            model_name="attachment",
            name="stored",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.storedfile",
            ),
        ),
        migrations.AlterModelOptions(name="attachment", options={"ordering": ["pk"]}),
    ]

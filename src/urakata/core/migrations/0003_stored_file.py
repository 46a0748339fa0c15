import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import urakata.core.models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_event_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "blob",
                    models.FileField(
                        max_length=200, storage=urakata.core.models.files_storage, upload_to=""
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="ファイル名")),
                ("sha256", models.CharField(db_index=True, max_length=64)),
                ("size", models.PositiveBigIntegerField()),
                ("content_type", models.CharField(max_length=100)),
                (
                    "purpose",
                    models.CharField(
                        choices=[("attachment", "添付ファイル"), ("evidence", "証憑")],
                        max_length=20,
                    ),
                ),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "保存ファイル",
                "verbose_name_plural": "保存ファイル",
                "ordering": ["uploaded_at", "pk"],
            },
        ),
    ]

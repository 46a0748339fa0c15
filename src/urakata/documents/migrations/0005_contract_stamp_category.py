"""Contracts: the line of 印紙税法 別表第一 a paper original would fall under (印紙代の節約額)."""

from typing import Any

from django.db import migrations, models

from urakata.documents.stamp_duty import default_category


def fill_categories(apps: Any, schema_editor: Any) -> None:
    """Existing contracts get the usual line of their kind."""
    contract_model = apps.get_model("documents", "Contract")
    for contract in contract_model.objects.only("pk", "contract_type"):
        category = default_category(contract.contract_type)
        if category != "none":
            contract_model.objects.filter(pk=contract.pk).update(stamp_category=category)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_term_impact"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="stamp_category",
            field=models.CharField(
                choices=[
                    ("none", "不課税(課税文書に当たらない)"),
                    ("1_real_estate", "第1号の1 不動産の譲渡"),
                    ("1_other", "第1号 地上権・土地賃借権・消費貸借・運送"),
                    ("2_construction", "第2号 建設工事の請負"),
                    ("2_other", "第2号 請負(建設工事以外)"),
                    ("7", "第7号 継続的取引の基本となる契約書"),
                ],
                default="none",
                max_length=20,
                verbose_name="印紙税の区分",
            ),
        ),
        migrations.RunPython(fill_categories, migrations.RunPython.noop),
    ]

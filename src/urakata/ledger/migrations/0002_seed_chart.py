"""Seed the chart of accounts, tax codes (with dated rates) and the ledger options row."""

from django.db import migrations


def seed(apps, schema_editor):
    from urakata.ledger.chart import seed_chart

    models = {
        name: apps.get_model("ledger", name)
        for name in ("TaxCode", "TaxRate", "Account", "SubAccount")
    }
    seed_chart(models)
    settings_model = apps.get_model("ledger", "LedgerSettings")
    if not settings_model.objects.exists():
        settings_model.objects.create()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

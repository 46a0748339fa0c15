"""PostgreSQL: leave room on ledger_balance pages so the posting upserts are HOT updates.

Every posting updates a few balance rows in place; with free space on the page PostgreSQL keeps
the new row version on the same page without touching the indexes, so they do not bloat.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_balance SET (fillfactor = 50)")
        schema_editor.execute("ALTER TABLE ledger_entrycounter SET (fillfactor = 50)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_balance RESET (fillfactor)")
        schema_editor.execute("ALTER TABLE ledger_entrycounter RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_seed_chart")]

    operations = [migrations.RunPython(forwards, backwards)]

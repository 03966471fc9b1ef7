"""The table of the database cache (settings.CACHES), which every worker process shares:
the /verifikasi/ throttle counts there. `migrate` creates it, so no deploy step can be
forgotten; createcachetable skips a table that already exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [
        ("rt_registry", "0005_rt_kk_count_at_most_2000"),
    ]

    operations = [
        # Reversing leaves the table: it holds only throwaway counters.
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]

"""DocumentJob and WorkerHeartbeat moved to the `documents` app (issue 9 §6). Only
Django's model state leaves `assessments`; the tables stay as they are and
documents/0001_initial takes them over under their old names (Meta.db_table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_visit_position_and_evidence_photos"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DocumentJob"),
                migrations.DeleteModel(name="WorkerHeartbeat"),
            ],
            database_operations=[],
        ),
    ]

"""Decree.fingerprint_version: every decree made before versions existed was fingerprinted
with the v1 algorithm (sheets + decisions), so existing rows get 1; new rows default to 2,
the version finalise_decree records (awards/issuing.py, "Fingerprint")."""

from django.db import migrations, models


def field(default):
    return models.PositiveSmallIntegerField(default=default, verbose_name="versi sidik dasar SK")


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0003_indonesian_labels"),
    ]

    operations = [
        # Added with default 1 so the existing rows (all v1) are filled with 1 ...
        migrations.AddField(model_name="decree", name="fingerprint_version", field=field(1)),
        migrations.AddField(
            model_name="historicaldecree", name="fingerprint_version", field=field(1)
        ),
        # ... then the default for new rows becomes the current version.
        migrations.AlterField(model_name="decree", name="fingerprint_version", field=field(2)),
        migrations.AlterField(
            model_name="historicaldecree", name="fingerprint_version", field=field(2)
        ),
    ]

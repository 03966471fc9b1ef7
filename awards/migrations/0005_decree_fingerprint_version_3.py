"""New decrees are fingerprinted with v3 (v2 + the indicators' rubric, awards/issuing.py).
Existing rows keep the version they were finalised with; only the default for new rows
changes. After the rubric is loaded, so no v3 decree can predate it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0004_decree_fingerprint_version"),
        ("assessments", "0007_load_indicator_rubric"),
    ]

    operations = [
        migrations.AlterField(
            model_name="decree",
            name="fingerprint_version",
            field=models.PositiveSmallIntegerField(default=3, verbose_name="versi sidik dasar SK"),
        ),
        migrations.AlterField(
            model_name="historicaldecree",
            name="fingerprint_version",
            field=models.PositiveSmallIntegerField(default=3, verbose_name="versi sidik dasar SK"),
        ),
    ]

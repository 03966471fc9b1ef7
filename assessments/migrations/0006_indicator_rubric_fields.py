"""The rubric: what scores 2, 1 and 0 mean for each indicator (three texts on Indicator).
The texts of the default set are written by 0007_load_indicator_rubric."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_worker_heartbeat_job_started_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="rubric_0",
            field=models.TextField(blank=True, verbose_name="arti nilai 0 (kurang)"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="rubric_1",
            field=models.TextField(blank=True, verbose_name="arti nilai 1 (sedang)"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="rubric_2",
            field=models.TextField(blank=True, verbose_name="arti nilai 2 (baik)"),
        ),
    ]

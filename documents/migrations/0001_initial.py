"""The models of background documents, taken over from `assessments` with their tables
(assessments_documentjob, assessments_workerheartbeat): state only, no SQL, so existing
rows and files stay. On a fresh database assessments/0001 and 0005 made the tables."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assessments", "0010_move_document_jobs_to_documents_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DocumentJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=40, verbose_name="jenis")),
                        ("subject", models.CharField(db_index=True, max_length=80)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("QUEUED", "Menunggu"),
                                    ("RUNNING", "Sedang dibuat"),
                                    ("DONE", "Selesai"),
                                    ("FAILED", "Gagal"),
                                ],
                                default="QUEUED",
                                max_length=10,
                            ),
                        ),
                        ("progress", models.PositiveIntegerField(default=0)),
                        ("total", models.PositiveIntegerField(default=0)),
                        ("file", models.FileField(blank=True, upload_to="documents/%Y/")),
                        ("sha256", models.CharField(blank=True, max_length=64)),
                        ("error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("worker_id", models.CharField(blank=True, max_length=64)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "requested_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "pembuatan dokumen",
                        "verbose_name_plural": "pembuatan dokumen",
                        "db_table": "assessments_documentjob",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="WorkerHeartbeat",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("worker_id", models.CharField(max_length=64, unique=True)),
                        ("hostname", models.CharField(max_length=255)),
                        ("pid", models.PositiveIntegerField()),
                        ("started_at", models.DateTimeField()),
                        ("last_seen", models.DateTimeField(db_index=True)),
                    ],
                    options={
                        "verbose_name": "denyut pekerja latar",
                        "verbose_name_plural": "denyut pekerja latar",
                        "db_table": "assessments_workerheartbeat",
                        "ordering": ["-last_seen"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

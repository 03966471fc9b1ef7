"""Data that named the models' old app, moved with them:

- the content types assessments.documentjob / assessments.workerheartbeat become
  documents.*, so their permissions (Admin DPMPPA's view_documentjob, rt_registry/roles.py)
  and admin log entries stay attached (no second, empty set of permissions);
- tasks queued before the move name `assessments.tasks.render_document`; they now name
  `documents.tasks.render_document`, so a job waiting during the upgrade is still made.
Reversible: the backwards step renames both back."""

from django.db import migrations

MODELS = ["documentjob", "workerheartbeat"]
OLD_TASK, NEW_TASK = "assessments.tasks.render_document", "documents.tasks.render_document"


def rename_content_types(apps, old_app, new_app):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if content_type.objects.filter(app_label=new_app, model=model).exists():
            continue  # already made (e.g. by an earlier post_migrate): keep that one
        content_type.objects.filter(app_label=old_app, model=model).update(app_label=new_app)


def forwards(apps, schema_editor):
    rename_content_types(apps, "assessments", "documents")
    task_result = apps.get_model("django_tasks_database", "DBTaskResult")
    task_result.objects.filter(task_path=OLD_TASK).update(task_path=NEW_TASK)


def backwards(apps, schema_editor):
    rename_content_types(apps, "documents", "assessments")
    task_result = apps.get_model("django_tasks_database", "DBTaskResult")
    task_result.objects.filter(task_path=NEW_TASK).update(task_path=OLD_TASK)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

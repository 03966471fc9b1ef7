from django.apps import AppConfig


class StoredFilesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stored_files"
    verbose_name = "Berkas tersimpan dan cadangan"

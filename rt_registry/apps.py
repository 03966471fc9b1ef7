from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, using, **kwargs):
    from rt_registry.roles import sync_role_permissions

    sync_role_permissions(using=using)


class RtRegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rt_registry"
    verbose_name = "Registri RT"

    def ready(self):
        # Permissions exist only after post_migrate of every app; sync the groups then.
        post_migrate.connect(_sync_roles, dispatch_uid="rt_registry_sync_roles")

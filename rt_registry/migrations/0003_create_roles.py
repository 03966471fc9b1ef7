"""The four role groups. Their permissions are (re)applied after every migrate by
rt_registry.roles.sync_role_permissions, so they follow ROLE_PERMISSIONS in the code."""

from django.db import migrations

ROLES = ["Admin DPMPPA", "Petugas Kecamatan", "Petugas Kelurahan", "Tim Penilai"]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("rt_registry", "0002_load_wilayah"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

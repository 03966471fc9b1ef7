"""Kecamatan and kelurahan of Kota Jambi with their Kemendagri codes (rt_registry/data/
jambi_wilayah.csv, copied from shared/data). Idempotent: existing codes are updated."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "jambi_wilayah.csv"


def load(apps, schema_editor):
    Kecamatan = apps.get_model("rt_registry", "Kecamatan")
    Kelurahan = apps.get_model("rt_registry", "Kelurahan")
    with CSV_PATH.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            kec, _ = Kecamatan.objects.update_or_create(
                code=row["kecamatan_code"], defaults={"name": row["kecamatan"]}
            )
            Kelurahan.objects.update_or_create(
                code=row["kelurahan_code"], defaults={"name": row["kelurahan"], "kecamatan": kec}
            )


class Migration(migrations.Migration):
    dependencies = [("rt_registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""RT import: a city-wide file of ~1,650 rows through rt_registry.resources.RTResource,
as the admin's import does it (preview = dry run, then confirm), as Admin DPMPPA.

    DEBUG=1 .venv/bin/python benchmarks/rt_import.py

Scenarios: a new registry (every row inserted), the same file again (nothing changes),
and a file where every RT's KK count changed (every row updated). Also the time to read
the file as .csv and .xlsx."""

import io
import sys

from _bench import django_ready, machine, measure, seed_registry


def registry_rows():
    from rt_registry.models import RT

    return [
        [
            rt.kelurahan.kecamatan.name,
            rt.kelurahan.name,
            rt.number,
            rt.ketua_name,
            rt.phone,
            rt.kk_count,
        ]
        for rt in RT.objects.select_related("kelurahan__kecamatan").in_city_order()
    ]


def dataset_of(rows):
    import tablib

    from rt_registry.resources import IMPORT_COLUMNS

    data = tablib.Dataset(headers=IMPORT_COLUMNS)
    for row in rows:
        data.append(row)
    return data


def run_import(dataset, user, *, dry_run):
    from rt_registry.resources import RTResource

    # A fresh copy: the resource normalises the dataset in place.
    data = dataset_of(list(dataset))
    result = RTResource(user=user).import_data(
        data,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    if result.has_errors() or result.has_validation_errors():
        print("  import reported errors:", list(result.invalid_rows)[:3])
    return result


def main():
    django_ready()
    try:
        from rt_registry.resources import RTResource  # noqa: F401
    except ImportError:
        sys.exit("rt_registry.resources.RTResource not available yet.")
    from django.contrib.auth import get_user_model

    from rt_registry.models import RT

    print(f"RT import benchmark on {machine()}")
    seed_registry()
    admin = get_user_model().objects.get(username="dpmppa")
    rows = registry_rows()
    dataset = dataset_of(rows)
    print(f"rows in file: {len(rows)}")

    csv_bytes = dataset.export("csv").encode()
    xlsx_bytes = dataset.export("xlsx")
    import tablib

    measure("read .csv", lambda: tablib.Dataset().load(io.StringIO(csv_bytes.decode()), "csv"))
    measure("read .xlsx", lambda: tablib.Dataset().load(io.BytesIO(xlsx_bytes), "xlsx"))

    RT.objects.all().delete()
    measure("new registry: preview (dry run)", lambda: run_import(dataset, admin, dry_run=True))
    assert RT.objects.count() == 0, "a dry run wrote rows"
    measure("new registry: confirm", lambda: run_import(dataset, admin, dry_run=False))
    assert RT.objects.count() == len(rows), RT.objects.count()

    measure("same file again: preview", lambda: run_import(dataset, admin, dry_run=True))
    measure("same file again: confirm", lambda: run_import(dataset, admin, dry_run=False))
    assert RT.objects.count() == len(rows)

    changed = dataset_of([[*r[:5], r[5] + 1] for r in rows])
    measure("every KK changed: preview", lambda: run_import(changed, admin, dry_run=True))
    measure("every KK changed: confirm", lambda: run_import(changed, admin, dry_run=False))
    assert RT.objects.filter(kk_count=rows[0][5] + 1, number=rows[0][2]).exists()


if __name__ == "__main__":
    main()

"""RT import: preview then confirm, whole file or nothing, Indonesian reasons per row."""

import html
import math

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rt_registry.models import RT
from rt_registry.resources import CSVFormat, RTResource, XLSXFormat, whole_number, wilayah_key
from tests import factories
from tests.rt_registry.importfiles import buluran_kenali_rows, csv_bytes, xlsx_bytes

IMPORT_URL = reverse("admin:rt_registry_rt_import")
PROCESS_URL = reverse("admin:rt_registry_rt_process_import")
CSV, XLSX = "0", "1"  # positions in RTAdmin.import_formats


def preview(client, content, *, name="rt.csv", file_format=CSV):
    upload = SimpleUploadedFile(name, content)
    return client.post(IMPORT_URL, {"import_file": upload, "format": file_format})


def confirm(client, preview_response):
    return client.post(PROCESS_URL, dict(preview_response.context["confirm_form"].initial))


def import_with_resource(user, content, *, file_format=CSVFormat, dry_run=False):
    dataset = file_format().create_dataset(content)
    return RTResource(user=user).import_data(
        dataset, dry_run=dry_run, rollback_on_validation_errors=True
    )


def errors_by_line(result):
    return {row.number: " ".join(row.error.messages) for row in result.invalid_rows}


def rt_rows():
    return sorted(
        RT.objects.values_list("kelurahan__name", "number", "ketua_name", "phone", "kk_count")
    )


@pytest.mark.django_db
def test_csv_preview_writes_nothing_and_confirm_saves(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(3)))

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert RT.objects.count() == 0
    page = response.content.decode()
    assert "Pratinjau" in page and "3 RT baru" in page

    response = confirm(client, response)

    assert response.status_code == 302
    assert rt_rows() == [("Buluran Kenali", n, f"Ketua {n}", "081200000000", 60) for n in (1, 2, 3)]


@pytest.mark.django_db
def test_xlsx_import_with_numbers_as_excel_stores_them(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    rows = [("Telanaipura", "Buluran Kenali", 7.0, "Siti", 81234567890, 45.0)]
    response = preview(client, xlsx_bytes(rows), name="rt.xlsx", file_format=XLSX)
    confirm(client, response)

    assert rt_rows() == [("Buluran Kenali", 7, "Siti", "081234567890", 45)]


@pytest.mark.django_db
def test_import_updates_existing_rt_of_same_kelurahan_and_number(kelurahan_officer):
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=5, kk_count=132, ketua_name="Lama")
    rows = [("Telanaipura", "Buluran Kenali", "05", "Baru", "0811", "140")]

    result = import_with_resource(kelurahan_officer, csv_bytes(rows))

    assert not result.has_validation_errors()
    assert result.totals["update"] == 1
    rt.refresh_from_db()
    assert (rt.ketua_name, rt.phone, rt.kk_count) == ("Baru", "0811", 140)
    assert RT.objects.count() == 1


@pytest.mark.django_db
def test_importing_same_file_twice_changes_nothing(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    content = csv_bytes(buluran_kenali_rows(4))
    confirm(client, preview(client, content))
    before = list(RT.objects.order_by("pk").values_list("pk", "updated_at", "kk_count"))

    second = preview(client, content)

    totals = second.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 0, 4)
    assert "4 RT tidak berubah" in second.content.decode()
    confirm(client, second)
    assert list(RT.objects.order_by("pk").values_list("pk", "updated_at", "kk_count")) == before


GOOD = ("Telanaipura", "Buluran Kenali", "1", "Ketua Satu", "0811", "60")


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (("Telanaipura", "Antah Berantah", "2", "A", "", "60"), "tidak dikenal"),
        (("Kota Baru", "Kenali Asam", "2", "A", "", "60"), "di luar wilayah Anda"),
        (
            ("Kota Baru", "Buluran Kenali", "2", "A", "", "60"),
            "tidak berada di Kecamatan Kota Baru",
        ),
        (("Telanaipura", "Buluran Kenali", "1", "A", "", "70"), "sudah ada di baris 2"),
        (
            ("Telanaipura", "Buluran Kenali", "2", "A", "", "12.5"),
            "bilangan bulat paling sedikit 1",
        ),
        (("Telanaipura", "Buluran Kenali", "2", "A", "", "0"), "bilangan bulat paling sedikit 1"),
        (("Telanaipura", "Buluran Kenali", "2", "A", "", "dua"), "bilangan bulat paling sedikit 1"),
        (("Telanaipura", "", "2", "A", "", "60"), "Kolom 'kelurahan' kosong"),
        (("Telanaipura", "Buluran Kenali", "2", "A", "", ""), "Kolom 'jumlah KK' kosong"),
        (("Telanaipura", "Buluran Kenali", "", "A", "", "60"), "Kolom 'nomor RT' kosong"),
        (("Telanaipura", "Buluran Kenali", "2a", "A", "", "60"), "Nomor RT '2a' harus"),
    ],
)
@pytest.mark.django_db
def test_bad_row_is_reported_with_line_and_reason_and_nothing_is_written(
    client, kelurahan_officer, bad_row, reason
):
    client.force_login(kelurahan_officer)

    response = preview(client, csv_bytes([GOOD, bad_row]))

    errors = errors_by_line(response.context["result"])
    assert list(errors) == [3]  # spreadsheet line: header is line 1, GOOD is line 2
    assert reason in errors[3]
    assert "confirm_form" not in response.context
    page = html.unescape(response.content.decode())
    assert "Baris" in page and reason in page
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_only_the_first(kelurahan_officer):
    rows = [
        GOOD,
        ("Telanaipura", "Antah", "2", "A", "", "60"),
        ("Telanaipura", "Buluran Kenali", "3", "A", "", "60"),
        ("Telanaipura", "Buluran Kenali", "4", "A", "", "-5"),
        ("Telanaipura", "Buluran Kenali", "3", "A", "", "60"),
    ]

    result = import_with_resource(kelurahan_officer, csv_bytes(rows))

    assert sorted(errors_by_line(result)) == [3, 5, 6]
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_valid_rows_are_not_saved_when_another_row_is_bad_even_without_preview(
    kelurahan_officer,
):
    rows = [GOOD, ("Telanaipura", "Buluran Kenali", "2", "A", "", "0")]

    result = import_with_resource(kelurahan_officer, csv_bytes(rows), dry_run=False)

    assert result.has_validation_errors()
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_confirm_writes_nothing_when_scope_changed_after_preview(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(2)))
    profile = kelurahan_officer.profile
    profile.kelurahan = factories.kelurahan_named("Telanaipura")
    profile.save()

    response = confirm(client, response)

    assert response.status_code == 200
    assert "Impor dibatalkan" in response.content.decode()
    assert "di luar wilayah Anda" in html.unescape(response.content.decode())
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_missing_column_is_reported_in_indonesian(kelurahan_officer):
    content = csv_bytes([("Buluran Kenali", "1", "60")], headers=["kelurahan", "nomor RT", "KK"])

    result = import_with_resource(kelurahan_officer, content)

    assert result.has_errors()
    message = str(result.base_errors[0].error)
    assert "kolom wajib tidak ada: kecamatan" in message
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_headers_are_matched_case_insensitively_and_by_common_aliases(kelurahan_officer):
    headers = ["KECAMATAN", "Kelurahan", "No. RT", "Nama Ketua RT", "No HP", "Jumlah KK"]
    content = csv_bytes(
        [("telanaipura", "BULURAN KENALI", "RT 09", "Ali", "0812", "51")], headers=headers
    )

    result = import_with_resource(kelurahan_officer, content)

    assert not result.has_validation_errors() and not result.has_errors()
    assert rt_rows() == [("Buluran Kenali", 9, "Ali", "0812", 51)]


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("The Hok", "Thehok"),
        ("Payo Silincah", "Payo Selincah"),
        ("Sulan Jana", "Sulanjana"),
        ("Sijinjang", "Sijenjang"),
        ("Simpang Tiga Sipin", "Simpang III Sipin"),
        ("Sukakarya", "Suka Karya"),
        ("Paal V", "Paal Lima"),
        ("Ekajaya", "Eka Jaya"),
        ("kelurahan buluran kenali", "Buluran Kenali"),
    ],
)
@pytest.mark.django_db
def test_kelurahan_spelling_variants_are_accepted(admin_dpmppa, written, official):
    kelurahan = factories.kelurahan_named(official)
    row = (kelurahan.kecamatan.name.upper(), written, "1", "A", "", "60")

    result = import_with_resource(admin_dpmppa, csv_bytes([row]))

    assert not result.has_validation_errors()
    assert RT.objects.get().kelurahan == kelurahan


@pytest.mark.django_db
def test_spelling_folding_keeps_all_68_kelurahan_apart():
    from rt_registry.models import Kelurahan

    keys = {wilayah_key(name) for name in Kelurahan.objects.values_list("name", flat=True)}
    assert len(keys) == 68


@pytest.mark.django_db
def test_semicolon_csv_from_indonesian_excel_is_read(kelurahan_officer):
    content = csv_bytes(buluran_kenali_rows(2), delimiter=";")

    result = import_with_resource(kelurahan_officer, content)

    assert result.totals["new"] == 2


@pytest.mark.django_db
def test_blank_lines_are_ignored_and_line_numbers_stay_those_of_the_sheet(kelurahan_officer):
    rows = [GOOD, ("", "", "", "", "", ""), ("Telanaipura", "Antah", "2", "A", "", "60")]

    result = import_with_resource(kelurahan_officer, csv_bytes(rows))

    assert list(errors_by_line(result)) == [4]


@pytest.mark.django_db
def test_pending_import_is_kept_in_shared_media_storage_until_confirmed(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    assert settings.IMPORT_EXPORT_TMP_STORAGE_CLASS.endswith("MediaStorage")

    response = preview(client, csv_bytes(buluran_kenali_rows(1)))
    name = response.context["confirm_form"].initial["import_file_name"]
    path = f"django-import-export/{name}"
    # Another server process finds the file by its name alone (no per-process temp dir).
    assert default_storage.exists(path)

    confirm(client, response)
    assert RT.objects.count() == 1
    assert not default_storage.exists(path)


@pytest.mark.django_db
def test_preview_with_errors_leaves_no_pending_file(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    preview(client, csv_bytes([("Telanaipura", "Antah", "1", "A", "", "60")]))

    assert (
        not default_storage.exists("django-import-export")
        or not default_storage.listdir("django-import-export")[1]
    )


@pytest.mark.django_db
def test_only_the_user_who_previewed_may_confirm_the_file(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(1)))
    form_data = dict(response.context["confirm_form"].initial)
    other = factories.make_user(
        username="kel.kedua", role="Petugas Kelurahan", kelurahan="Buluran Kenali"
    )
    client.force_login(other)

    response = client.post(PROCESS_URL, form_data)

    assert response.status_code == 403
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_empty_file_gets_an_indonesian_message(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    response = preview(client, csv_bytes([]))

    assert "Berkas tidak berisi data" in response.content.decode()


@pytest.mark.django_db
def test_other_file_types_are_refused(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    response = preview(client, b"kecamatan\n", name="rt.txt")

    assert response.context["form"].errors["import_file"] == [
        "Hanya berkas .xlsx atau .csv yang dapat diimpor."
    ]


def insert_batches(rows):
    """INSERT statements Django needs for `rows` new RTs: the database caps the number of
    parameters per statement (SQLite: 999), PostgreSQL practically not."""
    fields = [f for f in RT._meta.concrete_fields if not f.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * rows)
    return math.ceil(rows / min(batch, RTResource._meta.batch_size))


def update_batches(rows):
    fields = ["pk", "pk", *RTResource().get_bulk_update_fields()]
    batch = connection.ops.bulk_batch_size(fields, [None] * rows)
    return math.ceil(rows / min(batch, RTResource._meta.batch_size))


def count_import_queries(user, rows):
    content = csv_bytes(rows)
    user = type(user).objects.get(pk=user.pk)  # as a new request: nothing cached on it
    with CaptureQueriesContext(connection) as ctx:
        result = import_with_resource(user, content)
    assert not result.has_validation_errors() and not result.has_errors()
    return len(ctx)


@pytest.mark.django_db
def test_import_query_count_grows_only_by_database_batches(admin_dpmppa):
    small_new = count_import_queries(admin_dpmppa, buluran_kenali_rows(20))
    large_new = count_import_queries(admin_dpmppa, buluran_kenali_rows(200, start=21))
    assert large_new - small_new == insert_batches(200) - insert_batches(20)

    # The same rows again, now all updates (every KK changes).
    small_update = count_import_queries(admin_dpmppa, buluran_kenali_rows(20, kk_count=61))
    large_update = count_import_queries(
        admin_dpmppa, buluran_kenali_rows(200, start=21, kk_count=61)
    )
    assert large_update - small_update == update_batches(200) - update_batches(20)


@pytest.mark.django_db
def test_importing_1650_rows_takes_a_few_dozen_queries(admin_dpmppa):
    from rt_registry.models import Kelurahan

    rows = [
        (k.kecamatan.name, k.name, number, "Ketua", "", 60)
        for k in Kelurahan.objects.select_related("kecamatan")[:50]
        for number in range(1, 34)
    ]
    assert len(rows) == 1650

    queries = count_import_queries(admin_dpmppa, rows)

    assert RT.objects.count() == 1650
    # Row by row it would be more than 3,300; in bulk it is the reads plus the INSERT
    # statements of each chunk of 500 rows (SQLite: 99 rows per statement).
    assert queries <= 50


@pytest.mark.django_db
def test_admin_preview_query_count_does_not_grow_with_rows(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    def count(rows):
        content = csv_bytes(rows)
        with CaptureQueriesContext(connection) as ctx:
            response = preview(client, content)
        assert response.context["confirm_form"] is not None
        return len(ctx)

    # The preview writes nothing (and rolls nothing back): the same count at any size.
    assert count(buluran_kenali_rows(20)) == count(buluran_kenali_rows(200))


@pytest.mark.django_db
def test_exported_file_imports_back_without_changes(client, kelurahan_officer):
    factories.make_rt(kelurahan="Buluran Kenali", number=1, ketua_name="=SUM(A1)", phone="+62811")
    factories.make_rt(kelurahan="Buluran Kenali", number=2, ketua_name="@Budi", phone="-")
    client.force_login(kelurahan_officer)
    exported = client.post(reverse("admin:rt_registry_rt_export"), {"format": "0"}).content

    result = import_with_resource(kelurahan_officer, exported)

    assert result.totals["skip"] == 2 and not result.has_validation_errors()
    assert rt_rows() == [
        ("Buluran Kenali", 1, "=SUM(A1)", "+62811", 60),
        ("Buluran Kenali", 2, "@Budi", "-", 60),
    ]


@pytest.mark.django_db
def test_database_error_is_reported_in_indonesian_and_nothing_is_saved(
    kelurahan_officer, monkeypatch
):
    from django.db import OperationalError

    from rt_registry.models import RTQuerySet

    def locked(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(RTQuerySet, "bulk_create", locked)

    result = import_with_resource(kelurahan_officer, csv_bytes(buluran_kenali_rows(3)))

    assert result.has_errors()
    messages = [str(error.error) for error in result.base_errors]
    assert messages == [
        "Data tidak dapat disimpan ke basis data; tidak ada yang disimpan. "
        "Coba lagi sebentar lagi; bila berulang, hubungi Admin DPMPPA."
    ]
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_previewed_files_never_confirmed_are_removed_after_a_day(client, kelurahan_officer):
    import os
    import time

    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(1)))
    name = response.context["confirm_form"].initial["import_file_name"]
    path = default_storage.path(f"django-import-export/{name}")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(path, (two_days_ago, two_days_ago))

    client.get(IMPORT_URL)

    assert not os.path.exists(path)


@pytest.mark.django_db
def test_xlsx_line_numbers_count_blank_rows_of_the_sheet(kelurahan_officer):
    rows = [GOOD, (None,) * 6, (None,) * 6, ("Telanaipura", "Antah", 2, "A", None, 60)]

    result = import_with_resource(kelurahan_officer, xlsx_bytes(rows), file_format=XLSXFormat)

    assert list(errors_by_line(result)) == [5]


@pytest.mark.django_db
def test_csv_line_numbers_count_empty_lines(kelurahan_officer):
    bad = b"Telanaipura,Antah,2,A,,60\r\n"
    content = csv_bytes([GOOD]) + b"\r\n\r\n" + bad

    result = import_with_resource(kelurahan_officer, content)

    assert list(errors_by_line(result)) == [5]


@pytest.mark.django_db
def test_unreadable_file_gets_an_indonesian_message(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    response = preview(client, b"bukan berkas excel", name="rt.xlsx", file_format=XLSX)

    assert "bukan berkas Excel .xlsx yang utuh" in response.content.decode()
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_confirmed_import_is_recorded_in_the_admin_log(client, kelurahan_officer):
    from django.contrib.admin.models import ADDITION, LogEntry

    client.force_login(kelurahan_officer)
    confirm(client, preview(client, csv_bytes(buluran_kenali_rows(3))))

    entries = LogEntry.objects.filter(user=kelurahan_officer, action_flag=ADDITION)
    assert sorted(int(e.object_id) for e in entries) == sorted(
        RT.objects.values_list("pk", flat=True)
    )


def test_a_number_cell_counts_only_when_it_is_whole():
    # A spreadsheet may hand a count over as 60.0; 12.5 KK is a typo, not 12.
    assert whole_number(60.0) == 60
    assert type(whole_number(60.0)) is int
    assert whole_number(12.5) is None

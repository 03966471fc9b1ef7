"""Hostile and accidental spreadsheets are refused cheaply (rt_registry/spreadsheets.py):
RT import in the admin (preview), proposal import, and the reader itself. Memory is
measured with tracemalloc; every file is generated small, in memory."""

import html
import tracemalloc

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from assessments.models import Proposal
from rt_registry.models import RT
from rt_registry.spreadsheets import SpreadsheetRefused, read_csv, read_xlsx
from tests import factories
from tests.rt_registry.importfiles import (
    HEADERS,
    buluran_kenali_rows,
    csv_bytes,
    sheet_xml,
    xlsx_bytes,
    xlsx_with_sheet,
)

IMPORT_URL = reverse("admin:rt_registry_rt_import")
PROPOSAL_IMPORT_URL = reverse("admin:assessments_proposal_import")
CSV, XLSX = "0", "1"  # positions in RTAdmin.import_formats
MEMORY_LIMIT_MB = 50
ROW_CAP_MESSAGE = "Berkas memuat lebih dari 5.000 baris; pecah menjadi beberapa berkas."
UNPACKED_MESSAGE = "Isi berkas .xlsx terlalu besar setelah dibuka"
A_ROW = ["Telanaipura", "Buluran Kenali", "1", "Siti", "0811", "60"]


def peak_mb(call):
    """(result, peak memory in MB allocated while `call` ran)."""
    tracemalloc.start()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()
    return result, peak


def preview(client, content, *, name="rt.csv", file_format=CSV):
    upload = SimpleUploadedFile(name, content)
    return client.post(IMPORT_URL, {"import_file": upload, "format": file_format})


def page_text(response):
    return html.unescape(response.content.decode())


def file_errors(response):
    return " ".join(response.context["form"].errors.get("import_file", []))


def no_pending_files():
    folder = "django-import-export"
    return not default_storage.exists(folder) or not default_storage.listdir(folder)[1]


def assert_refused_in_admin(response, message):
    """Refused on the form (not a 500), with the message, nothing written or kept."""
    assert response.status_code == 200
    assert message in file_errors(response)
    assert message in page_text(response)
    assert "confirm_form" not in response.context
    assert RT.objects.count() == 0
    assert no_pending_files()


# RT import in the admin ---------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_declaring_a_whole_sheet_is_read_by_its_cells(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    content = xlsx_with_sheet(sheet_xml({1: HEADERS, 2: A_ROW}, dimension="A1:XFD1048576"))

    response, peak = peak_mb(lambda: preview(client, content, name="rt.xlsx", file_format=XLSX))

    assert response.context["confirm_form"] is not None
    assert response.context["result"].totals["new"] == 1
    assert peak < MEMORY_LIMIT_MB


@pytest.mark.django_db
def test_sparse_xlsx_with_data_a_million_rows_down_is_refused(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    content = xlsx_with_sheet(sheet_xml({1: HEADERS, 1_000_000: A_ROW}))

    response, peak = peak_mb(lambda: preview(client, content, name="rt.xlsx", file_format=XLSX))

    assert_refused_in_admin(
        response, "Pembacaan berhenti di baris 51 setelah 50 baris kosong berturut-turut"
    )
    assert "Tidak ada data di bawah judul kolom" in file_errors(response)
    assert peak < MEMORY_LIMIT_MB


@pytest.mark.django_db
def test_preview_says_where_reading_stopped_after_a_long_blank_run(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    content = xlsx_with_sheet(sheet_xml({1: HEADERS, 2: A_ROW, 500_000: A_ROW}))

    response = preview(client, content, name="rt.xlsx", file_format=XLSX)

    assert response.context["result"].totals["new"] == 1
    assert "Pembacaan berhenti di baris 52" in page_text(response)


@pytest.mark.django_db
def test_xlsx_zip_bomb_is_refused_before_unpacking(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    content = xlsx_with_sheet(zeros_member_bytes=200 * 1024 * 1024)
    assert len(content) < 1024 * 1024  # 200 MB of zeros in a few hundred KB

    response, peak = peak_mb(lambda: preview(client, content, name="rt.xlsx", file_format=XLSX))

    assert_refused_in_admin(response, UNPACKED_MESSAGE)
    assert peak < MEMORY_LIMIT_MB


@pytest.mark.django_db
def test_xlsx_member_compressed_too_well_is_refused_below_the_total_cap(kelurahan_officer):
    content = xlsx_with_sheet(zeros_member_bytes=5 * 1024 * 1024)  # 5 MB < 10 MB total

    with pytest.raises(SpreadsheetRefused, match=UNPACKED_MESSAGE):
        read_xlsx(content)


def test_xlsx_with_too_many_parts_is_refused():
    with pytest.raises(SpreadsheetRefused, match=UNPACKED_MESSAGE):
        read_xlsx(xlsx_with_sheet(extra_members=100))


def test_xlsx_with_a_few_extra_parts_is_read():
    sheet = read_xlsx(xlsx_with_sheet(sheet_xml({1: HEADERS, 2: A_ROW}), extra_members=50))

    assert list(sheet.numbered_rows()) == [(2, tuple(A_ROW))]


@pytest.mark.django_db
def test_csv_header_of_a_million_commas_is_refused(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    content = b"kecamatan" + b"," * 1_000_000 + b"\n"

    response, peak = peak_mb(lambda: preview(client, content))

    assert_refused_in_admin(
        response, "Baris 1 berkas CSV terlalu panjang (lebih dari 20.000 karakter)"
    )
    assert peak < MEMORY_LIMIT_MB


def test_csv_with_one_50_mb_line_is_refused_without_holding_it():
    content = b"kecamatan,kelurahan\n" + b"x" * (50 * 1024 * 1024)

    def read():
        try:
            read_csv(content)
        except SpreadsheetRefused as refused:
            return refused

    refused, peak = peak_mb(read)

    assert "Baris 2 berkas CSV terlalu panjang" in refused.messages[0]
    assert peak < MEMORY_LIMIT_MB


def test_csv_row_spanning_lines_inside_quotes_counts_as_one_long_row():
    content = b'kecamatan,kelurahan\n"' + b"x\n" * 20_000 + b'",y\n'

    with pytest.raises(SpreadsheetRefused, match="Baris 2 berkas CSV terlalu panjang"):
        read_csv(content)


@pytest.mark.django_db
def test_file_above_the_upload_cap_is_refused_on_the_form(client, kelurahan_officer, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(kelurahan_officer)

    response = preview(client, csv_bytes(buluran_kenali_rows(40)))

    assert_refused_in_admin(response, "Berkas terlalu besar")


@pytest.mark.django_db
def test_file_of_exactly_the_upload_cap_is_read(client, kelurahan_officer, settings):
    content = csv_bytes(buluran_kenali_rows(3))
    settings.IMPORT_MAX_UPLOAD_BYTES = len(content)
    client.force_login(kelurahan_officer)

    response = preview(client, content)

    assert response.status_code == 200
    assert "confirm_form" in response.context


@pytest.mark.django_db
def test_csv_just_over_the_row_cap_is_refused(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    rows = [("Telanaipura", "Buluran Kenali", n % 999 + 1, "", "", 60) for n in range(5001)]

    response, peak = peak_mb(lambda: preview(client, csv_bytes(rows)))

    assert_refused_in_admin(response, ROW_CAP_MESSAGE)
    assert peak < MEMORY_LIMIT_MB


@pytest.mark.django_db
def test_xlsx_at_the_row_cap_is_read_and_one_more_row_is_refused(kelurahan_officer, settings):
    settings.IMPORT_MAX_ROWS = 3

    assert len(list(read_xlsx(xlsx_bytes([A_ROW] * 3)).numbered_rows())) == 3
    with pytest.raises(SpreadsheetRefused, match="lebih dari 3 baris"):
        read_xlsx(xlsx_bytes([A_ROW] * 4))


def test_rows_after_blank_rows_count_against_the_row_cap_by_position(settings):
    settings.IMPORT_MAX_ROWS = 3

    with pytest.raises(SpreadsheetRefused, match="lebih dari 3 baris"):
        read_csv(csv_bytes([A_ROW, [""] * 6, [""] * 6, A_ROW]))


def test_header_with_too_many_columns_is_refused(settings):
    settings.IMPORT_MAX_COLUMNS = 6

    assert read_csv(csv_bytes([A_ROW])).header == HEADERS
    with pytest.raises(SpreadsheetRefused) as refused:
        read_csv(csv_bytes([A_ROW], headers=[*HEADERS, "catatan"]))
    # The whole message: what is wrong and what to do about it.
    assert refused.value.messages == [
        "Baris 1 memuat lebih dari 6 kolom; hapus kolom yang tidak dipakai, lalu unggah lagi."
    ]


def test_data_row_with_too_many_columns_is_refused_with_its_row(settings):
    settings.IMPORT_MAX_COLUMNS = 6

    with pytest.raises(SpreadsheetRefused, match="Baris 3 memuat lebih dari 6 kolom"):
        read_xlsx(xlsx_bytes([A_ROW, [*A_ROW, "lebih"]]))


@pytest.mark.django_db
def test_csv_file_given_as_xlsx_format_is_refused_as_not_excel(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    response = preview(client, csv_bytes([A_ROW]), name="rt.xlsx", file_format=XLSX)

    assert_refused_in_admin(response, "bukan berkas Excel .xlsx yang utuh")


@pytest.mark.django_db
def test_xlsx_file_given_as_csv_format_is_refused_as_binary(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    response = preview(client, xlsx_bytes([A_ROW]), name="rt.csv", file_format=CSV)

    assert_refused_in_admin(response, "bukan berkas CSV")


def test_blank_first_row_above_the_data_is_refused_with_a_hint():
    with pytest.raises(SpreadsheetRefused, match="baris pertama harus berisi judul kolom"):
        read_csv(b"\n" + csv_bytes([A_ROW]))


# Row numbers, sheet name, KK --------------------------------------------------------------


@pytest.mark.django_db
def test_preview_names_the_first_sheet_even_when_another_is_active(client, kelurahan_officer):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Data RT"
    book.active.append(HEADERS)
    book.active.append(A_ROW)
    notes = book.create_sheet("Catatan")
    notes.append(["bukan data"])
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    client.force_login(kelurahan_officer)

    response = preview(client, out.getvalue(), name="rt.xlsx", file_format=XLSX)

    assert response.context["result"].totals["new"] == 1
    assert "Lembar yang dibaca: <strong>Data RT</strong>" in page_text(response)


@pytest.mark.parametrize("kk", ["2001", "99999999999"])
@pytest.mark.django_db
def test_absurd_kk_count_is_refused_in_preview_with_row_and_column(client, kelurahan_officer, kk):
    client.force_login(kelurahan_officer)
    rows = [A_ROW, ["Telanaipura", "Buluran Kenali", "2", "Ali", "", kk]]

    response = preview(client, csv_bytes(rows))

    invalid = {
        row.number: " ".join(row.error.messages) for row in response.context["result"].invalid_rows
    }
    assert list(invalid) == [3]
    assert "Kolom 'jumlah KK'" in invalid[3] and "terlalu banyak untuk satu RT" in invalid[3]
    assert "paling banyak 2.000" in invalid[3]
    assert "confirm_form" not in response.context
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_kk_count_of_2000_is_accepted(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    rows = [["Telanaipura", "Buluran Kenali", "2", "Ali", "", "2000"]]

    response = preview(client, csv_bytes(rows))

    assert response.context["confirm_form"] is not None


@pytest.mark.django_db
def test_database_refuses_more_than_2000_kk():
    with pytest.raises(IntegrityError):
        factories.make_rt(kelurahan="Buluran Kenali", number=1, kk_count=2001)


# Proposal import ----------------------------------------------------------------------------


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="USULAN")


def post_proposals(client, cycle, name, content):
    upload = SimpleUploadedFile(name, content)
    return client.post(PROPOSAL_IMPORT_URL, {"cycle": cycle.pk, "file": upload}, follow=True)


def test_proposal_import_refuses_a_zip_bomb_on_the_form(client, cycle, kelurahan_officer):
    factories.make_rt(kelurahan="Buluran Kenali", number=1)
    client.force_login(kelurahan_officer)
    content = xlsx_with_sheet(zeros_member_bytes=200 * 1024 * 1024)

    response, peak = peak_mb(lambda: post_proposals(client, cycle, "usulan.xlsx", content))

    assert UNPACKED_MESSAGE in " ".join(response.context["form"].errors["file"])
    assert not Proposal.objects.exists()
    assert peak < MEMORY_LIMIT_MB


def test_proposal_import_refuses_a_file_over_the_row_cap(
    client, cycle, kelurahan_officer, settings
):
    settings.IMPORT_MAX_ROWS = 2
    factories.make_rt(kelurahan="Buluran Kenali", number=1)
    client.force_login(kelurahan_officer)
    content = b"kelurahan,nomor RT\nBuluran Kenali,1\nBuluran Kenali,2\nBuluran Kenali,3\n"

    response = post_proposals(client, cycle, "usulan.csv", content)

    assert "lebih dari 2 baris" in " ".join(response.context["form"].errors["file"])
    assert not Proposal.objects.exists()


def test_proposal_import_reports_the_sheet_row_number_after_blank_rows(
    client, cycle, kelurahan_officer
):
    factories.make_rt(kelurahan="Buluran Kenali", number=1)
    client.force_login(kelurahan_officer)
    content = b"kelurahan,nomor RT\nBuluran Kenali,1\n\n,\nBuluran Kenali,x\n"

    page = page_text(post_proposals(client, cycle, "usulan.csv", content))

    assert "Baris 5: nomor RT 'x' tidak valid." in page
    assert not Proposal.objects.exists()


def test_proposal_import_names_the_sheet_it_read(client, cycle, kelurahan_officer):
    factories.make_rt(kelurahan="Buluran Kenali", number=1)
    client.force_login(kelurahan_officer)
    content = xlsx_with_sheet(sheet_xml({1: ["kelurahan", "nomor RT"], 2: ["Buluran Kenali", "1"]}))

    page = page_text(post_proposals(client, cycle, "usulan.xlsx", content))

    assert "1 usulan berhasil diimpor dari lembar 'Sheet'" in page

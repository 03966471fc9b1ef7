import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assessments.models import Proposal
from tests import factories

IMPORT_URL = "admin:assessments_proposal_import"


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="USULAN")


@pytest.fixture
def rts(db):
    return [
        factories.make_rt(kelurahan="Buluran Kenali", number=n, kk_count=30 * n) for n in (1, 2, 3)
    ]


def csv_file(text, name="usulan.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("usulan.xlsx", buffer.getvalue())


def post(client, cycle, upload):
    return client.post(reverse(IMPORT_URL), {"cycle": cycle.pk, "file": upload}, follow=True)


def test_csv_import_proposes_every_row(client, cycle, rts, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = post(
        client, cycle, csv_file("kelurahan,nomor RT\nBuluran Kenali,1\nbuluran kenali,RT 03\n")
    )
    assert "2 usulan berhasil diimpor" in response.content.decode()
    assert sorted(Proposal.objects.values_list("rt_number", "size_category")) == [
        (1, "KECIL"),
        (3, "SEDANG"),
    ]


def test_xlsx_import_with_semicolon_free_numbers(client, cycle, rts, kelurahan_officer):
    client.force_login(kelurahan_officer)
    post(
        client,
        cycle,
        xlsx_file([["Kecamatan", "Kelurahan", "Nomor RT"], ["Telanaipura", "Buluran Kenali", 2]]),
    )
    assert list(Proposal.objects.values_list("rt_number", flat=True)) == [2]


def test_import_is_whole_or_nothing_with_row_errors(client, cycle, rts, kelurahan_officer):
    factories.make_rt(kelurahan="Buluran Kenali", number=9, is_active=False)
    factories.make_rt(kelurahan="Kenali Asam", number=4)
    factories.make_proposal(cycle=cycle, rt=rts[2])
    client.force_login(kelurahan_officer)
    text = (
        "kelurahan;nomor rt\n"
        "Buluran Kenali;1\n"  # fine
        "Buluran Kenali;x\n"
        "Kelurahan Antah;1\n"
        "Buluran Kenali;77\n"
        "Buluran Kenali;9\n"
        "Kenali Asam;4\n"
        "Buluran Kenali;3\n"
        "Buluran Kenali;1\n"
    )
    page = post(client, cycle, csv_file(text)).content.decode()
    assert "Impor dibatalkan" in page
    for expected in [
        "Baris 3: nomor RT &#x27;x&#x27; tidak valid.",
        "Baris 4: kelurahan &#x27;Kelurahan Antah&#x27; tidak ditemukan.",
        "Baris 5: RT 77 tidak ada di Kelurahan Buluran Kenali.",
        "Baris 6: RT 09 Kelurahan Buluran Kenali tidak aktif",
        "Baris 7: RT 04 Kelurahan Kenali Asam berada di luar wilayah Anda.",
        "Baris 8: RT 03 Kelurahan Buluran Kenali sudah diusulkan",
        "Baris 9: RT 01 Buluran Kenali sudah ada di baris 2.",
    ]:
        assert expected in page
    assert Proposal.objects.count() == 1


def test_import_without_the_needed_columns_is_refused(client, cycle, rts, kelurahan_officer):
    client.force_login(kelurahan_officer)
    page = post(client, cycle, csv_file("nama,nomor\nBuluran Kenali,1\n")).content.decode()
    assert "kolom &#x27;kelurahan&#x27; dan &#x27;nomor RT&#x27;" in page
    assert not Proposal.objects.exists()


def test_import_of_another_format_is_refused(client, cycle, rts, kelurahan_officer):
    client.force_login(kelurahan_officer)
    page = post(client, cycle, csv_file("x", name="usulan.pdf")).content.decode()
    assert "Hanya berkas .xlsx atau .csv yang dapat diimpor." in page


def test_import_refused_when_no_cycle_is_in_usulan(client, rts, kelurahan_officer):
    cycle = factories.make_cycle(stage="PENILAIAN")
    client.force_login(kelurahan_officer)
    response = post(client, cycle, csv_file("kelurahan,rt\nBuluran Kenali,1\n"))
    assert response.context["form"].errors["cycle"]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("kecamatan_officer", 403), ("assessor", 302)])
def test_import_denied_to_kecamatan_and_assessor(client, request, cycle, rts, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse(IMPORT_URL),
        {"cycle": cycle.pk, "file": csv_file("kelurahan,rt\nBuluran Kenali,1\n")},
    )
    assert response.status_code == status
    assert not Proposal.objects.exists()


def test_admin_imports_across_kelurahan(client, cycle, rts, admin_dpmppa):
    factories.make_rt(kelurahan="Kenali Asam", number=4)
    client.force_login(admin_dpmppa)
    post(client, cycle, csv_file("kelurahan,rt\nBuluran Kenali,1\nKenali Asam,4\n"))
    assert Proposal.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "kosong"), ("kelurahan\n", "Baris judul harus memuat"), ("\n\n", "Berkas kosong.")],
)
def test_empty_or_one_column_file_gets_a_message(
    client, cycle, rts, kelurahan_officer, text, message
):
    client.force_login(kelurahan_officer)
    page = post(client, cycle, csv_file(text)).content.decode()
    assert message in page
    assert not Proposal.objects.exists()

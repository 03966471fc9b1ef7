"""RT import, between preview and confirm: the file is read once, the preview is a summary
with the rows that need a look, and confirm writes the rows checked at preview."""

import html

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from rt_registry import spreadsheets
from rt_registry.importing import CHECKED_SUFFIX
from rt_registry.models import RT
from tests import factories
from tests.rt_registry.importfiles import buluran_kenali_rows, csv_bytes
from tests.rt_registry.test_import import PROCESS_URL, confirm, preview

ROWS_URL = reverse("admin:rt_registry_rt_import_rows")


def pending_name(response):
    return response.context["confirm_form"].initial["import_file_name"]


def page_text(response):
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.mark.django_db
def test_confirm_writes_the_previewed_rows_without_reading_the_file_again(
    client, kelurahan_officer, monkeypatch
):
    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(3)))

    def unread(*args, **kwargs):
        raise AssertionError("the spreadsheet was read a second time")

    monkeypatch.setattr(spreadsheets, "read_csv", unread)
    response = confirm(client, response)

    assert response.status_code == 302
    assert sorted(RT.objects.values_list("number", "ketua_name", "kk_count")) == [
        (1, "Ketua 1", 60),
        (2, "Ketua 2", 60),
        (3, "Ketua 3", 60),
    ]


@pytest.mark.django_db
def test_preview_counts_rows_and_lists_only_the_rts_it_would_change(client, kelurahan_officer):
    for number, ketua in ((1, "Ketua 1"), (2, "Ketua 2"), (3, "Lama")):
        factories.make_rt(
            kelurahan="Buluran Kenali", number=number, ketua_name=ketua, phone="081200000000"
        )
    rows = buluran_kenali_rows(30)
    rows[0] = rows[0][:5] + (61,)
    client.force_login(kelurahan_officer)

    text = page_text(preview(client, csv_bytes(rows)))

    assert "27 RT baru, 2 RT diubah, 1 RT tidak berubah, 0 baris salah." in text
    assert "jumlah KK: 60 → 61" in text
    assert "ketua: Lama → Ketua 3" in text
    # New rows are counted, not listed: only behind the link to every row.
    assert "Ketua 17" not in text
    assert "Lihat 27 RT baru" in text


@pytest.mark.django_db
def test_preview_with_bad_rows_counts_them(client, kelurahan_officer):
    rows = [*buluran_kenali_rows(3), ("Telanaipura", "Antah", "4", "A", "", "60")]
    client.force_login(kelurahan_officer)

    text = page_text(preview(client, csv_bytes(rows)))

    assert "1 baris salah dari 4 baris berisi data." in text
    assert "Kelurahan 'Antah' tidak dikenal" in text


@pytest.mark.django_db
def test_every_row_of_the_preview_can_be_seen_page_by_page(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    name = pending_name(preview(client, csv_bytes(buluran_kenali_rows(250))))

    first = page_text(client.get(ROWS_URL, {"berkas": name, "jenis": "new"}))
    second = page_text(client.get(ROWS_URL, {"berkas": name, "jenis": "new", "halaman": 2}))

    assert "Halaman 1 dari 2" in first
    assert "Ketua 200" in first and "Ketua 201" not in first
    assert "Ketua 250" in second and "Ketua 1 " not in second
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_another_user_cannot_see_the_rows_of_my_preview(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    name = pending_name(preview(client, csv_bytes(buluran_kenali_rows(2))))
    other = factories.make_user(
        username="kel.kedua", role="Petugas Kelurahan", kelurahan="Buluran Kenali"
    )
    client.force_login(other)

    response = client.get(ROWS_URL, {"berkas": name})

    assert response.status_code == 403
    assert "Ketua 1" not in response.content.decode()


@pytest.mark.django_db
def test_confirm_refuses_a_forged_file_name(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(1)))
    form_data = {**response.context["confirm_form"].initial, "import_file_name": "../../x"}

    response = client.post(PROCESS_URL, form_data)

    assert response.status_code == 403
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_confirm_of_an_expired_preview_says_so_and_writes_nothing(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(2)))
    # What the daily clean-up does to a preview nobody confirmed.
    default_storage.delete(f"django-import-export/{pending_name(response)}{CHECKED_SUFFIX}")

    response = confirm(client, response)

    assert response.status_code == 200
    text = page_text(response)
    assert "Impor dibatalkan" in text
    assert "Pratinjau impor ini sudah tidak tersedia" in text
    assert RT.objects.count() == 0


@pytest.mark.django_db
def test_confirm_updates_an_rt_registered_after_the_preview_instead_of_doubling_it(
    client, kelurahan_officer
):
    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(2, kk_count=70)))
    factories.make_rt(kelurahan="Buluran Kenali", number=2, ketua_name="Baru", kk_count=40)

    confirm(client, response)

    assert sorted(RT.objects.values_list("number", "ketua_name", "kk_count")) == [
        (1, "Ketua 1", 70),
        (2, "Ketua 2", 70),
    ]


@pytest.mark.django_db
def test_confirm_cannot_be_replayed(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = preview(client, csv_bytes(buluran_kenali_rows(1)))
    confirm(client, response)
    RT.objects.all().delete()

    replay = confirm(client, response)

    assert replay.status_code == 403
    assert "sudah dikonfirmasi" in page_text(replay)
    assert "Tidak ada yang disimpan" in page_text(replay)
    assert RT.objects.count() == 0

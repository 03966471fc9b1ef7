"""RT export: only the user's scope, formulas neutralised in CSV and XLSX, flat queries."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rt_registry.spreadsheets import escape_formula
from tests import factories

EXPORT_URL = reverse("admin:rt_registry_rt_export")
CSV, XLSX = "0", "1"  # positions in RTAdmin.export_formats


def export_csv(client, params=""):
    return export_csv_of(client, {"format": CSV}, params)


def export_csv_of(client, data, params=""):
    response = client.post(EXPORT_URL + params, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def export_xlsx(client):
    response = client.post(EXPORT_URL, {"format": XLSX})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return sheet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62811", "'+62811"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Budi", "Budi"),
        (60, 60),
    ],
)
def test_escape_formula_covers_the_four_characters(value, expected):
    assert escape_formula(value) == expected


@pytest.fixture
def formula_rts(db):
    factories.make_rt(kelurahan="Buluran Kenali", number=1, ketua_name="=1+1", phone="+62811")
    factories.make_rt(kelurahan="Buluran Kenali", number=2, ketua_name="@SUM(A1)", phone="-5")
    factories.make_rt(kelurahan="Buluran Kenali", number=10, ketua_name="Budi", phone="0812")


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(client, kelurahan_officer, formula_rts):
    client.force_login(kelurahan_officer)

    rows = export_csv(client)

    assert rows[0] == [
        "kecamatan",
        "kelurahan",
        "nomor RT",
        "ketua",
        "telepon",
        "jumlah KK",
        "kategori",
    ]
    assert rows[1] == ["Telanaipura", "Buluran Kenali", "1", "'=1+1", "'+62811", "60", "Sedang"]
    assert rows[2][3:5] == ["'@SUM(A1)", "'-5"]
    assert rows[3][3:5] == ["Budi", "0812"]
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


@pytest.mark.django_db
def test_xlsx_export_has_no_formula_cells_and_keeps_numbers(client, kelurahan_officer, formula_rts):
    client.force_login(kelurahan_officer)

    sheet = export_xlsx(client)

    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert [c.value for c in sheet[2]] == [
        "Telanaipura",
        "Buluran Kenali",
        1,
        "'=1+1",
        "'+62811",
        60,
        "Sedang",
    ]
    assert sheet["D3"].value == "'@SUM(A1)"


@pytest.mark.django_db
def test_export_is_ordered_by_kecamatan_kelurahan_and_rt_number(client, admin_dpmppa):
    for number in (10, 2, 1):
        factories.make_rt(kelurahan="Buluran Kenali", number=number)
    factories.make_rt(kelurahan="Simpang IV Sipin", number=3)
    client.force_login(admin_dpmppa)

    rows = export_csv(client)

    assert [(r[1], r[2]) for r in rows[1:]] == [
        ("Simpang IV Sipin", "3"),
        ("Buluran Kenali", "1"),
        ("Buluran Kenali", "2"),
        ("Buluran Kenali", "10"),
    ]


@pytest.mark.django_db
def test_export_follows_the_list_filter_but_never_leaves_scope(
    client, kelurahan_officer, rt_in_scope, rt_out_of_scope
):
    client.force_login(kelurahan_officer)

    unfiltered = export_csv(client)
    forged = export_csv(client, f"?kelurahan__id__exact={rt_out_of_scope.kelurahan_id}")

    assert [r[1] for r in unfiltered[1:]] == ["Buluran Kenali"]
    # A single-choice filter is not offered and its parameter dropped: still only the scope.
    assert [r[1] for r in forged[1:]] == ["Buluran Kenali"]


@pytest.mark.django_db
def test_export_of_selected_rows_exports_exactly_those_rows(client, kelurahan_officer):
    chosen = [factories.make_rt(kelurahan="Buluran Kenali", number=n) for n in (1, 7)]
    factories.make_rt(kelurahan="Buluran Kenali", number=3)  # in scope, not ticked
    client.force_login(kelurahan_officer)

    rows = export_csv_of(client, {"format": CSV, "export_items": [rt.pk for rt in chosen]})

    assert [(r[1], r[2]) for r in rows[1:]] == [("Buluran Kenali", "1"), ("Buluran Kenali", "7")]


@pytest.mark.django_db
def test_export_of_selected_rows_refuses_ids_outside_scope(
    client, kelurahan_officer, rt_in_scope, rt_out_of_scope
):
    client.force_login(kelurahan_officer)

    response = client.post(
        EXPORT_URL,
        {"format": CSV, "export_items": [rt_in_scope.pk, rt_out_of_scope.pk]},
    )

    # No file: the form comes back saying the forged row is not one of the choices.
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert f"{rt_out_of_scope.pk} bukan salah satu dari pilihan yang tersedia" in (
        response.content.decode()
    )
    assert "Kenali Asam" not in response.content.decode()


@pytest.mark.django_db
def test_export_page_is_indonesian(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    page = client.get(EXPORT_URL).content.decode()

    assert "Format berkas" in page and "Unduh" in page
    assert "Submit" not in page


def count_export_queries(client, rts):
    for number in range(1, rts + 1):
        factories.make_rt(kelurahan="Buluran Kenali", number=number + 100 * rts)
    with CaptureQueriesContext(connection) as ctx:
        for file_format in (CSV, XLSX):
            assert client.post(EXPORT_URL, {"format": file_format}).status_code == 200
    return len(ctx)


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_rows(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    small = count_export_queries(client, 3)
    large = count_export_queries(client, 40)

    assert small == large


@pytest.mark.django_db
def test_export_form_offers_xlsx_first(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    form = client.get(EXPORT_URL).context["form"]

    assert dict(form.fields["format"].choices)[form.fields["format"].initial] == "xlsx"

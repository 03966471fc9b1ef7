"""A kelurahan officer imports an RT file in the browser and sees only their kelurahan."""

from rt_registry.models import RT
from tests import factories
from tests.e2e.conftest import login
from tests.rt_registry.importfiles import csv_bytes


def test_kelurahan_officer_imports_rt_file_and_sees_only_own_kelurahan(
    page, kelurahan_officer, rt_out_of_scope
):
    rows = [
        ("Telanaipura", "Buluran Kenali", "1", "Ahmad", "081211110001", "45"),
        ("Telanaipura", "Buluran Kenali", "2", "Siti", "081211110002", "72"),
        ("Telanaipura", "Buluran Kenali", "10", "Budi", "081211110010", "130"),
    ]

    login(page, "kel.uji", factories.PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.goto("/admin/rt_registry/rt/")
    page.click("text=Impor")
    page.set_input_files(
        "#id_import_file",
        files=[
            {"name": "rt-buluran-kenali.csv", "mimeType": "text/csv", "buffer": csv_bytes(rows)}
        ],
    )
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit][value='Periksa berkas (pratinjau)']")

    page.wait_for_selector("text=Pratinjau")
    assert "3 RT baru" in page.inner_text(".import-summary")
    assert RT.objects.filter(kelurahan__name="Buluran Kenali").count() == 0  # not yet

    page.click("input[name=confirm]")
    page.wait_for_selector("text=Impor selesai")

    table = page.inner_text("#result_list")
    assert "RT 01" in table and "RT 02" in table and "RT 10" in table
    # Numeric order: RT 2 before RT 10.
    assert table.index("RT 02") < table.index("RT 10")
    assert "Kenali Asam" not in page.content()
    assert page.inner_text("#content h1") == "RT Kelurahan Buluran Kenali"
    assert sorted(
        RT.objects.filter(kelurahan__name="Buluran Kenali").values_list("number", flat=True)
    ) == [1, 2, 10]

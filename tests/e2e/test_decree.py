"""Admin DPMPPA turns a decided cycle into a final decree and downloads it."""

import hashlib

from awards.models import Decree
from tests import factories
from tests.e2e.conftest import login

WINNERS = [("Buluran Kenali", 5, 132, "Hj. Siti Aminah"), ("Kenali Asam", 3, 40, "Rudi")]


def test_admin_creates_finalises_and_downloads_the_decree(
    page, live_server, admin_dpmppa, assessor, immediate_tasks, tmp_path
):
    cycle = factories.make_decided_cycle(winners=WINNERS, assessor=assessor, by=admin_dpmppa)

    login(page, "admin.uji", factories.PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.goto("/admin/awards/decree/add/")
    page.select_option("select[name=cycle]", str(cycle.pk))
    page.locator("input[type=submit][value='Buat draf SK']").click()
    page.wait_for_selector(".messagelist")
    assert "Draf SK dibuat" in page.inner_text(".messagelist")
    assert "Undang-Undang Nomor 9 Tahun 1956" in page.input_value("textarea[name=mengingat]")

    page.fill("input[name=number]", "512 TAHUN 2026")
    page.fill("input[name=decided_on]", "20/11/2026")
    page.fill("input[name=signatory_name]", "Maulana")
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist")
    decree = Decree.objects.get()
    assert decree.number == "512 TAHUN 2026" and decree.decided_on.day == 20

    page.get_by_role("link", name="Finalkan SK…").click()
    assert "Rp 15.000.000" in page.inner_text("#content")
    page.locator("input[type=submit][value='Finalkan SK']").click()
    page.wait_for_url("**/dokumen/**")
    page.wait_for_selector("#job-download:not(.d-none)")
    with page.expect_download() as download_info:
        page.click("#job-download")
    path = tmp_path / "sk.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    decree.refresh_from_db()
    assert decree.status == "FINAL"
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == decree.pdf_sha256

    page.goto(f"/admin/awards/decree/{decree.pk}/change/")
    assert page.locator("textarea[name=tentang]").count() == 0  # read-only now
    with page.expect_download() as again:
        page.get_by_role("link", name="Unduh PDF final").first.click()
    again.value.save_as(tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == data

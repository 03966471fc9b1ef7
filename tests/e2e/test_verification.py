"""Browser: a certificate's QR code leads to its public verification page."""

import io
import re

import pytest
from pypdf import PdfReader

from awards import certificates
from awards.qr import qr_png_data_uri
from tests import factories

# The live server needs committed rows; serialized_rollback puts the migrated data
# (kecamatan, kelurahan, indicators) back after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def certificate(live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    cycle = factories.make_cycle(year=2024, period=1, stage="DITETAPKAN")
    award = factories.make_winner(
        cycle=cycle, kelurahan="Buluran Kenali", number=5, kk_count=132, ketua_name="Sutrisno"
    )
    factories.make_decree(cycle=cycle, number="188 TAHUN 2024")
    return award


def test_qr_address_on_the_certificate_opens_its_verification_page(page, certificate):
    pdf = certificates.certificate_pdf_for_award(certificate)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    # The address printed under the QR code, and the QR code itself, carry the same URL.
    url = re.search(r"(http://\S+/verifikasi/[0-9A-Z]+)", text).group(1)
    html = certificates.render_certificate_html([certificate])
    assert qr_png_data_uri(url) in html

    page.goto(url)

    status = page.locator("#status")
    assert "Piagam terdaftar dan berlaku" in status.inner_text()
    recipient = page.locator("#recipient").inner_text()
    assert "RUKUN TETANGGA (RT) 05" in recipient
    assert "KELURAHAN BULURAN KENALI" in recipient
    assert "KATEGORI BESAR" in page.locator("#predicate").inner_text()
    certificate.refresh_from_db()
    assert certificate.certificate_sha256 in page.content()

    # On a phone, the short code typed by hand (lowercase, with the dash) finds it too.
    code = certificate.certificate_code
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/verifikasi/")
    page.fill("#kode", f"{code[:5].lower()}-{code[5:].lower()}")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/verifikasi/{code}")
    assert "RUKUN TETANGGA (RT) 05" in page.locator("#recipient").inner_text()

"""Certificate batches in chunks (issue 10): the joined PDF is the same pages in the same
order, each RT's stored page is its own, the QR code is a PNG that still encodes the
verification address, and the emblem is rasterised once."""

import base64
import io
import os

import pytest
from PIL import Image
from pypdf import PdfReader

from awards import certificates
from awards.models import Award
from awards.qr import make_qr, qr_png_data_uri
from documents import pdf
from tests import factories

pytestmark = pytest.mark.django_db


def page_texts(data):
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def five_winners():
    cycle = factories.make_cycle(year=2024, period=1, stage="DITETAPKAN")
    for number in (5, 1, 4, 2, 3):
        factories.make_winner(cycle=cycle, kelurahan="Telanaipura", number=number)
    factories.make_decree(cycle=cycle)
    return list(certificates.awards_for_certificates(Award.objects.filter(cycle=cycle)))


def test_batch_over_several_chunks_keeps_one_page_per_rt_in_order(five_winners, monkeypatch):
    monkeypatch.setattr(certificates, "CHUNK_PAGES", 2)

    data = certificates.render_certificate_pdf(five_winners, title="Uji potongan")

    texts = page_texts(data)
    assert len(texts) == 5
    for number, text in enumerate(texts, start=1):
        assert f"RUKUN TETANGGA (RT) {number:02d}" in text
    assert PdfReader(io.BytesIO(data)).metadata.title == "Uji potongan"


def test_batch_job_stores_each_rt_its_own_page_across_chunks(
    five_winners, admin_dpmppa, monkeypatch
):
    from documents.models import DocumentJob

    monkeypatch.setattr(certificates, "CHUNK_PAGES", 2)
    cycle = five_winners[0].cycle
    job = DocumentJob.objects.create(
        kind="certificates", subject=f"certificates:cycle:{cycle.pk}", requested_by=admin_dpmppa
    )

    filename, data = certificates.render_certificates_job(job)

    assert len(page_texts(data)) == 5
    for award in Award.objects.filter(cycle=cycle).select_related("proposal"):
        with award.certificate_pdf.open("rb") as f:
            (text,) = page_texts(f.read())
        assert f"RUKUN TETANGGA (RT) {award.proposal.rt_number:02d}" in text
    job.refresh_from_db()
    assert (job.progress, job.total) == (5, 5)


def test_png_qr_code_draws_exactly_the_modules_of_the_verification_url():
    url = "https://bantar.test/verifikasi/ABCDE23456"
    uri = qr_png_data_uri(url)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")
    matrix = make_qr(url).matrix
    scale, border = 1, 2
    assert image.size == ((len(matrix) + 2 * border) * scale,) * 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            centre = ((x + border) * scale + scale // 2, (y + border) * scale + scale // 2)
            # One pixel per module: the PDF draws it scaled up without interpolation.
            assert (image.getpixel(centre) < 128) == bool(dark), (x, y)


def test_emblem_is_rasterised_once_per_file_version(tmp_path):
    svg = tmp_path / "lambang.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10" fill="#c00"/></svg>'
    )
    first = pdf.emblem_png_data_uri(svg, height_mm=23)
    hits = pdf._rasterised.cache_info().hits
    assert pdf.emblem_png_data_uri(svg, height_mm=23) is first
    assert pdf._rasterised.cache_info().hits == hits + 1
    png = Image.open(io.BytesIO(base64.b64decode(first.split(",", 1)[1])))
    assert png.size[1] == round(23 / 25.4 * 300)  # print resolution, 300 dpi

    svg.write_text(svg.read_text().replace("#c00", "#00c"))
    os.utime(svg, ns=(svg.stat().st_atime_ns, svg.stat().st_mtime_ns + 10**9))
    assert pdf.emblem_png_data_uri(svg, height_mm=23) != first  # a replaced file is drawn anew

"""«Identitas dokumen»: the official emblems and names every document prints, the
placeholders' CONTOH mark, and the refusals that keep a final SK official."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.identity import emblem_path, is_private_host, validate_emblem
from awards.issuing import create_draft_decree, decree_lampiran, finalise_decree
from awards.models import Decree, DocumentIdentity
from awards.pdf import render_decree_html
from tests import factories

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def draft(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(
        winners=[("Buluran Kenali", 5, 132)], assessor=assessor, by=admin_dpmppa
    )
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.signatory_name = "Maulana"
    decree.number = "12 TAHUN 2026"
    decree.decided_on = datetime.date(2026, 11, 29)
    decree.save()
    return decree


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_emblem_path_is_the_placeholder_until_the_official_file_is_uploaded(db):
    assert emblem_path("garuda").name == "garuda.svg"
    assert emblem_path("lambang").name == "lambang-kota-jambi.svg"
    factories.make_document_identity()
    assert emblem_path("garuda").suffix == ".png"
    assert emblem_path("garuda").read_bytes().startswith(b"\x89PNG")


def test_svg_with_script_is_refused_even_when_named_png(db):
    with pytest.raises(ValidationError, match="bukan gambar PNG atau JPEG"):
        validate_emblem(upload("garuda.png", SVG_WITH_SCRIPT))


def test_too_small_and_too_big_emblems_are_refused(db, settings):
    with pytest.raises(ValidationError, match="terlalu kecil"):
        validate_emblem(upload("kecil.png", factories.png_bytes(width=100, height=100)))
    big = upload("besar.png", factories.png_bytes())
    big.size = 3 * 1024 * 1024
    with pytest.raises(ValidationError, match="terlalu besar"):
        validate_emblem(big)
    validate_emblem(upload("pas.png", factories.png_bytes()))  # 600 px: accepted


def test_draft_with_placeholders_carries_contoh_and_official_one_does_not(draft):
    html = render_decree_html(draft, lampiran=decree_lampiran(draft))
    assert "CONTOH" in html and 'src="img/garuda.svg"' in html
    factories.make_document_identity()
    html = render_decree_html(draft, lampiran=decree_lampiran(draft))
    assert "CONTOH" not in html
    assert 'src="data:image/png;base64,' in html


def test_finalise_refused_while_placeholders_are_in_use_and_says_where(
    draft, admin_dpmppa, settings
):
    settings.BANTAR_REQUIRE_OFFICIAL_EMBLEMS = True
    with pytest.raises(ValidationError, match="Unggah lambang resmi di Admin › Identitas dokumen"):
        finalise_decree(draft, by=admin_dpmppa)
    assert Decree.objects.get(pk=draft.pk).status == "DRAFT"
    factories.make_document_identity()
    assert finalise_decree(draft, by=admin_dpmppa).status == "FINAL"


def test_finalise_refuses_a_private_public_base_url_outside_debug(draft, admin_dpmppa, settings):
    settings.DEBUG = False
    settings.PUBLIC_BASE_URL = "http://192.168.1.20:8000"
    with pytest.raises(ValidationError, match="PUBLIC_BASE_URL"):
        finalise_decree(draft, by=admin_dpmppa)
    assert Decree.objects.get(pk=draft.pk).status == "DRAFT"


@pytest.mark.parametrize(
    ("url", "private"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("https://10.0.0.5", True),
        ("http://[::1]:8000", True),
        ("http://bantar-server", True),
        ("https://bantar.jambikota.go.id", False),
        ("https://36.66.12.34", False),
    ],
)
def test_private_and_public_addresses_are_told_apart(url, private):
    assert is_private_host(url) is private


def test_admin_dpmppa_uploads_the_emblems_once_and_history_keeps_it(client, admin_dpmppa):
    client.force_login(admin_dpmppa)
    assert client.get(reverse("admin:awards_documentidentity_changelist")).url.endswith("/add/")
    response = client.post(
        reverse("admin:awards_documentidentity_add"),
        {
            "garuda": upload("garuda.png", factories.png_bytes()),
            "lambang": upload("lambang.png", factories.png_bytes()),
            "kop_address": "Jl. Uji No. 1, Kota Jambi",
            "head_name": "Dra. Kepala",
            "head_rank": "Pembina Utama Muda (IV/c)",
            "head_nip": "197001011990032001",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    identity = DocumentIdentity.objects.get()
    assert identity.history.count() == 1
    assert client.get(reverse("admin:awards_documentidentity_changelist")).url.endswith(
        f"/{identity.pk}/change/"
    )


def test_admin_refuses_an_svg_upload_and_keeps_nothing(client, admin_dpmppa):
    client.force_login(admin_dpmppa)
    response = client.post(
        reverse("admin:awards_documentidentity_add"),
        {"garuda": upload("garuda.svg", SVG_WITH_SCRIPT), "kop_address": "Kota Jambi"},
    )
    assert response.status_code == 200
    assert "bukan gambar PNG atau JPEG" in response.content.decode()
    assert not DocumentIdentity.objects.exists()


def test_officers_cannot_open_the_identity_admin(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = client.get(reverse("admin:awards_documentidentity_add"))
    assert response.status_code in (302, 403)

"""Public verification: /verifikasi/ and /verifikasi/<code> for certificates and decrees."""

import datetime

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends import locmem
from django.urls import reverse

from awards import certificates, throttle
from awards.issuing import compute_basis_fingerprint
from awards.models import Decree
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cycle():
    return factories.make_cycle(year=2024, period=1, stage="DITETAPKAN")


@pytest.fixture
def award(cycle):
    return factories.make_winner(
        cycle=cycle, kelurahan="Buluran Kenali", number=5, kk_count=132, ketua_name="Sutrisno"
    )


def verify_url(code):
    return reverse("awards:verify", kwargs={"code": code})


def test_certificate_page_shows_what_the_paper_says(client, cycle, award):
    factories.make_decree(cycle=cycle, number="188 TAHUN 2024")

    response = client.get(verify_url(award.certificate_code))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Piagam terdaftar dan berlaku" in html
    assert "RUKUN TETANGGA (RT) 05" in html
    assert "KELURAHAN BULURAN KENALI" in html
    assert "KECAMATAN TELANAIPURA" in html
    assert "KATEGORI BESAR TAHUN 2024 PERIODE I" in html
    assert "Rp 10.000.000" in html
    assert "Nomor 188 Tahun 2024 tanggal 19 Agustus 2024" in html
    assert "Sutrisno" in html
    assert "belum diterbitkan secara digital" in html


def test_certificate_page_shows_the_stored_file_sha256(client, cycle, award):
    factories.make_decree(cycle=cycle)
    certificates.certificate_pdf_for_award(award)
    award.refresh_from_db()

    response = client.get(verify_url(award.certificate_code))

    assert award.certificate_sha256
    assert award.certificate_sha256 in response.content.decode()


def test_verification_needs_no_login(client, cycle, award):
    factories.make_decree(cycle=cycle)

    response = client.get(verify_url(award.certificate_code))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_unknown_code_says_so_in_indonesian_with_404(client):
    response = client.get(verify_url("ZZZZZZZZZZ"))

    assert response.status_code == 404
    html = response.content.decode()
    assert "Kode tidak ditemukan" in html
    assert "ZZZZZZZZZZ" in html


def test_code_is_normalised_from_case_spaces_and_dashes(client, cycle, award):
    factories.make_decree(cycle=cycle)
    code = award.certificate_code
    typed = f" {code[:5].lower()}-{code[5:].lower()} "

    response = client.get(reverse("awards:verify-form"), {"kode": typed})

    assert response.status_code == 302
    assert response["Location"] == verify_url(code)
    messy = client.get(verify_url(f"{code[:5].lower()}-{code[5:]}"))
    assert messy.status_code == 302 and messy["Location"] == verify_url(code)


def test_empty_form_asks_for_a_code(client):
    response = client.get(reverse("awards:verify-form"), {"kode": " - "})

    assert response.status_code == 200
    assert "Masukkan kode verifikasi" in response.content.decode()


def test_form_page_opens_without_login(client):
    response = client.get(reverse("awards:verify-form"))

    assert response.status_code == 200
    assert 'name="kode"' in response.content.decode()


def finalise_behind_the_scenes(decree):
    """The same decree row made final, so a test can show its draft status was the reason."""
    Decree.objects.filter(pk=decree.pk).update(
        status="FINAL", number="188 TAHUN 2024", decided_on=datetime.date(2024, 8, 19)
    )


def test_draft_decree_qr_says_draft_not_in_force_rather_than_unknown(client, cycle):
    decree = factories.make_decree(cycle=cycle, status="DRAFT")

    draft = client.get(verify_url(decree.verification_code))
    finalise_behind_the_scenes(decree)
    final = client.get(verify_url(decree.verification_code))

    html = draft.content.decode()
    assert draft.status_code == 200
    assert "DRAF — belum berlaku" in html
    assert "tidak ditemukan" not in html and "tidak terdaftar" not in html
    # Nothing on the draft's page reads as a decree in force; the same row made final does.
    assert "Berlaku" not in html and "decree-number" not in html
    assert final.status_code == 200
    assert "SK terdaftar dan berlaku" in final.content.decode()


def test_certificate_of_a_cycle_with_only_a_draft_decree_is_not_verifiable(client, cycle, award):
    decree = factories.make_decree(cycle=cycle, status="DRAFT")

    draft = client.get(verify_url(award.certificate_code))
    finalise_behind_the_scenes(decree)
    final = client.get(verify_url(award.certificate_code))

    assert draft.status_code == 404
    assert "Kode tidak ditemukan" in draft.content.decode()
    assert final.status_code == 200
    assert "Piagam terdaftar dan berlaku" in final.content.decode()


def test_decree_page_shows_number_date_count_total_and_sha(client, cycle, award):
    factories.make_winner(cycle=cycle, kelurahan="Telanaipura", number=3, kk_count=40)
    decree = factories.make_decree(
        cycle=cycle,
        number="188 TAHUN 2024",
        basis_fingerprint=compute_basis_fingerprint(cycle),
    )
    factories.store_pdf(record=decree, field="pdf", sha_field="pdf_sha256")

    response = client.get(verify_url(decree.verification_code))

    assert response.status_code == 200
    html = response.content.decode()
    assert "SK terdaftar dan berlaku" in html
    assert 'id="decree-number">188 Tahun 2024<' in html  # not "Nomor Nomor 188 …"
    assert "Nomor Nomor" not in html
    assert "19 Agustus 2024" in html
    assert "Penetapan Rukun Tetangga Pemenang" in html
    assert "2 RT" in html
    assert "Rp 15.000.000" in html
    assert decree.pdf_sha256 in html
    assert "Data penilaian tidak berubah sejak SK ditetapkan" in html


def test_decree_page_warns_when_the_basis_changed(client, cycle, award):
    decree = factories.make_decree(cycle=cycle, basis_fingerprint="0" * 64)

    html = client.get(verify_url(decree.verification_code)).content.decode()

    assert "Data penilaian tidak berubah" not in html
    assert "Peringatan: data penilaian" in html
    # Both fingerprints are shown: the recorded one and the one recomputed now.
    assert "0" * 64 in html
    assert compute_basis_fingerprint(cycle) in html


def test_revoked_decree_says_so_and_names_the_revoking_decree(client, cycle, award):
    old = factories.make_decree(cycle=cycle, status="REVOKED", number="188 TAHUN 2024")
    factories.make_decree(
        cycle=cycle,
        number="201 TAHUN 2024",
        decided_on=old.decided_on.replace(month=10, day=1),
        amends=old,
        correction=Decree.Correction.MENCABUT,
    )

    response = client.get(verify_url(old.verification_code))

    assert response.status_code == 200
    html = response.content.decode()
    assert "SK INI TELAH DICABUT" in html
    assert "Nomor 201 Tahun 2024" in html
    assert "1 Oktober 2024" in html
    assert "SK terdaftar dan berlaku" not in html


def test_certificate_under_a_revoked_decree_says_it_no_longer_stands(client, cycle, award):
    old = factories.make_decree(cycle=cycle, status="REVOKED", number="188 TAHUN 2024")
    factories.make_decree(
        cycle=cycle, number="201 TAHUN 2024", amends=old, correction=Decree.Correction.MENCABUT
    )

    html = client.get(verify_url(award.certificate_code)).content.decode()

    assert "PIAGAM INI TIDAK BERLAKU" in html
    assert "Nomor 188 Tahun 2024" in html
    assert "Nomor 201 Tahun 2024" in html
    assert "Piagam terdaftar dan berlaku" not in html


def test_certificate_after_an_amending_decree_cites_the_amendment(client, cycle, award):
    old = factories.make_decree(cycle=cycle, number="188 TAHUN 2024")
    factories.make_decree(
        cycle=cycle,
        number="201 TAHUN 2024",
        decided_on=old.decided_on.replace(month=10, day=1),
        amends=old,
        correction=Decree.Correction.MENGUBAH,
    )

    html = client.get(verify_url(award.certificate_code)).content.decode()

    assert "Piagam terdaftar dan berlaku" in html
    assert "Nomor 201 Tahun 2024 tanggal 1 Oktober 2024" in html


def test_repeated_unknown_codes_are_throttled_per_address(client, settings, cycle, award):
    settings.VERIFY_MISS_LIMIT = 3
    factories.make_decree(cycle=cycle)
    for i in range(3):
        assert client.get(verify_url(f"AAAAAAAAA{i + 2}")).status_code == 404

    blocked = client.get(verify_url(award.certificate_code))
    other_address = client.get(verify_url(award.certificate_code), REMOTE_ADDR="203.0.113.9")

    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.content.decode()
    assert other_address.status_code == 200


def test_genuine_lookups_are_never_throttled(client, settings, cycle, award):
    settings.VERIFY_MISS_LIMIT = 2
    factories.make_decree(cycle=cycle)

    statuses = {client.get(verify_url(award.certificate_code)).status_code for _ in range(5)}

    assert statuses == {200}


def test_throttle_uses_the_proxys_forwarded_address_not_a_forged_one(client, settings):
    settings.VERIFY_MISS_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    # Behind our proxy (REMOTE_ADDR 127.0.0.1) the last X-Forwarded-For entry is the client;
    # the client may prepend anything, it does not change the last entry.
    for forged in ("1.1.1.1", "2.2.2.2"):
        client.get(verify_url("AAAAAAAAAA"), HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.7")

    same_client = client.get(verify_url("AAAAAAAAAB"), HTTP_X_FORWARDED_FOR="198.51.100.7")
    other_client = client.get(verify_url("AAAAAAAAAB"), HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert same_client.status_code == 429
    assert other_client.status_code == 404


def test_without_a_trusted_proxy_forwarded_for_cannot_dodge_the_throttle(client, settings):
    settings.VERIFY_MISS_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 0
    for forged in ("198.51.100.1", "198.51.100.2"):
        client.get(verify_url("AAAAAAAAAA"), REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=forged)

    again = client.get(
        verify_url("AAAAAAAAAB"), REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.3"
    )

    assert again.status_code == 429


def forget_this_process():
    """What another worker process does not share with this one: its in-process caches."""
    locmem._caches.clear()
    locmem._expire_info.clear()
    locmem._locks.clear()


def test_misses_counted_by_one_worker_process_throttle_the_next(client, settings, monkeypatch):
    settings.VERIFY_MISS_LIMIT = 2
    monkeypatch.setattr(throttle, "cache", caches.create_connection("default"))
    for code in ("AAAAAAAAAA", "AAAAAAAAAB"):
        client.get(verify_url(code), REMOTE_ADDR="198.51.100.7")

    forget_this_process()
    monkeypatch.setattr(throttle, "cache", caches.create_connection("default"))
    same_address = client.get(verify_url("AAAAAAAAAC"), REMOTE_ADDR="198.51.100.7")
    other_address = client.get(verify_url("AAAAAAAAAC"), REMOTE_ADDR="198.51.100.8")

    assert same_address.status_code == 429
    assert other_address.status_code == 404


def test_overlong_code_is_unknown(client):
    response = client.get(verify_url("A" * 300))

    assert response.status_code == 404
    assert "Kode tidak ditemukan" in response.content.decode()


def test_amended_decree_still_stands_but_names_its_amendment(client, cycle, award):
    old = factories.make_decree(cycle=cycle, number="188 TAHUN 2024")
    factories.make_decree(
        cycle=cycle,
        number="201 TAHUN 2024",
        decided_on=old.decided_on.replace(month=10, day=1),
        amends=old,
        correction=Decree.Correction.MENGUBAH,
    )

    html = client.get(verify_url(old.verification_code)).content.decode()

    assert "SK terdaftar dan berlaku" in html
    assert "SK ini telah diubah" in html
    assert "Nomor 201 Tahun 2024 tanggal 1 Oktober 2024" in html


def test_decree_without_amendment_carries_no_amendment_notice(client, cycle, award):
    old = factories.make_decree(cycle=cycle, number="188 TAHUN 2024")

    response = client.get(verify_url(old.verification_code))

    html = response.content.decode()
    assert response.status_code == 200
    assert "SK terdaftar dan berlaku" in html
    assert 'id="decree-number">188 Tahun 2024<' in html
    assert "SK ini telah diubah" not in html


def test_certificate_after_an_amendment_also_names_the_decree_printed_before_it(
    client, cycle, award
):
    old = factories.make_decree(cycle=cycle, number="188 TAHUN 2024")
    factories.make_decree(
        cycle=cycle,
        number="201 TAHUN 2024",
        decided_on=old.decided_on.replace(month=10, day=1),
        amends=old,
        correction=Decree.Correction.MENGUBAH,
    )

    html = client.get(verify_url(award.certificate_code)).content.decode()

    assert "perubahan atas Keputusan Wali Kota Jambi Nomor 188 Tahun 2024" in html


def test_revoked_decree_names_the_revoking_decree_not_an_earlier_amendment(client, cycle, award):
    old = factories.make_decree(cycle=cycle, status="REVOKED", number="188 TAHUN 2024")
    factories.make_decree(
        cycle=cycle,
        number="201 TAHUN 2024",
        status="REVOKED",
        decided_on=old.decided_on.replace(month=9, day=1),
        amends=old,
        correction=Decree.Correction.MENGUBAH,
    )
    factories.make_decree(
        cycle=cycle,
        number="305 TAHUN 2024",
        decided_on=old.decided_on.replace(month=10, day=1),
        amends=old,
        correction=Decree.Correction.MENCABUT,
    )

    html = client.get(verify_url(old.verification_code)).content.decode()

    assert "Dicabut dengan Keputusan Wali Kota Jambi Nomor 305 Tahun 2024" in html
    assert "201 TAHUN 2024" not in html


def test_certificate_stands_on_nothing_once_the_amended_decree_is_revoked(client, cycle, award):
    # Recorded before revoking cascaded to amendments: the amendment still reads FINAL.
    old = factories.make_decree(cycle=cycle, status="REVOKED", number="188 TAHUN 2024")
    amending = factories.make_decree(
        cycle=cycle,
        number="201 TAHUN 2024",
        decided_on=old.decided_on.replace(month=9, day=1),
        amends=old,
        correction=Decree.Correction.MENGUBAH,
    )
    factories.make_decree(
        cycle=cycle,
        number="305 TAHUN 2024",
        decided_on=old.decided_on.replace(month=10, day=1),
        amends=old,
        correction=Decree.Correction.MENCABUT,
    )

    certificate = client.get(verify_url(award.certificate_code)).content.decode()
    amendment = client.get(verify_url(amending.verification_code)).content.decode()

    assert "PIAGAM INI TIDAK BERLAKU" in certificate
    assert "Nomor 188 Tahun 2024" in certificate
    assert "Nomor 305 Tahun 2024" in certificate
    assert "SK INI TELAH DICABUT" in amendment
    assert "Nomor 305 Tahun 2024" in amendment


# --- The server's stored copy (stored_files.integrity) ---------------------------------


@pytest.fixture
def stored_decree(cycle, award):
    decree = factories.make_decree(cycle=cycle, number="188 TAHUN 2024")
    return factories.store_pdf(record=decree, field="pdf", sha_field="pdf_sha256")


def test_decree_page_confirms_the_stored_file_matches(client, stored_decree):
    html = client.get(verify_url(stored_decree.verification_code)).content.decode()

    assert "SK terdaftar dan berlaku" in html
    assert "Berkas PDF SK yang tersimpan di server cocok dengan sidik jari ini." in html


def test_decree_page_says_the_stored_file_is_missing_instead_of_green(client, stored_decree):
    stored_decree.pdf.storage.delete(stored_decree.pdf.name)

    response = client.get(verify_url(stored_decree.verification_code))

    assert response.status_code == 200
    html = response.content.decode()
    assert "SK terdaftar dan berlaku" not in html
    assert "alert-success" not in html
    assert "berkas PDF SK yang tersimpan di server tidak ditemukan" in " ".join(html.split())
    assert "tidak ditemukan</strong>" in html


def test_decree_page_says_the_stored_file_changed(client, stored_decree):
    with open(stored_decree.pdf.path, "ab") as f:
        f.write(b"%% diubah")

    html = client.get(verify_url(stored_decree.verification_code)).content.decode()

    assert "SK terdaftar dan berlaku" not in html
    assert "tidak sama dengan sidik jari yang tercatat saat SK ditetapkan" in html
    assert "<strong>berbeda</strong> dari sidik jari yang tercatat" in html


def test_revoked_decree_with_a_missing_file_still_says_revoked_and_missing(client, cycle, award):
    decree = factories.make_decree(cycle=cycle, status="REVOKED", number="188 TAHUN 2024")
    factories.store_pdf(record=decree, field="pdf", sha_field="pdf_sha256")
    decree.pdf.storage.delete(decree.pdf.name)

    html = client.get(verify_url(decree.verification_code)).content.decode()

    assert "SK INI TELAH DICABUT" in html
    assert "tidak ditemukan</strong>" in html


def test_certificate_page_says_its_stored_file_is_missing(client, stored_decree, award):
    factories.store_pdf(record=award, field="certificate_pdf", sha_field="certificate_sha256")
    award.certificate_pdf.storage.delete(award.certificate_pdf.name)

    html = client.get(verify_url(award.certificate_code)).content.decode()

    assert "Piagam terdaftar dan berlaku" not in html
    assert "Piagam terdaftar, tetapi berkas PDF-nya di server bermasalah" in html
    assert "Berkas PDF piagam yang tersimpan di server <strong>tidak ditemukan" in " ".join(
        html.split()
    )


def test_certificate_page_says_its_stored_file_changed(client, stored_decree, award):
    factories.store_pdf(record=award, field="certificate_pdf", sha_field="certificate_sha256")
    with open(award.certificate_pdf.path, "wb") as f:
        f.write(b"%PDF palsu")

    html = client.get(verify_url(award.certificate_code)).content.decode()

    assert "Piagam terdaftar dan berlaku" not in html
    assert "tidak sama dengan sidik jari yang tercatat saat piagam diterbitkan" in html


def test_certificate_page_confirms_an_intact_stored_file(client, stored_decree, award):
    factories.store_pdf(record=award, field="certificate_pdf", sha_field="certificate_sha256")

    html = client.get(verify_url(award.certificate_code)).content.decode()

    assert "Piagam terdaftar dan berlaku" in html
    assert "Berkas PDF piagam yang tersimpan di server cocok dengan sidik jari ini." in html

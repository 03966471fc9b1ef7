"""The public verification page says who answers (Pemerintah Kota Jambi, DPMPPA, the
city's emblem), gives the answer as a large ✓ or ✗, and on "not found" whom to ask."""

import pytest
from django.core.cache import cache
from django.urls import reverse

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
    return factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=5)


def page(client, code):
    response = client.get(reverse("awards:verify", kwargs={"code": code}))
    return response, response.content.decode()


def test_valid_certificate_shows_the_city_and_a_tick(client, cycle, award):
    factories.make_decree(cycle=cycle)

    response, html = page(client, award.certificate_code)

    assert response.status_code == 200
    assert "Pemerintah Kota Jambi" in html
    assert "img/lambang-kota-jambi" in html and 'alt="Lambang Kota Jambi"' in html
    assert 'aria-label="Sah">✓<' in html
    assert "✗" not in html


def test_revoked_decree_shows_a_cross(client, cycle, award):
    old = factories.make_decree(cycle=cycle, status="REVOKED", number="188 TAHUN 2024")
    factories.make_decree(
        cycle=cycle, number="201 TAHUN 2024", amends=old, correction=Decree.Correction.MENCABUT
    )

    _, html = page(client, old.verification_code)

    assert 'aria-label="Tidak sah">✗<' in html
    assert "✓" not in html


def test_unknown_code_shows_a_cross_and_dpmppa_contact(client, settings):
    settings.DPMPPA_CONTACT = "Kantor DPMPPA, Jl. Uji No. 1\nTelepon (0741) 000000"

    response, html = page(client, "TIDAKADA")

    assert response.status_code == 404
    assert "Pemerintah Kota Jambi" in html
    assert 'aria-label="Tidak sah">✗<' in html
    assert "Kantor DPMPPA, Jl. Uji No. 1<br>Telepon (0741) 000000" in html


def test_contact_has_a_sensible_default():
    from django.conf import settings

    assert "DPMPPA Kota Jambi" in settings.DPMPPA_CONTACT

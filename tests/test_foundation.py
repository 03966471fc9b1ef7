import pytest
from django.urls import reverse

from rt_registry.models import Kecamatan, Kelurahan


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_wilayah_loaded_by_migration():
    assert Kecamatan.objects.count() == 11
    assert Kelurahan.objects.count() == 68
    assert Kelurahan.objects.get(code="15.71.01.1002").name == "Buluran Kenali"


@pytest.mark.django_db
def test_login_page_is_indonesian(client):
    response = client.get(reverse("login"))
    assert "Kata sandi" in response.content.decode()


@pytest.mark.django_db
def test_assessor_lands_on_assessment_home(client, assessor):
    client.force_login(assessor)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:assessor-home")


@pytest.mark.django_db
def test_officer_lands_on_the_dashboard(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("dashboards:dashboard")

"""Error pages speak Indonesian and never leak Django's English defaults."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_address_gives_indonesian_404(client, settings):
    settings.DEBUG = False
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_scope_denial_in_admin_is_an_indonesian_404(client, kelurahan_officer, rt_out_of_scope):
    client.force_login(kelurahan_officer)
    response = client.get(f"/admin/rt_registry/rt/{rt_out_of_scope.pk}/change/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


@pytest.mark.django_db
def test_expired_form_explains_itself_in_indonesian(kelurahan_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kelurahan_officer)
    response = client.post("/admin/rt_registry/rt/add/", {"number": "1"})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()


def test_server_error_page_renders_without_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Terjadi gangguan" in response.content.decode()

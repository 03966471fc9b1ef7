"""What a kelurahan officer reads when the RT form refuses their input: Indonesian, specific."""

import html

import pytest
from django.urls import reverse

from rt_registry.models import RT
from tests.rt_registry.test_scope_matrix import inline_management_data, rt_form

pytestmark = pytest.mark.django_db


def post_rt(client, rt, **changes):
    url = reverse("admin:rt_registry_rt_add")
    data = {**inline_management_data(client, url), **rt_form(rt, **changes)}
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its errors
    return html.unescape(response.content.decode())


def test_duplicate_rt_is_reported_as_already_existing(client, kelurahan_officer, rt_in_scope):
    client.force_login(kelurahan_officer)

    page = post_rt(client, rt_in_scope)

    assert "RT dengan Kelurahan dan Nomor RT ini sudah ada." in page
    assert "tidak ada" not in page
    assert RT.objects.count() == 1


def test_kk_count_zero_is_refused_with_a_readable_message(client, kelurahan_officer, rt_in_scope):
    client.force_login(kelurahan_officer)

    page = post_rt(client, rt_in_scope, number=77, kk_count=0)

    assert "Jumlah KK harus bilangan bulat minimal 1." in page
    assert "rt_kk_count_positive" not in page
    assert not RT.objects.filter(number=77).exists()


def test_rt_number_zero_is_refused_with_a_readable_message(client, kelurahan_officer, rt_in_scope):
    client.force_login(kelurahan_officer)

    page = post_rt(client, rt_in_scope, number=0)

    assert "Nomor RT harus bilangan bulat minimal 1." in page
    assert "rt_number_positive" not in page
    assert not RT.objects.filter(number=0).exists()

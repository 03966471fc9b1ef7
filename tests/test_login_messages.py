"""A wrong password is told once, in plain Indonesian: Django's catalogue wrote
"nama pengguna nama pengguna" (corrected in bantar/locale/id/)."""

import html

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("login", "Masukkan nama pengguna dan sandi yang benar."),
        ("admin:login", "Masukkan nama pengguna dan sandi yang benar untuk akun staf."),
    ],
)
def test_wrong_password_message_names_the_username_once(client, admin_dpmppa, url, expected):
    response = client.post(reverse(url), {"username": "admin.uji", "password": "salah-sekali"})

    page = html.unescape(response.content.decode())
    assert expected in page
    assert "nama pengguna nama pengguna" not in page.lower()
    assert "Please enter" not in page

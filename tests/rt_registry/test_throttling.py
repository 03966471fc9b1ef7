"""The client address behind our proxies, and the login limits keyed on it: 5 failures lock
a (username, address) pair, 20 failures from one address across usernames lock the address."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from rt_registry.throttling import client_ip
from tests import factories

LOGIN_URL = reverse("login")
PROXY = "127.0.0.1"
REAL_CLIENT = "198.51.100.7"
OTHER_CLIENT = "198.51.100.20"
SPOOFED = "203.0.113.66"


def request_from(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def login(client, username, password, *, remote_addr=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


# --- client_ip ----------------------------------------------------------------------------


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("203.0.113.5", forwarded=REAL_CLIENT)) == "203.0.113.5"


def test_behind_one_proxy_the_entry_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    request = request_from(PROXY, forwarded=f"{SPOOFED}, {REAL_CLIENT}")

    assert client_ip(request) == REAL_CLIENT


def test_behind_two_proxies_the_entry_the_outer_proxy_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    request = request_from(PROXY, forwarded=f"{SPOOFED}, {REAL_CLIENT}, 10.0.0.2")

    assert client_ip(request) == REAL_CLIENT


@pytest.mark.parametrize("forwarded", [None, "", "bukan-alamat"])
def test_missing_or_garbled_forwarded_for_falls_back_to_remote_addr(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(PROXY, forwarded=forwarded)) == PROXY


def test_fewer_entries_than_proxies_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    # One entry only: the request bypassed the outer proxy, the entry may be forged.
    assert client_ip(request_from(PROXY, forwarded=SPOOFED)) == PROXY


# --- django-axes behind the proxy ---------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    return settings


@pytest.mark.django_db
def test_failures_behind_the_proxy_lock_the_real_client_not_the_proxys_other_clients(
    client, axes_on, kelurahan_officer
):
    axes_on.TRUSTED_PROXY_COUNT = 1
    # The attacker forges a new first entry every time; nginx appends the real address.
    for i in range(5):
        login(client, "kel.uji", "salah", forwarded=f"203.0.113.{i}, {REAL_CLIENT}")

    from_attacker = login(client, "kel.uji", factories.PASSWORD, forwarded=REAL_CLIENT)
    assert from_attacker.status_code == 429
    assert not logged_in(client)
    from_real_user = login(client, "kel.uji", factories.PASSWORD, forwarded=OTHER_CLIENT)
    assert from_real_user.status_code == 302
    assert logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {REAL_CLIENT}


@pytest.mark.django_db
def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_lock(
    client, axes_on, kelurahan_officer
):
    axes_on.TRUSTED_PROXY_COUNT = 0
    for i in range(5):
        login(client, "kel.uji", "salah", remote_addr="203.0.113.5", forwarded=f"10.9.9.{i}")

    retry = login(
        client, "kel.uji", factories.PASSWORD, remote_addr="203.0.113.5", forwarded=OTHER_CLIENT
    )

    assert retry.status_code == 429
    assert not logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_locked_at_twenty_failures(
    client, axes_on, kelurahan_officer
):
    axes_on.TRUSTED_PROXY_COUNT = 1
    for i in range(20):
        login(client, f"tebakan{i}", "salah", forwarded=REAL_CLIENT)

    # A username it never tried, even with the right password, is refused from there.
    from_sprayer = login(client, "kel.uji", factories.PASSWORD, forwarded=REAL_CLIENT)
    assert from_sprayer.status_code == 429
    assert "Terlalu banyak percobaan masuk" in from_sprayer.content.decode()
    assert not logged_in(client)
    from_elsewhere = login(client, "kel.uji", factories.PASSWORD, forwarded=OTHER_CLIENT)
    assert from_elsewhere.status_code == 302


@pytest.mark.django_db
def test_nineteen_failures_across_usernames_do_not_lock_the_address(
    client, axes_on, kelurahan_officer
):
    axes_on.TRUSTED_PROXY_COUNT = 1
    for i in range(19):
        login(client, f"tebakan{i}", "salah", forwarded=REAL_CLIENT)

    response = login(client, "kel.uji", factories.PASSWORD, forwarded=REAL_CLIENT)

    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize("value", ["-1", "satu"])
def test_portal_refuses_to_start_with_a_bad_trusted_proxy_count(value):
    from tests.test_settings import run_settings

    result = run_settings("print('started')", DEBUG="1", TRUSTED_PROXY_COUNT=value)

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "TRUSTED_PROXY_COUNT harus bilangan bulat 0 atau lebih" in result.stderr

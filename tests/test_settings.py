"""Settings that keep production safe: secret key, cookies, session length, login
throttling, and the health check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

BASE_DIR = Path(__file__).resolve().parent.parent
LOGIN_URL = reverse("login")
WORKING_DAY = 10 * 60 * 60
PRODUCTION_VARIABLES = ("SECRET_KEY", "DEBUG", "PUBLIC_BASE_URL", "CONN_MAX_AGE")
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "PUBLIC_BASE_URL": "https://bantar.test"}


def run_settings(code, **env):
    """Load the settings in a fresh interpreter, as a server process would."""
    environ = {k: v for k, v in os.environ.items() if k not in PRODUCTION_VARIABLES}
    environ.update(DJANGO_SETTINGS_MODULE="bantar.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_settings("print('started')", DEBUG="0")

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "SECRET_KEY wajib diisi" in result.stderr


def test_starts_with_a_development_key_when_debug_is_on():
    result = run_settings("print('started')", DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_cookies_are_secure_and_http_only_outside_debug():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = run_settings(code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "False"]


def test_refuses_to_start_with_a_secret_key_shorter_than_50_characters():
    result = run_settings("print('started')", **{**PRODUCTION, "SECRET_KEY": "k" * 49})

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "SECRET_KEY terlalu pendek (49 karakter)" in result.stderr


def test_starts_with_a_secret_key_of_50_characters():
    result = run_settings("print('started')", **{**PRODUCTION, "SECRET_KEY": "k" * 50})

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_refuses_to_start_without_public_base_url_when_debug_is_off():
    production = {k: v for k, v in PRODUCTION.items() if k != "PUBLIC_BASE_URL"}
    result = run_settings("print('started')", **production)

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "PUBLIC_BASE_URL wajib diisi" in result.stderr


def test_refuses_a_public_base_url_that_is_not_a_full_address():
    result = run_settings(
        "print('started')", **{**PRODUCTION, "PUBLIC_BASE_URL": "bantar.jambikota.go.id"}
    )

    assert result.returncode != 0
    assert "PUBLIC_BASE_URL tidak sah" in result.stderr


def test_qr_codes_lead_to_the_configured_public_address():
    code = "from awards.qr import verification_url; print(verification_url('ABCDE23456'))"
    result = run_settings(code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://bantar.test/verifikasi/ABCDE23456"


def test_production_keeps_database_connections_open_and_checks_them():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    production = run_settings(code, **PRODUCTION)
    development = run_settings(code, DEBUG="1")
    chosen = run_settings(code, **PRODUCTION, CONN_MAX_AGE="5")

    assert production.stdout.split() == ["60", "True"], production.stderr
    assert development.stdout.split() == ["0", "True"], development.stderr
    assert chosen.stdout.split() == ["5", "True"], chosen.stderr


@pytest.mark.django_db
def test_healthz_answers_plain_http_while_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    health = client.get("/healthz")
    login = client.get(LOGIN_URL)

    assert health.status_code == 200
    assert login.status_code == 301
    assert login["Location"].startswith("https://")


def test_session_ends_within_one_working_day():
    assert 0 < settings.SESSION_COOKIE_AGE <= WORKING_DAY


@pytest.mark.django_db
def test_login_session_cookie_expires_within_one_working_day(client, kelurahan_officer):
    response = client.post(LOGIN_URL, {"username": "kel.uji", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert 0 < int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) <= WORKING_DAY
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


def attempt(client, username, password, address):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_five_failed_logins_lock_that_username_from_that_address(
    client, settings, kelurahan_officer
):
    settings.AXES_ENABLED = True
    for _ in range(4):
        assert attempt(client, "kel.uji", "salah", "10.0.0.1").status_code == 200
    # The fifth failure locks the pair; the lockout page says so in Indonesian.
    fifth = attempt(client, "kel.uji", "salah", "10.0.0.1")
    assert fifth.status_code == 429
    assert "Terlalu banyak percobaan masuk" in fifth.content.decode()

    locked = attempt(client, "kel.uji", factories.PASSWORD, "10.0.0.1")

    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_username_and_address(client, settings, kelurahan_officer):
    settings.AXES_ENABLED = True
    factories.make_user(username="kel.lain2", role="Petugas Kelurahan", kelurahan="Telanaipura")
    for _ in range(5):
        attempt(client, "kel.uji", "salah", "10.0.0.1")

    other_address = attempt(client, "kel.uji", factories.PASSWORD, "10.0.0.2")
    client.logout()
    other_user = attempt(client, "kel.lain2", factories.PASSWORD, "10.0.0.1")

    assert other_address.status_code == 302
    assert other_user.status_code == 302


@pytest.mark.django_db
def test_four_failures_do_not_lock(client, settings, kelurahan_officer):
    settings.AXES_ENABLED = True
    for _ in range(4):
        attempt(client, "kel.uji", "salah", "10.0.0.1")

    assert attempt(client, "kel.uji", factories.PASSWORD, "10.0.0.1").status_code == 302


@pytest.mark.django_db
def test_healthz_answers_200_with_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_database_does_not(client, monkeypatch):
    from rt_registry import views

    def broken_cursor():
        raise views.connection.OperationalError("database is down")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"

"""Playwright against Debian's Chromium (/usr/bin/chromium) and pytest-django's live
server. Without Chromium the browser tests skip locally; in CI (CI=true) they fail."""

import os
import shutil

import pytest

from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # The live server flushes the database after each test, which would drop the
            # migrated kelurahan and indicators for the next one: restore them each time.
            if item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    # The live server builds its middleware once, at start: set these before it starts.
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.AXES_ENABLED = False


@pytest.fixture(scope="session", autouse=True)
def _serialized_data_on_every_connection(django_db_setup):
    # Playwright's sync API runs an event loop in this thread, and Django then hands out a
    # connection object per async context. A new one lacks the copy of the migrated data
    # that serialized_rollback restores after each flush: keep it on the class instead.
    from django.db import connections

    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        type(connection)._test_serialized_contents = contents


@pytest.fixture(scope="session")
def _chromium():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium tidak ditemukan di {CHROMIUM}; CI wajib menjalankan uji browser."
            )
        pytest.skip(f"Chromium tidak ditemukan di {CHROMIUM}: uji browser dilewati.")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(_chromium, live_server, settings):
    settings.DEBUG = False
    context = _chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="id-ID"
    )
    # No page may call the internet: fail any request that leaves the live server.
    leaked = []

    def guard(route):
        if route.request.url.startswith(live_server.url) or route.request.url.startswith("data:"):
            return route.continue_()
        leaked.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    yield context
    context.close()
    assert not leaked, f"Halaman meminta alamat di luar portal: {leaked}"


@pytest.fixture
def proposals(assessor):
    """Three verified RTs of Buluran Kenali assigned to the assessor's team, in Penilaian:
    the tablet's list for the offline tests."""
    cycle = factories.make_cycle(stage="PENILAIAN")
    team = factories.make_team(cycle=cycle, members=[assessor])
    return [
        factories.make_proposal(
            cycle=cycle,
            rt=factories.make_rt(kelurahan="Buluran Kenali", number=n, kk_count=90),
            status="DIVERIFIKASI",
            team=team,
        )
        for n in (1, 2, 3)
    ]


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    page.set_default_timeout(15000)
    return page


def login(page, username, password):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")

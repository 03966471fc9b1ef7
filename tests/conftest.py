"""Personas shared by all tests. Kecamatan Telanaipura holds the kelurahan Buluran Kenali
and Telanaipura; Kecamatan Kota Baru is outside every scoped persona's reach."""

import os
import shutil
import tempfile
from pathlib import Path

import hypothesis
import pytest

from rt_registry import roles
from tests import factories


@pytest.fixture(autouse=True)
def _no_axes_lockouts_between_tests(settings):
    settings.AXES_ENABLED = False
    # Tests speak plain HTTP to the test client and the live server.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Tests never render through the manifest storage: no collectstatic needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _placeholder_emblems_allowed(settings):
    # Finalising with the drawn emblems is refused outside DEBUG (awards/identity.py);
    # tests/awards/test_identity.py switches the refusal back on to test it.
    settings.BANTAR_REQUIRE_OFFICIAL_EMBLEMS = False


# make mutate runs the database tests once per mutant, each run a pytest session of its
# own: migrating a fresh test database every time (15 s and more) would cost more than the
# tests. The Makefile migrates one SQLite file first; each session works on a copy of it.
MUTATE_DB_TEMPLATE = os.environ.get("BANTAR_MUTATE_DB_TEMPLATE")

if MUTATE_DB_TEMPLATE:

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        from django.db import connections

        copy = Path(tempfile.gettempdir()) / f"bantar-mutate-{os.getpid()}.sqlite3"
        shutil.copyfile(MUTATE_DB_TEMPLATE, copy)
        with django_db_blocker.unblock():
            connections.close_all()
            connections["default"].settings_dict["NAME"] = str(copy)
        yield
        with django_db_blocker.unblock():
            connections.close_all()
        copy.unlink(missing_ok=True)

    @pytest.fixture(autouse=True)
    def _fast_password_hashing(settings):
        # Test users' passwords are hashed once per test: the real hasher's cost, paid
        # again for every mutant, is the largest part of a run. No test under make
        # mutate checks the hasher.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_dpmppa(db):
    return factories.make_user(username="admin.uji", role=roles.ADMIN_DPMPPA, agency="DPMPPA")


@pytest.fixture
def kecamatan_officer(db):
    return factories.make_user(
        username="kec.uji", role=roles.PETUGAS_KECAMATAN, kecamatan="Telanaipura"
    )


@pytest.fixture
def kelurahan_officer(db):
    """Petugas Kelurahan of Buluran Kenali (Kecamatan Telanaipura)."""
    return factories.make_user(
        username="kel.uji", role=roles.PETUGAS_KELURAHAN, kelurahan="Buluran Kenali"
    )


@pytest.fixture
def other_kelurahan_officer(db):
    """Petugas Kelurahan of Kenali Asam (Kecamatan Kota Baru): out of the others' scope."""
    return factories.make_user(
        username="kel.lain", role=roles.PETUGAS_KELURAHAN, kelurahan="Kenali Asam"
    )


@pytest.fixture
def assessor(db):
    return factories.make_user(username="penilai.uji", role=roles.TIM_PENILAI, agency="DLH")


@pytest.fixture
def rt_in_scope(db):
    return factories.make_rt(kelurahan="Buluran Kenali", number=5, kk_count=132)


@pytest.fixture
def rt_out_of_scope(db):
    return factories.make_rt(kelurahan="Kenali Asam", number=3, kk_count=40)


def pytest_collection_modifyitems(config, items):
    # Browser tests run in a thread next to Playwright's event loop; the ORM calls of
    # the live server are safe there (separate thread), so allow them.
    if any("e2e" in item.keywords for item in items):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run synchronously in the test (django-tasks ImmediateBackend).
    Overriding TASKS fires setting_changed, which django-tasks uses to drop its cached
    backend. Enqueueing happens on commit: wrap the call in
    `django_capture_on_commit_callbacks(execute=True)`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# Property tests (hypothesis): short runs, no timing deadline (the machine is shared) and
# no example database written into the work tree. A test may lower max_examples.
hypothesis.settings.register_profile("bantar", max_examples=150, deadline=None, database=None)
# make mutate: the same examples for every mutant, so a kill or a survival is repeatable.
hypothesis.settings.register_profile(
    "mutate", parent=hypothesis.settings.get_profile("bantar"), derandomize=True
)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bantar"))

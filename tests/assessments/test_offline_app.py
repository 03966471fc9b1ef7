"""The assessor pages as an offline app: the service worker, the install manifest, the list
of pages one assessor keeps on the tablet, and the sheet's "RT berikutnya"."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from assessments import offline
from assessments.models import ConflictOfInterest
from rt_registry import roles
from tests import factories

SW = "/penilaian/sw.js"
MANIFEST = "/penilaian/manifest.webmanifest"
OFFLINE = "/penilaian/offline-manifest.json"


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="PENILAIAN")


@pytest.fixture
def team(cycle, assessor):
    return factories.make_team(cycle=cycle, members=[assessor])


def propose(*, cycle, team, kelurahan, number):
    rt = factories.make_rt(kelurahan=kelurahan, number=number, kk_count=80)
    return factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI", team=team)


def send(proposal, assessor):
    return factories.send_sheet(
        proposal=proposal, assessor=assessor, visit_date=datetime.date(2026, 11, 2)
    )


def sheet(proposal):
    return reverse("assessments:scoring-sheet", args=[proposal.pk])


# --- the service worker ----------------------------------------------------------------


def test_service_worker_is_javascript_scoped_to_the_assessor_pages_and_cached_briefly(client, db):
    response = client.get(SW)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/penilaian/"
    # A kept page makes no request for the worker either (the browser's cache answers).
    assert response["Cache-Control"] == f"max-age={offline.WORKER_MAX_AGE_SECONDS}"
    body = response.content.decode()
    assert body.startswith("self.BANTAR_SW = {")
    assert '"/static/js/scoring.js"' in body
    assert f'"version":"{offline.app_version()}"' in body


def test_service_worker_version_changes_when_a_precached_file_changes(settings, tmp_path):
    settings.DEBUG = True  # read the files at each call, as a developer's server does
    before = offline.app_version()
    changed = tmp_path / "static"
    (changed / "css").mkdir(parents=True)
    (changed / "css" / "scoring.css").write_text("/* changed */")
    settings.STATICFILES_DIRS = [changed, *settings.STATICFILES_DIRS]
    assert offline.app_version() != before


def static_file_of(url):
    assert url.startswith("/static/"), url
    return finders.find(url.removeprefix("/static/"))


def test_every_precached_static_file_exists(db):
    # One missing file would make the worker's install fail on every tablet.
    for url in offline.static_urls().values():
        assert static_file_of(url), url


# --- the install manifest --------------------------------------------------------------


def test_web_manifest_names_the_app_in_indonesian_with_icons(client, db):
    response = client.get(MANIFEST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Penilaian Kampung BANTAR"
    assert manifest["start_url"] == "/penilaian/"
    assert manifest["lang"] == "id"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        assert static_file_of(icon["src"])


def test_assessor_pages_link_the_manifest_and_every_page_the_favicon(client, assessor, team):
    client.force_login(assessor)
    home = client.get("/penilaian/").content.decode()
    assert f'<link rel="manifest" href="{MANIFEST}">' in home
    assert 'rel="icon"' in home
    assert 'rel="manifest"' not in client.get("/").content.decode()
    assert 'rel="icon"' in client.get("/").content.decode()


def test_admin_pages_show_the_favicon(client, admin_dpmppa):
    client.force_login(admin_dpmppa)
    assert 'rel="icon"' in client.get("/admin/").content.decode()


# --- the pages one assessor keeps ------------------------------------------------------


def test_offline_manifest_lists_only_the_assessors_own_sheets(client, assessor, cycle, team):
    mine = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=5)
    conflicted = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=6)
    ConflictOfInterest.objects.create(proposal=conflicted, assessor=assessor, reason="Saudara")
    colleague = factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI)
    other_team = factories.make_team(cycle=cycle, name="Tim 2", members=[colleague])
    theirs = propose(cycle=cycle, team=other_team, kelurahan="Telanaipura", number=2)
    client.force_login(assessor)

    response = client.get(OFFLINE)

    assert response.status_code == 200
    answer = response.json()
    assert answer["user"] == assessor.pk
    assert answer["home"] == "/penilaian/"
    assert [s["url"] for s in answer["sheets"]] == [sheet(mine)]
    assert answer["sheets"][0]["label"] == "RT 05 Buluran Kenali"
    assert sheet(theirs) not in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_offline_manifest_answers_401_json_to_a_logged_out_tablet(client, db):
    response = client.get(OFFLINE)
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    assert "Masuk lagi" in response.json()["message"]


def test_offline_manifest_is_refused_to_an_officer(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = client.get(OFFLINE)
    assert response.status_code == 403
    assert response.json()["code"] == "not_assessor"


def test_assessor_pages_name_the_user_they_were_made_for(client, assessor, cycle, team):
    proposal = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=5)
    client.force_login(assessor)
    assert client.get("/penilaian/")[offline.USER_HEADER] == str(assessor.pk)
    assert client.get(sheet(proposal))[offline.USER_HEADER] == str(assessor.pk)


def test_a_refused_sheet_is_not_marked_for_keeping(client, cycle, team):
    proposal = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=5)
    outsider = factories.make_user(username="penilai.luar", role=roles.TIM_PENILAI)
    client.force_login(outsider)
    response = client.get(sheet(proposal))
    assert response.status_code == 404
    assert offline.USER_HEADER not in response


# --- after sending: RT berikutnya ------------------------------------------------------


def test_sent_sheet_offers_the_next_rt_still_to_send(client, assessor, cycle, team):
    first = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=1)
    done = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=2)
    following = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=3)
    send(first, assessor)
    send(done, assessor)
    client.force_login(assessor)

    html = client.get(sheet(first)).content.decode()

    assert 'id="sheet-sent"' in html
    assert f'href="{sheet(following)}" id="next-rt"' in html
    assert "RT berikutnya: RT 03 Buluran Kenali" in html


def test_last_sent_sheet_offers_the_list_instead(client, assessor, cycle, team):
    only = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=1)
    send(only, assessor)
    client.force_login(assessor)
    html = client.get(sheet(only)).content.decode()
    assert 'id="next-rt"' not in html
    assert "Kembali ke daftar RT" in html


def test_page_version_leaves_out_the_csrf_token_and_follows_the_content(
    client, assessor, cycle, team
):
    proposal = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=7)
    client.force_login(assessor)

    first = client.get(sheet(proposal))
    again = client.get(sheet(proposal))
    send(proposal, assessor)
    after_send = client.get(sheet(proposal))

    assert first.content != again.content  # the masked CSRF token differs every time
    assert first[offline.CONTENT_HEADER] == again[offline.CONTENT_HEADER]
    assert after_send[offline.CONTENT_HEADER] != first[offline.CONTENT_HEADER]

"""The assessor's pages: their RTs with progress, the scoring sheet, the conflict form."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import scoring
from assessments.models import Assessment, ConflictOfInterest, Indicator
from rt_registry import roles
from tests import factories

HOME = "/penilaian/"


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="PENILAIAN")


@pytest.fixture
def colleague(db):
    return factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI, agency="DLH")


@pytest.fixture
def team(cycle, assessor, colleague):
    return factories.make_team(cycle=cycle, members=[assessor, colleague])


def propose(*, cycle, team, kelurahan, number):
    rt = factories.make_rt(kelurahan=kelurahan, number=number, kk_count=80)
    return factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI", team=team)


@pytest.fixture
def proposal(cycle, team):
    return propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=5)


def values_for(cycle, value=2):
    return {i.pk: value for i in Indicator.objects.filter(indicator_set=cycle.indicator_set)}


def send(proposal, assessor, cycle, value=2):
    return scoring.send_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=uuid.uuid4(),
        values=values_for(cycle, value),
        visit_date=datetime.date(2026, 11, 2),
    )


def sheet_url(proposal):
    return reverse("assessments:scoring-sheet", args=[proposal.pk])


# --- home: RT yang harus dinilai -------------------------------------------------------


def test_home_lists_rts_still_to_score_first_with_their_progress(
    client, assessor, admin_dpmppa, cycle, team
):
    sent = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=5)
    draft = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=7)
    untouched = propose(cycle=cycle, team=team, kelurahan="Telanaipura", number=2)
    conflicted = propose(cycle=cycle, team=team, kelurahan="Telanaipura", number=9)
    reopened = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=1)
    send(sent, assessor, cycle)
    scoring.reopen_sheet(send(reopened, assessor, cycle), by=admin_dpmppa, reason="Cek B3")
    scoring.save_sheet(proposal=draft, assessor=assessor, client_token=uuid.uuid4(), values={})
    ConflictOfInterest.objects.create(proposal=conflicted, assessor=assessor, reason="Saudara")
    client.force_login(assessor)
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert [(r.pk, r.progress) for r in rows] == [
        (untouched.pk, "belum"),
        (draft.pk, "draf"),
        (reopened.pk, "dibuka"),
        (sent.pk, "terkirim"),
        (conflicted.pk, "konflik"),
    ]
    assert html.count(f'<h2 class="h5 mb-2">{cycle}</h2>') == 1
    assert f'data-rt="{untouched.pk}" data-server-state="belum"' in html
    assert f'data-rt="{reopened.pk}" data-server-state="dibuka"' in html
    assert "Dibuka ulang" in html
    assert "1 dari 5 RT terkirim" in html
    assert sheet_url(untouched) in html
    assert sheet_url(conflicted) not in html


def test_home_groups_rts_by_cycle(client, assessor, cycle, team):
    second_cycle = factories.make_cycle(year=2025, stage="PENILAIAN")
    second_team = factories.make_team(cycle=second_cycle, members=[assessor])
    older = propose(cycle=second_cycle, team=second_team, kelurahan="Buluran Kenali", number=3)
    newer = propose(cycle=cycle, team=team, kelurahan="Telanaipura", number=4)
    client.force_login(assessor)
    response = client.get(HOME)
    html = response.content.decode()
    assert [r.pk for r in response.context["rows"]] == [newer.pk, older.pk]
    assert html.index(f'<h2 class="h5 mb-2">{cycle}</h2>') < html.index(
        f'<h2 class="h5 mb-2">{second_cycle}</h2>'
    )


def test_home_hides_rts_of_other_teams_and_cycles_outside_penilaian(
    client, assessor, cycle, team, colleague
):
    mine = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=5)
    other_team = factories.make_team(cycle=cycle, name="Tim 2", members=[colleague])
    theirs = propose(cycle=cycle, team=other_team, kelurahan="Buluran Kenali", number=6)
    old_cycle = factories.make_cycle(year=2025, stage="ARSIP")
    old_team = factories.make_team(cycle=old_cycle, members=[assessor])
    old = propose(cycle=old_cycle, team=old_team, kelurahan="Telanaipura", number=3)
    client.force_login(assessor)
    rows = client.get(HOME).context["rows"]
    assert [r.pk for r in rows] == [mine.pk]
    assert theirs.pk not in [r.pk for r in rows] and old.pk not in [r.pk for r in rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RT 5", ["Buluran Kenali 5"]),
        ("rt05", ["Buluran Kenali 5"]),
        ("buluran", ["Buluran Kenali 5"]),
        ("Kel. Telanaipura", ["Buluran Kenali 5", "Telanaipura 2"]),
    ],
)
def test_home_search_by_rt_number_or_kelurahan(client, assessor, cycle, team, query, expected):
    propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=5)
    propose(cycle=cycle, team=team, kelurahan="Telanaipura", number=2)
    client.force_login(assessor)
    rows = client.get(HOME, {"q": query}).context["rows"]
    assert [f"{r.kelurahan_name} {r.rt_number}" for r in rows] == expected


def test_home_query_count_does_not_grow_with_rts(client, assessor, cycle, team):
    client.force_login(assessor)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    for number in range(1, 3):
        p = propose(cycle=cycle, team=team, kelurahan="Buluran Kenali", number=number)
        send(p, assessor, cycle)
    small = count_queries()
    for number in range(3, 23):
        p = propose(cycle=cycle, team=team, kelurahan="Telanaipura", number=number)
        if number % 2:
            scoring.save_sheet(
                proposal=p, assessor=assessor, client_token=uuid.uuid4(), values=values_for(cycle)
            )
    assert len(client.get(HOME).context["rows"]) == 22
    assert count_queries() == small


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_officer_is_redirected_to_the_admin(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_user_without_assessor_role_gets_a_friendly_403(client, db):
    user = get_user_model().objects.create_user(username="warga", password="x")
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 403
    assert "hanya untuk anggota Tim Penilai" in response.content.decode()


# --- the scoring sheet -----------------------------------------------------------------


def test_sheet_shows_the_indicators_of_the_cycles_set_grouped_by_pillar(
    client, assessor, proposal, cycle
):
    # The set is frozen in Penilaian (the model refuses): write the text straight to the table.
    b1 = Indicator.objects.filter(indicator_set=cycle.indicator_set, code="B1")
    QuerySet.update(b1, text="Teks B1 dari basis data, bukan dari template.")
    client.force_login(assessor)
    response = client.get(sheet_url(proposal))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Teks B1 dari basis data, bukan dari template." in html
    assert html.index(">Bersih<") < html.index(">Aman<") < html.index(">Pintar<")
    assert html.count('class="btn-check"') == 63
    assert "2 baik</strong>, <strong>1 sedang</strong>, <strong>0 kurang" in html
    assert 'type="date"' in html
    assert "Simpan draf" in html and "Kirim" in html
    assert response.context["config"]["editable"] is True


def test_sheet_shows_saved_draft_values_and_subtotals(client, assessor, proposal, cycle):
    indicators = list(Indicator.objects.filter(indicator_set=cycle.indicator_set))
    token = uuid.uuid4()
    scoring.save_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=token,
        values={indicators[0].pk: 2, indicators[1].pk: 1, indicators[7].pk: 2},
    )
    client.force_login(assessor)
    response = client.get(sheet_url(proposal))
    subtotals = {p["code"]: p["subtotal"] for p in response.context["pillars"]}
    assert subtotals == {"BERSIH": 3, "AMAN": 2, "PINTAR": 0}
    assert response.context["total"] == 5
    assert response.context["config"]["token"] == str(token)
    assert 'id="nilai-B1-2"\n                       value="2" checked' in response.content.decode()


def test_sent_sheet_is_read_only_for_the_assessor(client, assessor, proposal, cycle):
    send(proposal, assessor, cycle)
    client.force_login(assessor)
    response = client.get(sheet_url(proposal))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["config"]["editable"] is False
    assert 'id="save-draft"' not in html
    assert "tidak dapat diubah lagi" in html
    assert "disabled" in html


def test_sheet_outside_penilaian_is_read_only(client, assessor, proposal, cycle):
    cycle.stage = "REKAPITULASI"
    cycle.save()
    client.force_login(assessor)
    response = client.get(sheet_url(proposal))
    assert response.status_code == 200
    assert response.context["config"]["editable"] is False
    assert "hanya dapat dibaca" in response.content.decode()


def test_sheet_of_an_rt_not_assigned_is_404_with_a_message(client, proposal, db):
    outsider = factories.make_user(username="penilai.luar", role=roles.TIM_PENILAI)
    client.force_login(outsider)
    response = client.get(sheet_url(proposal))
    assert response.status_code == 404
    assert "tidak ada dalam daftar tugas Anda" in response.content.decode()


def test_sheet_after_declaring_conflict_is_403_with_a_message(client, assessor, proposal):
    ConflictOfInterest.objects.create(
        proposal=proposal, assessor=assessor, reason="Tinggal di sini"
    )
    client.force_login(assessor)
    response = client.get(sheet_url(proposal))
    assert response.status_code == 403
    assert "konflik kepentingan" in response.content.decode()


def test_sheet_is_not_for_officers(client, kelurahan_officer, proposal):
    client.force_login(kelurahan_officer)
    response = client.get(sheet_url(proposal))
    assert response.status_code == 302
    assert Assessment.objects.count() == 0


# --- conflict of interest (assessor side) ---------------------------------------------


def test_assessor_declares_a_conflict_with_a_reason(client, assessor, proposal):
    client.force_login(assessor)
    url = reverse("assessments:scoring-conflict", args=[proposal.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Saya tinggal di RT ini"})
    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.assessor, conflict.proposal, conflict.reason) == (
        assessor,
        proposal,
        "Saya tinggal di RT ini",
    )
    assert client.get(sheet_url(proposal)).status_code == 403


def test_conflict_without_reason_is_refused(client, assessor, proposal):
    client.force_login(assessor)
    url = reverse("assessments:scoring-conflict", args=[proposal.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert ConflictOfInterest.objects.count() == 0


def test_conflict_after_sending_is_refused_with_a_message(client, assessor, proposal, cycle):
    send(proposal, assessor, cycle)
    client.force_login(assessor)
    url = reverse("assessments:scoring-conflict", args=[proposal.pk])
    response = client.post(url, {"reason": "Saya tinggal di RT ini"})
    assert response.status_code == 200
    assert "sudah terkirim" in response.content.decode()
    assert ConflictOfInterest.objects.count() == 0


def test_conflict_for_an_rt_not_assigned_is_404(client, proposal, db):
    outsider = factories.make_user(username="penilai.luar", role=roles.TIM_PENILAI)
    client.force_login(outsider)
    url = reverse("assessments:scoring-conflict", args=[proposal.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert ConflictOfInterest.objects.count() == 0

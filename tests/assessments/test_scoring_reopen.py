"""Sheet versions: reopening makes a new draft, sent versions never change in place,
and the Assessment admin is read-only, for the Admin DPMPPA only."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import scoring
from assessments.models import Assessment, Indicator, Score
from rt_registry import roles
from tests import factories

VISIT = datetime.date(2026, 11, 2)


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="PENILAIAN")


@pytest.fixture
def proposal(cycle, assessor, rt_in_scope):
    team = factories.make_team(cycle=cycle, members=[assessor])
    return factories.make_proposal(cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team)


def values_for(cycle, value):
    return {i.pk: value for i in Indicator.objects.filter(indicator_set=cycle.indicator_set)}


@pytest.fixture
def sent(proposal, cycle, assessor):
    values = values_for(cycle, 1)
    first = Indicator.objects.get(indicator_set=cycle.indicator_set, code="B1")
    return scoring.send_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=uuid.uuid4(),
        values=values,
        notes={first.pk: "Taman rapi"},
        visit_date=VISIT,
        general_note="Kunjungan pertama",
    )


def frozen(sheet):
    """A sent version as stored: its row and its scores."""
    row = Assessment.objects.filter(pk=sheet.pk).values().get()
    row.pop("status")  # the only field that may move: SENT -> SUPERSEDED
    scores = list(Score.objects.filter(assessment=sheet).order_by("pk").values())
    return row, scores


def test_reopen_makes_a_new_draft_copying_the_sent_scores_with_the_reason(
    sent, admin_dpmppa, assessor
):
    draft = scoring.reopen_sheet(sent, by=admin_dpmppa, reason="B3 salah ketik")
    assert draft.pk != sent.pk
    assert (draft.version, draft.status) == (2, Assessment.Status.DRAFT)
    assert draft.assessor == assessor
    assert (draft.reopened_by, draft.reopen_reason) == (admin_dpmppa, "B3 salah ketik")
    assert draft.reopened_at is not None
    assert draft.visit_date == VISIT and draft.general_note == "Kunjungan pertama"
    copied = {(s.indicator_id, s.value, s.note) for s in draft.scores.all()}
    assert copied == {(s.indicator_id, s.value, s.note) for s in sent.scores.all()}
    sent.refresh_from_db()
    assert sent.status == Assessment.Status.SENT  # the recap keeps using it


def test_sending_the_reopened_version_supersedes_the_old_one_without_changing_it(
    sent, admin_dpmppa, assessor, proposal, cycle
):
    before = frozen(sent)
    draft = scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Perbaikan A2")
    assert frozen(sent) == before
    scoring.send_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=draft.client_token,
        values=values_for(cycle, 2),
        visit_date=VISIT,
    )
    sent.refresh_from_db()
    draft.refresh_from_db()
    assert sent.status == Assessment.Status.SUPERSEDED
    assert draft.status == Assessment.Status.SENT
    assert frozen(sent) == before
    assert sum(s.value for s in draft.scores.all()) == 42
    assert Assessment.objects.sent().get() == draft


def test_assessor_edits_the_reopened_version_on_the_tablet(client, sent, admin_dpmppa, assessor):
    draft = scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Perbaikan")
    client.force_login(assessor)
    response = client.get(reverse("assessments:scoring-sheet", args=[sent.proposal_id]))
    config = response.context["config"]
    assert config["editable"] is True
    assert config["token"] == str(draft.client_token)
    assert config["sentToken"] == str(sent.client_token)
    assert "dibuka kembali" in response.content.decode()


def test_reopen_needs_a_reason(sent, admin_dpmppa):
    with pytest.raises(ValidationError, match="Alasan"):
        scoring.reopen_sheet(sent, by=admin_dpmppa, reason="  ")
    assert Assessment.objects.count() == 1


def test_only_admin_dpmppa_may_reopen(sent, assessor, kecamatan_officer):
    for user in (assessor, kecamatan_officer):
        with pytest.raises(ValidationError, match="Hanya Admin DPMPPA"):
            scoring.reopen_sheet(sent, by=user, reason="Perbaikan")
    assert Assessment.objects.count() == 1


def test_only_a_sent_version_can_be_reopened(proposal, cycle, assessor, admin_dpmppa):
    draft = scoring.save_sheet(
        proposal=proposal, assessor=assessor, client_token=uuid.uuid4(), values={}
    )
    with pytest.raises(ValidationError, match="terkirim"):
        scoring.reopen_sheet(draft, by=admin_dpmppa, reason="Perbaikan")
    assert Assessment.objects.count() == 1


def test_a_sheet_cannot_be_reopened_twice(sent, admin_dpmppa):
    scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Perbaikan")
    with pytest.raises(ValidationError, match="sudah dibuka kembali"):
        scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Lagi")
    assert Assessment.objects.count() == 2


def test_reopen_outside_penilaian_is_refused(sent, admin_dpmppa, cycle):
    cycle.stage = "REKAPITULASI"
    cycle.save()
    with pytest.raises(ValidationError, match="tahap"):
        scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Perbaikan")
    assert Assessment.objects.count() == 1


# --- admin ---------------------------------------------------------------------------


def test_admin_dpmppa_sees_sheets_read_only_with_scores(client, sent, admin_dpmppa):
    client.force_login(admin_dpmppa)
    listing = client.get(reverse("admin:assessments_assessment_changelist"))
    assert listing.status_code == 200
    assert "RT 05 Buluran Kenali" in listing.content.decode()
    page = client.get(reverse("admin:assessments_assessment_change", args=[sent.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Taman rapi" in html and "B1" in html
    assert "Buka kembali" in html
    assert 'name="_save"' not in html  # nothing to edit in place
    assert reverse("admin:assessments_assessment_add") not in listing.content.decode()


def test_admin_reopen_form_records_the_reason(client, sent, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_assessment_reopen", args=[sent.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Nilai A4 tertukar"})
    assert response.status_code == 302
    draft = Assessment.objects.get(status=Assessment.Status.DRAFT)
    assert (draft.reopened_by, draft.reopen_reason) == (admin_dpmppa, "Nilai A4 tertukar")


def test_admin_reopen_without_reason_writes_nothing(client, sent, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_assessment_reopen", args=[sent.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("persona", ["kelurahan_officer", "kecamatan_officer"])
def test_area_officers_cannot_see_or_reopen_sheets(client, sent, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("admin:assessments_assessment_changelist")).status_code == 403
    change = reverse("admin:assessments_assessment_change", args=[sent.pk])
    assert client.get(change).status_code in (302, 403, 404)
    reopen = reverse("admin:assessments_assessment_reopen", args=[sent.pk])
    assert client.post(reopen, {"reason": "x"}).status_code == 403
    assert Assessment.objects.count() == 1


def test_assessor_cannot_use_the_admin_reopen(client, sent, assessor):
    client.force_login(assessor)
    reopen = reverse("admin:assessments_assessment_reopen", args=[sent.pk])
    response = client.post(reopen, {"reason": "x"})
    assert response.status_code == 302  # not staff: the admin sends them to its login
    assert Assessment.objects.count() == 1


def test_admin_changelist_query_count_is_flat(client, admin_dpmppa, cycle):
    team = factories.make_team(cycle=cycle, name="Tim besar")
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_assessment_changelist")

    def add_sheets(numbers):
        for number in numbers:
            user = factories.make_user(username=f"penilai.{number}", role=roles.TIM_PENILAI)
            team.memberships.create(user=user, agency="DLH")
            rt = factories.make_rt(kelurahan="Telanaipura", number=number)
            proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI", team=team)
            factories.make_sheet(proposal=proposal, assessor=user, values=1)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add_sheets(range(1, 3))
    small = count()
    add_sheets(range(3, 15))
    assert count() == small

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.cycles import advance_stage
from assessments.forms import CycleForm
from assessments.models import Cycle, Indicator
from tests import factories


def test_factories_make_cycle_proposal_and_team(assessor, rt_in_scope):
    cycle = factories.make_cycle()
    team = factories.make_team(cycle=cycle, members=[assessor])
    proposal = factories.make_proposal(cycle=cycle, rt=rt_in_scope, team=team)
    assert proposal.size_category == "BESAR"
    assert list(team.members.all()) == [assessor]


def test_stage_moves_forward_one_step_at_a_time(admin_dpmppa):
    cycle = factories.make_cycle(stage="PERSIAPAN")
    seen = []
    for _ in range(3):
        cycle = advance_stage(cycle, by=admin_dpmppa)
        seen.append(cycle.stage)
    assert seen == ["USULAN", "PENILAIAN", "REKAPITULASI"]
    cycle.refresh_from_db()
    assert cycle.stage == "REKAPITULASI"


def test_stage_cannot_be_moved_to_ditetapkan_by_hand(admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    with pytest.raises(ValidationError, match="SK Wali Kota difinalkan"):
        advance_stage(cycle, by=admin_dpmppa)
    cycle.refresh_from_db()
    assert cycle.stage == "REKAPITULASI"


def test_decided_cycle_can_be_archived_although_locked(admin_dpmppa):
    cycle = factories.make_cycle(stage="DITETAPKAN", is_locked=True)
    assert advance_stage(cycle, by=admin_dpmppa).stage == "ARSIP"


def test_archived_cycle_has_no_next_stage(admin_dpmppa):
    cycle = factories.make_cycle(stage="ARSIP", is_locked=True)
    with pytest.raises(ValidationError, match="tahap terakhir"):
        advance_stage(cycle, by=admin_dpmppa)


def test_locked_cycle_does_not_move_before_ditetapkan(admin_dpmppa):
    cycle = factories.make_cycle(stage="USULAN", is_locked=True)
    with pytest.raises(ValidationError, match="SK final"):
        advance_stage(cycle, by=admin_dpmppa)
    cycle.refresh_from_db()
    assert cycle.stage == "USULAN"


@pytest.mark.parametrize("fixture", ["kecamatan_officer", "kelurahan_officer", "assessor"])
def test_only_admin_dpmppa_moves_the_stage(db, request, fixture):
    user = request.getfixturevalue(fixture)
    cycle = factories.make_cycle(stage="USULAN")
    with pytest.raises(PermissionDenied):
        advance_stage(cycle, by=user)
    cycle.refresh_from_db()
    assert cycle.stage == "USULAN"


def test_stage_move_records_who_and_when(admin_dpmppa):
    cycle = factories.make_cycle(stage="PERSIAPAN")
    advance_stage(cycle, by=admin_dpmppa)
    latest = cycle.history.order_by("-history_date").first()
    assert latest.stage == "USULAN"
    assert latest.history_user == admin_dpmppa
    assert latest.history_change_reason == "Tahap dipindahkan ke Usulan"


def test_advance_button_asks_for_confirmation_then_moves(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="USULAN")
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_cycle_advance", args=[cycle.pk])
    page = client.get(url)
    assert "Pindahkan ke tahap <strong>Penilaian</strong>" in page.content.decode()
    cycle.refresh_from_db()
    assert cycle.stage == "USULAN"
    response = client.post(url)
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == "PENILAIAN"
    history = client.get(reverse("admin:assessments_cycle_history", args=[cycle.pk]))
    assert "admin.uji" in history.content.decode()


def test_advance_page_explains_ditetapkan_comes_from_the_sk(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_cycle_advance", args=[cycle.pk])
    assert "SK Wali Kota difinalkan" in client.get(url).content.decode()
    client.post(url)
    cycle.refresh_from_db()
    assert cycle.stage == "REKAPITULASI"


def test_kelurahan_officer_cannot_open_advance_page(client, kelurahan_officer):
    cycle = factories.make_cycle(stage="USULAN")
    client.force_login(kelurahan_officer)
    response = client.post(reverse("admin:assessments_cycle_advance", args=[cycle.pk]))
    assert response.status_code == 403
    cycle.refresh_from_db()
    assert cycle.stage == "USULAN"


def test_stage_is_not_editable_in_the_cycle_form(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="USULAN")
    client.force_login(admin_dpmppa)
    data = cycle_form_data(cycle) | {"stage": "ARSIP"}
    response = client.post(reverse("admin:assessments_cycle_change", args=[cycle.pk]), data)
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == "USULAN"


# --- settings validation -----------------------------------------------------------------


def cycle_form_data(cycle=None, **overrides):
    data = {
        "year": 2027,
        "period": 1,
        "indicator_set": factories.default_indicator_set().pk,
        "kecil_below": 50,
        "besar_above": 100,
        "prize_kecil": "5000000",
        "prize_sedang": "7500000",
        "prize_besar": "10000000",
        "pass_min_total_pct": "70",
        "pass_min_pillar_pct": "50",
        "kencana_consecutive_wins": 3,
        "kencana_min_total_pct": "85",
        "proposal_opens": "",
        "proposal_closes": "",
        "assessment_opens": "",
        "assessment_closes": "",
    }
    if cycle is not None:
        data["year"], data["period"] = cycle.year, cycle.period
    return data | overrides


def form_errors(**overrides):
    form = CycleForm(data=cycle_form_data(**overrides))
    form.is_valid()
    return form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "100"])
def test_percentages_at_the_boundaries_are_accepted(value):
    errors = form_errors(
        pass_min_total_pct="0", pass_min_pillar_pct=value, kencana_min_total_pct="100"
    )
    assert not errors


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-0.01", "100.01"])
def test_percentages_outside_0_to_100_are_refused(value):
    errors = form_errors(pass_min_pillar_pct=value)
    assert errors["pass_min_pillar_pct"] == ["Persentase harus antara 0 dan 100."]


@pytest.mark.django_db
def test_negative_prize_is_refused_and_zero_accepted():
    assert form_errors(prize_kecil="-1")["prize_kecil"] == ["Uang pembinaan tidak boleh negatif."]
    assert not form_errors(prize_kecil="0")


@pytest.mark.django_db
def test_thresholds_must_be_ordered():
    assert not form_errors(kecil_below=60, besar_above=60)
    errors = form_errors(kecil_below=61, besar_above=60)
    assert "tidak boleh lebih kecil" in errors["besar_above"][0]


@pytest.mark.django_db
def test_kencana_mark_below_pass_mark_is_refused():
    errors = form_errors(pass_min_total_pct="70", kencana_min_total_pct="69.99")
    assert "Kencana" in errors["kencana_min_total_pct"][0]


@pytest.mark.django_db
def test_date_windows_must_be_ordered():
    errors = form_errors(proposal_opens="10/03/2027", proposal_closes="09/03/2027")
    assert "sebelum tanggal dibuka" in errors["proposal_closes"][0]
    assert not form_errors(proposal_opens="10/03/2027", proposal_closes="10/03/2027")


def test_thresholds_frozen_once_proposals_exist(rt_in_scope):
    cycle = factories.make_cycle()
    factories.make_proposal(cycle=cycle, rt=rt_in_scope)
    form = CycleForm(data=cycle_form_data(cycle, besar_above=150), instance=cycle)
    assert not form.is_valid()
    assert "sudah ada 1 usulan" in form.errors["besar_above"][0]
    form = CycleForm(data=cycle_form_data(cycle, prize_besar="12000000"), instance=cycle)
    assert form.is_valid()


def test_locked_cycle_settings_are_refused(db):
    cycle = factories.make_cycle(stage="DITETAPKAN", is_locked=True)
    form = CycleForm(data=cycle_form_data(cycle, prize_besar="1"), instance=cycle)
    assert not form.is_valid()
    assert "SK final" in form.non_field_errors()[0]


def test_admin_creates_cycle_in_persiapan(client, admin_dpmppa):
    client.force_login(admin_dpmppa)
    response = client.post(reverse("admin:assessments_cycle_add"), cycle_form_data())
    assert response.status_code == 302
    cycle = Cycle.objects.get(year=2027)
    assert cycle.stage == "PERSIAPAN"
    assert cycle.prize_sedang == Decimal("7500000")


# --- indicators ----------------------------------------------------------------------------


def scored_indicator(assessor, rt):
    from assessments.models import Assessment, Score

    cycle = factories.make_cycle(stage="PENILAIAN")
    proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")
    sheet = Assessment.objects.create(proposal=proposal, assessor=assessor)
    indicator = Indicator.objects.get(code="B1")
    Score.objects.create(assessment=sheet, indicator=indicator, value=2)
    return indicator


def test_scored_indicator_is_read_only(client, admin_dpmppa, assessor, rt_in_scope):
    indicator = scored_indicator(assessor, rt_in_scope)
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicator_change", args=[indicator.pk])
    page = client.get(url).content.decode()
    assert "tidak dapat diubah atau dihapus" in page
    client.post(
        url,
        {
            "code": "X1",
            "pillar": "AMAN",
            "order": 1,
            "text": "lain",
            "indicator_set": indicator.indicator_set_id,
        },
    )
    indicator.refresh_from_db()
    assert indicator.code == "B1"


def test_scored_indicator_cannot_be_deleted(client, admin_dpmppa, assessor, rt_in_scope):
    indicator = scored_indicator(assessor, rt_in_scope)
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicator_delete", args=[indicator.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert "tidak dapat dihapus" in response.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_unscored_indicator_can_be_edited(client, admin_dpmppa):
    indicator = Indicator.objects.get(code="B2")
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicator_change", args=[indicator.pk])
    data = {
        "indicator_set": indicator.indicator_set_id,
        "code": "B2",
        "pillar": "BERSIH",
        "order": indicator.order,
        "text": "Bunyi baru.",
    }
    assert client.post(url, data).status_code == 302
    indicator.refresh_from_db()
    assert indicator.text == "Bunyi baru."


@pytest.mark.parametrize("fixture", ["kecamatan_officer", "kelurahan_officer"])
def test_officers_cannot_edit_indicators(db, client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    indicator = Indicator.objects.get(code="B2")
    url = reverse("admin:assessments_indicator_change", args=[indicator.pk])
    assert client.post(url, {"text": "x"}).status_code == 403
    indicator.refresh_from_db()
    assert indicator.text != "x"


def test_confirmation_warns_about_unverified_and_unassigned_proposals(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="USULAN")
    factories.make_proposal(cycle=cycle, rt=factories.make_rt(kelurahan="Telanaipura", number=1))
    factories.make_proposal(
        cycle=cycle, rt=factories.make_rt(kelurahan="Telanaipura", number=2), status="DIVERIFIKASI"
    )
    client.force_login(admin_dpmppa)
    page = client.get(reverse("admin:assessments_cycle_advance", args=[cycle.pk])).content.decode()
    assert "1 usulan belum diverifikasi kecamatan" in page
    assert "1 usulan terverifikasi belum ditugaskan ke tim penilai" in page


def test_cycle_changelist_query_count_is_flat(client, admin_dpmppa):
    client.force_login(admin_dpmppa)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:assessments_cycle_changelist")).status_code == 200
        return len(captured)

    factories.make_cycle(year=2020)
    small = queries()
    for year in range(2021, 2026):
        cycle = factories.make_cycle(year=year)
        factories.make_proposal(
            cycle=cycle, rt=factories.make_rt(kelurahan="Telanaipura", number=year - 2000)
        )
    assert queries() == small


def test_confirmation_warns_about_proposals_not_fully_assessed(client, admin_dpmppa, assessor):
    from assessments.models import Assessment

    cycle = factories.make_cycle(stage="PENILAIAN")
    other = factories.make_user(username="penilai.lain", role="Tim Penilai")
    team = factories.make_team(cycle=cycle, members=[assessor, other])
    done, missing = [
        factories.make_proposal(
            cycle=cycle,
            rt=factories.make_rt(kelurahan="Telanaipura", number=n),
            status="DIVERIFIKASI",
            team=team,
        )
        for n in (1, 2)
    ]
    for user in (assessor, other):
        Assessment.objects.create(proposal=done, assessor=user, status="SENT")
    Assessment.objects.create(proposal=missing, assessor=assessor, status="SENT")
    client.force_login(admin_dpmppa)
    page = client.get(reverse("admin:assessments_cycle_advance", args=[cycle.pk])).content.decode()
    assert "1 usulan belum lengkap dinilai" in page


def test_locked_cycle_page_is_read_only(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="DITETAPKAN", is_locked=True)
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_cycle_change", args=[cycle.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    client.post(url, cycle_form_data(cycle, prize_besar="1"))
    cycle.refresh_from_db()
    assert cycle.prize_besar == Decimal("10000000")

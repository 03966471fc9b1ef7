"""The proposal admin: scope matrix, workflow pages, actions and the changelist's queries."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Proposal
from rt_registry.models import RT
from tests import factories

CHANGELIST = "admin:assessments_proposal_changelist"


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="USULAN")


@pytest.fixture
def proposal_in(cycle, rt_in_scope):
    """A proposal of Buluran Kenali (Kecamatan Telanaipura)."""
    return factories.make_proposal(cycle=cycle, rt=rt_in_scope)


@pytest.fixture
def proposal_out(cycle, rt_out_of_scope):
    """A proposal of Kenali Asam (Kecamatan Kota Baru)."""
    return factories.make_proposal(cycle=cycle, rt=rt_out_of_scope)


def url(name, *args):
    return reverse(f"admin:assessments_proposal_{name}", args=args)


# --- list and view ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_in", "sees_out"),
    [
        ("kelurahan_officer", True, False),
        ("other_kelurahan_officer", False, True),
        ("kecamatan_officer", True, False),
        ("admin_dpmppa", True, True),
    ],
)
def test_changelist_shows_only_proposals_in_scope(
    client, request, proposal_in, proposal_out, persona, sees_in, sees_out
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(CHANGELIST))
    shown = set(response.context["cl"].result_list)
    assert (proposal_in in shown, proposal_out in shown) == (sees_in, sees_out)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("kelurahan_officer", 200),
        ("other_kelurahan_officer", 404),
        ("kecamatan_officer", 200),
        ("admin_dpmppa", 200),
    ],
)
def test_change_page_allowed_in_scope_and_404_outside(
    client, request, proposal_in, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("change", proposal_in.pk)).status_code == status


def test_assessor_is_denied_the_proposal_admin(client, assessor, proposal_in):
    client.force_login(assessor)
    assert client.get(reverse(CHANGELIST)).status_code == 302  # not staff: to the login page
    assert client.get(url("change", proposal_in.pk)).status_code == 302


def test_history_outside_scope_is_denied(client, other_kelurahan_officer, proposal_in):
    client.force_login(other_kelurahan_officer)
    assert client.get(url("history", proposal_in.pk)).status_code == 403


def test_history_page_shows_who_returned_and_why(
    client, kecamatan_officer, kelurahan_officer, proposal_in
):
    client.force_login(kecamatan_officer)
    client.post(url("return", proposal_in.pk), {"reason": "Data KK belum dilampirkan"})
    client.force_login(kelurahan_officer)
    page = client.get(url("history", proposal_in.pk)).content.decode()
    assert "kec.uji" in page
    assert "Data KK belum dilampirkan" in page


def test_history_cannot_be_reverted(client, admin_dpmppa, proposal_in):
    client.force_login(admin_dpmppa)
    record = proposal_in.history.first()
    response = client.post(
        reverse("admin:assessments_proposal_simple_history", args=[proposal_in.pk, record.pk]),
        {"status": "DIVERIFIKASI"},
    )
    assert response.status_code == 403


# --- add --------------------------------------------------------------------------------


def test_add_form_offers_only_active_unproposed_rts_of_the_officer(
    client, cycle, kelurahan_officer, rt_in_scope, rt_out_of_scope
):
    proposed = factories.make_rt(kelurahan="Buluran Kenali", number=7)
    factories.make_proposal(cycle=cycle, rt=proposed)
    factories.make_rt(kelurahan="Buluran Kenali", number=8, is_active=False)
    factories.make_cycle(year=2026, period=2, stage="PENILAIAN")
    client.force_login(kelurahan_officer)
    form = client.get(url("add")).context["adminform"].form
    assert list(form.fields["rt"].queryset) == [rt_in_scope]
    assert list(form.fields["cycle"].queryset) == [cycle]


def test_add_form_has_no_buttons_to_edit_or_delete_the_rt(client, cycle, kelurahan_officer):
    client.force_login(kelurahan_officer)
    html = client.get(url("add")).content.decode()
    assert "delete_id_rt" not in html
    assert "change_id_rt" not in html
    assert "add_id_rt" not in html


def test_kelurahan_officer_proposes_one_rt_by_hand(client, cycle, kelurahan_officer, rt_in_scope):
    client.force_login(kelurahan_officer)
    response = client.post(url("add"), {"cycle": cycle.pk, "rt": rt_in_scope.pk})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.rt, proposal.kk_count, proposal.proposed_by) == (
        rt_in_scope,
        132,
        kelurahan_officer,
    )
    assert proposal.history.get().history_user == kelurahan_officer


def test_add_with_a_forged_rt_outside_scope_is_refused(
    client, cycle, kelurahan_officer, rt_out_of_scope
):
    client.force_login(kelurahan_officer)
    response = client.post(url("add"), {"cycle": cycle.pk, "rt": rt_out_of_scope.pk})
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_add_twice_shows_a_clear_message(client, cycle, kelurahan_officer, rt_in_scope):
    factories.make_proposal(cycle=cycle, rt=rt_in_scope)
    # Two open cycles: the form cannot hide the RT, so the check speaks.
    factories.make_cycle(year=2026, period=2, stage="USULAN")
    client.force_login(kelurahan_officer)
    response = client.post(url("add"), {"cycle": cycle.pk, "rt": rt_in_scope.pk})
    assert "sudah diusulkan pada periode" in response.content.decode()
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("persona", ["kecamatan_officer", "assessor"])
def test_kecamatan_officer_and_assessor_cannot_add(client, request, cycle, rt_in_scope, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(url("add"), {"cycle": cycle.pk, "rt": rt_in_scope.pk})
    assert response.status_code in (302, 403)
    assert not Proposal.objects.exists()


def test_change_post_changes_nothing(client, kelurahan_officer, proposal_in):
    client.force_login(kelurahan_officer)
    client.post(url("change", proposal_in.pk), {"kk_count": 1, "status": "DIVERIFIKASI"})
    proposal_in.refresh_from_db()
    assert (proposal_in.kk_count, proposal_in.status) == (132, "DIAJUKAN")
    assert proposal_in.history.count() == 1


# --- verify / return / resubmit pages -----------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "verified"),
    [
        ("kecamatan_officer", True),
        ("admin_dpmppa", True),
        ("kelurahan_officer", False),
        ("other_kelurahan_officer", False),
    ],
)
def test_verify_button(client, request, proposal_in, persona, verified):
    client.force_login(request.getfixturevalue(persona))
    client.post(url("verify", proposal_in.pk))
    proposal_in.refresh_from_db()
    assert (proposal_in.status == "DIVERIFIKASI") == verified


def test_kecamatan_officer_of_another_kecamatan_gets_404(client, proposal_out, kecamatan_officer):
    client.force_login(kecamatan_officer)
    assert client.post(url("verify", proposal_out.pk)).status_code == 404
    assert client.post(url("return", proposal_out.pk), {"reason": "x"}).status_code == 404
    proposal_out.refresh_from_db()
    assert proposal_out.status == "DIAJUKAN"


def test_verify_button_is_shown_to_the_kecamatan_only(
    client, proposal_in, kecamatan_officer, kelurahan_officer
):
    client.force_login(kecamatan_officer)
    assert 'value="Verifikasi"' in client.get(url("change", proposal_in.pk)).content.decode()
    client.force_login(kelurahan_officer)
    assert 'value="Verifikasi"' not in client.get(url("change", proposal_in.pk)).content.decode()


def test_return_page_asks_for_a_reason(client, kecamatan_officer, proposal_in):
    client.force_login(kecamatan_officer)
    assert "Alasan dikembalikan" in client.get(url("return", proposal_in.pk)).content.decode()
    response = client.post(url("return", proposal_in.pk), {"reason": "  "})
    assert response.status_code == 200
    proposal_in.refresh_from_db()
    assert proposal_in.status == "DIAJUKAN"


@pytest.mark.parametrize(("persona", "status"), [("kelurahan_officer", 403), ("assessor", 302)])
def test_kelurahan_and_assessor_cannot_return(client, request, proposal_in, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(url("return", proposal_in.pk), {"reason": "x"}).status_code == status
    proposal_in.refresh_from_db()
    assert proposal_in.status == "DIAJUKAN"


def test_kelurahan_sees_the_reason_in_list_and_page_and_resubmits(
    client, kecamatan_officer, kelurahan_officer, proposal_in
):
    client.force_login(kecamatan_officer)
    client.post(url("return", proposal_in.pk), {"reason": "Nama ketua salah"})
    client.force_login(kelurahan_officer)
    assert "Nama ketua salah" in client.get(reverse(CHANGELIST)).content.decode()
    page = client.get(url("change", proposal_in.pk)).content.decode()
    assert "Alasan: Nama ketua salah" in page
    assert "Perbaiki dan ajukan ulang" in page
    response = client.post(
        url("resubmit", proposal_in.pk), {"ketua_name": "Syafri Lubis", "kk_count": 132}
    )
    assert response.status_code == 302
    proposal_in.refresh_from_db()
    assert (proposal_in.status, proposal_in.ketua_name) == ("DIAJUKAN", "Syafri Lubis")


def test_other_kelurahan_cannot_resubmit(client, other_kelurahan_officer, proposal_in):
    proposal_in.status, proposal_in.return_reason = "DIKEMBALIKAN", "x"
    proposal_in.save()
    client.force_login(other_kelurahan_officer)
    assert client.post(url("resubmit", proposal_in.pk), {"kk_count": 5}).status_code == 404


def test_bulk_return_action_uses_an_intermediate_page(client, kecamatan_officer, cycle):
    proposals = [
        factories.make_proposal(
            cycle=cycle, rt=factories.make_rt(kelurahan="Telanaipura", number=n)
        )
        for n in (1, 2)
    ]
    client.force_login(kecamatan_officer)
    data = {"action": "return_selected", ACTION_CHECKBOX_NAME: [p.pk for p in proposals]}
    page = client.post(reverse(CHANGELIST), data)
    assert "Alasan dikembalikan" in page.content.decode()
    client.post(reverse(CHANGELIST), data | {"apply": "1", "reason": "Belum siap"})
    assert set(Proposal.objects.values_list("status", "return_reason")) == {
        ("DIKEMBALIKAN", "Belum siap")
    }


def test_bulk_verify_action(client, kecamatan_officer, cycle, proposal_in):
    client.force_login(kecamatan_officer)
    client.post(
        reverse(CHANGELIST), {"action": "verify_selected", ACTION_CHECKBOX_NAME: [proposal_in.pk]}
    )
    proposal_in.refresh_from_db()
    assert proposal_in.status == "DIVERIFIKASI"


def test_kelurahan_has_no_verify_action(client, kelurahan_officer, proposal_in):
    client.force_login(kelurahan_officer)
    form = client.get(reverse(CHANGELIST)).context["action_form"]
    names = [] if form is None else [name for name, _ in form.fields["action"].choices]
    assert "verify_selected" not in names
    assert "return_selected" not in names


# --- withdraw ---------------------------------------------------------------------------


def test_kelurahan_withdraws_a_proposal_in_usulan(client, kelurahan_officer, proposal_in):
    client.force_login(kelurahan_officer)
    client.post(url("delete", proposal_in.pk), {"post": "yes"})
    assert not Proposal.objects.exists()


def test_withdrawal_refused_after_usulan(client, kelurahan_officer, proposal_in):
    proposal_in.cycle.stage = "PENILAIAN"
    proposal_in.cycle.save()
    client.force_login(kelurahan_officer)
    assert client.post(url("delete", proposal_in.pk), {"post": "yes"}).status_code == 403
    assert Proposal.objects.exists()


# --- earlier results ----------------------------------------------------------------------


def test_change_page_shows_the_rts_earlier_results(
    client, kelurahan_officer, admin_dpmppa, rt_in_scope
):
    from assessments.models import Assessment, Indicator, Score
    from awards.models import Award

    past = factories.make_cycle(year=2025, stage="REKAPITULASI")
    old = factories.make_proposal(cycle=past, rt=rt_in_scope, status="DIVERIFIKASI")
    sheet = Assessment.objects.create(proposal=old, assessor=admin_dpmppa, status="SENT")
    for indicator in Indicator.objects.all():
        Score.objects.create(assessment=sheet, indicator=indicator, value=2)
    Award.objects.create(
        proposal=old, cycle=past, rt=rt_in_scope, size_category="BESAR", prize_amount=10000000
    )
    current = factories.make_proposal(cycle=factories.make_cycle(year=2026), rt=rt_in_scope)
    client.force_login(kelurahan_officer)
    page = client.get(url("change", current.pk)).content.decode()
    assert "Ikut 1 periode, menang 1 kali; nilai total terakhir 42,00" in page
    listing = client.get(reverse(CHANGELIST) + f"?cycle__id__exact={current.cycle_id}")
    assert "ikut 1×, menang 1×" in listing.content.decode()


# --- query count ---------------------------------------------------------------------------


def changelist_queries(client, user):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    return len(queries)


def test_changelist_query_count_does_not_grow(client, admin_dpmppa, assessor, cycle):
    team = factories.make_team(cycle=cycle, members=[assessor])
    past = factories.make_cycle(year=2025)
    client.force_login(admin_dpmppa)

    def add(numbers):
        for n in numbers:
            rt = factories.make_rt(kelurahan="Telanaipura", number=n)
            factories.make_proposal(cycle=past, rt=rt)
            factories.make_proposal(cycle=cycle, rt=rt, team=team, status="DIVERIFIKASI")

    add(range(1, 4))
    small = changelist_queries(client, admin_dpmppa)
    add(range(4, 40))
    large = changelist_queries(client, admin_dpmppa)
    assert small == large
    assert Proposal.objects.count() == 78


def test_kelurahan_changelist_query_count_does_not_grow(client, kelurahan_officer, cycle):
    client.force_login(kelurahan_officer)
    for n in range(1, 3):
        factories.make_proposal(
            cycle=cycle, rt=factories.make_rt(kelurahan="Buluran Kenali", number=n)
        )
    small = changelist_queries(client, kelurahan_officer)
    for n in range(3, 25):
        factories.make_proposal(
            cycle=cycle, rt=factories.make_rt(kelurahan="Buluran Kenali", number=n)
        )
    assert changelist_queries(client, kelurahan_officer) == small


# --- the action on the RT changelist ---------------------------------------------------------


RT_CHANGELIST = "admin:rt_registry_rt_changelist"


def test_kelurahan_proposes_selected_rts_from_the_rt_list(client, cycle, kelurahan_officer):
    rts = [factories.make_rt(kelurahan="Buluran Kenali", number=n, kk_count=40 + n) for n in (1, 2)]
    client.force_login(kelurahan_officer)
    response = client.post(
        reverse(RT_CHANGELIST),
        {"action": "propose_selected_rts", ACTION_CHECKBOX_NAME: [rt.pk for rt in rts]},
        follow=True,
    )
    assert "2 RT diusulkan pada periode" in response.content.decode()
    assert sorted(Proposal.objects.values_list("rt_number", "size_category")) == [
        (1, "KECIL"),
        (2, "KECIL"),
    ]


def test_rt_action_asks_for_the_cycle_when_several_are_open(
    client, cycle, kelurahan_officer, rt_in_scope
):
    second = factories.make_cycle(year=2026, period=2, stage="USULAN")
    client.force_login(kelurahan_officer)
    data = {"action": "propose_selected_rts", ACTION_CHECKBOX_NAME: [rt_in_scope.pk]}
    page = client.post(reverse(RT_CHANGELIST), data)
    assert "Periode lomba" in page.content.decode()
    assert not Proposal.objects.exists()
    client.post(reverse(RT_CHANGELIST), data | {"apply": "1", "cycle": second.pk})
    assert Proposal.objects.get().cycle == second


def test_rt_action_refuses_all_when_one_is_already_proposed(
    client, cycle, kelurahan_officer, rt_in_scope
):
    other = factories.make_rt(kelurahan="Buluran Kenali", number=6)
    factories.make_proposal(cycle=cycle, rt=rt_in_scope)
    client.force_login(kelurahan_officer)
    response = client.post(
        reverse(RT_CHANGELIST),
        {"action": "propose_selected_rts", ACTION_CHECKBOX_NAME: [rt_in_scope.pk, other.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "RT 05 Kelurahan Buluran Kenali sudah diusulkan" in page
    assert "Tidak ada RT yang diusulkan" in page
    assert Proposal.objects.count() == 1


def test_rt_action_without_open_cycle_says_so(client, kelurahan_officer, rt_in_scope):
    factories.make_cycle(stage="PENILAIAN")
    client.force_login(kelurahan_officer)
    response = client.post(
        reverse(RT_CHANGELIST),
        {"action": "propose_selected_rts", ACTION_CHECKBOX_NAME: [rt_in_scope.pk]},
        follow=True,
    )
    assert "Tidak ada periode lomba yang sedang di tahap Usulan" in response.content.decode()
    assert not Proposal.objects.exists()


def test_rt_action_refused_for_kecamatan_officer(client, cycle, kecamatan_officer, rt_in_scope):
    client.force_login(kecamatan_officer)
    response = client.post(
        reverse(RT_CHANGELIST),
        {"action": "propose_selected_rts", ACTION_CHECKBOX_NAME: [rt_in_scope.pk]},
        follow=True,
    )
    # The RT admin may hide the action from them; either way nothing is proposed.
    assert "RT diusulkan pada periode" not in response.content.decode()
    assert not Proposal.objects.exists()
    assert RT.objects.count() == 1


def test_rt_action_refuses_a_user_without_the_permission_when_called(
    rf, kecamatan_officer, rt_in_scope
):
    from django.contrib import admin as django_admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    from assessments.admin_common import propose_selected_rts

    factories.make_cycle(stage="USULAN")
    request = rf.post("/")
    request.user = kecamatan_officer
    request.session = {}
    request._messages = FallbackStorage(request)
    modeladmin = django_admin.site._registry[RT]
    propose_selected_rts(modeladmin, request, RT.objects.filter(pk=rt_in_scope.pk))
    assert [str(m) for m in request._messages] == ["Anda tidak berhak mengusulkan RT."]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(("term", "expected"), [("5", [5]), ("RT 07", [7]), ("Ketua Tujuh", [7])])
def test_search_by_rt_number_or_ketua(client, admin_dpmppa, cycle, term, expected):
    for number, ketua in [(5, "Ketua Lima"), (7, "Ketua Tujuh")]:
        rt = factories.make_rt(kelurahan="Buluran Kenali", number=number, ketua_name=ketua)
        factories.make_proposal(cycle=cycle, rt=rt)
    client.force_login(admin_dpmppa)
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert [p.rt_number for p in response.context["cl"].result_list] == expected

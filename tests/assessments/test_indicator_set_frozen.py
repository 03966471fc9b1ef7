"""An indicator set used by a cycle past Usulan (or with any score) cannot gain, lose or
change indicators by any path; changes go into a copy ("Salin set indikator")."""

import pytest
from django.urls import reverse

from assessments.indicators import copy_indicator_set
from assessments.models import Indicator, IndicatorSet, IndicatorSetFrozen, Score
from tests import factories

pytestmark = pytest.mark.django_db

REASON = (
    "Set indikator ini dipakai oleh Lomba Tahun 2026 Periode I yang sudah melewati tahap "
    "Usulan; buat salinan untuk perubahan."
)


@pytest.fixture
def used_set():
    """The migrated set, scored on by a cycle in Penilaian (no scores yet)."""
    factories.make_cycle(year=2026, stage="PENILAIAN")
    return factories.default_indicator_set()


def texts(indicator_set):
    return list(indicator_set.indicators.order_by("order").values_list("code", "text"))


def make_free_set(*, name="Set uji", codes=("B1", "B2")):
    indicator_set = IndicatorSet.objects.create(name=name)
    for order, code in enumerate(codes, start=1):
        Indicator.objects.create(
            indicator_set=indicator_set, code=code, pillar="BERSIH", order=order, text=f"{code}."
        )
    return indicator_set


# --- The model: every path ------------------------------------------------------------------


def test_new_indicator_in_a_set_past_usulan_is_refused(used_set):
    before = texts(used_set)

    with pytest.raises(IndicatorSetFrozen) as refused:
        Indicator.objects.create(
            indicator_set=used_set, code="X1", pillar="AMAN", order=99, text="Baru."
        )

    assert refused.value.messages == [REASON]
    assert texts(used_set) == before


def test_changing_an_indicator_text_in_a_set_past_usulan_is_refused(used_set):
    indicator = used_set.indicators.get(code="B1")
    old_text = indicator.text
    indicator.text = "Bunyi lain."

    with pytest.raises(IndicatorSetFrozen, match="sudah melewati tahap Usulan"):
        indicator.save()

    indicator.refresh_from_db()
    assert indicator.text == old_text


@pytest.mark.parametrize("field", ["rubric_2", "rubric_1", "rubric_0"])
def test_changing_a_rubric_text_in_a_set_past_usulan_is_refused(used_set, field):
    indicator = used_set.indicators.get(code="B1")
    old_text = getattr(indicator, field)
    setattr(indicator, field, "Arti nilai lain.")

    with pytest.raises(IndicatorSetFrozen, match="sudah melewati tahap Usulan"):
        indicator.save()
    with pytest.raises(IndicatorSetFrozen):
        used_set.indicators.filter(code="B1").update(**{field: "Arti nilai massal."})

    indicator.refresh_from_db()
    assert getattr(indicator, field) == old_text


def test_moving_an_indicator_out_of_a_set_past_usulan_is_refused(used_set):
    other = make_free_set()
    indicator = used_set.indicators.get(code="B1")
    indicator.indicator_set = other

    with pytest.raises(IndicatorSetFrozen):
        indicator.save()

    assert used_set.indicators.filter(code="B1").exists()


def test_deleting_an_indicator_of_a_set_past_usulan_is_refused(used_set):
    indicator = used_set.indicators.get(code="P7")

    with pytest.raises(IndicatorSetFrozen, match="buat salinan untuk perubahan"):
        indicator.delete()

    assert used_set.indicators.filter(code="P7").exists()


def test_bulk_paths_on_a_set_past_usulan_are_refused(used_set):
    before = texts(used_set)
    rows = used_set.indicators.all()
    one = rows.get(code="B1")
    one.text = "Diubah massal."

    with pytest.raises(IndicatorSetFrozen):
        rows.update(text="Semua sama.")
    with pytest.raises(IndicatorSetFrozen):
        rows.filter(code="B1").delete()
    with pytest.raises(IndicatorSetFrozen):
        Indicator.objects.bulk_create(
            [Indicator(indicator_set=used_set, code="X1", pillar="AMAN", order=99, text="x")]
        )
    with pytest.raises(IndicatorSetFrozen):
        Indicator.objects.bulk_update([one], ["text"])

    assert texts(used_set) == before


def test_set_past_usulan_cannot_be_renamed_or_deleted(used_set):
    old_name = used_set.name
    used_set.name = "Nama lain"

    with pytest.raises(IndicatorSetFrozen):
        used_set.save()
    with pytest.raises(IndicatorSetFrozen):
        used_set.delete()

    assert IndicatorSet.objects.get(pk=used_set.pk).name == old_name


@pytest.mark.parametrize(
    ("stage", "frozen"),
    [
        ("PERSIAPAN", False),
        ("USULAN", False),
        ("PENILAIAN", True),
        ("REKAPITULASI", True),
        ("DITETAPKAN", True),
        ("ARSIP", True),
    ],
)
def test_a_set_is_frozen_from_the_stage_after_usulan(stage, frozen):
    indicator_set = make_free_set()
    factories.make_cycle(stage=stage, indicator_set=indicator_set)

    assert bool(indicator_set.frozen_reason()) is frozen
    assert IndicatorSet.objects.annotate_frozen().get(pk=indicator_set.pk).is_frozen is frozen


def test_a_locked_cycle_freezes_its_set_whatever_its_stage():
    indicator_set = make_free_set()
    factories.make_cycle(stage="USULAN", is_locked=True, indicator_set=indicator_set)

    assert indicator_set.frozen_reason() == REASON


def test_any_score_freezes_the_set(assessor, rt_in_scope):
    indicator_set = make_free_set()
    cycle = factories.make_cycle(stage="USULAN", indicator_set=indicator_set)
    proposal = factories.make_proposal(cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI")
    factories.make_sheet(proposal=proposal, assessor=assessor, values={"B1": 2}, status="DRAFT")
    indicator = indicator_set.indicators.get(code="B2")
    indicator.text = "Lain."

    with pytest.raises(IndicatorSetFrozen, match="sudah dipakai menilai"):
        indicator.save()

    assert Score.objects.filter(indicator__indicator_set=indicator_set).count() == 1


def test_a_set_used_only_in_usulan_stays_editable():
    indicator_set = make_free_set()
    factories.make_cycle(stage="USULAN", indicator_set=indicator_set)
    indicator = indicator_set.indicators.get(code="B1")
    indicator.text = "Diperbaiki."
    indicator.save()

    Indicator.objects.create(
        indicator_set=indicator_set, code="B3", pillar="BERSIH", order=3, text="B3."
    )

    assert texts(indicator_set) == [("B1", "Diperbaiki."), ("B2", "B2."), ("B3", "B3.")]


# --- Copying ---------------------------------------------------------------------------------


def test_copy_has_the_same_indicators_and_is_editable(used_set, admin_dpmppa):
    copy = copy_indicator_set(used_set, by=admin_dpmppa)

    assert copy.name == f"Salinan dari {used_set.name}"
    assert copy.legal_basis == used_set.legal_basis
    fields = ["code", "pillar", "order", "text", "rubric_2", "rubric_1", "rubric_0"]
    assert list(copy.indicators.order_by("order").values_list(*fields)) == list(
        used_set.indicators.order_by("order").values_list(*fields)
    )
    assert copy.indicators.count() == 21
    indicator = copy.indicators.get(code="B1")
    indicator.text = "Bunyi baru di salinan."
    indicator.save()
    assert used_set.indicators.get(code="B1").text != "Bunyi baru di salinan."


def test_second_copy_gets_a_numbered_name(used_set, admin_dpmppa):
    copy_indicator_set(used_set, by=admin_dpmppa)

    second = copy_indicator_set(used_set, by=admin_dpmppa)

    assert second.name == f"Salinan dari {used_set.name} (2)"


# --- The admin -------------------------------------------------------------------------------


def inline_data(indicator_set, *, extra=()):
    """The POST of the set's change page: its fields and every indicator row inline."""
    rows = list(indicator_set.indicators.order_by("order"))
    data = {
        "name": indicator_set.name,
        "legal_basis": indicator_set.legal_basis,
        "indicators-TOTAL_FORMS": len(rows) + len(extra),
        "indicators-INITIAL_FORMS": len(rows),
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate([*rows, *extra]):
        values = {f: getattr(row, f) for f in ["order", "code", "pillar", "text"]}
        if row.pk:
            values["id"] = row.pk
            values["indicator_set"] = indicator_set.pk
        data.update({f"indicators-{i}-{k}": v for k, v in values.items()})
    return data


def test_set_page_opens_read_only_with_the_reason(client, admin_dpmppa, used_set):
    client.force_login(admin_dpmppa)

    response = client.get(reverse("admin:assessments_indicatorset_change", args=[used_set.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert REASON in html
    assert 'name="_save"' not in html
    assert 'name="indicators-0-text"' not in html  # inline rows shown, not editable
    assert "Salin set indikator" in html


def test_set_page_post_adding_an_indicator_inline_changes_nothing(client, admin_dpmppa, used_set):
    client.force_login(admin_dpmppa)
    before = texts(used_set)
    new = Indicator(code="X1", pillar="AMAN", order=99, text="Baru.")
    url = reverse("admin:assessments_indicatorset_change", args=[used_set.pk])

    response = client.post(url, inline_data(used_set, extra=[new]), follow=True)

    assert f"Set indikator tidak diubah. {REASON}" in response.content.decode()
    assert texts(used_set) == before


def test_inline_of_an_editable_set_adds_an_indicator(client, admin_dpmppa):
    indicator_set = make_free_set()
    client.force_login(admin_dpmppa)
    new = Indicator(code="B3", pillar="BERSIH", order=3, text="B3.")
    url = reverse("admin:assessments_indicatorset_change", args=[indicator_set.pk])

    response = client.post(url, inline_data(indicator_set, extra=[new]))

    assert response.status_code == 302
    assert texts(indicator_set) == [("B1", "B1."), ("B2", "B2."), ("B3", "B3.")]


def test_indicator_add_page_refuses_a_set_past_usulan(client, admin_dpmppa, used_set):
    client.force_login(admin_dpmppa)
    data = {"indicator_set": used_set.pk, "code": "X1", "pillar": "AMAN", "order": 99, "text": "x"}

    response = client.post(reverse("admin:assessments_indicator_add"), data)

    assert response.status_code == 200
    assert REASON in response.content.decode()
    assert not used_set.indicators.filter(code="X1").exists()


def test_indicator_change_page_of_a_set_past_usulan_is_read_only(client, admin_dpmppa, used_set):
    indicator = used_set.indicators.get(code="B1")
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicator_change", args=[indicator.pk])

    page = client.get(url).content.decode()
    data = {"indicator_set": used_set.pk, "code": "B1", "pillar": "BERSIH", "order": 1}
    response = client.post(url, {**data, "text": "Lain."}, follow=True)

    assert REASON in page and 'name="_save"' not in page
    assert f"Indikator B1 tidak diubah. {REASON}" in response.content.decode()
    assert used_set.indicators.get(code="B1").text == indicator.text


def test_indicator_change_page_of_a_set_past_usulan_keeps_the_rubric(
    client, admin_dpmppa, used_set
):
    indicator = used_set.indicators.get(code="B1")
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicator_change", args=[indicator.pk])
    data = {"indicator_set": used_set.pk, "code": "B1", "pillar": "BERSIH", "order": 1}
    data |= {"text": indicator.text, "rubric_2": "Lain.", "rubric_1": "", "rubric_0": ""}

    page = client.get(url).content.decode()
    client.post(url, data)

    assert "Arti nilai 2 (baik)" in page and indicator.rubric_2 in page
    assert 'name="rubric_2"' not in page
    assert used_set.indicators.get(code="B1").rubric_2 == indicator.rubric_2


def test_admin_writes_the_rubric_of_an_unused_set(client, admin_dpmppa):
    indicator = make_free_set().indicators.get(code="B1")
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicator_change", args=[indicator.pk])
    data = {"indicator_set": indicator.indicator_set_id, "code": "B1", "pillar": "BERSIH"}
    data |= {"order": 1, "text": "B1.", "rubric_2": "Semua rumah rapi.", "rubric_1": "Sebagian."}
    data |= {"rubric_0": "Kumuh."}

    response = client.post(url, data)

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.rubric() == [
        (2, "Baik", "Semua rumah rapi."),
        (1, "Sedang", "Sebagian."),
        (0, "Kurang", "Kumuh."),
    ]


def test_indicator_delete_page_of_a_set_past_usulan_is_refused(client, admin_dpmppa, used_set):
    indicator = used_set.indicators.get(code="B1")
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicator_delete", args=[indicator.pk])

    response = client.post(url, {"post": "yes"}, follow=True)

    assert f"Indikator B1 tidak dapat dihapus. {REASON}" in response.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_copy_button_makes_an_editable_copy(client, admin_dpmppa, used_set):
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicatorset_copy", args=[used_set.pk])

    form = client.get(url).content.decode()
    response = client.post(url, {"name": "Perwal 2027", "legal_basis": "Perwal uji"})

    assert f"Salinan dari {used_set.name}" in form
    copy = IndicatorSet.objects.get(name="Perwal 2027")
    assert response["Location"] == reverse("admin:assessments_indicatorset_change", args=[copy.pk])
    assert copy.legal_basis == "Perwal uji"
    assert copy.indicators.count() == 21
    page = client.get(response["Location"]).content.decode()
    assert 'name="indicators-0-text"' in page and 'name="_save"' in page


def test_copy_button_refuses_a_taken_name(client, admin_dpmppa, used_set):
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_indicatorset_copy", args=[used_set.pk])

    response = client.post(url, {"name": used_set.name})

    assert response.status_code == 200
    assert "sudah dipakai; pilih nama lain" in response.content.decode()
    assert IndicatorSet.objects.count() == 1


def test_copy_action_on_the_set_list(client, admin_dpmppa, used_set):
    client.force_login(admin_dpmppa)
    data = {"action": "copy_selected", "_selected_action": [used_set.pk]}

    response = client.post(reverse("admin:assessments_indicatorset_changelist"), data, follow=True)

    assert "Set indikator disalin" in response.content.decode()
    assert IndicatorSet.objects.get(name=f"Salinan dari {used_set.name}").indicators.count() == 21


@pytest.mark.parametrize("fixture", ["kecamatan_officer", "kelurahan_officer"])
def test_officers_cannot_copy_a_set(client, request, fixture, used_set):
    client.force_login(request.getfixturevalue(fixture))
    url = reverse("admin:assessments_indicatorset_copy", args=[used_set.pk])

    response = client.post(url, {"name": "Perwal 2027"})

    assert response.status_code == 403
    assert IndicatorSet.objects.count() == 1

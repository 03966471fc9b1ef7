"""Who may do what to which RT in the admin: role × (inside, outside scope) × action.

rt_in_scope lies in Kelurahan Buluran Kenali (Kecamatan Telanaipura); rt_out_of_scope in
Kelurahan Kenali Asam (Kecamatan Kota Baru). Admin DPMPPA is city-wide, so for it both
are "inside"."""

import html

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rt_registry import roles
from rt_registry.models import RT
from tests import factories
from tests.rt_registry.importfiles import csv_bytes

ADMIN, KEC, KEL, PENILAI, PENILAI_STAFF = (
    "admin_dpmppa",
    "kecamatan_officer",
    "kelurahan_officer",
    "assessor",
    "assessor_staff",
)
ACTIONS = ["list", "view", "add", "change", "delete", "import", "export"]

# ok: allowed and done. hidden: the page works but the RT is not in it. denied: 403/404
# and nothing changes. refused: the form or import rejects it with a message, nothing
# changes. login: not staff, sent to the admin login.
EXPECTED = {
    (ADMIN, "inside"): dict.fromkeys(ACTIONS, "ok"),
    (ADMIN, "outside"): dict.fromkeys(ACTIONS, "ok"),
    (KEC, "inside"): {
        "list": "ok",
        "view": "ok",
        "add": "denied",
        "change": "denied",
        "delete": "denied",
        "import": "denied",
        "export": "ok",
    },
    (KEC, "outside"): {
        "list": "hidden",
        "view": "denied",
        "add": "denied",
        "change": "denied",
        "delete": "denied",
        "import": "denied",
        "export": "hidden",
    },
    (KEL, "inside"): dict.fromkeys(ACTIONS, "ok"),
    (KEL, "outside"): {
        "list": "hidden",
        "view": "denied",
        "add": "refused",
        "change": "denied",
        "delete": "denied",
        "import": "refused",
        "export": "hidden",
    },
    (PENILAI, "inside"): dict.fromkeys(ACTIONS, "login"),
    (PENILAI, "outside"): dict.fromkeys(ACTIONS, "login"),
    (PENILAI_STAFF, "inside"): dict.fromkeys(ACTIONS, "denied"),
    (PENILAI_STAFF, "outside"): dict.fromkeys(ACTIONS, "denied"),
}

CASES = [
    (role, where, action, outcome)
    for (role, where), outcomes in EXPECTED.items()
    for action, outcome in outcomes.items()
]


@pytest.fixture
def assessor_staff(db):
    """A Tim Penilai member wrongly given staff status: still no registry access."""
    return factories.make_user(
        username="penilai.staf", role=roles.TIM_PENILAI, agency="DLH", is_staff=True
    )


def rt_form(rt, **changes):
    data = {
        "kelurahan": rt.kelurahan_id,
        "number": rt.number,
        "ketua_name": rt.ketua_name,
        "phone": rt.phone,
        "kk_count": rt.kk_count,
        "is_active": "on",
        "latitude": "",
        "longitude": "",
    }
    data.update(changes)
    return data


def inline_management_data(client, url):
    """The management forms of the inlines other apps attach to the RT page (awards)."""
    response = client.get(url)
    data = {}
    if response.status_code == 200:
        for inline in response.context["inline_admin_formsets"]:
            form = inline.formset.management_form
            data.update({form.add_prefix(name): form[name].value() for name in form.fields})
    return data


def snapshot():
    return sorted(RT.objects.values_list("kelurahan_id", "number", "kk_count"))


def run(client, action, rt):
    """Do `action` on (or next to) `rt`; return (response, did_it_take_effect)."""
    if action == "list":
        response = client.get(reverse("admin:rt_registry_rt_changelist"))
        shown = response.status_code == 200 and rt in response.context["cl"].result_list
        return response, shown
    if action == "view":
        response = client.get(reverse("admin:rt_registry_rt_change", args=[rt.pk]))
        return response, response.status_code == 200
    if action == "add":
        url = reverse("admin:rt_registry_rt_add")
        data = {**inline_management_data(client, url), **rt_form(rt, number=42, kk_count=51)}
        response = client.post(url, data)
        return response, RT.objects.filter(kelurahan=rt.kelurahan, number=42).exists()
    if action == "change":
        url = reverse("admin:rt_registry_rt_change", args=[rt.pk])
        data = {**inline_management_data(client, url), **rt_form(rt, kk_count=77)}
        response = client.post(url, data)
        return response, RT.objects.get(pk=rt.pk).kk_count == 77
    if action == "delete":
        response = client.post(
            reverse("admin:rt_registry_rt_delete", args=[rt.pk]), {"post": "yes"}
        )
        return response, not RT.objects.filter(pk=rt.pk).exists()
    if action == "import":
        kelurahan = rt.kelurahan
        row = (kelurahan.kecamatan.name, kelurahan.name, "43", "Baru", "", "66")
        upload = SimpleUploadedFile("rt.csv", csv_bytes([row]))
        response = client.post(
            reverse("admin:rt_registry_rt_import"), {"import_file": upload, "format": "0"}
        )
        if response.status_code != 200 or not response.context.get("confirm_form"):
            return response, False
        client.post(
            reverse("admin:rt_registry_rt_process_import"),
            dict(response.context["confirm_form"].initial),
        )
        return response, RT.objects.filter(kelurahan=kelurahan, number=43).exists()
    if action == "export":
        response = client.post(reverse("admin:rt_registry_rt_export"), {"format": "0"})
        exported = response.status_code == 200 and response.get("Content-Disposition")
        text = response.content.decode("utf-8-sig") if exported else ""
        return response, f"{rt.kelurahan.name},{rt.number}," in text
    raise AssertionError(action)


@pytest.mark.parametrize(("role", "where", "action", "outcome"), CASES)
@pytest.mark.django_db
def test_scope_matrix(client, request, rt_in_scope, rt_out_of_scope, role, where, action, outcome):
    user = request.getfixturevalue(role)
    rt = rt_in_scope if where == "inside" else rt_out_of_scope
    client.force_login(user)
    before = snapshot()

    response, took_effect = run(client, action, rt)

    if outcome == "ok":
        assert took_effect, (response.status_code, action)
    elif outcome == "hidden":
        assert response.status_code == 200
        assert not took_effect
    elif outcome == "denied":
        assert response.status_code in (403, 404)
        assert not took_effect
        assert snapshot() == before
    elif outcome == "refused":
        assert response.status_code == 200
        assert not took_effect
        assert snapshot() == before
        page = html.unescape(response.content.decode())
        assert "Masukkan pilihan yang valid" in page or "di luar wilayah Anda" in page
    elif outcome == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert snapshot() == before


@pytest.mark.django_db
def test_kelurahan_officer_cannot_move_own_rt_to_other_kelurahan_with_forged_id(
    client, kelurahan_officer, rt_in_scope, rt_out_of_scope
):
    client.force_login(kelurahan_officer)
    url = reverse("admin:rt_registry_rt_change", args=[rt_in_scope.pk])
    forged = {
        **inline_management_data(client, url),
        **rt_form(rt_in_scope, kelurahan=rt_out_of_scope.kelurahan_id),
    }

    response = client.post(url, forged)

    assert response.status_code == 200
    assert "kelurahan" in response.context["adminform"].form.errors
    rt_in_scope.refresh_from_db()
    assert rt_in_scope.kelurahan.name == "Buluran Kenali"


@pytest.mark.django_db
def test_kelurahan_officer_add_form_offers_only_own_kelurahan(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    response = client.get(reverse("admin:rt_registry_rt_add"))

    field = response.context["adminform"].form.fields["kelurahan"]
    assert [k.name for k in field.queryset] == ["Buluran Kenali"]
    assert response.context["adminform"].form.initial["kelurahan"] == field.queryset.get().pk


def autocomplete(client, term=""):
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": "rt_registry", "model_name": "rt", "field_name": "kelurahan", "term": term},
    )


@pytest.mark.django_db
def test_kelurahan_autocomplete_lists_only_kelurahan_in_scope(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    everything = autocomplete(client).json()["results"]
    searched = autocomplete(client, "Kenali Asam").json()["results"]

    assert [r["text"] for r in everything] == ["Buluran Kenali"]
    assert searched == []


@pytest.mark.django_db
def test_kelurahan_autocomplete_for_kecamatan_officer_lists_its_kecamatan(
    client, kecamatan_officer
):
    client.force_login(kecamatan_officer)

    results = autocomplete(client).json()["results"]

    assert len(results) == 7
    assert "Buluran Kenali" in [r["text"] for r in results]


@pytest.mark.django_db
def test_kelurahan_autocomplete_is_closed_to_assessors(client, assessor_staff):
    client.force_login(assessor_staff)

    assert autocomplete(client).status_code == 403


@pytest.mark.django_db
def test_bulk_delete_action_deletes_only_rows_in_scope(
    client, kelurahan_officer, rt_in_scope, rt_out_of_scope
):
    client.force_login(kelurahan_officer)

    client.post(
        reverse("admin:rt_registry_rt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [rt_in_scope.pk, rt_out_of_scope.pk],
            "post": "yes",
        },
    )

    assert not RT.objects.filter(pk=rt_in_scope.pk).exists()
    assert RT.objects.filter(pk=rt_out_of_scope.pk).exists()


@pytest.mark.django_db
def test_deactivate_action_touches_only_rows_in_scope(
    client, kelurahan_officer, rt_in_scope, rt_out_of_scope
):
    client.force_login(kelurahan_officer)

    client.post(
        reverse("admin:rt_registry_rt_changelist"),
        {"action": "deactivate", "_selected_action": [rt_in_scope.pk, rt_out_of_scope.pk]},
    )

    assert list(RT.objects.order_by("pk").values_list("is_active", flat=True)) == [False, True]


@pytest.mark.django_db
def test_history_of_other_kelurahan_rt_is_not_found(client, kelurahan_officer, rt_out_of_scope):
    client.force_login(kelurahan_officer)

    response = client.get(reverse("admin:rt_registry_rt_history", args=[rt_out_of_scope.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_search_does_not_reach_outside_scope(client, kelurahan_officer, rt_out_of_scope):
    client.force_login(kelurahan_officer)

    response = client.get(reverse("admin:rt_registry_rt_changelist"), {"q": "Kenali Asam"})

    assert list(response.context["cl"].result_list) == []


@pytest.mark.django_db
def test_list_filter_with_forged_kelurahan_id_shows_nothing_outside_scope(
    client, kelurahan_officer, rt_out_of_scope
):
    client.force_login(kelurahan_officer)

    response = client.get(
        reverse("admin:rt_registry_rt_changelist"),
        {"kelurahan__id__exact": rt_out_of_scope.kelurahan_id},
    )

    assert list(response.context["cl"].result_list) == []


def filter_choices(response, title):
    """The choices of a list filter, or None when the admin hides it (a single choice)."""
    for spec in response.context["cl"].filter_specs:
        if str(spec.title) == title:
            return [label for _, label in spec.lookup_choices]
    return None


@pytest.mark.django_db
def test_list_filters_offer_only_kelurahan_in_scope(client, kecamatan_officer):
    client.force_login(kecamatan_officer)

    response = client.get(reverse("admin:rt_registry_rt_changelist"))

    assert filter_choices(response, "kecamatan") is None  # only its own: nothing to choose
    assert sorted(filter_choices(response, "kelurahan")) == [
        "Aur Kenali",
        "Buluran Kenali",
        "Pematang Sulur",
        "Penyengat Rendah",
        "Simpang IV Sipin",
        "Telanaipura",
        "Teluk Kenali",
    ]


@pytest.mark.django_db
def test_kelurahan_officer_gets_no_kecamatan_or_kelurahan_filter(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    response = client.get(reverse("admin:rt_registry_rt_changelist"))

    assert filter_choices(response, "kelurahan") is None
    assert filter_choices(response, "kecamatan") is None
    assert "Kenali Asam" not in response.content.decode()


@pytest.mark.django_db
def test_scoped_filter_lists_one_choice_per_value_in_scope(rf, kecamatan_officer):
    from django.contrib import admin as django_admin

    from rt_registry.admin import KelurahanFilter, RTAdmin

    request = rf.get("/")
    request.user = kecamatan_officer
    model_admin = RTAdmin(RT, django_admin.site)
    field = RT._meta.get_field("kelurahan")

    choices = KelurahanFilter(field, request, {}, RT, model_admin, "kelurahan").lookup_choices

    assert len(choices) == 7


@pytest.mark.django_db
def test_admin_kelurahan_filter_follows_chosen_kecamatan(client, admin_dpmppa):
    client.force_login(admin_dpmppa)
    kota_baru = factories.kecamatan_named("Kota Baru")

    everything = client.get(reverse("admin:rt_registry_rt_changelist"))
    narrowed = client.get(
        reverse("admin:rt_registry_rt_changelist"),
        {"kelurahan__kecamatan__id__exact": kota_baru.pk},
    )

    assert len(filter_choices(everything, "kelurahan")) == 68
    assert len(filter_choices(narrowed, "kelurahan")) == kota_baru.kelurahan.count()


@pytest.mark.django_db
def test_reference_data_is_read_only_for_officers(client, admin_dpmppa, kelurahan_officer):
    kelurahan = factories.kelurahan_named("Buluran Kenali")
    for user in (admin_dpmppa, kelurahan_officer):
        client.force_login(user)
        change_url = reverse("admin:rt_registry_kelurahan_change", args=[kelurahan.pk])
        assert client.get(change_url).status_code == 200
        response = client.post(change_url, {"name": "Diubah", "code": kelurahan.code})
        assert response.status_code == 403
        assert client.get(reverse("admin:rt_registry_kecamatan_add")).status_code == 403
    kelurahan.refresh_from_db()
    assert kelurahan.name == "Buluran Kenali"


@pytest.mark.django_db
def test_superuser_may_correct_reference_data(client):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    kelurahan = factories.kelurahan_named("Thehok")
    client.force_login(root)

    response = client.post(
        reverse("admin:rt_registry_kelurahan_change", args=[kelurahan.pk]),
        {"kecamatan": kelurahan.kecamatan_id, "code": kelurahan.code, "name": "The Hok"},
    )

    assert response.status_code == 302
    kelurahan.refresh_from_db()
    assert kelurahan.name == "The Hok"


@pytest.mark.django_db
def test_kelurahan_officer_sees_only_own_kelurahan_in_reference_lists(client, kelurahan_officer):
    client.force_login(kelurahan_officer)
    other = factories.kelurahan_named("Kenali Asam")

    listed = client.get(reverse("admin:rt_registry_kelurahan_changelist")).context["cl"]
    response = client.get(reverse("admin:rt_registry_kelurahan_change", args=[other.pk]))

    assert [k.name for k in listed.result_list] == ["Buluran Kenali"]
    assert response.status_code == 404


@pytest.mark.django_db
def test_tim_penilai_group_holds_no_registry_permission():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=roles.TIM_PENILAI)

    assert not group.permissions.filter(content_type__app_label="rt_registry").exists()


@pytest.mark.django_db
def test_assessor_is_not_staff_and_cannot_log_into_the_admin(client, assessor):
    response = client.post(
        reverse("admin:login"), {"username": "penilai.uji", "password": factories.PASSWORD}
    )

    assert not assessor.is_staff
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("persona", [KEC, PENILAI_STAFF])
@pytest.mark.django_db
def test_import_page_is_closed_to_those_who_may_not_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("admin:rt_registry_rt_import")).status_code == 403
    assert client.post(reverse("admin:rt_registry_rt_process_import"), {}).status_code == 403


@pytest.mark.django_db
def test_a_save_that_ends_outside_the_scope_is_refused_with_its_reason(
    rf, kelurahan_officer, rt_out_of_scope
):
    # The last line of defence behind the form's choices: the 403 page shows this reason.
    request = rf.post("/")
    request.user = kelurahan_officer
    with pytest.raises(PermissionDenied) as refused:
        admin.site._registry[RT].save_model(request, rt_out_of_scope, form=None, change=True)
    assert str(refused.value) == "Data di luar wilayah Anda tidak dapat disimpan."


@pytest.mark.django_db
@pytest.mark.parametrize("permission", ["view", "change", "delete"])
def test_object_permissions_end_at_the_scope(
    rf, kelurahan_officer, rt_in_scope, rt_out_of_scope, permission
):
    # Behind get_object's 404: asked about a row outside the scope, the admin says no.
    request = rf.get("/")
    request.user = kelurahan_officer
    has_permission = getattr(admin.site._registry[RT], f"has_{permission}_permission")
    assert has_permission(request, rt_in_scope) is True
    assert has_permission(request, rt_out_of_scope) is False

"""Officer accounts: Admin DPMPPA sets role and scope together; nobody below a superuser
touches superusers or hands out superuser status."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rt_registry import roles
from tests import factories

User = get_user_model()
ADD_URL = reverse("admin:auth_user_add")


def management_data(client, url):
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        form = inline.formset.management_form
        data.update({form.add_prefix(name): form[name].value() for name in form.fields})
    return data


def new_officer_data(client, *, role, kecamatan="", kelurahan=""):
    return {
        **management_data(client, ADD_URL),
        "username": "kel.baru",
        "usable_password": "true",
        "password1": "Rahasia#Baru2026",
        "password2": "Rahasia#Baru2026",
        "profile-0-role": role,
        "profile-0-kecamatan": kecamatan,
        "profile-0-kelurahan": kelurahan,
        "profile-0-agency": "KELURAHAN",
        "profile-0-phone": "",
    }


@pytest.mark.django_db
def test_admin_dpmppa_creates_kelurahan_officer_with_role_and_scope(client, admin_dpmppa):
    client.force_login(admin_dpmppa)
    kelurahan = factories.kelurahan_named("Telanaipura")

    response = client.post(
        ADD_URL, new_officer_data(client, role=roles.PETUGAS_KELURAHAN, kelurahan=kelurahan.pk)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="kel.baru")
    assert [g.name for g in user.groups.all()] == [roles.PETUGAS_KELURAHAN]
    assert user.is_staff and not user.is_superuser
    assert user.profile.kelurahan == kelurahan
    assert user.profile.scope_label == "Kelurahan Telanaipura"


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        (roles.PETUGAS_KELURAHAN, {}, "Petugas Kelurahan harus memiliki satu kelurahan"),
        (roles.PETUGAS_KECAMATAN, {}, "Petugas Kecamatan harus memiliki satu kecamatan"),
        (roles.TIM_PENILAI, {"kelurahan": "Telanaipura"}, "kosongkan kecamatan dan kelurahan"),
    ],
)
@pytest.mark.django_db
def test_role_and_scope_must_fit_together(client, admin_dpmppa, role, scope, message):
    client.force_login(admin_dpmppa)
    ids = {field: factories.kelurahan_named(name).pk for field, name in scope.items()}

    response = client.post(ADD_URL, new_officer_data(client, role=role, **ids))

    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not User.objects.filter(username="kel.baru").exists()


@pytest.mark.django_db
def test_changing_role_to_assessor_removes_admin_access(client, admin_dpmppa, kelurahan_officer):
    client.force_login(admin_dpmppa)
    url = reverse("admin:auth_user_change", args=[kelurahan_officer.pk])
    profile = kelurahan_officer.profile
    data = {
        **management_data(client, url),
        "username": kelurahan_officer.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_superuser": "on",  # not on the form for Admin DPMPPA: ignored
        "profile-0-id": profile.pk,
        "profile-0-user": kelurahan_officer.pk,
        "profile-0-role": roles.TIM_PENILAI,
        "profile-0-kecamatan": "",
        "profile-0-kelurahan": "",
        "profile-0-agency": "DLH",
        "profile-0-phone": "",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    kelurahan_officer.refresh_from_db()
    assert [g.name for g in kelurahan_officer.groups.all()] == [roles.TIM_PENILAI]
    assert not kelurahan_officer.is_staff
    assert not kelurahan_officer.is_superuser


@pytest.mark.django_db
def test_admin_dpmppa_does_not_see_or_open_superusers(client, admin_dpmppa):
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin_dpmppa)

    listed = client.get(reverse("admin:auth_user_changelist")).context["cl"].result_list
    opened = client.get(reverse("admin:auth_user_change", args=[root.pk]))
    password = client.get(reverse("admin:auth_user_password_change", args=[root.pk]))

    assert root not in listed
    assert opened.status_code == 302  # the admin's "not found" redirect to the index
    assert opened["Location"] == reverse("admin:index")
    assert password.status_code == 404


@pytest.mark.django_db
def test_user_list_shows_role_and_scope(client, admin_dpmppa, kelurahan_officer):
    client.force_login(admin_dpmppa)

    page = client.get(reverse("admin:auth_user_changelist")).content.decode()

    assert "Petugas Kelurahan" in page and "Kelurahan Buluran Kenali" in page


@pytest.mark.parametrize("persona", ["kelurahan_officer", "kecamatan_officer"])
@pytest.mark.django_db
def test_officers_cannot_manage_accounts(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(ADD_URL).status_code == 403

"""visible_to(user), the one scope path (STYLE rule 22), branch by branch on the RTs of
three kelurahan: Buluran Kenali and Telanaipura (Kecamatan Telanaipura) and Kenali Asam
(Kecamatan Kota Baru)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from rt_registry import roles
from rt_registry.models import RT, Kelurahan
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rts():
    return {
        name: factories.make_rt(kelurahan=name, number=1)
        for name in ("Buluran Kenali", "Telanaipura", "Kenali Asam")
    }


def visible(user):
    return set(RT.objects.visible_to(user).values_list("kelurahan__name", flat=True))


def test_admin_dpmppa_and_superuser_see_every_rt(rts, admin_dpmppa):
    superuser = get_user_model().objects.create_superuser(username="root", password="x")
    assert visible(admin_dpmppa) == visible(superuser) == set(rts)


def test_kelurahan_officer_sees_own_kelurahan_only(rts, kelurahan_officer):
    assert visible(kelurahan_officer) == {"Buluran Kenali"}


def test_kecamatan_officer_sees_every_kelurahan_of_own_kecamatan(rts, kecamatan_officer):
    assert visible(kecamatan_officer) == {"Buluran Kenali", "Telanaipura"}


def test_scope_reaches_kelurahan_through_the_same_method(rts, kecamatan_officer):
    names = set(Kelurahan.objects.visible_to(kecamatan_officer).values_list("name", flat=True))
    assert {"Buluran Kenali", "Telanaipura"} <= names
    assert "Kenali Asam" not in names


def test_anonymous_and_inactive_users_see_nothing(rts, admin_dpmppa):
    admin_dpmppa.is_active = False
    admin_dpmppa.save()
    assert visible(AnonymousUser()) == visible(admin_dpmppa) == set()


def test_officer_without_an_area_sees_nothing(rts):
    for username, role in [
        ("kel.kosong", roles.PETUGAS_KELURAHAN),
        ("kec.kosong", roles.PETUGAS_KECAMATAN),
    ]:
        user = factories.make_user(username=username, role=role)
        assert visible(user) == set(), role


def test_area_without_the_officer_role_gives_nothing(rts, assessor):
    # An assessor whose profile happens to name a kelurahan is not a kelurahan officer.
    assessor.profile.kelurahan = factories.kelurahan_named("Buluran Kenali")
    assessor.profile.save()
    assert visible(assessor) == set()
    # Nor one whose profile names a kecamatan a kecamatan officer.
    assessor.profile.kelurahan = None
    assessor.profile.kecamatan = factories.kecamatan_named("Telanaipura")
    assessor.profile.save()
    assert visible(assessor) == set()


def test_user_without_a_profile_sees_nothing(rts):
    user = get_user_model().objects.create_user(username="tanpa.profil", password="x")
    user.groups.add(Group.objects.get(name=roles.PETUGAS_KELURAHAN))
    assert visible(user) == set()

"""Keyword-only factory functions. No random data: every value is given or fixed."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from rt_registry import roles
from rt_registry.models import RT, Kecamatan, Kelurahan, OfficerProfile

PASSWORD = "Rahasia#12345"


def kelurahan_named(name):
    return Kelurahan.objects.select_related("kecamatan").get(name=name)


def kecamatan_named(name):
    return Kecamatan.objects.get(name=name)


def make_rt(*, kelurahan, number, kk_count=60, ketua_name="Ketua Uji", phone="", is_active=True):
    if isinstance(kelurahan, str):
        kelurahan = kelurahan_named(kelurahan)
    return RT.objects.create(
        kelurahan=kelurahan,
        number=number,
        kk_count=kk_count,
        ketua_name=ketua_name,
        phone=phone,
        is_active=is_active,
    )


def make_user(*, username, role=None, kecamatan=None, kelurahan=None, agency="", is_staff=None):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD)
    if is_staff is None:
        is_staff = role in (roles.ADMIN_DPMPPA, roles.PETUGAS_KECAMATAN, roles.PETUGAS_KELURAHAN)
    user.is_staff = is_staff
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    if isinstance(kecamatan, str):
        kecamatan = kecamatan_named(kecamatan)
    if isinstance(kelurahan, str):
        kelurahan = kelurahan_named(kelurahan)
    OfficerProfile.objects.create(
        user=user, kecamatan=kecamatan, kelurahan=kelurahan, agency=agency
    )
    return user

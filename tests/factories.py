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


# --- Award cycle (assessments) -------------------------------------------------------


def default_indicator_set():
    from assessments.models import IndicatorSet

    return IndicatorSet.objects.order_by("pk").first()


def make_cycle(*, year=2026, period=1, stage="USULAN", is_locked=False, **settings):
    """A cycle on the migrated indicator set; `settings` override any Cycle field."""
    from assessments.models import Cycle

    settings.setdefault("indicator_set", default_indicator_set())
    return Cycle.objects.create(
        year=year, period=period, stage=stage, is_locked=is_locked, **settings
    )


def make_proposal(*, cycle, rt, status="DIAJUKAN", team=None, by=None, return_reason=""):
    """A proposal with the RT's facts copied, written directly (no stage checks), so tests
    can set up any state. Workflow tests use assessments.proposals.propose_rt instead."""
    from assessments.models import Proposal

    return Proposal.objects.create(
        cycle=cycle,
        rt=rt,
        status=status,
        team=team,
        proposed_by=by,
        return_reason=return_reason,
        kecamatan_name=rt.kelurahan.kecamatan.name,
        kelurahan_name=rt.kelurahan.name,
        rt_number=rt.number,
        ketua_name=rt.ketua_name,
        kk_count=rt.kk_count,
        size_category=cycle.size_category(rt.kk_count),
    )


def make_team(*, cycle, name="Tim 1", members=()):
    """`members`: users (agency DPMPPA) or (user, agency) pairs."""
    from assessments.models import Team, TeamMember

    team = Team.objects.create(cycle=cycle, name=name)
    for member in members:
        user, agency = member if isinstance(member, tuple) else (member, "DPMPPA")
        TeamMember.objects.create(team=team, user=user, agency=agency)
    return team

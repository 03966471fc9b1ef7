"""Bulk data for the benchmarks: cycles with many proposals, sheets and awards, written
with bulk_create (history is not what is measured). Call after _bench.django_ready()."""

import datetime
import random
import uuid
from decimal import Decimal


def assessors(n):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from rt_registry import roles
    from rt_registry.models import OfficerProfile

    User = get_user_model()
    group = Group.objects.get(name=roles.TIM_PENILAI)
    users = []
    for i in range(1, n + 1):
        user, created = User.objects.get_or_create(username=f"bench.penilai{i}")
        if created:
            user.groups.add(group)
            OfficerProfile.objects.create(user=user, agency="DLH")
        users.append(user)
    return users


def make_cycle(*, year, stage):
    from assessments.models import Cycle, IndicatorSet

    return Cycle.objects.create(
        year=year, period=1, stage=stage, indicator_set=IndicatorSet.objects.first()
    )


def make_proposals(*, cycle, n, team=None):
    from assessments.models import Proposal
    from rt_registry.models import RT

    rts = list(RT.objects.select_related("kelurahan__kecamatan").in_city_order()[:n])
    if len(rts) < n:
        raise SystemExit(f"Only {len(rts)} RTs in the registry; {n} needed.")
    return Proposal.objects.bulk_create(
        [
            Proposal(
                cycle=cycle,
                rt=rt,
                status=Proposal.Status.DIVERIFIKASI,
                kecamatan_name=rt.kelurahan.kecamatan.name,
                kelurahan_name=rt.kelurahan.name,
                rt_number=rt.number,
                ketua_name=rt.ketua_name,
                kk_count=rt.kk_count,
                size_category=cycle.size_category(rt.kk_count),
                team=team,
            )
            for rt in rts
        ],
        batch_size=500,
    )


def make_scored_cycle(*, n_proposals, n_assessors, year=2030):
    """A cycle in Rekapitulasi: n_proposals, one team of n_assessors, every sheet sent."""
    from assessments.models import Assessment, Cycle, Indicator, Score, Team, TeamMember

    rng = random.Random(year)  # a seed per cycle: client tokens are unique
    cycle = make_cycle(year=year, stage=Cycle.Stage.REKAPITULASI)
    team = Team.objects.create(cycle=cycle, name="Tim Benchmark")
    members = assessors(n_assessors)
    TeamMember.objects.bulk_create([TeamMember(team=team, user=u, agency="DLH") for u in members])
    proposals = make_proposals(cycle=cycle, n=n_proposals, team=team)
    sent_at = datetime.datetime(year, 6, 1, tzinfo=datetime.UTC)
    sheets = Assessment.objects.bulk_create(
        [
            Assessment(
                proposal=p,
                assessor=u,
                status=Assessment.Status.SENT,
                client_token=uuid.UUID(int=rng.getrandbits(128), version=4),
                sent_at=sent_at,
            )
            for p in proposals
            for u in members
        ],
        batch_size=1000,
    )
    indicators = list(Indicator.objects.filter(indicator_set=cycle.indicator_set))
    Score.objects.bulk_create(
        (
            Score(assessment=s, indicator=i, value=rng.choice((0, 1, 1, 2, 2, 2)))
            for s in sheets
            for i in indicators
        ),
        batch_size=5000,
    )
    return cycle


def make_awarded_cycle(*, n_awards, year=2031, seed=2):
    """A cycle whose meeting has decided: n_awards winners with their decisions, awards
    and a draft decree ready to render."""
    from django.contrib.auth import get_user_model

    from assessments.models import Cycle, Decision, Meeting
    from awards.issuing import decree_defaults
    from awards.models import Award, Decree

    rng = random.Random(seed)
    admin = get_user_model().objects.get(username="dpmppa")
    cycle = make_cycle(year=year, stage=Cycle.Stage.REKAPITULASI)
    Meeting.objects.create(
        cycle=cycle, held_on=datetime.date(year, 7, 10), place="Aula DPMPPA Kota Jambi"
    )
    proposals = make_proposals(cycle=cycle, n=n_awards)
    Decision.objects.bulk_create(
        [
            Decision(
                proposal=p,
                rule_passes=True,
                total=Decimal(rng.randint(300, 420)) / 10,
                outcome=Decision.Outcome.LULUS,
                decided_by=admin,
            )
            for p in proposals
        ],
        batch_size=500,
    )
    Award.objects.bulk_create(
        [
            Award(
                proposal=p,
                cycle=cycle,
                rt_id=p.rt_id,
                size_category=p.size_category,
                prize_amount=cycle.prize_for(p.size_category),
            )
            for p in proposals
        ],
        batch_size=500,
    )
    decree = Decree.objects.create(
        cycle=cycle,
        **{
            **decree_defaults(cycle),
            "number": f"999 TAHUN {year}",
            "decided_on": datetime.date(year, 8, 11),
            "signatory_name": "MAULANA",
        },
    )
    return cycle, decree

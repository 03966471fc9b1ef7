"""A small decided-and-current world for the dashboard tests: helpers, not fixtures."""

import datetime

from assessments.models import Decision
from tests import factories


def scored_cycle(
    *,
    year=2026,
    period=1,
    stage="PENILAIAN",
    size=3,
    kelurahan="Buluran Kenali",
    assessors,
    first_number=1,
    values=None,
    **settings,
):
    """A cycle with `size` verified proposals in `kelurahan`, a team of `assessors`, each of
    whom sent a sheet for every proposal; values[i] (int or {code: value}) per proposal."""
    cycle = factories.make_cycle(
        year=year,
        period=period,
        stage=stage,
        assessment_closes=datetime.date(year, 12, 31),
        **settings,
    )
    team = factories.make_team(cycle=cycle, name=f"Tim {year}", members=assessors)
    proposals = []
    for n in range(size):
        rt = rt_numbered(kelurahan, first_number + n)
        proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI", team=team)
        for assessor in assessors:
            value = values[n] if values else 2
            factories.make_sheet(proposal=proposal, assessor=assessor, values=value)
        proposals.append(proposal)
    return cycle, proposals


def rt_numbered(kelurahan, number):
    from rt_registry.models import RT

    found = RT.objects.filter(kelurahan__name=kelurahan, number=number).first()
    return found or factories.make_rt(kelurahan=kelurahan, number=number, kk_count=80)


def decide(proposal, *, passed, by):
    return Decision.objects.create(
        proposal=proposal,
        rule_passes=passed,
        total=42 if passed else 21,
        outcome="LULUS" if passed else "TIDAK_LULUS",
        decided_by=by,
    )

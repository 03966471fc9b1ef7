"""Data builders for the recap, meeting and berita acara tests (sheets written directly)."""

from django.utils import timezone

from assessments.models import Assessment, Indicator, Score
from tests import factories


def make_sheet(*, proposal, assessor, values=2, status="SENT", version=1):
    """An assessor's sheet written directly (no workflow checks). `values`: one score for
    all 21 indicators, or {code: score} with "default" for the rest."""
    sheet = Assessment.objects.create(
        proposal=proposal,
        assessor=assessor,
        status=status,
        version=version,
        sent_at=timezone.now() if status != "DRAFT" else None,
    )
    if not isinstance(values, dict):
        values = {"default": values}
    indicators = Indicator.objects.filter(indicator_set_id=proposal.cycle.indicator_set_id)
    Score.objects.bulk_create(
        Score(assessment=sheet, indicator=i, value=values.get(i.code, values.get("default", 2)))
        for i in indicators
    )
    return sheet


def make_assessors(n, *, prefix="penilai"):
    return [
        factories.make_user(username=f"{prefix}{i}", role="Tim Penilai", agency="DLH")
        for i in range(1, n + 1)
    ]


def make_scored_proposals(*, cycle, team, count, kelurahan="Buluran Kenali", start=1, values=2):
    """`count` verified proposals of `team`, each with a sent sheet from every member."""
    members = list(team.members.all())
    proposals = []
    for number in range(start, start + count):
        rt = factories.make_rt(kelurahan=kelurahan, number=number, kk_count=30 + number)
        proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI", team=team)
        for user in members:
            make_sheet(proposal=proposal, assessor=user, values=values)
        proposals.append(proposal)
    return proposals

"""An RT's earlier results (cycles entered, won, last total), shown beside a proposal so
the kelurahan, the kecamatan and the team see its history. Constant number of queries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from assessments.models import Assessment, Proposal, Score


@dataclass
class PastEntry:
    proposal: Proposal
    won: bool
    award_tier: str = ""
    total: Decimal | None = None


@dataclass
class RTHistory:
    entries: list = field(default_factory=list)

    @property
    def cycles_entered(self):
        return len(self.entries)

    @property
    def wins(self):
        return sum(1 for e in self.entries if e.won)

    @property
    def last_scored(self):
        """The most recent entry with sent sheets, or None."""
        return next((e for e in self.entries if e.total is not None), None)


def proposal_totals(proposal_ids):
    """{proposal id: total} — per indicator the mean over the latest sent sheets, summed.
    Proposals without sent sheets are absent."""
    means = (
        Score.objects.filter(
            assessment__status=Assessment.Status.SENT, assessment__proposal_id__in=proposal_ids
        )
        .values("assessment__proposal_id", "indicator_id")
        .annotate(mean=Avg("value"))
        .order_by()
    )
    totals = {}
    for row in means:
        pid = row["assessment__proposal_id"]
        totals[pid] = totals.get(pid, Decimal(0)) + Decimal(str(row["mean"])).quantize(
            Decimal("0.001")
        )
    return totals


def before_cycle_q(year, period, prefix="cycle__"):
    """Cycles before (year, period)."""
    return Q(**{f"{prefix}year__lt": year}) | Q(
        **{f"{prefix}year": year, f"{prefix}period__lt": period}
    )


def earlier_results(rt_ids, *, before=None):
    """{rt id: RTHistory} for the given RTs, newest cycle first; with `before` (a cycle),
    only the cycles before it."""
    from awards.models import Award

    past = Proposal.objects.filter(rt_id__in=rt_ids)
    if before is not None:
        past = past.filter(before_cycle_q(before.year, before.period))
    past = past.select_related("cycle").order_by("-cycle__year", "-cycle__period")
    past = list(past)
    ids = [p.pk for p in past]
    tiers = dict(Award.objects.filter(proposal_id__in=ids).values_list("proposal_id", "tier"))
    totals = proposal_totals(ids)
    result = {rt_id: RTHistory() for rt_id in rt_ids}
    for proposal in past:
        result[proposal.rt_id].entries.append(
            PastEntry(
                proposal=proposal,
                won=proposal.pk in tiers,
                award_tier=tiers.get(proposal.pk, ""),
                total=totals.get(proposal.pk),
            )
        )
    return result


def with_history_counts(queryset):
    """Annotate proposals with `past_entries` and `past_wins` (earlier cycles of the same
    RT) in the same query, for list pages."""
    from awards.models import Award

    earlier = before_cycle_q(OuterRef("cycle__year"), OuterRef("cycle__period"))
    entries = (
        Proposal.objects.filter(earlier, rt=OuterRef("rt"))
        .order_by()
        .values("rt")
        .annotate(n=Count("pk"))
        .values("n")
    )
    wins = (
        Award.objects.filter(earlier, rt=OuterRef("rt"))
        .order_by()
        .values("rt")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        past_entries=Coalesce(Subquery(entries, output_field=IntegerField()), Value(0)),
        past_wins=Coalesce(Subquery(wins, output_field=IntegerField()), Value(0)),
    )

"""The rekapitulasi: per proposal, the mean of the sent sheets per indicator, pillar
subtotals, the total (0–42) and whether it passes the cycle's rule.

Counted: the latest sent version of each sheet (Assessment.status == SENT), never drafts
or superseded versions, and never a sheet by an assessor who declared a conflict of
interest for that RT. Means are exact fractions; they are rounded only for display, so
a total of exactly 70% passes a 70% rule.

`build_recap(cycle=..., proposals=...)` runs a fixed number of queries (proposals,
indicators, score sums, sent sheets, team members, conflicts) whatever the number of
proposals; filters on computed values (pass/fail, complete) are applied in Python.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

from django.db.models import Count, Exists, Max, Min, OuterRef, Sum

from assessments.models import (
    Assessment,
    ConflictOfInterest,
    Indicator,
    Pillar,
    Proposal,
    Score,
    TeamMember,
)

MAX_SCORE = 2
TWO_PLACES = Decimal("0.01")


def to_decimal(value, places=TWO_PLACES):
    """A Fraction (or number) as a Decimal rounded half-up, for display and storage."""
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        places, rounding=ROUND_HALF_UP
    )


def user_label(first_name, last_name, username):
    full = f"{first_name} {last_name}".strip()
    return full or username


@dataclass
class RecapRow:
    proposal: Proposal
    indicators: list
    sent_count: int = 0
    means: dict = field(default_factory=dict)  # indicator_id -> Fraction
    disagreements: set = field(default_factory=set)  # indicator_id
    missing: list = field(default_factory=list)  # names of members who have not sent
    expected_count: int = 0
    pass_min_total_pct: Decimal = Decimal("70")
    pass_min_pillar_pct: Decimal = Decimal("50")

    @property
    def is_complete(self):
        return not self.missing and self.sent_count > 0

    # Computed once per row, after build_recap has filled `means` (rows are read-only then).
    @cached_property
    def _subtotals(self):
        sums = dict.fromkeys(Pillar, Fraction(0))
        for i in self.indicators:
            sums[i.pillar] += self.means.get(i.pk, Fraction(0))
        return sums

    def pillar_subtotal(self, pillar):
        return self._subtotals[Pillar(pillar)]

    def pillar_max(self, pillar):
        return MAX_SCORE * sum(1 for i in self.indicators if i.pillar == pillar)

    def pillar_pct(self, pillar):
        top = self.pillar_max(pillar)
        return self.pillar_subtotal(pillar) * 100 / top if top else Fraction(0)

    @cached_property
    def total(self):
        return sum(self.means.values(), Fraction(0))

    @property
    def max_total(self):
        return MAX_SCORE * len(self.indicators)

    @property
    def total_pct(self):
        return self.total * 100 / self.max_total if self.max_total else Fraction(0)

    @cached_property
    def passes(self):
        """The cycle's rule: total% >= minimum AND every pillar% >= minimum (inclusive)."""
        if not self.sent_count:
            return False
        if self.total_pct < Fraction(self.pass_min_total_pct):
            return False
        return all(self.pillar_pct(p) >= Fraction(self.pass_min_pillar_pct) for p in Pillar)

    # Rounded values for templates and exports.
    @cached_property
    def total_display(self):
        return to_decimal(self.total)

    @cached_property
    def total_pct_display(self):
        return to_decimal(self.total_pct)

    @cached_property
    def pillars_display(self):
        return [
            {
                "pillar": p,
                "label": p.label,
                "subtotal": to_decimal(self.pillar_subtotal(p)),
                "pct": to_decimal(self.pillar_pct(p)),
            }
            for p in Pillar
        ]

    @cached_property
    def cells(self):
        """One per indicator, in order: (indicator, mean or None, disagreement)."""
        return [
            (
                i,
                to_decimal(self.means[i.pk]) if i.pk in self.means else None,
                i.pk in self.disagreements,
            )
            for i in self.indicators
        ]

    @property
    def has_disagreement(self):
        return bool(self.disagreements)


def recap_proposals(cycle, user):
    """The proposals the recap covers (verified ones), within the user's scope."""
    return Proposal.objects.visible_to(user).filter(
        cycle=cycle, status=Proposal.Status.DIVERIFIKASI
    )


def counted_assessments():
    """Latest sent sheets whose assessor has no conflict of interest for the RT."""
    conflict = ConflictOfInterest.objects.filter(
        proposal=OuterRef("proposal"), assessor=OuterRef("assessor")
    )
    return Assessment.objects.sent().filter(~Exists(conflict))


def build_recap(*, cycle, proposals):
    """RecapRows for `proposals` (a queryset of the cycle), in the queryset's order."""
    indicators = list(Indicator.objects.filter(indicator_set_id=cycle.indicator_set_id))
    proposal_list = list(
        proposals.filter(cycle=cycle).select_related("team", "decision", "rt__kelurahan")
    )
    rows = {
        p.pk: RecapRow(
            proposal=p,
            indicators=indicators,
            pass_min_total_pct=cycle.pass_min_total_pct,
            pass_min_pillar_pct=cycle.pass_min_pillar_pct,
        )
        for p in proposal_list
    }
    if not rows:
        return []
    ids = proposals.filter(cycle=cycle).values("pk")
    sheets = counted_assessments().filter(proposal__in=ids)

    for item in (
        Score.objects.filter(assessment__in=sheets)
        .values("assessment__proposal_id", "indicator_id")
        .annotate(total=Sum("value"), n=Count("id"), low=Min("value"), high=Max("value"))
    ):
        row = rows[item["assessment__proposal_id"]]
        row.means[item["indicator_id"]] = Fraction(item["total"], item["n"])
        if item["high"] - item["low"] >= MAX_SCORE:
            row.disagreements.add(item["indicator_id"])

    sent_by = {}
    for proposal_id, assessor_id in sheets.values_list("proposal_id", "assessor_id"):
        sent_by.setdefault(proposal_id, set()).add(assessor_id)
        rows[proposal_id].sent_count += 1

    conflicts = set(
        ConflictOfInterest.objects.filter(proposal__in=ids).values_list(
            "proposal_id", "assessor_id"
        )
    )
    members = {}
    team_ids = {p.team_id for p in proposal_list if p.team_id}
    for m in (
        TeamMember.objects.filter(team_id__in=team_ids)
        .order_by("user__username")
        .values("team_id", "user_id", "user__first_name", "user__last_name", "user__username")
    ):
        members.setdefault(m["team_id"], []).append(m)

    for row in rows.values():
        p = row.proposal
        expected = [m for m in members.get(p.team_id, []) if (p.pk, m["user_id"]) not in conflicts]
        row.expected_count = len(expected)
        done = sent_by.get(p.pk, set())
        row.missing = [
            user_label(m["user__first_name"], m["user__last_name"], m["user__username"])
            for m in expected
            if m["user_id"] not in done
        ]
    return list(rows.values())


def filter_rows(rows, *, result=None, completeness=None):
    """Filters on computed values: result "lulus"/"tidak"; completeness "lengkap"/"belum"."""
    if result == "lulus":
        rows = [r for r in rows if r.passes]
    elif result == "tidak":
        rows = [r for r in rows if not r.passes]
    if completeness == "lengkap":
        rows = [r for r in rows if r.is_complete]
    elif completeness == "belum":
        rows = [r for r in rows if not r.is_complete]
    return rows


def sort_rows(rows, *, by_total=True, descending=True):
    if not by_total:
        return rows
    return sorted(rows, key=lambda r: r.total, reverse=descending)

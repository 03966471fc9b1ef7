"""The rekapitulasi: per proposal, the mean of the sent sheets per indicator, pillar
subtotals, the total (0–42) and whether it passes the cycle's rule.

Counted: the latest sent version of each sheet (Assessment.status == SENT), never drafts
or superseded versions, and never a sheet by an assessor who declared a conflict of
interest for that RT. Means are exact fractions; they are rounded only for display, so
a total of exactly 70% passes a 70% rule.

The database does the arithmetic, in one pass over the scores grouped by proposal (as
cheap as the bare SQL sum of the totals): the number of scores, the sum per pillar, and
two bit masks, indicators that got a 0 and indicators that got a 2 (both: disagreement).
When every sheet scored every indicator, every mean of a proposal shares one denominator,
the number of its sheets, so totals and subtotals are integer numerators over it and the
pass rule is an integer comparison: no rounding decides a boundary. (A proposal whose
sheets scored different indicators, which sending never produces, is summed exactly from
its per-indicator means instead.) The per-indicator means (`row.cells`, `row.means`) are
read in one more query, on first use, for all the rows at once or for just the rows a page
shows (`load_details`).

`build_recap(cycle=..., proposals=...)` runs a fixed number of queries (proposals,
indicators, the aggregate, sent sheets, team members, conflicts; per-indicator details
when asked) whatever the number of proposals; filters on computed values (pass/fail,
complete) are applied in Python.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Sum

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
    missing: list = field(default_factory=list)  # names of members who have not sent
    expected_count: int = 0
    pass_min_total_pct: Decimal = Decimal("70")
    pass_min_pillar_pct: Decimal = Decimal("50")
    # Pillar subtotals are numerators[pillar] / denominator (the number of sheets).
    numerators: dict = field(default_factory=dict)
    denominator: int = 1
    disagreements: set = field(default_factory=set)  # indicator ids: a 0 against a 2
    details: "_Details | None" = None  # per-indicator means, read on first use

    @property
    def is_complete(self):
        return not self.missing and self.sent_count > 0

    @property
    def means(self):
        """indicator_id -> Fraction, for the indicators scored at least once."""
        return self.details.of(self) if self.details is not None else {}

    def pillar_subtotal(self, pillar):
        return Fraction(self.numerators.get(Pillar(pillar), 0), self.denominator)

    @cached_property
    def _pillar_max(self):
        counts = dict.fromkeys(Pillar, 0)
        for i in self.indicators:
            counts[i.pillar] += 1
        return {p: MAX_SCORE * n for p, n in counts.items()}

    def pillar_max(self, pillar):
        return self._pillar_max[Pillar(pillar)]

    def pillar_pct(self, pillar):
        top = self.pillar_max(pillar)
        return self.pillar_subtotal(pillar) * 100 / top if top else Fraction(0)

    @cached_property
    def total(self):
        return Fraction(sum(self.numerators.values()), self.denominator)

    @property
    def max_total(self):
        return MAX_SCORE * len(self.indicators)

    @property
    def total_pct(self):
        return self.total * 100 / self.max_total if self.max_total else Fraction(0)

    @cached_property
    def passes(self):
        return self.check_pass_rule()

    def check_pass_rule(self):
        """The cycle's rule: total% >= minimum AND every pillar% >= minimum (inclusive).
        In integers: numerator * 100 >= minimum% * denominator * maximum. A plain method
        under the cached property, so that `make mutate` mutates it (mutmut 3 leaves
        decorated functions alone)."""
        if not self.sent_count:
            return False
        if not _at_least(
            sum(self.numerators.values()),
            self.denominator * self.max_total,
            self.pass_min_total_pct,
        ):
            return False
        return all(
            _at_least(
                self.numerators.get(p, 0),
                self.denominator * self.pillar_max(p),
                self.pass_min_pillar_pct,
            )
            for p in Pillar
            if self.pillar_max(p)
        )

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
        means = self.means
        return [
            (
                i,
                to_decimal(means[i.pk]) if i.pk in means else None,
                i.pk in self.disagreements,
            )
            for i in self.indicators
        ]

    @property
    def has_disagreement(self):
        return bool(self.disagreements)


def _at_least(numerator, denominator, minimum_pct):
    """numerator / denominator >= minimum_pct / 100, exactly (minimum_pct a Decimal)."""
    minimum = Fraction(minimum_pct)  # exact: a Decimal converts without rounding
    return numerator * 100 * minimum.denominator >= minimum.numerator * denominator


def reaches_pct(value, maximum, minimum_pct):
    """value / maximum >= minimum_pct / 100, exactly: the pass rule's comparison, for rules
    outside the recap that compare a stored total (Kencana, awards/issuing.py)."""
    value = Fraction(value)
    return _at_least(value.numerator, value.denominator * maximum, minimum_pct)


class _Details:
    """Per-indicator means of a recap's rows, read in one query the first time any row
    asks (for all rows, or for those passed to load_details first)."""

    def __init__(self, sheets):
        self.sheets = sheets
        self.rows = []  # every row of the recap, set by build_recap
        self.loaded = {}

    def load(self, rows):
        wanted = [r.proposal.pk for r in rows if r.proposal.pk not in self.loaded]
        if not wanted:
            return
        for pk in wanted:
            self.loaded[pk] = {}
        for item in (
            Score.objects.filter(assessment__in=self.sheets.filter(proposal_id__in=wanted))
            .values("assessment__proposal_id", "indicator_id")
            .annotate(total=Sum("value"), n=Count("id"))
        ):
            means = self.loaded[item["assessment__proposal_id"]]
            means[item["indicator_id"]] = Fraction(item["total"], item["n"])

    def of(self, row):
        if row.proposal.pk not in self.loaded:
            self.load(self.rows)
        return self.loaded[row.proposal.pk]


def load_details(rows):
    """Read the per-indicator means of just these rows (e.g. one page) in one query."""
    for details in {id(r.details): r.details for r in rows if r.details}.values():
        details.load([r for r in rows if r.details is details])


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


def _indicator_bits(indicators):
    """SQL for one bit per indicator (indicator_id -> 2**position), and {id: bit}. A shift
    when the set's ids are close together (they are created together), else a CASE."""
    ids = sorted(i.pk for i in indicators)
    if not ids:
        return "0", {}
    if ids[-1] - ids[0] < 62:
        return (
            f"(CAST(1 AS BIGINT) << CAST(s.indicator_id - {ids[0]} AS INTEGER))",
            {pk: 1 << (pk - ids[0]) for pk in ids},
        )
    cases = " ".join(f"WHEN {pk} THEN {1 << n}" for n, pk in enumerate(ids))
    return f"(CASE s.indicator_id {cases} END)", {pk: 1 << n for n, pk in enumerate(ids)}


def _bit_or(expression):
    """OR of bit flags over a group. SQLite has no BIT_OR; a sum of DISTINCT powers of two
    is the same number."""
    if connection.vendor == "postgresql":
        return f"BIT_OR({expression})"
    return f"SUM(DISTINCT {expression})"


def _proposal_sums(sheets, indicators):
    """Per proposal, in one pass over its scores: how many scores, the sum per pillar, and
    two bit masks of indicators: those that got a 0 and those that got a 2 (both set: a
    disagreement). Returns {proposal_id: (count, {pillar: sum}, disagreeing indicator ids)}."""
    # order_by(): the model's default ordering would join proposal and cycle and sort.
    sheets_sql, sheets_params = (
        sheets.order_by().values("id", "proposal_id").query.sql_with_params()
    )
    bit, bits = _indicator_bits(indicators)
    pillar_ids = {p: [i.pk for i in indicators if i.pillar == p] for p in Pillar}
    pillar_sums = ", ".join(
        f"SUM(CASE WHEN s.indicator_id IN ({', '.join(str(pk) for pk in ids)}) "
        "THEN s.value ELSE 0 END)"
        if ids
        else "0"
        for ids in pillar_ids.values()
    )
    sql = (
        f"SELECT a.proposal_id, COUNT(*), {pillar_sums}, "
        f"{_bit_or(f'CASE WHEN s.value = 0 THEN {bit} END')}, "
        f"{_bit_or(f'CASE WHEN s.value = {MAX_SCORE} THEN {bit} END')} "
        f"FROM {Score._meta.db_table} s JOIN ({sheets_sql}) a ON a.id = s.assessment_id "
        "GROUP BY a.proposal_id"
    )
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, sheets_params)
        for proposal_id, count, *sums, zeros, twos in cursor.fetchall():
            # PostgreSQL sums integers as numeric (Decimal): every value here is whole.
            both = int(zeros or 0) & int(twos or 0)
            result[proposal_id] = (
                count,
                dict(zip(Pillar, (int(x) for x in sums), strict=True)),
                {pk for pk, flag in bits.items() if both & flag},
            )
    return result


def build_recap(*, cycle, proposals):
    """RecapRows for `proposals` (a queryset of the cycle), in the queryset's order."""
    indicators = list(Indicator.objects.filter(indicator_set_id=cycle.indicator_set_id))
    # Rows print the proposal's own snapshot (names, RT number, KK) and its decision; the
    # team, RT and kelurahan objects were never shown, and cost a third of the time.
    proposal_list = list(proposals.filter(cycle=cycle).select_related("decision"))
    for p in proposal_list:
        p.cycle = cycle  # str(proposal) names its cycle: no query per row
    if not proposal_list:
        return []
    ids = proposals.filter(cycle=cycle).values("pk")
    sheets = counted_assessments().filter(proposal__in=ids)
    details = _Details(sheets)
    rows = {
        p.pk: RecapRow(
            proposal=p,
            indicators=indicators,
            pass_min_total_pct=cycle.pass_min_total_pct,
            pass_min_pillar_pct=cycle.pass_min_pillar_pct,
            details=details,
        )
        for p in proposal_list
    }
    details.rows = list(rows.values())

    sent_by = {}
    for proposal_id, assessor_id in sheets.order_by().values_list("proposal_id", "assessor_id"):
        sent_by.setdefault(proposal_id, set()).add(assessor_id)
        rows[proposal_id].sent_count += 1

    uneven = []
    for proposal_id, (count, sums, disagreements) in _proposal_sums(sheets, indicators).items():
        row = rows[proposal_id]
        row.numerators, row.denominator = sums, row.sent_count
        row.disagreements = disagreements
        if count != row.sent_count * len(indicators):
            # Not every sheet scored every indicator: the means do not share one denominator.
            uneven.append(row)
    if uneven:
        _sum_from_means(uneven, details)

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


def _sum_from_means(rows, details):
    """Exact subtotals from per-indicator means, over one common denominator."""
    details.load(rows)
    pillar_of = {i.pk: i.pillar for i in rows[0].indicators}
    for row in rows:
        subtotals = dict.fromkeys(Pillar, Fraction(0))
        for indicator_id, mean in row.means.items():
            subtotals[Pillar(pillar_of[indicator_id])] += mean
        row.denominator = math.lcm(*(f.denominator for f in subtotals.values()))
        row.numerators = {p: int(f * row.denominator) for p, f in subtotals.items()}


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

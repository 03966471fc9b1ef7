"""The rekapitulasi: per proposal, the mean of the sent sheets per indicator, pillar
subtotals, the total (0–42) and whether it passes the cycle's rule.

Counted: the latest sent version of each sheet (Assessment.status == SENT), never drafts
or superseded versions, and never a sheet by an assessor who declared a conflict of
interest for that RT. Means are exact fractions; they are rounded only for display, so
a total of exactly 70% passes a 70% rule.

The database does the arithmetic, in one pass over the scores grouped by proposal, with
as few expressions per score as possible (each one costs on 100,000 scores): the number of
scores, the pillar sums packed into one integer sum (20 bits a pillar), and one bit mask
with a bit for each indicator that got a 0 and one for each that got a 2 (both set: a
disagreement). When every sheet scored every indicator, every mean of a proposal shares
one denominator, the number of its sheets, so totals and subtotals are integer numerators
over it and the pass rule is an integer comparison: no rounding decides a boundary. (A
proposal whose sheets scored different indicators, which sending never produces, is
summed exactly from its per-indicator means instead.) Divisions happen in Python, on
integers, so SQLite and PostgreSQL give the same fractions.

What only display needs is read on first use, one query for all the rows at once or for
just the rows a page shows (`load_details`): the Proposal objects with their decisions
(`row.proposal`) and the per-indicator means (`row.cells`, `row.means`).

`build_recap(cycle=..., proposals=...)` runs a fixed number of queries whatever the
number of proposals: indicators, proposal ids and teams, sent sheets, the aggregate,
conflicts, team members; then the proposals and the means when asked. Filters on computed
values (pass/fail, complete) are applied in Python.
"""

import functools
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
PILLARS = tuple(Pillar)  # iterating an Enum is slow; the recap does it per row
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


@dataclass(eq=False)
class RecapRow:
    indicators: list
    proposal_id: int | None = None
    sent_count: int = 0
    missing: list = field(default_factory=list)  # names of members who have not sent
    expected_count: int = 0
    pass_min_total_pct: Decimal = Decimal("70")
    pass_min_pillar_pct: Decimal = Decimal("50")
    # Pillar subtotals are numerators[pillar] / denominator (the number of sheets).
    numerators: dict = field(default_factory=dict)
    denominator: int = 1
    disagreements: set = field(default_factory=set)  # indicator ids: a 0 against a 2
    details: "_Details | None" = None  # the proposal and per-indicator means, on first use
    pillar_maxima: dict | None = None  # {pillar: maximum subtotal}, shared by a recap's rows

    def __post_init__(self):
        if self.pillar_maxima is None:
            self.pillar_maxima = pillar_maxima(self.indicators)

    @property
    def proposal(self):
        """The Proposal (with its decision), read on first use for every row at once, or
        for the rows passed to load_details first."""
        return self.details.proposal_of(self) if self.details is not None else None

    @property
    def is_complete(self):
        return not self.missing and self.sent_count > 0

    @property
    def means(self):
        """indicator_id -> Fraction, for the indicators scored at least once."""
        return self.details.of(self) if self.details is not None else {}

    def pillar_subtotal(self, pillar):
        return Fraction(self.numerators.get(Pillar(pillar), 0), self.denominator)

    def pillar_max(self, pillar):
        return self.pillar_maxima[Pillar(pillar)]

    def pillar_pct(self, pillar):
        top = self.pillar_max(pillar)
        return self.pillar_subtotal(pillar) * 100 / top if top else Fraction(0)

    # total and passes are computed on each use (a few microseconds): a cached_property
    # takes a lock on Python 3.11, which costs more than the arithmetic on 1,000 rows.
    @property
    def total(self):
        return Fraction(sum(self.numerators.values()), self.denominator)

    @property
    def max_total(self):
        return MAX_SCORE * len(self.indicators)

    @property
    def total_pct(self):
        if not self.max_total:
            return Fraction(0)
        return Fraction(sum(self.numerators.values()) * 100, self.denominator * self.max_total)

    @property
    def passes(self):
        return self.check_pass_rule()

    def check_pass_rule(self):
        """The cycle's rule: total% >= minimum AND every pillar% >= minimum (inclusive).
        In integers: numerator * 100 >= minimum% * denominator * maximum. A plain method
        under the property, so that `make mutate` mutates it (mutmut 3 leaves
        decorated functions alone)."""
        if not self.sent_count:
            return False
        if not _at_least(
            sum(self.numerators.values()),
            self.denominator * self.max_total,
            self.pass_min_total_pct,
        ):
            return False
        maxima = self.pillar_maxima
        return all(
            _at_least(
                self.numerators.get(p, 0),
                self.denominator * maxima[p],
                self.pass_min_pillar_pct,
            )
            for p in PILLARS
            if maxima[p]
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


def pillar_maxima(indicators):
    """{pillar: the highest subtotal its indicators can give}."""
    counts = dict.fromkeys(Pillar, 0)
    for i in indicators:
        counts[i.pillar] += 1
    return {p: MAX_SCORE * n for p, n in counts.items()}


@functools.lru_cache(maxsize=64)
def _exact(minimum_pct):
    return Fraction(minimum_pct)  # exact: a Decimal converts without rounding


def _at_least(numerator, denominator, minimum_pct):
    """numerator / denominator >= minimum_pct / 100, exactly (minimum_pct a Decimal)."""
    minimum = _exact(minimum_pct)
    return numerator * 100 * minimum.denominator >= minimum.numerator * denominator


def reaches_pct(value, maximum, minimum_pct):
    """value / maximum >= minimum_pct / 100, exactly: the pass rule's comparison, for rules
    outside the recap that compare a stored total (Kencana, awards/issuing.py)."""
    value = Fraction(value)
    return _at_least(value.numerator, value.denominator * maximum, minimum_pct)


class _Details:
    """What a recap's rows read on first use, each in one query: the Proposal objects (with
    their decisions) and the per-indicator means, for every row, or for the rows passed to
    load_details first (a page)."""

    def __init__(self, *, sheets, proposal_ids, cycle):
        self.sheets = sheets
        self.proposal_ids = proposal_ids  # a subquery: the recap's proposals
        self.cycle = cycle
        self.rows = []  # every row of the recap, set by build_recap
        self.loaded = {}
        self.proposals = {}

    def load(self, rows):
        wanted = [r.proposal_id for r in rows if r.proposal_id not in self.loaded]
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

    def load_proposals(self, rows):
        wanted = [r.proposal_id for r in rows if r.proposal_id not in self.proposals]
        if not wanted:
            return
        # Every row: the recap's own subquery rather than a list of a thousand ids.
        ids = self.proposal_ids if len(wanted) == len(self.rows) else wanted
        for p in Proposal.objects.filter(pk__in=ids).select_related("decision").order_by():
            p.cycle = self.cycle  # str(proposal) names its cycle: no query per row
            self.proposals[p.pk] = p

    def of(self, row):
        if row.proposal_id not in self.loaded:
            self.load(self.rows)
        return self.loaded[row.proposal_id]

    def proposal_of(self, row):
        if row.proposal_id not in self.proposals:
            self.load_proposals(self.rows)
        return self.proposals[row.proposal_id]


def load_details(rows):
    """Read the proposals and per-indicator means of just these rows (e.g. one page), in
    one query each."""
    for details in {id(r.details): r.details for r in rows if r.details}.values():
        own = [r for r in rows if r.details is details]
        details.load(own)
        details.load_proposals(own)


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


def _indicator_positions(indicators, width):
    """SQL for a bit position per indicator (0 <= position < width), and {id: position}:
    the id's distance from the lowest when the set's ids are that close together (they are
    created together), else a CASE."""
    ids = sorted(i.pk for i in indicators)
    if not ids:
        return "0", {}
    if ids[-1] - ids[0] < width:
        return f"(s.indicator_id - {ids[0]})", {pk: pk - ids[0] for pk in ids}
    cases = " ".join(f"WHEN {pk} THEN {n}" for n, pk in enumerate(ids))
    return f"(CASE s.indicator_id {cases} END)", {pk: n for n, pk in enumerate(ids)}


def _bit_or(expression):
    """OR of bit flags over a group. SQLite has no BIT_OR; a sum of DISTINCT powers of two
    is the same number."""
    if connection.vendor == "postgresql":
        return f"BIT_OR({expression})"
    return f"SUM(DISTINCT {expression})"


# The pillar sums of a proposal travel as one packed sum: pillar k's sum in bits
# 20k..20k+19 (a field holds MAX_SCORE * 2**19 scores, checked on reading).
PILLAR_BITS = 20
PILLAR_FIELD = (1 << PILLAR_BITS) - 1
# A 0 on the indicator at position p sets bit p of the disagreement mask, a 2 bit p + 32.
HALF = 32


def _in_pillar(ids):
    """SQL: the score's indicator is one of `ids` (a range when they are consecutive)."""
    if ids == list(range(ids[0], ids[-1] + 1)):
        return f"s.indicator_id BETWEEN {ids[0]} AND {ids[-1]}"
    return f"s.indicator_id IN ({', '.join(str(pk) for pk in ids)})"


def _proposal_sums(sheets, indicators):
    """Per proposal, in one pass over its scores (each score costs little more than in a
    bare SUM, so the per-score expressions are few): how many scores, the sum per pillar
    (packed into one sum) and the indicators that got both a 0 and a 2 (a disagreement;
    bit masks). Returns {proposal_id: (count, {pillar: sum}, disagreeing indicator ids)}."""
    # order_by(): the model's default ordering would join proposal and cycle and sort.
    sheets_sql, sheets_params = (
        sheets.order_by().values("id", "proposal_id").query.sql_with_params()
    )
    pillar_ids = {p: sorted(i.pk for i in indicators if i.pillar == p) for p in Pillar}
    weights = " ".join(
        f"WHEN {_in_pillar(ids)} THEN {1 << (PILLAR_BITS * k)}"
        for k, ids in enumerate(pillar_ids.values())
        if ids
    )
    packed = f"SUM(s.value * CASE {weights} ELSE 0 END)" if indicators else "0"
    if len(indicators) < HALF:
        # Scores are 0..2 (a constraint): one mask, zeros low and twos high.
        position, positions = _indicator_positions(indicators, HALF - 1)
        shift = f"CAST({position} + {HALF // MAX_SCORE} * s.value AS INTEGER)"
        masks = _bit_or(f"CASE WHEN s.value <> 1 THEN CAST(1 AS BIGINT) << {shift} END")
    else:
        position, positions = _indicator_positions(indicators, 62)
        bit = f"(CAST(1 AS BIGINT) << CAST({position} AS INTEGER))"
        masks = (
            f"{_bit_or(f'CASE WHEN s.value = 0 THEN {bit} END')}, "
            f"{_bit_or(f'CASE WHEN s.value = {MAX_SCORE} THEN {bit} END')}"
        )
    sql = (
        f"SELECT a.proposal_id, COUNT(*), {packed}, {masks} "
        f"FROM {Score._meta.db_table} s JOIN ({sheets_sql}) a ON a.id = s.assessment_id "
        "GROUP BY a.proposal_id"
    )
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, sheets_params)
        for proposal_id, count, pillar_sums, *mask_values in cursor.fetchall():
            # PostgreSQL sums bigints as numeric (Decimal): every value here is whole.
            pillar_sums = int(pillar_sums or 0)
            sums = {
                p: (pillar_sums >> (PILLAR_BITS * k)) & PILLAR_FIELD for k, p in enumerate(PILLARS)
            }
            if len(mask_values) == 1:
                mask = int(mask_values[0] or 0)
                both = mask & (mask >> HALF)
            else:
                both = int(mask_values[0] or 0) & int(mask_values[1] or 0)
            result[proposal_id] = (
                count,
                sums if MAX_SCORE * count <= PILLAR_FIELD else None,
                {pk for pk, n in positions.items() if both >> n & 1} if both else set(),
            )
    return result


def build_recap(*, cycle, proposals):
    """RecapRows for `proposals` (a queryset of the cycle), in the queryset's order."""
    indicators = list(Indicator.objects.filter(indicator_set_id=cycle.indicator_set_id))
    proposals = proposals.filter(cycle=cycle)
    # Rows print the proposal's own snapshot (names, RT number, KK) and its decision: read
    # on first use (a page shows 100 rows of 1,000; totals and the rule need none of it).
    teams = dict(proposals.values_list("pk", "team_id"))
    if not teams:
        return []
    ids = proposals.values("pk")
    sheets = counted_assessments().filter(proposal__in=ids)
    details = _Details(sheets=sheets, proposal_ids=ids, cycle=cycle)

    sent_by = {}
    for proposal_id, assessor_id in sheets.order_by().values_list("proposal_id", "assessor_id"):
        sent_by.setdefault(proposal_id, []).append(assessor_id)
    sums = _proposal_sums(sheets, indicators)
    conflicts = {}
    for proposal_id, assessor_id in ConflictOfInterest.objects.filter(proposal__in=ids).values_list(
        "proposal_id", "assessor_id"
    ):
        conflicts.setdefault(proposal_id, set()).add(assessor_id)
    members = {}  # team id -> [(user id, name)], by username
    for m in (
        TeamMember.objects.filter(team_id__in={t for t in teams.values() if t})
        .order_by("user__username")
        .values("team_id", "user_id", "user__first_name", "user__last_name", "user__username")
    ):
        name = user_label(m["user__first_name"], m["user__last_name"], m["user__username"])
        members.setdefault(m["team_id"], []).append((m["user_id"], name))

    maxima = pillar_maxima(indicators)
    rows, uneven = [], []
    for pk, team_id in teams.items():
        done = sent_by.get(pk, ())
        expected = members.get(team_id, ())
        if pk in conflicts:
            expected = [m for m in expected if m[0] not in conflicts[pk]]
        count, numerators, disagreements = sums.get(pk, (0, {}, set()))
        row = RecapRow(
            indicators=indicators,
            proposal_id=pk,
            sent_count=len(done),
            missing=[name for user_id, name in expected if user_id not in done],
            expected_count=len(expected),
            pass_min_total_pct=cycle.pass_min_total_pct,
            pass_min_pillar_pct=cycle.pass_min_pillar_pct,
            numerators=numerators,
            denominator=len(done) if pk in sums else 1,
            disagreements=disagreements,
            details=details,
            pillar_maxima=maxima,
        )
        rows.append(row)
        if pk in sums and (numerators is None or count != len(done) * len(indicators)):
            # Not every sheet scored every indicator: the means do not share one denominator.
            uneven.append(row)
    details.rows = rows
    if uneven:
        _sum_from_means(uneven, details)
    return rows


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

"""Public results (/hasil/): who won, from the decree in force only.

A cycle is published when it has a decree in force (`awards.certificates.final_decree_for`:
the latest FINAL decree that awards rather than revokes, never an amendment of a revoked
one). Before that, or once the decree is revoked, nothing of the cycle is shown. What is
shown comes from the award's snapshot (kecamatan, kelurahan, RT number, category, prize,
Kencana tier): never names, phone numbers or anything of a draft."""

import csv
import io
from collections import defaultdict

from django.core.exceptions import ValidationError

from assessments.models import Cycle
from awards.certificates import final_decree_for
from awards.models import Award, Decree
from rt_registry.models import SizeCategory
from rt_registry.spreadsheets import escape_formula

CATEGORY_ORDER = [SizeCategory.BESAR, SizeCategory.SEDANG, SizeCategory.KECIL]


def decree_in_force(cycle):
    try:
        return final_decree_for(cycle)
    except ValidationError:
        return None


def published_cycles():
    """[(cycle, decree in force)], newest first. One query per cycle with a final decree
    (a handful: one or two cycles a year)."""
    candidates = Cycle.objects.filter(decrees__status=Decree.Status.FINAL).distinct()
    pairs = [(c, decree_in_force(c)) for c in candidates.order_by("-year", "-period")]
    return [(c, d) for c, d in pairs if d is not None]


def published_cycle(year, period):
    """(cycle, decree) or None when the cycle has no decree in force."""
    cycle = Cycle.objects.filter(year=year, period=period).first()
    decree = decree_in_force(cycle) if cycle else None
    return (cycle, decree) if decree else None


def winners(cycle):
    return list(
        Award.objects.filter(cycle=cycle)
        .select_related("proposal", "rt")
        .order_by("proposal__kecamatan_name", "proposal__kelurahan_name", "proposal__rt_number")
    )


def kencana_awards(cycle_ids):
    """Kampung BANTAR Kencana winners (tier set by awards.issuing.kencana_rt_ids: three
    consecutive wins and a high total) of the published cycles, newest first."""
    return list(
        Award.objects.filter(cycle__in=cycle_ids, tier=Award.Tier.KENCANA)
        .select_related("proposal", "cycle")
        .order_by("-cycle__year", "-cycle__period", "proposal__kecamatan_name")
    )


def winner_groups(awards):
    """{kecamatan: {kelurahan: [award, ...]}} in name order, from the proposal snapshot."""
    groups = defaultdict(lambda: defaultdict(list))
    for a in awards:
        groups[a.proposal.kecamatan_name][a.proposal.kelurahan_name].append(a)
    return {k: dict(v) for k, v in groups.items()}


def totals(awards):
    by_category = {c: {"label": c.label, "count": 0, "amount": 0} for c in CATEGORY_ORDER}
    for a in awards:
        by_category[a.size_category]["count"] += 1
        by_category[a.size_category]["amount"] += a.prize_amount
    return {
        "count": len(awards),
        "amount": sum((a.prize_amount for a in awards), 0),
        "kencana": sum(1 for a in awards if a.tier == Award.Tier.KENCANA),
        "by_category": list(by_category.values()),
    }


CSV_HEADERS = [
    "tahun",
    "periode",
    "kecamatan",
    "kelurahan",
    "rt",
    "kategori",
    "predikat",
    "uang_pembinaan",
    "nomor_sk",
    "tanggal_sk",
    "kode_verifikasi_sk",
]


def winners_csv(cycle, decree, awards):
    """Open data: one line per winning RT, no personal data, formula-escaped text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    for a in awards:
        p = a.proposal
        writer.writerow(
            [
                cycle.year,
                cycle.period,
                escape_formula(p.kecamatan_name),
                escape_formula(p.kelurahan_name),
                f"{p.rt_number:02d}",
                a.get_size_category_display(),
                a.get_tier_display(),
                int(a.prize_amount),
                escape_formula(decree.number),
                decree.decided_on.isoformat(),
                decree.verification_code,
            ]
        )
    return out.getvalue()


def kelurahan_history(kelurahan):
    """The kelurahan's winning RTs over the published cycles: (cycles, rows) where each
    row is {"number", "wins": {cycle_pk: award}, "count"}. RTs by their number now."""
    cycles = [c for c, _ in reversed(published_cycles())]
    awards = Award.objects.filter(rt__kelurahan=kelurahan, cycle__in=[c.pk for c in cycles])
    by_rt = defaultdict(dict)
    numbers = {}
    for a in awards.select_related("rt"):
        by_rt[a.rt_id][a.cycle_id] = a
        numbers[a.rt_id] = a.rt.number
    rows = [
        {
            "number": numbers[rt_id],
            "wins": [wins.get(c.pk) for c in cycles],
            "count": len(wins),
            "streak": current_streak(cycles, wins),
        }
        for rt_id, wins in by_rt.items()
    ]
    return cycles, sorted(rows, key=lambda r: r["number"])


def current_streak(cycles, wins):
    """Wins in a row up to the latest published cycle (any cycle missed breaks it, as in
    awards.issuing.kencana_rt_ids)."""
    streak = 0
    for cycle in reversed(cycles):
        if cycle.pk not in wins:
            break
        streak += 1
    return streak

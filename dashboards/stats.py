"""The numbers of the cycle dashboard (/dasbor/), each as a `tables.Table`, always within
the user's scope (`visible_to(user)`, the one scope path of STYLE.md rule 22).

What is counted:
- Funnel: active RTs in the registry → proposed in the cycle (any status) → verified →
  assessed completely and passing the cycle's rule (both from `assessments.recap`, so they
  are the recap's own verdicts) → awarded (awards of the cycle, only once its SK is in
  force: `awards.certificates.final_decree_for`).
- Coverage per kelurahan and kecamatan: active RTs that were proposed in this cycle, and
  that ever took part up to this cycle, against all active RTs and the 80% target.
- Assessor progress: per team member, the verified proposals of the team in scope
  (less their conflicts of interest), sheets sent and drafts, last activity.
- Indicator scores: PER RT, its recap mean of the indicator rounded half-up to a whole
  score (1.5 → 2, 0.5 → 1), i.e. the recap's column rounded; an RT without a sent sheet
  is not counted. "Rata-rata" is the mean of the RTs' recap means.

Queries: a fixed number per cycle shown, whatever the number of RTs: the recap's six,
plus one or two aggregates per table (tests/dashboards/test_dashboard_queries.py)."""

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.utils import timezone

from assessments.models import (
    Assessment,
    ConflictOfInterest,
    Cycle,
    Indicator,
    Pillar,
    Proposal,
    TeamMember,
)
from assessments.recap import build_recap, recap_proposals, to_decimal, user_label
from awards.certificates import final_decree_for
from awards.models import Award
from dashboards.tables import Table
from rt_registry import roles
from rt_registry.models import RT, Kelurahan

# The mayor's participation target (BANTAR.md, "Figures"): 80% of RTs take part.
COVERAGE_TARGET_PCT = Decimal("80")
# How many cycles the trend looks back over (the cycle shown and the ones before it).
TREND_CYCLES = 4
WEAKEST_COUNT = 5
# The keys of overview_tables (the rest are analysis_tables), for the xlsx view.
OVERVIEW_KEYS = {"corong", "cakupan-kecamatan", "cakupan-kelurahan", "penilai"}


def ensure_dashboard_user(user):
    """Admin DPMPPA and kecamatan/kelurahan officers; everyone else is refused."""
    if not (
        roles.is_admin_dpmppa(user)
        or roles.is_kecamatan_officer(user)
        or roles.is_kelurahan_officer(user)
    ):
        raise PermissionDenied(
            "Dasbor hanya untuk Admin DPMPPA, Petugas Kecamatan dan Petugas Kelurahan."
        )


def is_city_wide(user):
    return user.is_superuser or roles.is_admin_dpmppa(user)


def scope_label(user):
    if is_city_wide(user):
        return "Kota Jambi"
    profile = getattr(user, "profile", None)
    return profile.scope_label if profile else "Kota Jambi"


def pct(part, whole):
    """part/whole as a percentage with one decimal, half-up; 0 when there is no whole."""
    if not whole:
        return Decimal("0.0")
    return to_decimal(Fraction(part * 100, whole), Decimal("0.1"))


def whole_score(mean):
    """The recap's mean of an indicator as a whole score 0, 1 or 2 (half-up)."""
    return int(to_decimal(mean, Decimal("1")))


def cycles_up_to(cycle):
    return Cycle.objects.filter(
        Q(year__lt=cycle.year) | Q(year=cycle.year, period__lte=cycle.period)
    )


def scoped_recap(cycle, user):
    return build_recap(cycle=cycle, proposals=recap_proposals(cycle, user))


# --- Funnel ----------------------------------------------------------------------------


def funnel_table(*, cycle, user, rows):
    registry = RT.objects.visible_to(user).active().count()
    counts = (
        Proposal.objects.visible_to(user)
        .filter(cycle=cycle)
        .aggregate(
            proposed=Count("pk"),
            verified=Count("pk", filter=Q(status=Proposal.Status.DIVERIFIKASI)),
        )
    )
    try:
        final_decree_for(cycle)
        awarded = Award.objects.visible_to(user).filter(cycle=cycle).count()
        award_note = ""
    except ValidationError:
        awarded = 0
        award_note = " Penghargaan dihitung setelah SK Wali Kota final."
    steps = [
        ("RT aktif di register", registry),
        ("Diusulkan", counts["proposed"]),
        ("Diverifikasi", counts["verified"]),
        ("Dinilai lengkap", sum(1 for r in rows if r.is_complete)),
        # A funnel only narrows: an RT counts as passing once every sheet is in.
        ("Memenuhi kriteria (menurut aturan)", sum(1 for r in rows if r.is_complete and r.passes)),
        ("Ditetapkan dengan SK", awarded),
    ]
    return Table(
        key="corong",
        title="Corong periode",
        headers=["Tahap", "Jumlah RT", "% dari RT aktif"],
        rows=[[label, n, pct(n, registry)] for label, n in steps],
        note=(
            "Dinilai lengkap dan memenuhi kriteria: sama dengan rekapitulasi (semua penilai "
            "tim sudah mengirim; aturan lulus periode)." + award_note
        ),
        chart={"type": "bar", "horizontal": True, "columns": [1]},
    )


# --- Coverage --------------------------------------------------------------------------


def kelurahan_coverage(*, cycle, user):
    """Per kelurahan in scope: active RTs, proposed now, ever proposed up to this cycle."""
    active = Q(rts__is_active=True)
    return list(
        Kelurahan.objects.visible_to(user)
        .select_related("kecamatan")
        .annotate(
            rt_count=Count("rts", filter=active, distinct=True),
            proposed=Count("rts", filter=active & Q(rts__proposals__cycle=cycle), distinct=True),
            took_part=Count(
                "rts",
                filter=active & Q(rts__proposals__cycle__in=cycles_up_to(cycle)),
                distinct=True,
            ),
        )
    )


COVERAGE_SORTS = {
    "cakupan": lambda r: (r[5], r[0]),
    "nama": lambda r: (r[0],),
    "rt": lambda r: (-r[1], r[0]),
}


def coverage_rows(items, sort):
    """[name, RTs, proposed, % proposed, took part, % took part, target reached]."""
    rows = []
    for name, rts, proposed, took_part in items:
        share = pct(took_part, rts)
        reached = "Ya" if share >= COVERAGE_TARGET_PCT else "Belum"
        rows.append([name, rts, proposed, pct(proposed, rts), took_part, share, reached])
    return sorted(rows, key=COVERAGE_SORTS.get(sort, COVERAGE_SORTS["cakupan"]))


COVERAGE_HEADERS = [
    "Wilayah",
    "RT aktif",
    "Diusulkan periode ini",
    "% diusulkan",
    "Pernah ikut (s.d. periode ini)",
    "% pernah ikut",
    "Target 80% tercapai",
]


def coverage_tables(*, cycle, user, sort="cakupan"):
    kelurahan = kelurahan_coverage(cycle=cycle, user=user)
    tables = []
    if is_city_wide(user) or roles.is_kecamatan_officer(user):
        sums = defaultdict(lambda: [0, 0, 0])
        for k in kelurahan:
            s = sums[k.kecamatan.name]
            s[0] += k.rt_count
            s[1] += k.proposed
            s[2] += k.took_part
        items = [(f"Kec. {name}", *s) for name, s in sums.items()]
        tables.append(coverage_table("cakupan-kecamatan", "Cakupan per kecamatan", items, sort))
    items = [
        (f"{k.name} (Kec. {k.kecamatan.name})", k.rt_count, k.proposed, k.took_part)
        for k in kelurahan
    ]
    tables.append(coverage_table("cakupan-kelurahan", "Cakupan per kelurahan", items, sort))
    return tables


def coverage_table(key, title, items, sort):
    return Table(
        key=key,
        title=title,
        headers=COVERAGE_HEADERS,
        rows=coverage_rows(items, sort),
        note=(
            "Cakupan = RT aktif yang pernah diusulkan sampai periode ini dibagi semua RT "
            f"aktif; target Wali Kota {COVERAGE_TARGET_PCT:.0f}%. Urutan awal: cakupan "
            "terendah lebih dulu."
        ),
        chart={
            "type": "bar",
            "horizontal": True,
            "percent": True,
            "target": float(COVERAGE_TARGET_PCT),
            "columns": [5, 3],
        },
    )


# --- Assessor progress -----------------------------------------------------------------


def days_left(cycle, today=None):
    """Days left in the assessment window (0 on the last day, negative after it); None
    without a closing date."""
    if cycle.assessment_closes is None:
        return None
    today = today or timezone.localdate()
    return (cycle.assessment_closes - today).days


def assessor_progress_table(*, cycle, user, today=None):
    proposals = Proposal.objects.visible_to(user).filter(cycle=cycle).verified()
    assigned = dict(
        proposals.filter(team__isnull=False)
        .values_list("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    )
    conflicts = {
        (c["proposal__team_id"], c["assessor_id"]): c["n"]
        for c in ConflictOfInterest.objects.filter(proposal__in=proposals)
        .values("proposal__team_id", "assessor_id")
        .annotate(n=Count("pk"))
    }
    sheets = {
        (s["proposal__team_id"], s["assessor_id"]): s
        for s in Assessment.objects.filter(proposal__in=proposals)
        .values("proposal__team_id", "assessor_id")
        .annotate(
            sent=Count("pk", filter=Q(status=Assessment.Status.SENT)),
            drafts=Count("pk", filter=Q(status=Assessment.Status.DRAFT)),
            last=Max("updated_at"),
        )
    }
    left = days_left(cycle, today)
    rows = []
    for m in (
        TeamMember.objects.filter(team__cycle=cycle, team_id__in=list(assigned))
        .select_related("team", "user")
        .order_by("team__name", "user__username")
    ):
        key = (m.team_id, m.user_id)
        expected = assigned[m.team_id] - conflicts.get(key, 0)
        s = sheets.get(key, {})
        last = s.get("last")
        rows.append(
            [
                m.team.name,
                user_label(m.user.first_name, m.user.last_name, m.user.username),
                m.get_agency_display(),
                expected,
                s.get("sent", 0),
                s.get("drafts", 0),
                max(expected - s.get("sent", 0) - s.get("drafts", 0), 0),
                timezone.localtime(last).strftime("%d/%m/%Y %H:%M") if last else "–",
            ]
        )
    window = (
        f"Sisa waktu penilaian: {left} hari (sampai {cycle.assessment_closes:%d/%m/%Y})."
        if left is not None and left >= 0
        else "Jendela penilaian sudah lewat."
        if left is not None
        else "Tanggal penutupan penilaian belum diisi."
    )
    return Table(
        key="penilai",
        title="Kemajuan penilaian per tim dan penilai",
        headers=[
            "Tim",
            "Penilai",
            "Unsur",
            "Lembar ditugaskan",
            "Terkirim",
            "Draf",
            "Belum dibuka",
            "Aktivitas terakhir",
        ],
        rows=rows,
        note="Ditugaskan = usulan terverifikasi tim di wilayah Anda, tanpa konflik "
        "kepentingan penilai itu. " + window,
        chart={
            "type": "bar",
            "horizontal": True,
            "stacked": True,
            "columns": [4, 5, 6],
            "colors": ["#1b5e20", "#f9a825", "#9e9e9e"],
            "label_column": 1,
        },
    )


# --- Indicators ------------------------------------------------------------------------


def indicator_rows(rows, indicators):
    """Per indicator: [code, RTs counted, n0, n1, n2, %0, %1, %2, mean of RT means]."""
    result = []
    for ind in indicators:
        means = [r.means[ind.pk] for r in rows if ind.pk in r.means]
        n = [0, 0, 0]
        for mean in means:
            n[whole_score(mean)] += 1
        average = to_decimal(sum(means, Fraction(0)) / len(means)) if means else None
        result.append(
            [ind.code, len(means), *n, *(pct(x, len(means)) for x in n), average, ind.text]
        )
    return result


INDICATOR_HEADERS = [
    "Indikator",
    "RT dinilai",
    "RT nilai 0",
    "RT nilai 1",
    "RT nilai 2",
    "% nilai 0",
    "% nilai 1",
    "% nilai 2",
    "Rata-rata (0–2)",
    "Bunyi indikator",
]
INDICATOR_NOTE = (
    "Per RT: rata-rata nilai para penilainya pada indikator itu (kolom indikator di "
    "rekapitulasi), dibulatkan ke nilai bulat (0,5 ke atas). RT tanpa lembar terkirim "
    "tidak dihitung."
)


def indicator_table(*, rows, indicators, key="indikator", title="Sebaran nilai per indikator"):
    return Table(
        key=key,
        title=title,
        headers=INDICATOR_HEADERS,
        rows=indicator_rows(rows, indicators),
        note=INDICATOR_NOTE,
        chart={
            "type": "bar",
            "horizontal": True,
            "stacked": True,
            "percent": True,
            "columns": [5, 6, 7],
            "colors": ["#b71c1c", "#f9a825", "#1b5e20"],
        },
        indicator_column=0,
    )


def weakest(table, count=WEAKEST_COUNT):
    """The indicators with the lowest mean (then the most zeros), assessed ones only."""
    scored = [r for r in table.rows if r[8] is not None]
    return sorted(scored, key=lambda r: (r[8], -r[5], r[0]))[:count]


def weakest_table(*, rows, indicators):
    """City (or the officer's area) and each kecamatan: the weakest indicators."""
    groups = [("Seluruh wilayah", rows)]
    by_kecamatan = defaultdict(list)
    for r in rows:
        by_kecamatan[r.proposal.kecamatan_name].append(r)
    if len(by_kecamatan) > 1:
        groups += [(f"Kec. {name}", group) for name, group in sorted(by_kecamatan.items())]
    result = []
    for label, group in groups:
        for rank, r in enumerate(weakest(indicator_table(rows=group, indicators=indicators)), 1):
            result.append([label, rank, r[0], r[8], r[5], r[1], r[9]])
    return Table(
        key="terlemah",
        title="Indikator terlemah",
        headers=[
            "Wilayah",
            "Urutan",
            "Indikator",
            "Rata-rata (0–2)",
            "% nilai 0",
            "RT dinilai",
            "Bunyi indikator",
        ],
        rows=result,
        note="Rata-rata terendah lebih dulu (lalu % nilai 0 terbanyak). " + INDICATOR_NOTE,
        indicator_column=2,
    )


def pillar_trend_table(*, cycle, user):
    """Per cycle up to this one (the last TREND_CYCLES): mean pillar % of the assessed RTs
    and the share passing; the recap of each cycle, so 6 queries per cycle shown."""
    cycles = list(cycles_up_to(cycle).select_related("indicator_set").order_by("-year", "-period"))[
        :TREND_CYCLES
    ]
    result = []
    for c in reversed(cycles):
        assessed = [r for r in scoped_recap(c, user) if r.sent_count]
        if not assessed:
            continue
        means = [
            to_decimal(sum((r.pillar_pct(p) for r in assessed), Fraction(0)) / len(assessed))
            for p in Pillar
        ]
        passing = sum(1 for r in assessed if r.passes)
        result.append([str(c), len(assessed), *means, pct(passing, len(assessed))])
    return Table(
        key="tren",
        title="Tren antarperiode",
        headers=[
            "Periode",
            "RT dinilai",
            *[f"Rata-rata % {p.label}" for p in Pillar],
            "% memenuhi kriteria",
        ],
        rows=result,
        note=(
            f"Sampai {TREND_CYCLES} periode terakhir; rata-rata persentase pilar RT yang "
            "sudah punya lembar terkirim, dari rekapitulasi tiap periode."
        ),
        chart={"type": "line", "percent": True, "columns": [2, 3, 4, 5]},
    )


def indicator_trend_table(*, cycle, user):
    """Per indicator code: its mean (0–2) per cycle, the last TREND_CYCLES cycles."""
    cycles = list(cycles_up_to(cycle).select_related("indicator_set").order_by("-year", "-period"))[
        :TREND_CYCLES
    ]
    columns, by_code, texts = [], defaultdict(dict), {}
    for c in reversed(cycles):
        rows = [r for r in scoped_recap(c, user) if r.sent_count]
        if not rows:
            continue
        columns.append(str(c))
        indicators = rows[0].indicators
        for r in indicator_rows(rows, indicators):
            by_code[r[0]][str(c)] = r[8]
            texts[r[0]] = r[9]
    order = [i.code for i in Indicator.objects.filter(indicator_set=cycle.indicator_set_id)]
    codes = order + sorted(set(by_code) - set(order))
    return Table(
        key="tren-indikator",
        title="Tren rata-rata per indikator",
        headers=["Indikator", *columns],
        rows=[[code, *(by_code[code].get(col) for col in columns)] for code in codes],
        note="Rata-rata (0–2) nilai RT per indikator tiap periode. " + INDICATOR_NOTE,
        indicator_column=0,
    )


# --- The whole dashboard ---------------------------------------------------------------


def overview_tables(*, cycle, user, sort="cakupan", today=None):
    """The tables of /dasbor/, in page order, keyed by Table.key."""
    rows = scoped_recap(cycle, user)
    tables = [
        funnel_table(cycle=cycle, user=user, rows=rows),
        *coverage_tables(cycle=cycle, user=user, sort=sort),
        assessor_progress_table(cycle=cycle, user=user, today=today),
    ]
    return {t.key: t for t in tables}


def analysis_tables(*, cycle, user):
    """The tables of /dasbor/indikator/, in page order, keyed by Table.key."""
    rows = scoped_recap(cycle, user)
    indicators = list(Indicator.objects.filter(indicator_set_id=cycle.indicator_set_id))
    tables = [
        indicator_table(rows=rows, indicators=indicators),
        weakest_table(rows=rows, indicators=indicators),
        *kecamatan_indicator_tables(rows=rows, indicators=indicators),
        pillar_trend_table(cycle=cycle, user=user),
        indicator_trend_table(cycle=cycle, user=user),
    ]
    return {t.key: t for t in tables}


def kecamatan_indicator_tables(*, rows, indicators):
    """Per kecamatan with assessed RTs, when there are several: its indicator table."""
    by_kecamatan = defaultdict(list)
    for r in rows:
        if r.sent_count:
            by_kecamatan[r.proposal.kecamatan_name].append(r)
    if len(by_kecamatan) < 2:
        return []
    return [
        indicator_table(
            rows=group,
            indicators=indicators,
            key=f"indikator-kec-{n}",
            title=f"Sebaran nilai per indikator – Kec. {name}",
        )
        for n, (name, group) in enumerate(sorted(by_kecamatan.items()), 1)
    ]


# --- One RT ----------------------------------------------------------------------------


def rt_history(rt, user):
    """The RT's proposals across cycles (newest first) with its recap row when verified.
    Per cycle the recap of that one proposal: 6 queries per cycle the RT entered."""
    proposals = list(
        Proposal.objects.visible_to(user)
        .filter(rt=rt)
        .select_related("cycle", "decision")
        .order_by("-cycle__year", "-cycle__period")
    )
    awards = {a.cycle_id: a for a in Award.objects.filter(rt=rt)}
    history = []
    for p in proposals:
        row = None
        if p.status == Proposal.Status.DIVERIFIKASI:
            found = build_recap(cycle=p.cycle, proposals=Proposal.objects.filter(pk=p.pk))
            row = found[0] if found else None
        try:
            final_decree_for(p.cycle)
            award = awards.get(p.cycle_id)
        except ValidationError:
            award = None
        history.append({"proposal": p, "cycle": p.cycle, "row": row, "award": award})
    return history

"""Demo award cycles for `manage.py seed_demo`.

Two cycles, both built from a fixed random seed so every run draws the same numbers:

- the past cycle (2025 Periode I): ~120 proposals from eight kelurahan, verified, scored
  by two teams (every sheet sent), a decision meeting with two overrules; awards/demo.py
  then issues its awards, decree and certificates;
- the current cycle (2026 Periode I) in the Penilaian stage: ~60 proposals, most verified
  and assigned, some sheets sent, some drafts, many not started, so each demo login finds
  work.

Each step checks whether its rows exist first, so a second run writes nothing and is fast.
Cycle, Proposal, Meeting and Decision keep simple-history records: they are written with
save() or bulk_create_with_history, never queryset.update().
"""

import datetime
import random
import uuid
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessments.decisions import RULE, record_decisions
from assessments.models import (
    Assessment,
    ConflictOfInterest,
    Cycle,
    Decision,
    Indicator,
    IndicatorSet,
    Meeting,
    MeetingAttendee,
    Proposal,
    Score,
    Team,
    TeamMember,
)
from assessments.recap import build_recap
from assessments.scoring import reopen_sheet, send_sheet
from documents.jobs import run_document_job
from documents.models import DocumentJob
from rt_registry.models import RT, Kelurahan, SizeCategory

SEED = 20250701

PAST = {"year": 2025, "period": 1}
CURRENT = {"year": 2026, "period": 1}

# (kelurahan, how many of its RTs took part). BANTAR.md: Telanaipura 11 of 14 RTs,
# Buluran Kenali 18 of 19.
PAST_KELURAHAN = [
    ("Buluran Kenali", 18),
    ("Telanaipura", 11),
    ("Kenali Besar", 15),
    ("Pakuan Baru", 15),
    ("Sijenjang", 15),
    ("Talang Jauh", 15),
    ("Suka Karya", 15),
    ("Legok", 15),
]
CURRENT_KELURAHAN = [
    ("Buluran Kenali", 12),
    ("Telanaipura", 8),
    ("Simpang IV Sipin", 10),
    ("Kenali Besar", 10),
    ("Payo Lebar", 10),
    ("Beringin", 10),
]
# Tim 1 visits Kecamatan Telanaipura, Tim 2 the rest of the city.
TEAM_1_KECAMATAN = "Telanaipura"
TEAM_1 = ["penilai1", "penilai2", "penilai3", "penilai4", "penilai5"]
TEAM_2 = ["penilai6", "penilai7", "penilai8", "penilai9", "penilai10"]

# Current cycle: per assessor, how many of their team's proposals (in list order) they
# have sent and how many more are drafts; the rest are not started.
CURRENT_PROGRESS = {
    "penilai1": (6, 2),
    "penilai2": (10, 1),
    "penilai3": (4, 1),
    "penilai4": (3, 0),
    "penilai5": (14, 2),
    "penilai6": (12, 1),
    "penilai7": (9, 0),
    "penilai8": (12, 2),
    "penilai9": (5, 1),
    "penilai10": (12, 0),
}

RETURN_REASON = (
    "Jumlah KK pada usulan berbeda dengan data kependudukan kelurahan (selisih 14 KK). "
    "Mohon perbarui jumlah KK RT ini lalu ajukan kembali."
)
CONFLICT_REASON = "Penilai berdomisili di RT ini (anggota keluarga pengurus RT)."
# What assessors write under a sent sheet.
GENERAL_NOTES = [
    "",
    "",
    "Lingkungan bersih dan tertata; bank sampah aktif setiap Minggu.",
    "Saluran air di ujung gang masih tersumbat; perlu gotong royong rutin.",
    "Pos ronda aktif, jadwal ronda ditempel di pos.",
    "Taman baca RT ramai dikunjungi anak-anak sore hari.",
    "Lahan kosong dimanfaatkan untuk kebun sayur (KWT).",
    "Beberapa rumah belum memiliki jamban sehat; posyandu berjalan baik.",
    "Ketua RT dan warga hadir lengkap saat kunjungan.",
]
REOPEN_SENT_AGAIN = (
    "Penilai melaporkan nilai A2 dan A3 tertukar saat mengisi di lokasi; dibuka kembali "
    "atas permintaan penilai."
)
REOPEN_WAITING = (
    "Tanggal kunjungan dan catatan umum tertukar dengan RT lain; penilai diminta memeriksa "
    "dan mengirim ulang."
)

MEETING_PLACE = "Aula DPMPPA Kota Jambi"
MEETING_ATTENDEES = [
    ("Drs. H. Ridwan Syahputra, M.Si.", "Kepala DPMPPA Kota Jambi (pimpinan rapat)"),
    ("Hj. Nurlela Hasibuan, S.Sos.", "Kepala Bidang Pemberdayaan Masyarakat, DPMPPA"),
    ("Andi Saputra, S.T.", "Tim Penilai – DPMPPA"),
    ("Ir. Maria Ulfa Siregar", "Tim Penilai – Dinas Lingkungan Hidup"),
    ("dr. Fitri Handayani", "Tim Penilai – Dinas Kesehatan/Puskesmas"),
    ("AKP Rahmat Hidayat", "Tim Penilai – Polresta Jambi (Babinkamtibmas)"),
    ("Serka Joko Prasetyo", "Tim Penilai – Kodim 0415/Jambi (Babinsa)"),
    ("Syafri Lubis", "Tim Penilai – Forum RT Kota Jambi"),
    ("Erna Wati, S.E.", "Sekretaris rapat, DPMPPA"),
]
MEETING_HEAD = "Drs. H. Ridwan Syahputra, M.Si."

# The meeting departs from the rule for two RTs, with its reasons (BANTAR.md step 5).
OVERRULE_TO_PASS = (
    "Nilai total hanya sedikit di bawah batas. Tim meninjau ulang dokumentasi kunjungan: "
    "sanitasi dan bank sampah RT telah diperbaiki sebelum rapat; disepakati memenuhi kriteria."
)
OVERRULE_TO_FAIL = (
    "Walau nilai memenuhi aturan, Polsek melaporkan kasus peredaran NAPZA di lingkungan RT "
    "pada bulan penilaian yang belum tuntas; rapat memutuskan RT belum memenuhi kriteria."
)


def local_dt(date, hour=9, minute=0):
    return timezone.make_aware(
        datetime.datetime.combine(date, datetime.time(hour, minute)),
        timezone.get_default_timezone(),
    )


def demo_uuid(rng):
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def users_by_name(usernames):
    User = get_user_model()
    found = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = set(usernames) - set(found)
    if missing:
        raise RuntimeError(f"Pengguna demo belum ada: {', '.join(sorted(missing))}")
    return found


def indicator_set():
    return IndicatorSet.objects.order_by("pk").first()


# --- cycles and their stage history -----------------------------------------------------


def ensure_cycle(*, year, period, stages, settings_, by):
    """The cycle moved through `stages` [(stage, date), ...]; one history row per move."""
    cycle = Cycle.objects.filter(year=year, period=period).first()
    if cycle is not None:
        return cycle, False
    cycle = Cycle(year=year, period=period, indicator_set=indicator_set(), **settings_)
    for stage, date in stages:
        cycle.stage = stage
        cycle._history_user = by
        cycle._change_reason = f"Tahap dipindahkan ke {Cycle.Stage(stage).label}"
        cycle._history_date = local_dt(date, 8)
        cycle.save()
    return cycle, True


def made_by_seed(cycle, picked):
    """An existing cycle is the seed's own when it holds every RT the seed proposes (the
    seed writes a cycle and its proposals in one transaction, so its own cycle is never
    empty). Someone else's cycle of the same year and period is left alone."""
    existing = set(cycle.proposals.values_list("rt_id", flat=True))
    return {rt.pk for rt, _ in picked} <= existing


def pick_rts(rng, plan):
    """[(RT, kelurahan)] for each (kelurahan name, count) in plan, RT numbers drawn."""
    kelurahan = {
        k.name: k
        for k in Kelurahan.objects.select_related("kecamatan").filter(
            name__in=[name for name, _ in plan]
        )
    }
    rts_by_kel = defaultdict(list)
    for rt in RT.objects.filter(kelurahan__in=kelurahan.values()).order_by("number"):
        rts_by_kel[rt.kelurahan_id].append(rt)
    picked = []
    for name, count in plan:
        kel = kelurahan[name]
        candidates = rts_by_kel[kel.pk]
        chosen = rng.sample(candidates, min(count, len(candidates)))
        if name == "Buluran Kenali":
            # RT 05 Buluran Kenali (Besar, a winner in 2020) always takes part.
            rt05 = next((rt for rt in candidates if rt.number == 5), None)
            if rt05 is not None and rt05 not in chosen:
                chosen[-1] = rt05
        for rt in sorted(chosen, key=lambda r: r.number):
            picked.append((rt, kel))
    return picked


def new_proposal(
    *, cycle, rt, kel, status, team, proposed_by, verified_by, proposed_on, verified_on
):
    proposal = Proposal(
        cycle=cycle,
        rt=rt,
        status=status,
        kecamatan_name=kel.kecamatan.name,
        kelurahan_name=kel.name,
        rt_number=rt.number,
        ketua_name=rt.ketua_name,
        kk_count=rt.kk_count,
        size_category=cycle.size_category(rt.kk_count),
        team=team,
        proposed_by=proposed_by,
        verified_by=verified_by,
        verified_at=local_dt(verified_on, 10) if verified_by else None,
    )
    proposal._history_user = verified_by or proposed_by
    proposal._history_date = local_dt(verified_on if verified_by else proposed_on, 10)
    return proposal


def proposer_for(kel, users):
    return {
        "Buluran Kenali": users["kel.buluran-kenali"],
        "Telanaipura": users["kel.telanaipura"],
    }.get(kel.name, users["dpmppa"])


def verifier_for(kel, users):
    if kel.kecamatan.name == "Telanaipura":
        return users["kec.telanaipura"]
    return users["dpmppa"]


def ensure_team(*, cycle, name, usernames, users):
    team, _ = Team.objects.get_or_create(cycle=cycle, name=name)
    existing = set(team.memberships.values_list("user__username", flat=True))
    TeamMember.objects.bulk_create(
        [
            TeamMember(team=team, user=users[u], agency=users[u].profile.agency or "LAINNYA")
            for u in usernames
            if u not in existing
        ]
    )
    return team


# --- scores ------------------------------------------------------------------------------


def draw_quality(rng):
    # About two RTs in three meet the default rule (>= 70% total, no pillar under 50%),
    # close to the 615 of 975 of 2015–2020 (BANTAR.md).
    return 0.6 + 0.36 * rng.random()


def draw_value(rng, quality, pillar_bias):
    value = round(2 * (quality + pillar_bias) + rng.gauss(0, 0.55))
    return min(2, max(0, value))


def sheet_scores(rng, quality, indicators, pillar_bias):
    return [(ind, draw_value(rng, quality, pillar_bias[ind.pillar])) for ind in indicators]


def build_sheet(*, rng, proposal, assessor, status, visit_date, values, indicators_subset=None):
    sheet = Assessment(
        proposal=proposal,
        assessor=assessor,
        version=1,
        status=status,
        client_token=demo_uuid(rng),
        visit_date=visit_date,
        general_note=rng.choice(GENERAL_NOTES) if status == Assessment.Status.SENT else "",
        sent_at=local_dt(visit_date, 15, rng.randint(0, 59))
        if status == Assessment.Status.SENT
        else None,
    )
    chosen = values if indicators_subset is None else values[:indicators_subset]
    return sheet, chosen


def save_sheets(sheets):
    """sheets: [(Assessment, [(Indicator, value)])]; two bulk inserts."""
    created = Assessment.objects.bulk_create([s for s, _ in sheets], batch_size=500)
    scores = [
        Score(assessment=sheet, indicator=ind, value=value)
        for sheet, (_, values) in zip(created, sheets, strict=True)
        for ind, value in values
    ]
    Score.objects.bulk_create(scores, batch_size=2000)
    return len(created), len(scores)


# --- the past cycle ----------------------------------------------------------------------


PAST_DATES = {
    "proposal_opens": datetime.date(2025, 3, 3),
    "proposal_closes": datetime.date(2025, 4, 15),
    "assessment_opens": datetime.date(2025, 5, 5),
    "assessment_closes": datetime.date(2025, 6, 20),
}
PAST_MEETING_DATE = datetime.date(2025, 7, 10)


def seed_past_cycle(*, stdout=None):
    rng = random.Random(SEED)
    users = users_by_name(
        ["dpmppa", "kec.telanaipura", "kel.buluran-kenali", "kel.telanaipura", *TEAM_1, *TEAM_2]
    )
    admin = users["dpmppa"]
    cycle, created = ensure_cycle(
        **PAST,
        settings_=PAST_DATES,
        stages=[
            (Cycle.Stage.PERSIAPAN, datetime.date(2025, 2, 10)),
            (Cycle.Stage.USULAN, PAST_DATES["proposal_opens"]),
            (Cycle.Stage.PENILAIAN, PAST_DATES["assessment_opens"]),
            (Cycle.Stage.REKAPITULASI, PAST_DATES["assessment_closes"]),
        ],
        by=admin,
    )
    indicators = list(Indicator.objects.filter(indicator_set=cycle.indicator_set))
    picked = pick_rts(rng, PAST_KELURAHAN)
    qualities = {rt.pk: draw_quality(rng) for rt, _ in picked}
    if not created and not made_by_seed(cycle, picked):
        write(stdout, f"{cycle} sudah ada dengan usulan lain: data demonya dilewati.")
        return None
    teams = {
        1: ensure_team(cycle=cycle, name="Tim Penilai 1", usernames=TEAM_1, users=users),
        2: ensure_team(cycle=cycle, name="Tim Penilai 2", usernames=TEAM_2, users=users),
    }
    if not cycle.proposals.exists():
        proposals = [
            new_proposal(
                cycle=cycle,
                rt=rt,
                kel=kel,
                status=Proposal.Status.DIVERIFIKASI,
                team=teams[1 if kel.kecamatan.name == TEAM_1_KECAMATAN else 2],
                proposed_by=proposer_for(kel, users),
                verified_by=verifier_for(kel, users),
                proposed_on=datetime.date(2025, 3, 20),
                verified_on=datetime.date(2025, 4, 22),
            )
            for rt, kel in picked
        ]
        bulk_create_with_history(proposals, Proposal, batch_size=500)
    proposals = list(cycle.proposals.select_related("team").order_by("pk"))

    if not Assessment.objects.filter(proposal__cycle=cycle).exists():
        conflict = next(p for p in proposals if p.team_id == teams[1].pk and p.rt_number != 5)
        ConflictOfInterest.objects.create(
            proposal=conflict, assessor=users["penilai2"], reason=CONFLICT_REASON
        )
        sheets = []
        for proposal in proposals:
            quality = qualities[proposal.rt_id]
            if is_rt05_buluran_kenali(proposal):
                quality = 0.97  # BANTAR.md: RT 05 Buluran Kenali is a winner
            pillar_bias = {p: rng.uniform(-0.08, 0.08) for p in ("BERSIH", "AMAN", "PINTAR")}
            members = TEAM_1 if proposal.team_id == teams[1].pk else TEAM_2
            visit = PAST_DATES["assessment_opens"] + datetime.timedelta(days=rng.randint(0, 40))
            for username in members:
                if proposal == conflict and username == "penilai2":
                    continue
                values = sheet_scores(rng, quality, indicators, pillar_bias)
                sheets.append(
                    build_sheet(
                        rng=rng,
                        proposal=proposal,
                        assessor=users[username],
                        status=Assessment.Status.SENT,
                        visit_date=visit,
                        values=values,
                    )
                )
        n_sheets, n_scores = save_sheets(sheets)
        write(stdout, f"{cycle}: {n_sheets} lembar penilaian terkirim, {n_scores} nilai.")

    seed_meeting(cycle=cycle, proposals=proposals, admin=admin)
    ensure_document(
        kind="berita_acara", subject=f"meeting:{cycle.meeting.pk}", by=admin, stdout=stdout
    )
    write(stdout, f"{cycle}: {len(proposals)} usulan, rapat {PAST_MEETING_DATE:%d-%m-%Y}.")
    return cycle


def seed_meeting(*, cycle, proposals, admin):
    if not Meeting.objects.filter(cycle=cycle).exists():
        meeting = Meeting(
            cycle=cycle,
            held_on=PAST_MEETING_DATE,
            place=MEETING_PLACE,
            number=f"005/{PAST_MEETING_DATE:%m}/BA-BANTAR/DPMPPA/{cycle.year}",
            head_name=MEETING_HEAD,
            notes="Rapat penetapan hasil penilaian Lomba Kampung BANTAR.",
        )
        meeting._history_user = admin
        meeting._history_date = local_dt(PAST_MEETING_DATE, 13)
        meeting.save()
        MeetingAttendee.objects.bulk_create(
            [
                MeetingAttendee(meeting=meeting, name=name, position=position, order=i)
                for i, (name, position) in enumerate(MEETING_ATTENDEES, start=1)
            ]
        )
    if Decision.objects.filter(proposal__cycle=cycle).exists():
        return
    # The meeting follows the rule for every RT but two, through the same workflow the
    # decision page uses (the rule's verdict and totals come from the recap).
    rows = build_recap(cycle=cycle, proposals=Proposal.objects.filter(cycle=cycle))
    decisions = {row.proposal.pk: (RULE, "") for row in rows}
    to_pass, to_fail = overrules(rows)
    if to_pass is not None:
        decisions[to_pass.proposal.pk] = (Decision.Outcome.LULUS, OVERRULE_TO_PASS)
    if to_fail is not None:
        decisions[to_fail.proposal.pk] = (Decision.Outcome.TIDAK_LULUS, OVERRULE_TO_FAIL)
    record_decisions(cycle=cycle, decisions=decisions, by=admin)


def ensure_document(*, kind, subject, by, stdout=None):
    """A finished DocumentJob for (kind, subject), rendered now by the worker's own code
    (run_document_job) instead of waiting for the worker. A failure stops the seed."""
    done = DocumentJob.objects.filter(kind=kind, subject=subject, status=DocumentJob.Status.DONE)
    if done.exists():
        return done.first()
    job = DocumentJob.objects.create(kind=kind, subject=subject, requested_by=by)
    run_document_job(job.pk)
    job.refresh_from_db()
    if job.status != DocumentJob.Status.DONE:
        raise RuntimeError(f"Dokumen {kind} {subject} gagal dibuat: {job.error}")
    write(stdout, f"Dokumen {job.file.name} dibuat.")
    return job


def is_rt05_buluran_kenali(proposal):
    return proposal.kelurahan_name == "Buluran Kenali" and proposal.rt_number == 5


def overrules(rows):
    """The failing RT closest to the mark passes; the passing Sedang RT with the lowest
    total fails (never RT 05 Buluran Kenali)."""
    failing = [r for r in rows if not r.passes]
    passing = [
        r
        for r in rows
        if r.passes
        and r.proposal.size_category == SizeCategory.SEDANG
        and not is_rt05_buluran_kenali(r.proposal)
    ]
    to_pass = max(failing, key=lambda r: (r.total, -r.proposal.pk), default=None)
    to_fail = min(passing, key=lambda r: (r.total, r.proposal.pk), default=None)
    return to_pass, to_fail


# --- the current cycle -------------------------------------------------------------------


CURRENT_DATES = {
    "proposal_opens": datetime.date(2026, 9, 1),
    "proposal_closes": datetime.date(2026, 10, 15),
    "assessment_opens": datetime.date(2026, 11, 2),
    "assessment_closes": datetime.date(2026, 12, 18),
}


def seed_current_cycle(*, stdout=None):
    rng = random.Random(SEED + 1)
    users = users_by_name(
        ["dpmppa", "kec.telanaipura", "kel.buluran-kenali", "kel.telanaipura", *TEAM_1, *TEAM_2]
    )
    admin = users["dpmppa"]
    cycle, created = ensure_cycle(
        **CURRENT,
        settings_=CURRENT_DATES,
        stages=[
            (Cycle.Stage.PERSIAPAN, datetime.date(2026, 8, 10)),
            (Cycle.Stage.USULAN, CURRENT_DATES["proposal_opens"]),
            (Cycle.Stage.PENILAIAN, CURRENT_DATES["assessment_opens"]),
        ],
        by=admin,
    )
    indicators = list(Indicator.objects.filter(indicator_set=cycle.indicator_set))
    picked = pick_rts(rng, CURRENT_KELURAHAN)
    qualities = {rt.pk: draw_quality(rng) for rt, _ in picked}
    if not created and not made_by_seed(cycle, picked):
        write(stdout, f"{cycle} sudah ada dengan usulan lain: data demonya dilewati.")
        return None
    teams = {
        1: ensure_team(cycle=cycle, name="Tim Penilai 1", usernames=TEAM_1, users=users),
        2: ensure_team(cycle=cycle, name="Tim Penilai 2", usernames=TEAM_2, users=users),
    }
    if not cycle.proposals.exists():
        # Telanaipura's last two proposals came in late and still wait for the kecamatan;
        # one of Buluran Kenali's was returned with a reason.
        late = [p for p in picked if p[1].name == "Telanaipura"][-2:]
        returned = [p for p in picked if p[1].name == "Buluran Kenali" and p[0].number != 5][-1]
        proposals = []
        for rt, kel in picked:
            status = Proposal.Status.DIVERIFIKASI
            if (rt, kel) in late:
                status = Proposal.Status.DIAJUKAN
            elif (rt, kel) == returned:
                status = Proposal.Status.DIKEMBALIKAN
            verified = status == Proposal.Status.DIVERIFIKASI
            proposal = new_proposal(
                cycle=cycle,
                rt=rt,
                kel=kel,
                status=status,
                team=teams[1 if kel.kecamatan.name == TEAM_1_KECAMATAN else 2]
                if verified
                else None,
                proposed_by=proposer_for(kel, users),
                verified_by=verifier_for(kel, users) if verified else None,
                proposed_on=datetime.date(2026, 10, 14 if status == "DIAJUKAN" else 2),
                verified_on=datetime.date(2026, 10, 24),
            )
            if status == Proposal.Status.DIKEMBALIKAN:
                proposal.return_reason = RETURN_REASON
                proposal._history_user = verifier_for(kel, users)
                proposal._history_date = local_dt(datetime.date(2026, 10, 20), 11)
            proposals.append(proposal)
        bulk_create_with_history(proposals, Proposal, batch_size=500)

    if not Assessment.objects.filter(proposal__cycle=cycle).exists():
        seed_current_sheets(
            cycle=cycle,
            teams=teams,
            users=users,
            indicators=indicators,
            qualities=qualities,
            rng=rng,
            stdout=stdout,
        )
    write(stdout, f"{cycle}: {cycle.proposals.count()} usulan, tahap {cycle.get_stage_display()}.")
    return cycle


def seed_current_sheets(*, cycle, teams, users, indicators, qualities, rng, stdout):
    sheets = []
    for team_no, members in ((1, TEAM_1), (2, TEAM_2)):
        proposals = list(
            cycle.proposals.filter(team=teams[team_no]).order_by("kelurahan_name", "rt_number")
        )
        # penilai3 lives in the second RT of Tim 1's list: a declared conflict.
        conflict = proposals[1] if team_no == 1 else None
        if conflict is not None:
            ConflictOfInterest.objects.create(
                proposal=conflict, assessor=users["penilai3"], reason=CONFLICT_REASON
            )
        pillar_bias = {
            p.pk: {x: rng.uniform(-0.08, 0.08) for x in ("BERSIH", "AMAN", "PINTAR")}
            for p in proposals
        }
        for username in members:
            n_sent, n_draft = CURRENT_PROGRESS[username]
            todo = [p for p in proposals if not (p == conflict and username == "penilai3")]
            for i, proposal in enumerate(todo[: n_sent + n_draft]):
                sent = i < n_sent
                values = sheet_scores(
                    rng, qualities[proposal.rt_id], indicators, pillar_bias[proposal.pk]
                )
                visit = CURRENT_DATES["assessment_opens"] + datetime.timedelta(
                    days=min(25, 1 + i * 2)
                )
                # Never a visit after today: the tablet's workflow refuses those.
                visit = min(visit, timezone.localdate())
                sheets.append(
                    build_sheet(
                        rng=rng,
                        proposal=proposal,
                        assessor=users[username],
                        status=Assessment.Status.SENT if sent else Assessment.Status.DRAFT,
                        visit_date=visit,
                        values=values,
                        # A draft is half filled in: the assessor stopped mid-visit.
                        indicators_subset=None if sent else rng.randint(5, 16),
                    )
                )
    n_sheets, n_scores = save_sheets(sheets)
    write(stdout, f"{cycle}: {n_sheets} lembar penilaian (terkirim dan draf), {n_scores} nilai.")
    seed_reopened_sheets(cycle=cycle, users=users)


def seed_reopened_sheets(*, cycle, users):
    """Score history: DPMPPA reopened one of penilai2's sheets, which was sent again
    (version 1 superseded, version 2 sent), and one of penilai5's, not yet sent again.
    Through the tablet's own workflow (assessments.scoring)."""
    admin = users["dpmppa"]
    sent = Assessment.objects.filter(proposal__cycle=cycle, status=Assessment.Status.SENT)
    first = sent.filter(assessor=users["penilai2"]).order_by("pk").first()
    draft = reopen_sheet(first, by=admin, reason=REOPEN_SENT_AGAIN)
    values = {score.indicator_id: score.value for score in draft.scores.all()}
    codes = dict(draft.scores.values_list("indicator__code", "indicator_id"))
    a2, a3 = codes["A2"], codes["A3"]
    values[a2], values[a3] = values[a3], values[a2]
    if values[a2] == values[a3]:
        values[a2] = 2 if values[a2] < 2 else 1
    send_sheet(
        proposal=draft.proposal,
        assessor=users["penilai2"],
        client_token=draft.client_token,
        values=values,
        visit_date=draft.visit_date,
        general_note=draft.general_note,
    )
    waiting = sent.filter(assessor=users["penilai5"]).order_by("pk")[1]
    reopen_sheet(waiting, by=admin, reason=REOPEN_WAITING)


def write(stdout, message):
    if stdout is not None:
        stdout.write(message)


def seed(*, stdout=None):
    """Both cycles, each in its own transaction."""
    with transaction.atomic():
        past = seed_past_cycle(stdout=stdout)
    with transaction.atomic():
        current = seed_current_cycle(stdout=stdout)
    return past, current
